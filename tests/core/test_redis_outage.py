"""Redis down or hung (SIGSTOP: connections accepted, nothing answered)
costs the portal nothing: behind the circuit breaker only the first
operation waits for the short timeout, the rest fail at once; rate limits
fail open; nothing accepted is lost; one warning per outage and a summary
when it ends; the events committed meanwhile are dispatched on recovery.
A private redis-server on its own port is stopped and resumed (never the
machine's shared one)."""

import logging
import os
import shutil
import signal
import subprocess
import time

import pytest
from django.test import override_settings

from congress_portal import breaker as breaker_module
from congress_portal.breaker import BreakerOpen, CircuitBreaker
from congress_portal.cache import GuardedRedisCache
from proposals.models import Case
from tests.conftest import require
from tests.intake.conftest import form_key, kiosk_data, kiosk_url

PORT = 6397  # a port of its own (not the shared 6379)


@pytest.fixture
def private_redis():
    require(shutil.which("redis-server") is not None, "redis-server not installed")
    proc = subprocess.Popen(
        ["redis-server", "--port", str(PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis as redis_py

    ping = redis_py.Redis(port=PORT, socket_timeout=2, socket_connect_timeout=2)
    for _ in range(100):
        try:
            if ping.ping():
                break
        except (OSError, redis_py.exceptions.RedisError):
            time.sleep(0.1)
    ping.close()
    assert proc.poll() is None, f"redis-server could not start on port {PORT} (taken?)"
    yield proc
    try:
        os.kill(proc.pid, signal.SIGCONT)
    except ProcessLookupError:
        pass
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def station(regions):
    from tests.factories import StationFactory

    return StationFactory(code="gl-001", region=regions["taiyuan"]["township"])


@pytest.fixture
def fresh_breaker(monkeypatch):
    breaker_module.redis.reset()
    monkeypatch.setattr(breaker_module.redis, "reset_after", 0.5)
    yield breaker_module.redis
    breaker_module.redis.reset()


def test_breaker_opens_on_failure_skips_then_closes_with_one_summary(caplog):
    now = [100.0]
    b = CircuitBreaker("Redis", reset_after=5, clock=lambda: now[0])
    recovered = []
    b.on_recover(lambda: recovered.append(True))
    caplog.set_level(logging.WARNING, logger="congress_portal.breaker")
    assert b.allow()
    for _ in range(3):
        b.failure(ConnectionError("timeout"))
    assert not b.allow() and not b.allow()
    with pytest.raises(BreakerOpen):
        b.call(lambda: 1)
    now[0] += 6
    assert b.allow()  # a trial after reset_after
    assert b.call(lambda: "ok") == "ok"
    assert recovered == [True] and b.allow()
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2
    assert "unreachable" in messages[0]
    assert "back after 6.0 s" in messages[1] and "3 operations failed, 3 skipped" in messages[1]


@pytest.mark.django_db
def test_a_hung_redis_fails_fast_behind_the_breaker_and_recovers(private_redis, fresh_breaker, caplog):
    caplog.set_level(logging.WARNING, logger="congress_portal.breaker")
    cache = GuardedRedisCache(f"redis://127.0.0.1:{PORT}/0", {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}})
    cache.set("k", 1)
    os.kill(private_redis.pid, signal.SIGSTOP)
    with pytest.raises(Exception) as first:
        cache.get("k")
    assert not isinstance(first.value, BreakerOpen)  # the first one waited for the timeout
    for _ in range(20):
        with pytest.raises(BreakerOpen):  # the others never touched the socket
            cache.get("k")
    os.kill(private_redis.pid, signal.SIGCONT)
    time.sleep(0.6)  # past reset_after: the next operation is the trial
    assert cache.get("k") == 1
    assert not fresh_breaker.is_open
    messages = [r.getMessage() for r in caplog.records]
    assert sum("unreachable" in m for m in messages) == 1 and sum("is back" in m for m in messages) == 1


@pytest.mark.django_db
def test_kiosk_keeps_every_submission_while_redis_is_hung(client, station, private_redis, fresh_breaker, caplog, monkeypatch):
    from intake import ratelimit

    caplog.set_level(logging.WARNING)
    pipelines = []
    real_client = ratelimit._redis_client

    def counting_client():
        client_, backend = real_client()
        if client_ is None:
            return client_, backend

        class Counting:
            def pipeline(self, *args, **kwargs):
                pipelines.append(1)
                return client_.pipeline(*args, **kwargs)

        return Counting(), backend

    monkeypatch.setattr(ratelimit, "_redis_client", counting_client)
    caches = {
        "default": {
            "BACKEND": "congress_portal.cache.GuardedRedisCache",
            "LOCATION": f"redis://127.0.0.1:{PORT}/0",
            "KEY_PREFIX": "portal",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    with override_settings(CACHES=caches):
        url = kiosk_url(station)
        keys = [form_key(client, url) for _ in range(5)]
        os.kill(private_redis.pid, signal.SIGSTOP)
        for key in keys:
            response = client.post(url, kiosk_data(key))
            assert response.status_code == 302  # accepted: rate limits fail open
        assert Case.objects.count() == 5
        # Only the first submission waited on the hung socket: the breaker
        # kept the other four rate-limit round trips from even starting.
        assert len(pipelines) <= 1
        # The events are waiting for the worker (nothing lost).
        from notifications.models import EventDispatch

        assert EventDispatch.objects.filter(dispatched_at__isnull=True).count() >= 5
        os.kill(private_redis.pid, signal.SIGCONT)
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING and "Redis" in r.getMessage()]
    assert len(warnings) == 1, [w.getMessage() for w in warnings]  # one per outage, not one per operation
    assert not [r for r in caplog.records if r.exc_info and r.levelno >= logging.WARNING]  # no tracebacks
