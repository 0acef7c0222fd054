"""Serve the app for the benchmarks and harnesses: production settings on loopback, a prepared
database, signed-in sessions, gunicorn (and nginx in front when asked), stopped cleanly.

    from harness import environment, fresh_database, prepare_database, make_sessions, serve, request
    env = environment("postgres://postgres@127.0.0.1:5432/diplomacy_harness")
    fresh_database(env["DATABASE_URL"])        # only for a database with 'harness' in its name
    prepare_database(env)                      # migrate, collectstatic, load_seeds (+ generate_demo)
    sessions = make_sessions(env, "harness", 10)
    with serve(env, port=8767, nginx_port=8770) as site:
        request(site.nginx.port, "GET", "/")

Not run by itself: bench/run.py, concurrency.py, db_faults.py, nginx.py and mixed.py use it.
Everything listens on 127.0.0.1 only; every wait is bounded; leaving a `with` block stops
what it started (gunicorn with SIGTERM, nginx with SIGQUIT) and removes nginx's temp dir.
"""

from __future__ import annotations

import contextlib
import grp
import importlib.util
import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/diplomacy_harness"
NGINX_TEMPLATE = ROOT / "deploy" / "nginx" / "diplomacy.conf.template"
LOG_LEVEL = os.environ.get("HARNESS_LOG_LEVEL", "CRITICAL")


# --- environment and database ---------------------------------------------------------------


def environment(database_url: str, **extra: str) -> dict[str, str]:
    """Production settings (debug off, a fresh secret) for plain HTTP on loopback.

    The caller's DJANGO_*, DATABASE_*, REDIS_* and DIPLOMACY_* variables are dropped so that
    nothing from the shell leaks in; `extra` adds or overrides (REDIS_URL, DIPLOMACY_PAGE_MAX_AGE, …).
    Django logs at HARNESS_LOG_LEVEL (default CRITICAL: the harnesses provoke errors on purpose)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "DIPLOMACY_"))}
    return env | {
        "DJANGO_SETTINGS_MODULE": "diplomacy.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback; production sits behind TLS
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_LOG_LEVEL": LOG_LEVEL,
        "DATABASE_URL": database_url,
        **extra,
    }


def _server_and_name(database_url: str) -> tuple[str, str]:
    return database_url.rsplit("/", 1)[0] + "/postgres", urlsplit(database_url).path.lstrip("/")


def fresh_database(database_url: str) -> None:
    """Drop and create the scratch database named in the URL (never one without 'harness' in its name)."""
    server, name = _server_and_name(database_url)
    if "harness" not in name:
        raise SystemExit(f"harness: refusing to drop {name!r}: its name must contain 'harness'")
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def ensure_database(database_url: str) -> None:
    """Create the PostgreSQL database named in the URL if it does not exist; keep it if it does."""
    server, name = _server_and_name(database_url)
    with psycopg.connect(server, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict[str, str], *command: str, show: bool = False, timeout: float = 900) -> str:
    """Run manage.py; its output is returned, or shown as it comes with show=True (progress bars)."""
    result = subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT, env=env, check=True, text=True, timeout=timeout,
        stdout=None if show else subprocess.PIPE, stderr=None if show else subprocess.PIPE,
    )  # fmt: skip
    return result.stdout or ""


def django(env: dict[str, str], code: str, timeout: float = 300) -> str:
    """Run a snippet of Python after django.setup() with the server's settings; returns what it printed."""
    script = "import django\ndjango.setup()\n" + code
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=timeout
    ).stdout


def prepare_database(env: dict[str, str], *, demo_scale: float | None = None, show: bool = False) -> None:
    """Migrate, collect static files (production settings serve hashed names from a manifest,
    so every page fails without it), load the seeds, and with demo_scale add synthetic content
    (generate_demo only adds what is missing, so a populated database is quick)."""
    manage(env, "migrate", "--no-input", "-v0", show=show)
    manage(env, "collectstatic", "--no-input", "-v0", show=show)
    manage(env, "load_seeds", show=show)
    if demo_scale is not None:
        manage(env, "generate_demo", "--scale", str(demo_scale), show=show, timeout=1800)


