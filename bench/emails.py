"""Email harness: notification emails reach a real SMTP server exactly once, and a refused send is retried.

    python bench/emails.py [--database-url postgres://…/diplomacy_harness_email]

(Not bench/email.py: a file of that name in bench/ would stand in for the standard library's
`email` package, which urllib imports, in every script run from this directory.)

An SMTP server (aiosmtpd) runs in this process on 127.0.0.1 and keeps every message it
accepts; it can be told to refuse the next delivery (451, a temporary failure). gunicorn
serves the app under production settings on PostgreSQL (a scratch database, dropped and
made afresh, dropped again at the end), and the real worker (`manage.py db_worker`) sends
the emails, to that server, retrying after DIPLOMACY_NOTIFICATION_RETRY_SECONDS=1 (doubling).
Reader A has an address and a public annotation; reader B signs in over HTTP and writes.
Each check prints met or MISSED with its evidence; the exit status is 1 if any is missed:

  (a) B replies to A's annotation: one email reaches A within seconds, with List-Unsubscribe
      and List-Unsubscribe-Post (one-click) headers whose address answers 200 on the running
      site, and a link to the reply that answers too; a few seconds later, still only one;
  (b) the server refuses the next delivery and B replies again: the refused attempt reaches
      the server, the notification stays pending with email_attempts 1, and the worker's retry
      delivers it: exactly one accepted copy, none lost, none duplicated after waiting;
  (c) A follows the topic (daily digest, the default) and B posts an annotation there: no
      email at once; `manage.py send_digests` sends one digest with a link to it; run again,
      it sends nothing;
  (d) the one-click unsubscribe (a POST without cookies, as mail clients send it) answers 200
      and turns A's reply emails off (the GETs before it changed nothing: (b) still arrived);
      over the whole run no message arrived twice, and the worker logged no error.

Loopback only; it takes a minute or two (most of it preparing the database) and stops by itself.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg
from aiosmtpd.controller import Controller
from harness import (
    ROOT,
    Response,
    Session,
    django,
    environment,
    fresh_database,
    gunicorn,
    manage,
    prepare_database,
    request,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/diplomacy_harness_email"
WORKER_INTERVAL = "0.2"  # seconds between the worker's looks at the queue when it is empty
ARRIVES_WITHIN = 15.0  # seconds an email sent at once may take to reach the server
QUIET = 4.0  # seconds waited to see that nothing more arrives


# --- the SMTP server ------------------------------------------------------------------------


@dataclass
class Delivery:
    at: float  # time.monotonic() when the server answered
    recipients: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        body = self.message.get_body(preferencelist=("plain",))
        return body.get_content() if body is not None else ""


@dataclass
class Sink:
    """aiosmtpd's handler: keeps what it accepts; refuses the next `refuse` deliveries with a 451."""

    accepted: list[Delivery] = field(default_factory=list)
    refused: list[Delivery] = field(default_factory=list)
    refuse: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        delivery = Delivery(time.monotonic(), list(envelope.rcpt_tos), message)
        with self.lock:
            if self.refuse > 0:
                self.refuse -= 1
                self.refused.append(delivery)
                return "451 4.3.0 Try again later"
            self.accepted.append(delivery)
        return "250 Message accepted for delivery"

    def accepted_with(self, text: str) -> list[Delivery]:
        with self.lock:
            return [d for d in self.accepted if text in d.text]

    def refused_with(self, text: str) -> list[Delivery]:
        with self.lock:
            return [d for d in self.refused if text in d.text]

    def count(self) -> int:
        with self.lock:
            return len(self.accepted)


@contextlib.contextmanager
def smtp_server(port: int) -> Iterator[Sink]:
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the worker and the database ------------------------------------------------------------


@contextlib.contextmanager
def db_worker(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """`manage.py db_worker`, logging at INFO to `log`, once it says it has started; stopped (SIGTERM) on leaving."""
    command = [sys.executable, "manage.py", "db_worker", "--interval", WORKER_INTERVAL, "--no-startup-delay"]
    with log.open("w") as out:
        process = subprocess.Popen(
            [*command, "--no-reload"], cwd=ROOT, env=env | {"DJANGO_LOG_LEVEL": "INFO"}, stdout=out, stderr=out
        )
    try:
        deadline = time.monotonic() + 30
        while "Starting worker" not in log.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"email harness: the worker did not start:\n{tail(log)}")
            time.sleep(0.1)
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text().splitlines()[-lines:]) if path.exists() else ""


