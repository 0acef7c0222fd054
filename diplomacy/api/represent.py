"""Objects as the API shows them: plain dicts, shaped as diplomacy.api.schemas describes.

The querysets here are the API's visibility rule: published topics, scenarios and developments,
public annotations in threads everyone sees (`Annotation.objects.public()`), as an anonymous reader
sees them, whoever asks."""

import datetime
import functools
from typing import Any

from django.db.models import Max, Prefetch, Q
from django.urls import reverse
from django.utils.http import urlencode

from diplomacy.annotations.models import Annotation
from diplomacy.core.site import site_url
from diplomacy.forecasts.models import Community, whole_by_scenario
from diplomacy.scenarios.models import EVERYONE, Factor, Influence, Outcome, Scenario, Source, Topic
from diplomacy.timeline.history import community_readings, revisions_of, signposts_with_marks
from diplomacy.timeline.models import Development, SignpostMark

Data = dict[str, Any]


def api(name: str, **kwargs: Any) -> str:
    """An object's address in the API."""
    return site_url() + _path(name, tuple(kwargs.items()))


@functools.lru_cache(maxsize=8192)
def _path(name: str, kwargs: tuple[tuple[str, Any], ...]) -> str:
    # A page of factors names thousands of scenarios: reverse() each once a process, not once a mention.
    return reverse(f"api:{name}", kwargs=dict(kwargs))


def page(obj: Any) -> str:
    return site_url() + obj.get_absolute_url()


# The querysets.


# What a list of scenarios shows of each (not the narrative and the rest of a scenario's page), and
# what an estimate names.
NUMBER = ("pk", "slug", "topic_id", "outcome_id", "likelihood")
SCENARIO_ITEM = (*NUMBER, "title", "estimated_at", "updated_at")


def topics(*, scenario_fields: tuple[str, ...] = NUMBER):
    """Published topics, each with its published scenarios in outcome order (their topic cached),
    of which `scenario_fields` (a list shows their numbers only; a topic's page more)."""
    # Each outcome once, not once per scenario: a page of topics has hundreds of scenarios.
    outcome = Prefetch("outcome", queryset=Outcome.objects.only("pk", "slug", "name", "order"))
    shown = Scenario.objects.filter(is_published=True).only(*scenario_fields).prefetch_related(outcome)
    return (
        Topic.objects.published()
        .select_related("community")
        .annotate(as_of=Max("revisions__as_of"))
        .prefetch_related(
            Prefetch("scenarios", queryset=shown.order_by("outcome__order", "pk"), to_attr="shown_scenarios")
        )
    )


def scenarios():
    return (
        Scenario.objects.published()
        .select_related("topic", "outcome")
        .only(*SCENARIO_ITEM, "topic__slug", "outcome__slug")
    )


def scenario_details():
    return (
        Scenario.objects.published()
        .select_related("topic", "outcome")
        .prefetch_related(
            signposts_with_marks(EVERYONE),
            Prefetch("influences", queryset=Influence.objects.select_related("factor").order_by("-strength", "pk")),
            "sources",
        )
    )


def factors():
    shown = (
        Influence.objects.filter(scenario__in=Scenario.objects.published())
        .select_related("scenario__topic")
        .only("factor_id", "scenario_id", "strength", "reason", "scenario__slug", "scenario__topic__slug")
    )
    return Factor.objects.prefetch_related(
        Prefetch("influences", queryset=shown.order_by("scenario__topic__order", "scenario__pk")),
        Prefetch("sources", queryset=Source.objects.only("pk", "key")),
    )


def sources():
    """Sources something published rests on: a published topic or scenario, or a factor."""
    cited = Q(topics__is_published=True) | Q(scenarios__in=Scenario.objects.published()) | Q(factors__isnull=False)
    return Source.objects.filter(pk__in=Source.objects.filter(cited).values("pk"))


def developments():
    marks = SignpostMark.objects.filter(signpost__scenario__in=Scenario.objects.published()).select_related(
        "signpost__scenario__topic"
    )
    return Development.objects.published().prefetch_related(
        Prefetch("topics", queryset=Topic.objects.published().only("pk", "slug")),
        "sources",
        Prefetch("signpost_marks", queryset=marks.order_by("pk")),
    )


