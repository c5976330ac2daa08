"""BookNest settings: the one settings module, read from environment variables only.

With no variable set, BookNest runs in one process on the embedded defaults: SQLite, the
local-memory cache, the in-memory channel layer and the local `media/` folder. Every variable is
listed with its default in the README ("Configuration").
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from booknest.email_url import email_settings
from booknest.env import env_bool, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY: required when DJANGO_DEBUG is off "
            "(set DJANGO_DEBUG=true for local development)"
        )
    SECRET_KEY = "booknest-insecure-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "corsheaders",
    "strawberry_django",
    "apps.core",
    "apps.accounts",
    "apps.catalog",
    "apps.reading",
    "apps.impressions",
    "apps.social",
    "apps.conversation",
    "apps.notifications",
    "apps.lending",
    "apps.moderation",
    "apps.imports",
    "apps.media",
    "apps.demo",
    "apps.search",
    "apps.discovery",
    "apps.operations",
]

MIDDLEWARE = [
    "booknest.request_id.RequestIdMiddleware",
    # A view failing on an unreachable database answers a clean 503 (with Retry-After).
    "booknest.middleware.DatabaseUnavailable",
    "corsheaders.middleware.CorsMiddleware",
    # The rest keeps /graphql on the event loop (booknest/middleware.py): header middleware runs
    # its hooks there, static files and the admin's session machinery are skipped for the API.
    "booknest.middleware.Security",
    "booknest.middleware.StaticFiles",
    "booknest.middleware.SessionForPages",
    "booknest.middleware.Common",
    "booknest.middleware.CsrfForPagesAndUploads",
    "booknest.middleware.AuthenticationForPages",
    "booknest.middleware.MessagesForPages",
    "booknest.middleware.XFrameOptions",
]

ROOT_URLCONF = "booknest.urls"
ASGI_APPLICATION = "booknest.asgi.application"
WSGI_APPLICATION = "booknest.wsgi.application"

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

# --- Database ------------------------------------------------------------------------------
DATABASE_URL = env_url(
    "DATABASE_URL",
    f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
    schemes={"sqlite", "postgres", "postgresql", "pgsql"},
)
try:
    _database = dj_database_url.parse(DATABASE_URL)
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL: {exc}") from None
_pool = {
    "min_size": env_int("DATABASE_POOL_MIN_SIZE", 1, minimum=0),
    "max_size": env_int("DATABASE_POOL_MAX_SIZE", 10, minimum=1),
    "timeout": env_int("DATABASE_POOL_TIMEOUT", 10, minimum=1),
}
if _database["ENGINE"] == "django.db.backends.postgresql":
    # psycopg 3's pool; persistent connections (CONN_MAX_AGE) must stay off with it.
    _database["CONN_MAX_AGE"] = 0
    _database.setdefault("OPTIONS", {})["pool"] = _pool
    # Compiled reads run prepared statements (schema/compiled/run.py): psycopg may prepare a
    # statement asked to (Django's default, None, forbids it) but never by itself, and each is
    # planned once. Django's own queries are bound on the client and never prepared.
    _database["OPTIONS"].setdefault("prepare_threshold", 2**31 - 1)
    _database["OPTIONS"].setdefault("options", "-c plan_cache_mode=force_generic_plan")
    # Django's backend with a second pool, for subscriptions' event reads (booknest/postgres/).
    _database["ENGINE"] = "booknest.postgres"
else:
    # SQLite: wait for a lock instead of failing at once when daphne's threads write together.
    _database.setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DATABASES = {"default": _database}
# The live deliveries' own pool (PostgreSQL): most connections per process.
DATABASE_LIVE_POOL_MAX_SIZE = env_int("DATABASE_LIVE_POOL_MAX_SIZE", 4, minimum=1)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and channel layer -----------------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", "", schemes={"redis", "rediss", "unix"})
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "booknest.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "booknest"),
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                # Redis down: reads miss and writes are skipped (logged), the API keeps
                # answering from the database. Give up on a dead server quickly.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    _layer_prefix = env_str("CACHE_KEY_PREFIX", "booknest") + ":asgi"
    CHANNEL_LAYERS = {
        # Live events for WebSocket subscribers: Redis pub/sub (booknest/internals/channel_layer.py). A
        # process subscribes once per group its clients listen to and Redis pushes each event to
        # it, one PUBLISH per event.
        # (channels-redis's list-based layer pops each message with a round trip of its own and
        # drops what exceeds `capacity`, 100 per process by default: at 1,000 clients a second
        # burst of notifications was lost, then, with a larger capacity, delivered seconds late.)
        "default": {
            # channels-redis's, except that a consumer's own channel stays in-process, so
            # WebSockets still connect when Redis is down: their subscriptions are told live
            # updates are unavailable (schema/ws.py).
            "BACKEND": "booknest.internals.channel_layer.LiveChannelLayer",
            "CONFIG": {
                # Redis down: give up connecting after 1 s, and on a Redis that accepts but does
                # not answer, reading after 2 s (publishing after a mutation's commit and joining
                # a subscription's group fail fast and say so, instead of hanging; the subscriber
                # loop polls with its own 0.1 s timeout).
                # Publishes run concurrently, one connection each: allow more than redis-py's 100.
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_connect_timeout": 1,
                        "socket_timeout": 2,
                        "max_connections": 1000,
                    }
                ],
                "prefix": _layer_prefix,
            },
        },
        # The import queue (`runworker imports`): a message is taken by exactly one worker and
        # waits in Redis for one (pub/sub would hand every job to every worker, or to none).
        "imports": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 times socket reads out after 5 s, as long as channels-redis's blocking
                # receive (BZPOPMIN, 5 s): the race crashes idle consumers. Read longer.
                "hosts": [
                    {"address": REDIS_URL, "socket_timeout": 10, "socket_connect_timeout": 1}
                ],
                "prefix": _layer_prefix + ":jobs",
                "expiry": 3600,  # a queued job waits up to an hour for a worker
            },
        },
    }
else:
    CACHES = {"default": {"BACKEND": "booknest.cache.LocMemCache"}}
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer"},
        "imports": {"BACKEND": "channels.layers.InMemoryChannelLayer"},
    }

# --- Auth ------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- API authentication (JWT on PyJWT; see apps/accounts/tokens.py) --------------------------
JWT_ALGORITHM = env_str("JWT_ALGORITHM", "HS256")
if JWT_ALGORITHM not in {"HS256", "HS384", "HS512"}:
    raise ImproperlyConfigured(
        f"JWT_ALGORITHM: expected HS256, HS384 or HS512, got {JWT_ALGORITHM!r}"
    )
JWT_SECRET_KEY = env_str("JWT_SECRET_KEY") or SECRET_KEY
JWT_ACCESS_TOKEN_LIFETIME = env_int("JWT_ACCESS_TOKEN_LIFETIME", 15 * 60, minimum=10)
JWT_REFRESH_TOKEN_LIFETIME = env_int("JWT_REFRESH_TOKEN_LIFETIME", 7 * 24 * 3600, minimum=60)
# Personal access tokens (apps/accounts/personal_tokens.py): `lastUsedAt` is written at most once
# per this many seconds per token.
PAT_LAST_USED_INTERVAL = env_int("PAT_LAST_USED_INTERVAL", 300, minimum=0)
JWT_ISSUER = env_str("JWT_ISSUER", "booknest")

# --- Internationalisation --------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files and media ------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = env_str("DJANGO_MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
# Under daphne in debug, serve app static files straight from their sources (no collectstatic).
WHITENOISE_USE_FINDERS = DEBUG
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

# --- Media storage (avatars, covers, author photos; see apps/media/) --------------------------
# With a bucket, uploads go to S3 or any S3 API (MinIO: AWS_S3_ENDPOINT_URL); otherwise to
# MEDIA_ROOT, served by Django in debug. django-storages reads the AWS_* names below.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_S3_ENDPOINT_URL = env_url("AWS_S3_ENDPOINT_URL", "", schemes={"http", "https"}) or None
    AWS_S3_REGION_NAME = env_str("AWS_S3_REGION_NAME") or None
    # Unset: boto3's own chain (environment, instance role, ~/.aws) finds the credentials.
    AWS_ACCESS_KEY_ID = env_str("AWS_ACCESS_KEY_ID") or None
    AWS_SECRET_ACCESS_KEY = env_str("AWS_SECRET_ACCESS_KEY") or None
    # On: presigned URLs that expire (private bucket); off: plain URLs (public-read bucket/CDN).
    AWS_QUERYSTRING_AUTH = env_bool("AWS_QUERYSTRING_AUTH", default=True)
    AWS_QUERYSTRING_EXPIRE = env_int("AWS_QUERYSTRING_EXPIRE", 3600, minimum=60)
    AWS_S3_SIGNATURE_VERSION = "s3v4"  # what newer AWS regions and MinIO require
    AWS_S3_CUSTOM_DOMAIN = env_str("AWS_S3_CUSTOM_DOMAIN") or None
    AWS_S3_URL_PROTOCOL = env_str("AWS_S3_URL_PROTOCOL", "https:")
    if AWS_S3_URL_PROTOCOL not in {"http:", "https:"}:
        raise ImproperlyConfigured(
            f"AWS_S3_URL_PROTOCOL: expected http: or https:, got {AWS_S3_URL_PROTOCOL!r}"
        )
    AWS_LOCATION = env_str("AWS_LOCATION").strip("/")
    AWS_S3_ADDRESSING_STYLE = env_str("AWS_S3_ADDRESSING_STYLE") or None
    if AWS_S3_ADDRESSING_STYLE not in {None, "path", "virtual"}:
        raise ImproperlyConfigured(
            f"AWS_S3_ADDRESSING_STYLE: expected path or virtual, got {AWS_S3_ADDRESSING_STYLE!r}"
        )
    # Keys are content-hashed: the same name always means the same bytes, so caches may keep them.
    AWS_S3_OBJECT_PARAMETERS = {"CacheControl": "public, max-age=31536000, immutable"}
    AWS_S3_FILE_OVERWRITE = True
# Upload limits (checked by content in apps/media/images.py, before anything is stored).
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
UPLOAD_MAX_PIXELS = env_int("UPLOAD_MAX_PIXELS", 40_000_000, minimum=10_000)
# Form fields and JSON bodies (files excluded) stay at Django's 2.5 MB; a file part beyond
# UPLOAD_MAX_BYTES is counted but not kept (apps.media.uploads), smaller ones spill to disk
# past 2.5 MB instead of filling memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = min(2_621_440, UPLOAD_MAX_BYTES)
FILE_UPLOAD_HANDLERS = [
    "apps.media.uploads.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Security --------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    # The proxy's X-Forwarded-Proto says HTTPS; its X-Forwarded-For names the client
    # (booknest/request_id.py: client_ip), which rate limits count by.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = False

# --- Logging ---------------------------------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"LOG_LEVEL: unknown level {LOG_LEVEL!r}")
# `json`: one JSON object per line (booknest/logging.py), for log shippers; `plain`: text for
# people at a terminal. Each GraphQL operation logs one record on `booknest.operations`.
LOG_FORMAT = env_str("LOG_FORMAT", "plain" if DEBUG else "json").lower()
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"LOG_FORMAT: expected json or plain, got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "booknest.logging.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
if LOG_FORMAT == "json":
    # daphne's access log and Python's warnings too (printed as bare text otherwise).
    from logging import captureWarnings

    from booknest.logging import route_daphne_access_log

    captureWarnings(True)
    route_daphne_access_log()

# --- Email (notification emails; see apps/notifications/email.py) ----------------------------
# EMAIL_URL: console:// (default: printed), locmem:// (tests), dummy://, or
# smtp://user:password@host:587?tls=true / smtps://user:password@host:465 (booknest/email_url.py).
globals().update(email_settings("EMAIL_URL", env_str("EMAIL_URL", "console://")))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "BookNest <noreply@booknest.local>")
# Account emails (apps/accounts/email_flows.py) link to the client app: `{FRONTEND_URL}/<action>
# ?token=…`. Empty: the origin the request came to (scheme and Host, checked against
# ALLOWED_HOSTS) — set it in production, where the client app is usually elsewhere.
FRONTEND_URL = env_url("FRONTEND_URL", "", schemes={"http", "https"}).rstrip("/")
# Seconds a password-reset link works (Django's own setting name; its default is 3 days).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3600, minimum=60)
# Seconds a link verifying an address (after sign-up, or a change of address) works.
EMAIL_VERIFICATION_TIMEOUT = env_int("EMAIL_VERIFICATION_TIMEOUT", 3 * 24 * 3600, minimum=60)

# --- GraphQL over WebSocket (schema/ws.py) ---------------------------------------------------
GRAPHQL_WS_KEEPALIVE_SECONDS = env_int("GRAPHQL_WS_KEEPALIVE_SECONDS", 15, minimum=1)
GRAPHQL_WS_INIT_TIMEOUT_SECONDS = env_int("GRAPHQL_WS_INIT_TIMEOUT_SECONDS", 10, minimum=1)
GRAPHQL_WS_MAX_SUBSCRIPTIONS = env_int("GRAPHQL_WS_MAX_SUBSCRIPTIONS", 20, minimum=1)
# An authenticated connection checks its token against the database again this often: the
# safety net for a revocation whose close message was lost (channel layer down), or an account
# disabled by hand. Revocations close sockets at once (apps/accounts/live_connections.py).
GRAPHQL_WS_RECHECK_SECONDS = env_int("GRAPHQL_WS_RECHECK_SECONDS", 300, minimum=1)
# GraphiQL's own files (frontend/graphiql, copied to its static/ by `npm ci`), served as static
# files when installed; templates/graphql/graphiql.html falls back to a CDN without them.
GRAPHIQL_ASSETS = BASE_DIR / "frontend" / "graphiql" / "static"
STATICFILES_DIRS = [GRAPHIQL_ASSETS] if GRAPHIQL_ASSETS.is_dir() else []

# --- GraphQL ---------------------------------------------------------------------------------
# HTTP requests for /graphql skip Django's request handling (booknest/lean.py): the same
# middleware and view, about 2.5 ms a request less. Off: served through Django's handler.
GRAPHQL_LEAN_PATH = env_bool("GRAPHQL_LEAN_PATH", default=True)
GRAPHIQL_ENABLED = env_bool("GRAPHIQL_ENABLED", default=DEBUG)
# Introspection (`__schema`, `__type`): GraphiQL and codegen need it; production may turn it off.
GRAPHQL_INTROSPECTION = env_bool("GRAPHQL_INTROSPECTION", default=True)
# Unexpected exceptions: a generic message and the request id instead of the exception's text.
GRAPHQL_MASK_ERRORS = env_bool("GRAPHQL_MASK_ERRORS", default=not DEBUG)

# --- GraphQL limits (schema/limits/): refused before execution, each error naming its limit ---
GRAPHQL_MAX_DEPTH = env_int("GRAPHQL_MAX_DEPTH", 12, minimum=1)
GRAPHQL_MAX_ALIASES = env_int("GRAPHQL_MAX_ALIASES", 30, minimum=1)
GRAPHQL_MAX_TOKENS = env_int("GRAPHQL_MAX_TOKENS", 5000, minimum=100)
GRAPHQL_MAX_BATCH = env_int("GRAPHQL_MAX_BATCH", 10, minimum=1)
GRAPHQL_MAX_PAGE_SIZE = env_int("GRAPHQL_MAX_PAGE_SIZE", 100, minimum=1)
# Query operations planned into one SQL statement on PostgreSQL (schema/compiled/); false
# answers every operation field by field (the resolver path), as SQLite always is.
GRAPHQL_COMPILED_READS = env_bool("GRAPHQL_COMPILED_READS", default=True)
GRAPHQL_MAX_COST = env_int("GRAPHQL_MAX_COST", 5000, minimum=10)

# --- Rate limits (schema/ratelimit.py, apps/accounts/throttle.py; Redis with REDIS_URL) -------
RATE_LIMIT_ENABLED = env_bool("RATE_LIMIT_ENABLED", default=True)
RATE_LIMIT_POINTS = env_int("RATE_LIMIT_POINTS", 50_000, minimum=1)
RATE_LIMIT_ANONYMOUS_POINTS = env_int("RATE_LIMIT_ANONYMOUS_POINTS", 10_000, minimum=1)
RATE_LIMIT_WINDOW_SECONDS = env_int("RATE_LIMIT_WINDOW_SECONDS", 3600, minimum=1)
# Reports a reader may file per hour (apps/moderation), on top of the points budget.
REPORTS_PER_HOUR = env_int("REPORTS_PER_HOUR", 10, minimum=1)
LOGIN_THROTTLE_ACCOUNT_ATTEMPTS = env_int("LOGIN_THROTTLE_ACCOUNT_ATTEMPTS", 10, minimum=1)
LOGIN_THROTTLE_IP_ATTEMPTS = env_int("LOGIN_THROTTLE_IP_ATTEMPTS", 50, minimum=1)
LOGIN_THROTTLE_WINDOW_SECONDS = env_int("LOGIN_THROTTLE_WINDOW_SECONDS", 900, minimum=1)
# Comments (and replies) one reader may post per hour, on top of the points budget.
COMMENTS_PER_HOUR = env_int("COMMENTS_PER_HOUR", 60, minimum=1)
GRAPHQL_WS_MAX_CONNECTIONS = env_int("GRAPHQL_WS_MAX_CONNECTIONS", 10_000, minimum=1)
GRAPHQL_WS_MAX_CONNECTIONS_PER_IP = env_int("GRAPHQL_WS_MAX_CONNECTIONS_PER_IP", 100, minimum=1)

# --- Persisted queries (schema/persisted/) ----------------------------------------------------
APQ_ENABLED = env_bool("APQ_ENABLED", default=True)
APQ_CACHE_TTL = env_int("APQ_CACHE_TTL", 7 * 24 * 3600, minimum=60)
# On: only operations registered with `manage.py register_operations` run (by hash or text).
GRAPHQL_ALLOWLIST = env_bool("GRAPHQL_ALLOWLIST", default=False)

# --- CORS (django-cors-headers) ---------------------------------------------------------------
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", [])
CORS_ALLOW_HEADERS = (
    "accept",
    "authorization",
    "content-type",
    "x-request-id",
    "apollo-require-preflight",
    "x-apollo-operation-name",
)
CORS_EXPOSE_HEADERS = (
    "x-request-id",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
    "retry-after",
)
CORS_URLS_REGEX = r"^/graphql$"
CORS_PREFLIGHT_MAX_AGE = 3600

# --- Observability (booknest/metrics.py, schema/observability.py) -----------------------------
METRICS_ENABLED = env_bool("METRICS_ENABLED", default=True)
# Set: /metrics asks for `Authorization: Bearer <METRICS_TOKEN>`.
METRICS_TOKEN = env_str("METRICS_TOKEN")

# --- Search (see apps/search/) ---------------------------------------------------------------
# Empty: the database engine alone (PostgreSQL full text + trigrams, or SQLite FTS5). Set, search
# is answered by OpenSearch, falling back to the database engine when it errors or times out.
OPENSEARCH_URL = env_url("OPENSEARCH_URL", "", {"http", "https"})
OPENSEARCH_USERNAME = env_str("OPENSEARCH_USERNAME")
OPENSEARCH_PASSWORD = env_str("OPENSEARCH_PASSWORD")
OPENSEARCH_INDEX_PREFIX = env_str("OPENSEARCH_INDEX_PREFIX", "booknest")
OPENSEARCH_TIMEOUT = env_int("OPENSEARCH_TIMEOUT", 2, minimum=1)
OPENSEARCH_VERIFY_CERTS = env_bool("OPENSEARCH_VERIFY_CERTS", default=True)
if OPENSEARCH_INDEX_PREFIX.lower() != OPENSEARCH_INDEX_PREFIX or not OPENSEARCH_INDEX_PREFIX:
    raise ImproperlyConfigured("OPENSEARCH_INDEX_PREFIX: must be non-empty and lower case")

# --- Discovery (rankings and recommendations; see apps/discovery/) ---------------------------
RANKINGS_CACHE_TTL = env_int("RANKINGS_CACHE_TTL", 600, minimum=1)
RANKINGS_BAYES_WEIGHT = env_int("RANKINGS_BAYES_WEIGHT", 10, minimum=0)
RANKINGS_INVALIDATE_AFTER = env_int("RANKINGS_INVALIDATE_AFTER", 20, minimum=1)
RECOMMENDATIONS_NEIGHBOURS = env_int("RECOMMENDATIONS_NEIGHBOURS", 50, minimum=1)

# --- Imports (library imports and exports, Open Library; see apps/imports/) ------------------
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 50_000, minimum=1)
IMPORT_BATCH_SIZE = env_int("IMPORT_BATCH_SIZE", 500, minimum=1)
# A running job whose heartbeat is older than this many seconds is resumed (or failed).
IMPORT_STALE_AFTER = env_int("IMPORT_STALE_AFTER", 300, minimum=10)
IMPORT_MAX_ATTEMPTS = env_int("IMPORT_MAX_ATTEMPTS", 3, minimum=1)
# A job still PENDING after this many seconds reports `waitingForWorker` (no worker took it).
IMPORT_WAITING_FOR_WORKER_AFTER = env_int("IMPORT_WAITING_FOR_WORKER_AFTER", 60, minimum=1)
IMPORT_RUNNER = env_str("IMPORT_RUNNER", "worker" if REDIS_URL else "thread")
if IMPORT_RUNNER not in {"thread", "worker", "inline"}:
    raise ImproperlyConfigured(
        f"IMPORT_RUNNER: expected thread, worker or inline, got {IMPORT_RUNNER!r}"
    )
EXPORT_LINK_MAX_AGE = env_int("EXPORT_LINK_MAX_AGE", 3600, minimum=60)

# The most of one uploaded file the server keeps while reading a request (apps.media.uploads):
# the largest thing any mutation takes. Each service then applies its own, smaller limit.
FILE_UPLOAD_KEEP_MAX_BYTES = max(UPLOAD_MAX_BYTES, IMPORT_MAX_BYTES)
OPENLIBRARY_ENABLED = env_bool("OPENLIBRARY_ENABLED", default=False)
OPENLIBRARY_BASE_URL = env_url(
    "OPENLIBRARY_BASE_URL", "https://openlibrary.org", schemes={"http", "https"}
).rstrip("/")
OPENLIBRARY_COVERS_URL = env_url(
    "OPENLIBRARY_COVERS_URL", "https://covers.openlibrary.org", schemes={"http", "https"}
).rstrip("/")
OPENLIBRARY_USER_AGENT = env_str(
    "OPENLIBRARY_USER_AGENT", "BookNest/1.0 (library import; +https://github.com/booknest)"
)
OPENLIBRARY_TIMEOUT = env_int("OPENLIBRARY_TIMEOUT", 10, minimum=1)  # seconds per request
OPENLIBRARY_RETRIES = env_int("OPENLIBRARY_RETRIES", 2, minimum=0)
OPENLIBRARY_MAX_PER_SECOND = env_int("OPENLIBRARY_MAX_PER_SECOND", 3, minimum=1)
OPENLIBRARY_CACHE_TTL = env_int("OPENLIBRARY_CACHE_TTL", 7 * 24 * 3600, minimum=60)
