"""Production configuration: no default secrets, and Django's deployment checks pass."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    base = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_deploy_checks():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="a-long-random-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        DJANGO_ALLOWED_HOSTS="ivig.example.org",
        CACHE_URL="redis://127.0.0.1:6379/5",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_shared_cache_is_warned_about():
    result = manage(
        "check",
        "--deploy",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="a-long-random-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        DJANGO_ALLOWED_HOSTS="ivig.example.org",
    )
    assert "ops.W001" in result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_DEBUG="false", DJANGO_ALLOWED_HOSTS="ivig.example.org")
    assert result.returncode != 0
    assert "set DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS" in result.stderr


def test_dev_admin_is_refused_in_production():
    result = manage(
        "create_dev_admin",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="a-long-random-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        DJANGO_ALLOWED_HOSTS="ivig.example.org",
        DATABASE_URL="sqlite:///:memory:",
    )
    assert result.returncode != 0
    assert "local development only" in result.stderr


def test_dev_admin_can_log_in_and_is_created_once(settings, client, django_user_model, db):
    from io import StringIO

    from django.core.management import call_command

    settings.DEBUG = True
    out = StringIO()
    call_command("create_dev_admin", stdout=out)
    call_command("create_dev_admin", stdout=out)
    assert django_user_model.objects.filter(username="admin", is_superuser=True).count() == 1
    assert "password “admin”" in out.getvalue()
    assert client.login(username="admin", password="admin")


def test_redis_from_either_setting_uses_the_backend_that_reuses_its_client():
    show = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    for name, url in (("REDIS_URL", "redis://127.0.0.1:6379/5"), ("CACHE_URL", "rediscache://127.0.0.1:6379/5")):
        result = manage("shell", "-c", show, **{name: url})
        assert result.stdout.split()[-1] == "ops.cache.RedisCache", result.stdout + result.stderr
