"""The reader's pages: home with the matrix, topic pages and scenario pages."""

import pytest
from django.urls import reverse

from tests.factories import make_factor, make_influence, make_scenario, make_topic, make_topic_with_scenarios
from tests.utils import count_queries

pytestmark = pytest.mark.django_db


def test_home_lists_published_topics_only(client, outcomes):
    shown = make_topic_with_scenarios(outcomes, title="Arms control")
    make_topic(title="A draft topic", is_published=False)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert shown.title in response.text
    assert shown.get_absolute_url() in response.text
    assert "A draft topic" not in response.text


def test_home_matrix_has_a_row_per_topic_and_a_linked_cell_per_outcome(client, outcomes):
    topic = make_topic_with_scenarios(outcomes, title="Trade")
    response = client.get(reverse("home"))
    assert response.text.count('<th scope="row">') == 1
    assert f'<th scope="row"><a href="{topic.get_absolute_url()}">Trade</a></th>' in response.text
    header = response.text[response.text.index("<thead>") : response.text.index("</thead>")]
    assert [name in header for name in ("Breakthrough", "Limited agreement", "No agreement")] == [True] * 3
    for scenario in topic.scenarios.all():
        assert f'href="{scenario.get_absolute_url()}"' in response.text
    assert 'class="cell lk-20"' in response.text  # 25 % in the 20–29 band
    assert "25&thinsp;%" in response.text


def test_home_matrix_says_not_estimated_and_marks_missing_scenarios(client, outcomes):
    topic = make_topic()
    make_scenario(topic=topic, outcome=outcomes[0], likelihood=None)
    response = client.get(reverse("home"))
    assert "not estimated" in response.text
    assert response.text.count("no scenario") == 3


def test_home_card_names_the_most_likely_scenario(client, outcomes):
    topic = make_topic()
    make_scenario(topic=topic, outcome=outcomes[0], likelihood=10, title="Unlikely")
    likely = make_scenario(topic=topic, outcome=outcomes[1], likelihood=90, title="Very likely")
    response = client.get(reverse("home"))
    assert f'Most likely: <a href="{likely.get_absolute_url()}">Very likely</a>' in response.text


def test_topic_page_shows_its_scenarios_with_likelihoods(client, outcomes):
    topic = make_topic_with_scenarios(outcomes, title="Ukraine", background="A long war.")
    make_scenario(topic=topic, title="A hidden draft", is_published=False)
    response = client.get(topic.get_absolute_url())
    assert response.status_code == 200
    scenarios = list(topic.scenarios.filter(is_published=True))
    assert len(scenarios) == 4
    for scenario in scenarios:
        assert scenario.title in response.text
        assert scenario.get_absolute_url() in response.text
    assert "25&thinsp;%" in response.text
    assert "A long war." in response.text
    assert "A hidden draft" not in response.text
    assert "illustrative estimates" in response.text


def test_topic_page_shows_which_scenarios_each_factor_pushes(client, outcomes):
    topic = make_topic()
    good = make_scenario(topic=topic, outcome=outcomes[0])
    bad = make_scenario(topic=topic, outcome=outcomes[3])
    trust = make_factor(name="Lack of trust")
    make_influence(good, trust, strength=-2, reason="Nobody moves first.")
    make_influence(bad, trust, strength=1, reason="Suspicion feeds escalation.")
    response = client.get(topic.get_absolute_url())
    factors = response.context["factors"]
    assert [(factor, [i.scenario for i in influences]) for factor, influences in factors] == [(trust, [good, bad])]
    assert (
        f'<p class="pushes">Pushes towards <a href="#scenario-{bad.slug}">Worsened relations</a>, '
        f'away from <a href="#scenario-{good.slug}">Breakthrough</a> (strongly).</p>'
    ) in response.text
    assert '<span class="push-to">Towards Worsened relations:</span> Suspicion feeds escalation.' in response.text
    assert '<span class="push-to">Away from Breakthrough:</span> Nobody moves first.' in response.text


def test_topic_page_reads_influences_without_colour_or_helps_and_hurts(client, outcomes):
    topic = make_topic()
    good = make_scenario(topic=topic, outcome=outcomes[0])
    bad = make_scenario(topic=topic, outcome=outcomes[3])
    trust = make_factor(name="Lack of trust")
    make_influence(good, trust, strength=-2)
    make_influence(bad, trust, strength=2)
    section = _section(client.get(topic.get_absolute_url()).text, "factors-heading")
    assert "Worsened relations</a> (strongly)" in section
    for old in ("influence--helps", "influence--hurts", "helps", "hurts", "▲", "▼"):
        assert old not in section


def test_topic_page_asks_what_if_each_force_were_weaker_or_stronger(client, outcomes):
    topic = make_topic(slug="arms")
    congress = make_factor(slug="congress", name="Congress", weaker="Congress resists less")
    make_influence(make_scenario(topic=topic, outcome=outcomes[0]), congress, strength=-1)
    response = client.get(topic.get_absolute_url())
    whatif = reverse("whatif_topic", kwargs={"topic": "arms"})
    assert whatif == "/topics/arms/what-if/"
    assert f'<a href="{whatif}">What if…? Move these forces and see the estimates shift</a>' in response.text
    assert f'<a href="{whatif}?congress=-1">What if Congress resists less?</a>' in response.text
    assert f'<a href="{whatif}?congress=1">What if Congress counted for more?</a>' in response.text


