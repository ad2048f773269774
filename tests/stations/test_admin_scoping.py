"""Staff of one county in Django admin: their subtree only, 404 elsewhere,
and changelists that cost the same whatever the number of rows."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deputies.models import Deputy
from stations.models import Station, StationAssessment, StationMembership
from tests.factories import DeputyFactory, MandateFactory, MembershipFactory, StaffUserFactory, UserFactory

from .conftest import add_station

pytestmark = pytest.mark.django_db


@pytest.fixture
def xhl_staff(county):
    return StaffUserFactory(username="xhl-staff", region=county["regions"]["taiyuan"]["county"])


def test_staff_see_their_county_stations_only(client, county, xhl_staff):
    client.force_login(xhl_staff)
    response = client.get(reverse("admin:stations_station_changelist"))
    assert response.status_code == 200
    shown = {s.code for s in response.context["cl"].result_list}
    assert shown == {"gulou", "xhl", "home", "far"}

    ours, theirs = county["stations"]["gulou"], county["stations"]["shenyang"]
    assert client.get(reverse("admin:stations_station_change", args=[ours.pk])).status_code == 200
    assert client.get(reverse("admin:stations_station_change", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("admin:stations_station_delete", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("admin:stations_station_history", args=[theirs.pk])).status_code in (403, 404)


def test_staff_cannot_see_another_countys_deputies_or_memberships(client, county, xhl_staff):
    client.force_login(xhl_staff)
    theirs = county["stations"]["shenyang"].members.first()
    ours = county["stations"]["gulou"].members.first()
    changelist = client.get(reverse("admin:deputies_deputy_changelist"))
    shown = set(changelist.context["cl"].result_list)
    assert ours in shown and theirs not in shown
    assert client.get(reverse("admin:deputies_deputy_change", args=[ours.pk])).status_code == 200
    assert client.get(reverse("admin:deputies_deputy_change", args=[theirs.pk])).status_code == 404

    membership = StationMembership.objects.get(station=county["stations"]["shenyang"], deputy=theirs)
    assert client.get(reverse("admin:stations_stationmembership_change", args=[membership.pk])).status_code == 404
    memberships = client.get(reverse("admin:stations_stationmembership_changelist")).context["cl"].result_list
    assert all(m.station.region.code.startswith("140107") for m in memberships)


def test_a_deputy_seen_by_two_counties_shows_each_county_only_its_own_seats(client, county, xhl_staff):
    shared = county["stations"]["gulou"].members.first()
    MembershipFactory(station=county["stations"]["shenyang"], deputy=shared)
    client.force_login(xhl_staff)
    response = client.get(reverse("admin:deputies_deputy_change", args=[shared.pk]))
    html = response.content.decode()
    assert county["stations"]["gulou"].name in html
    assert county["stations"]["shenyang"].name not in html


def test_deputy_with_only_a_home_region_or_a_county_mandate_is_in_scope(client, county, xhl_staff):
    at_home = DeputyFactory(home_region=county["regions"]["taiyuan"]["township"])
    elected = DeputyFactory()
    MandateFactory(deputy=elected, congress=county["stations"]["home"].members.first().mandates.first().congress)
    elsewhere = DeputyFactory(home_region=county["regions"]["shenyang"]["county"])
    client.force_login(xhl_staff)
    shown = set(client.get(reverse("admin:deputies_deputy_changelist")).context["cl"].result_list)
    assert {at_home, elected} <= shown and elsewhere not in shown


def test_autocomplete_offers_only_the_staff_subtree(client, county, xhl_staff):
    client.force_login(xhl_staff)

    def autocomplete(app, model, field, term=""):
        response = client.get(reverse("admin:autocomplete"), {"app_label": app, "model_name": model, "field_name": field, "term": term})
        assert response.status_code == 200, response.content
        return {r["text"] for r in json.loads(response.content)["results"]}

    stations = autocomplete("stations", "stationmembership", "station")
    assert "gulou联络站" in stations and "heping联络站" not in stations
    regions = autocomplete("stations", "station", "region")
    assert any("鼓楼街道" in text for text in regions) and not any("和平区" in text for text in regions)
    assert not any("太原市" == text for text in regions)  # the city is above the county
    deputies = autocomplete("stations", "stationmembership", "deputy")
    sy_names = set(county["stations"]["shenyang"].members.values_list("name", flat=True))
    assert deputies and not (deputies & sy_names)


def test_staff_cannot_move_a_station_into_another_county(client, county, xhl_staff):
    client.force_login(xhl_staff)
    station = county["stations"]["gulou"]
    url = reverse("admin:stations_station_change", args=[station.pk])
    response = client.post(
        url,
        {
            "code": station.code,
            "name": station.name,
            "kind": station.kind,
            "region": county["regions"]["shenyang"]["township"].pk,
            "reception_rule": "none",
            "reception_announce_days": 3,
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200  # the form refuses the region (not a valid choice)
    station.refresh_from_db()
    assert station.region == county["regions"]["taiyuan"]["township"]


def test_superuser_sees_every_county(client, county):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    shown = {s.code for s in client.get(reverse("admin:stations_station_changelist")).context["cl"].result_list}
    assert shown == set(Station.objects.values_list("code", flat=True))
    theirs = county["stations"]["shenyang"]
    assert client.get(reverse("admin:stations_station_change", args=[theirs.pk])).status_code == 200


def test_staff_without_region_see_nothing(client, county):
    client.force_login(StaffUserFactory(username="nowhere", region=None))
    assert list(client.get(reverse("admin:stations_station_changelist")).context["cl"].result_list) == []
    assert list(client.get(reverse("admin:deputies_deputy_changelist")).context["cl"].result_list) == []


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


CHANGELISTS = [
    "admin:stations_station_changelist",
    "admin:stations_stationmembership_changelist",
    "admin:stations_stationassessment_changelist",
    "admin:stations_receptionday_changelist",
    "admin:deputies_deputy_changelist",
    "admin:deputies_mandate_changelist",
    "admin:deputies_deputygroup_changelist",
    "admin:deputies_dutyactivity_changelist",
    "admin:deputies_congress_changelist",
    "admin:regions_region_changelist",
    "admin:stations_assessmentresult_changelist",
    "admin:stations_receptionsubscription_changelist",
    "admin:stations_checklistitem_changelist",
    "admin:deputies_tier_changelist",
]


def add_rows(county, n):
    """More stations, deputies, mandates, groups, assessments, reception days, duty records."""
    import datetime as dt

    from deputies.models import DeputyGroup, DutyActivity
    from stations.models import AssessmentResult, ChecklistItem, ReceptionDay
    from stations.services import subscription_add
    from tests.factories import RegionFactory

    township = county["regions"]["taiyuan"]["township"]
    for i in range(n):
        code = f"rows{Station.objects.count()}"
        station = add_station(township, code, deputies=2)
        deputy = station.members.first()
        group = DeputyGroup.objects.create(name=f"小组{code}", region=township, leader=deputy)
        group.members.add(*station.members.all())
        assessment = StationAssessment.objects.create(station=station, date=dt.date(2024, 6, 1 + i))
        for item in ChecklistItem.objects.all()[:2]:
            AssessmentResult.objects.create(assessment=assessment, item=item, passed=bool(i % 2))
        subscription_add(station_id=station.pk, phone=f"1361111{i:04d}")
        ReceptionDay.objects.create(station=station, date=dt.date(2025, 1, 1 + i))
        DutyActivity.objects.create(deputy=deputy, kind="reception", date=dt.date(2025, 1, 1 + i), title="接待选民", station=station)
        RegionFactory(code=f"140107{900 + Station.objects.count():03d}000", name=f"新街道{code}", level=4, parent=township.parent)


@pytest.mark.parametrize("user_kind", ["staff", "superuser"])
def test_admin_changelists_cost_the_same_at_more_rows(client, county, xhl_staff, user_kind):
    user = xhl_staff if user_kind == "staff" else UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    add_rows(county, 3)
    client.get(reverse("admin:index"))  # warm the per-process caches (working calendar, 5 minutes)
    before = {name: count_queries(client, reverse(name)) for name in CHANGELISTS}
    add_rows(county, 4)
    after = {name: count_queries(client, reverse(name)) for name in CHANGELISTS}
    assert after == before
    assert Deputy.objects.count() >= 20
    from stations.models import AssessmentResult, ReceptionSubscription

    assert AssessmentResult.objects.count() >= 14 and ReceptionSubscription.objects.count() == 7


def test_user_admin_changelist_costs_the_same_at_more_rows(client, county):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    for i in range(3):
        StaffUserFactory(username=f"s{i}", region=county["regions"]["taiyuan"]["county"])
    client.get(reverse("admin:index"))  # warm the working-calendar cache (5 minutes)
    before = count_queries(client, reverse("admin:accounts_user_changelist"))
    for i in range(3, 9):
        StaffUserFactory(username=f"s{i}", region=county["regions"]["shenyang"]["county"])
    assert count_queries(client, reverse("admin:accounts_user_changelist")) == before


def test_subscribers_phone_is_masked_in_admin_list_and_page(client, county, xhl_staff):
    from stations.services import subscription_add

    sub, _ = subscription_add(station_id=county["stations"]["gulou"].pk, phone="13611112222")
    client.force_login(xhl_staff)
    listing = client.get(reverse("admin:stations_receptionsubscription_changelist")).content.decode()
    page = client.get(reverse("admin:stations_receptionsubscription_change", args=[sub.pk])).content.decode()
    for html in (listing, page):
        assert "136****2222" in html and "13611112222" not in html
    # Found by the whole number, still masked.
    found = client.get(reverse("admin:stations_receptionsubscription_changelist"), {"q": "13611112222"}).content.decode()
    assert "136****2222" in found  # (the number the user typed is echoed in the search box and links)
    add = client.get(reverse("admin:stations_receptionsubscription_add")).content.decode()
    assert 'name="phone_number"' in add
