"""Factories for the timeline: developments, their sources, signposts and marks, revisions."""

from __future__ import annotations

import datetime
import itertools

from diplomacy.scenarios.models import Scenario, Signpost, Topic
from diplomacy.timeline.models import Development, DevelopmentSource, Revision, SignpostMark

_serial = itertools.count(1)


def make_development(*topics: Topic, **fields) -> Development:
    n = next(_serial)
    defaults = {
        "title": f"Development {n}",
        "happened_on": datetime.date(2025, 1, 1) + datetime.timedelta(days=n % 300),
        "summary": f"What happened in development {n}, and why it matters.",
        "is_published": True,
    }
    development = Development.objects.create(**defaults | fields)
    development.topics.add(*topics)
    return development


def make_development_source(development: Development, **fields) -> DevelopmentSource:
    n = next(_serial)
    defaults = {
        "title": f"A report number {n}",
        "publisher": "A Newspaper",
        "published_on": datetime.date(2025, 1, 2),
        "url": f"https://news.example.org/{n}",
        "quote": f"The words relied on, number {n}.",
    }
    return DevelopmentSource.objects.create(development=development, **defaults | fields)


def make_signpost(scenario: Scenario, **fields) -> Signpost:
    n = next(_serial)
    return Signpost.objects.create(
        scenario=scenario, **{"text": f"A sign to watch for, number {n}", "order": n} | fields
    )


def make_mark(development: Development, signpost: Signpost, **fields) -> SignpostMark:
    defaults = {"state": SignpostMark.State.OBSERVED, "note": "It was seen."}
    return SignpostMark.objects.create(development=development, signpost=signpost, **defaults | fields)


def make_revision(topic: Topic, numbers: list[int], *, development: Development | None = None, **fields) -> Revision:
    """Re-estimate `topic`: its scenarios, in outcome order, get `numbers`."""
    scenarios = list(topic.scenarios.order_by("outcome__order"))
    defaults = {"reason": "The estimates change.", "as_of": datetime.date(2025, 3, 1)}
    return Revision.record(
        topic, dict(zip([s.pk for s in scenarios], numbers, strict=True)), development=development, **defaults | fields
    )
