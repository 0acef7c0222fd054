"""python manage.py generate_demo --scale N: synthetic content shaped like the real thing, for benchmarks.

At scale 1: 100 topics with 10 scenarios each (1,000), 100 factors, 10,000 users,
1,000,000 annotations, 100,000 replies to them (threads a few levels deep), 100,000 reader
estimates (about 1,000 readers a topic, so about 10 topics a reader; some revised, 1.3
versions each on average) with each topic's community estimate and its history, a version a
day, and about 26,000 follows (each user follows up to 4 topics, and a scenario or two or
none: about 200 followers a topic). Each topic also gets a history whatever the scale:
4 signposts per scenario, 20 developments over the past two years (with sources, some marking
signposts) and 50 revisions ending at its scenarios' numbers. Every synthetic row is marked
(slugs and usernames start with "demo-", or the row belongs to a demo topic), so `--remove`
takes them all away and the seeded content is never touched. It is safe to interrupt
and to run again: each run only adds what is missing.
"""

from __future__ import annotations

import random
import sys
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from diplomacy.annotations.markdown import render_markdown
from diplomacy.annotations.models import Annotation, Flag, ModerationEvent
from diplomacy.core.models import EPOCH, Version
from diplomacy.forecasts import community
from diplomacy.forecasts.models import Community, CommunityVersion, Forecast, ForecastVersion, Resolution, Score
from diplomacy.notifications.models import Follow, Notification
from diplomacy.scenarios import likelihood
from diplomacy.scenarios.models import Factor, Influence, Outcome, Scenario, Signpost, Topic
from diplomacy.timeline.models import Development, DevelopmentSource, Estimate, Revision, SignpostMark

PREFIX = "demo-"
OUTCOMES_PER_TOPIC = 10
SIGNPOSTS_PER_SCENARIO = 4
DEVELOPMENTS_PER_TOPIC = 20
REVISIONS_PER_TOPIC = 50
HISTORY_DAYS = 730  # developments and revisions are spread over the past two years
HISTORY_TOPICS = 10  # topics whose history (or readers' estimates) is written in one transaction
FORECAST_VERSIONS = (1,) * 15 + (2,) * 4 + (3,)  # how many versions a reader's forecast has: 1.3 on average
REPLIES_PER_ANNOTATION = 0.1
REPLY_TO_REPLY = 0.3  # the share of replies that answer a reply (the rest answer an annotation)
FOLLOWED_TOPICS = 4  # each user follows 0 to this many demo topics
FOLLOWED_SCENARIOS = (0, 0, 0, 1, 1, 2)  # and as many demo scenarios as one of these, drawn at random
BATCH = 5_000
PUBLISHERS = ["Demo Wire", "The Demo Times", "Demo Review", "Demo Broadcasting", "Demo Monitor"]
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


