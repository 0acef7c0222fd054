"""Compare: up to four scenarios side by side, named in the address, a row per part and per factor."""

import itertools
import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.cache import cache
from hypothesis import given
from hypothesis import strategies as st

from diplomacy.scenarios.comparison import (
    Column,
    Comparison,
    Push,
    factor_rows,
    first_paragraph,
    query,
    reading_order,
)
from diplomacy.scenarios.models import Factor, Influence, Outcome, Scenario, Topic
from tests.factories import (
    make_factor,
    make_influence,
    make_outcome,
    make_scenario,
    make_topic,
    make_topic_with_scenarios,
)
from tests.utils import count_queries

HTMX = {"HX-Request": "true"}


# The rows, as plain data (no database)


def in_memory_scenario(pk: int, topic: Topic, outcome: Outcome) -> Scenario:
    return Scenario(pk=pk, slug=f"scenario-{pk}", title=f"Scenario {pk}", topic=topic, outcome=outcome)


@st.composite
def scenario_lists(draw) -> list[Scenario]:
    """Scenarios of a few topics and outcomes, whose orders and titles may tie."""
    topics = [
        Topic(pk=pk, slug=f"topic-{pk}", title=draw(st.sampled_from("AB")), order=draw(st.integers(0, 2)))
        for pk in range(1, draw(st.integers(1, 4)) + 1)
    ]
    outcomes = [
        Outcome(pk=pk, name=draw(st.sampled_from("XY")), order=draw(st.integers(0, 2)))
        for pk in range(1, draw(st.integers(1, 4)) + 1)
    ]
    pairs = draw(st.lists(st.tuples(st.sampled_from(topics), st.sampled_from(outcomes)), unique=True, max_size=8))
    return [in_memory_scenario(pk, topic, outcome) for pk, (topic, outcome) in enumerate(pairs, start=1)]


def reading_key(scenario: Scenario) -> tuple:
    return (
        scenario.topic.order,
        scenario.topic.title,
        scenario.topic.pk,
        scenario.outcome.order,
        scenario.outcome.name,
    )


@given(scenario_lists())
def test_columns_go_topic_by_topic_then_best_outcome_first_and_ties_keep_their_order(scenarios):
    ordered = reading_order(scenarios)
    assert sorted(s.pk for s in ordered) == sorted(s.pk for s in scenarios)
    assert [reading_key(s) for s in ordered] == sorted(reading_key(s) for s in scenarios)
    for earlier, later in itertools.pairwise(ordered):
        if reading_key(earlier) == reading_key(later):
            assert scenarios.index(earlier) < scenarios.index(later)


FACTORS = {pk: Factor(pk=pk, slug=f"factor-{pk}", name=name, order=order) for pk, name, order in
           [(1, "Sanctions", 2), (2, "Domestic politics", 1), (3, "Allies", 1), (4, "Energy", 5), (5, "Cyber", 0)]}  # fmt: skip
STRENGTHS = st.sampled_from([-2, -1, 1, 2])
COLUMN = st.dictionaries(st.sampled_from(sorted(FACTORS)), st.tuples(STRENGTHS, st.text(max_size=5)), max_size=5)


def influences(column: dict) -> list[Influence]:
    return [Influence(factor=FACTORS[pk], strength=s, reason=reason) for pk, (s, reason) in column.items()]


@given(st.lists(COLUMN, min_size=1, max_size=4))
def test_every_factor_acting_on_any_column_has_exactly_one_row_with_a_cell_per_column(columns):
    rows = factor_rows([influences(column) for column in columns])
    acting = {pk for column in columns for pk in column}
    assert sorted(row.factor.pk for row in rows) == sorted(acting)  # each once, and only those
    for row in rows:
        assert len(row.cells) == len(columns)
        for cell, column in zip(row.cells, columns, strict=True):
            expected = column.get(row.factor.pk)
            assert cell == (Push(*expected) if expected else None)
    keys = [(row.factor.order, row.factor.name) for row in rows]
    assert keys == sorted(keys)


def test_no_columns_no_rows():
    assert factor_rows([]) == []
    assert factor_rows([[], []]) == []


