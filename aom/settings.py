"""Settings for AOM, read from environment variables.

Defaults are production-safe: DEBUG is off unless DEBUG=1, and then the app refuses to start
without a strong SECRET_KEY and a well-formed AOM_FIELD_KEY (the key that encrypts vending keys at
rest). `make run` and the tests set DEBUG=1: SQLite in the repository and development keys.
Production sets at least SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and AOM_FIELD_KEY. See README.md.
"""

import os
import warnings
from datetime import timedelta
from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).strip().lower() in ("1", "true", "yes", "on")


# Production-safe by default: DEBUG only when asked for (`make run` and the tests ask for it).
DEBUG = envbool("DEBUG", "0")

_DEV_SECRET_KEY = "dev-only-secret-key-not-for-production"  # noqa: S105 (DEBUG only)
# The example values of deploy/aom.env.example: copied unchanged they are no secret at all.
_EXAMPLE_SECRET_KEYS = {"change-me-to-a-long-random-string", _DEV_SECRET_KEY}


def secret_key_problem(value: str) -> str | None:
    """Why `value` is not a strong SECRET_KEY (Django's own deploy-check rule), or None."""
    if not value:
        return "SECRET_KEY must be set when DEBUG is off."
    if value in _EXAMPLE_SECRET_KEYS or value.startswith("django-insecure-"):
        return "SECRET_KEY is an example value; set a long random one when DEBUG is off."
    if len(value) < 50 or len(set(value)) < 5:
        return "SECRET_KEY is too weak when DEBUG is off: use at least 50 random characters."
    return None


def field_key_problem(value: str) -> str | None:
    """Why `value` is not a usable AOM_FIELD_KEY (64 hex digits), or None. Never repeats it."""
    if len(value) != 64 or any(c not in "0123456789abcdefABCDEF" for c in value):
        return "AOM_FIELD_KEY must be 64 hex digits (32 bytes), e.g. from: python3 -c 'import secrets; print(secrets.token_hex(32))'."
    return None


SECRET_KEY = os.getenv("SECRET_KEY", "")
if not DEBUG and (problem := secret_key_problem(SECRET_KEY)):
    raise ImproperlyConfigured(problem)
SECRET_KEY = SECRET_KEY or _DEV_SECRET_KEY

ALLOWED_HOSTS = [h.strip() for h in os.getenv("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.getenv("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

# AES-256-GCM key (64 hex digits) that encrypts the entities' vending keys in the database.
# Losing it makes the stored vending keys unreadable; keep it out of the database backups.
# Its format is checked here, at start, so a malformed key stops the app instead of every recharge.
_DEV_FIELD_KEY = "00" * 32
AOM_FIELD_KEY = os.getenv("AOM_FIELD_KEY", "").strip()
if not AOM_FIELD_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("AOM_FIELD_KEY must be set when DEBUG is off (64 hex digits).")
    AOM_FIELD_KEY = _DEV_FIELD_KEY
    warnings.warn(
        "AOM_FIELD_KEY is not set: vending keys are encrypted with a development key.",
        RuntimeWarning,
        stacklevel=1,
    )
elif problem := field_key_problem(AOM_FIELD_KEY):
    raise ImproperlyConfigured(problem)
elif not DEBUG and AOM_FIELD_KEY == _DEV_FIELD_KEY:
    raise ImproperlyConfigured("AOM_FIELD_KEY is the development key (all zeros); set a random one when DEBUG is off.")
AOM_FIELD_KEY_IS_DEV = AOM_FIELD_KEY == _DEV_FIELD_KEY

INSTALLED_APPS = [
    "aom",
    "licensing",
    "customers",
    "billing",
    "tokens",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "aom.middleware.PageGZipMiddleware",  # pages and JSON only; see its docstring for BREACH
    "django.contrib.sessions.middleware.SessionMiddleware",
    "aom.middleware.SessionIdleMiddleware",
    "aom.middleware.ChosenLanguageMiddleware",
    "aom.middleware.refuse_nul_characters",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "aom.middleware.PasswordChangeRequiredMiddleware",
    # Last: turns a login refused for too many failures into the lockout page (aom.logins).
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy on every page: scripts only from our own static files, never inline
# (no <script> body, no on* attribute). Styles may stay inline: the receipts and PDF reports are
# self-contained pages (WeasyPrint reads their <style>), and a style cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "aom.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "aom.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.getenv("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several cashiers may write at once: wait for the lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "aom.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed logins (django-axes): after AOM_LOGIN_FAILURE_LIMIT failures within the cool-off, the
# account and the address are each refused until AOM_LOGIN_COOLOFF_MINUTES have passed since the
# last failure. An administrator unlocks a biller; the operator unlocks anyone (see aom.logins).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.getenv("AOM_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=max(1, int(os.getenv("AOM_LOGIN_COOLOFF_MINUTES", "15"))))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_FORM_FIELD = "username"  # the login form's field (it holds the e-mail)
AXES_USERNAME_CALLABLE = "aom.logins.typed_username"
AXES_LOCKOUT_CALLABLE = "aom.logins.lockout_response"
# Not True: a login would clear every failure from its address, other accounts' included.
AXES_RESET_ON_SUCCESS = False
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in the audit trail
AXES_ENABLE_ADMIN = False  # aom.admin registers the attempts with auditing of unlocks
AXES_VERBOSE = False
# How many reverse proxies stand between the clients and the app: behind them the client's address
# is read from X-Forwarded-For (aom.audit.client_ip), for the audit trail and the address locks.
# Production runs behind nginx (deploy/nginx.conf); the development server is reached directly.
AOM_PROXY_COUNT = int(os.getenv("AOM_PROXY_COUNT", "0" if DEBUG else "1"))
AXES_CLIENT_IP_CALLABLE = "aom.audit.client_ip"

# Sessions end after this idle time: each request pushes the expiry forward (aom.middleware).
SESSION_COOKIE_AGE = int(float(os.getenv("SESSION_IDLE_HOURS", "8")) * 3600)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "es-co"
LANGUAGES = [("es-co", _("Spanish (Colombia)")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Bogota"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static", ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR)]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", BASE_DIR / "media"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

if not DEBUG:
    SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "1")
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Served over HTTPS unless SECURE_COOKIES=0 says the site is plain HTTP (a bench on 127.0.0.1).
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "1" if SESSION_COOKIE_SECURE else "0")
    # HSTS is sent by the reverse proxy (deploy/nginx.conf), for the files it serves itself too.
    SILENCED_SYSTEM_CHECKS = ["security.W004"]

# Error pages and error reports hide the variables marked with sensitive_variables (vending and
# decoder keys) even with DEBUG on: Django's own filter does so only with DEBUG off.
DEFAULT_EXCEPTION_REPORTER_FILTER = "aom.errors.AlwaysSafeExceptionReporterFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    # WeasyPrint logs a line per page laid out; keep only its warnings.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
