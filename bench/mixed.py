"""Mixed load: anonymous readers of every page (and of the API's topics and annotations) while
writers post public annotations to one topic.

    python bench/mixed.py                     # PostgreSQL at scale 1 (diplomacy_bench), Redis db 6
    python bench/mixed.py --rates 0,1,5 --duration 20 --database-url postgres://…/diplomacy_bench

gunicorn serves the app under production settings with Redis as the cache (the chosen
database number is flushed at the start). The database gets the seeds and
`generate_demo --scale 1` (100 topics, 1,000 scenarios, 1,000,000 annotations; it only
adds what is missing, so a populated database is reused). For each write rate:

  1. every published topic and scenario page is visited once (a warm cache);
  2. /healthz is measured, right before the mixed load, with as many wrk connections;
  3. wrk's readers ask for random pages from the list of every published topic and
     scenario page (bench/mixed.lua), while a thread pool of signed-in writers posts
     public annotations at a steady rate, all to the scenarios of ONE topic.

One of the readers' connections is a sampler (bench/mixed.lua with BENCH_SAMPLE=1) that
reads each answer's X-Cache header, by page kind; the others read none: a wrk script
that reads answers makes wrk hand every body (100-230 KB here) to Lua, which cost the
readers 15-18 % of their throughput on these two cores when all of them did, a cost of
the meter that /healthz never paid. The readers' throughput counts both.

Reported per rate: /healthz req/s; the readers' req/s, its share of that /healthz, p50/p95;
the app's cache hit ratio (its X-Cache header) over the pages the writes did not touch
and over all pages; the writes achieved per second and their errors. Budgets: at least
90 % hits on untouched pages, and readers at least 0.5 × /healthz. Printed, and written to
bench/results/mixed.md. Loopback only; each rate takes about a minute.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import redis
from harness import (
    ROOT,
    Session,
    ensure_database,
    environment,
    gunicorn,
    make_sessions,
    prepare_database,
    published_pages,
    request,
    wrk,
)

RESULTS = ROOT / "bench" / "results"
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/diplomacy_bench"
HIT_BUDGET, SHARE_BUDGET = 0.90, 0.50
WRITERS = 8  # threads posting; enough that a slow post does not hold up the schedule


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", PG_DEFAULT))
    parser.add_argument("--redis-db", type=int, default=6, help="the Redis database number (flushed at the start)")
    parser.add_argument("--rates", default="0,1,5", help="write rates to measure, posts per second")
    parser.add_argument("--no-api", action="store_true", help="readers ask for the site's pages only, not the API")
    parser.add_argument("--duration", type=int, default=20, help="seconds of mixed load per rate (at most 120)")
    parser.add_argument("--connections", type=int, default=16, help="readers (one wrk thread each)")
    parser.add_argument("--topic", help="the slug of the topic the writers post to (default: the last demo topic)")
    parser.add_argument("--scale", type=float, default=1.0, help="generate_demo --scale")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (gthread)")
    parser.add_argument("--port", type=int, default=8775)
    args = parser.parse_args()
    rates = [float(rate) for rate in args.rates.split(",")]
    if args.connections < 2:
        parser.error("--connections must be at least 2 (one of them samples the cache's answers)")
    if not 1 <= args.duration <= 120:
        parser.error("--duration must be between 1 and 120 seconds")
    if not shutil.which("wrk"):
        print("mixed: wrk is not installed (Debian: apt-get install wrk).", file=sys.stderr)
        return 2

    redis_url = f"redis://127.0.0.1:6379/{args.redis_db}"
    env = environment(
        args.database_url,
        REDIS_URL=redis_url,
        DJANGO_LOG_LEVEL="WARNING",
        DIPLOMACY_ANNOTATION_RATE_LIMIT="100000",  # the writers post far more than 20 a minute each
        DIPLOMACY_API_RATE_LIMIT="100000000",  # wrk's readers are one address
    )
    print(
        f"== preparing {args.database_url} (generate_demo --scale {args.scale} adds only what is missing)", flush=True
    )
    started = time.monotonic()
    ensure_database(args.database_url)
    prepare_database(env, demo_scale=args.scale, show=True)
    print(f"== database ready in {time.monotonic() - started:.0f} s", flush=True)
    redis.Redis.from_url(redis_url).flushdb()

    topics, scenarios = published_pages(env)
    # The last demo topic by default: bench/run.py measures the first, and these posts stay out of its threads.
    demo = sorted(t for t in topics if t.startswith("/topics/demo-"))
    topic = f"/topics/{args.topic}/" if args.topic else (demo or topics)[-1]
    targets = [s for s in scenarios if s.startswith(topic)]
    if topic not in topics or not targets:
        parser.error(f"no published topic with scenarios at {topic}")
    # The API's list of topics, and its public annotations, all and by topic: the writers' topic's and
    # the unfiltered list are touched by every post.
    slug = topic.strip("/").split("/")[1]
    api = ["/api/v1/topics", "/api/v1/annotations"]
    api += [f"/api/v1/annotations?topic={t.strip('/').split('/')[1]}" for t in topics]
    touched = {topic, *targets, "/api/v1/annotations", f"/api/v1/annotations?topic={slug}"}
    pages = topics + scenarios + ([] if args.no_api else api)
    sessions = make_sessions(env, "mixed-writer", 50)
    print(f"== {len(pages):,} pages; writers post to the {len(targets)} scenarios of {topic}", flush=True)

    results = []
    with (
        tempfile.TemporaryDirectory(prefix="diplomacy-mixed-") as scratch,
        gunicorn(env, args.port, keep_alive=5, workers=args.workers, threads=args.threads) as app,
    ):
        paths = Path(scratch) / "paths.txt"
        paths.write_text("".join(f"{p} {'touched' if p in touched else 'untouched'}\n" for p in pages))
        for rate in rates:
            print(f"== {rate:g} writes/s: warming the cache (every page once)", flush=True)
            warm = _warm(args.port, pages)
            print(f"== {rate:g} writes/s: /healthz", flush=True)
            healthz = _wrk(args, "/healthz", ROOT / "bench" / "wrk.lua")
            print(f"== {rate:g} writes/s: readers for {args.duration} s", flush=True)
            cpu_before = _cpu_seconds(app.process.pid)
            with Writers(args.port, rate, targets, sessions) as writers:
                readers = _readers(args, paths)
            readers["app_cpu_s"] = _cpu_seconds(app.process.pid) - cpu_before
            results.append({"rate": rate, "warm": warm, "healthz": healthz, "readers": readers, **writers.summary()})
            _print_row(results[-1])
    report = _report(args, topic, len(targets), len(pages), len(touched & set(pages)), results)
    print(report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "mixed.md").write_text(report)
    return 0


def _cpu_seconds(master: int) -> float:
    """CPU time (user and system) the gunicorn workers have used so far (Linux)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == str(master):  # the parent's pid
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _wrk(args, path: str, script: Path, extra: dict[str, str] | None = None, connections: int = 0) -> dict:
    url = f"http://127.0.0.1:{args.port}{path}"
    connections = connections or args.connections
    return wrk(url, duration=args.duration, connections=connections, threads=connections, script=script, env=extra)


