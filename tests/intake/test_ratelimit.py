"""Submission rate limits: per IP, per kiosk device (its own, higher limit),
failing open when the cache is down."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from intake import ratelimit
from intake.device import device_cookie_value
from intake.views import MSG_RATE
from proposals.models import Case
from tests.intake.conftest import form_key, kiosk_data, kiosk_url

pytestmark = pytest.mark.django_db


def submit(client, station, qr=True, **extra):
    url = kiosk_url(station, qr=qr)
    return client.post(url, kiosk_data(form_key(client, url)), **extra)


def test_ip_limit_refuses_with_a_message_and_keeps_the_text(client, station, settings):
    settings.INTAKE_RATE_IP = (2, 600)
    assert submit(client, station).status_code == 302
    assert submit(client, station).status_code == 302
    response = submit(client, station)
    html = response.content.decode()
    assert response.status_code == 200
    assert str(MSG_RATE) in html
    assert "小区门口的路灯坏了一个多月" in html  # nothing typed is lost from the page
    assert Case.objects.count() == 2
    # Another address may still submit.
    assert submit(client, station, REMOTE_ADDR="10.1.2.3").status_code == 302


def test_kiosk_device_has_its_own_higher_limit(client, station, settings):
    settings.INTAKE_RATE_IP = (1, 600)
    settings.INTAKE_RATE_DEVICE = (3, 3600)
    submit(client, station)  # a resident's phone on the station's Wi-Fi uses up the IP limit
    assert str(MSG_RATE) in submit(client, station).content.decode()
    client.cookies["portal_kiosk_device"] = device_cookie_value(station.code, "screen-1")
    for _ in range(3):
        assert submit(client, station, qr=False).status_code == 302
    assert str(MSG_RATE) in submit(client, station, qr=False).content.decode()
    assert Case.objects.filter(device_id="screen-1").count() == 3


def test_repeated_post_is_not_counted_and_not_refused(client, station, settings):
    settings.INTAKE_RATE_IP = (1, 600)
    url = kiosk_url(station, qr=True)
    data = kiosk_data(form_key(client, url))
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # same key: the earlier case, no rate error
    assert Case.objects.count() == 1


def test_a_repeat_under_the_limit_gives_its_count_back(client, station, settings):
    settings.INTAKE_RATE_IP = (2, 600)
    url = kiosk_url(station, qr=True)
    data = kiosk_data(form_key(client, url))
    for _ in range(3):  # a double tap and a resend: one submission
        assert client.post(url, data).status_code == 302
    assert Case.objects.count() == 1
    # The resident's second, different opinion still fits in the limit of two.
    assert submit(client, station).status_code == 302
    assert Case.objects.count() == 2
    assert str(MSG_RATE) in submit(client, station).content.decode()


def test_limit_window_is_counted_atomically_in_the_cache():
    limit = (3, 60)
    results = [ratelimit.hit("t", "1.2.3.4", limit) for _ in range(5)]
    assert results == [True, True, True, False, False]
    assert ratelimit.hit("t", "5.6.7.8", limit) is True
    cache.clear()
    assert ratelimit.hit("t", "1.2.3.4", limit) is True


def test_several_limits_are_counted_together_and_each_is_kept():
    short, day = (2, 60), (3, 86400)
    results = [ratelimit.hit_all([("s", "9.9.9.9", short), ("d", "9.9.9.9", day)]) for _ in range(4)]
    assert results == [True, True, False, False]
    # The day window went on counting while the short one refused.
    assert ratelimit.hit("d", "9.9.9.9", day) is False
    cache.clear()
    assert ratelimit.hit_all([("s", "9.9.9.9", short), ("d", "9.9.9.9", day)]) is True


UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def test_submission_is_accepted_when_the_cache_is_down(client, station, settings):
    settings.INTAKE_RATE_IP = (0, 600)  # would refuse everything if the cache answered
    url = kiosk_url(station, qr=True)
    key = form_key(client, url)
    with override_settings(CACHES=UNREACHABLE_REDIS):
        assert ratelimit.hit("t", "x", (0, 60)) is True
        assert ratelimit.hit_all([("t", "x", (0, 60)), ("u", "x", (0, 60))]) is True
        response = client.post(url, kiosk_data(key))
    assert response.status_code == 302
    assert Case.objects.count() == 1


def test_a_refund_after_the_window_expired_leaves_no_counter_behind():
    """Giving a count back to a window that has expired must not start a
    negative counter that never expires."""
    from django.core.cache import cache as default_cache

    events = [("ip", "10.9.8.7", (5, 60))]
    key = ratelimit._key("ip", "10.9.8.7")
    assert ratelimit.hit_all(events)
    assert default_cache.get(key) == 1
    ratelimit.refund(events)
    assert default_cache.get(key) == 0
    default_cache.delete(key)  # the window expires
    ratelimit.refund(events)
    assert default_cache.get(key) is None
