"""The benchmark: gunicorn with production settings on loopback, wrk as the load, /healthz as the baseline.

    python bench/run.py --db sqlite            # seeded content in a SQLite file
    python bench/run.py --db postgres          # seeds + generate_demo --scale 1 on PostgreSQL

Each endpoint is measured for --duration seconds at --connections open connections;
the table gives requests per second, p50/p95/p99 latency, errors, and throughput as a
share of /healthz in the same run. It is printed and written to bench/results/<db>.md.
Only loopback is ever targeted, and every run is bounded in time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from harness import make_sessions

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/diplomacy_bench"
BENCH_USERS = 1000

# name, path, who: "anon" (cached for anonymous readers) or "user" (signed in: always rendered)
SQLITE_PAGES = "/topics/ukraine/", "/topics/ukraine/conflict-grinds-on/"
PG_PAGES = "/topics/demo-topic-0001/", "/topics/demo-topic-0001/demo-scenario-1/"

# Budgets from the performance issue: (row, kind, limit).
SQLITE_BUDGETS = [
    ("home (anonymous)", "ratio", 0.50),
    ("topic (anonymous)", "ratio", 0.50),
    ("scenario (anonymous)", "ratio", 0.50),
    ("home (signed in)", "ratio", 0.10),
    ("topic (signed in)", "ratio", 0.10),
    ("scenario (signed in)", "ratio", 0.10),
]
PG_BUDGETS = [
    ("home (anonymous)", "p95", 50),
    ("topic (anonymous)", "p95", 50),
    ("scenario (anonymous)", "p95", 50),
    ("home (signed in)", "p95", 50),
    ("topic (signed in)", "p95", 50),
    ("scenario (signed in)", "p95", 50),
    ("explorer, filtered", "p95", 150),
    ("explorer, text search", "p95", 150),
    ("post an annotation", "p95", 100),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", PG_DEFAULT))
    parser.add_argument("--duration", type=int, default=10, help="seconds per endpoint (at most 60)")
    parser.add_argument("--connections", type=int, default=16, help="for throughput (the share of /healthz)")
    parser.add_argument(
        "--latency-connections",
        type=int,
        default=4,
        help="for latency budgets: about two per core, a busy but not saturated server",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="gthread")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--redis", action="store_true", help="use the Redis on 127.0.0.1:6379 as the cache")
    args = parser.parse_args()
    if not 1 <= args.duration <= 60:
        parser.error("--duration must be between 1 and 60 seconds")
    if not shutil.which("wrk"):
        print("bench: wrk is not installed (Debian: apt-get install wrk).", file=sys.stderr)
        return 2

    env = _environment(args)
    _prepare(env, args)
    sessions = _sessions_file(env)
    server = _start_gunicorn(env, args)
    try:
        rows = _measure(args, sessions)
        latency_args = argparse.Namespace(**{**vars(args), "connections": args.latency_connections})
        latency_rows = _measure(latency_args, sessions, warm_up=False)
        rss = _worker_rss_mb(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    report = _report(args, rows, latency_rows, rss)
    print(report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.db}.md").write_text(report)
    return 0


def _environment(args) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "diplomacy.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback; production sits behind TLS
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": f"sqlite:///{ROOT / 'bench' / 'bench.sqlite3'}" if args.db == "sqlite" else args.database_url,
    }
    if args.redis:
        env["REDIS_URL"] = "redis://127.0.0.1:6379/3"
    return env


def _manage(env, *command: str) -> None:
    subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)


def _prepare(env, args) -> None:
    print(f"== preparing the {args.db} database", flush=True)
    if args.db == "sqlite":  # a fresh file each run, so runs are comparable
        for leftover in (ROOT / "bench").glob("bench.sqlite3*"):
            leftover.unlink()
    _manage(env, "migrate", "--no-input", "-v0")
    _manage(env, "load_seeds")
    if args.db == "postgres":
        _manage(env, "generate_demo", "--scale", "1")
    _manage(env, "collectstatic", "--no-input", "-v0")


def _sessions_file(env) -> Path:
    """Signed-in sessions for bench users, one 'sessionid csrftoken' line each, for wrk.lua."""
    path = RESULTS / "sessions.txt"
    RESULTS.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{session} {csrf}\n" for session, csrf in make_sessions(env, "bench-user", BENCH_USERS)))
    return path


def _start_gunicorn(env, args) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "gunicorn", "diplomacy.wsgi",
        "--bind", f"127.0.0.1:{args.port}",
        "--workers", str(args.workers),
        "--worker-class", args.worker_class,
        "--keep-alive", "5",
        "--log-level", "warning",
    ]  # fmt: skip
    if args.worker_class == "gthread":
        command += ["--threads", str(args.threads)]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("bench: gunicorn did not answer /healthz within 30 s")


def _wrk(args, path: str, *, sessions: Path | None = None, post_body: str = "") -> dict:
    env = dict(os.environ)
    if sessions:
        env["BENCH_SESSIONS"] = str(sessions)
    if post_body:
        env |= {"BENCH_METHOD": "POST", "BENCH_BODY": post_body}
    url = f"http://127.0.0.1:{args.port}{path}"
    threads = min(2, args.connections)
    command = ["wrk", f"-t{threads}", f"-c{args.connections}", f"-d{args.duration}s", "-s", "bench/wrk.lua", url]
    out = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=args.duration + 60)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if line is None:
        raise SystemExit(f"bench: wrk printed no summary for {path}:\n{out.stdout}\n{out.stderr}")
    return json.loads(line.removeprefix("BENCH_JSON "))


def _measure(args, sessions: Path, warm_up: bool = True) -> list[tuple[str, str, dict]]:
    topic, scenario = SQLITE_PAGES if args.db == "sqlite" else PG_PAGES
    endpoints = [
        ("/healthz (baseline)", "/healthz", None, ""),
        ("home (anonymous)", "/", None, ""),
        ("topic (anonymous)", topic, None, ""),
        ("scenario (anonymous)", scenario, None, ""),
        ("home (signed in)", "/", sessions, ""),
        ("topic (signed in)", topic, sessions, ""),
        ("scenario (signed in)", scenario, sessions, ""),
        ("explorer, filtered", "/scenarios/?outcome=no-agreement&min=20&sort=likelihood", None, ""),
        ("explorer, text search", "/scenarios/?q=sanctions+relief", None, ""),
        ("post an annotation", scenario + "annotations/", sessions, "kind=note&body=Benchmark+note&is_public=on"),
    ]
    if warm_up:
        print("== warming up (compiled templates, open connections, filled caches)", flush=True)
        warm = argparse.Namespace(**{**vars(args), "duration": 1})
        for _name, path, session_file, body in reversed(endpoints):  # writes first, so they settle before reads
            _wrk(warm, path, sessions=session_file, post_body=body)
    rows = []
    for name, path, session_file, body in endpoints:
        print(f"== {name}: {path} ({args.connections} connections)", flush=True)
        rows.append((name, path, _wrk(args, path, sessions=session_file, post_body=body)))
    # The baseline again at the end: the better of the two is the one pages are compared with.
    print("== /healthz again", flush=True)
    rows.append(("/healthz (baseline, again)", "/healthz", _wrk(args, "/healthz")))
    return rows


def _worker_rss_mb(master_pid: int) -> float:
    """The largest resident set of the gunicorn workers, in MB (Linux)."""
    largest = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(master_pid):
            largest = max(largest, int(fields.get("VmRSS", "0 kB").split()[0]))
    return largest / 1024


def _report(args, rows, latency_rows, rss: float) -> str:
    baseline = max(rows[0][2]["rps"], rows[-1][2]["rps"])
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor())  # fmt: skip
    lines = [
        f"### {args.db} ({'seeded content' if args.db == 'sqlite' else 'seeds + generate_demo --scale 1'})",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {os.cpu_count()} cores, {cpu} · gunicorn {args.worker_class}, "
        f"{args.workers} workers{f' × {args.threads} threads' if args.worker_class == 'gthread' else ''} · "
        f"wrk {args.connections} connections × {args.duration} s per row · cache: "
        f"{'Redis' if args.redis else 'per-process memory'}",
        "",
        "| endpoint | req/s | p50 ms | p95 ms | p99 ms | errors | share of the better /healthz |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, _path, r in rows:
        lines.append(
            f"| {name} | {r['rps']:,.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} "
            f"| {r['errors']} | {r['rps'] / baseline:.0%} |"
        )
    lines += [
        "",
        f"Latency at {args.latency_connections} connections (a busy server, not a saturated one; at "
        f"{args.connections} the p95 above is mostly time spent queueing for the two cores):",
        "",
        "| endpoint | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, _path, r in latency_rows:
        lines.append(
            f"| {name} | {r['rps']:,.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']} |"
        )
    lines += ["", f"Largest gunicorn worker after the run: {rss:.0f} MB resident.", "", "Budgets:", ""]
    results = {name: r for name, _path, r in rows}
    latencies = {name: r for name, _path, r in latency_rows}
    for name, kind, limit in SQLITE_BUDGETS if args.db == "sqlite" else PG_BUDGETS:
        r = results[name] if kind == "ratio" else latencies[name]
        value = r["rps"] / baseline if kind == "ratio" else r["p95_ms"]
        met = value >= limit if kind == "ratio" else value < limit
        shown = (
            f"{value:.0%} of /healthz (budget ≥ {limit:.0%})"
            if kind == "ratio"
            else f"p95 {value:.1f} ms (budget < {limit} ms)"
        )
        lines.append(f"- {'met' if met and r['errors'] == 0 else 'MISSED'}: {name}: {shown}, {r['errors']} errors")
    lines.append(f"- {'met' if rss < 150 else 'MISSED'}: worker memory {rss:.0f} MB (budget < 150 MB)")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
