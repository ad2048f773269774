"""Items 8-9 of issue 13: GeoReport v2 query arguments to the letter."""

import pytest
from django.utils import timezone

from tests.factories import category, make_case
from tests.open311.conftest import station_key, validate  # noqa: F401

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
