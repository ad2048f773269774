"""Item 1 of issue 13: every limit reads the client address through one
function that trusts X-Forwarded-For only as far as the configured proxies."""

import pytest
from django.test import Client, RequestFactory

from congress_portal.client_address import client_ip
from intake import ratelimit
from legislation import flood
from open311 import throttling as open311_throttling

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"


def _rates(settings, **rates):
    base = {"anon": "1000/min", "user": "1000/min", "auth": "1000/min", "open311_post": "1000/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {**base, **rates}}


def test_forged_forwarded_for_does_not_reset_the_login_throttle(world, anon, settings):  # noqa: F811
    settings.TRUSTED_PROXY_COUNT = 0
    _rates(settings, auth="3/min")
    codes = [
        anon.post(
            TOKEN_URL,
            {"username": "staff_xhl", "password": "wrong"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(5)
    ]
    assert codes == [400, 400, 400, 429, 429]
    right = anon.post(
        TOKEN_URL,
        {"username": "staff_xhl", "password": "pw-for-tests-1"},
        format="json",
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    assert right.status_code == 429


def test_behind_one_trusted_proxy_the_last_forwarded_entry_is_the_client(world, anon, settings):  # noqa: F811
    settings.TRUSTED_PROXY_COUNT = 1
    _rates(settings, auth="2/min")

    def post(xff):
        return anon.post(TOKEN_URL, {"username": "staff_xhl", "password": "wrong"}, format="json", HTTP_X_FORWARDED_FOR=xff).status_code

    # The client forges a left-hand entry; the proxy appends the real address.
    assert [post(f"198.51.100.{n}, 203.0.113.7") for n in range(3)] == [400, 400, 429]
    # A different real client behind the same proxy has its own count.
    assert post("203.0.113.8") == 400


@pytest.mark.parametrize(
    ("count", "xff", "expected"),
    [
        (0, "198.51.100.1", "10.0.0.1"),
        (1, "198.51.100.1, 203.0.113.7", "203.0.113.7"),
        (2, "198.51.100.1, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        (2, "203.0.113.7", "203.0.113.7"),
        (1, "not-an-address", "10.0.0.1"),
        (1, "", "10.0.0.1"),
    ],
)
def test_every_limit_reads_the_same_address(settings, count, xff, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=xff)
    assert client_ip(request) == expected
    assert ratelimit.client_ip(request) == expected
    assert flood.client_ip(request) == expected
    assert open311_throttling.client_ident(request) == expected


def test_open311_reads_are_throttled_by_the_real_address(world, settings):  # noqa: F811
    settings.TRUSTED_PROXY_COUNT = 0
    _rates(settings, anon="2/min")
    client = Client()
    codes = [client.get("/open311/v2/services.json", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(3)]
    assert codes[:2] == [200, 200] and codes[2] == 429
