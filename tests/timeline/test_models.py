"""The timeline's rules: developments, signpost marks, revisions of a topic's estimates."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from diplomacy.scenarios.models import EVERYONE, Scenario, Signpost
from diplomacy.timeline.models import Development, DevelopmentSource, Estimate, Revision, SignpostMark
from tests.factories import make_topic, make_topic_with_scenarios

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 3, 1)


@pytest.fixture
def topic(outcomes):
    return make_topic_with_scenarios(outcomes, slug="arms")  # four scenarios at 25 % each


def numbers(topic, *values: int) -> dict[int, int]:
    return dict(zip(topic.scenarios.order_by("outcome__order").values_list("pk", flat=True), values, strict=True))


def test_a_revision_changes_the_topic_together_and_keeps_who_when_from_what_and_why(topic, editor):
    development = Development.objects.create(title="Talks announced", happened_on=DAY, summary="They will meet.")
    revision = Revision.record(
        topic,
        numbers(topic, 40, 30, 20, 10),
        reason="A summit is set.",
        as_of=DAY,
        editor=editor,
        development=development,
    )
    moves = {(e.previous, e.likelihood) for e in revision.estimates.all()}
    assert moves == {(25, 40), (25, 30), (25, 20), (25, 10)}
    assert (revision.editor, revision.reason, revision.development) == (editor, "A summit is set.", development)
    scenarios = topic.scenarios.order_by("outcome__order")
    assert [s.likelihood for s in scenarios] == [40, 30, 20, 10]
    assert {s.estimated_at.date() for s in scenarios} == {DAY}


@pytest.mark.parametrize(
    ("values", "reason", "message"),
    [
        ((40, 30, 20, 5), "Why", "add up to 95 %"),
        ((40, 30, 20, 10), "  ", "Say why"),
        ((140, 30, 20, 10), "Why", "between 0 and 100"),
    ],
)
def test_a_revision_that_does_not_add_up_or_says_no_why_is_refused_and_changes_nothing(topic, values, reason, message):
    with pytest.raises(ValidationError, match=message):
        Revision.record(topic, numbers(topic, *values), reason=reason, as_of=DAY)
    assert not Revision.objects.exists()
    assert set(topic.scenarios.values_list("likelihood", flat=True)) == {25}


def test_a_revision_must_name_every_outcome_of_its_topic_and_nothing_else(topic, outcomes):
    given = numbers(topic, 40, 30, 20, 10)
    with pytest.raises(ValidationError, match="every outcome"):
        Revision.record(topic, dict(list(given.items())[:3]), reason="Why", as_of=DAY)
    other = make_topic_with_scenarios(outcomes, slug="other").scenarios.first()
    with pytest.raises(ValidationError, match="every outcome"):
        Revision.record(topic, given | {other.pk: 0}, reason="Why", as_of=DAY)


def test_a_backdated_revision_is_kept_but_the_newest_one_stays_current(topic):
    Revision.record(topic, numbers(topic, 40, 30, 20, 10), reason="Now", as_of=DAY)
    Revision.record(topic, numbers(topic, 10, 20, 30, 40), reason="Filled in late", as_of=DAY.replace(month=1))
    assert [s.likelihood for s in topic.scenarios.order_by("outcome__order")] == [40, 30, 20, 10]
    assert Revision.objects.count() == 2


def test_a_snapshot_records_the_numbers_only_when_they_changed(topic):
    first = Revision.snapshot(topic, as_of=DAY, reason="Seeds")
    assert first is not None and set(first.estimates.values_list("previous", flat=True)) == {None}
    assert Revision.snapshot(topic, as_of=DAY, reason="Seeds") is None
    Scenario.objects.filter(topic=topic).update(likelihood=25)  # unchanged numbers: nothing to record
    assert Revision.snapshot(topic, as_of=DAY, reason="Seeds") is None


def test_what_moved_lists_the_largest_published_changes_since_a_day(topic, outcomes):
    Revision.record(topic, numbers(topic, 25, 25, 25, 25), reason="Same", as_of=DAY)
    Revision.record(topic, numbers(topic, 45, 25, 20, 10), reason="Moved", as_of=DAY)
    draft = make_topic_with_scenarios(outcomes, slug="draft", is_published=False)
    Revision.record(draft, numbers(draft, 97, 1, 1, 1), reason="Draft", as_of=DAY)
    moved = list(Estimate.objects.moved_since(DAY, EVERYONE))
    assert [(e.previous, e.likelihood) for e in moved] == [(25, 45), (25, 10), (25, 20)]
    assert not list(Estimate.objects.moved_since(DAY + datetime.timedelta(days=1), EVERYONE))


def test_developments_happen_in_the_past_and_cite_http_addresses_only():
    development = Development(title="Tomorrow", happened_on=timezone.localdate() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        development.full_clean()
    assert "cannot be in the future" in str(error.value.message_dict["happened_on"])
    development = Development.objects.create(title="Said", happened_on=DAY, summary="It was said.")
    assert development.slug == "said"
    source = DevelopmentSource(development=development, title="T", publisher="P", url="javascript:alert(1)", quote="Q")
    with pytest.raises(ValidationError) as error:
        source.full_clean()
    assert "url" in error.value.message_dict
    DevelopmentSource(development=development, title="T", publisher="P", url="", quote="Q").full_clean()


def test_a_development_marks_only_signposts_of_its_own_topics(topic):
    signpost = Signpost.objects.create(scenario=topic.scenarios.first(), text="A hotline is set up.")
    development = Development.objects.create(title="Hotline", happened_on=DAY, summary="Set up.")
    mark = SignpostMark(development=development, signpost=signpost, state="observed", note="It was.")
    with pytest.raises(ValidationError) as error:
        mark.full_clean()
    assert "topic the development is not about" in str(error.value.message_dict["signpost"])
    development.topics.add(topic)
    mark.full_clean()


def test_signpost_items_keep_the_searched_text_in_step(topic):
    scenario = topic.scenarios.first()
    scenario.signpost_items.all().delete()
    first = Signpost.objects.create(scenario=scenario, text="Envoys meet.", order=1)
    Signpost.objects.create(scenario=scenario, text="A date is set.", order=0)
    assert Scenario.objects.get(pk=scenario.pk).signposts == "A date is set.\nEnvoys meet."
    first.delete()
    assert Scenario.objects.get(pk=scenario.pk).signposts == "A date is set."
    assert Scenario.objects.published().search("date").filter(pk=scenario.pk).exists()


def test_every_change_to_the_timeline_reaches_the_pages(client, topic):
    """Developments and revisions are editorial: a change shows on the next request."""
    before = client.get("/").text
    development = Development.objects.create(
        title="Kremlin ready to talk", happened_on=DAY, summary="Said so.", is_published=True
    )
    development.topics.add(topic)
    assert "Kremlin ready to talk" in client.get("/").text
    assert "Kremlin ready to talk" not in before
    make_topic(slug="unrelated")  # and the page is cached again afterwards
    assert client.get("/").text == client.get("/").text


def test_the_home_page_shows_published_news_only_to_editor_and_reader_alike(client, editor, topic):
    draft = Development.objects.create(title="Secret briefing", happened_on=DAY, summary="Not yet.")
    draft.topics.add(topic)
    today = timezone.localdate()
    Revision.record(topic, numbers(topic, 45, 25, 20, 10), reason="Moved", as_of=today, development=draft)
    client.force_login(editor)
    seen_by_editor = client.get("/").text
    client.logout()
    for html in (seen_by_editor, client.get("/").text):
        assert "Secret briefing" not in html
        assert "25&thinsp;% → 45&thinsp;%" in html  # the move itself is published content
