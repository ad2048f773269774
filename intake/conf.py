"""Intake settings with their defaults. Each can be overridden in Django
settings (``INTAKE_<NAME>``) so that a locality can tune them and the browser
tests can shrink the kiosk timeouts to seconds."""

from django.conf import settings

DEFAULTS = {
    # Kiosk inactivity: after IDLE_SECONDS without a touch the page asks
    # "还在填写吗？"; WARN_SECONDS later it clears itself.
    "KIOSK_IDLE_SECONDS": 120,
    "KIOSK_WARN_SECONDS": 30,
    # The confirmation page goes back to a blank form sooner.
    "KIOSK_DONE_SECONDS": 90,
    # Submissions: (count, window seconds). Residents who scan a station's QR
    # code on its Wi-Fi share one IP address, so the IP limit is not tight; a
    # registered kiosk device has its own, higher limit.
    "RATE_IP": (10, 600),
    "RATE_IP_DAY": (60, 86400),
    "RATE_DEVICE": (60, 3600),
    # /track/: lookups per IP, and failed lookups per IP and per code (the
    # per-code limit stops guessing a code's four phone digits).
    "RATE_TRACK_IP": (30, 600),
    "RATE_TRACK_FAIL_IP": (10, 900),
    "RATE_TRACK_FAIL_CODE": (5, 3600),
    # Uploads.
    "MAX_PHOTOS": 3,
    "MAX_PHOTO_BYTES": 8 * 1024 * 1024,
    "MAX_PHOTO_PIXELS": 50_000_000,
    "PHOTO_MAX_SIDE": 2560,
    # Texts.
    "CONTENT_MIN": 5,
    "CONTENT_MAX": 2000,
    "ADDRESS_MAX": 200,
    "NAME_MAX": 50,
    "COMMENT_MAX": 500,
    # Signed kiosk device cookie, valid for a year.
    "DEVICE_COOKIE": "portal_kiosk_device",
    "DEVICE_COOKIE_AGE": 365 * 86400,
    # The confirmation page link stays valid this long.
    "DONE_TOKEN_AGE": 3600,
    # How far back a paper submission's "date received" may go.
    "PAPER_MAX_AGE_DAYS": 366,
    # How long a process keeps the forms' category and deputy lists
    # (intake/choices.py); 0 reads them from the database on every request.
    "CHOICES_CACHE_SECONDS": 60,
}


def get(name: str):
    return getattr(settings, f"INTAKE_{name}", DEFAULTS[name])
