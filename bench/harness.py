"""Shared pieces of the reliability harnesses: a scratch PostgreSQL database, signed-in
sessions, gunicorn under production settings on loopback, and a small HTTP client."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/diplomacy_harness"


def environment(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
    return env | {
        "DJANGO_SETTINGS_MODULE": "diplomacy.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_LOG_LEVEL": os.environ.get("HARNESS_LOG_LEVEL", "CRITICAL"),
        "DATABASE_URL": database_url,
        **extra,
    }


def fresh_database(database_url: str) -> None:
    """Drop and create the scratch database named in the URL (never one without 'harness' in its name)."""
    name = urlsplit(database_url).path.lstrip("/")
    if "harness" not in name:
        raise SystemExit(f"harness: refusing to drop {name!r}: its name must contain 'harness'")
    server = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict, *command: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


SESSIONS_SCRIPT = """
import secrets
import django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
names = [f"{prefix}-{{n:04}}" for n in range({count})]
have = set(User.objects.filter(username__in=names).values_list("username", flat=True))
User.objects.bulk_create(User(username=name, password="!") for name in names if name not in have)
for user in User.objects.filter(username__in=names).order_by("username"):
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "diplomacy.accounts.backends.StaffPermissionsBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    print(store.session_key, secrets.token_hex(16))
"""


def make_sessions(env: dict, prefix: str, count: int) -> list[tuple[str, str]]:
    """Signed-in sessions for `count` users (made if missing), as (sessionid, csrftoken) pairs.

    Run with the same environment (the same secret key) as the server that will see them."""
    out = subprocess.run(
        [sys.executable, "-c", SESSIONS_SCRIPT.format(prefix=prefix, count=count)],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return [tuple(line.split()) for line in out.splitlines() if line.strip()]


def prepare(env: dict, users: int) -> tuple[str, list[tuple[str, str]]]:
    """Migrate, load the seeds, collect static files (production settings serve hashed names
    from a manifest, so pages fail without it), make signed-in sessions; returns a scenario's
    path and (session, csrf) pairs."""
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "collectstatic", "--no-input", "-v0")
    manage(env, "load_seeds")
    script = (
        "import django; django.setup(); from diplomacy.scenarios.models import Scenario; "
        "print(Scenario.objects.published().select_related('topic').first().get_absolute_url())"
    )
    scenario = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()
    return scenario, make_sessions(env, "harness", users)


def start_gunicorn(env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "diplomacy.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--worker-class", "gthread", "--threads", "4", "--log-level", os.environ.get("HARNESS_LOG_LEVEL", "critical").lower()],
        cwd=ROOT, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if request(port, "GET", "/healthz")[0] == 200:
            return server
        time.sleep(0.3)
    server.kill()
    raise SystemExit("harness: gunicorn did not answer /healthz within 30 s")


def request(port: int, method: str, path: str, body: str = "", session: tuple[str, str] | None = None):
    """One request on loopback; returns (status, text). Redirects are not followed."""
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
    if session:
        headers |= {"Cookie": f"sessionid={session[0]}; csrftoken={session[1]}", "X-CSRFToken": session[1]}
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=body.encode() or None, headers=headers, method=method
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(req, timeout=15) as response:
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")
    except OSError as error:
        return 0, str(error)


def count_annotations(database_url: str, prefix: str) -> tuple[int, int]:
    """How many annotations have a body starting with prefix, and how many distinct bodies."""
    with psycopg.connect(database_url) as connection:
        return connection.execute(
            "SELECT count(*), count(DISTINCT body) FROM annotations_annotation WHERE body LIKE %s", [prefix + "%"]
        ).fetchone()
