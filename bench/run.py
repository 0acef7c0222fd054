"""The benchmark: gunicorn with production settings on loopback, wrk as the load, /healthz as the baseline.

    python bench/run.py --db sqlite            # seeded content in a SQLite file
    python bench/run.py --db postgres          # seeds + generate_demo --scale 1 on PostgreSQL

Each endpoint is measured for --duration seconds at --connections open connections, in
--rounds slices each right after /healthz for half as long (throughput on this shared
machine swings 2× within minutes); the table gives requests per second, p50/p95/p99
latency, errors, and throughput as a share of the /healthz beside it (the median of the
slices'); then again at --latency-connections for the latency budgets; then the anonymous
topic page through nginx (deploy/nginx, with its page cache) against gunicorn's /healthz
beside it. On SQLite the measured scenario is
first given a 1,000-annotation public thread. Estimates are saved by the BENCH_USERS signed-in
readers, each request the next reader's on an open topic drawn at random (on PostgreSQL the demo
topics, about 1,000 readers each), with the server's rate limit raised so that none is refused.
The what-if row asks for the measured topic's what-if page, each request a fresh combination of
three or more of its forces (bench/whatif.lua): never one the app caches. Replies are posted by
the same readers, each request the next reader's, to a public annotation of the posts' scenario
drawn at random (bench/reply.lua; on SQLite the scenario is first given REPLY_TARGETS public
annotations), with the server's annotation rate limit raised so that none is refused.
The API rows ask, anonymously, for /api/v1/topics and for a page from the middle of the measured
topic's public annotations (/api/v1/annotations?topic=…, the page reached by following `next`
halfway along), with the server's API rate limit raised so that none is refused (429).
Printed, and written to bench/results/<db>.md. Only loopback is ever targeted, and every run is
bounded in time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from statistics import median
from typing import NamedTuple
from urllib.parse import urlencode, urlsplit

from harness import (
    ROOT,
    django,
    ensure_database,
    environment,
    gunicorn,
    make_sessions,
    nginx,
    prepare_database,
    request,
    write_sessions,
    wrk,
)

RESULTS = ROOT / "bench" / "results"
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/diplomacy_bench"
BENCH_USERS = 1000
THREAD = 1000  # public annotations added to the measured scenario (SQLite) before measuring

# name, path, who: "anon" (cached for anonymous readers) or "user" (signed in: always rendered)
SQLITE_PAGES = "/topics/ukraine/", "/topics/ukraine/conflict-grinds-on/"
# demo-scenario-3: generate_demo makes the annotations of demo-scenario-1 all private and those
# of demo-scenario-2 all hidden (the same i % 20 and i % 100 on i % 1,000 scenarios); the third
# has a public thread of 1,000, like most.
PG_PAGES = "/topics/demo-topic-0001/", "/topics/demo-topic-0001/demo-scenario-3/"
# Posts go to a sibling of the measured scenario, so that the thread measured stays the same size.
SQLITE_POSTS = "/topics/ukraine/humanitarian-steps-and-partial-truce/annotations/"
PG_POSTS = "/topics/demo-topic-0001/demo-scenario-2/annotations/"
# Estimates are saved on the open published topics whose slugs start with this: the demo topics
# on PostgreSQL (about 1,000 readers each at scale 1), every seeded one on SQLite.
SQLITE_ESTIMATED = ""
PG_ESTIMATED = "demo-topic-"
ESTIMATES_PER_TOPIC = 5  # different numbers to save on each topic, so that saves move its community estimate
ESTIMATE_SCRIPT = ROOT / "bench" / "estimate.lua"
# The what-if row: the measured topic's what-if page, each request a fresh combination of forces.
WHATIF_SCRIPT = ROOT / "bench" / "whatif.lua"
# The server's DIPLOMACY_ESTIMATE_RATE_LIMIT: each benchmark reader saves far more than 5 a minute.
ESTIMATE_RATE_LIMIT = 1_000_000
# Replies go to the public, shown annotations (not replies) of the posts' scenario, at most this
# many of them (on SQLite, as many are added first): readers and annotations both rotate.
REPLY_TARGETS = 200
REPLY_SCRIPT = ROOT / "bench" / "reply.lua"
REPLY_BODY = urlencode({"body": "Benchmark reply: *agreed*, with [a source](https://example.org/)."})
# The server's DIPLOMACY_ANNOTATION_RATE_LIMIT (20 a minute): the readers rotate, but a burst of
# posts and replies must never be refused (wrk would count it an error, and it is not what is measured).
ANNOTATION_RATE_LIMIT = 1_000_000
# The server's DIPLOMACY_API_RATE_LIMIT (120 a minute per client address): wrk is one address.
API_RATE_LIMIT = 1_000_000
API_PAGES_MAX = 2_000  # `next` links followed at most, to find the middle page of the topic's annotations

# Budgets from the performance issues: (row, kind, limit). "ratio" is a share of /healthz at
# --connections, "p95" a latency at --latency-connections, "nginx" the anonymous topic page
# through nginx as a multiple of gunicorn's own /healthz measured right before it.
SQLITE_BUDGETS = [
    ("home (anonymous)", "ratio", 0.50),
    ("topic (anonymous)", "ratio", 0.50),
    ("scenario (anonymous)", "ratio", 0.50),
    ("home (signed in)", "ratio", 0.30),
    ("topic (signed in)", "ratio", 0.30),
    ("scenario (signed in)", "ratio", 0.20),
    ("what-if, a fresh combination", "ratio", 0.30),
    ("topic (anonymous) through nginx", "nginx", 5.0),
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
    ("post a reply", "p95", 100),
    ("save an estimate", "p95", 100),
    ("what-if, a fresh combination", "ratio", 0.30),
    ("API: topics", "p95", 50),
    ("API: annotations page", "p95", 50),
    ("topic (anonymous) through nginx", "nginx", 5.0),
]


class Endpoint(NamedTuple):
    name: str
    path: str
    sessions: Path | None = None  # signed in: each request the next session's
    body: str = ""  # posted when given
    targets: Path | None = None  # estimate.lua's "<path> <body>" lines: each request one of them, at random
    factors: str = ""  # whatif.lua's factor slugs, in order: each request a fresh combination of them
    replies: Path | None = None  # reply.lua's "/annotations/<pk>/reply/" lines: each request one of them, at random


class Replying(NamedTuple):
    """Where the benchmark posts replies: a file of reply addresses, one of them, how many, on which scenario."""

    targets: Path
    first: str
    annotations: int
    scenario: str


class ApiPage(NamedTuple):
    """The page of the measured topic's annotations the API row asks for: its address, which page, of how many."""

    path: str
    topic: str
    page: int
    pages: int


