import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from stations.models import ReceptionDay, StationKind, StationPost, StationPostPhoto
from tests.factories import DeputyFactory, MembershipFactory

from .conftest import add_station, all_phones

pytestmark = pytest.mark.django_db


def names_in_order(response):
    return [s.code for s in response.context["page_obj"].object_list]


def test_directory_lists_active_stations_and_filters_by_region_subtree_and_kind(client, county):
    county["stations"]["far"].is_active = False
    county["stations"]["far"].save(update_fields=["is_active"])
    response = client.get(reverse("stations:list"))
    assert response.status_code == 200
    assert set(names_in_order(response)) == {"gulou", "xhl", "home", "heping"}

    by_county = client.get(reverse("stations:list"), {"region": "140107"})
    assert set(names_in_order(by_county)) == {"gulou", "xhl", "home"}
    by_street = client.get(reverse("stations:list"), {"region": "140107003"})
    assert names_in_order(by_street) == ["gulou"]
    homes = client.get(reverse("stations:list"), {"kind": StationKind.HOME})
    assert names_in_order(homes) == ["home"]
    by_name = client.get(reverse("stations:list"), {"q": "heping"})
    assert names_in_order(by_name) == ["heping"]


def test_nearest_stations_are_sorted_by_distance_within_the_radius(client, county):
    # A resident standing near 鼓楼街道.
    response = client.get(reverse("stations:list"), {"lat": "37.8665", "lng": "112.5665"})
    assert response.status_code == 200
    assert names_in_order(response) == ["gulou", "home", "xhl"]  # "far" (35 km) and 沈阳 are outside 10 km
    distances = [s.distance_km for s in response.context["page_obj"].object_list]
    assert distances == sorted(distances) and distances[0] < 0.2
    assert 0.6 < distances[1] < 0.9  # 鼓楼 -> 区代表之家 is about 0.75 km
    html = response.content.decode()
    assert "距您约" in html and "公里" in html

    wide = client.get(reverse("stations:list"), {"lat": "37.8665", "lng": "112.5665", "radius": "100"})
    assert names_in_order(wide) == ["gulou", "home", "xhl", "far"]


def test_bad_filter_input_is_a_message_not_an_error(client, county):
    for params in (
        {"region": "abc"},
        {"region": "999999"},
        {"kind": "castle"},
        {"lat": "north", "lng": "1"},
        {"lat": "95", "lng": "500"},
        {"lat": "37.8", "lng": "112.5", "radius": "7"},
        {"page": "999"},
        {"page": "-1"},
    ):
        response = client.get(reverse("stations:list"), params)
        assert response.status_code == 200, params
    assert "请选择有效的行政区域" in client.get(reverse("stations:list"), {"region": "999999"}).content.decode()


def test_directory_query_count_does_not_grow_with_rows(client, county, django_assert_num_queries):
    # region choices (2: station region codes, regions) + count + page; same with 6 more stations.
    with django_assert_num_queries(4):
        client.get(reverse("stations:list"))
    with django_assert_num_queries(4):
        client.get(reverse("stations:list"), {"lat": "37.8665", "lng": "112.5665"})
    for i in range(6):
        add_station(county["regions"]["taiyuan"]["township"], f"more{i}", lat=f"37.86{i}000", deputies=1)
    with django_assert_num_queries(4):
        client.get(reverse("stations:list"))
    with django_assert_num_queries(4):
        client.get(reverse("stations:list"), {"lat": "37.8665", "lng": "112.5665"})


def test_station_page_shows_deputies_reception_days_and_no_private_contact(client, county):
    station = county["stations"]["gulou"]
    station.liaison_phone = "13700001111"
    station.public_phone = "0351-3023110"
    station.save(update_fields=["liaison_phone", "public_phone"])
    gone = DeputyFactory(name="离任代表", is_active=False)
    MembershipFactory(station=station, deputy=gone)
    day = ReceptionDay.objects.create(station=station, date=dt.date.today() + dt.timedelta(days=3), topic="老旧小区改造")
    ReceptionDay.objects.create(station=station, date=dt.date.today() - dt.timedelta(days=3), topic="已经过去")
    day.deputies.add(station.members.first())

    response = client.get(reverse("stations:detail", args=[station.code]))
    assert response.status_code == 200
    html = response.content.decode()
    for deputy in station.members.filter(is_active=True):
        assert deputy.name in html
    assert "离任代表" not in html
    assert "老旧小区改造" in html and "已经过去" not in html
    assert "下次接待日" in html and "每月10日" in html
    assert "0351-3023110" in html
    assert "13700001111" not in html
    for phone in all_phones():
        assert phone not in html
    assert reverse("stations:qr_svg", args=[station.code]) in html