@pytest.mark.parametrize(
    ("strength", "arrows", "words", "helps"),
    [(2, "▲▲", "pushes up strongly", True), (1, "▲", "pushes up", True), (-1, "▼", "pushes down", False),
     (-2, "▼▼", "pushes down strongly", False)],
)  # fmt: skip
def test_a_push_shows_its_strength_in_arrows_and_in_words(strength, arrows, words, helps):
    push = Push(strength, "Because.")
    assert (push.arrows, push.words, push.helps) == (arrows, words, helps)


@pytest.mark.parametrize(
    ("text", "lead", "more"),
    [("", "", False), ("One.", "One.", False), ("One.\nStill one.", "One.\nStill one.", False),
     ("One.\n\nTwo.", "One.", True), ("\n\n  One. \r\n\r\nTwo.\n\n", "One.", True), ("One.\n\n\n\n", "One.", False)],
)  # fmt: skip
def test_the_narrative_row_shows_the_first_paragraph_and_says_whether_more_follows(text, lead, more):
    assert first_paragraph(text) == (lead, more)


def test_the_address_names_each_scenario_in_order():
    assert query([]) == ""
    assert query(["arms/deal", "trade/no-deal"]) == "?s=arms%2Fdeal&s=trade%2Fno-deal"


def test_a_reader_may_add_scenarios_not_yet_compared_each_link_naming_all_in_reading_order():
    first, second = Topic(pk=1, slug="arms", title="Arms", order=1), Topic(pk=2, slug="trade", title="Trade", order=2)
    best, middle, worst = (Outcome(pk=pk, name=name, order=pk) for pk, name in enumerate(["Best", "Mid", "Worst"], 1))
    compared = [in_memory_scenario(1, first, middle), in_memory_scenario(2, second, worst)]
    comparison = Comparison([Column(s, "", False, "") for s in compared], [])
    candidates = [in_memory_scenario(3, second, best), in_memory_scenario(4, first, best), compared[0]]

    additions = comparison.additions(candidates)

    assert [(addition.topic.slug, [s.pk for s, _ in addition.links]) for addition in additions] == [
        ("arms", [4]),
        ("trade", [3]),
    ]
    assert additions[0].links[0][1] == query(["arms/scenario-4", "arms/scenario-1", "trade/scenario-2"])
    assert additions[1].links[0][1] == query(["arms/scenario-1", "trade/scenario-3", "trade/scenario-2"])
    full = Comparison([Column(in_memory_scenario(pk, first, best), "", False, "") for pk in range(4)], [])
    assert full.full and full.additions(candidates) == []


# The page


BLOCKS = {"p", "ul", "li", "div", "br"}


class Table(HTMLParser):
    """The compare table's rows, each a list of its cells: (tag, attributes, text, links)."""

    def __init__(self, html: str):
        super().__init__()
        self.rows: list[list[dict]] = []
        self.cell: dict | None = None
        self.inside = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "compare-table" in (attrs.get("class") or ""):
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("th", "td"):
            self.cell = {"tag": tag, "attrs": attrs, "text": "", "links": []}
            self.rows[-1].append(self.cell)
        elif self.cell is not None:
            self.cell["text"] += " " if tag in BLOCKS else ""
            if tag == "a":
                self.cell["links"].append(attrs)

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif tag in ("th", "td"):
            self.cell = None
        elif self.cell is not None and tag in BLOCKS:
            self.cell["text"] += " "

    def handle_data(self, data):
        if self.cell is not None:
            self.cell["text"] += data

    def row(self, label: str) -> list[dict]:
        [row] = [row for row in self.rows if " ".join(row[0]["text"].split()) == label]
        return row

    def width(self, row: list[dict]) -> int:
        return sum(int(cell["attrs"].get("colspan", 1)) for cell in row)


def text(cell: dict) -> str:
    return " ".join(cell["text"].split())


def refs_of(address: str) -> list[str]:
    return [value for name, value in parse_qsl(urlsplit(address).query) if name == "s"]


def columns(response) -> list[Scenario]:
    return [column.scenario for column in response.context["comparison"].columns]


@pytest.fixture
def scenarios(outcomes) -> list[Scenario]:
    return list(make_topic_with_scenarios(outcomes, slug="arms").scenarios.order_by("outcome__order"))


def compare(client, *refs: str, **headers):
    return client.get("/compare/", {"s": list(refs)}, headers=headers)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 3, 4])
