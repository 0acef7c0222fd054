"""Concurrency harness: 20 clients post 50 annotations each at once, through gunicorn, on PostgreSQL.

    python bench/concurrency.py [--database-url postgres://…/diplomacy_harness]

Passes when exactly 1,000 annotations are saved, every post was answered with a
redirect (no error), and no body is duplicated. Loopback only; it stops by itself.
"""

import argparse
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

from harness import DEFAULT_URL, count_annotations, environment, fresh_database, gunicorn, prepare, request

CLIENTS, POSTS = 20, 50


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--port", type=int, default=8767)
    args = parser.parse_args()
    # Fifty posts a minute from one person is over the site's limit; raise it for this test only.
    env = environment(args.database_url, DIPLOMACY_ANNOTATION_RATE_LIMIT=str(POSTS * 2))
    fresh_database(args.database_url)
    scenario, sessions = prepare(env, CLIENTS)
    run = f"concurrency {uuid.uuid4().hex[:8]}"

    def client(number: int) -> list[int]:
        statuses = []
        for n in range(POSTS):
            body = urlencode({"kind": "note", "body": f"{run} client {number} note {n}", "is_public": "on"})
            statuses.append(request(args.port, "POST", scenario + "annotations/", body, sessions[number]).status)
        return statuses

    with gunicorn(env, args.port):
        started = time.monotonic()
        with ThreadPoolExecutor(CLIENTS) as pool:
            statuses = [status for result in pool.map(client, range(CLIENTS)) for status in result]
        seconds = time.monotonic() - started
    saved, distinct = count_annotations(args.database_url, run)
    errors = sum(1 for status in statuses if status != 302)
    print(f"{CLIENTS} clients × {POSTS} posts in {seconds:.1f} s: {saved} saved, {distinct} distinct, {errors} errors")
    checks = {
        "exactly 1,000 saved": saved == CLIENTS * POSTS,
        "none duplicated": distinct == saved,
        "every post answered with a redirect": errors == 0,
    }
    for name, ok in checks.items():
        print(f"{'ok' if ok else 'FAILED'}: {name}")
    failed = [name for name, ok in checks.items() if not ok]
    print("concurrency harness: " + (f"FAILED {', '.join(failed)}" if failed else "every check met"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