def drop_database(database_url: str) -> None:
    server, name = database_url.rsplit("/", 1)[0] + "/postgres", urlsplit(database_url).path.lstrip("/")
    if "harness" not in name:
        raise SystemExit(f"email harness: refusing to drop {name!r}: its name must contain 'harness'")
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


SETUP_SCRIPT = """
import json
from django.contrib.auth.models import User
from diplomacy.annotations.models import Annotation
from diplomacy.scenarios.models import Scenario
a = User.objects.create_user("harness-email-a", "reader-a@example.test", {password!r})
b = User.objects.create_user("harness-email-b", "", {password!r})
scenario = Scenario.objects.published().select_related("topic").order_by("pk").first()
note = Annotation.objects.create(
    scenario=scenario, author=a, kind="note", body="Reader A's public note, to be answered.", is_public=True
)
print(json.dumps({{"a": a.pk, "email": a.email, "annotation": note.pk, "topic": scenario.topic.slug,
                   "scenario": scenario.get_absolute_url()}}))
"""


@dataclass
class World:
    database_url: str
    site: str  # http://127.0.0.1:port
    port: int
    sink: Sink
    env: dict[str, str]
    worker_log: Path
    a: int
    address: str
    annotation: int
    topic: str
    scenario: str
    a_session: Session
    b_session: Session

    def notification(self, annotation: int) -> tuple[str, int] | None:
        """(email state, email_attempts) of A's notification about this annotation."""
        with psycopg.connect(self.database_url) as connection:
            row = connection.execute(
                "SELECT email, email_attempts FROM notifications_notification WHERE recipient_id = %s AND annotation_id = %s",
                [self.a, annotation],
            ).fetchone()
        return (row[0], row[1]) if row else None

    def annotation_by_body(self, body: str) -> int | None:
        with psycopg.connect(self.database_url) as connection:
            row = connection.execute("SELECT id FROM annotations_annotation WHERE body = %s", [body]).fetchone()
        return row[0] if row else None

    def link(self, annotation: int) -> str:
        return f"{self.site}/annotations/{annotation}/"


# --- signing in over HTTP -------------------------------------------------------------------


def log_in(port: int, username: str, password: str) -> Session:
    """Sign in the way a browser does: the login page's CSRF cookie and token, then the form."""
    page = request(port, "GET", "/accounts/login/")
    cookie = _cookie(page, "csrftoken")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if page.status != 200 or not cookie or not token:
        raise SystemExit(f"email harness: the login page answered {page.status} without a CSRF cookie and token")
    form = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)})
    answer = request(port, "POST", "/accounts/login/", form, headers={"Cookie": f"csrftoken={cookie}"})
    session = _cookie(answer, "sessionid")
    if answer.status != 302 or not session:
        raise SystemExit(f"email harness: signing in as {username} answered {answer.status} without a session")
    return Session(session, _cookie(answer, "csrftoken") or cookie, username)


def _cookie(response: Response, name: str) -> str:
    found = re.search(rf"(?:^|[\s,]){name}=([^;,\s]+)", response.header("set-cookie"))
    return found.group(1) if found else ""


# --- checks ---------------------------------------------------------------------------------


class Checks:
    def __init__(self) -> None:
        self.missed: list[str] = []

    def record(self, name: str, ok: bool, evidence: str) -> None:
        print(f"{'met' if ok else 'MISSED'}: {name}\n    {evidence}", flush=True)
        if not ok:
            self.missed.append(name.split(")")[0] + ")")


