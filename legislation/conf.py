"""Settings of the legislation app, each with its default (README
"基层立法联系点"). Override in Django settings."""

from django.conf import settings

DEFAULTS = {
    # A comment window shorter than this is refused (立法法: normally ≥ 30 days).
    "LEGISLATION_MIN_WINDOW_DAYS": 30,
    # Officers may still enter forum/paper comments gathered in the window
    # for this many days after it closes.
    "LEGISLATION_ENTRY_GRACE_DAYS": 7,
    # (count, seconds) per client address and per device; a station kiosk
    # serves many residents on one device and has its own, larger, limit.
    "LEGISLATION_RATE_ADDRESS": (10, 3600),
    "LEGISLATION_RATE_DEVICE": (5, 3600),
    "LEGISLATION_RATE_KIOSK_DEVICE": (60, 3600),
    # Text containing one of these goes to the moderation queue instead of
    # being published.
    "LEGISLATION_HELD_WORDS": ("傻逼", "傻B", "操你", "草泥马", "去死", "狗日", "他妈的", "王八蛋", "滚蛋", "fuck"),
    # More links than this in one comment: held (spam).
    "LEGISLATION_MAX_LINKS": 2,
    "LEGISLATION_FORWARD_TO": "上级人大常委会法制工作委员会",
    # Celery queue of the report rendering task (None: the default queue).
    "LEGISLATION_REPORT_QUEUE": None,
    # A station's screen goes back to the kiosk after this long untouched.
    "LEGISLATION_KIOSK_IDLE_SECONDS": 120,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
