"""Deployment settings, read strictly from LATIDO_* environment variables.

Policy (SLAs, routing, branding) lives in the database; only deployment facts live here.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def _env(name: str, default: str = "") -> str:
    """Read LATIDO_<name>, or the contents of the file named by LATIDO_<name>_FILE."""
    file_path = os.environ.get(f"LATIDO_{name}_FILE")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    return os.environ.get(f"LATIDO_{name}", default)


def _env_bool(name: str, default: bool) -> bool:
    raw = _env(name, "1" if default else "0").strip().lower()
    return raw in {"1", "true", "yes", "on"}


DATA_DIR = Path(_env("DATA_DIR", str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)
DEBUG = _env_bool("DEBUG", False)
SECRET_KEY = _env("SECRET_KEY") or "insecure-embedded-" + str(DATA_DIR)
if not DEBUG and not _env("SECRET_KEY") and _env_bool("REQUIRE_SECRET_KEY", False):
    raise RuntimeError("LATIDO_SECRET_KEY (or LATIDO_SECRET_KEY_FILE) must be set in production.")
ALLOWED_HOSTS = [h.strip() for h in _env("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in _env("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
BASE_URL = _env("BASE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "latido.core",
    "latido.accounts",
    "latido.customers",
    "latido.tickets",
    "latido.routing",
    "latido.channels",
    "latido.channels.chat",
    "latido.channels.phone",
    "latido.channels.social",
    "latido.channels.webform",
    "latido.portal",
    "latido.api",
    "latido.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "latido.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "latido.accounts.middleware.UserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "latido.accounts.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "latido" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

# --- Database ---------------------------------------------------------------------------
DATABASE_URL = _env("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'latido.sqlite3'}"
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=int(_env("DB_CONN_MAX_AGE", "60")))
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;"
            " PRAGMA foreign_keys=ON;"
        ),
    }
elif _db["ENGINE"] == "django.db.backends.postgresql" and _env_bool("DB_POOL", True):
    # Under ASGI every request runs in its own thread, so persistent per-thread connections
    # pile up until PostgreSQL refuses clients; a per-process pool bounds and reuses them.
    _db["CONN_MAX_AGE"] = 0
    _db.setdefault("OPTIONS", {})["pool"] = {
        "min_size": 2, "max_size": int(_env("DB_POOL_SIZE", "8")), "timeout": 10,
    }
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["latido.accounts.backends.EmailBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if _env_bool("FAST_PASSWORD_HASHER", False)
    else [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# --- Languages and time -----------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish")), ("pl", _("Polish"))]
LOCALE_PATHS = [BASE_DIR / "latido" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# --- Static and media -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "latido" / "static"]
MEDIA_ROOT = Path(_env("MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "/media/"  # never served directly: attachments go through a permission check
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LATIDO_MAX_ATTACHMENT_BYTES = int(_env("MAX_ATTACHMENT_BYTES", str(10 * 1024 * 1024)))
LATIDO_MAX_ATTACHMENTS_PER_MESSAGE = int(_env("MAX_ATTACHMENTS_PER_MESSAGE", "10"))
DATA_UPLOAD_MAX_MEMORY_SIZE = int(_env("MAX_REQUEST_BYTES", str(2 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
LATIDO_MAX_REQUEST_BYTES = int(_env("MAX_UPLOAD_REQUEST_BYTES", str(60 * 1024 * 1024)))

# --- Security ---------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Reverse proxies in front of Latido that append to X-Forwarded-For (0: use REMOTE_ADDR).
# Only the entries those proxies added are trusted, e.g. for the web form's per-IP limits.
LATIDO_TRUSTED_PROXY_COUNT = int(_env("TRUSTED_PROXY_COUNT", "0"))

# --- Background work --------------------------------------------------------------------
TASK_BACKEND = _env("TASK_BACKEND", "database")
REDIS_URL = _env("REDIS_URL", "redis://127.0.0.1:6379/0")
_TASK_BACKENDS = {
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
    "rq": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
    "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
if TASK_BACKEND not in _TASK_BACKENDS:
    raise RuntimeError(f"LATIDO_TASK_BACKEND must be one of {sorted(_TASK_BACKENDS)}.")
TASKS = {"default": _TASK_BACKENDS[TASK_BACKEND]}
if TASK_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 300}}
# Database backend: a job RUNNING this long lost its worker (killed, OOM, machine gone); the
# recover-lost-tasks job runs it again when its task is listed as safe to re-run (idempotent),
# at most LATIDO_TASK_MAX_RUNS runs in all, and otherwise marks it failed for an operator.
LATIDO_TASK_STALE_SECONDS = int(_env("TASK_STALE_SECONDS", "900"))
LATIDO_TASK_MAX_RUNS = int(_env("TASK_MAX_RUNS", "3"))
LATIDO_RERUNNABLE_TASKS = [
    "latido.core.tasks.run_event_pipeline",
    "latido.channels.email.tasks.process_raw_email",
    "latido.channels.email.tasks.process_raw_emails",
]

CHANNEL_LAYERS = (
    {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                 "CONFIG": {"hosts": [REDIS_URL]}}}
    if _env("CHANNEL_LAYER", "memory") == "redis"
    else {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
)

# The event pipeline: handlers run in this order after a ticket change commits.
LATIDO_EVENT_PIPELINE = [
    "latido.routing.handlers.auto_assign",
    "latido.channels.handlers.send_email_replies",
    "latido.channels.social.handlers.send_social_replies",
]

# Embedded default: outgoing mail is written as files into DATA_DIR/outbox (one .log file per
# connection) instead of being sent; production sets the SMTP backend and relay.
EMAIL_BACKEND = _env("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = _env("EMAIL_FILE_PATH", str(DATA_DIR / "outbox"))
DEFAULT_FROM_EMAIL = _env("DEFAULT_FROM_EMAIL", "support@latido.localhost")
EMAIL_HOST = _env("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(_env("EMAIL_PORT", "25"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": _env("LOG_LEVEL", "WARNING")},
}
