"""The explorer: filter, search and sort; the URL is the state; htmx swaps only the results."""

import pytest
from django.urls import reverse

from diplomacy.scenarios.forms import ExplorerForm
from tests.factories import make_outcome, make_scenario, make_topic

pytestmark = pytest.mark.django_db
URL = reverse("explore")


@pytest.fixture
def world(outcomes):
    """Two topics, each with a scenario per outcome, with distinct likelihoods and words."""
    trade = make_topic(title="Trade", slug="trade", order=1)
    climate = make_topic(title="Climate", slug="climate", order=2)
    scenarios = {}
    for topic, values in ((trade, [5, 20, 50, 25]), (climate, [10, 30, 40, 20])):
        for outcome, value in zip(outcomes, values, strict=True):
            scenarios[(topic.slug, outcome.slug)] = make_scenario(
                topic=topic,
                outcome=outcome,
                likelihood=value,
                slug=outcome.slug,
                title=f"{topic.title}: {outcome.name}",
                narrative=f"On {topic.title.lower()}, talks end in {outcome.name.lower()}.\n\nMore detail.",
            )
    scenarios[("climate", "breakthrough")].narrative = "A pact on methane emissions and clean energy."
    scenarios[("climate", "breakthrough")].save()
    return scenarios


def titles(response) -> list[str]:
    return [scenario.title for scenario in response.context["page"]]


def test_it_lists_every_published_scenario_by_topic_then_outcome(client, world):
    make_scenario(title="A draft", is_published=False)
    make_scenario(title="On a draft topic", topic=make_topic(is_published=False))
    response = client.get(URL)
    assert response.status_code == 200
    assert titles(response) == [s.title for s in world.values()]
    assert "8 scenarios" in response.text


def test_it_filters_by_several_topics_and_outcomes(client, world):
    response = client.get(URL, {"topic": ["climate"], "outcome": ["breakthrough", "no-agreement"]})
    assert titles(response) == ["Climate: Breakthrough", "Climate: No agreement"]
    response = client.get(URL, {"topic": ["trade", "climate"], "outcome": ["worsened-relations"]})
    assert titles(response) == ["Trade: Worsened relations", "Climate: Worsened relations"]


def test_it_filters_by_a_likelihood_range_and_sorts(client, world):
    response = client.get(URL, {"min": 25, "max": 40, "sort": "likelihood"})
    assert titles(response) == ["Climate: No agreement", "Climate: Limited agreement", "Trade: Worsened relations"]
    response = client.get(URL, {"min": 40, "max": 25, "sort": "likelihood-asc"})  # swapped bounds are understood
    assert titles(response)[0] == "Trade: Worsened relations"


def test_not_estimated_scenarios_sort_last_and_drop_out_of_a_range(client, world):
    world[("trade", "breakthrough")].likelihood = None
    world[("trade", "breakthrough")].save()
    assert titles(client.get(URL, {"sort": "likelihood"}))[-1] == "Trade: Breakthrough"
    assert titles(client.get(URL, {"sort": "likelihood-asc"}))[-1] == "Trade: Breakthrough"
    assert "Trade: Breakthrough" not in titles(client.get(URL, {"min": 0}))


def test_it_sorts_by_outcome_best_first(client, world):
    assert titles(client.get(URL, {"sort": "outcome"}))[:2] == ["Trade: Breakthrough", "Climate: Breakthrough"]


def test_search_finds_words_in_the_narrative_and_marks_them(client, world):
    response = client.get(URL, {"q": "methane"})
    assert titles(response) == ["Climate: Breakthrough"]
    assert "<mark>methane</mark>" in response.text.lower()
    assert "matching “methane”" in response.text


def test_search_ranks_title_matches_first(client, world):
    make_scenario(title="Methane deal", narrative="Nothing else.", topic=make_topic(), outcome=make_outcome())
    assert titles(client.get(URL, {"q": "methane"}))[0] == "Methane deal"
    assert titles(client.get(URL, {"q": "methane", "sort": "relevance"}))[0] == "Methane deal"
    assert titles(client.get(URL, {"q": "methane", "sort": "topic"}))[0] == "Climate: Breakthrough"


