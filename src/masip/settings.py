"""One settings module, configured from the environment.

Helpers fail loudly on a malformed value rather than guessing. `settings_test`
imports this and only swaps what makes the suite fast.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
DATA_DIR = Path(os.environ.get("MASIP_DATA_DIR", PROJECT_DIR / "data"))


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


# MASIP_DEMO marks a machine running synthetic demo data only (make demo, tests).
DEMO_MODE = env_bool("MASIP_DEMO", False)
DEBUG = env_bool("DJANGO_DEBUG", False)

# Without DJANGO_SECRET_KEY the app runs on a fixed key fit only for synthetic
# data; the deploy check (masip.core.checks) refuses it for production.
INSECURE_DEMO_SECRET_KEY = "insecure-demo-key-for-synthetic-data-only-0f3a9c1d7e5b"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or INSECURE_DEMO_SECRET_KEY

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "masip.core.admin_apps.MasipAdminConfig",  # django.contrib.admin with a scoped, recorded site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "masip.core",
    "masip.audit",
    "masip.access",
    "masip.accounts",
    "masip.partnerships",
    "masip.people",
    "masip.referrals",
    "masip.cases",
    "masip.sharing",
    "masip.justice",
    "masip.interventions",
    "masip.victims",
    "masip.monitoring",
    "masip.meetings",
    "masip.actions",
    "masip.plans",
    "masip.assessments",
    "masip.documents",
    "masip.evaluation",
    "masip.api",
    "masip.reporting",
    "masip.demo",
    "masip.workspace",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Strict mode only: a response showing a stored person's data must have logged who looked.
    "masip.people.checks.PersonalDataLoggedMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "masip.core.middleware.SecurityHeadersMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "masip.accounts.twofactor.TwoFactorRequiredMiddleware",
    # Last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Axes' backend: refuses locked accounts before the password is checked (and lifts ended cool-offs).
    "masip.accounts.lockout.CoolOffAxesBackend",
    "masip.accounts.backends.UserWithAgencyBackend",  # Django's ModelBackend, the agency loaded with the user
]

ROOT_URLCONF = "masip.urls"
WSGI_APPLICATION = "masip.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "accounts:login"

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
                "masip.workspace.context_processors.service",
            ],
        },
    },
]

# The folder is created when Django starts (masip.core.apps), not when settings are read.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'masip.sqlite3'}",
        # Each worker keeps its connection for a minute of requests instead of opening one per
        # request (about 8 ms on PostgreSQL); a broken one is noticed and replaced.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo server read while a seed or a benchmark writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    # NCSC guidance: length over complexity, and refuse common/breached passwords.
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "d/m/Y"

STATIC_URL = "/static/"
STATIC_ROOT = PROJECT_DIR / "staticfiles"
# GOV.UK Frontend, copied in from npm by `make assets` (see the Makefile).
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    # Documents and evidence (masip.documents): a folder outside every URL the site serves, read only
    # through the access-checked, logged download view. docs/operations.md says how to use S3 instead.
    "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": DATA_DIR / "documents",
            "base_url": None,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
}
# Largest document that may be uploaded, in bytes; clamd's UNIX socket to scan uploads (none: not scanned).
MASIP_UPLOAD_MAX_BYTES = int(os.environ.get("MASIP_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
MASIP_CLAMD_SOCKET = os.environ.get("MASIP_CLAMD_SOCKET", "")
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "masip.reporting.staticfinders.PlotlyFinder",  # plotly.js from the installed package (no CDN)
]
# Serve straight from the app folders when collectstatic has not run (demo).
WHITENOISE_USE_FINDERS = True
if not (STATIC_ROOT / "staticfiles.json").exists():
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# Idle timeout: the session lasts this long after the last request (each
# request renews it); pages warn two minutes before (masip/app.js).
SESSION_COOKIE_AGE = env_int("MASIP_SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Production: everything over HTTPS. The demo (MASIP_DEMO) runs on plain http://127.0.0.1.
PRODUCTION = not (DEBUG or DEMO_MODE)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a load balancer's probe over plain HTTP on the private side
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Lockout after repeated failed sign-ins, per username. A lockout ends by itself
# after a cool-off that doubles with each lockout in a row (accounts/lockout.py
# keeps it: AXES_COOLOFF_TIME stays None so axes does not expire attempts itself);
# a unit manager can unlock sooner.
AXES_FAILURE_LIMIT = env_int("MASIP_LOCKOUT_AFTER", 5)
MASIP_LOCKOUT_COOLOFF_MINUTES = env_int("MASIP_LOCKOUT_COOLOFF_MINUTES", 15)
MASIP_LOCKOUT_COOLOFF_MAX_MINUTES = env_int("MASIP_LOCKOUT_COOLOFF_MAX_MINUTES", 24 * 60)
if not 1 <= MASIP_LOCKOUT_COOLOFF_MINUTES <= MASIP_LOCKOUT_COOLOFF_MAX_MINUTES:
    raise ImproperlyConfigured(
        "MASIP_LOCKOUT_COOLOFF_MINUTES must be at least 1 and at most MASIP_LOCKOUT_COOLOFF_MAX_MINUTES"
    )
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_COOLOFF_TIME = None
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "masip.accounts.lockout.lockout_response"
AXES_VERBOSE = False
# axes.W006 suggests locking per username *and* IP address; that would let a
# guesser who changes address carry on. Locking the account itself is the point.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

OTP_TOTP_ISSUER = "MASIP stalking case system"

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "stalking-unit@masip.invalid")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MASIP_LOG_LEVEL", "WARNING")},
}

# The programme's definition of a stalking episode ends after six months with
# no contact; research varies, so it is a setting (docs/domain.md, "Episode gap").
MASIP_EPISODE_GAP_DAYS = env_int("MASIP_EPISODE_GAP_DAYS", 182)

# The evaluation's pseudonymisation key (HMAC-SHA-256, masip.evaluation.pseudonymise), held
# outside the database by the deployment. Without it no extract is produced; the deploy
# check masip.evaluation.E001 refuses production without one. The demo key suits synthetic data only.
INSECURE_DEMO_EVALUATION_KEY = "insecure-demo-evaluation-key-for-synthetic-data-only-7c2e"
MASIP_EVALUATION_KEY = os.environ.get("MASIP_EVALUATION_KEY") or (INSECURE_DEMO_EVALUATION_KEY if DEMO_MODE else "")

# Audit trail. MASIP_AUDIT_ENABLED exists only so a benchmark can measure the
# cost of logging; it must stay on wherever personal data is processed.
MASIP_AUDIT_ENABLED = env_bool("MASIP_AUDIT_ENABLED", True)
# Strict: a view that shows personal data without logging a consultation raises.
MASIP_AUDIT_STRICT = env_bool("MASIP_AUDIT_STRICT", DEBUG)
MASIP_AUDIT_ALLOW_FLUSH = False
# The key of the audit trail's hash chain (audit/chain.py). Keep it outside the
# database and never change it: events sealed with an old key no longer verify.
# Unset, it is derived from DJANGO_SECRET_KEY (the deploy check warns), which
# then must not be rotated either.
MASIP_AUDIT_CHAIN_KEY = os.environ.get("MASIP_AUDIT_CHAIN_KEY", "")

REST_FRAMEWORK = {
    # Sessions for people (after two-factor sign-in); tokens for the systems
    # that send referrals (issued in the admin to a dedicated account).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON only (what police and NHS systems send), refused past a referral's depth.
    "DEFAULT_PARSER_CLASSES": ["masip.api.parsers.JSONParser"],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MASIP stalking case system API",
    "VERSION": "1",
    "DESCRIPTION": "Referral intake from police and NHS systems; reads for analysts' tools. Every read is logged.",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Request bodies get their own components, so required text says it may not be blank (minLength).
    "COMPONENT_SPLIT_REQUEST": True,
}