class Estimating(NamedTuple):
    """Where the benchmark saves estimates: a file of targets, how many topics, their median readers."""

    targets: Path
    first: str  # one target's path and body, to try before measuring
    body: str
    topics: int
    readers: int


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
    parser.add_argument(
        "--rounds", type=int, default=5, help="slices per row, each right after /healthz (the baseline beside it)"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="gthread")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765, help="gunicorn's; nginx listens on the next one")
    parser.add_argument("--redis", action="store_true", help="use the Redis on 127.0.0.1:6379 as the cache")
    parser.add_argument("--no-nginx", action="store_true", help="skip the row through nginx")
    parser.add_argument(
        "--only",
        action="append",
        metavar="ROW",
        help="measure only the rows whose names contain this (repeatable; /healthz is always measured, "
        "nginx only if named); the report is printed, not written to bench/results/",
    )
    args = parser.parse_args()
    if not 1 <= args.duration <= 60:
        parser.error("--duration must be between 1 and 60 seconds")
    if not 1 <= args.rounds <= args.duration:
        parser.error("--rounds must be between 1 and --duration (a slice lasts at least a second)")
    if not shutil.which("wrk"):
        print("bench: wrk is not installed (Debian: apt-get install wrk).", file=sys.stderr)
        return 2
    use_nginx = not args.no_nginx and bool(shutil.which("nginx") or Path("/usr/sbin/nginx").exists())
    use_nginx = use_nginx and _chosen(args, "topic (anonymous) through nginx")

    env = _environment(args)
    _prepare(env, args)
    topic, scenario = SQLITE_PAGES if args.db == "sqlite" else PG_PAGES
    signed_in = make_sessions(env, "bench-user", BENCH_USERS)
    sessions = write_sessions(signed_in, RESULTS / "sessions.txt")
    if args.db == "sqlite":
        _add_thread(env, scenario, THREAD)
    options = {"workers": args.workers, "threads": args.threads, "worker_class": args.worker_class}
    with (
        tempfile.TemporaryDirectory(prefix="diplomacy-bench-") as scratch,
        gunicorn(env, args.port, keep_alive=5, log_level="warning", **options) as server,
    ):
        estimating = _estimating(env, args.db, Path(scratch) / "estimates.txt")
        _try_estimate(args.port, estimating, signed_in[0])
        replying = _replying(env, args.db, Path(scratch) / "replies.txt") if _chosen(args, "post a reply") else None
        if replying:
            _try_reply(args.port, replying, signed_in[0])
        api_page = _api_page(args.port, topic) if _chosen(args, "API: annotations page") else None
        if _chosen(args, "API: topics"):
            _try_api(args.port, "/api/v1/topics")
        rows = _measure(args, env, sessions, estimating, replying, api_page)
        latency_args = argparse.Namespace(**{**vars(args), "connections": args.latency_connections})
        latency_rows = _measure(latency_args, env, sessions, estimating, replying, api_page, warm_up=False)
        nginx_rows = _measure_nginx(args, topic) if use_nginx else []
        rss = _worker_rss_mb(server.process.pid)
    report = _report(args, rows, latency_rows, nginx_rows, rss)
    print(report)
    if not args.only:  # a partial run leaves the full results as they are
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / f"{args.db}.md").write_text(report)
    return 0


