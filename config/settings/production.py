"""Production: secrets and hosts from the environment, HTTPS only, MFA for every account."""

from config.settings.base import *  # noqa: F403
from config.settings.base import audit_keys, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
# Required: the audit trail is signed with a key the database does not hold.
AUDIT_KEYS = audit_keys.parse(env("AUDIT_KEYS"))
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

MFA_REQUIRED = True
# Required: rate limits must count across every web process (a shared Redis), not per process.
REDIS_URL = env("REDIS_URL")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
SILENCED_SYSTEM_CHECKS = [check for check in SILENCED_SYSTEM_CHECKS if check != "django_ratelimit.E003"]  # noqa: F405

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# The /healthz probe comes from the load balancer over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
