"""Property-based test of the REST API against its own OpenAPI schema.

Schemathesis reads /api/schema/ from the WSGI app, generates requests for
every operation (bounded: a few examples each) and sends them with the token
of a seeded county staff member, so the scoped case endpoints and the
workflow actions are exercised on real cases. Every response must be a
non-5xx, with a documented status code, content type and body shape.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from tests.factories import make_case

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Throttling is tested on its own; here it would only cut the run short.
NO_THROTTLE = {"anon": "100000/min", "user": "100000/min", "auth": "100000/min", "open311_post": "100000/min"}


@pytest.fixture
def keep_test_connection():
    """The WSGI app fires request_started/finished, whose handler closes the
    database connection — and with it the test's transaction on PostgreSQL.
    Django's own test client disconnects it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(world, case_in_state, settings, keep_test_connection):  # noqa: F811 - pytest-django's settings fixture
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": NO_THROTTLE}
    cases = [case_in_state(world, state) for state in ("submitted", "accepted", "assigned", "in_handling", "replied", "closed")]
    cases.append(make_case(station=world.other_station))  # out of scope: 404 for our staff
    token, _created = Token.objects.get_or_create(user=world.staff)
    return {
        "headers": {"Authorization": f"Token {token.key}"},
        "case_ids": [c.pk for c in cases],
        "station": world.station.code,
        "deputy": world.deputy.public_id,
        "region": world.regions["taiyuan"]["county"].code,
        "unit_ids": [world.unit_a.pk, world.unit_b.pk],
    }


def _point_at_real_rows(case, seeded) -> None:
    """Two of three generated ids are swapped for ids of seeded rows, so the
    detail and action endpoints run on real cases, not only on 404s."""
    params = case.path_parameters or {}
    real = {"code": seeded["region"] if "regions" in case.path else seeded["station"], "public_id": seeded["deputy"]}
    for name, value in list(params.items()):
        pick = abs(hash(str(value)))
        if pick % 3 == 0:
            continue
        if name == "id" and "/cases/" in case.path:
            params[name] = seeded["case_ids"][pick % len(seeded["case_ids"])]
        elif name == "id" and "/units/" in case.path:
            params[name] = seeded["unit_ids"][pick % len(seeded["unit_ids"])]
        elif name in real:
            params[name] = real[name]


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_schema(case, seeded):
    _point_at_real_rows(case, seeded)
    case.call_and_validate(headers=seeded["headers"], checks=CHECKS)