def published_pages(env: dict[str, str]) -> tuple[list[str], list[str]]:
    """The addresses of every published topic page and every published scenario page."""
    code = (
        "import json\n"
        "from diplomacy.scenarios.models import Scenario, Topic\n"
        "topics = [t.get_absolute_url() for t in Topic.objects.published().order_by('pk')]\n"
        "scenarios = [s.get_absolute_url() for s in Scenario.objects.published().select_related('topic').order_by('pk')]\n"
        "print(json.dumps([topics, scenarios]))\n"
    )
    topics, scenarios = json.loads(django(env, code))
    return topics, scenarios


def first_scenario(env: dict[str, str]) -> str:
    """The address of a published scenario (the first one)."""
    code = (
        "from diplomacy.scenarios.models import Scenario\n"
        "print(Scenario.objects.published().select_related('topic').order_by('pk').first().get_absolute_url())\n"
    )
    return django(env, code).strip()


# --- signed-in sessions ---------------------------------------------------------------------


class Session(NamedTuple):
    """A signed-in user's cookies (what a browser would send) and their username."""

    key: str
    csrf: str
    username: str


SESSIONS_SCRIPT = """
import secrets
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
    print(store.session_key, secrets.token_hex(16), user.username)
"""


def make_sessions(env: dict[str, str], prefix: str, count: int) -> list[Session]:
    """Signed-in sessions for `count` users named <prefix>-0000… (made if missing).

    Made with the same environment (the same secret key) as the server that will see them."""
    out = django(env, SESSIONS_SCRIPT.format(prefix=prefix, count=count))
    return [Session(*line.split()) for line in out.splitlines() if line.strip()]


def write_sessions(sessions: list[Session], path: Path) -> Path:
    """One 'sessionid csrftoken' line per session, the file bench/wrk.lua reads."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{s.key} {s.csrf}\n" for s in sessions))
    return path


def prepare(env: dict[str, str], users: int) -> tuple[str, list[Session]]:
    """The reliability harnesses' set-up: prepare_database, then a scenario's address and sessions."""
    prepare_database(env)
    return first_scenario(env), make_sessions(env, "harness", users)


# --- HTTP on loopback -----------------------------------------------------------------------


class Response(NamedTuple):
    status: int  # 0 when there was no answer at all
    text: str
    headers: dict[str, str]  # lower-case names; repeated headers joined with ", "

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def request(
    port: int,
    method: str,
    path: str,
    body: str = "",
    session: Session | tuple[str, ...] | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 15,
) -> Response:
    """One request to 127.0.0.1:port. Redirects are not followed; a session sends its cookies
    and its CSRF token (as X-CSRFToken, the way htmx does)."""
    sent = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
    if session:
        sent |= {"Cookie": f"sessionid={session[0]}; csrftoken={session[1]}", "X-CSRFToken": session[1]}
    sent |= headers or {}
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=body.encode() or None, headers=sent, method=method
    )
    try:
        with _OPENER.open(req, timeout=timeout) as answer:
            return Response(answer.status, answer.read().decode(errors="replace"), _headers(answer.headers))
    except urllib.error.HTTPError as error:
        return Response(error.code, error.read().decode(errors="replace"), _headers(error.headers))
    except OSError as error:
        return Response(0, str(error), {})


def _headers(message) -> dict[str, str]:
    joined: dict[str, str] = {}
    for name, value in message.items():
        key = name.lower()
        joined[key] = f"{joined[key]}, {value}" if key in joined else value
    return joined


def wait_for_healthz(port: int, seconds: float, process: subprocess.Popen | None = None, what: str = "server") -> None:
    """Until /healthz on the port answers 200; stops early if the process has exited."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"harness: {what} exited with status {process.returncode} before answering /healthz")
        if request(port, "GET", "/healthz", timeout=2).status == 200:
            return
        time.sleep(0.2)
    raise SystemExit(f"harness: {what} did not answer /healthz on port {port} within {seconds:.0f} s")


def _stop(process: subprocess.Popen, sig: int = signal.SIGTERM, seconds: float = 30) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# --- gunicorn and nginx ---------------------------------------------------------------------