def _chosen(args, name: str) -> bool:
    return not args.only or name.startswith("/healthz") or any(part in name for part in args.only)


def _environment(args) -> dict[str, str]:
    database_url = f"sqlite:///{ROOT / 'bench' / 'bench.sqlite3'}" if args.db == "sqlite" else args.database_url
    extra = {
        "DJANGO_LOG_LEVEL": "WARNING",
        "DIPLOMACY_ESTIMATE_RATE_LIMIT": str(ESTIMATE_RATE_LIMIT),
        "DIPLOMACY_ANNOTATION_RATE_LIMIT": str(ANNOTATION_RATE_LIMIT),
        "DIPLOMACY_API_RATE_LIMIT": str(API_RATE_LIMIT),
    }
    if args.redis:
        extra["REDIS_URL"] = "redis://127.0.0.1:6379/3"
    return environment(database_url, **extra)


def _prepare(env, args) -> None:
    print(f"== preparing the {args.db} database", flush=True)
    if args.db == "sqlite":  # a fresh file each run, so runs are comparable
        for leftover in (ROOT / "bench").glob("bench.sqlite3*"):
            leftover.unlink()
    else:
        ensure_database(args.database_url)
    prepare_database(env, demo_scale=1 if args.db == "postgres" else None, show=True)


THREAD_SCRIPT = """
from django.contrib.auth.models import User
from diplomacy.annotations.markdown import render_markdown
from diplomacy.annotations.models import Annotation
from diplomacy.scenarios.models import Scenario
scenario = Scenario.objects.get(topic__slug={topic!r}, slug={slug!r})
authors = list(User.objects.filter(username__startswith="bench-user-").values_list("pk", flat=True))
have = Annotation.objects.filter(scenario=scenario, body__startswith="Benchmark thread").count()
body = "Benchmark thread: a note with **some** weight, and [a link](https://example.org/)."
html = render_markdown(body)
Annotation.objects.bulk_create(
    Annotation(scenario=scenario, author_id=authors[n % len(authors)], body=body, body_html=html, is_public=True)
    for n in range(have, {count})
)
"""


def _add_thread(env, scenario: str, count: int) -> None:
    """Give the measured scenario a long public thread, as a popular one would have."""
    topic_slug, slug = scenario.strip("/").split("/")[1:3]
    print(f"== adding {count:,} public annotations to {scenario}", flush=True)
    django(env, THREAD_SCRIPT.format(topic=topic_slug, slug=slug, count=count))


def _thread_size(env, scenario: str) -> int:
    """How many public, shown annotations the scenario has now."""
    topic_slug, slug = scenario.strip("/").split("/")[1:3]
    code = (
        "from diplomacy.annotations.models import Annotation\n"
        f"print(Annotation.objects.filter(scenario__topic__slug={topic_slug!r}, scenario__slug={slug!r}, "
        "is_public=True, state=Annotation.State.SHOWN).count())\n"
    )
    return int(django(env, code).strip())