def _readers(args, paths: Path) -> dict:
    """All the readers' connections at once: one the sampler of X-Cache answers, the others reading none.
    Throughput is theirs together; latency, the readers' (the sampler's Lua adds to its own)."""
    script, env = ROOT / "bench" / "mixed.lua", {"BENCH_PATHS": str(paths)}
    with ThreadPoolExecutor(2) as pool:
        sampled = pool.submit(_wrk, args, "/", script, env | {"BENCH_SAMPLE": "1"}, 1)
        readers = _wrk(args, "/", script, env, args.connections - 1)
        sample = sampled.result()
    return readers | {
        "requests": readers["requests"] + sample["requests"],
        "rps": readers["rps"] + sample["rps"],
        "errors": readers["errors"] + sample["errors"],
        "error_kinds": {kind: n + sample["error_kinds"][kind] for kind, n in readers["error_kinds"].items()},
        "touched": sample["touched"],
        "untouched": sample["untouched"],
    }


def _warm(port: int, pages: list[str]) -> dict:
    """Ask for every page once, four at a time; how long it took and what came back."""
    started = time.monotonic()
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda path: request(port, "GET", path, timeout=30), pages))
    return {
        "seconds": time.monotonic() - started,
        "statuses": dict(Counter(r.status for r in answers)),
        "x_cache": dict(Counter(r.header("x-cache") or "none" for r in answers)),
    }


class Writers:
    """Signed-in users posting public annotations at a steady rate, round the given scenarios."""

    def __init__(self, port: int, rate: float, scenarios: list[str], sessions: list[Session]) -> None:
        self.port, self.rate, self.scenarios, self.sessions = port, rate, scenarios, sessions
        self.run = uuid.uuid4().hex[:8]
        self.statuses: Counter[int] = Counter()
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.pool = ThreadPoolExecutor(WRITERS)
        self.scheduler = threading.Thread(target=self._schedule, daemon=True)
        self.started = self.stopped = 0.0

    def __enter__(self) -> Writers:
        self.started = time.monotonic()
        if self.rate > 0:
            self.scheduler.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.stopped = time.monotonic()
        if self.scheduler.is_alive():
            self.scheduler.join(timeout=5)
        self.pool.shutdown(wait=True)  # each post gives up after 15 s

    def _schedule(self) -> None:
        n = 0
        while not self.stop.wait(max(0.0, self.started + n / self.rate - time.monotonic())):
            self.pool.submit(self._post, n)
            n += 1

    def _post(self, n: int) -> None:
        scenario = self.scenarios[n % len(self.scenarios)]
        body = urlencode({"kind": "note", "body": f"Mixed benchmark {self.run} note {n}", "is_public": "on"})
        status = request(
            self.port, "POST", scenario + "annotations/", body, self.sessions[n % len(self.sessions)]
        ).status
        with self.lock:
            self.statuses[status] += 1

    def summary(self) -> dict:
        seconds = max(self.stopped - self.started, 1e-6)
        saved = self.statuses.get(302, 0)
        return {
            "writes_per_s": saved / seconds,
            "writes": saved,
            "write_errors": sum(count for status, count in self.statuses.items() if status != 302),
            "write_statuses": dict(self.statuses),
        }