def test_it_shows_two_to_four_scenarios_side_by_side_best_outcome_first_whatever_the_order_asked(
    client, scenarios, count
):
    picked = list(reversed(scenarios))[:count]
    response = compare(client, *(s.ref for s in picked))
    assert response.status_code == 200
    assert columns(response) == sorted(picked, key=lambda s: s.outcome.order)
    table = Table(response.text)
    headers = [cell for cell in table.rows[0] if cell["attrs"].get("scope") == "col"]
    assert [text(cell).split(" Remove")[0] for cell in headers] == [
        f"{s.topic.title} {s.title}" for s in columns(response)
    ]
    for scenario in picked:
        assert scenario.influences.get().reason in response.text


@pytest.mark.django_db
def test_columns_go_topic_by_topic_and_the_canonical_address_follows(client, outcomes):
    later = make_topic_with_scenarios(outcomes, slug="trade", order=2)
    earlier = make_topic_with_scenarios(outcomes, slug="arms", order=1)
    asked = [
        Scenario.objects.get(topic=later, outcome=outcomes[0]),
        Scenario.objects.get(topic=earlier, outcome=outcomes[3]),
        Scenario.objects.get(topic=earlier, outcome=outcomes[1]),
    ]
    response = compare(client, *(s.ref for s in asked))
    expected = [asked[2], asked[1], asked[0]]
    assert columns(response) == expected
    assert response.context["meta"].path == "/compare/" + query([s.ref for s in expected])


@pytest.mark.django_db
def test_every_row_has_a_label_and_one_cell_per_column(client, scenarios):
    response = compare(client, *(s.ref for s in scenarios[:3]))
    table = Table(response.text)
    assert len(table.rows) > 6
    for row in table.rows:
        assert table.width(row) == 4
    labels = [text(row[0]) for row in table.rows[1:] if row[0]["attrs"].get("scope") == "row"]
    assert labels[:5] == ["Outcome and likelihood", "How it could unfold", "Signposts", "Implications",
                          "Why this likelihood"]  # fmt: skip
    narrative = table.row("How it could unfold")
    assert [text(cell) for cell in narrative[1:]] == [
        f"{first_paragraph(s.narrative)[0]} Read on: {s.title} →" for s in scenarios[:3]
    ]
    assert [text(cell) for cell in table.row("Outcome and likelihood")[1:]] == [
        f"{s.outcome.name} {s.likelihood} %" for s in scenarios[:3]
    ]


@pytest.mark.django_db
def test_a_factor_shared_by_scenarios_has_one_row_showing_its_push_on_each(client, scenarios):
    first, second, third = scenarios[:3]
    shared = make_factor(name="Domestic politics", order=1)
    make_influence(first, factor=shared, strength=2, reason="Voters want a deal.")
    make_influence(third, factor=shared, strength=-1, reason="Hawks object.")
    own = make_factor(name="Energy prices", order=2)
    make_influence(second, factor=own, strength=-2, reason="Oil falls.")

    table = Table(compare(client, first.ref, second.ref, third.ref).text)

    assert [text(cell) for cell in table.row("Domestic politics")[1:]] == [
        "▲▲ pushes up strongly Voters want a deal.",
        "— does not act on it",
        "▼ pushes down Hawks object.",
    ]
    assert [text(cell) for cell in table.row("Energy prices")[1:]] == [
        "— does not act on it",
        "▼▼ pushes down strongly Oil falls.",
        "— does not act on it",
    ]
    factor_labels = [text(row[0]) for row in table.rows if row[0]["attrs"].get("scope") == "row"][5:]
    assert len(factor_labels) == len(set(factor_labels)) == 5  # the factory's own factor on each, and these two


@pytest.mark.django_db
def test_each_column_links_to_the_same_comparison_without_it(client, scenarios):
    response = compare(client, *(s.ref for s in scenarios[:3]))
    headers = [cell for cell in Table(response.text).rows[0] if cell["attrs"].get("scope") == "col"]
    for scenario, header in zip(scenarios[:3], headers, strict=True):
        [remove] = [link for link in header["links"] if "compare-remove" in link.get("class", "")]
        assert remove["href"] == remove["data-hx-get"]
        assert refs_of(remove["href"]) == [s.ref for s in scenarios[:3] if s != scenario]


