"""Settings from the environment, with an embedded default for every value.

Nothing set: SQLite file, in-memory channel layer, in-process scheduler (`make run`).
DATABASE_URL / REDIS_URL set: PostgreSQL (+TimescaleDB when present) and Redis (docker compose).
MARKETAGG_PROFILE=production refuses to start without a real SECRET_KEY.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

PROFILE = env.str("MARKETAGG_PROFILE", default="embedded")
DEBUG = env.bool("DJANGO_DEBUG", default=PROFILE != "production")
_DEV_SECRET = "embedded-default-not-secret"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=_DEV_SECRET)
if PROFILE == "production" and SECRET_KEY == _DEV_SECRET:
    raise environ.ImproperlyConfigured("MARKETAGG_PROFILE=production needs DJANGO_SECRET_KEY")
# Also the WebSocket origins accepted (asgi.py): a page served from elsewhere cannot open them.
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# --- security ---------------------------------------------------------------------------------
# The production profile is HTTPS behind a proxy (`manage.py check --deploy` passes); each switch
# can be turned off from the environment for a plain-HTTP trial. /healthz and /metrics stay on HTTP
# for probes inside the network.
_SECURE = PROFILE == "production"
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=_SECURE)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _SECURE else None
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=_SECURE)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=_SECURE)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000 if _SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=_SECURE)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=_SECURE)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
LOGIN_URL = "admin:login"

VAR_DIR = Path(env.str("MARKETAGG_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "exchanges",
    "books",
    "analytics",
    "django_celery_beat",
]

MIDDLEWARE = [
    "marketagg.webmetrics.RequestLatencyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "marketagg.urls"
ASGI_APPLICATION = "marketagg.asgi.application"
WSGI_APPLICATION = None

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

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'marketagg.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web side read while the feed process writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    # A transaction takes the write lock when it starts: one that read first (the admin's save)
    # cannot take it later once the feed process has written, and fails at once ("database is
    # locked") instead of waiting out the timeout.
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
REDIS_SOCKET_TIMEOUT = 10.0  # seconds; more than channels_redis' 5 s blocking receive
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # channels_redis waits up to 5 s on Redis for each receive; redis-py's default socket
            # timeout is also 5 s, so an idle receive (the feed's control channel) raced it and
            # failed with "Timeout reading from Redis". Reads get 10 s.
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": REDIS_SOCKET_TIMEOUT}],
                "capacity": 1000,
                "expiry": 10,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
# Periodic jobs: Celery beat in production, marketagg.scheduler inside `serve` (same task functions).
CELERY_BEAT_SCHEDULE = {
    "books-storage-maintenance": {"task": "books.storage_maintenance", "schedule": 600.0},
    "books-trade-minutes-roll-up": {"task": "books.trade_minutes_roll_up", "schedule": 30.0},
    "analytics-metric-bars-roll-up": {"task": "analytics.metric_bars_roll_up", "schedule": 30.0},
    "analytics-metric-bars-prune": {"task": "analytics.metric_bars_prune", "schedule": 600.0},
}
# Beat keeps its schedule in the database (django-celery-beat): editable in the admin. The
# entries above are its defaults, added where missing, never over an admin's edit.
CELERY_BEAT_SCHEDULER = "marketagg.beat:SeedingDatabaseScheduler"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

# --- marketagg ---------------------------------------------------------------
# Every knob of the feed process, overridable from the environment.
MARKETAGG = {
    # Instrument lists and snapshots come from here; the simulator replaces them with local URLs.
    "SIMULATOR_PORT": env.int("MARKETAGG_SIMULATOR_PORT", default=8765),
    "SNAPSHOT_INTERVAL": env.float("MARKETAGG_SNAPSHOT_INTERVAL", default=1.0),
    "STATUS_LOG_INTERVAL": env.float("MARKETAGG_STATUS_LOG_INTERVAL", default=10.0),
    "BACKOFF_CAP": env.float("MARKETAGG_BACKOFF_CAP", default=60.0),
    "BACKOFF_BASE": env.float("MARKETAGG_BACKOFF_BASE", default=0.5),
    "HEALTHY_RESET": env.float("MARKETAGG_HEALTHY_RESET", default=60.0),
    "MAX_STREAMS_PER_CONNECTION": env.int("MARKETAGG_MAX_STREAMS_PER_CONNECTION", default=200),
    "CONNECTION_MAX_AGE": env.float("MARKETAGG_CONNECTION_MAX_AGE", default=23.5 * 3600),
    "QUARANTINE_SIZE": env.int("MARKETAGG_QUARANTINE_SIZE", default=1000),
    "WRITER_QUEUE_SIZE": env.int("MARKETAGG_WRITER_QUEUE_SIZE", default=50_000),
    "WRITER_BATCH_SIZE": env.int("MARKETAGG_WRITER_BATCH_SIZE", default=5000),
    "WRITER_SPILL_DIR": env.str("MARKETAGG_WRITER_SPILL_DIR", default=str(VAR_DIR / "spill")),
    "STORE_TICKS": env.bool("MARKETAGG_STORE_TICKS", default=True),
    # auto: TimescaleDB when the extension exists, else pg_partman, else plain tables.
    "STORAGE_BACKEND": env.str("MARKETAGG_STORAGE_BACKEND", default="auto"),
    "RETENTION_DAYS": env.int("MARKETAGG_RETENTION_DAYS", default=30),
    "COMPRESS_AFTER_HOURS": env.int("MARKETAGG_COMPRESS_AFTER_HOURS", default=24),
    "FEEDS_METRICS_PORT": env.int("MARKETAGG_FEEDS_METRICS_PORT", default=0),
    # "i/n": runfeeds holds the i-th of n shares of the pairs (blank: every pair). See exchanges/sharding.py.
    "FEED_SHARD": env.str("MARKETAGG_FEED_SHARD", default=""),
    "CONTROL_CHANNEL": "marketagg.feeds.control",
    "STATUS_GROUP": "marketagg.status",
    # Web: the live pages (and their WebSockets and the data API) need a login when true.
    "PAGES_REQUIRE_LOGIN": env.bool("MARKETAGG_PAGES_REQUIRE_LOGIN", default=False),
    # Most book messages a browser gets per second (newer updates replace unsent ones).
    "WS_MAX_HZ": env.int("MARKETAGG_WS_MAX_HZ", default=10),
    # Consolidated books: most live publications per pair per second, levels a side pushed.
    "PUBLISH_HZ": env.float("MARKETAGG_PUBLISH_HZ", default=10.0),
    "PUBLISH_DEPTH": env.int("MARKETAGG_PUBLISH_DEPTH", default=200),
    # Live metrics: most computations per pair per second (a guard: the publisher paces them at
    # PUBLISH_HZ); 1 s metric bars stored by the feed process.
    "METRICS_HZ": env.float("MARKETAGG_METRICS_HZ", default=20.0),
    # Seconds between re-reads of the metric configs by the feed process (admin changes; 0: never).
    "METRICS_RELOAD": env.float("MARKETAGG_METRICS_RELOAD", default=10.0),
    "STORE_METRIC_BARS": env.bool("MARKETAGG_STORE_METRIC_BARS", default=True),
    "METRIC_BAR_RETENTION_DAYS": env.int("MARKETAGG_METRIC_BAR_RETENTION_DAYS", default=30),
}

LOG_LEVEL = env.str("MARKETAGG_LOG_LEVEL", default="INFO")
LOG_JSON = env.bool("MARKETAGG_LOG_JSON", default=PROFILE == "production")
from marketagg.logging import build_logging  # noqa: E402

LOGGING = build_logging(level=LOG_LEVEL, json=LOG_JSON)
