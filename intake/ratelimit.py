"""Fixed-window rate limits on Django's cache (Redis in production).

While Redis is down or hung the limits fail OPEN (a resident's submission is
never refused because Redis is), at once, behind the circuit breaker
(``congress_portal.breaker``).

``cache.add`` (SET NX with expiry) starts a window, ``cache.incr`` (INCRBY)
counts atomically inside it. If the cache is down the limiter fails open:
a resident's submission is never refused because Redis is.
"""

import hashlib
import logging

from django.core.cache import cache

from congress_portal.breaker import CONNECTION_ERRORS, BreakerOpen
from congress_portal.breaker import redis as breaker
from congress_portal.client_address import client_ip as _client_ip

logger = logging.getLogger(__name__)


def _key(scope: str, ident: str) -> str:
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
    return f"intake:rl:{scope}:{digest}"


def hit(scope: str, ident: str, limit: tuple[int, int]) -> bool:
    """Count one event; True if it is within ``limit`` = (count, seconds)."""
    count, window = limit
    key = _key(scope, ident)
    try:
        cache.add(key, 0, timeout=window)
        try:
            value = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            value = 1
    except Exception:  # noqa: BLE001 - any cache failure: fail open (the breaker has logged it)
        logger.debug("rate limit cache unavailable; allowing %s", scope, exc_info=True)
        return True
    return value <= count


def _redis_client():
    """The redis-py client behind Django's Redis cache, or None for another backend."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None, backend
    # One client per cache backend (it only wraps the backend's connection
    # pool and is thread-safe): building one per request costs more than
    # the round trip.
    client = getattr(backend, "_intake_rl_client", None)
    if client is None:
        client = backend._intake_rl_client = backend._cache.get_client(None, write=True)
    return client, backend


def hit_all(events: list[tuple[str, str, tuple[int, int]]]) -> bool:
    """Count several events (scope, ident, limit); True if all are within
    their limits. On Redis, one round trip for all of them (a pipeline of
    SET NX EX + INCR per event, the same window logic as ``hit``)."""
    try:
        client, backend = _redis_client()
        if client is None:
            return all([hit(scope, ident, limit) for scope, ident, limit in events])
        breaker.check()  # the client is kept per backend: ask the breaker on every use
        pipe = client.pipeline(transaction=False)
        for scope, ident, (_count, window) in events:
            real_key = backend.make_and_validate_key(_key(scope, ident))
            pipe.set(real_key, 0, ex=window, nx=True)
            pipe.incr(real_key)
        values = pipe.execute()[1::2]
    except BreakerOpen:
        return True  # Redis is known to be down: fail open at once
    except Exception as exc:  # noqa: BLE001 - any cache failure: fail open
        if isinstance(exc, CONNECTION_ERRORS):
            breaker.failure(exc)  # one warning per outage (congress_portal.breaker)
        logger.debug("rate limit cache unavailable; allowing %s", [e[0] for e in events], exc_info=True)
        return True
    breaker.success()
    return all(int(value) <= count for value, (_scope, _ident, (count, _window)) in zip(values, events, strict=True))


_DECR_IF_EXISTS = "if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('DECR', KEYS[1]) end return false"


def refund(events: list[tuple[str, str, tuple[int, int]]]) -> None:
    """Give back one count of each event (``hit_all`` counted a submission
    that turned out to be a repeat of an earlier one)."""
    try:
        client, backend = _redis_client()
        if client is None:
            for scope, ident, _limit in events:
                try:
                    cache.decr(_key(scope, ident))
                except ValueError:  # the window has expired meanwhile
                    pass
            return
        breaker.check()
        # DECR only a window that still exists: a plain DECR on an expired key
        # would create it at -1 with no expiry (a lasting extra allowance).
        pipe = client.pipeline(transaction=False)
        for scope, ident, _limit in events:
            pipe.eval(_DECR_IF_EXISTS, 1, backend.make_and_validate_key(_key(scope, ident)))
        pipe.execute()
    except BreakerOpen:
        return
    except Exception as exc:  # noqa: BLE001 - a lost refund only makes a limit a little stricter
        if isinstance(exc, CONNECTION_ERRORS):
            breaker.failure(exc)
        logger.debug("rate limit cache unavailable; refund of %s skipped", [e[0] for e in events], exc_info=True)


def peek(scope: str, ident: str, limit: tuple[int, int]) -> bool:
    """True if one more event would still be within the limit (no counting)."""
    count, _window = limit
    try:
        value = cache.get(_key(scope, ident)) or 0
    except Exception:  # noqa: BLE001
        return True
    return value < count


def client_ip(request) -> str:
    """The client's address, read as every limit reads it (trusted proxies only)."""
    return _client_ip(request)