@dataclass
class Gunicorn:
    port: int
    process: subprocess.Popen
    access_log: Path | None

    def requests_for(self, path: str, settle: float = 0.3) -> int:
        """How many requests for exactly this path (any method) gunicorn has logged, once the count has
        held for `settle` seconds: gunicorn writes a request's line after it has sent the answer, so a
        count taken the moment an answer arrives can miss it (CI once counted 0 right after a MISS)."""
        count, deadline = self._logged(path), time.monotonic() + 5
        while time.monotonic() < deadline:
            time.sleep(settle)
            if (now := self._logged(path)) == count:
                break
            count = now
        return count

    def _logged(self, path: str) -> int:
        if self.access_log is None or not self.access_log.exists():
            return 0
        return sum(f" {path} HTTP/" in line for line in self.access_log.read_text().splitlines())


@contextlib.contextmanager
def gunicorn(
    env: dict[str, str],
    port: int,
    *,
    workers: int = 2,
    threads: int = 4,
    worker_class: str = "gthread",
    keep_alive: int | None = None,
    access_log: Path | None = None,
    app: str = "diplomacy.wsgi",
    log_level: str | None = None,
) -> Iterator[Gunicorn]:
    """gunicorn on 127.0.0.1:port, once it answers /healthz; stopped (SIGTERM) on leaving."""
    command = [
        sys.executable, "-m", "gunicorn", app,
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--worker-class", worker_class,
        "--log-level", (log_level or LOG_LEVEL).lower(),
    ]  # fmt: skip
    if worker_class == "gthread":
        command += ["--threads", str(threads)]
    if keep_alive is not None:
        command += ["--keep-alive", str(keep_alive)]
    if access_log is not None:
        command += ["--access-logfile", str(access_log)]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        wait_for_healthz(port, 30, process, "gunicorn")
        yield Gunicorn(port, process, access_log)
    finally:
        _stop(process)


@dataclass
class Nginx:
    port: int
    process: subprocess.Popen
    prefix: Path  # its temp dir: nginx.conf, diplomacy.conf, access.log, error.log, cache/
    config: str = field(repr=False)  # the rendered site file

    @property
    def access_log(self) -> Path:
        return self.prefix / "access.log"


def _render_site(upstream_port: int, port: int, prefix: Path) -> str:
    spec = importlib.util.spec_from_file_location("diplomacy_nginx_render", NGINX_TEMPLATE.parent / "render.py")
    assert spec and spec.loader
    render = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(render)
    values = {
        "DIPLOMACY_SERVER_NAME": "127.0.0.1 localhost",
        "DIPLOMACY_UPSTREAM": f"127.0.0.1:{upstream_port}",
        "DIPLOMACY_STATIC_ROOT": str(ROOT / "staticfiles"),
        "DIPLOMACY_CACHE_DIR": str(prefix / "cache"),
        "DIPLOMACY_LISTEN": f"127.0.0.1:{port}",
        "DIPLOMACY_ACCESS_LOG": str(prefix / "access.log"),
    }
    return render.render(values, loopback=True, template=NGINX_TEMPLATE.read_text())


def _main_config(prefix: Path, worker_processes: str) -> str:
    """The nginx.conf around the site file: everything nginx would otherwise take from /etc/nginx
    or write under /var (pid, lock, temp paths, logs) points into the temp dir."""
    lines = [
        "daemon off;",
        "master_process on;",
        f"worker_processes {worker_processes};",
        f"pid {prefix / 'nginx.pid'};",
        f"lock_file {prefix / 'nginx.lock'};",
        f"error_log {prefix / 'error.log'} warn;",
    ]
    if os.geteuid() == 0:
        # Workers drop to nobody, as they would to www-data in production, if nobody can
        # reach the static files (a checkout under /root cannot be); otherwise they stay root.
        static = ROOT / "staticfiles"
        reachable = all(os.stat(d).st_mode & 0o001 for d in [*reversed(static.parents), static] if d.exists())
        nobody = pwd.getpwnam("nobody")
        user = f"nobody {grp.getgrgid(nobody.pw_gid).gr_name}" if reachable else "root root"
        lines.append(f"user {user};")
    lines += ["events { worker_connections 1024; }", "http {"]
    mime = Path("/etc/nginx/mime.types")  # only read
    lines.append(f"    include {mime};" if mime.exists() else "    types { text/css css; application/javascript js; }")
    lines += ["    default_type application/octet-stream;", "    sendfile on;", "    keepalive_timeout 65;"]
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        lines.append(f"    {kind}_temp_path {prefix / ('temp-' + kind)};")
    lines += [f"    include {prefix / 'diplomacy.conf'};", "}"]
    return "\n".join(lines) + "\n"


