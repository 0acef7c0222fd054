"""A small published world with everything the API shows, and next to it what it must not show."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User

from diplomacy.annotations.models import Annotation
from diplomacy.forecasts.models import Community, CommunityVersion
from diplomacy.scenarios.models import Scenario, Topic
from diplomacy.timeline.models import Development
from tests.factories import make_annotation, make_scenario, make_source, make_topic, make_topic_with_scenarios
from tests.timeline.factories import make_development, make_development_source, make_mark, make_revision, make_signpost


@dataclass
class World:
    topic: Topic
    scenario: Scenario
    draft_topic: Topic
    draft_scenario: Scenario
    development: Development
    draft_development: Development
    note: Annotation
    reply: Annotation
    private: Annotation
    hidden: Annotation
    on_draft: Annotation


@pytest.fixture
def world(outcomes, contributor, other_contributor, editor) -> World:
    topic = make_topic_with_scenarios(outcomes, title="Arms control", slug="arms-control")
    scenario = topic.scenarios.order_by("outcome__order").first()
    assert scenario is not None
    draft_scenario = topic.scenarios.order_by("outcome__order").last()
    assert draft_scenario is not None
    draft_scenario.is_published = False
    draft_scenario.save()
    draft_topic = make_topic_with_scenarios(outcomes, title="Secret talks", slug="secret-talks", is_published=False)
    development = make_development(topic, title="Leaders meet")
    make_development_source(development)
    make_mark(development, make_signpost(scenario))
    draft_development = make_development(topic, title="Not yet out", is_published=False)
    make_mark(draft_development, make_signpost(scenario, text="A sign only a draft marks"))
    make_revision(topic, [40, 30, 20, 10], development=development)
    numbers = {str(s.pk): 25.0 for s in topic.scenarios.all()}
    Community.objects.create(topic=topic, numbers=numbers, readers=7)
    CommunityVersion.objects.create(topic=topic, numbers=numbers, readers=7)
    note = make_annotation(scenario, contributor, quote="The first paragraph", body="A **public** note.")
    reply = note.reply(author=other_contributor, body="A reply.")
    private = make_annotation(scenario, contributor, body="Only mine.", is_public=False)
    hidden = make_annotation(scenario, contributor, body="Hidden by an editor.")
    hidden.hide(by=editor, reason="Off topic")
    on_draft = make_annotation(draft_scenario, contributor, body="On a draft scenario.")
    return World(
        topic,
        scenario,
        draft_topic,
        draft_scenario,
        development,
        draft_development,
        note,
        reply,
        private,
        hidden,
        on_draft,
    )


@pytest.fixture
def editor_client(client, editor: User):
    client.force_login(editor)
    return client


def grow(outcomes, contributor, times: int) -> None:
    """`times` more published topics, each with scenarios, a development, annotations and a reply."""
    for _ in range(times):
        topic = make_topic_with_scenarios(outcomes)
        topic.sources.add(make_source())
        scenario = topic.scenarios.first()
        assert scenario is not None
        make_mark(make_development(topic), make_signpost(scenario))
        make_revision(topic, [25, 25, 25, 25])
        note = make_annotation(scenario, contributor)
        note.reply(author=contributor, body="Replying to myself.")
        make_scenario(topic=make_topic(), outcome=outcomes[0])
