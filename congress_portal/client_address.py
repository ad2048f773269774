"""The client's address, read the same way by every rate limit.

Behind ``PORTAL_TRUSTED_PROXIES`` reverse proxies (``settings.TRUSTED_PROXY_COUNT``,
default 0), each proxy appends the address it received the request from to
``X-Forwarded-For``. Only the entries those trusted proxies appended can be
believed: the client is the entry ``count`` places from the right. Anything
to its left was written by the client and may be forged. With no trusted
proxy the header is ignored and ``REMOTE_ADDR`` is the client.

DRF's throttles (``NUM_PROXIES``), the intake and ``/track/`` limits, Open311
and the login lockouts all call :func:`client_ip`.
"""

import ipaddress

from django.conf import settings


def trusted_proxy_count() -> int:
    return max(int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0), 0)


def _valid(value: str) -> str:
    value = value.strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return ""


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = trusted_proxy_count()
    if count:
        header = request.META.get("HTTP_X_FORWARDED_FOR", "")
        addrs = [a for a in (part.strip() for part in header.split(",")) if a]
        if addrs:
            # The nearest proxy's view of the client; if fewer entries than
            # trusted proxies arrived, the leftmost is the best there is.
            found = _valid(addrs[-min(count, len(addrs))])
            if found:
                return found
    return remote or "unknown"
