"""Settings for diplomacy: every difference between machines comes from the environment."""

import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


class SettingsError(SystemExit):
    """A configuration mistake: stops start-up with a one-line message, no traceback."""

    def __init__(self, message: str) -> None:
        super().__init__(f"diplomacy: configuration error: {message}")


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = env_str(name).lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name}={raw!r} is not a boolean; use 1/0, true/false, yes/no or on/off.")


def env_int(name: str, default: int) -> int:
    raw = env_str(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a whole number.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env_str(name)
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise SettingsError(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string "
            "(python3 -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 (debug only)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise SettingsError(
        "DJANGO_ALLOWED_HOSTS is not set. List the host names this site answers to, "
        "comma-separated (for example diplomacy.example.org)."
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "diplomacy.scenarios",
    "diplomacy.annotations",
    "diplomacy.timeline",
    "diplomacy.forecasts",
    "diplomacy.notifications",
    "diplomacy.core",
    "diplomacy.admin_site.DiplomacyAdminConfig",  # django.contrib.admin, with its own site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_htmx",
    "csp",
    "axes",
    "template_partials",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "corsheaders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything that answers on its own (CommonMiddleware's redirects), as django-cors-headers asks.
    "corsheaders.middleware.CorsMiddleware",
    # The API's per-address limit, inside CORS so that a 429 still carries its headers.
    "diplomacy.api.limits.RateLimitMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "diplomacy.core.site.SiteURLMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "diplomacy.urls"
WSGI_APPLICATION = "diplomacy.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "diplomacy.scenarios.context_processors.site",
                "diplomacy.notifications.context_processors.unread",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

# Database: a SQLite file by default, PostgreSQL (with psycopg's pool) via DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
try:
    _database = dj_database_url.parse(DATABASE_URL)
except (ValueError, ImproperlyConfigured) as exc:
    raise SettingsError(f"DATABASE_URL is malformed ({exc}).") from None
if not _database.get("ENGINE"):
    raise SettingsError("DATABASE_URL is malformed: use sqlite:///path or postgres://user@host/name.")
if _database["ENGINE"] == "django.db.backends.postgresql":
    # Check a connection (pooled or kept) before using it, so that after a database restart
    # the dead ones are replaced instead of each failing a request.
    _database["CONN_HEALTH_CHECKS"] = True
    if env_bool("DATABASE_POOL", True):
        _database["OPTIONS"] = {
            "pool": {
                "min_size": env_int("DATABASE_POOL_MIN_SIZE", 2),
                "max_size": env_int("DATABASE_POOL_MAX_SIZE", 8),
                "timeout": env_int("DATABASE_POOL_TIMEOUT", 3),
                # psycopg retries a failed connection with a doubling delay until this many
                # seconds have passed, then lets the next request try afresh. Its default
                # (300) means a minute-long outage is followed by up to a minute of 503s
                # after the database is back; a few seconds bounds that wait.
                "reconnect_timeout": env_int("DATABASE_POOL_RECONNECT_TIMEOUT", 4),
            }
        }
    else:
        _database["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
elif _database["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers carry on while one request writes; IMMEDIATE avoids
    # "database is locked" errors when two transactions upgrade to writes at once.
    # Keep connections open between requests: opening one (and setting its pragmas) costs more than a page.
    _database["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 600)
    _database["CONN_HEALTH_CHECKS"] = True
    _database["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
else:
    raise SettingsError(f"DATABASE_URL names an unsupported database ({_database['ENGINE']}).")
DATABASES = {"default": _database}

# Cache: Redis, shared by every worker and app server, when REDIS_URL is set; otherwise
# each process keeps its own. Either way cached pages are keyed by versions read from the
# database (diplomacy/core/cache.py), so no process serves a page older than the last change.
REDIS_URL = env_str("REDIS_URL")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise SettingsError(f"REDIS_URL={REDIS_URL!r} must start with redis://, rediss:// or unix://.")
    CACHES = {"default": {"BACKEND": "diplomacy.core.redis.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions stay in the database and are read from the shared cache: one query less on
    # every signed-in page. Only with a shared cache: with one per process, a logout in one
    # worker would leave the session alive in the others.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 5000}}}
# How long caches in front of the app (nginx, a CDN, browsers) may keep a page anonymous
# readers see, and serve it stale while fetching a fresh one. Signed-in pages are private.
PAGE_MAX_AGE = env_int("DIPLOMACY_PAGE_MAX_AGE", 60)
PAGE_STALE_WHILE_REVALIDATE = env_int("DIPLOMACY_PAGE_STALE_WHILE_REVALIDATE", 300)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The annotation thread's index covers its filter columns on PostgreSQL; SQLite simply
# builds it without them, which is what we want there.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTHENTICATION_BACKENDS = [
    # First: refuses logins for a username and address that failed too often (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "diplomacy.accounts.backends.StaffPermissionsBackend",
]
# Password guessing: after AXES_FAILURE_LIMIT failed logins for one username from one
# address, that pair is locked out for AXES_COOLOFF_MINUTES (a 429 page says so).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "media/"

# HTTPS: on by default in production, off for a plain-HTTP local run.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", not DEBUG)
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
if BEHIND_PROXY:
    # Only behind a proxy that sets this header itself and strips it from clients.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

ADMIN_URL = env_str("DJANGO_ADMIN_URL", "admin/").strip("/") + "/"

# Content-Security-Policy (django-csp): no inline scripts or styles anywhere on the site.
# The admin is Django's own and keeps its inline bits, so it is left out.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/" + ADMIN_URL],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# The public read API (/api/v1/) and oEmbed: any site may read them from a browser (GET only, and
# no cookies: the API answers with public data whoever asks).
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/(api/v1/|oembed$)"
CORS_ALLOW_METHODS = ("GET", "OPTIONS")
CORS_EXPOSE_HEADERS = ("ETag", "Last-Modified", "Retry-After")
# Requests a minute one client address may make to the API; more is answered 429 with Retry-After.
API_RATE_LIMIT = env_int("DIPLOMACY_API_RATE_LIMIT", 120)
# Which address is the client's: REMOTE_ADDR, or behind the proxy the one it added to X-Forwarded-For.
NINJA_NUM_PROXIES = 1 if BEHIND_PROXY else 0

# How many annotations one user may post a minute; more is answered 429.
ANNOTATION_RATE_LIMIT = env_int("DIPLOMACY_ANNOTATION_RATE_LIMIT", 20)
# How many times one reader may save an estimate a minute (any topic); more is answered 429.
ESTIMATE_RATE_LIMIT = env_int("DIPLOMACY_ESTIMATE_RATE_LIMIT", 5)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Email (password resets): SMTP when EMAIL_HOST is set, otherwise printed to the console.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "diplomacy <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work (notification emails): django-tasks, the backport of the tasks API Django 6.0
# adopts, with its database backend, so the worker (`manage.py db_worker`, which `make run`
# starts) needs nothing but the database. DJANGO_TASKS_BACKEND=immediate runs tasks in the request.
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if (_tasks := env_str("DJANGO_TASKS_BACKEND", "database")) not in TASK_BACKENDS:
    raise SettingsError(f"DJANGO_TASKS_BACKEND={_tasks!r}: use one of {', '.join(TASK_BACKENDS)}.")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[_tasks]}}
# A failed notification email is tried again after this many seconds, doubling each time.
NOTIFICATION_RETRY_SECONDS = env_int("DIPLOMACY_NOTIFICATION_RETRY_SECONDS", 60)

# Where the site lives, for canonical links in pages, feeds and sitemaps.
SITE_NAME = env_str("DIPLOMACY_SITE_NAME", "diplomacy")
SITE_TAGLINE = "US–Russia talks: scenarios"  # what the site is, after each page's title
SITE_URL = env_str("DIPLOMACY_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# In development without DIPLOMACY_SITE_URL, links follow the address the page was asked at.
SITE_URL_FROM_REQUEST = DEBUG and not env_str("DIPLOMACY_SITE_URL")
if not SITE_URL.startswith(("http://", "https://")):
    raise SettingsError(f"DIPLOMACY_SITE_URL={SITE_URL!r} must start with http:// or https://.")

LOG_LEVEL = {"WARN": "WARNING"}.get(_level := env_str("DJANGO_LOG_LEVEL", "INFO").upper(), _level)
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise SettingsError(f"DJANGO_LOG_LEVEL={LOG_LEVEL!r} must be DEBUG, INFO, WARNING, ERROR or CRITICAL.")
# One handler for everything, at one level. The "django" logger is configured here too,
# replacing Django's defaults (a DEBUG-only console, mail to ADMINS), so that what
# django.request reports about failed requests obeys DJANGO_LOG_LEVEL like the rest.
# runserver's request log keeps Django's own format.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "stream": sys.stderr, "level": LOG_LEVEL, "formatter": "plain"},
        "django.server": {"class": "logging.StreamHandler", "level": LOG_LEVEL, "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.server": {"handlers": ["django.server"], "level": LOG_LEVEL, "propagate": False},
    },
}