def wait_until(condition: Callable[[], bool], seconds: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def reply(world: World, body: str) -> tuple[Response, int | None, float]:
    """B replies to A's annotation over HTTP; (answer, the reply's id, when it was answered)."""
    answer = request(
        world.port, "POST", f"/annotations/{world.annotation}/reply/", urlencode({"body": body}), world.b_session
    )
    return answer, world.annotation_by_body(body), time.monotonic()


def unsubscribe_url(delivery: Delivery) -> str:
    """The address in the List-Unsubscribe header, if it is one <…>."""
    found = re.fullmatch(r"<([^>]+)>", str(delivery.message.get("List-Unsubscribe", "")).strip())
    return found.group(1) if found else ""


def headers_problems(world: World, delivery: Delivery) -> tuple[list[str], str]:
    """What is wrong with a delivery's addressing and unsubscribe headers; and what was seen."""
    message = delivery.message
    unsubscribe = str(message.get("List-Unsubscribe", ""))
    one_click = str(message.get("List-Unsubscribe-Post", ""))
    url = unsubscribe_url(delivery)
    # A GET (a person following the link, or a link scanner) only shows a button: nothing changes.
    answered = request(world.port, "GET", urlsplit(url).path) if url.startswith(world.site + "/") else None
    problems = [
        *([] if delivery.recipients == [world.address] else [f"envelope to {delivery.recipients}"]),
        *([] if str(message.get("To", "")) == world.address else [f"To {message.get('To')!r}"]),
        *([] if url else [f"List-Unsubscribe {unsubscribe!r}"]),
        *([] if one_click == "List-Unsubscribe=One-Click" else [f"List-Unsubscribe-Post {one_click!r}"]),
        *([] if answered is not None and answered.status == 200 else ["the unsubscribe address did not answer 200"]),
    ]
    seen = (
        f"to {', '.join(delivery.recipients)}, subject {str(message.get('Subject')).strip()!r}; List-Unsubscribe "
        f"<{url[:60]}…> answers {answered.status if answered else 'nothing (not this site)'}; "
        f"List-Unsubscribe-Post {one_click!r}"
    )
    return problems, seen


def check_at_once(checks: Checks, world: World) -> None:
    body = f"Reply at once {uuid.uuid4().hex[:8]}"
    answer, pk, posted = reply(world, body)
    link = world.link(pk) if pk else "(no reply saved)"
    arrived = wait_until(lambda: bool(world.sink.accepted_with(link)), ARRIVES_WITHIN)
    copies = world.sink.accepted_with(link)
    if not copies:
        checks.record(
            "(a) a reply is emailed at once, exactly once, with working unsubscribe headers and link",
            False,
            f"reply posted: {answer.status}, saved as {pk}; no email with {link} within {ARRIVES_WITHIN:.0f} s "
            f"(server accepted {world.sink.count()} message(s) in all; A's notification: {world.notification(pk or 0)}); "
            f"worker log:\n{tail(world.worker_log, 10)}",
        )
        return
    first = copies[0]
    time.sleep(QUIET)
    copies = world.sink.accepted_with(link)
    problems, seen = headers_problems(world, first)
    target = request(world.port, "GET", urlsplit(link).path)
    state = world.notification(pk or 0)
    ok = (
        answer.status == 302
        and arrived
        and len(copies) == 1
        and not problems
        and target.status in (200, 302)
        and state == ("sent", 0)
    )
    checks.record(
        "(a) a reply is emailed at once, exactly once, with working unsubscribe headers and link",
        ok,
        f"reply posted: {answer.status}; the email arrived {first.at - posted:.1f} s later, {seen}; "
        f"it links to {link}, which answers {target.status} {target.header('location')}; "
        f"{len(copies)} cop{'y' if len(copies) == 1 else 'ies'} after {QUIET:.0f} s more; notification {state}"
        + (f"; wrong: {', '.join(problems)}" if problems else ""),
    )


def check_refused_then_retried(checks: Checks, world: World) -> None:
    name = "(b) a refused send stays pending, is retried by the worker, and arrives exactly once"
    with world.sink.lock:
        world.sink.refuse = 1
    failure = f"Email to user {world.a} failed"
    warned_before = world.worker_log.read_text().count(failure)
    body = f"Reply refused first {uuid.uuid4().hex[:8]}"
    answer, pk, posted = reply(world, body)
    link = world.link(pk) if pk else "(no reply saved)"
    refused = wait_until(lambda: bool(world.sink.refused_with(link)), ARRIVES_WITHIN)
    # Between the refusal and the retry (about a second), the database must show it pending and counted.
    pending_seen: tuple[str, int] | None = None
    states: list[tuple[str, int] | None] = []

    def settled() -> bool:
        nonlocal pending_seen
        state = world.notification(pk or 0)
        if not states or states[-1] != state:
            states.append(state)
        if state is not None and state[0] == "pending" and state[1] >= 1 and pending_seen is None:
            pending_seen = state
        # "sending" is a run's claim while it talks to the server: not settled yet.
        return state is not None and state[0] not in ("pending", "sending")

    wait_until(settled, ARRIVES_WITHIN + 20, step=0.02)
    copies = world.sink.accepted_with(link)
    time.sleep(QUIET)
    copies_later = world.sink.accepted_with(link)
    refusals = world.sink.refused_with(link)
    final = world.notification(pk or 0)
    warned = world.worker_log.read_text().count(failure) - warned_before
    retried_after = copies[0].at - refusals[0].at if copies and refusals else None
    problems, _seen = headers_problems(world, copies[0]) if copies else (["no copy"], "")
    ok = (
        answer.status == 302
        and refused
        and len(refusals) == 1
        and pending_seen is not None
        and len(copies) == 1
        and len(copies_later) == 1
        and final == ("sent", 1)
        and not problems
    )
    checks.record(
        name,
        ok,
        f"reply posted: {answer.status}; the server refused {len(refusals)} attempt(s)"
        + (f", {refusals[0].at - posted:.1f} s after the post" if refusals else "")
        + f"; the database then showed {pending_seen or 'no pending state with an attempt counted'}; "
        f"states seen {states}; the worker logged the failure {warned} time(s); "
        + (
            f"the retry arrived {retried_after:.1f} s after the refusal; "
            if retried_after is not None
            else "no retry arrived; "
        )
        + f"accepted copies: {len(copies)}, {len(copies_later)} after {QUIET:.0f} s more; notification {final}"
        + (f"; wrong: {', '.join(problems)}" if problems else ""),
    )


def check_digest(checks: Checks, world: World) -> None:
    name = "(c) news on a followed topic waits for the daily digest, which send_digests sends once"
    followed = request(world.port, "POST", "/me/following/change/", urlencode({"topic": world.topic}), world.a_session)
    body = f"A new public note from B {uuid.uuid4().hex[:8]}"
    form = urlencode({"kind": "note", "body": body, "is_public": "on"})
    before = world.sink.count()
    posted = request(world.port, "POST", world.scenario + "annotations/", form, world.b_session)
    pk = world.annotation_by_body(body)
    link = world.link(pk) if pk else "(no annotation saved)"
    time.sleep(QUIET)
    at_once = world.sink.count() - before
    pending = world.notification(pk or 0)
    first = manage(world.env, "send_digests").strip()
    arrived = wait_until(lambda: bool(world.sink.accepted_with(link)), 5)
    digests = world.sink.accepted_with(link)
    after_first = world.sink.count()
    second = manage(world.env, "send_digests").strip()
    time.sleep(2)
    more = world.sink.count() - after_first
    final = world.notification(pk or 0)
    problems, seen = headers_problems(world, digests[0]) if digests else (["no digest"], "")
    ok = (
        followed.status == 302
        and posted.status == 302
        and at_once == 0
        and pending == ("pending", 0)
        and arrived
        and len(digests) == 1
        and after_first - before == 1
        and more == 0
        and final == ("sent", 0)
        and not problems
        and first.startswith("Sent 1 digest;")
        and second.startswith("Sent 0 digests;")
    )
    checks.record(
        name,
        ok,
        f"follow: {followed.status}; B's annotation: {posted.status}; emails in the {QUIET:.0f} s after it: {at_once}, "
        f"notification {pending}; send_digests: {first!r}, digests with {link}: {len(digests)}"
        + (f" ({seen})" if digests else "")
        + f"; again: {second!r}, {more} more email(s); notification {final}"
        + (f"; wrong: {', '.join(problems)}" if problems else ""),
    )


def check_unsubscribe_and_totals(checks: Checks, world: World) -> None:
    name = "(d) one-click unsubscribe works without cookies; no message arrived twice; the worker logged no error"
    with world.sink.lock:
        about_replies = [d for d in world.sink.accepted if "replied to you" in str(d.message.get("Subject", ""))]
    replies = unsubscribe_url(about_replies[0]) if about_replies else ""
    answered = request(world.port, "POST", urlsplit(replies).path, "List-Unsubscribe=One-Click") if replies else None
    with psycopg.connect(world.database_url) as connection:
        row = connection.execute(
            "SELECT email_replies FROM notifications_preferences WHERE user_id = %s", [world.a]
        ).fetchone()
    with world.sink.lock:
        ids = [str(d.message.get("Message-ID")) for d in world.sink.accepted]
        total, refused = len(world.sink.accepted), len(world.sink.refused)
    log = world.worker_log.read_text()
    errors = sum(log.count(word) for word in ("Traceback", " ERROR ", " CRITICAL "))
    ok = answered is not None and answered.status == 200 and row == ("never",) and len(set(ids)) == len(ids) == 3
    ok = ok and errors == 0
    checks.record(
        name,
        ok,
        f"POST to the replies' List-Unsubscribe address: {answered.status if answered else 'no address'}; "
        f"A's reply emails now {row[0] if row else None!r}; the server accepted {total} message(s) "
        f"({len(set(ids))} distinct Message-IDs; 3 expected: two replies and a digest) and refused {refused}; "
        f"errors in the worker's log: {errors}" + (f"\n{tail(world.worker_log, 20)}" if errors else ""),
    )


# --- main -----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--port", type=int, default=0, help="gunicorn's (default: a free one)")
    parser.add_argument("--smtp-port", type=int, default=0, help="the SMTP server's (default: a free one)")
    args = parser.parse_args()
    port, smtp_port = args.port or free_port(), args.smtp_port or free_port()
    site = f"http://127.0.0.1:{port}"
    env = environment(
        args.database_url,
        DIPLOMACY_SITE_URL=site,
        DIPLOMACY_ANNOTATION_RATE_LIMIT="1000",
        DIPLOMACY_NOTIFICATION_RETRY_SECONDS="1",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        EMAIL_USE_TLS="0",
        DEFAULT_FROM_EMAIL="diplomacy <noreply@example.test>",
    )
    checks = Checks()
    try:
        print("== preparing a scratch database", flush=True)
        started = time.monotonic()
        fresh_database(args.database_url)
        prepare_database(env)
        print(f"   ready in {time.monotonic() - started:.0f} s", flush=True)
        password = secrets.token_urlsafe(16)
        made = json.loads(django(env, SETUP_SCRIPT.format(password=password)))
        print(f"== SMTP server on 127.0.0.1:{smtp_port}, gunicorn on {site}, and manage.py db_worker", flush=True)
        with (
            tempfile.TemporaryDirectory(prefix="diplomacy-harness-email-") as scratch,
            smtp_server(smtp_port) as sink,
            gunicorn(env, port),
            db_worker(env, Path(scratch) / "worker.log"),
        ):
            world = World(
                database_url=args.database_url,
                site=site,
                port=port,
                sink=sink,
                env=env,
                worker_log=Path(scratch) / "worker.log",
                a=made["a"],
                address=made["email"],
                annotation=made["annotation"],
                topic=made["topic"],
                scenario=made["scenario"],
                a_session=log_in(port, "harness-email-a", password),
                b_session=log_in(port, "harness-email-b", password),
            )
            check_at_once(checks, world)
            check_refused_then_retried(checks, world)
            check_digest(checks, world)
            check_unsubscribe_and_totals(checks, world)
    finally:
        drop_database(args.database_url)
    print("email harness: " + (f"MISSED {', '.join(checks.missed)}" if checks.missed else "every check met"))
    return 1 if checks.missed else 0


if __name__ == "__main__":
    sys.exit(main())
