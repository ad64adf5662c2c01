"""Settings for the test suite: fast hashing, email kept in memory, tasks run at once."""

import os

from config.settings.base import *  # noqa: F403

SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdefghijklmnop"  # noqa: S105
DEBUG = False
# Argon2 stays first for realism in the hashing tests; MD5 speeds up the many users tests create.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
# Delivery tests post to a receiver on 127.0.0.1; the SSRF tests turn this off.
WEBHOOK_ALLOW_LOCAL = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
SITE_URL = "http://testserver"
# Static files come from the finders in tests; there is no collected STATIC_ROOT to serve.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Two keys, as after a rotation: the first signs, both verify.
AUDIT_KEYS = {
    "test-2": "test-audit-key-current-0123456789abcdefghij",
    "test-1": "test-audit-key-retired-0123456789abcdefghij",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # The test runner empties tables with TRUNCATE between transactional tests; the audit tables
    # refuse it unless this session setting says so (test_audit_tampering checks the refusal).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c sms.audit_maintenance=on"  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: the live server's threads then use their own connections with the
    # locking `make run` has (WAL, busy timeout), so parallel-request tests prove what users get.
    (BASE_DIR / "var").mkdir(exist_ok=True)  # noqa: F405
    # One file per test process, so two runs at once never share (or delete) each other's database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")}  # noqa: F405
