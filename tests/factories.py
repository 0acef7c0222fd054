"""Small factories: each makes one valid object, with overrides for what a test cares about."""

from __future__ import annotations

import itertools

from diplomacy.scenarios.models import Factor, Influence, Outcome, Scenario, Source, Topic

_serial = itertools.count(1)


def make_source(**fields) -> Source:
    n = next(_serial)
    defaults = {
        "key": f"source-{n}",
        "document_title": "A test article",
        "author": "A. Writer",
        "section": "A section",
        "quote": f"Quoted words number {n}.",
    }
    return Source.objects.create(**defaults | fields)


def make_topic(**fields) -> Topic:
    n = next(_serial)
    defaults = {
        "title": f"Topic {n}",
        "slug": f"topic-{n}",
        "summary": f"What topic {n} is about.",
        "background": "Some background.",
        "stakes": "Something is at stake.",
        "us_position": "Washington wants something.",
        "russia_position": "Moscow wants something else.",
        "order": n,
        "is_published": True,
    }
    return Topic.objects.create(**defaults | fields)


def make_outcome(**fields) -> Outcome:
    n = next(_serial)
    defaults = {"name": f"Outcome {n}", "slug": f"outcome-{n}", "order": n}
    return Outcome.objects.create(**defaults | fields)


def make_scenario(topic: Topic | None = None, outcome: Outcome | None = None, **fields) -> Scenario:
    n = next(_serial)
    defaults = {
        "title": f"Scenario {n}",
        "slug": f"scenario-{n}",
        "narrative": f"The first paragraph of scenario {n}.\n\nThe second paragraph.",
        "signposts": "A first sign.\nA second sign.\nA third sign.",
        "implications": "Things follow.",
        "likelihood": 25,
        "likelihood_rationale": "An illustrative guess.",
        "is_published": True,
    }
    return Scenario.objects.create(topic=topic or make_topic(), outcome=outcome or make_outcome(), **defaults | fields)


def make_factor(**fields) -> Factor:
    n = next(_serial)
    defaults = {"name": f"Factor {n}", "slug": f"factor-{n}", "description": "A force on the talks.", "order": n}
    return Factor.objects.create(**defaults | fields)


def make_influence(scenario: Scenario, factor: Factor | None = None, **fields) -> Influence:
    defaults = {"strength": Influence.Strength.HELPS, "reason": "It pushes this way."}
    return Influence.objects.create(scenario=scenario, factor=factor or make_factor(), **defaults | fields)


def make_topic_with_scenarios(outcomes: list[Outcome], **fields) -> Topic:
    """A published topic with one published scenario per outcome, each with an influence and a source."""
    topic = make_topic(**fields)
    topic.sources.add(make_source())
    for outcome in outcomes:
        scenario = make_scenario(topic=topic, outcome=outcome, likelihood=100 // len(outcomes))
        scenario.sources.add(make_source())
        make_influence(scenario)
    return topic


def make_annotation(scenario: Scenario, author, **fields):
    from diplomacy.annotations.models import Annotation

    defaults = {"kind": Annotation.Kind.NOTE, "body": "A *thought* on this scenario."}
    return Annotation.objects.create(scenario=scenario, author=author, **defaults | fields)