ANNOTATION = (
    *("pk", "kind", "scenario_id", "author_id", "parent_id", "root_id"),
    *("quote", "body", "body_html", "created_at", "edited_at", "updated_at"),
    *("scenario__slug", "scenario__updated_at", "scenario__topic_id", "scenario__topic__slug"),
    *("scenario__topic__updated_at", "author__username"),
)


def annotations():
    return Annotation.objects.public().select_related("scenario__topic", "author").only(*ANNOTATION)


# The representations.


def number(scenario: Scenario, likelihood: int | None) -> Data:
    return {
        "scenario": scenario.slug,
        "scenario_id": scenario.pk,
        "outcome": scenario.outcome.slug,
        "likelihood": likelihood,
    }


def estimates(topic: Topic) -> Data:
    """The editors' current numbers, and the community's (none shown until enough readers estimated)."""
    shown: list[Scenario] = topic.shown_scenarios  # type: ignore[attr-defined]
    community: Community | None = getattr(topic, "community", None)
    whole = whole_by_scenario(community.numbers) if community and community.is_shown else {}
    return {
        "as_of": topic.as_of,  # type: ignore[attr-defined]
        "editors": [number(s, s.likelihood) for s in shown],
        "community": {"shown": bool(whole), "numbers": [number(s, whole[s.pk]) for s in shown if s.pk in whole]},
    }


def topic_item(topic: Topic) -> Data:
    return {
        "id": topic.pk,
        "slug": topic.slug,
        "title": topic.title,
        "summary": topic.summary,
        "url": page(topic),
        "api_url": api("topic", topic=topic.slug),
        "history_url": api("history", topic=topic.slug),
        "updated_at": topic.updated_at,
        "estimates": estimates(topic),
    }


def topic_detail(topic: Topic) -> Data:
    item = topic_item(topic)
    community: Community | None = getattr(topic, "community", None)
    item["estimates"]["community"]["readers"] = community.readers if community else 0
    return item | {
        "background": topic.background,
        "stakes": topic.stakes,
        "us_position": topic.us_position,
        "russia_position": topic.russia_position,
        "scenarios": [scenario_item(s) for s in topic.shown_scenarios],  # type: ignore[attr-defined]
        "sources": [source(s) for s in topic.sources.all()],
    }


def scenario_item(scenario: Scenario) -> Data:
    return {
        "id": scenario.pk,
        "slug": scenario.slug,
        "title": scenario.title,
        "topic": scenario.topic.slug,
        "topic_id": scenario.topic_id,
        "outcome": scenario.outcome.slug,
        "outcome_id": scenario.outcome_id,
        "likelihood": scenario.likelihood,
        "estimated_at": scenario.estimated_at,
        "updated_at": scenario.updated_at,
        "url": page(scenario),
        "api_url": api("scenario", topic=scenario.topic.slug, scenario=scenario.slug),
    }


def scenario_detail(scenario: Scenario) -> Data:
    return scenario_item(scenario) | {
        "narrative": scenario.narrative,
        "implications": scenario.implications,
        "likelihood_rationale": scenario.likelihood_rationale,
        "signposts": [signpost(s) for s in scenario.signpost_items.all()],
        "influences": [
            {
                "factor": i.factor.slug,
                "factor_id": i.factor_id,
                "factor_api_url": api("factor", factor=i.factor.slug),
                "strength": i.strength,
                "reason": i.reason,
            }
            for i in scenario.influences.all()
        ],
        "sources": [source(s) for s in scenario.sources.all()],
    }


def signpost(item: Any) -> Data:
    marks = [
        {
            "development_id": m.development_id,
            "development_api_url": api("development", development=m.development_id),
            "happened_on": m.development.happened_on,
            "state": m.state,
            "note": m.note,
        }
        for m in item.marks.all()
    ]
    return {"id": item.pk, "text": item.text, "state": marks[0]["state"] if marks else None, "marks": marks}


def outcome(item: Outcome) -> Data:
    return {
        "id": item.pk,
        "slug": item.slug,
        "name": item.name,
        "description": item.description,
        "order": item.order,
        "url": f"{site_url()}{reverse('explore')}?{urlencode({'outcome': item.slug})}",
        "api_url": api("outcome", outcome=item.slug),
    }


