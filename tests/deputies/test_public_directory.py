"""Public deputy directory and profile: basic information, mandates at
several tiers, stations; never a phone number or other personal contact."""

import datetime as dt

import pytest
from django.urls import reverse

from deputies.models import Deputy, DeputyGroup, GroupKind
from tests.factories import CongressFactory, DeputyFactory, MandateFactory, MembershipFactory, StationFactory, UserFactory, tier

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(regions):
    ty, sy = regions["taiyuan"], regions["shenyang"]
    congresses = {
        "national": CongressFactory(tier=tier("national"), region=None, term=14, name="第十四届全国人民代表大会"),
        "city": CongressFactory(tier=tier("city"), region=ty["city"], term=16, name="太原市第十六届人民代表大会"),
        "county": CongressFactory(tier=tier("county"), region=ty["county"], term=17, name="杏花岭区第十七届人民代表大会"),
        "shenyang": CongressFactory(tier=tier("city"), region=sy["city"], term=17, name="沈阳市第十七届人民代表大会"),
    }
    gulou = StationFactory(code="gulou", name="鼓楼街道人大代表联络站", region=ty["township"])
    heping = StationFactory(code="heping", name="太原街街道人大代表联络站", region=sy["township"])
    two_tiers = DeputyFactory(name="闫俊武", phone="13912345678", email="yan@example.cn", user=UserFactory(username="yan-login-7731"))
    MandateFactory(deputy=two_tiers, congress=congresses["city"], constituency="杏花岭区选举单位")
    MandateFactory(deputy=two_tiers, congress=congresses["county"], constituency="鼓楼街道第3选区")
    MembershipFactory(station=gulou, deputy=two_tiers)
    national = DeputyFactory(name="刘国强", phone="13900000001")
    MandateFactory(deputy=national, congress=congresses["national"], constituency="山西省代表团")
    county_only = DeputyFactory(name="马丽娟", phone="13900000002")
    MandateFactory(deputy=county_only, congress=congresses["county"])
    MembershipFactory(station=gulou, deputy=county_only)
    other = DeputyFactory(name="宋翠玲", phone="13900000003")
    MandateFactory(deputy=other, congress=congresses["shenyang"])
    MembershipFactory(station=heping, deputy=other)
    retired = DeputyFactory(name="离任者", phone="13900000004", is_active=False)
    MandateFactory(deputy=retired, congress=congresses["county"])
    ended = DeputyFactory(name="届满者", phone="13900000005")
    MandateFactory(deputy=ended, congress=congresses["county"], end_date=dt.date(2020, 1, 1))
    group = DeputyGroup.objects.create(name="鼓楼街道代表小组", kind=GroupKind.REGIONAL, region=ty["township"], leader=two_tiers)
    group.members.add(two_tiers, county_only)
    return {"congresses": congresses, "two_tiers": two_tiers, "national": national, "county_only": county_only, "other": other}


def listed(response):
    return [d.name for d in response.context["page_obj"].object_list]


def test_directory_lists_serving_deputies_and_filters_by_tier_region_station_and_name(client, roster):
    url = reverse("deputies:list")
    assert sorted(listed(client.get(url))) == sorted(["闫俊武", "刘国强", "马丽娟", "宋翠玲"])
    assert listed(client.get(url, {"tier": "national"})) == ["刘国强"]
    assert sorted(listed(client.get(url, {"tier": "county"}))) == sorted(["闫俊武", "马丽娟"])
    assert sorted(listed(client.get(url, {"tier": "city"}))) == sorted(["闫俊武", "宋翠玲"])
    assert sorted(listed(client.get(url, {"region": "140107"}))) == sorted(["闫俊武", "马丽娟"])
    assert listed(client.get(url, {"region": "2101"})) == ["宋翠玲"]
    assert sorted(listed(client.get(url, {"station": "gulou"}))) == sorted(["闫俊武", "马丽娟"])
    assert listed(client.get(url, {"q": "俊武"})) == ["闫俊武"]
    assert listed(client.get(url, {"station": "no-such"})) == []
    for bad in ({"tier": "galactic"}, {"region": "12x"}, {"page": "abc"}, {"q": "x" * 500}):
        assert client.get(url, bad).status_code == 200