@pytest.mark.django_db
def test_removing_the_last_column_leaves_an_empty_comparison_to_start_again(client, scenarios):
    response = compare(client, scenarios[0].ref)
    [header] = [cell for cell in Table(response.text).rows[0] if cell["attrs"].get("scope") == "col"]
    assert header["links"][-1]["href"] == "/compare/"
    assert "Pick at least two scenarios to compare" in response.text


@pytest.mark.django_db
def test_the_other_outcomes_of_the_topics_compared_can_be_added_with_one_link_each(client, outcomes, scenarios):
    other = make_topic_with_scenarios(outcomes, title="Trade")
    response = compare(client, scenarios[3].ref, scenarios[1].ref)
    [addition] = response.context["additions"]
    assert addition.topic == scenarios[0].topic
    assert [s for s, _ in addition.links] == [scenarios[0], scenarios[2]]
    adds_first = "/compare/" + query([scenarios[0].ref, scenarios[1].ref, scenarios[3].ref])
    assert f'href="{adds_first.replace("&", "&amp;")}" data-hx-get="{adds_first.replace("&", "&amp;")}"' in (
        response.text
    )
    # Any other published scenario, from a menu grouped by topic, keeping the ones compared.
    assert '<optgroup label="Trade">' in response.text
    for scenario in other.scenarios.all():
        assert f'<option value="{scenario.ref}">{scenario.outcome.name}: {scenario.title}</option>' in response.text
    for kept in (scenarios[1], scenarios[3]):
        assert f'<input type="hidden" name="s" value="{kept.ref}">' in response.text


@pytest.mark.django_db
def test_at_four_there_is_nothing_to_add_but_a_note_on_how_to(client, outcomes, scenarios):
    make_topic_with_scenarios(outcomes, title="Trade")
    response = compare(client, *(s.ref for s in scenarios))
    assert response.context["additions"] == []
    assert "Add a scenario" not in response.text
    assert "<select" not in response.text
    assert "4 scenarios is the most that fit side by side: remove one to add another." in response.text


@pytest.mark.django_db
def test_htmx_gets_the_comparison_and_the_tidy_address_and_a_plain_visit_the_whole_page(client, scenarios):
    refs = [scenarios[2].ref, scenarios[0].ref]
    canonical = "/compare/" + query([scenarios[0].ref, scenarios[2].ref])
    fragment = compare(client, *refs, **HTMX)
    assert fragment.status_code == 200
    title = fragment.context["meta"].full_title
    assert title.startswith(f"Compare: {scenarios[0].title} · {scenarios[2].title} — ")
    assert fragment.text.startswith(f"<title>{title}</title>")
    assert '<div id="comparison"' in fragment.text
    assert "<html" not in fragment.text and "<h1>" not in fragment.text
    assert fragment["HX-Push-Url"] == canonical
    assert "HX-Request" in fragment["Vary"]
    page = compare(client, *refs)
    assert "<html" in page.text and '<div id="comparison"' in page.text
    assert "HX-Request" in page["Vary"]
    restoring = compare(client, *refs, **HTMX, **{"HX-History-Restore-Request": "true"})
    assert "<html" in restoring.text
    # From the cache too, each is what was asked for.
    again, fragment_again = compare(client, *refs), compare(client, *refs, **HTMX)
    assert again["X-Cache"] == fragment_again["X-Cache"] == "hit"
    assert (again.content, fragment_again.content) == (page.content, fragment.content)


@pytest.mark.django_db
def test_links_and_the_form_that_swap_the_comparison_work_as_plain_html_too(client, scenarios):
    html = compare(client, scenarios[0].ref, scenarios[1].ref).text
    assert 'data-hx-target="#comparison" data-hx-swap="outerHTML" data-hx-push-url="true"' in html
    assert '<form class="compare-pick-form" method="get" action="/compare/" data-hx-get="/compare/">' in html
    assert " hx-" not in html  # htmx attributes only in their data- form


