"""Django settings. SQLite by default; PostgreSQL (production) through DATABASE_URL."""

from __future__ import annotations

import contextlib
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext

from arrears.domain.outbox_attempts import MAX_ATTEMPTS  # no Polars: settings load light

django_stubs_ext.monkeypatch()  # lets admin classes be typed (ModelAdmin[Model]) at run time

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(os.environ.get("ARREARS_DATA_DIR", BASE_DIR / "var"))

# No secret lives in the repo: production sets ARREARS_SECRET_KEY; development gets a key
# generated once into the (git-ignored) data directory.
SECRET_KEY = os.environ.get("ARREARS_SECRET_KEY", "")
if not SECRET_KEY:
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        import secrets

        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
    SECRET_KEY = key_file.read_text().strip()

DEBUG = os.environ.get("ARREARS_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("ARREARS_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")

INSTALLED_APPS = [
    "arrears.web.admin.ArrearsAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",  # sign-in failures and lockouts (below)
    "django_htmx",
    "js_lib_htmx",  # htmx's own files, served by the project (no CDN)
    "arrears.apps.common",
    "arrears.apps.accounts",
    "arrears.apps.ledger",
    "arrears.apps.cases",
    "arrears.apps.reports",
    "arrears.apps.negotiation",
    "arrears.apps.communications",
    "arrears.apps.clearing",
    "django_tasks",
    "django_tasks_db",
]

# The outbox's worker (issue #14): Django's tasks framework with its database backend, so no
# broker: `arrears outbox send` drives it once in the foreground, `arrears db_worker` runs it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Email (the outbox's emails): SMTP in production, every setting from the environment, no
# secret in the repository.
EMAIL_BACKEND = os.environ.get(
    "ARREARS_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("ARREARS_SMTP_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("ARREARS_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("ARREARS_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ARREARS_SMTP_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("ARREARS_SMTP_TLS", "0") == "1"
EMAIL_USE_SSL = os.environ.get("ARREARS_SMTP_SSL", "0") == "1"
EMAIL_TIMEOUT = int(os.environ.get("ARREARS_SMTP_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("ARREARS_FROM_EMAIL", "arrears@localhost")
# A password reset link works once, for an hour (the desk's people reset from their desk).
PASSWORD_RESET_TIMEOUT = int(os.environ.get("ARREARS_PASSWORD_RESET_SECONDS", "3600"))
EMAIL_FILE_PATH = os.environ.get("ARREARS_EMAIL_FILE_PATH", str(DATA_DIR / "mail"))
# The outbox: attempts before a message fails, the first backoff (seconds, doubling), and how
# long a message may stay "sending" before a worker takes it for a crashed send (uncertain).
# The imports page imports a file of at least this many rows in the background (the task
# worker, `arrears db_worker`), the page showing how far it has come; smaller files at once.
ARREARS_IMPORT_BACKGROUND_ROWS = int(os.environ.get("ARREARS_IMPORT_BACKGROUND_ROWS", "20000"))
ARREARS_OUTBOX_ATTEMPTS = int(os.environ.get("ARREARS_OUTBOX_ATTEMPTS", str(MAX_ATTEMPTS)))
ARREARS_OUTBOX_BACKOFF_SECONDS = int(os.environ.get("ARREARS_OUTBOX_BACKOFF_SECONDS", "60"))
ARREARS_OUTBOX_LEASE_SECONDS = int(os.environ.get("ARREARS_OUTBOX_LEASE_SECONDS", "300"))
# How many emails a worker claims, sends over one SMTP connection and marks at a time: what
# rendering needs is read once per batch. A worker killed mid-batch leaves at most this many
# messages uncertain for a person to settle.
ARREARS_OUTBOX_BATCH = int(os.environ.get("ARREARS_OUTBOX_BATCH", "50"))
# Limitation (rule 12): how many days before a claim becomes time-barred the run asks legal to
# act, for a company whose credit manager set none (`arrears limitation set`).
ARREARS_LIMITATION_LEAD_DAYS = int(os.environ.get("ARREARS_LIMITATION_LEAD_DAYS", "90"))
# Tests only: a worker pauses this many seconds after the SMTP send, before marking it sent
# (the crash test kills it there). Zero in production.
ARREARS_OUTBOX_PAUSE_AFTER_SEND = float(os.environ.get("ARREARS_OUTBOX_PAUSE_AFTER_SEND", "0"))

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # the desk's CSS and htmx, under any server
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "arrears.web.middleware.AccessReadOnce",  # a page read asks the database who may once
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out sign-in into its page
]

ROOT_URLCONF = "arrears.web.urls"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"  # the home page, which sends a person to their worklist
LOGOUT_REDIRECT_URL = "/accounts/login/"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "arrears" / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "arrears.web.context.desk",
                "arrears.web.views.approvals.approvals_count",
            ],
            "builtins": ["arrears.web.filters", "arrears.web.phone_tags"],
        },
    }
]
WSGI_APPLICATION = "arrears.web.wsgi.application"

_default_sqlite = f"sqlite:///{DATA_DIR / 'arrears.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_sqlite))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work during a run; IMMEDIATE makes writers queue instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;"  # 256 MB page cache, at most
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("ARREARS_TEST_SQLITE")
else:
    # Each web worker keeps its connection between requests (seconds; 0 closes it after each):
    # a new PostgreSQL connection per page costs a server process, authentication and a cold
    # catalog cache, more than a desk page's own SQL. Checked before reuse after an error.
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("ARREARS_DB_CONN_MAX_AGE", "600"))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("ARREARS_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "arrears" / "web" / "static"]
# Served from the apps' folders as they are (no `collectstatic` step before `arrears runserver`
# or a WSGI server); WhiteNoise serves them with or without DEBUG.
WHITENOISE_USE_FINDERS = True
# WhiteNoise reads the folder `collectstatic` fills, and warns when there is none; a read-only
# data folder is served from the apps' folders alone.
with contextlib.suppress(OSError):
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# Signing in: Django's password hashing (PBKDF2-SHA256 by default), sessions that end with the
# working day, cookies never sent over plain HTTP outside development (ARREARS_DEBUG=1), or
# when ARREARS_SECURE_COOKIES=0 says so (a desk tried on a laptop without TLS).
_secure = os.environ.get("ARREARS_SECURE_COOKIES", "0" if DEBUG else "1") == "1"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _secure
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 60 * 60
CSRF_COOKIE_HTTPONLY = True  # the pages hand htmx the token themselves (base.html)
X_FRAME_OPTIONS = "DENY"

# Lockout (django-axes): five failed sign-ins for one username from one address lock that
# pair out for 15 minutes; a successful sign-in clears the count, and so does an
# administrator setting a new password (`arrears people password`).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
