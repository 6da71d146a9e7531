"""Django settings. SQLite by default; PostgreSQL (production) through DATABASE_URL."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext

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
EMAIL_FILE_PATH = os.environ.get("ARREARS_EMAIL_FILE_PATH", str(DATA_DIR / "mail"))
# The outbox: attempts before a message fails, the first backoff (seconds, doubling), and how
# long a message may stay "sending" before a worker takes it for a crashed send (uncertain).
ARREARS_OUTBOX_ATTEMPTS = int(os.environ.get("ARREARS_OUTBOX_ATTEMPTS", "5"))
ARREARS_OUTBOX_BACKOFF_SECONDS = int(os.environ.get("ARREARS_OUTBOX_BACKOFF_SECONDS", "60"))
ARREARS_OUTBOX_LEASE_SECONDS = int(os.environ.get("ARREARS_OUTBOX_LEASE_SECONDS", "300"))
# Tests only: a worker pauses this many seconds after the SMTP send, before marking it sent
# (the crash test kills it there). Zero in production.
ARREARS_OUTBOX_PAUSE_AFTER_SEND = float(os.environ.get("ARREARS_OUTBOX_PAUSE_AFTER_SEND", "0"))

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "arrears.web.urls"
LOGIN_URL = "/accounts/login/"
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
            ]
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

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