@pytest.mark.django_db
def test_it_refuses_more_than_four_with_a_message(client, scenarios):
    extra = make_scenario(topic=make_topic())
    response = compare(client, *(s.ref for s in scenarios), extra.ref)
    assert response.status_code == 400
    assert "Compare at most 4 scenarios at once" in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "junk", ["atlantis/deal", "no-slash", "a/b/c", "/", "../..", "arms/\x00", "ärms/déal", "x" * 500 + "/y", "%2F"]
)
def test_unknown_and_malformed_names_are_left_out_and_listed(client, scenarios, junk):
    response = compare(client, scenarios[0].ref, junk, scenarios[1].ref)
    assert response.status_code == 200
    assert columns(response) == scenarios[:2]
    assert "Not found, so left out" in response.text
    assert response.context["missing"] == [junk]


@pytest.mark.django_db
def test_empty_names_and_other_parameters_are_ignored(client, scenarios):
    response = client.get("/compare/", {"s": ["", scenarios[1].ref, " ", scenarios[0].ref], "page": "2"})
    assert columns(response) == scenarios[:2]
    assert "Not found" not in response.text


@pytest.mark.django_db
def test_a_repeated_name_counts_once(client, scenarios):
    response = compare(client, scenarios[0].ref, scenarios[0].ref, scenarios[1].ref)
    assert columns(response) == scenarios[:2]


@pytest.mark.django_db
@pytest.mark.parametrize("refs", [(), ("one/only",)])
def test_fewer_than_two_asks_the_reader_to_pick_more_and_offers_every_scenario(client, scenarios, refs):
    response = compare(client, *refs)
    assert response.status_code == 200
    assert "Pick at least two scenarios to compare" in response.text
    assert "compare-table" not in response.text
    assert f'<option value="{scenarios[0].ref}">' in response.text


@pytest.mark.django_db
def test_unpublished_scenarios_cannot_be_compared_or_added(client, scenarios):
    draft = make_scenario(topic=make_topic(title="Drafts"), is_published=False)
    hidden = make_scenario(topic=make_topic(title="Draft topic", is_published=False))
    response = compare(client, scenarios[0].ref, draft.ref)
    assert columns(response) == [scenarios[0]]
    assert draft.title not in response.text and hidden.title not in response.text
    assert "Draft topic" not in response.text


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_scenarios_compared(client, outcomes, scenarios):
    for _ in range(3):
        topic = make_topic_with_scenarios(outcomes)
        for scenario in topic.scenarios.all():
            make_influence(scenario, factor=make_factor())
    others = list(Scenario.objects.exclude(topic=scenarios[0].topic))
    urls = {
        2: [scenarios[0], others[0]],
        3: [scenarios[0], others[0], others[5]],
        4: [scenarios[0], scenarios[1], others[0], others[9]],
    }
    addresses = {n: "/compare/" + query([s.ref for s in picked]) for n, picked in urls.items()}
    counts = {n: count_queries(client, address) for n, address in addresses.items()}
    assert counts[2] == counts[3] >= counts[4]
    # The menu of every scenario, the same on each compare page, comes from the cache once made.
    client.get(addresses[2])
    assert count_queries(client, addresses[3], cached=True) == counts[3] - 1


@pytest.mark.django_db
def test_with_more_scenarios_than_a_menu_holds_the_page_points_to_the_explorer(client, scenarios, monkeypatch):
    monkeypatch.setattr("diplomacy.scenarios.compare.PICKER_MAX", len(scenarios) - 1)
    html = compare(client, scenarios[0].ref).text
    assert 'id="compare-pick"' not in html
    assert 'any scenario in <a href="/scenarios/">the explorer</a>' in html
    monkeypatch.setattr("diplomacy.scenarios.compare.PICKER_MAX", len(scenarios))
    cache.clear()
    assert 'id="compare-pick"' in compare(client, scenarios[0].ref).text


@pytest.mark.django_db
def test_the_scenario_page_compares_it_with_at_most_three_others(client, outcomes):
    more = [*outcomes, make_outcome(name="Fifth", order=5), make_outcome(name="Sixth", order=6)]
    scenario = make_topic_with_scenarios(more, slug="wide").scenarios.order_by("outcome__order").first()
    link = re.search(
        r'href="(/compare/\?[^"]+)">Compare with the other outcomes', client.get(scenario.get_absolute_url()).text
    )
    address = link.group(1).replace("&amp;", "&")
    assert refs_of(address)[0] == scenario.ref and len(refs_of(address)) == 4
    assert client.get(address).status_code == 200
