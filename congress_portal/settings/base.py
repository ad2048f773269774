"""Settings shared by every environment.

Everything is read from the environment with a safe local default, so that
``make run`` works on a fresh machine with nothing but Python: SQLite and a
file-system Celery broker when ``DATABASE_URL`` / ``REDIS_URL`` are unset,
PostgreSQL and Redis when they are set. ``production.py`` removes the defaults
that must never reach a server (the secret key, DEBUG).
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Local default only: production.py requires DJANGO_SECRET_KEY.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-local-only-key-do-not-use-in-production")
DEBUG = env_bool("DJANGO_DEBUG", True)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI / Redoc assets served locally (no CDN)
    "django_celery_beat",
    "import_export",
]
LOCAL_APPS = [
    "accounts",
    "regions",
    "units",
    "workcalendar",
    "deputies",
    "stations",
    "proposals",
    "intake",
    "notifications",
    "api",
    "open311",
    "documents",
    "exports",
    "imports",
    "workspaces",
    "legislation",
    "evaluation",
    "demo",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "api.middleware.ApiNulBytesMiddleware",  # the same refusal as JSON under /api/ and /open311/
    "accounts.middleware.RejectNulBytesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "congress_portal.urls"
WSGI_APPLICATION = "congress_portal.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workspace_start"  # accounts.views.start: the user's own workspace
LOGOUT_REDIRECT_URL = "home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "workcalendar.context_processors.calendar_notice",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # Web, worker and beat share one SQLite file under `make run`:
            # WAL lets readers go on while one process writes, and IMMEDIATE
            # transactions make writers queue instead of failing.
            "OPTIONS": {
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, tracking-code throttles) ------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache behind the circuit breaker (congress_portal/breaker.py).
            "BACKEND": "congress_portal.cache.GuardedRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
            # A dead or hung Redis must not take the kiosk down with it: short
            # timeouts, then the breaker fails fast (README "Redis outages").
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    # Shared between the processes of `make run` (a per-process locmem cache
    # would let each process count rate limits on its own).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Passwords ------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time -------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Celery ---------------------------------------------------------------------------
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
else:
    # No server needed: the file-system transport passes messages through a
    # folder that the web process, the worker and beat share.
    _broker_dir = VAR_DIR / "celery-broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # Broadcast (control) messages; kombu's default is ./control in the CWD.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- Client address -------------------------------------------------------------------
# How many reverse proxies in front of the app append to X-Forwarded-For and are
# trusted (0: the header is ignored, REMOTE_ADDR is the client). Every rate limit
# and lockout reads the address through congress_portal.client_address.client_ip.
TRUSTED_PROXY_COUNT = int(os.environ.get("PORTAL_TRUSTED_PROXIES", "0"))

# --- REST API -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser", "api.parsers.FormParser", "api.parsers.MultiPartParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.EstimatedLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "api.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    # Counters live in the cache (Redis when REDIS_URL is set). Rates per
    # client: anonymous by IP, users by account; "auth" guards the token view.
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.AnonThrottle",
        "api.throttling.UserThrottle",
        "api.throttling.ScopedThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("PORTAL_API_ANON_RATE", "60/min"),
        "user": os.environ.get("PORTAL_API_USER_RATE", "600/min"),
        "auth": os.environ.get("PORTAL_API_AUTH_RATE", "10/min"),
        "open311_post": os.environ.get("PORTAL_OPEN311_POST_RATE", "60/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "家站点 Portal API",
    "DESCRIPTION": "人大代表之家·联络站·联系点 portal",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "CaseStateEnum": "proposals.models.cases.CaseState",
        "RatingEnum": "proposals.models.records.Rating",
        "SupervisionLevelEnum": "proposals.models.cases.SupervisionLevel",
        "CaseKindEnum": "proposals.models.cases.CaseKind",
        "SupervisionKindEnum": "proposals.models.records.SupervisionKind",
        "StationKindEnum": "stations.models.StationKind",
        "UnitKindEnum": "units.models.UnitKind",
    },
}

# --- Logging ---------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "noreply@portal.local")

# --- The portal's own configuration (docs: README "Configuration") ----------------------
# The deputy tiers are data (deputies.Tier, five by default); these are the
# few switches that are not worth a table.
PORTAL_SITE_NAME = os.environ.get("PORTAL_SITE_NAME", _("人大代表家站点"))
PORTAL_PUBLIC_BASE_URL = os.environ.get("PORTAL_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# Key for the reversible encryption of residents' phone numbers. Defaults to
# one derived from SECRET_KEY locally; production requires its own.
PORTAL_FIELD_ENCRYPTION_KEY = os.environ.get("PORTAL_FIELD_ENCRYPTION_KEY", "")
# Station visits a deputy owes per year (each deputy enters a station at least
# 4 times a year; 2 in some places). Read by the duty record (履职档案).
PORTAL_MIN_STATION_VISITS = int(os.environ.get("PORTAL_MIN_STATION_VISITS", "4"))

# --- Notifications (notifications/; README "Reminders and notifications") -------------
# Reminders and other messages are not sent before this local time of day.
NOTIFICATIONS_SEND_AFTER = os.environ.get("NOTIFICATIONS_SEND_AFTER", "08:00")
# A failed send is retried with exponential back-off (base * 2^(attempt-1),
# capped), then marked failed and listed for staff.
NOTIFICATIONS_MAX_ATTEMPTS = int(os.environ.get("NOTIFICATIONS_MAX_ATTEMPTS", 5))
NOTIFICATIONS_RETRY_BASE_SECONDS = int(os.environ.get("NOTIFICATIONS_RETRY_BASE_SECONDS", 60))
NOTIFICATIONS_RETRY_MAX_SECONDS = int(os.environ.get("NOTIFICATIONS_RETRY_MAX_SECONDS", 3600))
# Two-phase sending: an attempt still "sending" after this long (a crashed
# worker) is settled by asking the provider (README "How exactly once works").
NOTIFICATIONS_SENDING_TIMEOUT = int(os.environ.get("NOTIFICATIONS_SENDING_TIMEOUT", 300))
# SMS: a logging backend by default; notifications.channels.sms.AliyunSMSBackend
# for Alibaba Cloud SMS (credentials only from the environment).
NOTIFICATIONS_SMS_BACKEND = os.environ.get("NOTIFICATIONS_SMS_BACKEND", "notifications.channels.sms.LoggingSMSBackend")
NOTIFICATIONS_SMS = {
    "ENDPOINT": os.environ.get("NOTIFICATIONS_SMS_ENDPOINT", "https://dysmsapi.aliyuncs.com/"),
    "ACCESS_KEY_ID": os.environ.get("NOTIFICATIONS_SMS_ACCESS_KEY_ID", ""),
    "ACCESS_KEY_SECRET": os.environ.get("NOTIFICATIONS_SMS_ACCESS_KEY_SECRET", ""),
    "SIGN_NAME": os.environ.get("NOTIFICATIONS_SMS_SIGN_NAME", ""),
    # An approved template with one variable ${content}; per-kind overrides in
    # NOTIFICATIONS_SMS_TEMPLATE_<KIND> (e.g. _REMINDER_DUE).
    "TEMPLATE_CODE": os.environ.get("NOTIFICATIONS_SMS_TEMPLATE_CODE", ""),
    "TIMEOUT": float(os.environ.get("NOTIFICATIONS_SMS_TIMEOUT", 10)),
}
EMAIL_FILE_PATH = os.environ.get("DJANGO_EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
# SMTP (DJANGO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", 20))
# Enqueueing after a commit must fail fast when Redis is down (the sweep
# sends what the task would have sent), not retry for seconds in a request.
NOTIFICATIONS_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
if REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS = NOTIFICATIONS_BROKER_TRANSPORT_OPTIONS
