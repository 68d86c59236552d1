"""Django settings: every knob from the environment, with safe defaults for the demo.

See docs/configuration.md for each variable.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url

from mailtrixy.config import data_dir, env_bool, env_int, env_list, env_networks, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()


def _persisted_secret(filename: str) -> str:
    """A random secret generated once and kept in the data directory (demo only)."""
    path = DATA_DIR / filename
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def _persisted_fernet_key(filename: str) -> str:
    """A Fernet key generated once and kept in the data directory (demo only)."""
    path = DATA_DIR / filename
    if not path.exists():
        path.write_text(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env_str("SECRET_KEY", "") or _persisted_secret("secret-key")
# Keys that encrypt integration secrets at rest, newest first (see integrations/crypto.py).
MAILTRIXY_ENCRYPTION_KEYS = env_list("MAILTRIXY_ENCRYPTION_KEYS", []) or [
    _persisted_fernet_key("encryption-key")
]
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
BASE_URL = env_str("MAILTRIXY_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [BASE_URL])
SECURE_COOKIES = BASE_URL.startswith("https://")
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "huey.contrib.djhuey",
    "mailtrixy",
    "mailtrixy.accounts",
    "mailtrixy.inbox",
    "mailtrixy.integrations",
    "mailtrixy.integrations.salesforce",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "mailtrixy.accounts.middleware.WorkspaceMiddleware",
    "mailtrixy.observability.middleware.LogContextMiddleware",
]

ROOT_URLCONF = "mailtrixy.urls"
WSGI_APPLICATION = "mailtrixy.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mailtrixy.accounts.context.workspace",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'mailtrixy.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several threads (web, in-process worker) share the file: wait for locks instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
    # Tests use a file too (not :memory:), so threads and processes lock it as in production.
    # One per test process, so that concurrent test runs never share a file.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-mailtrixy-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "mailtrixy"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "mailtrixy_cache",
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "mailtrixy"),
            # Django's default of 300 entries would evict cards long before their 5 minutes
            # once a team views more than a few hundred conversations.
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 50_000)},
        }
    }

# Shared metric counters (mailtrixy/metrics.py): Redis when there is one, else this process only.
CACHES["metrics"] = (
    {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "mailtrixy"),
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "metrics"}
)
# Who may read /metrics (health.py): direct requests from these addresses, or the bearer token.
METRICS_ALLOWED_IPS = env_networks("METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"])
METRICS_TOKEN = env_str("METRICS_TOKEN", "")

# Jobs: see mailtrixy/jobs.py. JOBS_URL picks the queue: sqlite:///path (default),
# redis://host:port/db, or postgresql://... (PostgresHuey, see mailtrixy/postgres_queue.py).
# Under pytest each test process gets its own queue file, as it gets its own test database.
_UNDER_PYTEST = bool(os.environ.get("PYTEST_VERSION"))
_JOBS_FILE = f"jobs-test-{os.getpid()}.sqlite3" if _UNDER_PYTEST else "jobs.sqlite3"
JOBS_URL = env_str("JOBS_URL", f"sqlite:///{DATA_DIR / _JOBS_FILE}")
JOBS_IN_PROCESS = env_bool("JOBS_IN_PROCESS", False)
JOBS_WORKERS = env_int("JOBS_WORKERS", 2)
JOBS_QUEUE_NAME = env_str("JOBS_QUEUE_NAME", "mailtrixy")
HUEY = {
    "name": JOBS_QUEUE_NAME,
    "immediate": False,
    "utc": True,
    "consumer": {"workers": JOBS_WORKERS, "worker_type": "thread"},
}
if JOBS_URL.startswith("sqlite:///"):
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": JOBS_URL.removeprefix("sqlite:///")})
elif JOBS_URL.startswith(("redis://", "rediss://")):
    HUEY.update({"huey_class": "huey.RedisHuey", "url": JOBS_URL})
elif JOBS_URL.startswith(("postgres://", "postgresql://")):
    HUEY.update({"huey_class": "mailtrixy.postgres_queue.PostgresQueue", "dsn": JOBS_URL})
else:
    raise ValueError(
        f"JOBS_URL must start with sqlite:///, redis:// or postgresql://, not {JOBS_URL!r}."
    )

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "inbox:conversations"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Integrations that plug into the inbox, in no particular order: each states its own card order.
MAILTRIXY_INTEGRATIONS: list[str] = env_list(
    "MAILTRIXY_INTEGRATIONS", ["mailtrixy.integrations.salesforce.provider.SalesforceProvider"]
)

# Salesforce (see docs/salesforce-admin.md).
SALESFORCE_API_VERSION = env_str("SALESFORCE_API_VERSION", "62.0")
SALESFORCE_TIMEOUT = float(env_str("SALESFORCE_TIMEOUT", "20"))
SALESFORCE_RETRIES = env_int("SALESFORCE_RETRIES", 2)
SALESFORCE_CA_BUNDLE = env_str("SALESFORCE_CA_BUNDLE", "")
SALESFORCE_EMULATOR_URL = env_str("SALESFORCE_EMULATOR_URL", "").rstrip("/")
SALESFORCE_CARD_TTL = env_int("SALESFORCE_CARD_TTL", 300)
SALESFORCE_CARD_TIMEOUT = float(env_str("SALESFORCE_CARD_TIMEOUT", "4"))
SALESFORCE_SYNC_INTERVAL = env_int("SALESFORCE_SYNC_INTERVAL", 300)
SALESFORCE_SYNC_LEASE_SECONDS = env_int("SALESFORCE_SYNC_LEASE_SECONDS", 120)
SALESFORCE_FULL_RECONCILE_DAYS = env_int("SALESFORCE_FULL_RECONCILE_DAYS", 7)
# Who may disconnect Salesforce: workspace admins always; every member too when this is true.
SALESFORCE_MEMBERS_MAY_DISCONNECT = env_bool("SALESFORCE_MEMBERS_MAY_DISCONNECT", False)

LOG_FORMAT = env_str("LOG_FORMAT", "json")
if LOG_FORMAT not in {"json", "plain"}:
    raise ValueError(f"LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "context": {"()": "mailtrixy.observability.logs.ContextFilter"},
        "redact": {"()": "mailtrixy.observability.logs.RedactingFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "mailtrixy.observability.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # httpx logs every URL at INFO; URLs can carry OAuth codes, so keep it quiet.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
}
