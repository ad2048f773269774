"""Public directories (regions, stations, deputies, reception days,
categories) and the authenticated ones (units, reply classes)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stations.models import ReceptionDay, StationMembership
from tests.api.conftest import token_client
from tests.factories import CongressFactory, DeputyFactory, MandateFactory, StationFactory, UnitFactory, tier

pytestmark = pytest.mark.django_db


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _deputy_at(station, **kwargs):
    deputy = DeputyFactory(**kwargs)
    StationMembership.objects.create(station=station, deputy=deputy)
    MandateFactory(deputy=deputy, congress=CongressFactory(tier=tier("county"), region=station.region.parent or station.region))
    return deputy


def test_deputies_show_public_fields_only(world, anon):
    deputy = _deputy_at(world.station, name="李秀英", phone="13900001111", email="li@example.cn")
    response = anon.get("/api/v1/deputies/")
    assert response.status_code == 200
    row = next(r for r in response.json()["results"] if r["public_id"] == deputy.public_id)
    assert row["name"] == "李秀英"
    assert row["stations"] == [{"code": world.station.code, "name": world.station.name}]
    assert row["mandates"][0]["tier"] == "county"
    body = response.content.decode()
    for private in ("13900001111", "li@example.cn", "home_region", '"user"', '"phone"', '"email"'):
        assert private not in body


def test_inactive_deputies_are_not_listed(world, anon):
    gone = DeputyFactory(name="已离任", is_active=False)
    assert gone.public_id not in {r["public_id"] for r in anon.get("/api/v1/deputies/?limit=200").json()["results"]}
    assert anon.get(f"/api/v1/deputies/{gone.public_id}/").status_code == 404


def test_deputies_filter_by_station_tier_and_region(world, anon):
    here = _deputy_at(world.station)
    there = _deputy_at(world.other_station)
    by_station = {r["public_id"] for r in anon.get(f"/api/v1/deputies/?station={world.station.code}").json()["results"]}
    assert by_station == {here.public_id}
    county = world.regions["shenyang"]["county"].code[:6]
    assert {r["public_id"] for r in anon.get(f"/api/v1/deputies/?region={county}").json()["results"]} == {there.public_id}
    tiers = {r["public_id"] for r in anon.get("/api/v1/deputies/?tier=county&limit=200").json()["results"]}
    assert {here.public_id, there.public_id} <= tiers
    assert anon.get("/api/v1/deputies/?tier=national").json()["results"] == []


def test_deputy_list_query_count_is_constant(world, anon, django_assert_num_queries):
    _deputy_at(world.station)
    few = _count_queries(anon, "/api/v1/deputies/")
    for _ in range(5):
        _deputy_at(world.station)
    with django_assert_num_queries(few):
        anon.get("/api/v1/deputies/")


def test_stations_hide_the_liaison_phone_and_filter_by_region_kind_and_viewport(world, anon):
    world.station.liaison_phone = "13712345678"
    world.station.save(update_fields=["liaison_phone"])
    body = anon.get("/api/v1/stations/").content.decode()
    assert "13712345678" not in body and "liaison_phone" not in body
    codes = lambda q: {r["code"] for r in anon.get(f"/api/v1/stations/?{q}").json()["results"]}  # noqa: E731
    assert codes(f"region={world.regions['taiyuan']['county'].code[:6]}") == {world.station.code}
    assert codes("kind=online") == set()
    assert codes("min_lat=37&max_lat=38&min_lng=112&max_lng=113") == {world.station.code, world.other_station.code}
    assert codes("min_lat=40") == set()


def test_station_detail_lists_current_deputies_and_next_reception(world, anon):
    world.station.reception_rule = "monthly"
    world.station.reception_day = 10
    world.station.save(update_fields=["reception_rule", "reception_day"])
    deputy = _deputy_at(world.station)
    data = anon.get(f"/api/v1/stations/{world.station.code}/").json()
    assert data["deputies"] == [{"public_id": deputy.public_id, "name": deputy.name}]
    assert dt.date.fromisoformat(data["next_reception_date"]).day == 10
    assert anon.get("/api/v1/stations/no-such-station/").status_code == 404


def test_station_list_query_count_is_constant(world, anon, django_assert_num_queries):
    few = _count_queries(anon, "/api/v1/stations/")
    for _ in range(4):
        StationFactory(region=world.regions["taiyuan"]["township"])
    with django_assert_num_queries(few):
        anon.get("/api/v1/stations/")


def test_regions_by_code_and_subtree(world, anon):
    county = world.regions["taiyuan"]["county"]
    assert anon.get(f"/api/v1/regions/{county.code[:6]}/").json()["name"] == county.name
    assert anon.get(f"/api/v1/regions/{county.code}/").json()["parent_code"] == county.parent.code
    within = {r["code"] for r in anon.get(f"/api/v1/regions/?within={county.code[:6]}").json()["results"]}
    assert within == {county.code, world.regions["taiyuan"]["township"].code, world.regions["taiyuan"]["township2"].code}
    assert anon.get("/api/v1/regions/123/").status_code == 404


def test_reception_days_upcoming_by_station(world, anon):
    today = timezone.localdate()
    deputy = _deputy_at(world.station)
    coming = ReceptionDay.objects.create(station=world.station, date=today + dt.timedelta(days=5), topic="物业管理")
    coming.deputies.add(deputy)
    ReceptionDay.objects.create(station=world.station, date=today - dt.timedelta(days=30), summary="接待群众12人，含某某电话")
    data = anon.get(f"/api/v1/reception-days/?station={world.station.code}&upcoming=true").json()
    assert [r["id"] for r in data["results"]] == [coming.pk]
    assert data["results"][0]["deputies"] == [{"public_id": deputy.public_id, "name": deputy.name}]
    assert "某某电话" not in anon.get("/api/v1/reception-days/").content.decode()


def test_categories_are_public_and_reply_classes_need_a_login(world, anon, staff_api):
    assert any(c["code"] == "urban" for c in anon.get("/api/v1/categories/").json())
    assert anon.get("/api/v1/reply-classes/").status_code == 401
    assert {c["code"] for c in staff_api.get("/api/v1/reply-classes/").json()} >= {"A", "B", "C"}


def test_units_need_a_login_and_filter_by_region(world, anon):
    UnitFactory(name="和平区住建局", region=world.regions["shenyang"]["county"])
    assert anon.get("/api/v1/units/").status_code == 401
    client = token_client(world.staff)
    names = {u["name"] for u in client.get(f"/api/v1/units/?region={world.regions['taiyuan']['county'].code[:6]}").json()["results"]}
    assert names == {world.unit_a.name, world.unit_b.name, world.unit_c.name}
    body = client.get("/api/v1/units/").content.decode()
    assert "contact_phone" not in body


def test_me_describes_the_caller(world):
    data = token_client(world.unit_a_user).get("/api/v1/me/").json()
    assert data["username"] == "unit_a" and data["units"] == [{"id": world.unit_a.pk, "name": world.unit_a.name}]
    assert token_client(world.deputy_user).get("/api/v1/me/").json()["deputy"]["public_id"] == world.deputy.public_id