def factor(item: Factor) -> Data:
    return {
        "id": item.pk,
        "slug": item.slug,
        "name": item.name,
        "description": item.description,
        "weaker": item.weaker,
        "stronger": item.stronger,
        "url": None,
        "api_url": api("factor", factor=item.slug),
        "influences": [
            {
                "scenario": i.scenario.slug,
                "scenario_id": i.scenario_id,
                "topic": i.scenario.topic.slug,
                "scenario_api_url": api("scenario", topic=i.scenario.topic.slug, scenario=i.scenario.slug),
                "strength": i.strength,
                "reason": i.reason,
            }
            for i in item.influences.all()
        ],
        "sources": [s.key for s in item.sources.all()],
    }


def source(item: Source) -> Data:
    return {
        "id": item.pk,
        "key": item.key,
        "document_title": item.document_title,
        "author": item.author,
        "document_date": item.document_date,
        "section": item.section,
        "quote": item.quote,
        "api_url": api("source", source=item.key),
    }


def development(item: Development) -> Data:
    return {
        "id": item.pk,
        "slug": item.slug,
        "title": item.title,
        "happened_on": item.happened_on,
        "summary": item.summary,
        "topics": [t.slug for t in item.topics.all()],
        "sources": [
            {"title": s.title, "publisher": s.publisher, "published_on": s.published_on, "url": s.url, "quote": s.quote}
            for s in item.sources.all()
        ],
        "signpost_marks": [
            {
                "signpost_id": m.signpost_id,
                "scenario": m.signpost.scenario.slug,
                "scenario_api_url": api(
                    "scenario", topic=m.signpost.scenario.topic.slug, scenario=m.signpost.scenario.slug
                ),
                "state": m.state,
                "note": m.note,
            }
            for m in item.signpost_marks.all()
        ],
        "updated_at": item.updated_at,
        "url": page(item),
        "api_url": api("development", development=item.pk),
    }


def changed_at(item: Annotation) -> datetime.datetime:
    """When anything an annotation's answer shows last changed: it (its author's renames touch it
    too), or the slugs of its scenario and topic."""
    return max(item.updated_at, item.scenario.updated_at, item.scenario.topic.updated_at)


def annotation(item: Annotation) -> Data:
    scenario = item.scenario
    return {
        "id": item.pk,
        "kind": item.kind,
        "topic": scenario.topic.slug,
        "scenario": scenario.slug,
        "scenario_id": scenario.pk,
        "scenario_api_url": api("scenario", topic=scenario.topic.slug, scenario=scenario.slug),
        "author": item.author.get_username(),
        "quote": item.quote,
        "body": item.body,
        "body_html": item.body_html,
        "parent_id": item.parent_id,
        "root_id": item.root_id,
        "created_at": item.created_at,
        "edited_at": item.edited_at,
        "updated_at": item.updated_at,
        "url": page(item),
        "api_url": api("annotation", annotation=item.pk),
    }


def history(topic: Topic) -> Data:
    """The topic's revisions, oldest first, each with its numbers; and the community's readings."""
    shown: list[Scenario] = topic.shown_scenarios  # type: ignore[attr-defined]
    found = revisions_of(topic, EVERYONE)
    by_pk = {s.pk: s for s in shown}
    revisions = [
        {
            "id": row.revision.pk,
            "as_of": row.revision.as_of,
            "reason": row.revision.reason,
            "editor": row.editor,
            "development_id": row.development.pk if row.development else None,
            "numbers": [number(s, n.value) for s, n in zip(shown, row.numbers, strict=True) if n.value is not None],
        }
        for row in (found.rows(shown) if found else ())
    ]
    community = [
        {
            "day": reading.day,
            "numbers": [number(by_pk[pk], value) for pk, value in reading.values.items() if pk in by_pk],
        }
        for reading in community_readings(topic)
    ]
    return {
        "topic": topic.slug,
        "topic_id": topic.pk,
        "url": page(topic),
        "api_url": api("history", topic=topic.slug),
        "csv_url": site_url() + reverse("topic_history_csv", kwargs={"topic": topic.slug}),
        "revisions": revisions,
        "community": community,
    }
