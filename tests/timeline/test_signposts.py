"""What signposts show: each one's state on its scenario's page, and how many were seen on the topic's."""

import datetime
import re
from html import unescape

import pytest
from django.test import Client

from diplomacy.timeline.models import SignpostMark
from tests.factories import make_scenario, make_topic_with_scenarios
from tests.timeline.factories import make_development, make_mark, make_signpost
from tests.utils import count_queries

pytestmark = pytest.mark.django_db
D = datetime.date
OBSERVED, CONTRADICTED = SignpostMark.State.OBSERVED, SignpostMark.State.CONTRADICTED


@pytest.fixture
def topic(outcomes):
    return make_topic_with_scenarios(outcomes, title="Arms control", slug="arms")


@pytest.fixture
def scenario(topic):
    return topic.scenarios.order_by("outcome__order").first()


@pytest.fixture
def signposts(scenario):
    """Four signposts of the first scenario, in their order."""
    return [make_signpost(scenario, text=f"Sign {n}", order=n) for n in range(1, 5)]


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return response.text


def states(html: str) -> list[tuple[str, str]]:
    """Each signpost on a scenario page: (its state, its text)."""
    items = re.findall(r'<li class="signpost signpost--(\w+)">(.*?)</li>', html, re.S)
    return [(state, re.search(r'<span class="signpost-text">(.*?)</span>', body).group(1)) for state, body in items]


def item(html: str, text: str) -> str:
    """A signpost's item as plain text, its words separated by single spaces."""
    for _, body in re.findall(r'<li class="signpost signpost--(\w+)">(.*?)</li>', html, re.S):
        if f">{text}<" in body:
            return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())
    raise AssertionError(f"no signpost {text!r}")


def tally(html: str, scenario) -> str:
    card = re.search(rf'<li class="scenario-item" id="scenario-{scenario.slug}">(.*?)</li>', html, re.S).group(1)
    found = re.search(r"(\d+ of \d+ signposts? seen)", card)
    return found.group(1) if found else ""


def test_each_signpost_says_watching_observed_or_contradicted(client, topic, scenario, signposts):
    talks = make_development(topic, title="Talks", happened_on=D(2025, 2, 1))
    make_mark(talks, signposts[0], state=OBSERVED, note="Envoys met.")
    make_mark(talks, signposts[1], state=CONTRADICTED, note="They refused.")
    assert states(page(client, scenario.get_absolute_url())) == [
        ("observed", "Sign 1"),
        ("contradicted", "Sign 2"),
        ("watching", "Sign 3"),
        ("watching", "Sign 4"),
    ]


def test_a_signpost_says_when_and_by_which_development_and_why(client, topic, scenario, signposts):
    talks = make_development(topic, title="Talks in Riyadh", happened_on=D(2025, 2, 18))
    make_mark(talks, signposts[0], state=OBSERVED, note="Envoys met for four hours.")
    html = page(client, scenario.get_absolute_url())
    assert item(html, "Sign 1") == "✓ Observed Sign 1 18 February 2025 : Talks in Riyadh Envoys met for four hours."
    assert '<time datetime="2025-02-18">18 February 2025</time>' in html
    assert f'<a href="{talks.get_absolute_url()}">Talks in Riyadh</a>' in html
    assert item(html, "Sign 3") == "○ Watching Sign 3"


def test_the_latest_development_decides_not_the_latest_mark(client, topic, scenario, signposts):
    later = make_development(topic, title="Later", happened_on=D(2025, 5, 1))
    earlier = make_development(topic, title="Earlier", happened_on=D(2025, 1, 1))
    make_mark(later, signposts[0], state=CONTRADICTED, note="Undone.")
    make_mark(earlier, signposts[0], state=OBSERVED, note="Done.")  # entered afterwards, but happened before
    html = page(client, scenario.get_absolute_url())
    assert states(html)[0] == ("contradicted", "Sign 1")
    assert "Later" in item(html, "Sign 1") and "Earlier" not in item(html, "Sign 1")


