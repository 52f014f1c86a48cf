"""Django settings for xinan.

Everything an operator changes comes from the environment:

- ``XINAN_DATA_DIR``: where the SQLite database, key files and uploads live (default ``./data``).
- ``DATABASE_URL``: any URL ``dj-database-url`` understands; default a SQLite file in the data
  directory, opened in WAL mode.
- ``XINAN_SECRET_KEY``: Django's secret; default a random key kept in ``DATA_DIR/secret.key``.
- ``XINAN_AUDIT_KEY_FILE``: the key for audit digests and checkpoint signatures, outside the
  database (default ``DATA_DIR/keys/audit.key``).
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("XINAN_DATA_DIR", Path.cwd() / "data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if os.environ.get("XINAN_SECRET_KEY"):
        return os.environ["XINAN_SECRET_KEY"]
    path = DATA_DIR / "secret.key"
    if not path.exists():
        try:  # created 0600 from the start, and only once if two processes race
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("XINAN_DEBUG", "") == "1"
ALLOWED_HOSTS = os.environ.get("XINAN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "xinan.core",
    "xinan.audit",
    "xinan.org",
    "xinan.identity",
    "xinan.policy",
    "xinan.assets",
    "xinan.obligations",
    "xinan.network",
    "xinan.workflows",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "xinan.core.middleware.RequestIdMiddleware",
    "xinan.core.versions.RequestTokensMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "xinan.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "xinan.identity.middleware.SessionSecurityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "xinan.urls"
WSGI_APPLICATION = "xinan.wsgi.application"

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
                "django.template.context_processors.i18n",
                "xinan.core.context_processors.navigation",
            ],
        },
    }
]

_default_db = f"sqlite:///{DATA_DIR / 'xinan.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so two
    # writers queue instead of failing with "database is locked" half-way through a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    # Persistent: a connection per request made SQLite re-read the schema and, as the last
    # connection closed, checkpoint and delete the WAL after every page view.
    DATABASES["default"]["CONN_MAX_AGE"] = 600
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("XINAN_TEST_SQLITE", "")} if os.environ.get("XINAN_TEST_SQLITE") else {}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and os.environ.get("XINAN_PG_PREPARED", "1") != "0":
    # Parameters bound by the server, and a statement run five times on a connection prepared:
    # list pages run the same few statements with other values, and composing each in Python and
    # parsing and planning it anew on the server cost a fifth of a page (docs/performance.md).
    # Behind a pooler in transaction mode without prepared statements (PgBouncer before 1.21),
    # set XINAN_PG_PREPARED=0.
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "identity.User"
AUTHENTICATION_BACKENDS = ["xinan.identity.backends.RoleBackend"]
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "core:dashboard"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
# Rules that depend on the person and their roles live in xinan.identity.passwords and read the
# editable security parameters; Django's validator list stays empty so there is one source.
AUTH_PASSWORD_VALIDATORS = []

SESSION_ENGINE = "xinan.identity.sessions"  # database sessions, kept per data version
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("XINAN_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"

AUDIT_KEY_FILE = Path(os.environ.get("XINAN_AUDIT_KEY_FILE", DATA_DIR / "keys" / "audit.key"))

# Upper bounds on what an upload may hold, so a hostile workbook cannot exhaust the machine.
IMPORT_MAX_BYTES = 50 * 1024 * 1024
IMPORT_MAX_CELL_CHARS = 2000
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("XINAN_LOG_LEVEL", "WARNING")},
}
