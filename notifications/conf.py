"""Notification settings with their defaults (settings/base.py "Notifications")."""

import datetime as dt

from django.conf import settings


def send_after() -> dt.time:
    """Local time of day from which reminders and digests go out."""
    raw = getattr(settings, "NOTIFICATIONS_SEND_AFTER", "08:00") or "08:00"
    hour, _sep, minute = str(raw).partition(":")
    return dt.time(int(hour), int(minute or 0))


def max_attempts() -> int:
    return max(1, int(getattr(settings, "NOTIFICATIONS_MAX_ATTEMPTS", 5)))


def retry_delay_seconds(attempts: int) -> int:
    """Back-off after the ``attempts``-th failure: 1, 2, 4, 8… × base, capped."""
    base = int(getattr(settings, "NOTIFICATIONS_RETRY_BASE_SECONDS", 60))
    cap = int(getattr(settings, "NOTIFICATIONS_RETRY_MAX_SECONDS", 3600))
    return min(cap, base * 2 ** max(0, attempts - 1))


def sms_settings() -> dict:
    return dict(getattr(settings, "NOTIFICATIONS_SMS", {}))


# One-time SMS codes (notifications/phone_verification.py).
def phone_code(name: str) -> int:
    defaults = {
        "TTL_SECONDS": 600,  # a code is valid 10 minutes
        "MAX_ATTEMPTS": 5,  # wrong entries before the code is dead
        "INTERVAL_SECONDS": 60,  # between two codes to one number
        "PER_PHONE_HOUR": 5,
        "PER_PHONE_DAY": 10,
        "PER_IP_HOUR": 20,
    }
    return int(getattr(settings, "PHONE_CODE", {}).get(name, defaults[name]))
