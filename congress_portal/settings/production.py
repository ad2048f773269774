"""Production: no default secret, HTTPS everywhere.

`DJANGO_SECRET_KEY`, `DATABASE_URL`, `REDIS_URL`, `DJANGO_ALLOWED_HOSTS` and
`PORTAL_FIELD_ENCRYPTION_KEY` must be set; a missing one stops the start-up.
"""

import os

from .base import *  # noqa: F401,F403
from .base import env_bool, env_list


def _required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"Environment variable {name} is required in production")
    return value


SECRET_KEY = _required("DJANGO_SECRET_KEY")
PORTAL_FIELD_ENCRYPTION_KEY = _required("PORTAL_FIELD_ENCRYPTION_KEY")
_required("DATABASE_URL")
_required("REDIS_URL")
DEBUG = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS") or [_required("DJANGO_ALLOWED_HOSTS")]

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", 31536000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