TARGETS_SCRIPT = """
import json
from statistics import median
from django.urls import reverse
from diplomacy.forecasts.models import Community, Resolution
from diplomacy.scenarios.models import Scenario, Topic
resolved = Resolution.objects.standing().values("topic")
topics = Topic.objects.published().filter(slug__startswith={prefix!r}).exclude(pk__in=resolved).order_by("pk")
rows = []
for topic in topics:
    scenarios = Scenario.objects.filter(topic=topic, is_published=True).order_by("outcome__order")
    if slugs := list(scenarios.values_list("slug", flat=True)):
        rows.append([reverse("topic_estimate", kwargs={{"topic": topic.slug}}), slugs])
readers = Community.objects.filter(topic__in=topics).values_list("readers", flat=True)
print(json.dumps({{"targets": rows, "readers": median(readers) if readers else 0}}))
"""


def _estimating(env, db: str, path: Path) -> Estimating:
    """Estimates to save, ESTIMATES_PER_TOPIC on each open topic (whole numbers adding up to 100),
    written as estimate.lua reads them."""
    found = json.loads(django(env, TARGETS_SCRIPT.format(prefix=SQLITE_ESTIMATED if db == "sqlite" else PG_ESTIMATED)))
    if not found["targets"]:
        raise SystemExit("bench: no open published topic to save estimates on")
    rng = random.Random(1)  # noqa: S311 (made-up numbers, not secrets)
    lines = []
    for address, slugs in found["targets"]:
        for _ in range(ESTIMATES_PER_TOPIC):
            cuts = sorted(rng.randint(0, 100) for _ in slugs[1:])
            numbers = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
            fields = {f"outcome-{slug}": n for slug, n in zip(slugs, numbers, strict=True)}
            lines.append((address, urlencode(fields | {"reason": "Benchmark estimate"})))
    path.write_text("".join(f"{address} {body}\n" for address, body in lines))
    return Estimating(path, lines[0][0], lines[0][1], len(found["targets"]), round(found["readers"]))


REPLY_TARGETS_SCRIPT = """
from django.urls import reverse
from diplomacy.annotations.models import Annotation
rows = Annotation.objects.filter(scenario__topic__slug={topic!r}, scenario__slug={slug!r}).roots().for_everyone()
pks = rows.standing().order_by("-created_at", "-pk").values_list("pk", flat=True)[:{count}]
print("\\n".join(reverse("annotation_reply", kwargs={{"pk": pk}}) for pk in pks))
"""


def _replying(env, db: str, path: Path) -> Replying:
    """Up to REPLY_TARGETS public annotations of the posts' scenario to reply to (on SQLite, whose
    seeds have few there, as many are added first), written as reply.lua reads them."""
    scenario = (SQLITE_POSTS if db == "sqlite" else PG_POSTS).removesuffix("annotations/")
    topic_slug, slug = scenario.strip("/").split("/")[1:3]
    if db == "sqlite":
        _add_thread(env, scenario, REPLY_TARGETS)
    found = django(env, REPLY_TARGETS_SCRIPT.format(topic=topic_slug, slug=slug, count=REPLY_TARGETS)).split()
    if not found:
        raise SystemExit(f"bench: no public annotation on {scenario} to reply to")
    path.write_text("".join(f"{address}\n" for address in found))
    return Replying(path, found[0], len(found), scenario)


def _try_reply(port: int, replying: Replying, session) -> None:
    """One reply before measuring: wrk counts a refusal as an error, but not why."""
    answer = request(port, "POST", replying.first, REPLY_BODY, session=session)
    if answer.status != 302 or not re.search(r"/annotations/\d+/$", answer.header("location")):
        raise SystemExit(f"bench: replying on {replying.first} answered {answer.status}:\n{answer.text[:2000]}")


def _try_api(port: int, path: str) -> dict:
    """One API request before measuring (wrk counts a refusal as an error, but not why): its JSON."""
    answer = request(port, "GET", path)
    if answer.status != 200 or not answer.header("content-type").startswith("application/json"):
        raise SystemExit(f"bench: {path} answered {answer.status}:\n{answer.text[:2000]}")
    return json.loads(answer.text)


