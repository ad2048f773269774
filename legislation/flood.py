"""Flood protection for public comments: fixed-window counters per client
address and per device on Django's cache (Redis), the approach of
``intake/ratelimit.py`` (SET NX with expiry starts a window, INCR counts in
it, a cache outage fails open). The device is a random id in a cookie the
comment page sets; clearing it leaves the address limit."""

import hashlib
import logging
import secrets

from django.core.cache import cache

from congress_portal.client_address import client_ip as _client_ip

logger = logging.getLogger(__name__)

DEVICE_COOKIE = "lg_device"
DEVICE_COOKIE_AGE = 365 * 24 * 3600


def _key(scope: str, ident: str) -> str:
    return f"legislation:rl:{scope}:{hashlib.sha256(ident.encode()).hexdigest()[:32]}"


def hit(scope: str, ident: str, limit: tuple[int, int]) -> bool:
    """Count one event; True while within ``limit`` = (count, seconds)."""
    count, window = limit
    key = _key(scope, ident)
    try:
        cache.add(key, 0, timeout=window)
        try:
            value = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            value = 1
    except Exception:  # noqa: BLE001 - any cache failure: fail open
        logger.warning("rate limit cache unavailable; allowing %s", scope, exc_info=True)
        return True
    return value <= count


def refund(scope: str, ident: str) -> None:
    """Give a count back (the submission was a repeat and stored nothing)."""
    try:
        if cache.get(_key(scope, ident)) is not None:
            cache.decr(_key(scope, ident))
    except Exception:  # noqa: BLE001
        logger.warning("rate limit cache unavailable; refund skipped", exc_info=True)


def client_ip(request) -> str:
    """The client's address, read as every limit reads it (trusted proxies only)."""
    return _client_ip(request)


def device_id(request) -> tuple[str, bool]:
    """The device's id and whether it is new (the response must set it)."""
    value = request.COOKIES.get(DEVICE_COOKIE, "")
    if len(value) == 32 and value.isalnum():
        return value, False
    return secrets.token_hex(16), True


def set_device_cookie(response, request, value: str) -> None:
    response.set_cookie(DEVICE_COOKIE, value, max_age=DEVICE_COOKIE_AGE, httponly=True, samesite="Lax", secure=request.is_secure())