def _ratio(counts: dict) -> tuple[float, int]:
    total = counts["hit"] + counts["miss"] + counts["none"]
    return (counts["hit"] / total if total else 0.0), total


def _figures(result: dict) -> dict:
    r = result["readers"]
    untouched, untouched_n = _ratio(r["untouched"])
    both = {k: r["untouched"][k] + r["touched"][k] for k in ("hit", "miss", "none")}
    overall, _ = _ratio(both)
    return {
        "share": r["rps"] / result["healthz"]["rps"],
        "untouched": untouched,
        "untouched_n": untouched_n,
        "overall": overall,
        "touched": _ratio(r["touched"])[0],
        "touched_n": _ratio(r["touched"])[1],
    }


def _print_row(result: dict) -> None:
    f, r = _figures(result), result["readers"]
    print(
        f"   /healthz {result['healthz']['rps']:,.0f} req/s; readers {r['rps']:,.0f} req/s ({f['share']:.0%}), "
        f"p50 {r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms, {r['errors']} errors {_kinds(r)}; hits: untouched "
        f"{f['untouched']:.1%}, touched {f['touched']:.1%}, all {f['overall']:.1%}; writes "
        f"{result['writes_per_s']:.2f}/s, statuses {result['write_statuses']}; the app used "
        f"{r['app_cpu_s']:.1f} s of CPU, {r['app_cpu_s'] * 1000 / max(r['requests'], 1):.2f} ms a reader's request",
        flush=True,
    )


def _report(args, topic: str, targets: int, pages: int, touched: int, results: list[dict]) -> str:
    lines = [
        "### Mixed load: anonymous readers while writers post (PostgreSQL, generate_demo --scale 1, Redis cache)",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {os.cpu_count()} cores · gunicorn gthread, {args.workers} workers × {args.threads} threads · "
        f"readers: wrk {args.connections} connections (one thread each) × {args.duration} s, each request a random one "
        f"of the {pages:,} published topic and scenario pages{'' if args.no_api else ' and API addresses'} · "
        f"writers: public annotations to the {targets} "
        f"scenarios of {topic} · the cache warmed (every page once) before each rate",
        "",
        "| writes/s asked | /healthz req/s (right before) | readers req/s | share of /healthz | p50 ms | p95 ms "
        "| reader errors | hits, untouched pages | hits, touched pages (answers sampled) | hits, all pages | writes/s achieved "
        "| write errors |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        f, r = _figures(result), result["readers"]
        lines.append(
            f"| {result['rate']:g} | {result['healthz']['rps']:,.0f} | {r['rps']:,.0f} | {f['share']:.0%} "
            f"| {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['errors']} | {f['untouched']:.1%} | {f['touched']:.0%} ({f['touched_n']}) "
            f"| {f['overall']:.1%} | {result['writes_per_s']:.2f} | {result['write_errors']} |"
        )
    lines += [
        "",
        "Hits are the app's own cache answering (its X-Cache header), counted per page kind by one of the "
        "readers' connections, a sampler (the others read no answer: see bench/mixed.py); the pages "
        "the writes touch are the writers' topic page and its scenarios' pages, and the API's annotations of "
        f"that topic and of all ({touched} of {pages:,}). Warm-up before each rate: "
        + "; ".join(
            f"{result['rate']:g}/s: {result['warm']['seconds']:.0f} s, statuses {result['warm']['statuses']}, "
            f"X-Cache {result['warm']['x_cache']}"
            for result in results
        )
        + ".",
        "",
        "Budgets:",
        "",
    ]
    for result in results:
        f = _figures(result)
        rate = f"{result['rate']:g} writes/s"
        hits_ok = f["untouched"] >= HIT_BUDGET
        share_ok = f["share"] >= SHARE_BUDGET and result["readers"]["errors"] == 0
        lines.append(
            f"- {'met' if hits_ok else 'MISSED'}: {rate}: {f['untouched']:.1%} hits on untouched pages "
            f"(budget ≥ {HIT_BUDGET:.0%}; {f['untouched_n']:,} answers)"
        )
        lines.append(
            f"- {'met' if share_ok else 'MISSED'}: {rate}: readers at {f['share']:.2f}× /healthz "
            f"(budget ≥ {SHARE_BUDGET}×), {result['readers']['errors']} errors"
            + (f" {_kinds(result['readers'])}" if result["readers"]["errors"] else "")
        )
    return "\n".join(lines) + "\n"


def _kinds(readers: dict) -> str:
    """wrk's errors by kind ("status" is an answer other than 2xx or 3xx)."""
    kinds = {kind: count for kind, count in readers.get("error_kinds", {}).items() if count}
    return f"({', '.join(f'{kind} {count}' for kind, count in kinds.items())})" if kinds else ""


if __name__ == "__main__":
    sys.exit(main())