def _section(page: str, heading: str) -> str:
    """The <section> of a page whose heading has this id."""
    start = page.index(f'<h2 id="{heading}">')
    return page[start : page.index("</section>", start)]


def test_topic_page_links_to_neighbouring_topics(client):
    first, middle, last = make_topic(order=1), make_topic(order=2), make_topic(order=3)
    response = client.get(middle.get_absolute_url())
    assert f'rel="prev" href="{first.get_absolute_url()}"' in response.text
    assert f'rel="next" href="{last.get_absolute_url()}"' in response.text
    assert 'rel="prev"' not in client.get(first.get_absolute_url()).text


def test_scenario_page_shows_narrative_signposts_factors_and_siblings(client, outcomes):
    topic = make_topic_with_scenarios(outcomes)
    scenario, *siblings = topic.scenarios.order_by("outcome__order")
    response = client.get(scenario.get_absolute_url())
    assert response.status_code == 200
    assert "The second paragraph." in response.text
    assert "<li>A second sign.</li>" in response.text
    assert scenario.influences.get().factor.name in response.text
    assert "pushes it up</span>:" in _section(response.text, "factors-heading")
    assert "Editor’s illustrative estimate" in response.text
    for sibling in siblings:
        assert sibling.get_absolute_url() in response.text
    assert 'id="annotations"' in response.text


def test_scenario_page_says_how_each_force_pushes_it_in_neutral_words(client, outcomes):
    topic = make_topic()
    scenario = make_scenario(topic=topic, outcome=outcomes[2])
    make_influence(scenario, make_factor(name="Trump's deal-making"), strength=-2, reason="He wants a deal.")
    make_influence(scenario, make_factor(name="Lack of trust"), strength=1, reason="Nobody moves first.")
    section = _section(client.get(scenario.get_absolute_url()).text, "factors-heading")
    assert "what pushes this one up takes from the others" in section
    up, down = section.index("Lack of trust"), section.index("Trump&#x27;s deal-making")
    assert up < down  # pushing it up first
    assert '— <span class="influence-push">pushes it up</span>: <span class="influence-reason">Nobody' in section
    assert '— <span class="influence-push">pushes it down strongly</span>: <span class="influence-reason">He' in section
    for old in ("influence--helps", "influence--hurts", "helps", "hurts", "▲", "▼"):
        assert old not in section


def test_unpublished_topics_and_scenarios_are_not_found(client, outcomes):
    draft_topic = make_topic_with_scenarios(outcomes, is_published=False)
    assert client.get(draft_topic.get_absolute_url()).status_code == 404
    assert client.get(draft_topic.scenarios.first().get_absolute_url()).status_code == 404
    draft = make_scenario(is_published=False)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_editors_preview_unpublished_pages_with_a_banner(client, editor, outcomes):
    draft_topic = make_topic_with_scenarios(outcomes, is_published=False)
    client.force_login(editor)
    response = client.get(draft_topic.get_absolute_url())
    assert response.status_code == 200
    assert "Unpublished: only editors can see this topic." in response.text
    response = client.get(draft_topic.scenarios.first().get_absolute_url())
    assert "Unpublished: only editors can see this scenario." in response.text


def test_a_wrong_slug_gets_a_helpful_404_page(client):
    response = client.get("/topics/no-such-topic/")
    assert response.status_code == 404
    assert "We could not find that page" in response.text
    assert 'href="/"' in response.text


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_pages_only_answer_safe_methods(client, outcomes, method):
    topic = make_topic_with_scenarios(outcomes)
    assert getattr(client, method)(topic.get_absolute_url()).status_code == 405


def test_text_is_escaped(client, outcomes):
    topic = make_topic_with_scenarios(outcomes, summary="<script>alert(1)</script>")
    response = client.get(topic.get_absolute_url())
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


@pytest.mark.parametrize("page", ["home", "topics", "topic", "scenario", "explore", "compare"])
def test_query_count_does_not_grow_with_the_data(client, outcomes, page):
    def url() -> str:
        topic = make_topic_with_scenarios(outcomes)
        first, second = topic.scenarios.all()[:2]
        return {
            "home": reverse("home"),
            "topics": reverse("topics"),
            "topic": topic.get_absolute_url(),
            "scenario": first.get_absolute_url(),
            "explore": reverse("explore") + "?q=paragraph&sort=likelihood",
            "compare": f"{reverse('compare')}?s={first.ref}&s={second.ref}",
        }[page]

    with_little_data = count_queries(client, url())
    for _ in range(59):  # ten times the seeds: 60 topics, 240 scenarios
        last = url()
    assert count_queries(client, last) == with_little_data


def test_home_shows_the_first_twelve_topics_and_links_to_all_of_them(client):
    for n in range(14):
        make_topic(title=f"Topic number {n:02}", order=n)
    response = client.get(reverse("home"))
    assert "Topic number 11" in response.text
    assert "Topic number 12" not in response.text
    assert f'<a href="{reverse("topics")}">All 14 topics →</a>' in response.text


def test_the_topic_index_lists_every_published_topic_a_page_at_a_time(client):
    for n in range(27):
        make_topic(title=f"Topic number {n:02}", order=n)
    make_topic(title="A draft", is_published=False)
    first = client.get(reverse("topics"))
    assert first.text.count('<th scope="row">') == 25
    assert 'href="?page=2"' in first.text
    second = client.get(reverse("topics"), {"page": 2})
    assert second.text.count('<th scope="row">') == 2
    assert "A draft" not in first.text + second.text
    assert client.get(reverse("topics"), {"page": "last"}).status_code == 200
