"""python manage.py generate_demo --scale N: synthetic content shaped like the real thing, for benchmarks.

At scale 1: 100 topics with 10 scenarios each (1,000), 100 factors, 10,000 users and
1,000,000 annotations. Every synthetic row is marked (slugs and usernames start with
"demo-"), so `--remove` takes them all away and the seeded content is never touched.
It is safe to interrupt and to run again: each run only adds what is missing.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import timedelta

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from diplomacy.annotations.markdown import render_markdown
from diplomacy.annotations.models import Annotation, Flag, ModerationEvent
from diplomacy.core.models import EPOCH, Version
from diplomacy.scenarios.models import Factor, Influence, Outcome, Scenario, Topic

PREFIX = "demo-"
OUTCOMES_PER_TOPIC = 10
BATCH = 5_000
WORDS = [
    *("talks", "summit", "treaty", "sanctions", "ceasefire", "verification", "envoy", "trade", "energy"),
    *("cyber", "climate", "arms", "missile", "deal", "rapport", "congress", "pressure", "trust", "signal"),
    *("agreement", "framework", "dialogue", "channel", "exchange", "border"),
]
BODIES = [
    "This seems **unlikely** given the record so far.",
    "Evidence: a similar step was taken before, and it held for a while.",
    "A counterpoint: the domestic audience matters more than the article suggests.",
    "Question: who verifies this, and how often?",
    "See [the background](https://example.org/background) for the earlier rounds.",
    "- first, the envoys meet\n- then, the leaders sign",
    "> The outcome is not predetermined.\n\nQuite.",
]


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng, rng.randint(8, 16)) for _ in range(sentences))


class Progress:
    """A one-line progress bar on standard error."""

    def __init__(self, label: str, total: int, done: int = 0) -> None:
        self.label, self.total, self.done, self.started = label, total, done, time.monotonic()
        self.show()

    def advance(self, count: int) -> None:
        self.done += count
        self.show()

    def show(self) -> None:
        share = self.done / self.total if self.total else 1
        bar = "#" * int(share * 30)
        rate = self.done / max(time.monotonic() - self.started, 1e-6)
        sys.stderr.write(f"\r{self.label:<12} [{bar:<30}] {self.done:>9,}/{self.total:,} {share:4.0%} ({rate:,.0f}/s)")
        if self.done >= self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


class Command(BaseCommand):
    help = "Fill the database with synthetic demo content (marked 'demo-'), or --remove it."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1 = 100 topics … 1,000,000 annotations.")
        parser.add_argument("--remove", action="store_true", help="Delete every synthetic row, and nothing else.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed: the same seed gives the same content.")

    def handle(self, *args, scale: float, remove: bool, seed: int, **options):
        if remove:
            self.remove()
            self.analyze()
            return
        if not 0 < scale <= 10:
            raise CommandError("--scale must be above 0 and at most 10.")
        rng = random.Random(seed)  # noqa: S311 (made-up content, not secrets)
        counts = {
            "topics": max(1, round(100 * scale)),
            "factors": max(1, round(100 * scale)),
            "users": max(1, round(10_000 * scale)),
            "annotations": round(1_000_000 * scale),
        }
        started = time.monotonic()
        outcomes = self.outcomes()
        factors = self.factors(rng, counts["factors"])
        self.topics_and_scenarios(rng, counts["topics"], outcomes, factors)
        users = self.users(counts["users"])
        self.annotations(rng, counts["annotations"], users)
        self.analyze()
        Version.bump([EPOCH])
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content in place: {counts['topics']} topics, {counts['topics'] * OUTCOMES_PER_TOPIC} scenarios, "
                f"{counts['factors']} factors, {counts['users']} users, {counts['annotations']:,} annotations "
                f"({time.monotonic() - started:.0f} s)."
            )
        )

    def analyze(self) -> None:
        """Fresh planner statistics (and, on PostgreSQL, the dead rows of a removal cleared), as
        autovacuum would in time: a million rows loaded at once otherwise leave the planner
        guessing, and pages that read them slow for no reason a real database would have."""
        models = [Topic, Scenario, Influence, Factor, User, Annotation, Flag]
        with connection.cursor() as cursor:
            if connection.vendor != "postgresql":
                cursor.execute("ANALYZE")
                return
            # VACUUM cannot run inside a transaction (a test's, say); ANALYZE alone can.
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            for model in models:
                cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")

    def outcomes(self) -> list[Outcome]:
        existing = list(Outcome.objects.all())
        missing = OUTCOMES_PER_TOPIC - len(existing)
        for n in range(len(existing) + 1, len(existing) + missing + 1):
            Outcome.objects.get_or_create(
                slug=f"{PREFIX}outcome-{n}", defaults={"name": f"Demo outcome {n}", "order": n}
            )
        return list(Outcome.objects.all()[:OUTCOMES_PER_TOPIC])

    def factors(self, rng: random.Random, count: int) -> list[Factor]:
        have = set(Factor.objects.filter(slug__startswith=PREFIX).values_list("slug", flat=True))
        Factor.objects.bulk_create(
            Factor(slug=slug, name=f"Demo factor {n}", description=_paragraph(rng, 2), order=100 + n)
            for n in range(1, count + 1)
            if (slug := f"{PREFIX}factor-{n:04}") not in have
        )
        return list(Factor.objects.filter(slug__startswith=PREFIX))

    def topics_and_scenarios(self, rng, count: int, outcomes: list[Outcome], factors: list[Factor]) -> None:
        have = set(Topic.objects.filter(slug__startswith=PREFIX).values_list("slug", flat=True))
        progress = Progress("topics", count, len(have))
        for n in range(1, count + 1):
            slug = f"{PREFIX}topic-{n:04}"
            if slug in have:
                continue
            with transaction.atomic():
                topic = Topic.objects.create(
                    slug=slug,
                    title=f"Demo topic {n}: {rng.choice(WORDS)} and {rng.choice(WORDS)}",
                    summary=_sentence(rng, 12),
                    background=_paragraph(rng, 4),
                    stakes=_paragraph(rng, 3),
                    us_position=_paragraph(rng, 2),
                    russia_position=_paragraph(rng, 2),
                    order=100 + n,
                    is_published=True,
                )
                shares = [rng.randint(1, 20) for _ in outcomes]
                scenarios = Scenario.objects.bulk_create(
                    Scenario(
                        topic=topic,
                        outcome=outcome,
                        slug=f"{PREFIX}scenario-{k}",
                        title=f"{outcome.name} on demo topic {n}",
                        narrative="\n\n".join(_paragraph(rng, 4) for _ in range(3)),
                        signposts="\n".join(_sentence(rng, 8) for _ in range(4)),
                        implications=_paragraph(rng, 3),
                        likelihood=share * 100 // sum(shares),
                        likelihood_rationale=_sentence(rng, 14),
                        is_published=True,
                    )
                    for k, (outcome, share) in enumerate(zip(outcomes, shares, strict=True), start=1)
                )
                Influence.objects.bulk_create(
                    Influence(
                        scenario=scenario,
                        factor=factor,
                        strength=rng.choice([-2, -1, 1, 2]),
                        reason=_sentence(rng, 10),
                    )
                    for scenario in scenarios
                    for factor in rng.sample(factors, min(3, len(factors)))
                )
            progress.advance(1)
        Scenario.objects.filter(topic__slug__startswith=PREFIX).refresh_search_vectors()

    def users(self, count: int) -> list[int]:
        have = set(User.objects.filter(username__startswith=PREFIX).values_list("username", flat=True))
        progress = Progress("users", count, len(have))
        batch = []
        for n in range(1, count + 1):
            username = f"{PREFIX}user-{n:06}"
            if username not in have:
                # An unusable password: demo users cannot log in, and hashing 10,000 passwords would take minutes.
                batch.append(User(username=username, email=f"{username}@example.org", password="!"))  # noqa: S106
            if len(batch) >= BATCH or (n == count and batch):
                User.objects.bulk_create(batch)
                progress.advance(len(batch))
                batch = []
        return list(User.objects.filter(username__startswith=PREFIX).values_list("pk", flat=True))

    def annotations(self, rng: random.Random, count: int, users: list[int]) -> None:
        scenarios = list(Scenario.objects.filter(topic__slug__startswith=PREFIX).values_list("pk", "narrative"))
        have = Annotation.objects.filter(scenario__topic__slug__startswith=PREFIX).count()
        progress = Progress("annotations", count, min(have, count))
        rendered = [(body, render_markdown(body)) for body in BODIES]
        kinds = ["note", "note", "evidence", "counterpoint", "question"]
        now = timezone.now()
        while have < count:
            size = min(BATCH, count - have)
            rows = []
            for i in range(have, have + size):
                # Spread evenly over scenarios; everything else drawn at random, so that no
                # scenario gets only private, only hidden or only quoting annotations.
                scenario_id, narrative = scenarios[i % len(scenarios)]
                body, body_html = rng.choice(rendered)
                quote = ""
                if rng.random() < 0.1:  # one in ten quotes a passage of the narrative
                    start = rng.randrange(0, max(1, len(narrative) - 60))
                    quote = narrative[start : start + rng.randint(20, 60)].strip()
                rows.append(
                    Annotation(
                        scenario_id=scenario_id,
                        author_id=rng.choice(users),
                        kind=rng.choice(kinds),
                        body=body,
                        body_html=body_html,
                        quote=quote,
                        is_public=rng.random() >= 0.05,
                        state=Annotation.State.HIDDEN if rng.random() < 0.01 else Annotation.State.SHOWN,
                        created_at=now - timedelta(minutes=rng.randint(1, 525_600)),
                    )
                )
            Annotation.objects.bulk_create(rows, batch_size=BATCH)
            have += size
            progress.advance(size)

    def remove(self) -> None:
        """Delete every synthetic row in a few set-wise statements; seeded content stays."""
        demo_scenarios = Scenario.objects.filter(topic__slug__startswith=PREFIX)
        demo_users = User.objects.filter(username__startswith=PREFIX)
        demo_annotations = Annotation.objects.filter(scenario__in=demo_scenarios) | Annotation.objects.filter(
            author__in=demo_users
        )
        with transaction.atomic():
            Flag.objects.filter(annotation__in=demo_annotations).delete()
            ModerationEvent.objects.filter(annotation__in=demo_annotations).delete()
            ids = demo_annotations.values("pk")
            sql, params = ids.query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {Annotation._meta.db_table} WHERE id IN ({sql})", params)  # noqa: S608
                annotations = cursor.rowcount
            Influence.objects.filter(scenario__in=demo_scenarios).delete()
            demo_scenarios.delete()
            Topic.objects.filter(slug__startswith=PREFIX).delete()
            Factor.objects.filter(slug__startswith=PREFIX).delete()
            Outcome.objects.filter(slug__startswith=PREFIX).delete()
            demo_users.delete()
            Version.bump([EPOCH])
        self.stdout.write(self.style.SUCCESS(f"Removed the demo content ({annotations:,} annotations)."))
