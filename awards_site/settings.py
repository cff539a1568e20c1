"""Settings for the Awards Registry, read from environment variables.

Defaults are safe for development on a laptop (SQLite, local-memory cache). With DEBUG off
the site refuses to start without a real SECRET_KEY. Every variable is listed in .env.example
and explained in docs/deploy.md.
"""

import ipaddress
import os
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from pythonjsonlogger.core import RESERVED_ATTRS

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


DEBUG = env_bool("DEBUG")

_INSECURE_KEY_PREFIX = "django-insecure-"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (see .env.example). For local development set DEBUG=1."
        )
    SECRET_KEY = _INSECURE_KEY_PREFIX + "development-only-key-never-use-in-production"
elif not DEBUG and (SECRET_KEY.startswith(_INSECURE_KEY_PREFIX) or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured("SECRET_KEY is too weak for DEBUG off: use 50 random characters.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_countries",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "csp",
    "axes",
    "registry",
]

MIDDLEWARE = [
    "awards_site.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "registry.cors.PublicCorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "awards_site.middleware.DatabaseUnavailableMiddleware",
    "awards_site.db_routers.ReplicaReadsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its 429 answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "awards_site.urls"
WSGI_APPLICATION = "awards_site.wsgi.application"

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
            ],
        },
    },
]

# Database: one URL. SQLite file in the project folder unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE: a transaction takes the write lock when it begins, so concurrent writers
    # queue (up to `timeout` seconds) instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    # The award-order index (registry/models/nominations.py) carries a covering column for
    # PostgreSQL's index-only scans; SQLite builds the same index without it, which is all it
    # needs. `migrate` checks the database and would warn of that each time; `check` does not.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Optional read replica: the public site's reads go there, the admin and all writes to the
# primary (awards_site/db_routers.py). In tests the alias mirrors the primary.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["awards_site.db_routers.ReplicaRouter"]

# PostgreSQL: prepared statements. A statement run DB_PREPARE_THRESHOLD times on a connection
# is prepared, so PostgreSQL stops re-planning it: planning the award list's 8-table join costs
# more than running it (docs/performance.md). Needs server-side parameter binding. Turn off
# (DB_PREPARED_STATEMENTS=0) behind a pooler in transaction mode that cannot track them.
for database in DATABASES.values():
    if database["ENGINE"] == "django.db.backends.postgresql" and env_bool("DB_PREPARED_STATEMENTS", True):
        database.setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=env_int("DB_PREPARE_THRESHOLD", 5)
        )


# Cache: Redis when REDIS_URL is set, process-local memory otherwise. A Redis outage must not
# take the site down: failed calls count as cache misses, the API rate limit counts in each
# worker meanwhile, and short socket timeouts keep an unreachable Redis from stalling workers.
# The outage is logged when it begins and ends (logger "awards_site.cache", awards_site/cache.py).
def redis_cache(url: str) -> dict:
    return {
        "BACKEND": "awards_site.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "awards",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
    }


REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Each process's own copies of the public state and of stored responses, in front of the shared
# cache (registry/http_cache.py); docs/performance.md gives their memory cost.
LOCAL_CACHE_ENTRIES = env_int("LOCAL_CACHE_ENTRIES", 100)
# Seconds between two log lines about the same cache outage (one when it begins, one when it ends).
CACHE_OUTAGE_LOG_SECONDS = env_int("CACHE_OUTAGE_LOG_SECONDS", 60)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = os.environ.get("MEDIA_URL", "media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Media (uploaded photos) in S3-compatible object storage, so app servers stay stateless.
# Credentials come from the usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or an instance role.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
    AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
    AWS_S3_CUSTOM_DOMAIN = os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None
    AWS_LOCATION = os.environ.get("AWS_LOCATION", "media")
    AWS_DEFAULT_ACL = None  # the bucket's own policy decides; photos are public images
    AWS_QUERYSTRING_AUTH = env_bool("AWS_QUERYSTRING_AUTH", False)
    AWS_S3_FILE_OVERWRITE = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Public JSON API (registry/api/, docs/api.md) ---
# Seconds a client or shared cache may reuse an API answer; cut short before a scheduled publication.
API_CACHE_MAX_AGE = env_int("API_CACHE_MAX_AGE", 60)
# Seconds the public-state token (registry/public_state.py) may be reused across requests by
# pages, feeds and the API (0: read it on every request). Makes 304s and repeated GETs query-free
# under load; a write may take that long to show (docs/operations.md), a scheduled publication
# never does.
PUBLIC_STATE_TTL = env_int("PUBLIC_STATE_TTL", 1)
# --- Performance (docs/performance.md) ---
# Seconds a rendered public page or feed (and a paginator's count) is kept in the cache under
# its ETag. The ETag changes with any public change and at every scheduled publication, so
# this only bounds memory use, never staleness. 0: no stored pages.
PUBLIC_RESPONSE_CACHE_TTL = env_int("PUBLIC_RESPONSE_CACHE_TTL", 300)
# Anonymous rate limit per client address, "<number>/<second|minute|hour|day>".
# Empty or "none": no limit (for a deployment whose proxy limits instead).
API_ANON_RATE = os.environ.get("API_ANON_RATE", "120/minute").strip()
if API_ANON_RATE.lower() in ("", "none"):
    API_ANON_RATE = None
elif not re.fullmatch(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)", API_ANON_RATE):
    raise ImproperlyConfigured(f"API_ANON_RATE must be like '120/minute' or empty, got {API_ANON_RATE!r}")
# Paths answered with `Access-Control-Allow-Origin: *` (public, read-only, no credentials).
CORS_PUBLIC_PATH_PREFIXES = ["/api/", "/feeds/", "/ceremonies.ics"]

REST_FRAMEWORK = {
    # Public and read-only: no sessions or passwords, so no CSRF and every client is anonymous.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["registry.api.filtering.ApiFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "registry.api.pagination.ApiPagination",
    "DEFAULT_THROTTLE_CLASSES": ["registry.api.throttling.AnonymousRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "registry.api.schema.ApiAutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Awards Registry API",
    "DESCRIPTION": "Read-only public data of the Awards Registry: programmes, categories, editions, "
    "awards, recipients, ceremonies and announcements. Guide: docs/api.md.",
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs page loads its assets from this server (drf-spectacular-sidecar), never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# --- end of the API block ---

# Public site identity, used for absolute links in feeds, sitemaps and the API.
SITE_NAME = os.environ.get("SITE_NAME", "Awards Registry")


# ---------------------------------------------------------------------------------------------
# Security / production. Safe by default with DEBUG off; `make serve` relaxes the
# HTTPS-only parts for plain http://127.0.0.1. Every variable: .env.example, docs/deploy.md.
# ---------------------------------------------------------------------------------------------

# A non-guessable admin path keeps the login form out of drive-by scans (axes still guards it).
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/")
if not re.fullmatch(r"([A-Za-z0-9_-]+/)+", ADMIN_URL):
    raise ImproperlyConfigured(f"ADMIN_URL must look like 'staff-area/' (no leading /), got {ADMIN_URL!r}")

# HTTPS. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https,
# and only if that proxy always overwrites the header (otherwise clients could forge it).
_proxy_ssl_header = env_list("SECURE_PROXY_SSL_HEADER")
if _proxy_ssl_header and len(_proxy_ssl_header) != 2:
    raise ImproperlyConfigured("SECURE_PROXY_SSL_HEADER must be 'HEADER,value': HTTP_X_FORWARDED_PROTO,https")
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) or None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe the app over plain HTTP
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600)  # a staff working day
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Reverse proxies in front of the app (nginx, a load balancer): addresses or networks. Only a
# request from one of them has its X-Forwarded-For read (registry.clients.client_ip);
# from any other peer the header is ignored, so a client reaching gunicorn directly cannot
# choose the address the login lockout and the API rate limit count. Empty: no proxy trusted.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as exc:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES must list addresses or networks: {_proxy!r}") from exc
# The former setting counted proxies, which cannot tell a proxy from a client that sends the
# header itself. Refuse it rather than quietly count every client as the proxy.
if "TRUSTED_PROXY_COUNT" in os.environ and os.environ["TRUSTED_PROXY_COUNT"].strip() not in {"", "0"}:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT is no longer read: list the proxies in TRUSTED_PROXIES.")

# Content-Security-Policy (django-csp 4): nothing from other origins, no inline script except
# with the per-response nonce (`{{ request.csp_nonce }}`). Inline <style> blocks are admitted by
# hash: the one of drf-spectacular's Swagger UI page (/api/docs/, served as
# SpectacularSwaggerSplitView so its init script is a same-origin file) and the self-contained
# templates/500.html. tests/test_security.py fails when a template's inline style has no hash.
INLINE_STYLE_HASHES = [
    "'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='",  # drf_spectacular/swagger_ui.html
    "'sha256-8JGKfilGx3v1XL2g62HrZi3hQxFGwjkiqAKgmW0CKfs='",  # templates/500.html
]
_media_origin = "{0.scheme}://{0.netloc}".format(urlsplit(MEDIA_URL)) if "://" in MEDIA_URL else None
if AWS_STORAGE_BUCKET_NAME and AWS_S3_CUSTOM_DOMAIN:
    _media_origin = f"https://{AWS_S3_CUSTOM_DOMAIN}"
_csp = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, *INLINE_STYLE_HASHES],
        "img-src": [SELF, "data:", *([_media_origin] if _media_origin else [])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if os.environ.get("CSP_REPORT_URI"):
    _csp["DIRECTIVES"]["report-uri"] = [os.environ["CSP_REPORT_URI"]]
# CSP_REPORT_ONLY=1 reports violations without blocking: for trying out a stricter policy.
if env_bool("CSP_REPORT_ONLY"):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _csp
else:
    CONTENT_SECURITY_POLICY = _csp

# Admin login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins from one client
# address, that address is refused (HTTP 429) for the cool-off time. Attempts are kept in the
# database (Axes section of the admin); usernames and addresses are never written to the logs.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "registry.clients.client_ip"
AXES_VERBOSE = False

# Logging: one line per record on stderr, each with the request id (X-Request-ID, also sent back
# in the response and in gunicorn's access log). LOG_FORMAT=json for one JSON object per line.
# Nothing logs request bodies, cookies, passwords or client addresses.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").lower()
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'text' or 'json', got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "awards_site.middleware.RequestIdFilter"}},
    "formatters": {
        # Control characters escaped: whatever a client sent cannot start a line of its own.
        "text": {
            "()": "awards_site.logs.TextFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            # Django attaches the request to its records; its repr holds the query string.
            "reserved_attrs": [*RESERVED_ATTRS, "request"],
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
    },
}

# Restoring a dumpdata backup: run loaddata with SIMPLE_HISTORY_ENABLED=0, because the dump
# already holds the change history and loading many-to-many rows would log extra entries.
SIMPLE_HISTORY_ENABLED = env_bool("SIMPLE_HISTORY_ENABLED", True)