def test_draft_developments_mark_nothing_for_readers_but_show_to_editors(topic, scenario, signposts, editor):
    published = make_development(topic, title="Published", happened_on=D(2025, 1, 1))
    draft = make_development(topic, title="Secret", happened_on=D(2025, 3, 1), is_published=False)
    make_mark(published, signposts[0], state=OBSERVED, note="Seen.")
    make_mark(draft, signposts[0], state=CONTRADICTED, note="Hush.")
    make_mark(draft, signposts[1], state=OBSERVED, note="Hush again.")
    make_mark(draft, signposts[2], state=OBSERVED, note="Hush once more.")
    editor_client = Client()
    editor_client.force_login(editor)
    for client, who in [(editor_client, "editor"), (Client(), "reader")] * 2:  # the cache shared, in turn
        html = page(client, scenario.get_absolute_url())
        if who == "editor":
            assert states(html)[:2] == [("contradicted", "Sign 1"), ("observed", "Sign 2")]
            assert "Secret (unpublished)" in item(html, "Sign 1")
            assert tally(page(client, topic.get_absolute_url()), scenario) == "2 of 4 signposts seen"
        else:
            assert states(html)[:2] == [("observed", "Sign 1"), ("watching", "Sign 2")]
            assert "Secret" not in html and "Hush" not in html
            assert tally(page(client, topic.get_absolute_url()), scenario) == "1 of 4 signposts seen"


def test_the_topic_page_counts_the_signposts_seen_of_each_scenario(client, topic, scenario, signposts):
    talks = make_development(topic, title="Talks", happened_on=D(2025, 2, 1))
    summit = make_development(topic, title="Summit", happened_on=D(2025, 6, 1))
    make_mark(talks, signposts[0], state=OBSERVED)
    make_mark(talks, signposts[1], state=OBSERVED)
    make_mark(summit, signposts[1], state=CONTRADICTED)  # seen, then undone: not seen now
    make_mark(summit, signposts[2], state=OBSERVED)
    other = topic.scenarios.order_by("outcome__order")[1]
    make_signpost(other, text="Alone")
    html = page(client, topic.get_absolute_url())
    assert tally(html, scenario) == "2 of 4 signposts seen"
    assert tally(html, other) == "0 of 1 signpost seen"
    assert f'<a href="{scenario.get_absolute_url()}#signposts-heading">2 of 4 signposts seen</a>' in html


def test_a_scenario_without_signposts_has_no_count(client, topic):
    last = topic.scenarios.order_by("outcome__order").last()
    assert tally(page(client, topic.get_absolute_url()), last) == ""


def test_signposts_kept_only_as_text_are_still_listed(client, outcomes):
    """Scenarios made before signposts were items (the factories still make them so) keep their list."""
    scenario = make_scenario(signposts="One thing.\nAnother thing.")
    html = page(client, scenario.get_absolute_url())
    assert '<ul class="signposts">' in html
    assert "<li>One thing.</li>" in html and "<li>Another thing.</li>" in html


def test_signpost_text_and_notes_are_escaped(client, topic, scenario):
    signpost = make_signpost(scenario, text="<b>bold</b> sign")
    make_mark(make_development(topic), signpost, note="<script>alert(1)</script>")
    html = page(client, scenario.get_absolute_url())
    assert "<b>bold</b>" not in html and "<script>alert(1)</script>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt; sign" in html


@pytest.mark.parametrize("which", ["topic", "scenario"])
def test_query_count_does_not_grow_with_signposts_and_marks(client, topic, scenario, editor, which):
    url = topic.get_absolute_url() if which == "topic" else scenario.get_absolute_url()
    scenarios = list(topic.scenarios.all())
    day = iter(D(2025, 1, 1) + datetime.timedelta(days=n) for n in range(1000))

    def more() -> None:
        development = make_development(topic, happened_on=next(day))
        for each in scenarios:
            make_mark(development, make_signpost(each), state=OBSERVED)
            make_mark(development, make_signpost(each), state=CONTRADICTED)

    for who in (None, editor):
        if who:
            client.force_login(who)
        more()
        few = count_queries(client, url)
        for _ in range(10):
            more()
        assert count_queries(client, url) == few, who or "anonymous"
