"""Rate limits for the API and Open311, counted in the cache.

DRF's throttles bind their rate table when the module is imported; these read
it on every request, so a deployment (or a test) that changes
``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` takes effect at once. A cache
outage lets requests through rather than turning every call into a 500.
"""

import logging

from rest_framework import throttling
from rest_framework.settings import api_settings

from congress_portal.client_address import client_ip

logger = logging.getLogger(__name__)


class _LiveRates:
    @property
    def THROTTLE_RATES(self):  # noqa: N802 - DRF's attribute name
        return api_settings.DEFAULT_THROTTLE_RATES

    def get_ident(self, request):
        # One reading of the client address for every limit (trusted proxies only).
        return client_ip(request)

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # a cache outage must not take the API down
            logger.warning("throttle cache unavailable; request allowed", exc_info=True)
            return True


class AnonThrottle(_LiveRates, throttling.AnonRateThrottle):
    pass


class UserThrottle(_LiveRates, throttling.UserRateThrottle):
    pass


class ScopedThrottle(_LiveRates, throttling.ScopedRateThrottle):
    pass