def test_an_explicit_sort_stays_in_the_address_and_the_default_does_not(client, world):
    headers = {"HX-Request": "true"}
    assert client.get(URL, {"q": "talks", "sort": "relevance"}, headers=headers)["HX-Push-Url"] == "/scenarios/?q=talks"
    assert client.get(URL, {"q": "talks", "sort": "topic"}, headers=headers)["HX-Push-Url"] == (
        "/scenarios/?q=talks&sort=topic"
    )


def test_search_combines_with_filters(client, world):
    assert titles(client.get(URL, {"q": "talks", "topic": "trade", "outcome": "breakthrough"})) == [
        "Trade: Breakthrough"
    ]
    assert titles(client.get(URL, {"q": "methane", "topic": "trade"})) == []


def test_htmx_requests_get_only_the_results_and_the_tidy_url(client, world):
    response = client.get(
        URL, {"q": "", "topic": "climate", "min": "", "max": "", "sort": "relevance"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="results"')
    assert "<html" not in response.text
    assert response["HX-Push-Url"] == "/scenarios/?topic=climate"
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_gets_the_whole_page(client, world):
    response = client.get(
        URL, {"topic": "climate"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.text


def test_the_same_url_loaded_fresh_renders_the_same_view(client, world):
    response = client.get("/scenarios/?q=talks&topic=trade&outcome=no-agreement")
    assert titles(response) == ["Trade: No agreement"]
    assert 'value="trade" checked' in response.text
    assert 'value="no-agreement" checked' in response.text
    assert 'name="q" value="talks"' in response.text
    assert (
        f'<link rel="canonical" href="http://127.0.0.1:8000{URL}?q=talks&amp;topic=trade&amp;outcome=no-agreement">'
        in (response.text)
    )


@pytest.mark.parametrize(
    ("query", "ignored"),
    [
        ("topic=atlantis", "topic: Select a valid choice. atlantis is not one of the available choices."),
        ("min=lots", "min: Enter a whole number."),
        ("max=250", "max: Ensure this value is less than or equal to 100."),
        ("sort=chaos", "sort: Select a valid choice. chaos is not one of the available choices."),
        ("page=-3", "page: Ensure this value is greater than or equal to 1."),
        ("q=" + "x" * 300, "q: Ensure this value has at most 200 characters (it has 300)."),
    ],
)
def test_malformed_parameters_are_ignored_with_a_message(client, world, query, ignored):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert len(titles(response)) == 8 or query.startswith("q=")
    assert "was not understood and was ignored" in response.text
    assert ignored in response.content.decode()


@pytest.mark.parametrize("query", ["q=%00", "q=%ff%fe", "page=99999", "q=!!!+%26%26+|", "q=' OR 1=1 --", "topic="])
def test_odd_input_never_breaks_the_explorer(client, world, query):
    assert client.get(f"{URL}?{query}").status_code == 200


def test_results_are_paged_with_links_that_keep_the_filters(client, outcomes):
    for _ in range(8):
        topic = make_topic()
        for outcome in outcomes:
            make_scenario(topic=topic, outcome=outcome)
    response = client.get(URL, {"sort": "likelihood"})
    assert len(titles(response)) == 30
    next_page = "?sort=likelihood&amp;page=2"
    assert f'href="{next_page}" data-hx-get="{next_page}" data-hx-target="#results"' in response.text
    assert len(titles(client.get(URL, {"sort": "likelihood", "page": 2}))) == 2


@pytest.mark.parametrize(
    ("filters", "summary"),
    [
        ({"sort": "relevance"}, ""),
        ({"sort": "relevance", "topic": ["a", "b"]}, "(2 filters)"),
        ({"sort": "likelihood", "q": "treaty", "min": 10}, "(2 filters, most likely first)"),
        ({"sort": "topic", "max": 0}, "(1 filter, topic)"),
        ({"sort": "outcome", "outcome": ["x"], "q": ""}, "(1 filter, outcome, best first)"),
    ],
)
def test_the_folded_filters_say_what_is_applied(filters, summary):
    assert ExplorerForm.summary(filters) == summary
