"""Database-fault harness: PostgreSQL is stopped and started again while the app is under load.

    python bench/db_faults.py [--down 10]

While the database is down, pages and /healthz must answer 503 with the friendly page
(never a 500 or a traceback); within a few seconds of its return the app must serve
again without a restart; and every annotation whose POST was acknowledged (a redirect)
must be in the database afterwards. It stops PostgreSQL on this machine
(pg_ctlcluster) and always starts it again, even when it fails. Loopback only.
"""

import argparse
import contextlib
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

from harness import DEFAULT_URL, count_annotations, environment, fresh_database, gunicorn, prepare, request

CLIENTS = 6


def cluster(action: str) -> None:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action, *(["-m", "fast"] if action == "stop" else [])],
        check=True, capture_output=True,
    )  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--port", type=int, default=8768)
    parser.add_argument(
        "--down", type=float, default=10.0, help="seconds the database stays down (longer than the 3 s pool timeout)"
    )
    args = parser.parse_args()
    env = environment(args.database_url, DIPLOMACY_ANNOTATION_RATE_LIMIT="100000")
    fresh_database(args.database_url)
    scenario, sessions = prepare(env, CLIENTS)
    run = f"faults {uuid.uuid4().hex[:8]}"
    acknowledged: set[str] = set()
    seen: list[tuple[str, int, str]] = []  # (phase, status, what)
    phase = ["before"]
    stop = threading.Event()

    def send(method: str, path: str, body: str = "", session=None) -> int:
        """One request, recorded under the phase in which it was sent."""
        sent_in = phase[0]
        status, text, _headers = request(args.port, method, path, body, session)
        seen.append((sent_in, status, describe("post" if method == "POST" else path, status, text)))
        return status

    def load(number: int) -> None:
        n = 0
        while not stop.is_set():
            body = f"{run} client {number} note {n}"
            form = urlencode({"kind": "note", "body": body})
            if send("POST", scenario + "annotations/", form, sessions[number]) == 302:
                acknowledged.add(body)
            send("GET", "/")
            send("GET", scenario, session=sessions[number])
            n += 1

    def probe() -> None:
        """What a load balancer does: ask /healthz a few times a second."""
        while not stop.is_set():
            send("GET", "/healthz")
            time.sleep(0.25)

    threads = [threading.Thread(target=load, args=(n,), daemon=True) for n in range(CLIENTS)]
    threads.append(threading.Thread(target=probe, daemon=True))
    recovered_after = None
    # PostgreSQL is started again whatever happens, before gunicorn is stopped.
    with gunicorn(env, args.port):
        try:
            for thread in threads:
                thread.start()
            time.sleep(2)
            phase[0] = "down"  # from the stop until the restart (a request sent as it stops may still succeed)
            cluster("stop")
            time.sleep(args.down)
            phase[0] = "restarting"
            cluster("start")
            started = time.monotonic()
            while time.monotonic() - started < 30:
                if (
                    request(args.port, "GET", "/healthz").status == 200
                    and request(args.port, "GET", scenario).status == 200
                ):
                    recovered_after = time.monotonic() - started
                    break
                time.sleep(0.2)
            phase[0] = "after"
            time.sleep(2)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=20)
            with contextlib.suppress(subprocess.CalledProcessError):  # it may be running already
                cluster("start")  # whatever happened above, leave PostgreSQL running

    in_db, _ = count_annotations(args.database_url, run)
    missing = acknowledged - _bodies(args.database_url, run)
    down = [s for p, s, _ in seen if p == "down"]
    down_503 = {w for p, s, w in seen if p == "down" and s == 503}
    server_errors = [(p, s, w) for p, s, w in seen if s >= 500 and s != 503]
    tracebacks = [w for _, _, w in seen if w.startswith("TRACEBACK")]
    unfriendly = [w for _, s, w in seen if s == 503 and w.startswith("UNFRIENDLY")]
    down_answers = Counter(f"{w} {s}" for p, s, w in seen if p == "down")
    print(f"requests: {len(seen)}; answers to those sent while down: {dict(sorted(down_answers.items()))}")
    print(f"recovered {recovered_after:.1f} s after the restart" if recovered_after is not None else "did not recover")
    print(f"acknowledged posts: {len(acknowledged)}; in the database: {in_db}; missing: {len(missing)}")
    checks = {
        # Sent while it was down: 503, or (for one that waited into the restart) a normal answer.
        "pages answer 503 while the database is down": "page" in down_503 and all(s in (503, 200, 302) for s in down),
        "/healthz answers 503 while the database is down": "/healthz" in down_503,
        "every 503 is the friendly page (or /healthz's JSON)": not unfriendly,
        "no 500 and no traceback, ever": not server_errors and not tracebacks,
        "serving again within 5 s, without a restart": recovered_after is not None and recovered_after < 5,
        "every acknowledged annotation is saved": not missing,
    }
    for name, ok in checks.items():
        print(f"{'ok' if ok else 'FAILED'}: {name}")
    failed = [name for name, ok in checks.items() if not ok]
    if failed:  # what went wrong, by phase, status and path; rerun with HARNESS_LOG_LEVEL=ERROR for the server's log
        wrong = Counter(
            f"{p} {s} {w}" for p, s, w in seen if (s >= 500 and s != 503) or w.startswith(("TRACEBACK", "UNFRIENDLY"))
        )
        print(f"unexpected answers: {dict(wrong)}")
    print("database-fault harness: " + (f"FAILED {', '.join(failed)}" if failed else "every check met"))
    return 1 if failed else 0


def describe(path: str, status: int, text: str) -> str:
    """What an answer was, for the checks: the path kind, marked when it shows a traceback or
    when a 503 is not the friendly page (pages) or the JSON status (/healthz)."""
    kind = "/healthz" if path == "/healthz" else "page"
    if "Traceback" in text:
        return f"TRACEBACK {path}"
    if status == 503:
        friendly = '"unavailable"' in text if kind == "/healthz" else "Back in a moment" in text
        if not friendly:
            return f"UNFRIENDLY {path}"
    return kind


def _bodies(database_url: str, prefix: str) -> set[str]:
    import psycopg

    with psycopg.connect(database_url) as connection:
        rows = connection.execute("SELECT body FROM annotations_annotation WHERE body LIKE %s", [prefix + "%"])
        return {body for (body,) in rows}


if __name__ == "__main__":
    sys.exit(main())