def _distribution(weights: list[int]) -> list[int]:
    """Whole percentages in proportion to the weights that add up to 100: each gets its share
    rounded down, and the points left over go to the largest remainders (Hamilton's method)."""
    total = sum(weights)
    numbers = [weight * likelihood.FULL // total for weight in weights]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(weights[i] * likelihood.FULL % total), i))
    for i in by_remainder[: likelihood.FULL - sum(numbers)]:
        numbers[i] += 1
    return numbers


def _walk(rng: random.Random, last: list[int], steps: int) -> list[list[int]]:
    """`steps` distributions, oldest first, ending at `last`: each moves 1 to 5 points from one
    outcome to another of the one before, so every one adds up to what `last` does."""
    path = [last]
    for _ in range(steps - 1):
        numbers = list(path[-1])
        giver = rng.choice([i for i, n in enumerate(numbers) if n > 0])
        taker = rng.choice([i for i in range(len(numbers)) if i != giver])
        moved = rng.randint(1, min(5, numbers[giver]))
        numbers[giver], numbers[taker] = numbers[giver] - moved, numbers[taker] + moved
        path.append(numbers)
    return path[::-1]


def _days_ago(rng: random.Random, today: date, count: int, start: int = 0) -> list[date]:
    """`count` different days of the past two years, oldest first."""
    return [today - timedelta(days=n) for n in sorted(rng.sample(range(start, HISTORY_DAYS), count), reverse=True)]


def _noon(day: date) -> datetime:
    """When an estimate dated `day` was made, as Revision.record stamps it."""
    return datetime.combine(day, clock(12), tzinfo=UTC)


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


class _Story:
    """The history of a few topics, made in memory and then written with one bulk insert per table."""

    def __init__(self) -> None:
        self.topics: list[tuple[Development, int]] = []
        self.made: dict[type[Any], list[Any]] = defaultdict(list)

    def developments(
        self, rng: random.Random, topic: int, slug: str, signposts: list[int], today: date
    ) -> list[Development]:
        """Its developments, oldest first: most published, each with a source or two, some marking signposts."""
        developments = []
        for n, day in enumerate(_days_ago(rng, today, DEVELOPMENTS_PER_TOPIC, start=1), start=1):
            development = Development(
                title=_sentence(rng, rng.randint(5, 10))[:-1],
                slug=f"{slug}-development-{n:02}",
                happened_on=day,
                summary=_paragraph(rng, 3),
                is_published=rng.random() >= 0.1,
            )
            developments.append(development)
            self.topics.append((development, topic))
            self.made[DevelopmentSource] += [
                DevelopmentSource(
                    development=development,
                    title=_sentence(rng, 7)[:-1],
                    publisher=rng.choice(PUBLISHERS),
                    published_on=min(today, day + timedelta(days=rng.randint(0, 2))),
                    url=f"https://news.example.org/{day:%Y/%m/%d}/{slug}-{n}-{k}",
                    quote=_sentence(rng, 14),
                )
                for k in range(1, rng.randint(1, 2) + 1)
            ]
            if signposts and rng.random() < 0.3:  # about one in three shows signposts seen, or not
                self.made[SignpostMark] += [
                    SignpostMark(
                        development=development,
                        signpost_id=signpost,
                        state=rng.choice([SignpostMark.State.OBSERVED] * 3 + [SignpostMark.State.CONTRADICTED]),
                        note=_sentence(rng, 10),
                    )
                    for signpost in rng.sample(signposts, min(rng.randint(1, 2), len(signposts)))
                ]
        self.made[Development] += developments
        return developments

    def revisions(
        self, rng: random.Random, topic: int, current: dict[int, int], published: list[Development], today: date
    ) -> date:
        """Its revisions, ending at the `current` numbers of its scenarios; returns the last one's date."""
        days = _days_ago(rng, today, REVISIONS_PER_TOPIC)
        now = timezone.now()
        before: date | None = None
        previous: list[int | None] = [None] * len(current)
        for day, numbers in zip(days, _walk(rng, list(current.values()), REVISIONS_PER_TOPIC), strict=True):
            # A development since the last revision prompts this one, most of the time.
            prompted = [d for d in published if (before is None or before < d.happened_on) and d.happened_on <= day]
            made = datetime.combine(day, clock(rng.randint(8, 17), rng.randint(0, 59)), tzinfo=UTC)
            revision = Revision(
                topic_id=topic,
                as_of=day,
                reason=_sentence(rng, rng.randint(10, 20)),
                development=prompted[-1] if prompted and rng.random() < 0.8 else None,
                created_at=min(made, now),
            )
            self.made[Revision].append(revision)
            self.made[Estimate] += [
                Estimate(revision=revision, scenario_id=pk, likelihood=value, previous=was)
                for pk, value, was in zip(current, numbers, previous, strict=True)
            ]
            before, previous = day, list(numbers)
        return days[-1]

    def save(self) -> None:
        """Bulk inserts, parents first: each row then knows its parent's key."""
        Development.objects.bulk_create(self.made[Development], batch_size=BATCH)
        through = Development.topics.through
        rows = [through(development_id=development.pk, topic_id=topic) for development, topic in self.topics]
        through.objects.bulk_create(rows, batch_size=BATCH)
        for model in (DevelopmentSource, SignpostMark, Revision, Estimate):
            model.objects.bulk_create(self.made[model], batch_size=BATCH)


class _Readers:
    """Readers' estimates of a few topics and their community estimates, made in memory and
    then written with one bulk insert per table (Forecast.record would refresh the community
    after every one of them)."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.forecasts: list[Forecast] = []
        self.versions: list[ForecastVersion] = []
        self.communities: list[Community] = []
        self.community_versions: list[CommunityVersion] = []

    def topic(self, rng: random.Random, topic: int, editors: dict[int, int], readers: list[int]) -> None:
        """Each reader's forecast of the topic, near the editors' numbers, set first on a day of
        the past two years and revised on later ones by some; then the community's history."""
        made: list[ForecastVersion] = []
        for reader in readers:
            path = _walk(rng, _near(rng, list(editors.values())), rng.choice(FORECAST_VERSIONS))
            first = self.now - timedelta(seconds=rng.randrange(HISTORY_DAYS * 86_400))
            later = sorted(first + (self.now - first) * rng.random() for _ in path[1:])
            versions = [
                ForecastVersion(
                    numbers={str(pk): value for pk, value in zip(editors, numbers, strict=True)},
                    reason=_sentence(rng, rng.randint(6, 14)) if rng.random() < 0.3 else "",
                    made_at=made_at,
                )
                for numbers, made_at in zip(path, [first, *later], strict=True)
            ]
            last = versions[-1]
            forecast = Forecast(
                reader_id=reader,
                topic_id=topic,
                numbers=last.numbers,
                reason=last.reason,
                created_at=first,
                updated_at=last.made_at,
            )
            for version in versions:
                version.forecast = forecast
            self.forecasts.append(forecast)
            made += versions
        self.community(topic, [str(pk) for pk in editors], made)
        self.versions += made

    def community(self, topic: int, keys: list[str], versions: list[ForecastVersion]) -> None:
        """The community estimate as Community.refresh would have left it at the end of each day
        someone saved (a version when what it shows changed), and as it stands now."""
        current: dict[int, community.ReaderEstimate] = {}
        before: tuple[int, dict[str, int]] = (0, {})
        numbers: dict[str, float] = {}
        versions = sorted(versions, key=lambda version: version.made_at)
        for n, version in enumerate(versions):
            # Moved to the end, so that the estimates stay in the order community() sorts them into.
            current.pop(version.forecast.reader_id, None)
            current[version.forecast.reader_id] = community.ReaderEstimate(version.made_at, version.numbers)
            if n + 1 < len(versions) and versions[n + 1].made_at.date() == version.made_at.date():
                continue  # the day's last save is the one its version shows
            numbers = community.community(list(current.values()), keys) or {}
            shown = (len(current), community.whole(numbers))
            if shown != before:
                self.community_versions.append(
                    CommunityVersion(topic_id=topic, numbers=numbers, readers=len(current), made_at=version.made_at)
                )
                before = shown
        updated_at = versions[-1].made_at if versions else self.now
        self.communities.append(Community(topic_id=topic, numbers=numbers, readers=len(current), updated_at=updated_at))

    def save(self) -> None:
        """Bulk inserts, parents first: each version then knows its forecast's key."""
        Forecast.objects.bulk_create(self.forecasts, batch_size=BATCH)
        ForecastVersion.objects.bulk_create(self.versions, batch_size=BATCH)
        Community.objects.bulk_create(
            self.communities,
            update_conflicts=True,
            unique_fields=["topic"],
            update_fields=["numbers", "readers", "updated_at"],
        )
        CommunityVersion.objects.bulk_create(self.community_versions, batch_size=BATCH)


def _near(rng: random.Random, editors: list[int]) -> list[int]:
    """A reader's whole numbers adding up to 100, a few points off the editors' for each outcome."""
    weights = [max(0, value + rng.randint(-8, 8)) for value in editors]
    return _distribution(weights if sum(weights) > 0 else [1] * len(editors))


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
            "replies": round(1_000_000 * scale * REPLIES_PER_ANNOTATION),
            "estimates": round(100_000 * scale),
        }
        started = time.monotonic()
        outcomes = self.outcomes()
        factors = self.factors(rng, counts["factors"])
        self.topics_and_scenarios(rng, counts["topics"], outcomes, factors)
        self.history(seed)
        users = self.users(counts["users"])
        self.annotations(rng, counts["annotations"], users)
        self.replies(seed, counts["replies"], users)
        follows = self.follows(seed)
        per_topic = min(len(users), round(counts["estimates"] / counts["topics"]))  # a reader estimates a topic once
        self.forecasts(seed, per_topic, users)
        self.analyze()
        Version.bump([EPOCH])  # bulk inserts send no signals: every cached page and fragment goes
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content in place: {counts['topics']} topics, {counts['topics'] * OUTCOMES_PER_TOPIC} scenarios, "
                f"{counts['topics'] * DEVELOPMENTS_PER_TOPIC:,} developments, "
                f"{counts['topics'] * REVISIONS_PER_TOPIC:,} revisions, {counts['factors']} factors, "
                f"{counts['users']} users, {counts['annotations']:,} annotations, {counts['replies']:,} replies, "
                f"{follows:,} follows, {counts['topics'] * per_topic:,} reader estimates "
                f"({time.monotonic() - started:.0f} s)."
            )
        )

    def analyze(self) -> None:
        """Fresh planner statistics (and, on PostgreSQL, the dead rows of a removal cleared), as
        autovacuum would in time: a million rows loaded at once otherwise leave the planner
        guessing, and pages that read them slow for no reason a real database would have."""
        models = [Topic, Scenario, Signpost, Influence, Factor, User, Annotation, Flag]
        models += [Development, Development.topics.through, DevelopmentSource, SignpostMark, Revision, Estimate]
        models += [Forecast, ForecastVersion, Community, CommunityVersion, Follow, Notification]
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
            Factor(
                slug=slug,
                name=f"Demo factor {n}",
                description=_paragraph(rng, 2),
                order=100 + n,
                weaker=f"demo factor {n} eases",
                stronger=f"demo factor {n} grows",
            )
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
                shares = _distribution([rng.randint(1, 20) for _ in outcomes])
                scenarios = Scenario.objects.bulk_create(
                    Scenario(
                        topic=topic,
                        outcome=outcome,
                        slug=f"{PREFIX}scenario-{k}",
                        title=f"{outcome.name} on demo topic {n}",
                        narrative="\n\n".join(_paragraph(rng, 4) for _ in range(3)),
                        # Its Signpost items are made from this text (see history): bulk inserts bypass Signpost.save.
                        signposts="\n".join(_sentence(rng, 8) for _ in range(SIGNPOSTS_PER_SCENARIO)),
                        implications=_paragraph(rng, 3),
                        likelihood=share,
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

    def history(self, seed: int) -> None:
        """Signposts, developments and revisions for each demo topic that has no developments yet,
        a few topics per transaction, so that a topic has all of its history or none of it."""
        demo = Topic.objects.filter(slug__startswith=PREFIX)
        topics = list(demo.filter(developments__isnull=True).order_by("pk").values_list("pk", "slug"))
        total = demo.count()
        progress = Progress("history", total, total - len(topics))
        for start in range(0, len(topics), HISTORY_TOPICS):
            chunk = topics[start : start + HISTORY_TOPICS]
            with transaction.atomic():
                self.signpost_items([pk for pk, _ in chunk])
                self.developments_and_revisions(chunk, seed)
            progress.advance(len(chunk))

    def signpost_items(self, topics: list[int]) -> None:
        """Each scenario's signposts text as items, where it has none (the text came first, so they agree)."""
        texts = Scenario.objects.filter(topic_id__in=topics, signpost_items__isnull=True).values_list("pk", "signposts")
        Signpost.objects.bulk_create(
            (
                Signpost(scenario_id=pk, text=line, order=order)
                for pk, text in texts
                for order, line in enumerate(line.strip() for line in text.splitlines() if line.strip())
            ),
            batch_size=BATCH,
        )

    def developments_and_revisions(self, topics: list[tuple[int, str]], seed: int) -> None:
        ids = [pk for pk, _ in topics]
        today = timezone.localdate()
        scenarios: dict[int, dict[int, int]] = defaultdict(dict)  # topic → scenario → likelihood
        rows = Scenario.objects.filter(topic_id__in=ids).order_by("outcome__order", "pk")
        for pk, topic, value in rows.values_list("pk", "topic_id", "likelihood"):
            scenarios[topic][pk] = value or 0
        signposts: dict[int, list[int]] = defaultdict(list)  # topic → its scenarios' signposts
        items = Signpost.objects.filter(scenario__topic_id__in=ids).order_by("pk")
        for pk, topic in items.values_list("pk", "scenario__topic_id"):
            signposts[topic].append(pk)
        story = _Story()
        for topic, slug in topics:
            # Each topic draws from its own generator: an interrupted run resumed gives the same history.
            rng = random.Random(f"{seed}-{slug}")  # noqa: S311 (made-up content, not secrets)
            developments = story.developments(rng, topic, slug, signposts[topic], today)
            current = scenarios[topic]
            if sum(current.values()) != likelihood.FULL:  # made before demo numbers were whole distributions
                current = dict(zip(current, _distribution([value or 1 for value in current.values()]), strict=True))
                Scenario.objects.bulk_update(
                    [Scenario(pk=pk, likelihood=value) for pk, value in current.items()], ["likelihood"]
                )
            last = story.revisions(rng, topic, current, [d for d in developments if d.is_published], today)
            Scenario.objects.filter(topic_id=topic).update(estimated_at=_noon(last))
        story.save()

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

    def forecasts(self, seed: int, per_topic: int, users: list[int]) -> None:
        """`per_topic` readers' estimates, drawn from the demo users, for each demo topic that has
        none yet, with the community's; a few topics per transaction, so that a topic has all of
        them or none."""
        demo = Topic.objects.filter(slug__startswith=PREFIX)
        topics = list(demo.filter(forecasts__isnull=True).order_by("pk").values_list("pk", "slug"))
        total = demo.count()
        progress = Progress("estimates", total * per_topic, (total - len(topics)) * per_topic)
        now = timezone.now()
        for start in range(0, len(topics), HISTORY_TOPICS):
            chunk = topics[start : start + HISTORY_TOPICS]
            editors: dict[int, dict[int, int]] = defaultdict(dict)  # topic → published scenario → likelihood
            rows = Scenario.objects.published().filter(topic_id__in=[pk for pk, _ in chunk])
            for pk, topic, value in rows.order_by("outcome__order", "pk").values_list("pk", "topic_id", "likelihood"):
                editors[topic][pk] = value or 0
            readers = _Readers(now)
            for topic, slug in chunk:
                # Each topic draws from its own generator: an interrupted run resumed gives the same estimates.
                rng = random.Random(f"{seed}-{slug}-estimates")  # noqa: S311 (made-up content, not secrets)
                if editors[topic]:
                    readers.topic(rng, topic, editors[topic], rng.sample(sorted(users), per_topic))
            with transaction.atomic():
                readers.save()
            progress.advance(len(chunk) * per_topic)

    def annotations(self, rng: random.Random, count: int, users: list[int]) -> None:
        scenarios = list(Scenario.objects.filter(topic__slug__startswith=PREFIX).values_list("pk", "narrative"))
        have = Annotation.objects.filter(scenario__topic__slug__startswith=PREFIX).roots().count()
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

    def replies(self, seed: int, count: int, users: list[int]) -> None:
        """`count` replies by demo users, each answering a public, shown demo annotation or (about
        REPLY_TO_REPLY of them) an earlier demo reply, so that threads nest a few levels; in the
        scenario and thread of what they answer, as public as it, and made after it. A chunk at a
        time, all of it or none, each from its own generator: a resumed run goes on as a whole
        one would have."""
        # A million annotations were just inserted: without statistics the planner takes a plan
        # that reads them once per user (minutes, not seconds).
        _analyze(Annotation, User)
        demo = Annotation.objects.filter(scenario__topic__slug__startswith=PREFIX, author__username__startswith=PREFIX)
        fields = ("pk", "root_id", "scenario_id", "author_id", "created_at", "is_public")
        # What a reply may answer: an earlier demo reply (its row, as _as_row gives it) ...
        earlier: list[tuple[Any, ...]] = list(demo.filter(root__isnull=False).order_by("pk").values_list(*fields))
        # ... or an annotation that starts a thread.
        roots = list(demo.roots().for_everyone().standing().order_by("pk").values_list("pk", flat=True))
        have = len(earlier)
        progress = Progress("replies", count, min(have, count))
        if not roots or not users:
            return
        rendered = [(body, render_markdown(body)) for body in BODIES]
        now = timezone.now()
        while have < count:
            size = min(BATCH, count - have)
            rng = random.Random(f"{seed}-replies-{have}")  # noqa: S311 (made-up content, not secrets)
            # First what each answers: an earlier reply (its index), or an annotation (its pk, looked up at once).
            picks: list[tuple[bool, int]] = []
            for i in range(size):
                if (before := len(earlier) + i) and rng.random() < REPLY_TO_REPLY:
                    picks.append((True, rng.randrange(before)))
                else:
                    picks.append((False, rng.choice(roots)))
            answered = _annotations(sorted({pick for to_reply, pick in picks if not to_reply}), fields)
            chunk: list[Annotation] = []
            depth: dict[int, int] = {}  # id() of a reply of this chunk → how far below a saved row it is
            for to_reply, pick in picks:
                ref, root_id, scenario_id, parent_author, parent_at, is_public = (
                    earlier[pick] if to_reply else answered[pick]
                )
                author = rng.choice(users)
                while author == parent_author and len(users) > 1:  # nobody answers themselves
                    author = rng.choice(users)
                body, body_html = rng.choice(rendered)
                # After what it answers (within a week, mostly within days), and before now.
                delay = min((now - parent_at) * rng.uniform(0.01, 0.5), timedelta(minutes=rng.randint(1, 10_080)))
                reply = Annotation(
                    scenario_id=scenario_id,
                    root_id=root_id if to_reply else ref,
                    author_id=author,
                    kind=Annotation.Kind.REPLY,
                    body=body,
                    body_html=body_html,
                    is_public=is_public,
                    created_at=min(now, parent_at + max(delay, timedelta(microseconds=1))),
                )
                if isinstance(ref, Annotation):  # a reply of this chunk: written before this one, see below
                    reply.parent = ref
                    depth[id(reply)] = depth[id(ref)] + 1
                else:
                    reply.parent_id = ref
                    depth[id(reply)] = 0
                chunk.append(reply)
                earlier.append(_as_row(reply))
            with transaction.atomic():
                # Level by level, so that a reply answering one of this chunk is written once that one has its key.
                for level in range(max(depth.values()) + 1):
                    Annotation.objects.bulk_create([r for r in chunk if depth[id(r)] == level], batch_size=BATCH)
            earlier[-size:] = [_as_row(reply) for reply in chunk]
            have += size
            progress.advance(size)

    def follows(self, seed: int) -> int:
        """Each demo user follows 0 to FOLLOWED_TOPICS demo topics and a demo scenario or two, drawn
        from a generator of their own; what they follow already is skipped. How many follows demo
        users have now."""
        topics = list(Topic.objects.filter(slug__startswith=PREFIX).order_by("slug").values_list("pk", flat=True))
        scenarios = Scenario.objects.filter(topic__slug__startswith=PREFIX).order_by("topic__slug", "slug")
        scenario_ids = list(scenarios.values_list("pk", flat=True))
        users = User.objects.filter(username__startswith=PREFIX).order_by("username").values_list("pk", "username")
        now = timezone.now()
        rows = []
        for user, username in users:
            rng = random.Random(f"{seed}-{username}-follows")  # noqa: S311 (made-up content, not secrets)
            followed = [
                {"topic_id": pk} for pk in rng.sample(topics, min(rng.randint(0, FOLLOWED_TOPICS), len(topics)))
            ]
            chosen = rng.sample(scenario_ids, min(rng.choice(FOLLOWED_SCENARIOS), len(scenario_ids)))
            followed += [{"scenario_id": pk} for pk in chosen]
            for target in followed:
                since = now - timedelta(minutes=rng.randint(1, HISTORY_DAYS * 1_440))
                rows.append(Follow(user_id=user, created_at=since, **target))
        Follow.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
        return Follow.objects.filter(user__username__startswith=PREFIX).count()

    def remove(self) -> None:
        """Delete every synthetic row in a few set-wise statements; seeded content stays."""
        demo_topics = Topic.objects.filter(slug__startswith=PREFIX)
        demo_scenarios = Scenario.objects.filter(topic__in=demo_topics)
        demo_users = User.objects.filter(username__startswith=PREFIX)
        demo_developments = Development.objects.filter(slug__startswith=PREFIX)
        demo_revisions = Revision.objects.filter(topic__in=demo_topics)
        demo_forecasts = Forecast.objects.filter(topic__in=demo_topics) | Forecast.objects.filter(reader__in=demo_users)
        with transaction.atomic():
            demo_annotations = _with_replies(demo_scenarios, demo_users)
            # Readers' estimates first, a statement a table as for the history below: 100,000 at scale 1.
            Score.objects.filter(resolution__topic__in=demo_topics).delete()
            Resolution.objects.filter(topic__in=demo_topics).delete()
            _delete(ForecastVersion.objects.filter(forecast__in=demo_forecasts))
            _delete(demo_forecasts)
            _delete(CommunityVersion.objects.filter(topic__in=demo_topics))
            _delete(Community.objects.filter(topic__in=demo_topics))
            # Notifications to demo users, or of anything demo (written by signals: a demo user
            # replied to, say), then follows, before what they point at.
            _delete(
                Notification.objects.filter(
                    Q(recipient__in=demo_users)
                    | Q(annotation__in=demo_annotations)
                    | Q(topic__in=demo_topics)
                    | Q(development__in=demo_developments)
                    | Q(revision__in=demo_revisions)
                )
            )
            follows = _delete(
                Follow.objects.filter(
                    Q(user__in=demo_users) | Q(topic__in=demo_topics) | Q(scenario__in=demo_scenarios)
                )
            )
            Flag.objects.filter(annotation__in=demo_annotations).delete()
            ModerationEvent.objects.filter(annotation__in=demo_annotations).delete()
            # Replies first (one statement: their own parents among them go with them), then the rest.
            replies = _delete(demo_annotations.filter(root__isnull=False))
            annotations = _delete(demo_annotations)
            # The history goes first and without Django's cascade, which would load each row to
            # signal its deletion: tens of thousands of estimates at scale 1.
            _delete(
                Estimate.objects.filter(revision__in=demo_revisions)
                | Estimate.objects.filter(scenario__in=demo_scenarios)
            )
            _delete(demo_revisions)
            _delete(
                SignpostMark.objects.filter(development__in=demo_developments)
                | SignpostMark.objects.filter(signpost__scenario__in=demo_scenarios)
            )
            _delete(DevelopmentSource.objects.filter(development__in=demo_developments))
            _delete(Development.topics.through.objects.filter(development__in=demo_developments))
            _delete(demo_developments)
            _delete(Signpost.objects.filter(scenario__in=demo_scenarios))
            Influence.objects.filter(scenario__in=demo_scenarios).delete()
            demo_scenarios.delete()
            demo_topics.delete()
            Factor.objects.filter(slug__startswith=PREFIX).delete()
            Outcome.objects.filter(slug__startswith=PREFIX).delete()
            demo_users.delete()
            Version.bump([EPOCH])
        self.stdout.write(
            self.style.SUCCESS(
                f"Removed the demo content ({annotations:,} annotations, {replies:,} replies, {follows:,} follows)."
            )
        )


def _analyze(*models: type[Any]) -> None:
    """Fresh planner statistics for these tables (ANALYZE runs inside a transaction too)."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _annotations(pks: list[int], fields: tuple[str, ...], size: int = 500) -> dict[int, tuple[Any, ...]]:
    """These annotations' `fields` (the first being pk), by pk, asked for a few hundred at a time."""
    found = {}
    for start in range(0, len(pks), size):
        for row in Annotation.objects.filter(pk__in=pks[start : start + size]).values_list(*fields):
            found[row[0]] = row
    return found


def _as_row(reply: Annotation) -> tuple[Any, ...]:
    """A reply as replies() keeps what may be answered: the reply itself until it is saved, then its pk."""
    ref = reply.pk if reply.pk is not None else reply
    return (ref, reply.root_id, reply.scenario_id, reply.author_id, reply.created_at, reply.is_public)


def _with_replies(scenarios: QuerySet[Scenario], users: QuerySet[User]) -> QuerySet[Annotation]:
    """The annotations on these scenarios or by these users, and every reply below them: a real
    reply to a demo user's reply goes too (as deleting that reply would take it), so that no row
    is left answering one that is gone. Only the other rows are searched for such replies (a
    few, against a million demo ones)."""
    demo = Q(scenario__in=scenarios) | Q(author__in=users)
    below: set[int] = set()
    while True:
        others = Annotation.objects.filter(parent__isnull=False).exclude(demo).exclude(pk__in=below)
        answering = others.filter(Q(parent__scenario__in=scenarios) | Q(parent__author__in=users) | Q(parent__in=below))
        more = set(answering.values_list("pk", flat=True))
        if not more:
            return Annotation.objects.filter(demo | Q(pk__in=below))
        below |= more


def _delete(rows: QuerySet[Any]) -> int:
    """Delete the rows in one statement, without loading them or sending signals (the epoch is bumped after)."""
    sql, params = rows.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        table, key = rows.model._meta.db_table, rows.model._meta.pk.column
        cursor.execute(f"DELETE FROM {table} WHERE {key} IN ({sql})", params)  # noqa: S608
        return cursor.rowcount