@contextlib.contextmanager
def nginx(
    upstream_port: int, port: int, *, edit: Callable[[str], str] | None = None, worker_processes: str = "1"
) -> Iterator[Nginx]:
    """nginx on 127.0.0.1:port in front of gunicorn, from deploy/nginx/diplomacy.conf.template
    rendered for loopback into a temp dir (`edit` may change the rendered site file first: the
    mutation checks); in the foreground, stopped (SIGQUIT) and cleaned up on leaving."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        raise SystemExit("harness: nginx is not installed (Debian: apt-get install nginx-light or nginx)")
    prefix = Path(tempfile.mkdtemp(prefix="diplomacy-nginx-"))
    prefix.chmod(0o755)  # so that workers running as nobody reach their cache directory
    site = _render_site(upstream_port, port, prefix)
    if edit is not None:
        site = edit(site)
    (prefix / "diplomacy.conf").write_text(site)
    (prefix / "nginx.conf").write_text(_main_config(prefix, worker_processes))
    command = [binary, "-p", f"{prefix}/", "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "error.log")]
    try:
        test = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True, timeout=30)
        if test.returncode != 0:
            raise SystemExit(f"harness: nginx refused the configuration:\n{test.stderr}{_tail(prefix / 'error.log')}")
        process = subprocess.Popen(command)
        try:
            wait_for_healthz(port, 15, process, "nginx")
            yield Nginx(port, process, prefix, site)
        finally:
            _stop(process, signal.SIGQUIT, 15)
    finally:
        shutil.rmtree(prefix, ignore_errors=True)


def _tail(path: Path, lines: int = 20) -> str:
    return "\n".join(path.read_text().splitlines()[-lines:]) if path.exists() else ""


@dataclass
class Site:
    """What serve() started: gunicorn, and nginx in front of it when asked for."""

    gunicorn: Gunicorn
    nginx: Nginx | None

    @property
    def port(self) -> int:
        """Where readers go: nginx if there is one, gunicorn otherwise."""
        return self.nginx.port if self.nginx else self.gunicorn.port


@contextlib.contextmanager
def serve(
    env: dict[str, str],
    port: int,
    *,
    nginx_port: int | None = None,
    nginx_edit: Callable[[str], str] | None = None,
    **options,
) -> Iterator[Site]:
    """gunicorn on `port` (options as for gunicorn()), and nginx on `nginx_port` in front of it."""
    with gunicorn(env, port, **options) as app:
        if nginx_port is None:
            yield Site(app, None)
            return
        with nginx(port, nginx_port, edit=nginx_edit) as proxy:
            yield Site(app, proxy)


# --- load -----------------------------------------------------------------------------------


def wrk(
    url: str,
    *,
    duration: float,
    connections: int,
    threads: int | None = None,
    script: Path = ROOT / "bench" / "wrk.lua",
    env: dict[str, str] | None = None,
) -> dict:
    """Run wrk against a loopback URL with a script that prints a 'BENCH_JSON {…}' summary; returns it."""
    if urlsplit(url).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit(f"harness: refusing to send load to {url}: loopback only")
    threads = threads or min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "-s", str(script), url]
    out = subprocess.run(
        command, cwd=ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=duration + 60
    )
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if line is None:
        raise SystemExit(f"harness: wrk printed no summary for {url}:\n{out.stdout}\n{out.stderr}")
    return json.loads(line.removeprefix("BENCH_JSON "))


# --- the database, directly -----------------------------------------------------------------


def count_annotations(database_url: str, prefix: str) -> tuple[int, int]:
    """How many annotations have a body starting with prefix, and how many distinct bodies."""
    with psycopg.connect(database_url) as connection:
        row = connection.execute(
            "SELECT count(*), count(DISTINCT body) FROM annotations_annotation WHERE body LIKE %s", [prefix + "%"]
        ).fetchone()
    assert row is not None  # an aggregate always answers one row
    return row[0], row[1]
