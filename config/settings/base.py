"""Settings shared by every environment.

Configuration comes from the environment (12-factor), read with django-environ. Each environment
module (local, test, production) imports from here and overrides only what differs.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

from sms.audit import keys as audit_keys

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A developer may keep settings in a .env file at the project root; the environment wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="insecure-local-development-key-change-me-0123456789abcdef")
# The audit chain's signing keys (id:secret, newest first), kept outside the database: see
# sms/audit/keys.py and docs/operations.md. Locally, a key derived from SECRET_KEY.
AUDIT_KEYS = audit_keys.parse(env("AUDIT_KEYS", default="")) or {"local": f"audit-chain:{SECRET_KEY}"}
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

SERVICE_NAME = "Sponsor Management System"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Third party
    "axes",
    "crispy_forms",
    "crispy_forms_gds",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "django_ratelimit",
    # The project's apps, one per part of the domain
    # The project's apps, bottom layer first (docs/architecture.md; `lint-imports` keeps the order).
    "sms.core",
    "sms.audit",
    "sms.notifications",
    "sms.accounts",
    "sms.payments",
    "sms.licensing",
    "sms.certificates",
    "sms.reporting",
    "sms.messageboard",
    "sms.compliance",
    "sms.righttowork",
    "sms.alerts",
    "sms.webhooks",
    "sms.trail",
    "sms.visits",
    "sms.register",
    "sms.referencedata",
    "sms.casework",
    "sms.dashboard",
    "sms.auditpack",
    "sms.portal",
    "sms.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sms.web.middleware.RefuseNulCharactersMiddleware",
    "sms.audit.context.AuditContextMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sms.web.middleware.NoStoreWhenSignedInMiddleware",
    "sms.accounts.middleware.InactivityTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "sms.accounts.middleware.MultiFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "sms.web.middleware.TransitionConflictMiddleware",
    "sms.accounts.middleware.SignInAccessMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Axes must be last: it turns a lockout into our own response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "csp.context_processors.nonce",
                "sms.portal.navigation.service",
            ],
        },
    },
]

# Database: SQLite by default, PostgreSQL (or any database) through DATABASE_URL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serves a web server with several threads: readers never wait for the writer (WAL), a
    # writer waits its turn instead of failing at once (busy timeout), and a write transaction takes
    # the write lock when it begins (IMMEDIATE), so two transactions never both read and then
    # deadlock upgrading to write ("database is locked"). More than a few writers at once: PostgreSQL.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts and sign-in
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first so locked-out accounts are refused before the password is checked.
    "sms.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "sms.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "sms.accounts.passwords.NotSimilarToUserValidator"},
    {"NAME": "sms.accounts.passwords.NotCommonValidator"},
    {"NAME": "sms.accounts.passwords.NotAllNumbersValidator"},
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "accounts:signed_out"

# Single-use links: Django's token generator binds each link to the password hash and last
# sign-in, so using the link (which sets a password) invalidates it; these set the expiry.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT_SECONDS", default=60 * 60 * 2)
ACCOUNT_ACTIVATION_TIMEOUT = env.int("ACCOUNT_ACTIVATION_TIMEOUT_SECONDS", default=60 * 60 * 72)

# Multi-factor authentication (TOTP). Required for every account in production.
MFA_REQUIRED = env.bool("MFA_REQUIRED", default=False)
OTP_TOTP_ISSUER = SERVICE_NAME
RECOVERY_CODE_COUNT = 10

# Lockout (django-axes): 3 failed attempts lock the account for 30 minutes.
AXES_FAILURE_LIMIT = env.int("LOCKOUT_FAILURE_LIMIT", default=3)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "email"
# Failures are counted under the canonical email address, the same key the account is found by.
AXES_USERNAME_CALLABLE = "sms.accounts.backends.lockout_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "sms.accounts.views.auth.locked_out"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_VERBOSE = False
# Lock the account, not the network address: sponsors' staff share office addresses, and one
# person's mistakes must not lock out their colleagues. Rotating user agents or cookies (the risk
# axes.W006 names) gains an attacker nothing against a per-account lock. See docs/decisions.md.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Sessions and inactivity: signed out after 20 minutes idle, warned 2 minutes before.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT_SECONDS", default=20 * 60)
SESSION_TIMEOUT_WARNING = env.int("SESSION_TIMEOUT_WARNING_SECONDS", default=2 * 60)
SESSION_COOKIE_AGE = 60 * 60 * 12  # an absolute cap; idleness is enforced by our middleware
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Internationalisation: UK English, dates in Europe/London.
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# Static files: GOV.UK Frontend from npm and our compiled CSS, served by whitenoise.
# STATIC_URL is fixed at /static/ because the compiled GOV.UK CSS points its fonts there.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploaded files live outside the web root and are served only through permission-checked views.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "uploads")))

# Forms
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Email: console by default; EMAIL_URL selects SMTP (smtp+tls://user:pass@host:587).
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="no-reply@sponsor-management.localhost")
# GOV.UK Notify instead: EMAIL_PROVIDER=notify with an API key and a template whose subject is
# ((subject)) and body ((body)) (sms/notifications/backends.py).
EMAIL_PROVIDER = env("EMAIL_PROVIDER", default="")
NOTIFY_API_KEY = env("NOTIFY_API_KEY", default="")
NOTIFY_TEMPLATE_ID = env("NOTIFY_TEMPLATE_ID", default="")
if EMAIL_PROVIDER == "console":
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
elif EMAIL_PROVIDER == "notify":
    EMAIL_BACKEND = "sms.notifications.backends.NotifyEmailBackend"
elif EMAIL_PROVIDER not in ("", "console", "smtp"):
    raise ImproperlyConfigured("EMAIL_PROVIDER must be console, smtp (with EMAIL_URL) or notify")
# Delivery: a failed send is retried after 1, 2, 4, 8... minutes (capped), EMAIL_MAX_ATTEMPTS in all;
# a claim older than EMAIL_CLAIM_TIMEOUT_SECONDS is a worker that died mid-send.
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=5)
EMAIL_RETRY_BASE_SECONDS = env.int("EMAIL_RETRY_BASE_SECONDS", default=60)
EMAIL_RETRY_MAX_SECONDS = env.int("EMAIL_RETRY_MAX_SECONDS", default=6 * 3600)
EMAIL_CLAIM_TIMEOUT_SECONDS = env.int("EMAIL_CLAIM_TIMEOUT_SECONDS", default=600)
# Outgoing webhooks: a failed delivery is retried after 1, 2, 4... minutes (capped), WEBHOOK_MAX_ATTEMPTS
# in all; each attempt waits at most WEBHOOK_TIMEOUT_SECONDS. Endpoints on private or loopback addresses
# (and plain http to 127.0.0.1/localhost) are allowed only when WEBHOOK_ALLOW_LOCAL (DEBUG, the tests).
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_RETRY_BASE_SECONDS = env.int("WEBHOOK_RETRY_BASE_SECONDS", default=60)
WEBHOOK_RETRY_MAX_SECONDS = env.int("WEBHOOK_RETRY_MAX_SECONDS", default=6 * 3600)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=5.0)
WEBHOOK_CLAIM_TIMEOUT_SECONDS = env.int("WEBHOOK_CLAIM_TIMEOUT_SECONDS", default=600)
WEBHOOK_ALLOW_LOCAL = env.bool("WEBHOOK_ALLOW_LOCAL", default=DEBUG)
# Absolute links in emails (activation, password reset) are built from this.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# Background work: Django Tasks stored in the database, run by `manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Content Security Policy (django-csp 4): only our own origin; inline scripts need the nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# The JSON API (sms.api): token authentication only (no session, so no CSRF), the policy, rate
# limits per token counted in the cache, cursor pages, and every error as problem details.
API_RATE = env("API_RATE", default="600/min")
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["sms.api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["sms.api.permissions.TokenScopeAndPolicy"],
    "DEFAULT_THROTTLE_CLASSES": ["sms.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_token": API_RATE},
    "DEFAULT_PARSER_CLASSES": ["sms.api.parsers.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "sms.api.pagination.ApiCursorPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "sms.api.problems.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SERVICE_NAME} API",
    "DESCRIPTION": "For HR and student-records systems: the licence, certificates, the worker register and its "
    "facts, reporting obligations and reports, messages. See /api/v1/docs/.",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVERS": [{"url": "/"}],
    "ENUM_NAME_OVERRIDES": {
        "CertificateKindEnum": "sms.certificates.models.Certificate.Kind",
        "FactKindEnum": "sms.reporting.models.Fact.Kind",
        "PersonKindEnum": "sms.reporting.models.SponsoredPerson.Kind",
        "NoticeKindEnum": "sms.notifications.models.Notice.Kind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"permission_denied_one_line": {"()": "sms.core.logs.PermissionDeniedOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint (the audit pack's PDF) logs every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Refusals (403) are logged as one line, not a traceback.
        "django.request": {"filters": ["permission_denied_one_line"]},
    },
}

# The cache holds the rate limits' counts. Local memory counts per process, which is right for one
# development server and the tests; production names a shared Redis in REDIS_URL (every web
# process then counts together), and production settings require it.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    # Django's own Redis cache increments atomically; django-ratelimit only lists django-redis's.
    SILENCED_SYSTEM_CHECKS += ["django_ratelimit.W001"]
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # A per-process count (django-ratelimit's E003) is what one development process needs.
    SILENCED_SYSTEM_CHECKS += ["django_ratelimit.E003", "django_ratelimit.W001"]

# Limits on the anonymous application journey (docs/decisions.md, "Limits on the public
# application"): documents per application and their total size, and per client address, new
# drafts and uploads in a window ("count/period", period s, m, h or d).
APPLICATION_MAX_DOCUMENTS = env.int("APPLICATION_MAX_DOCUMENTS", default=20)
APPLICATION_MAX_DOCUMENTS_BYTES = env.int("APPLICATION_MAX_DOCUMENTS_BYTES", default=50 * 1024 * 1024)
APPLICATION_DRAFTS_RATE = env("APPLICATION_DRAFTS_RATE", default="5/h")
APPLICATION_UPLOADS_RATE = env("APPLICATION_UPLOADS_RATE", default="30/h")

# Uploads: the largest evidence file accepted, in bytes.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o640

# Licensing rules that are settings (domain.md section 2).
LICENCE_VALIDITY_YEARS = env.int("LICENCE_VALIDITY_YEARS", default=10)
LICENCE_RENEWAL_WINDOW_MONTHS = env.int("LICENCE_RENEWAL_WINDOW_MONTHS", default=3)
# An additional Level 1 user is approved at once when the licence is active and every route is
# A-rated; otherwise (or with this off) a Home Office caseworker decides.
ADDITIONAL_LEVEL_1_AUTO_APPROVE = env.bool("ADDITIONAL_LEVEL_1_AUTO_APPROVE", default=True)
# Level 1 users who have not signed in for this long are flagged in the access register.
STALE_LEVEL_1_DAYS = env.int("STALE_LEVEL_1_DAYS", default=365)
# Unread message board entries older than this are flagged on the sponsor's home page (domain.md section 6).
MESSAGE_BOARD_UNREAD_FLAG_DAYS = env.int("MESSAGE_BOARD_UNREAD_FLAG_DAYS", default=7)
# The sponsor is reminded once an allocation has this percentage or less left (once per year and category).
ALLOCATION_LOW_PERCENT = env.int("ALLOCATION_LOW_PERCENT", default=10)

# Payments (sms.payments): "sandbox" (a built-in stand-in with its own pay page, for the demo) or
# "govuk_pay" (GOV.UK Pay's REST API at GOVUK_PAY_URL with the service's API key).
PAYMENT_PROVIDER = env("PAYMENT_PROVIDER", default="sandbox")
GOVUK_PAY_URL = env("GOVUK_PAY_URL", default="https://publicapi.payments.service.gov.uk")
GOVUK_PAY_API_KEY = env("GOVUK_PAY_API_KEY", default="")
GOVUK_PAY_TIMEOUT_SECONDS = env.int("GOVUK_PAY_TIMEOUT_SECONDS", default=10)