def _api_page(port: int, topic: str) -> ApiPage:
    """The middle page of the topic's public annotations in the API, found the way a client finds
    it: following `next` from the first page (the addresses only, on this server: `next` names the
    site's own address, DIPLOMACY_SITE_URL)."""
    slug = topic.strip("/").split("/")[1]
    pages = [f"/api/v1/annotations?{urlencode({'topic': slug})}"]
    while len(pages) <= API_PAGES_MAX and (following := _try_api(port, pages[-1])["next"]):
        address = urlsplit(following)
        pages.append(f"{address.path}?{address.query}")
    middle = len(pages) // 2
    print(f"== the API's annotations of {slug}: {len(pages)} pages, measuring page {middle + 1}", flush=True)
    return ApiPage(pages[middle], slug, middle + 1, len(pages))


FACTORS_SCRIPT = """
from diplomacy.scenarios.models import Factor
acting = Factor.objects.filter(influences__scenario__topic__slug={topic!r}, influences__scenario__is_published=True)
print(" ".join(acting.distinct().order_by("order", "name").values_list("slug", flat=True)))
"""


def _factors(env, topic: str) -> str:
    """The slugs of the factors acting on the topic at this path, in their order."""
    factors = django(env, FACTORS_SCRIPT.format(topic=topic.strip("/").split("/")[1])).strip()
    if len(factors.split()) < 3:
        raise SystemExit(f"bench: fewer than three factors act on {topic}; the what-if row needs three")
    return factors


def _try_estimate(port: int, estimating: Estimating, session) -> None:
    """One save before measuring: wrk counts a refusal as an error, but not why."""
    answer = request(port, "POST", estimating.first, estimating.body, session=session)
    if answer.status != 302 or "#your-estimate" not in answer.header("location"):
        raise SystemExit(
            f"bench: saving an estimate on {estimating.first} answered {answer.status}:\n{answer.text[:2000]}"
        )


def _wrk(
    args,
    path: str,
    *,
    port: int | None = None,
    sessions: Path | None = None,
    post_body: str = "",
    targets: Path | None = None,
    factors: str = "",
    replies: Path | None = None,
    duration: float | None = None,
) -> dict:
    extra = {}
    if sessions:
        extra["BENCH_SESSIONS"] = str(sessions)
    if post_body:
        extra |= {"BENCH_METHOD": "POST", "BENCH_BODY": post_body}
    options = {}
    if targets:
        extra["BENCH_TARGETS"] = str(targets)
        options["script"] = ESTIMATE_SCRIPT
    if factors:
        extra["BENCH_FACTORS"] = factors
        options["script"] = WHATIF_SCRIPT
    if replies:
        extra["BENCH_REPLY_TARGETS"] = str(replies)
        options["script"] = REPLY_SCRIPT
    url = f"http://127.0.0.1:{port or args.port}{path}"
    return wrk(url, duration=duration or args.duration, connections=args.connections, env=extra, **options)


