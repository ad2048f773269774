"""Items 8-9 of issue 13: GeoReport v2 query arguments to the letter."""

import pytest
from django.utils import timezone

from tests.factories import category, make_case
from tests.open311.conftest import post_request, station_key, validate  # noqa: F401

pytestmark = pytest.mark.django_db


def _codes(response):
    assert response.status_code == 200
    data = response.json()
    validate(data, "requests")
    return {r["service_request_id"] for r in data}


def test_service_request_id_overrides_every_other_argument(client, world):  # noqa: F811
    case = make_case(station=world.station)
    url = (
        f"/open311/v2/requests.json?service_request_id={case.tracking_code}&status=closed"
        f"&service_code=nothing-like-it&start_date=2001-01-01T00:00:00Z&end_date=2001-01-02T00:00:00Z"
    )
    assert _codes(client.get(url)) == {case.tracking_code}


def test_service_code_accepts_a_comma_separated_list(client, world, station_key):  # noqa: F811
    _key, raw = station_key
    urban = make_case(station=world.station, category=category("urban"))
    traffic = make_case(station=world.station, category=category("traffic"))
    make_case(station=world.station, category=category("other"), now=timezone.now())
    base = f"/open311/v2/requests.json?api_key={raw}"
    assert _codes(client.get(base + "&service_code=urban,traffic")) == {urban.tracking_code, traffic.tracking_code}
    assert _codes(client.get(base + "&service_code=traffic")) == {traffic.tracking_code}


def test_unknown_service_code_on_post_is_404(client, world, station_key):  # noqa: F811
    response = post_request(client, station_key[1], service_code="no-such-service")
    assert response.status_code == 404
    assert response.json()[0]["code"] == 404 and response.json()[0]["description"]


def test_description_is_limited_to_4000_characters(client, world, station_key):  # noqa: F811
    assert post_request(client, station_key[1], description="井" * 4001).status_code == 400
    assert post_request(client, station_key[1], description="井" * 4000).status_code == 200


def test_429_carries_retry_after(client, world, station_key, settings):  # noqa: F811
    rates = {"anon": "1/min", "user": "1000/min", "auth": "1000/min", "open311_post": "1/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    client.get("/open311/v2/services.json")
    read = client.get("/open311/v2/services.json")
    assert read.status_code == 429 and 1 <= int(read["Retry-After"]) <= 60
    post_request(client, station_key[1])
    posted = post_request(client, station_key[1])
    assert posted.status_code == 429 and 1 <= int(posted["Retry-After"]) <= 60
