"""Production settings: `check --deploy` is clean, MFA is required, static files collect."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    # The test run's own DJANGO_ALLOW_ASYNC_UNSAFE (for the browser tests) is not production's.
    **{key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"},
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "a-long-random-production-secret-key-for-the-deploy-check-0123456789",
    "AUDIT_KEYS": "2026-11:a-long-random-audit-signing-secret-for-the-deploy-check-0123",
    "ALLOWED_HOSTS": "sponsor.example.gov.uk",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def run_manage(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env or PRODUCTION_ENV,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_requires_mfa_and_sets_security_headers():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.MFA_REQUIRED, s.SECURE_HSTS_SECONDS > 0, s.SESSION_COOKIE_SECURE, "
        "s.X_FRAME_OPTIONS, s.DEBUG)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=PRODUCTION_ENV,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.split() == ["True", "True", "True", "DENY", "False"], result.stderr


def test_static_files_collect_with_hashed_names(tmp_path):
    env = {**PRODUCTION_ENV, "STATIC_ROOT": str(tmp_path)}
    result = run_manage("collectstatic", "--no-input", env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("govuk/assets/fonts/*.woff2"))
    assert list(tmp_path.glob("build/application.*.css"))


def test_the_demo_shows_the_services_own_error_pages_with_its_styles():
    """`make run` turns DEBUG off, so someone trying the service meets "Page not found", not
    Django's technical page listing every route; local settings still serve the styles."""
    makefile = (ROOT / "Makefile").read_text()
    assert "DEBUG=$${DEBUG:-False} $(PY) manage.py runserver" in makefile
    env = {
        **{key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DEBUG": "False",
    }
    # Whitenoise serves straight from the finders with DEBUG off: no collectstatic for the demo.
    code = "from django.conf import settings; print(settings.DEBUG, settings.WHITENOISE_USE_FINDERS)"
    shown = run_manage("shell", "-c", code, env=env)
    assert shown.stdout.strip().splitlines()[-1] == "False True", shown.stderr
