"""`make bench`: production's behaviour (DEBUG off, compressed manifest static files, gunicorn) on
127.0.0.1 over plain HTTP, with its own PostgreSQL database and fixed, throwaway secrets.

What differs from production, and why: no HTTPS (the benchmark talks to 127.0.0.1), per-process
rate-limit counts (no Redis here; the benchmark signs in once per account), and multi-factor
authentication not required (the benchmark's sessions sign in with a password; the OTP middleware
still runs on every request, as in production).
"""

from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="bench-secret-key-not-for-production-0123456789abcdefghijklmnop")
AUDIT_KEYS = {"bench": "bench-audit-key-not-for-production-0123456789abcdef"}
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]  # testserver: the in-process query counts
MFA_REQUIRED = False
STATIC_ROOT = BASE_DIR / "var" / "bench-static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
LOGGING["root"]["level"] = env("LOG_LEVEL", default="WARNING")  # noqa: F405
