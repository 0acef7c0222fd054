"""nginx harness: the page cache of deploy/nginx/diplomacy.conf.template in front of gunicorn, checked.

    python bench/nginx.py [--database-url postgres://…/diplomacy_harness_nginx] [--max-age 3]
    python bench/nginx.py --mutate drop-sessionid    # the session bypass removed: check (b) must fail
    python bench/nginx.py --mutate drop-sessionid-and-vary   # and Vary ignored: (b) shows the leak
    python bench/nginx.py --mutate cache-everything  # every address through the cache: (i) must fail

gunicorn serves the app under production settings on PostgreSQL (a scratch database,
dropped and made afresh) with DIPLOMACY_PAGE_MAX_AGE small; nginx runs in front of it
from the production template rendered for plain HTTP on 127.0.0.1 (bench/harness.py).
Each check prints met or FAILED with its evidence; the exit status is 1 if any failed:

  (a) an anonymous topic page, asked again, is answered by nginx (X-Cache-Status: HIT)
      and gunicorn's access log shows it was not asked;
  (b) a signed-in user gets their own page (their name, not from the cache), and an
      anonymous reader right after gets the anonymous page: the signed-in one was never stored;
  (c) the explorer asked by htmx (HX-Request) gets the fragment, asked plainly the page, and
      a history restore the page; each from the cache when asked again;
  (d) a public annotation posted on a scenario is seen by an anonymous reader of that
      scenario within max-age, plus at most the one stale answer stale-while-revalidate allows;
  (e) anonymous pages through nginx carry Cache-Control: public, max-age=<DIPLOMACY_PAGE_MAX_AGE>,
      stale-while-revalidate, an ETag, and no Set-Cookie;
  (f) signed-in pages carry Cache-Control: private, no-cache (or no-store);
  (g) a conditional GET with the page's ETag is answered 304;
  (h) hashed static files come from disk with a year's immutable caching, not from gunicorn;
  (i) the feeds, the sitemap, a preview image and a thread asked by htmx are cached too, while
      the login page and /healthz never go near the cache (no X-Cache-Status), so that
      concurrent requests for them are not queued behind the cache lock;
  (j) a what-if the site links to (one force moved) is cached, while an invented one (three
      forces moved, or a made-up parameter) is never stored: the app marks it private.

Loopback only; it takes about half a minute and stops by itself.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

from harness import (
    Response,
    Session,
    Site,
    environment,
    fresh_database,
    make_sessions,
    prepare_database,
    published_pages,
    request,
    serve,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/diplomacy_harness_nginx"
EXPLORER = "/scenarios/?q=sanctions"
HTMX = {"HX-Request": "true"}
MUTATIONS: dict[str, Callable[[str], str]] = {
    # The session cookie no longer makes a request personal (only the messages cookie does).
    "drop-sessionid": lambda conf: conf.replace('map "$cookie_sessionid$cookie_messages"', 'map "$cookie_messages"'),
    # The same, and the app's Vary: Cookie ignored: what is left to keep a signed-in page private.
    "drop-sessionid-and-vary": lambda conf: conf.replace(
        'map "$cookie_sessionid$cookie_messages"', 'map "$cookie_messages"'
    ).replace(
        "proxy_cache $diplomacy_page_cache;", "proxy_cache $diplomacy_page_cache;\n        proxy_ignore_headers Vary;"
    ),
    # Every address through the cache: check (i) must see the login page queued behind the lock.
    "cache-everything": lambda conf: re.sub(r"(\n    default\s+)off;", r"\1diplomacy_pages;", conf, count=1),
}


class Checks:
    """Results by letter, printed as they come."""

    def __init__(self) -> None:
        self.failed: list[str] = []

    def record(self, name: str, ok: bool, evidence: str) -> None:
        print(f"{'met' if ok else 'FAILED'}: {name}\n    {evidence}", flush=True)
        if not ok:
            self.failed.append(name.split(")")[0] + ")")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--max-age", type=int, default=3, help="DIPLOMACY_PAGE_MAX_AGE for the app, seconds")
    parser.add_argument("--port", type=int, default=8771, help="gunicorn's; nginx listens on the next one")
    parser.add_argument("--mutate", choices=sorted(MUTATIONS), help="break the nginx configuration on purpose")
    args = parser.parse_args()

    env = environment(
        args.database_url,
        DIPLOMACY_PAGE_MAX_AGE=str(args.max_age),
        DJANGO_BEHIND_PROXY="1",  # as in production: nginx sets X-Forwarded-Proto
        DIPLOMACY_ANNOTATION_RATE_LIMIT="1000",
    )
    print("== preparing a scratch database", flush=True)
    fresh_database(args.database_url)
    prepare_database(env)
    topics, scenarios = published_pages(env)
    sessions = make_sessions(env, "harness-nginx", 2)
    checks = Checks()
    edit = _mutation(args.mutate) if args.mutate else None
    print(f"== gunicorn on 127.0.0.1:{args.port}, nginx on 127.0.0.1:{args.port + 1}", flush=True)
    with (
        tempfile.TemporaryDirectory(prefix="diplomacy-harness-") as scratch,
        serve(
            env,
            args.port,
            nginx_port=args.port + 1,
            nginx_edit=edit,
            access_log=Path(scratch) / "access.log",
        ) as site,
    ):
        if args.mutate:
            print(f"== MUTATED configuration: {args.mutate}", flush=True)
        check_repeat_is_a_hit(checks, site, topics[0])
        check_signed_in_never_shared(checks, site, topics[1], topics[2], sessions[0])
        check_htmx_variants(checks, site)
        check_annotation_seen(checks, site, scenarios[0], sessions[1], args.max_age)
        check_anonymous_headers(checks, site, [topics[3], scenarios[1]], scenarios[2:4], args.max_age)
        check_signed_in_headers(checks, site, topics[4], sessions[0])
        check_conditional_get(checks, site, topics[5])
        check_static(checks, site)
        check_other_addresses(checks, site, topics[0], scenarios[4])
        check_whatif(checks, site, topics[0])
    print("nginx harness: " + (f"FAILED {', '.join(checks.failed)}" if checks.failed else "every check met"))
    return 1 if checks.failed else 0


def _mutation(name: str) -> Callable[[str], str]:
    """The named break, refusing to run a harness that would look mutated but is not."""

    def edit(conf: str) -> str:
        changed = MUTATIONS[name](conf)
        if changed == conf:
            raise SystemExit(f"nginx harness: the mutation {name} found nothing to change in the configuration")
        return changed

    return edit


def _status(response: Response) -> str:
    return response.header("x-cache-status") or "absent"


def _user_shown(response: Response) -> str | None:
    found = re.search(r"Log out ([\w.@+-]+)", response.text)
    return found.group(1) if found else None


def check_repeat_is_a_hit(checks: Checks, site: Site, topic: str) -> None:
    port = site.port
    first = request(port, "GET", topic)
    asked_before = site.gunicorn.requests_for(topic)
    repeats = [request(port, "GET", topic) for _ in range(20)]
    asked_after = site.gunicorn.requests_for(topic)
    statuses = [_status(r) for r in repeats]
    ok = first.status == 200 and all(r.status == 200 for r in repeats) and set(statuses) == {"HIT"}
    ok = ok and asked_after == asked_before
    checks.record(
        "(a) an anonymous page asked again is served by nginx, not gunicorn",
        ok,
        f"{topic}: first {first.status} {_status(first)}; 20 repeats: {_counts(statuses)}; "
        f"gunicorn's access log has {asked_before} request(s) for it before the repeats and {asked_after} after",
    )


def check_signed_in_never_shared(checks: Checks, site: Site, cached: str, fresh: str, session: Session) -> None:
    port = site.port
    # 1. The anonymous page is in the cache; a signed-in user must still get their own.
    request(port, "GET", cached)
    anonymous = request(port, "GET", cached)
    mine = request(port, "GET", cached, session=session)
    # 2. A page nobody has asked for yet, asked first by the signed-in user: an anonymous
    #    reader right after must not get the signed-in copy.
    mine_first = request(port, "GET", fresh, session=session)
    after = [request(port, "GET", fresh) for _ in range(2)]
    ok = (
        _status(anonymous) == "HIT"
        and mine.status == 200
        and _user_shown(mine) == session.username
        and _status(mine) in ("BYPASS", "absent")
        and mine_first.status == 200
        and _user_shown(mine_first) == session.username
        and _status(mine_first) in ("BYPASS", "absent")
        and all(r.status == 200 and _user_shown(r) is None for r in after)
    )
    checks.record(
        "(b) a signed-in user gets their own page, and it is never stored for others",
        ok,
        f"{cached}: anonymous {_status(anonymous)}, then {session.username}: {mine.status} {_status(mine)}, "
        f"shows {_user_shown(mine)!r}; {fresh}: {session.username} first: {mine_first.status} {_status(mine_first)}, "
        f"shows {_user_shown(mine_first)!r}; anonymous right after: "
        + ", ".join(f"{r.status} {_status(r)} shows {_user_shown(r)!r}" for r in after),
    )


def _is_page(response: Response) -> bool:
    return "<html" in response.text.lower()


def check_htmx_variants(checks: Checks, site: Site) -> None:
    port = site.port
    variants = {
        "htmx": (HTMX, False),
        "plain": ({}, True),
        "history restore": (HTMX | {"HX-History-Restore-Request": "true"}, True),
    }
    evidence, ok = [], True
    for _round in ("first", "again"):
        for name, (headers, wants_page) in variants.items():
            r = request(port, "GET", EXPLORER, headers=headers)
            right = r.status == 200 and _is_page(r) == wants_page and (_round == "first" or _status(r) == "HIT")
            ok = ok and right
            evidence.append(f"{_round} {name}: {r.status} {'page' if _is_page(r) else 'fragment'} {_status(r)}")
    checks.record(
        "(c) htmx gets the fragment and a plain GET the page, each from the cache on repeat",
        ok,
        f"{EXPLORER}: " + "; ".join(evidence),
    )


def check_annotation_seen(checks: Checks, site: Site, scenario: str, session: Session, max_age: int) -> None:
    port = site.port
    request(port, "GET", scenario)
    cached = request(port, "GET", scenario)
    body = f"nginx harness note {uuid.uuid4().hex[:12]}"
    form = urlencode({"kind": "note", "body": body, "is_public": "on"})
    posted = request(port, "POST", scenario + "annotations/", form, session)
    started = time.monotonic()
    polls: list[tuple[float, str, bool]] = []  # (seconds after the post, X-Cache-Status, shows the note)
    swr = _directive(cached.header("cache-control"), "stale-while-revalidate") or 0
    while time.monotonic() - started < max_age + swr + 10:
        r = request(port, "GET", scenario)
        polls.append((time.monotonic() - started, _status(r), body in r.text))
        if polls[-1][2]:
            break
        time.sleep(0.2)
    seen_after = next((t for t, _, shown in polls if shown), None)
    # Answers without the note sent after the stored copy had certainly expired: max-age
    # after the post, plus a second because nginx keeps time in whole seconds (a copy stored
    # at 10.9 s with max-age 3 is fresh until 14.0 s). stale-while-revalidate allows one.
    late = [(t, status) for t, status, shown in polls if not shown and t > max_age + 1.2]
    ok = posted.status == 302 and seen_after is not None and len(late) <= 1
    checks.record(
        "(d) a public annotation is seen by anonymous readers within max-age (+ one stale answer)",
        ok,
        f"{scenario}: cached copy {_status(cached)}; post answered {posted.status}; "
        + (f"seen {seen_after:.1f} s after the post" if seen_after is not None else "never seen")
        + f" (max-age {max_age} s); {len(polls)} polls, "
        f"answers without it after max-age: {', '.join(f'{s} at {t:.1f} s' for t, s in late) or 'none'}",
    )


def _directive(cache_control: str, name: str) -> int | None:
    found = re.search(rf"(?:^|[,\s]){name}=(\d+)", cache_control)
    return int(found.group(1)) if found else None


def check_anonymous_headers(checks: Checks, site: Site, pages: list[str], scenarios: list[str], max_age: int) -> None:
    port = site.port
    compare = "/compare/?" + urlencode([("s", s.strip("/").removeprefix("topics/")) for s in scenarios])
    wrong, seen = [], []
    for path in ["/", "/topics/", *pages, "/scenarios/", compare]:
        for attempt in ("first", "again"):
            r = request(port, "GET", path)
            cc = r.header("cache-control")
            problems = [
                *([] if r.status == 200 else [f"status {r.status}"]),
                *([] if "public" in cc.lower() else ["not public"]),
                *([] if _directive(cc, "max-age") == max_age else [f"max-age {_directive(cc, 'max-age')}"]),
                *([] if _directive(cc, "stale-while-revalidate") is not None else ["no stale-while-revalidate"]),
                *([] if r.header("etag") else ["no ETag"]),
                *([] if not r.header("set-cookie") else ["Set-Cookie"]),
            ]
            seen.append(f"{path} {attempt} {_status(r)}")
            if problems:
                wrong.append(f"{path} ({attempt}, {_status(r)}): {', '.join(problems)}; Cache-Control {cc!r}")
    sample = request(port, "GET", "/")
    checks.record(
        "(e) anonymous pages: Cache-Control public with max-age and stale-while-revalidate, an ETag, no Set-Cookie",
        not wrong,
        f"{len(seen)} answers checked; "
        + ("; ".join(wrong[:6]) + (f"; … {len(wrong) - 6} more" if len(wrong) > 6 else "") if wrong else "all right")
        + f". / answers Cache-Control {sample.header('cache-control')!r}, ETag {sample.header('etag')!r}",
    )


def check_signed_in_headers(checks: Checks, site: Site, topic: str, session: Session) -> None:
    r = request(site.port, "GET", topic, session=session)
    cc = r.header("cache-control").lower()
    ok = r.status == 200 and ("no-store" in cc or ("private" in cc and "no-cache" in cc)) and "public" not in cc
    checks.record(
        "(f) signed-in pages: Cache-Control private, no-cache (or stricter)",
        ok,
        f"{topic} as {session.username}: {r.status}, Cache-Control {r.header('cache-control')!r}",
    )


def check_conditional_get(checks: Checks, site: Site, topic: str) -> None:
    port = site.port
    first = request(port, "GET", topic)
    etag = first.header("etag")
    again = request(port, "GET", topic, headers={"If-None-Match": etag}) if etag else None
    ok = again is not None and again.status == 304 and not again.text
    checks.record(
        "(g) a conditional GET with the ETag is answered 304",
        ok,
        f"{topic}: ETag {etag!r}; with If-None-Match: "
        + (f"{again.status} {_status(again)}, {len(again.text)} bytes" if again else "not tried (no ETag)"),
    )


def check_static(checks: Checks, site: Site) -> None:
    port = site.port
    page = request(port, "GET", "/")
    found = re.search(r'(/static/[^"\']+\.[0-9a-f]{12}\.css)', page.text)
    if not found:
        checks.record("(h) hashed static files come from disk", False, "no hashed stylesheet linked from /")
        return
    path = found.group(1)
    r = request(port, "GET", path)
    cc = r.header("cache-control")
    ok = r.status == 200 and "immutable" in cc and "max-age=31536000" in cc and site.gunicorn.requests_for(path) == 0
    checks.record(
        "(h) hashed static files come from disk with a year's immutable caching",
        ok,
        f"{path}: {r.status}, Cache-Control {cc!r}, {len(r.text)} characters; "
        f"gunicorn asked {site.gunicorn.requests_for(path)} time(s)",
    )


def check_other_addresses(checks: Checks, site: Site, topic: str, scenario: str) -> None:
    port = site.port
    cached = {
        "/feeds/scenarios.atom": {},
        "/feeds/annotations.atom": {},
        topic + "annotations.atom": {},
        "/sitemap.xml": {},
        scenario + "preview.png": {},
        scenario + "annotations/": HTMX | {"HX-Target": "thread"},
    }
    evidence, ok = [], True
    for path, headers in cached.items():
        request(port, "GET", path, headers=headers)
        r = request(port, "GET", path, headers=headers)
        ok = ok and r.status == 200 and _status(r) == "HIT"
        evidence.append(f"{path} again: {r.status} {_status(r)}")
    for path in ("/accounts/login/", "/healthz"):
        with ThreadPoolExecutor(8) as pool:
            timed = list(pool.map(_timed, [port] * 8, [path] * 8))
        slowest = max(seconds for seconds, _ in timed)
        statuses = sorted({_status(r) for _, r in timed})
        ok = ok and all(r.status == 200 for _, r in timed) and statuses == ["absent"] and slowest < 0.4
        evidence.append(f"{path} ×8 at once: X-Cache-Status {'/'.join(statuses)}, slowest {slowest * 1000:.0f} ms")
    checks.record(
        "(i) feeds, sitemap, previews and htmx threads are cached; the login page and /healthz bypass the cache",
        ok,
        "; ".join(evidence),
    )


def check_whatif(checks: Checks, site: Site, topic: str) -> None:
    port = site.port
    page = request(port, "GET", topic + "what-if/")
    forces = list(dict.fromkeys(re.findall(r'<input type="radio" name="([\w-]+)"', page.text)))
    offered = f"{topic}what-if/?{forces[0]}=-1"
    invented = [f"{topic}what-if/?" + "&".join(f"{force}=1" for force in forces[:3]), f"{topic}what-if/?junk=1"]
    evidence, ok = [], len(forces) >= 3
    for path, stored in [(offered, True), *((path, False) for path in invented)]:
        request(port, "GET", path)
        again = request(port, "GET", path)
        ok = ok and again.status == 200 and (_status(again) == "HIT") == stored
        evidence.append(f"{path} again: {again.status} {_status(again)}, {again.header('cache-control')!r}")
    checks.record(
        "(j) a what-if the site links to is cached; invented what-if addresses are never stored",
        ok,
        "; ".join(evidence),
    )


def _timed(port: int, path: str) -> tuple[float, Response]:
    started = time.monotonic()
    response = request(port, "GET", path)
    return time.monotonic() - started, response


def _counts(values: list[str]) -> str:
    return ", ".join(f"{value} ×{values.count(value)}" for value in sorted(set(values)))


if __name__ == "__main__":
    sys.exit(main())