def test_station_page_query_count_does_not_grow_with_deputies(client, county, django_assert_num_queries):
    station = county["stations"]["gulou"]
    client.get(reverse("stations:detail", args=[station.code]))  # warms the working-day calendar (cached 5 min)
    # station, memberships, mandates, region path, reception days, posts
    with django_assert_num_queries(6):
        client.get(reverse("stations:detail", args=[station.code]))
    for _ in range(5):
        MembershipFactory(station=station, deputy=DeputyFactory())
    with django_assert_num_queries(6):
        client.get(reverse("stations:detail", args=[station.code]))
    # Activity posts add their photos and deputies: two queries, however many posts.
    post = StationPost.objects.create(station=station, title="活动", body="b", date=dt.date(2026, 3, 1))
    post.deputies.add(DeputyFactory())
    with django_assert_num_queries(8):
        client.get(reverse("stations:detail", args=[station.code]))
    for i in range(8):
        extra = StationPost.objects.create(station=station, title=f"活动{i}", body="b", date=dt.date(2026, 3, 2))
        extra.deputies.add(DeputyFactory())
        StationPostPhoto.objects.create(post=extra, image="station_posts/x.jpg")
    with django_assert_num_queries(8):
        client.get(reverse("stations:detail", args=[station.code]))


def test_inactive_or_unknown_station_is_404(client, county):
    station = county["stations"]["xhl"]
    station.is_active = False
    station.save(update_fields=["is_active"])
    for name in ("stations:detail", "stations:poster", "stations:qr_svg", "stations:qr_png"):
        assert client.get(reverse(name, args=[station.code])).status_code == 404
        assert client.get(reverse(name, args=["no-such-station"])).status_code == 404


@override_settings(PORTAL_PUBLIC_BASE_URL="https://rd.example.cn")
def test_qr_codes_point_to_the_kiosk_of_the_station(client, county):
    station = county["stations"]["gulou"]
    expected = "https://rd.example.cn/kiosk/gulou/?src=qr"

    svg = client.get(reverse("stations:qr_svg", args=[station.code]))
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    body = svg.content.decode()
    assert body.lstrip().startswith("<svg") and f"<title>{expected.replace('&', '&amp;')}</title>" in body

    png = client.get(reverse("stations:qr_png", args=[station.code]))
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(png.content))
    image.verify()
    assert image.format == "PNG" and image.size[0] > 100

    poster = client.get(reverse("stations:poster", args=[station.code])).content.decode()
    assert expected in poster and "<svg" in poster and station.name in poster


def test_station_without_position_is_left_out_of_the_nearest_search(client, county):
    online = add_station(county["regions"]["taiyuan"]["county"], "online", kind=StationKind.ONLINE)
    online.latitude = online.longitude = None
    online.save(update_fields=["latitude", "longitude"])
    response = client.get(reverse("stations:list"), {"lat": "37.8665", "lng": "112.5665"})
    assert "online" not in names_in_order(response)
    assert "online" in names_in_order(client.get(reverse("stations:list")))
    assert Decimal("37.866000") == county["stations"]["gulou"].latitude


def test_nul_bytes_and_huge_values_in_filters_are_not_errors(client, rf, county):
    from stations import views

    nul = {"region": "\x00", "kind": "\x00", "q": "\x00", "lat": "\x00", "lng": "\x00", "radius": "\x00", "page": "\x00"}
    assert client.get(reverse("stations:list"), nul).status_code == 400  # accounts.middleware
    assert views.station_list(rf.get("/stations/", nul)).status_code == 200
    for params in (
        {"q": "路" * 5000, "page": "999999"},
        {"lat": "nan", "lng": "inf", "radius": "1e309"},
        {"lat": "1e309", "lng": "-1e309"},
    ):
        assert client.get(reverse("stations:list"), params).status_code == 200, params
    for path in ("/stations/\x00/", "/stations/a\x00/qr.svg", "/stations/a\x00/poster/"):
        assert client.get(path).status_code == 400