def _measure(
    args,
    env,
    sessions: Path,
    estimating: Estimating,
    replying: Replying | None,
    api_page: ApiPage | None,
    warm_up: bool = True,
) -> list[tuple[str, str, dict]]:
    topic, scenario = SQLITE_PAGES if args.db == "sqlite" else PG_PAGES
    posts = SQLITE_POSTS if args.db == "sqlite" else PG_POSTS
    endpoints = [
        Endpoint("/healthz (baseline)", "/healthz"),
        Endpoint("home (anonymous)", "/"),
        Endpoint("topic (anonymous)", topic),
        Endpoint("scenario (anonymous)", scenario),
        Endpoint("home (signed in)", "/", sessions),
        Endpoint("topic (signed in)", topic, sessions),
        Endpoint("scenario (signed in)", scenario, sessions),
        Endpoint("explorer, filtered", "/scenarios/?outcome=no-agreement&min=20&sort=likelihood"),
        Endpoint("explorer, text search", "/scenarios/?q=sanctions+relief"),
        Endpoint("post an annotation", posts, sessions, "kind=note&body=Benchmark+note&is_public=on"),
        Endpoint(
            "post a reply",
            replying.first if replying else "",
            sessions,
            REPLY_BODY,
            replies=replying.targets if replying else None,
        ),
        Endpoint("save an estimate", estimating.first, sessions, targets=estimating.targets),
        Endpoint("what-if, a fresh combination", f"{topic}what-if/", factors=_factors(env, topic)),
        Endpoint("API: topics", "/api/v1/topics"),
        Endpoint("API: annotations page", api_page.path if api_page else ""),
    ]
    endpoints = [endpoint for endpoint in endpoints if _chosen(args, endpoint.name)]
    if warm_up:
        print("== warming up (compiled templates, open connections, filled caches)", flush=True)
        warm = argparse.Namespace(**{**vars(args), "duration": 1})
        for endpoint in reversed(endpoints):  # writes first, so they settle before reads
            options = {"sessions": endpoint.sessions, "post_body": endpoint.body, "targets": endpoint.targets}
            _wrk(warm, endpoint.path, factors=endpoint.factors, replies=endpoint.replies, **options)
    thread = _thread_size(env, scenario)
    rows = []
    for name, path, session_file, body, targets, factors, replies in endpoints:
        where = f"{estimating.topics} topics" if targets else path
        if replies and replying:
            where = f"{replying.annotations} annotations of {replying.scenario}"
        print(f"== {name}: {where} ({args.connections} connections)", flush=True)
        if path == "/healthz":
            result = _wrk(args, path)
        else:
            options = {"sessions": session_file, "post_body": body, "targets": targets, "factors": factors}
            result = _beside_healthz(args, path, replies=replies, **options)
        if name.startswith("scenario"):
            result["thread"] = thread
        if targets:
            result |= {"topics": estimating.topics, "readers": estimating.readers}
        if replies and replying:
            result |= {"replied": replying.annotations, "on": replying.scenario}
        if api_page and path == api_page.path:
            result |= {"api_page": api_page.page, "api_pages": api_page.pages, "api_topic": api_page.topic}
        rows.append((name, path, result))
    # The baseline again at the end, to show how much the machine moved during the run.
    print("== /healthz again", flush=True)
    rows.append(("/healthz (baseline, again)", "/healthz", _wrk(args, "/healthz")))
    return rows


