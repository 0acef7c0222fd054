"""A settings mistake stops the app with one clear line, not a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_check(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean | {"DJANGO_SETTINGS_MODULE": "diplomacy.settings"} | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_a_secret_key_refuses_to_start():
    result = run_check(DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="example.org")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DATABASE_URL": "mysqlish://nobody"}, "DATABASE_URL"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"DJANGO_DEBUG": "perhaps"}, "DJANGO_DEBUG='perhaps' is not a boolean"),
        ({"DATABASE_POOL_MAX_SIZE": "many", "DATABASE_URL": "postgres://u@h/db"}, "not a whole number"),
        ({"DIPLOMACY_SITE_URL": "example.org"}, "must start with http"),
        ({"DJANGO_LOG_LEVEL": "loud"}, "DJANGO_LOG_LEVEL='LOUD' must be DEBUG"),
    ],
)
def test_a_malformed_setting_is_named_in_one_line(env, message):
    result = run_check(DJANGO_DEBUG=env.pop("DJANGO_DEBUG", "1"), **env)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_debug_mode_runs_without_any_configuration():
    result = run_check(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_production_settings_pass_the_deployment_checks():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
        | {
            "DJANGO_SETTINGS_MODULE": "diplomacy.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "x" * 60 + "-a-production-like-secret-key",
            "DJANGO_ALLOWED_HOSTS": "diplomacy.example.org",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_log_level_filters_what_django_reports():
    """django.request logs a failed request itself; DJANGO_LOG_LEVEL still decides whether it is written."""
    script = "import logging; logging.getLogger('django.request').error('Service Unavailable: /')"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env = clean | {"DJANGO_SETTINGS_MODULE": "diplomacy.settings", "DJANGO_DEBUG": "1"}

    def stderr(level: str) -> str:
        return subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {script}"],
            cwd=ROOT, env=env | {"DJANGO_LOG_LEVEL": level}, capture_output=True, text=True, timeout=60,
        ).stderr  # fmt: skip

    assert "ERROR django.request Service Unavailable: /" in stderr("ERROR")
    assert "ERROR django.request Service Unavailable: /" in stderr("warn")
    assert "Service Unavailable" not in stderr("CRITICAL")
