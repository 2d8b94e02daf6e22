"""Settings shared by every environment; values come from the environment (see README, "Settings")."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from returns_portal.env import BASE_DIR, env
from returns_portal.ops.logs import logging_config
from returns_portal.ops.sentry import sentry_init

# ---- GENERAL
DEBUG = False
# Development only: production refuses to start with it (or without a key).
INSECURE_DEV_SECRET_KEY = "insecure-dev-key-change-me-in-production-7c1e0b9a"
SECRET_KEY = env("DJANGO_SECRET_KEY", default=INSECURE_DEV_SECRET_KEY)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
VAR_DIR = Path(env.str("RMA_VAR_DIR", default=str(BASE_DIR / "var")))

TIME_ZONE = "Europe/Paris"
USE_TZ = True
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True

# ---- DATABASES
# SQLite by default so that `make run` needs no server; DATABASE_URL switches to PostgreSQL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Persistent connections: a new connection per request costs ~6x in throughput.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The API's token statement is prepared once per PostgreSQL connection; off behind a pooler in transaction mode.
RMA_DB_PREPARED_STATEMENTS = env.bool("RMA_DB_PREPARED_STATEMENTS", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---- APPS
DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]
LOCAL_APPS = [
    "rma.core",
    "rma.orders",
    "rma.locations",
    "rma.returns",
    "rma.shipping",
    "rma.warehouse",
    "rma.notifications",
    "rma.connectors",
    "rma.portal",
    "rma.store",
    "rma.agents",
    "rma.insights",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

# ---- MIDDLEWARE
MIDDLEWARE = [
    # Outermost: every log line of the request carries its id, every answer its X-Request-ID and its timing.
    "returns_portal.ops.request_id.RequestIdMiddleware",
    "returns_portal.ops.metrics.RequestMetricsMiddleware",
    # Then: every answer under /api/ is JSON in the API's error shape (rma/core/api/middleware.py).
    "rma.core.api.middleware.ApiErrorMiddleware",
    # A file view whose object store does not answer: 503 and Retry-After, not a 500 (rma/core/private_files.py).
    "rma.core.private_files.StorageUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "returns_portal.urls"
WSGI_APPLICATION = "returns_portal.wsgi.application"

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
                "rma.core.context_processors.branding",
            ],
        },
    },
]

# ---- AUTH
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
AUTHENTICATION_BACKENDS = [
    # The session's user with their roles in one statement, their permissions in one more (rma/core/auth_backend.py).
    "rma.core.auth_backend.RoleAwareModelBackend",
    # Sessions signed in before it was listed name Django's own backend: they stay signed in.
    "django.contrib.auth.backends.ModelBackend",
]

# ---- STATIC AND MEDIA
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS: list[Path | tuple[str, Path]] = [BASE_DIR / "static"]
# Browser libraries installed from the npm registry by `make install` (package.json), served from node_modules:
# Leaflet for the drop-off map. Without them (no npm) the drop-off step is its plain list.
LEAFLET_DIR = BASE_DIR / "node_modules" / "leaflet" / "dist"
if LEAFLET_DIR.is_dir():
    STATICFILES_DIRS.append(("vendor/leaflet", LEAFLET_DIR))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("RMA_MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# ---- OBJECT STORAGE
# An S3-compatible bucket instead of MEDIA_ROOT when RMA_S3_BUCKET is set: the RMA_S3_* settings and what they
# make are in returns_portal/settings/object_storage.py.
from returns_portal.settings.object_storage import *  # noqa: E402, F403
from returns_portal.settings.object_storage import S3_DEFAULT_STORAGE  # noqa: E402

if S3_DEFAULT_STORAGE is not None:
    STORAGES["default"] = S3_DEFAULT_STORAGE

# ---- EMAIL
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="Maison Lumière <retours@example.com>")

# ---- CACHES
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # A Redis that hangs costs a call a second or two, not the request or task (rma.core.shared_cache degrades).
    _timeouts = {"socket_connect_timeout": 1.0, "socket_timeout": 2.0}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CACHES["default"]["OPTIONS"] = _timeouts
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# ---- CELERY
# Redis when REDIS_URL (or CELERY_BROKER_URL) names one; otherwise kombu's filesystem transport, which needs no server.
# The two transports take differently shaped options (a timeout in seconds, or folders and a flag).
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, str | int | float | bool]
# Redis down must cost a request a few hundred milliseconds, not seconds: one connection attempt (no retry loop,
# kombu's default retries for 2 s) with a tight connect timeout; then the breaker (rma.core.queue) skips the
# broker and the rows wait for their sweepers. The worker's own connection keeps Celery's reconnect loop.
RMA_BROKER_CONNECT_TIMEOUT_SECONDS = env.float("RMA_BROKER_CONNECT_TIMEOUT_SECONDS", default=0.3)
RMA_BROKER_SOCKET_TIMEOUT_SECONDS = env.float("RMA_BROKER_SOCKET_TIMEOUT_SECONDS", default=5.0)
RMA_REDIS_BROKER_TRANSPORT_OPTIONS: dict[str, str | int | float | bool] = {
    "visibility_timeout": 3600,
    "max_retries": 0,
    "socket_connect_timeout": RMA_BROKER_CONNECT_TIMEOUT_SECONDS,
    "socket_timeout": RMA_BROKER_SOCKET_TIMEOUT_SECONDS,
}
# With a hostname: kombu warns "No hostname was supplied" for a bare "filesystem://" (the transport ignores it).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://localhost/")
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = RMA_REDIS_BROKER_TRANSPORT_OPTIONS
else:
    _broker_dir = VAR_DIR / "broker"
    # The transport does not create its folders; producers run before any worker has.
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
# Beat's schedule (when each job last ran), a file of the one beat process (`celery beat` and `worker -B` read it):
# on a volume, so that a restart neither repeats nor skips a job. Its folder must exist.
RMA_BEAT_SCHEDULE = Path(env.str("RMA_BEAT_SCHEDULE", default=str(VAR_DIR / "celerybeat-schedule")))
CELERY_BEAT_SCHEDULE_FILENAME = str(RMA_BEAT_SCHEDULE)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# Publishing must fail fast when the broker is down: the outbox re-queues later.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False
# A worker keeps its database connection from task to task, as a web process does from request to request
# (CONN_MAX_AGE, CONN_HEALTH_CHECKS, applied around each task by returns_portal.celery). Without this, Celery's
# Django fixup closes it after every task, and each label paid for a new PostgreSQL connection. The fixup still
# starts afresh after this many tasks.
CELERY_DB_REUSE_MAX = 1000

# ---- REST FRAMEWORK
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rma.core.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: no browsable HTML API (the explorer is /api/v1/docs/); other Accept headers get a JSON 406.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "rma.core.api.schema.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rma.core.api.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "rma.core.api.exception_handler.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Returns portal API",
    "DESCRIPTION": "Orders in, returns out: eligibility, creation, lifecycle, drop-off points and reason codes.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ReturnStatusEnum": "rma.returns.choices.ReturnStatus",
        "DropOffKindEnum": "rma.locations.choices.DropOffKind",
        "DropOffMethodEnum": "rma.locations.choices.DropOffMethod",
        "CreationChannelEnum": "rma.returns.choices.CreationChannel",
        "OrderChannelEnum": "rma.orders.choices.Channel",
        "OrderUpsertOutcomeEnum": ["created", "updated", "unchanged"],
        "ScanOutcomeEnum": [
            "received",
            "already_received",
            "unexpected",
            "carton_received",
            "carton_already_received",
            "shipment",
        ],
        "RefundReleaseOutcomeEnum": ["refunded", "exchanged", "closed"],
        "CartonReceiveOutcomeEnum": ["carton_received", "carton_already_received"],
    },
}

# ---- LOGGING
# "text" for people (development), "json" for log collectors (the production settings' default): one object a line
# with time, level, logger, message, request_id and exception (returns_portal/ops/logs.py).
RMA_LOG_FORMAT = env("RMA_LOG_FORMAT", default="text")
LOGGING = logging_config(log_format=RMA_LOG_FORMAT, level=env("DJANGO_LOG_LEVEL", default="INFO"))

# ---- OPERATIONS (returns_portal/ops: /healthz, /readyz, /metrics, Sentry)
# /metrics answers only with "Authorization: Bearer <this>"; empty: /metrics is a 404.
RMA_METRICS_TOKEN = env("RMA_METRICS_TOKEN", default="")
# A Celery worker serves its task metrics on this port: one target for all its pool processes with
# PROMETHEUS_MULTIPROC_DIR set, else one per process (the port plus its pool index); unset: not served.
RMA_WORKER_METRICS_PORT: int | None = env.int("RMA_WORKER_METRICS_PORT", default=None)
RMA_WORKER_METRICS_ADDR = env("RMA_WORKER_METRICS_ADDR", default="0.0.0.0")
# Error reports (https://docs.sentry.io/platforms/python/integrations/django/): nothing is sent without a DSN.
SENTRY_DSN = env("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", default="production")
SENTRY_RELEASE = env("SENTRY_RELEASE", default="")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
sentry_init(
    dsn=SENTRY_DSN,
    environment=SENTRY_ENVIRONMENT,
    release=SENTRY_RELEASE,
    traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
)

# ---- RETURNS PORTAL
# Which carrier books parcels for a point network (DropOffPoint.carrier → carrier code), when they differ: a return
# left at one of La Poste's points goes with a Colissimo account (rma.shipping.services.accounts).
RMA_POINT_NETWORK_CARRIERS: dict[str, str] = {"la_poste": "colissimo"}
RMA_BRAND_NAME = env("RMA_BRAND_NAME", default="Maison Lumière")
RMA_BRAND_PRIMARY_COLOR = env("RMA_BRAND_PRIMARY_COLOR", default="#1f4e5f")
RMA_BRAND_LOGO = env("RMA_BRAND_LOGO", default="img/logo.svg")
RMA_PUBLIC_BASE_URL = env("RMA_PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
RMA_DEFAULT_CURRENCY = "EUR"
# How long a customer has to send an approved return before it expires.
RMA_SEND_DEADLINE = timedelta(days=env.int("RMA_SEND_DEADLINE_DAYS", default=14))
RMA_MAX_BATCH_ORDERS = 500
RMA_DEFAULT_RETURN_WINDOW_DAYS = 30
RMA_LEGAL_MINIMUM_WINDOW_DAYS = 14
RMA_FREE_RETURN_FEE = Decimal("0.00")
# A customer's risk score (0-100, rma.returns.risk) from which a submitted return goes to review, with the score's
# reasons; customers on the allow list are never sent there by it.
RMA_RISK_REVIEW_SCORE = env.int("RMA_RISK_REVIEW_SCORE", default=50)
# An address or phone shared by orders under more emails than this (a pickup point, an office) links no customers.
RMA_CUSTOMER_KEY_MAX_EMAILS = env.int("RMA_CUSTOMER_KEY_MAX_EMAILS", default=5)


from returns_portal.settings.impact import *  # noqa: E402, F403

# Where refunds and exchange requests are announced to the shop's systems (outbox webhook); empty: kept in
# the outbox with destination "shop" for an integration to poll.
# Where the daily refresh (Beat, rma.shipping.drop_off_points_refresh) reads drop-off points, as JSON: files
# {"format": "laposte"|"csv", "path": "/data/points.csv", "carrier": "", "complete": true} and carriers' point
# searches {"api": "mondial_relay", "postcodes": ["75011", "69001"] or "/data/postcodes.txt", "country": "FR",
# "complete": false}. Empty: nothing is refreshed.
RMA_POINT_SOURCES: list[dict[str, Any]] = env.json("RMA_POINT_SOURCES", default=[])
RMA_SHOP_WEBHOOK_URL = env("RMA_SHOP_WEBHOOK_URL", default="")

# ---- CUSTOMER PORTAL
# The shop's stock API for exchanges (GET {url}/variants?product_ref=…); empty: RMA_SHOP_CLIENT below.
RMA_SHOP_API_URL = env("RMA_SHOP_API_URL", default="")
RMA_SHOP_API_TOKEN = env("RMA_SHOP_API_TOKEN", default="")
RMA_SHOP_API_TIMEOUT = 3.0
# The shop client used when RMA_SHOP_API_URL is empty (a dotted path, like EMAIL_BACKEND).
RMA_SHOP_CLIENT = "rma.integrations.shop.client.CatalogueShopClient"
RMA_PORTAL_SESSION_MAX_AGE = 60 * 60
# Order look-ups allowed per client IP: (attempts, seconds). Use Redis in production so workers share it.
RMA_PORTAL_LOOKUP_RATE = (10, 600)
# Every uploaded picture (customers', shops', warehouses'): bytes and decoded pixels (rma/core/images.py).
RMA_PHOTO_MAX_BYTES = env.int("RMA_PHOTO_MAX_BYTES", default=8 * 1024 * 1024)
RMA_UPLOAD_MAX_PIXELS = env.int("RMA_UPLOAD_MAX_PIXELS", default=40_000_000)
RMA_PHOTOS_PER_LINE = 5
# The drop-off step: the farthest point offered per kind, in km (a kind left out has no limit). Environment:
# RMA_DROP_OFF_MAX_KM="store=50,relay_point=20,locker=20,post_office=20".
RMA_DROP_OFF_MAX_KM: dict[str, float] = {
    kind: float(km)
    for kind, km in env.dict(
        "RMA_DROP_OFF_MAX_KM", default={"store": 50, "relay_point": 20, "locker": 20, "post_office": 20}
    ).items()
}
# Its map: a tile server URL template ("https://tile.example.org/{z}/{x}/{y}.png") and the attribution its licence
# asks for. Empty: no tile is fetched from anywhere and the map shows the points and the customer on a plain
# background. Whoever serves the tiles sees roughly where the customer lives: choose (or host) it accordingly.
RMA_MAP_TILE_URL = env("RMA_MAP_TILE_URL", default="")
RMA_MAP_TILE_ATTRIBUTION = env("RMA_MAP_TILE_ATTRIBUTION", default="")
RMA_MAP_TILE_MAX_ZOOM = env.int("RMA_MAP_TILE_MAX_ZOOM", default=19)
# Reverse proxies in front of the app whose X-Forwarded-For entries are trusted for the client IP.
RMA_TRUSTED_PROXY_COUNT = env.int("RMA_TRUSTED_PROXY_COUNT", default=0)

# ---- NOTIFICATIONS (outbox)
RMA_OUTBOX_MAX_ATTEMPTS = env.int("RMA_OUTBOX_MAX_ATTEMPTS", default=10)
RMA_OUTBOX_BACKOFF_BASE_SECONDS = env.float("RMA_OUTBOX_BACKOFF_BASE_SECONDS", default=30.0)
RMA_OUTBOX_BACKOFF_CAP_SECONDS = env.float("RMA_OUTBOX_BACKOFF_CAP_SECONDS", default=6 * 3600.0)
# The sweeper (beat, every 30 s) hands over again a message never handed to the broker after the grace, and one
# handed over but still pending after the stale window (task lost by Redis, worker killed): recovery in ~2 min.
RMA_OUTBOX_SWEEP_GRACE_SECONDS = env.int("RMA_OUTBOX_SWEEP_GRACE_SECONDS", default=30)
RMA_OUTBOX_STALE_SECONDS = env.int("RMA_OUTBOX_STALE_SECONDS", default=120)
RMA_WEBHOOK_TIMEOUT_SECONDS = env.float("RMA_WEBHOOK_TIMEOUT_SECONDS", default=10.0)
# Signs webhooks that name no other secret (those to the shop).
RMA_WEBHOOK_SECRET = env("RMA_WEBHOOK_SECRET", default="")
RMA_EXPECTED_TRANSIT_DAYS = 3
# The label worker makes up to this many labels in one task and one transaction (rma.shipping.services.label_batches);
# 1: each label in its own task.
RMA_LABEL_BATCH_SIZE = env.int("RMA_LABEL_BATCH_SIZE", default=20)
# Carrier tracking: how many labels the half-hourly poll asks their carrier about, at most (least recently first).
RMA_TRACKING_POLL_BATCH = env.int("RMA_TRACKING_POLL_BATCH", default=500)
EMAIL_TIMEOUT = env.int("DJANGO_EMAIL_TIMEOUT", default=30)

# ---- WAREHOUSE
# A return in transit longer than this is flagged late on the warehouse board.
RMA_WAREHOUSE_LATE_AFTER_DAYS = env.int("RMA_WAREHOUSE_LATE_AFTER_DAYS", default=7)
# How close to the legal refund deadline (14 days after the parcel arrives) the board starts warning.
RMA_WAREHOUSE_REFUND_WARNING_DAYS = env.int("RMA_WAREHOUSE_REFUND_WARNING_DAYS", default=3)
# A shipment dispatched longer ago than this is flagged late on the warehouse board.
RMA_WAREHOUSE_SHIPMENT_LATE_AFTER_DAYS = env.int("RMA_WAREHOUSE_SHIPMENT_LATE_AFTER_DAYS", default=3)
# The board shows this many of the most urgent rows per list (each list has its own pages), and counts its
# headings over at most this many rows ("1,000+" past it): the board costs the same however much is in flight.
RMA_WAREHOUSE_BOARD_ROWS = env.int("RMA_WAREHOUSE_BOARD_ROWS", default=25)
RMA_WAREHOUSE_BOARD_COUNT_LIMIT = env.int("RMA_WAREHOUSE_BOARD_COUNT_LIMIT", default=500)
RMA_WAREHOUSE_LIST_ROWS = env.int("RMA_WAREHOUSE_LIST_ROWS", default=100)  # rows per page of a whole list
