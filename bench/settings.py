"""Settings for the benchmark: production settings (DEBUG off, the same
middleware and caches) with what a local HTTP run needs, plus the query
counter. The secrets are fixed bench-only values: the bench databases are
throw-away, and seed and server must share the phone encryption key."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("PORTAL_FIELD_ENCRYPTION_KEY", "bench-only-field-key-not-for-production")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/7")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_1k")

from congress_portal.settings.production import *  # noqa: E402, F403

# Plain HTTP on 127.0.0.1.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# X-Query-Count / X-Server-Ms on every response (outermost, so that session
# saving and template rendering are counted).
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]  # noqa: F405

# The load test comes from one address: lift the per-IP limits that protect
# a real kiosk (each real kiosk or phone has its own address or device).
INTAKE_RATE_IP = (10**9, 600)
INTAKE_RATE_IP_DAY = (10**9, 86400)
INTAKE_RATE_TRACK_IP = (10**9, 600)
INTAKE_RATE_TRACK_FAIL_IP = (10**9, 900)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
