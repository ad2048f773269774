"""Open311 GeoReport v2: responses validated against the spec's shapes
(./schemas), in JSON and XML, with the spec's error format."""

import datetime as dt
from xml.etree import ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from open311.models import ApiKey
from open311.services import api_key_revoke
from proposals.models import Case, CaseState, Channel
from proposals.services import actions
from tests.factories import category, make_case
from tests.open311.conftest import post_request, validate

pytestmark = pytest.mark.django_db


def xml(response) -> ET.Element:
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)


# --- discovery and services -----------------------------------------------------------------


def test_discovery_lists_the_v2_endpoint_in_json_and_xml(client, world):
    response = client.get("/open311/v2/discovery.json")
    assert response.status_code == 200
    validate(response.json(), "discovery")
    assert response.json()["endpoints"][0]["url"].endswith("/open311/v2/")
    root = xml(client.get("/open311/v2/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == ["text/xml", "application/json"]


def test_services_are_our_active_categories(client, world):
    from proposals.models import Category

    Category.objects.filter(code="traffic").update(is_active=False)
    data = client.get("/open311/v2/services.json").json()
    validate(data, "services")
    codes = [s["service_code"] for s in data]
    assert "urban" in codes and "traffic" not in codes
    urban = next(s for s in data if s["service_code"] == "urban")
    assert urban["service_name"] == Category.objects.get(code="urban").name
    root = xml(client.get("/open311/v2/services.xml"))
    assert root.tag == "services"
    assert [s.findtext("service_code") for s in root.findall("service")] == codes
    assert root.find("service/metadata").text == "false"


def test_service_definition_and_unknown_service(client, world):
    response = client.get("/open311/v2/services/urban.json")
    validate(response.json(), "service_definition")
    assert response.json()["service_code"] == "urban"
    assert xml(client.get("/open311/v2/services/urban.xml")).tag == "service_definition"
    missing = client.get("/open311/v2/services/nope.json")
    assert missing.status_code == 404
    validate(missing.json(), "error")
    root = xml(client.get("/open311/v2/services/nope.xml"))
    assert root.tag == "errors" and root.findtext("error/code") == "404"


# --- POST requests -----------------------------------------------------------------------------


def test_post_creates_a_resident_case_at_the_keys_station(client, world, station_key):
    api_key, raw = station_key
    response = post_request(client, raw)
    assert response.status_code == 200
    data = response.json()
    validate(data, "post_response")
    case = Case.objects.get(tracking_code=data[0]["service_request_id"])
    assert case.channel == Channel.OPEN311 and case.kind == "opinion"
    assert case.station == world.station and case.region == world.station.region
    assert case.category.code == "urban" and case.state == CaseState.SUBMITTED
    assert case.content == "鼓楼街12号门口井盖缺失，夜里很危险。"
    assert case.title.startswith("鼓楼街12号门口井盖缺失")
    assert str(case.latitude) == "37.866120" and case.address == "鼓楼街12号"
    assert case.resident_name == "张 三" and case.phone_masked == "138****5678" and case.phone_last4 == "5678"
    assert "13812345678" not in case.phone_encrypted
    assert case.events.get().actor_label == api_key.name
    assert case.tracking_code_display in data[0]["service_notice"]


def test_media_url_is_kept_with_the_description(client, world, station_key):
    response = post_request(client, station_key[1], media_url="https://img.example.cn/a.jpg")
    case = Case.objects.get(tracking_code=response.json()[0]["service_request_id"])
    assert case.content.endswith("https://img.example.cn/a.jpg")


def test_post_in_xml(client, world, station_key):
    root = xml(post_request(client, station_key[1], fmt="xml"))
    assert root.tag == "service_requests"
    code = root.findtext("request/service_request_id")
    assert Case.objects.filter(tracking_code=code).exists()


def test_post_with_address_only_and_without_personal_data_is_anonymous(client, world, station_key):
    response = post_request(client, station_key[1], lat=None, long=None, first_name=None, last_name=None, phone=None, email=None)
    assert response.status_code == 200, response.content
    case = Case.objects.get(tracking_code=response.json()[0]["service_request_id"])
    assert case.is_anonymous and case.latitude is None and case.address == "鼓楼街12号"


def test_same_idempotency_key_returns_the_same_request(client, world, station_key):
    headers = {"HTTP_IDEMPOTENCY_KEY": "retry-42"}
    data = {"api_key": station_key[1], "service_code": "urban", "description": "路灯不亮", "address_string": "鼓楼街"}
    first = client.post("/open311/v2/requests.json", data, **headers).json()
    second = client.post("/open311/v2/requests.json", data, **headers).json()
    assert first[0]["service_request_id"] == second[0]["service_request_id"]
    assert Case.objects.filter(channel=Channel.OPEN311).count() == 1


@pytest.mark.parametrize(
    ("fields", "status", "needle"),
    [
        ({"api_key": None}, 403, "api_key"),
        ({"api_key": "wrong"}, 403, "api_key"),
        ({"service_code": None}, 400, "service_code"),
        ({"service_code": "no-such"}, 404, "service_code"),  # GeoReport v2: unknown service_code is 404
        ({"description": "   "}, 400, "description"),
        ({"lat": None, "long": None, "address_string": None}, 400, "位置"),
        ({"long": None}, 400, "lat 和 long"),
        ({"lat": "91"}, 400, "lat"),
        ({"long": "abc"}, 400, "long"),
        ({"lat": "NaN"}, 400, "lat"),
        ({"phone": "12"}, 400, "phone"),
        ({"email": "not-an-email"}, 400, "email"),
        ({"description": "含\x00字符"}, 400, "description"),
    ],
)
def test_bad_post_is_refused_in_the_spec_error_format(client, world, station_key, fields, status, needle):
    response = post_request(client, station_key[1], **fields)
    assert response.status_code == status
    errors = response.json()
    validate(errors, "error")
    assert errors[0]["code"] == status
    assert any(needle in e["description"] for e in errors), errors
    assert not Case.objects.exists()


def test_bad_post_in_xml_answers_xml_errors(client, world, station_key):
    root = xml(post_request(client, station_key[1], fmt="xml", service_code=None))
    assert root.tag == "errors"
    assert root.findtext("error/code") == "400" and "service_code" in root.findtext("error/description")


def test_revoked_key_is_refused_at_once(client, world, station_key):
    api_key, raw = station_key
    api_key_revoke(api_key_id=api_key.pk, user=world.staff)
    response = post_request(client, raw)
    assert response.status_code == 403
    assert not Case.objects.exists()


def test_key_for_a_region_files_cases_in_the_region(client, world):
    from open311.services import api_key_issue

    issued = api_key_issue(name="12345热线平台", region=world.regions["taiyuan"]["county"])
    response = post_request(client, issued.raw_key)
    case = Case.objects.get(tracking_code=response.json()[0]["service_request_id"])
    assert case.station is None and case.region == world.regions["taiyuan"]["county"]


def test_posting_faster_than_the_key_rate_is_429(client, world, station_key, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "1000/min", "open311_post": "2/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    codes = [post_request(client, station_key[1]).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert Case.objects.count() == 2


def test_reads_are_limited_per_address_but_a_keyed_client_posts_at_its_own_rate(client, world, station_key, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "2/min", "open311_post": "100/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    assert [client.get("/open311/v2/services.json").status_code for _ in range(3)] == [200, 200, 429]
    validate(client.get("/open311/v2/services.json").json(), "error")
    assert [post_request(client, station_key[1]).status_code for _ in range(3)] == [200, 200, 200]
    assert post_request(client, "guessed-key").status_code == 429


def test_wrong_method_and_unknown_paths_use_the_error_format(client, world):
    response = client.delete("/open311/v2/services.json")
    assert response.status_code == 405
    validate(response.json(), "error")
    for path in ("/open311/v2/unknown.json", "/open311/v2/services/urban.html", "/open311/whatever"):
        response = client.get(path)
        assert response.status_code == 404
        validate(response.json(), "error")
    assert xml(client.get("/open311/v2/unknown.xml")).tag == "errors"


# --- GET requests ------------------------------------------------------------------------------


def _codes(response):
    data = response.json()
    validate(data, "requests")
    return {r["service_request_id"] for r in data}


def test_get_requests_filters(client, world, station_key, case_closed):
    _key, raw = station_key
    open_case = make_case(station=world.station)
    other_category = make_case(station=world.station, category=category("traffic"))
    old = make_case(station=world.station, now=timezone.now() - dt.timedelta(days=120))
    closed = case_closed
    base = f"/open311/v2/requests.json?api_key={raw}"
    assert _codes(client.get(base)) == {open_case.tracking_code, other_category.tracking_code, closed.tracking_code}
    assert _codes(client.get(base + "&service_code=traffic")) == {other_category.tracking_code}
    assert _codes(client.get(base + "&status=closed")) == {closed.tracking_code}
    assert _codes(client.get(base + "&status=open")) == {open_case.tracking_code, other_category.tracking_code}
    start = (timezone.now() - dt.timedelta(days=200)).isoformat()
    end = (timezone.now() - dt.timedelta(days=100)).isoformat()
    assert _codes(client.get(base + f"&start_date={start}&end_date={end}".replace("+", "%2B"))) == {old.tracking_code}
    ids = f"{open_case.tracking_code},{old.tracking_code}"
    assert _codes(client.get(f"/open311/v2/requests.json?service_request_id={ids}")) == {open_case.tracking_code, old.tracking_code}


def test_key_only_lists_its_own_stations_requests(client, world, station_key):
    mine = make_case(station=world.station)
    make_case(station=world.other_station)
    assert _codes(client.get(f"/open311/v2/requests.json?api_key={station_key[1]}")) == {mine.tracking_code}


def test_without_a_key_only_published_requests_are_listed(client, world, case_closed):
    make_case(station=world.station)
    assert _codes(client.get("/open311/v2/requests.json")) == set()
    actions.case_publish(case_id=case_closed.pk, user=world.staff)
    data = client.get("/open311/v2/requests.json").json()
    assert [r["service_request_id"] for r in data] == [case_closed.tracking_code]
    assert data[0]["status_notes"] == "已修好。" and data[0]["description"]


def test_get_requests_never_shows_personal_data(client, world, station_key):
    response = post_request(client, station_key[1])
    code = response.json()[0]["service_request_id"]
    for url in (
        f"/open311/v2/requests.json?api_key={station_key[1]}",
        f"/open311/v2/requests/{code}.json?api_key={station_key[1]}",
        f"/open311/v2/requests/{code}.xml",
        f"/open311/v2/requests.xml?service_request_id={code}",
    ):
        body = client.get(url).content.decode()
        assert code in body
        for personal in ("13812345678", "138****5678", "5678", "张", "zhang@example.cn"):
            assert personal not in body, (url, personal)


def test_request_without_key_shows_status_but_not_content(client, world, station_key):
    code = post_request(client, station_key[1]).json()[0]["service_request_id"]
    data = client.get(f"/open311/v2/requests/{code}.json").json()
    validate(data, "requests")
    assert data[0]["status"] == "open" and data[0]["description"] == "" and data[0]["lat"] is None
    with_key = client.get(f"/open311/v2/requests/{code}.json?api_key={station_key[1]}").json()
    assert with_key[0]["description"].startswith("鼓楼街12号") and with_key[0]["lat"] == pytest.approx(37.86612)


def test_unknown_request_and_bad_queries(client, world):
    response = client.get("/open311/v2/requests/ZZZZZZZZ.json")
    assert response.status_code == 404
    validate(response.json(), "error")
    for query in ("status=pending", "start_date=yesterday", "start_date=2024-05-01T00:00:00", "api_key=wrong"):
        response = client.get(f"/open311/v2/requests.json?{query}")
        assert response.status_code in (400, 403), query
        validate(response.json(), "error")
    odd_offset = client.get("/open311/v2/requests.json?start_date=3694-11-18T17:02:08%2B22:04")
    assert odd_offset.status_code in (200, 400)
    reversed_range = "start_date=2024-05-02&end_date=2024-05-01"
    assert client.get(f"/open311/v2/requests.json?{reversed_range}").status_code == 400


def test_get_requests_query_count_is_constant(client, world, station_key, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        make_case(station=world.station)
    url = f"/open311/v2/requests.json?api_key={station_key[1]}"
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    for _ in range(4):
        make_case(station=world.station)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        assert len(client.get(url).json()) == 6


# --- the round trip ----------------------------------------------------------------------------


def test_round_trip_post_admin_close_get(client, world, station_key):
    _key, raw = station_key
    code = post_request(client, raw).json()[0]["service_request_id"]
    case = Case.objects.get(tracking_code=code)

    # Staff of the county see it in the admin changelist.
    client.force_login(world.staff)
    changelist = client.get(reverse("admin:proposals_case_changelist"))
    assert changelist.status_code == 200
    assert case.tracking_code_display in changelist.content.decode() or code in changelist.content.decode()
    client.logout()

    # Handled and closed through the workflow services.
    actions.case_accept(case_id=case.pk, user=world.staff)
    actions.case_assign(case_id=case.pk, user=world.staff, lead_unit_id=world.unit_a.pk)
    actions.case_start_handling(case_id=case.pk, user=world.unit_a_user)
    actions.case_reply(case_id=case.pk, user=world.unit_a_user, text="井盖已补装，感谢反映。", reply_class_code="A")
    in_progress = client.get(f"/open311/v2/requests/{code}.json?api_key={raw}").json()[0]
    assert in_progress["status"] == "open" and in_progress["agency_responsible"] == world.unit_a.name
    actions.case_close(case_id=case.pk, user=world.staff, reason="已电话回访，群众满意")

    data = client.get(f"/open311/v2/requests/{code}.json?api_key={raw}").json()
    validate(data, "requests")
    assert data[0]["status"] == "closed"
    assert data[0]["status_notes"] == "井盖已补装，感谢反映。"
    root = xml(client.get(f"/open311/v2/requests/{code}.xml?api_key={raw}"))
    assert root.findtext("request/status") == "closed"
    assert root.findtext("request/status_notes") == "井盖已补装，感谢反映。"


@pytest.mark.parametrize("state", ["returned", "redirected", "rejected", "merged"])
def test_final_review_states_are_closed_with_the_reason(client, world, station_key, state):
    from tests.proposals.builders import case_in_state

    case = case_in_state(world, state)
    data = client.get(f"/open311/v2/requests/{case.tracking_code}.json?api_key={station_key[1]}").json()
    assert data[0]["status"] == "closed"
    assert data[0]["status_notes"].startswith(str(Case(state=state).get_state_display()))


@pytest.fixture
def case_closed(world):
    case = make_case(station=world.station)
    actions.case_accept(case_id=case.pk, user=world.staff)
    actions.case_assign(case_id=case.pk, user=world.staff, lead_unit_id=world.unit_a.pk)
    actions.case_start_handling(case_id=case.pk, user=world.unit_a_user)
    actions.case_reply(case_id=case.pk, user=world.unit_a_user, text="已修好。", reply_class_code="A")
    actions.case_close(case_id=case.pk, user=world.staff)
    case.refresh_from_db()
    return case


def test_api_key_is_stored_hashed(world, station_key):
    api_key, raw = station_key
    stored = ApiKey.objects.get(pk=api_key.pk)
    assert raw not in (stored.key_hash, stored.prefix) and len(stored.key_hash) == 64
    assert raw.startswith(stored.prefix)


@pytest.mark.django_db
def test_unknown_open311_path_with_a_newline_gets_the_spec_error_format(client):
    response = client.get("/open311/v2/nothing%0Ahere.json")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()[0]["code"] == 404