def test_profile_shows_mandates_at_several_tiers_groups_and_stations(client, roster):
    deputy = roster["two_tiers"]
    response = client.get(reverse("deputies:detail", args=[deputy.public_id]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "太原市第十六届人民代表大会" in html and "杏花岭区第十七届人民代表大会" in html
    assert "鼓楼街道第3选区" in html and "杏花岭区选举单位" in html
    assert [m.congress.tier.code for m in response.context["deputy"].current_mandates] == ["city", "county"]
    assert "鼓楼街道人大代表联络站" in html and "鼓楼街道代表小组" in html


def test_public_pages_never_show_phone_email_or_account(client, roster):
    deputy = roster["two_tiers"]
    pages = [
        client.get(reverse("deputies:list")),
        client.get(reverse("deputies:list"), {"station": "gulou"}),
        client.get(reverse("deputies:detail", args=[deputy.public_id])),
        client.get(reverse("stations:detail", args=["gulou"])),
        client.get(reverse("stations:list")),
    ]
    phones = list(Deputy.objects.values_list("phone", flat=True))
    for response in pages:
        assert response.status_code == 200
        html = response.content.decode()
        for phone in phones:
            assert phone not in html
            assert phone[-8:] not in html  # not even partially
        assert "yan@example.cn" not in html
        assert "yan-login-7731" not in html  # the login account


def test_inactive_or_ended_deputies_are_hidden(client, roster):
    for name in ("离任者", "届满者"):
        deputy = Deputy.objects.get(name=name)
        assert client.get(reverse("deputies:detail", args=[deputy.public_id])).status_code == 404
        assert name not in client.get(reverse("deputies:list")).content.decode()
    assert client.get(reverse("deputies:detail", args=["nobody"])).status_code == 404


def test_directory_and_profile_query_counts_do_not_grow_with_rows(client, roster, regions, django_assert_num_queries):
    url = reverse("deputies:list")
    # tiers, station region codes, regions, count, page, mandates, memberships
    with django_assert_num_queries(7):
        client.get(url)
    station = StationFactory(code="more", region=regions["taiyuan"]["township2"])
    for _ in range(8):
        deputy = DeputyFactory()
        MandateFactory(deputy=deputy, congress=roster["congresses"]["county"])
        MandateFactory(deputy=deputy, congress=roster["congresses"]["city"])
        MembershipFactory(station=station, deputy=deputy)
    with django_assert_num_queries(7):
        client.get(url)
    profile = reverse("deputies:detail", args=[roster["two_tiers"].public_id])
    with django_assert_num_queries(4):
        client.get(profile)


@pytest.mark.parametrize(
    "params",
    [
        {"station": "\x00"},
        {"station": "gulou\x00"},
        {"region": "\x00", "tier": "\x00", "q": "\x00"},
        {"region": "abc", "tier": "zzz", "station": "x" * 5000, "page": "999999"},
        {"q": "x" * 5000, "page": "-1"},
        {"region": "1401", "station": "不存在"},
    ],
)
def test_directory_garbage_filters_are_ignored_not_errors(client, rf, roster, params):
    from deputies import views

    with_nul = any("\x00" in v for v in params.values())
    # A NUL never reaches the view (accounts.middleware: 400); the view copes anyway.
    assert client.get(reverse("deputies:list"), params).status_code == (400 if with_nul else 200)
    assert views.deputy_list(rf.get("/deputies/", params)).status_code == 200


@pytest.mark.parametrize("public_id", ["\x00", "a\x00b", "x" * 300, "<script>"])
def test_profile_with_a_hostile_id_is_404(client, rf, roster, public_id):
    from django.http import Http404

    from deputies import views

    assert client.get(f"/deputies/{public_id}/").status_code in (400, 404)
    with pytest.raises(Http404):
        views.deputy_detail(rf.get("/deputies/x/"), public_id)


def test_station_filter_appears_once_a_county_is_chosen(client, roster, regions):
    html = client.get(reverse("deputies:list")).content.decode()
    assert '<select name="station"' not in html and 'type="hidden" name="station"' in html
    html = client.get(reverse("deputies:list"), {"region": regions["taiyuan"]["county"].code[:6]}).content.decode()
    assert '<select name="station"' in html and '<option value="gulou">鼓楼街道人大代表联络站</option>' in html
    assert '<option value="heping">' not in html  # 沈阳's station is not in 杏花岭区
