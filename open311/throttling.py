"""Rate limits of the Open311 endpoints (fixed one-minute windows in the
cache, the rates of ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``): reads by
client address ("anon"), creation by API key ("open311_post")."""

import logging
import time

from django.core.cache import cache
from rest_framework.settings import api_settings

from congress_portal.client_address import client_ip

logger = logging.getLogger(__name__)


def client_ident(request) -> str:
    return client_ip(request)


def allow(scope: str, ident: str) -> bool:
    rate = api_settings.DEFAULT_THROTTLE_RATES.get(scope)
    if not rate:
        return True
    limit, period = _parse(rate)
    window = int(time.time() // period)
    key = f"open311:{scope}:{ident}:{window}"
    try:
        cache.add(key, 0, timeout=period + 1)
        count = cache.incr(key)
    except Exception:  # a cache outage must not take the endpoint down
        logger.debug("open311 throttle cache unavailable; request allowed", exc_info=True)
        return True
    return count <= limit


def retry_after(scope: str) -> int:
    """Seconds until the current window of ``scope`` ends (the Retry-After header)."""
    rate = api_settings.DEFAULT_THROTTLE_RATES.get(scope)
    if not rate:
        return 1
    _limit, period = _parse(rate)
    return max(int(period - time.time() % period), 1)


def _parse(rate: str) -> tuple[int, int]:
    num, period = rate.split("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]
    return int(num), seconds