def _beside_healthz(args, path: str, *, port: int | None = None, **options) -> dict:
    """The endpoint measured in --rounds slices, each right after /healthz for half as long.

    Throughput on this shared machine swings 2× within minutes and sometimes within seconds,
    so the share of /healthz is the median of the slices' shares, each taken from two runs a
    second apart. Requests per second add up over the slices; the latency percentiles shown
    are the medians of the slices' own (near enough, and steadier than any one slice)."""
    page_seconds = max(1, round(args.duration / args.rounds))
    healthz_seconds = max(1, page_seconds // 2)
    pages, baselines = [], []
    for _ in range(args.rounds):
        baselines.append(_wrk(args, "/healthz", duration=healthz_seconds))
        pages.append(_wrk(args, path, port=port, duration=page_seconds, **options))
    result = _combine(pages)
    result["healthz"] = _combine(baselines)
    result["share"] = median(p["rps"] / b["rps"] for p, b in zip(pages, baselines, strict=True))
    return result


def _combine(slices: list[dict]) -> dict:
    requests, seconds = sum(r["requests"] for r in slices), sum(r["seconds"] for r in slices)
    return {
        "requests": requests,
        "seconds": seconds,
        "rps": requests / seconds,
        "errors": sum(r["errors"] for r in slices),
        **{key: median(r[key] for r in slices) for key in ("p50_ms", "p95_ms", "p99_ms")},
    }


def _measure_nginx(args, topic: str) -> list[tuple[str, str, dict]]:
    """The anonymous topic page through nginx with its page cache (deploy/nginx), against
    gunicorn's own /healthz measured right before each slice of it: what the proxy cache buys."""
    nginx_port = args.port + 1
    with nginx(args.port, nginx_port, worker_processes="auto") as proxy:
        for _ in range(3):  # fill the cache (and show what it says)
            probe = request(proxy.port, "GET", topic)
        print(f"== through nginx: {topic} answers {probe.status}, X-Cache-Status {probe.header('x-cache-status')!r}, "
              f"Cache-Control {probe.header('cache-control')!r}", flush=True)  # fmt: skip
        print(f"== {topic} through nginx, beside /healthz on gunicorn ({args.connections} connections)", flush=True)
        page = _beside_healthz(args, topic, port=proxy.port)
        page["cache_status"] = probe.header("x-cache-status") or "absent"
    return [("topic (anonymous) through nginx", topic, page)]


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


def _label(name: str, r: dict) -> str:
    """A row's name, saying how long the thread was for the scenario rows, and on how many
    topics of how many readers estimates were saved."""
    if "thread" in r:
        return f"{name}, {r['thread']:,}-annotation thread"
    if "topics" in r:
        return f"{name}, {r['topics']} topics of ~{r['readers']:,} readers"
    if "replied" in r:
        return f"{name}, to {r['replied']} annotations of {r['on']}"
    if "api_page" in r:
        return f"{name}, {r['api_topic']}'s, page {r['api_page']} of {r['api_pages']}"
    return name


def _report(args, rows, latency_rows, nginx_rows, rss: float) -> str:
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
        "| endpoint | req/s | p50 ms | p95 ms | p99 ms | errors | /healthz req/s beside it | share of it |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, _path, r in rows:
        before = r.get("healthz")
        baseline = f"{before['rps']:,.0f} | {r['share']:.0%}" if before else "— | —"
        lines.append(
            f"| {_label(name, r)} | {r['rps']:,.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} "
            f"| {r['errors']} | {baseline} |"
        )
    if args.db == "sqlite":
        lines += [
            "",
            f"The scenario rows are measured on {SQLITE_PAGES[1]}, to which {THREAD:,} public annotations were "
            f"added before measuring; the post row posts to a sibling ({SQLITE_POSTS.removesuffix('annotations/')}).",
        ]
    lines += [
        "",
        f"Latency at {args.latency_connections} connections (a busy server, not a saturated one; at "
        f"{args.connections} the p95 above is mostly time spent queueing for the two cores):",
        "",
        "| endpoint | req/s | p50 ms | p95 ms | p99 ms | errors | /healthz p95 ms beside it |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, _path, r in latency_rows:
        before = r.get("healthz")
        baseline = f"{before['p95_ms']:.1f}" if before else "—"
        lines.append(
            f"| {_label(name, r)} | {r['rps']:,.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} "
            f"| {r['errors']} | {baseline} |"
        )
    if nginx_rows:
        lines += [
            "",
            f"Through nginx (deploy/nginx/diplomacy.conf.template, its page cache on), {args.connections} connections, "
            "against gunicorn's own /healthz measured beside it:",
            "",
            "| endpoint | req/s | p50 ms | p95 ms | p99 ms | errors | X-Cache-Status | gunicorn /healthz req/s "
            "beside it | × that |",
            "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
        ]
        for name, _path, r in nginx_rows:
            lines.append(
                f"| {name} | {r['rps']:,.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} "
                f"| {r['errors']} | {r['cache_status']} | {r['healthz']['rps']:,.0f} | {r['share']:.1f}× |"
            )
    lines += ["", f"Largest gunicorn worker after the run: {rss:.0f} MB resident.", "", "Budgets:", ""]
    results = {name: r for name, _path, r in rows}
    latencies = {name: r for name, _path, r in latency_rows}
    proxied = {name: r for name, _path, r in nginx_rows}
    for name, kind, limit in SQLITE_BUDGETS if args.db == "sqlite" else PG_BUDGETS:
        if not _chosen(args, name):
            lines.append(f"- not measured: {name} (--only)")
            continue
        if kind == "nginx":
            if not nginx_rows:
                lines.append(f"- not measured: {name} (nginx is not installed, or --no-nginx)")
                continue
            r = proxied[name]
            value = r["share"]
            met, shown = value >= limit, f"{value:.1f}× gunicorn's /healthz beside it (budget ≥ {limit:.0f}×)"
        elif kind == "ratio":
            r = results[name]
            value = r["share"]
            met, shown = value >= limit, f"{value:.1%} of /healthz beside it (budget ≥ {limit:.0%})"
        else:
            r = latencies[name]
            value = r["p95_ms"]
            met, shown = value < limit, f"p95 {value:.1f} ms (budget < {limit} ms)"
        lines.append(
            f"- {'met' if met and r['errors'] == 0 else 'MISSED'}: {_label(name, r)}: {shown}, {r['errors']} errors"
        )
    lines.append(f"- {'met' if rss < 150 else 'MISSED'}: worker memory {rss:.0f} MB (budget < 150 MB)")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
