"""Full-text search on whichever database the suite runs on: word forms, ranking, snippets, hostile
input, and (on SQLite) the FTS5 index following every kind of write."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from diplomacy.scenarios import search
from diplomacy.scenarios.models import MATCH_END, MATCH_START, Scenario
from tests.factories import make_outcome, make_scenario, make_topic
from tests.utils import count_queries

pytestmark = pytest.mark.django_db
URL = reverse("explore")
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 index exists on SQLite only")


def found(text: str) -> list[str]:
    """Titles of the published scenarios matching `text`, best match first."""
    return [scenario.title for scenario in Scenario.objects.published().explore(q=text, sort="relevance")]


def titles(response) -> list[str]:
    assert response.status_code == 200
    return [scenario.title for scenario in response.context["page"]]


def index_is_in_step() -> bool:
    """FTS5's own check of the index against the scenarios table (SQLite); raises if they differ."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {search.INDEX}({search.INDEX}, rank) VALUES ('integrity-check', 1)")  # noqa: S608
    return True


@pytest.mark.parametrize(
    ("searched", "text"),
    [
        ("treaties", "The treaty holds for five more years."),
        ("negotiating", "Negotiations resume in Geneva."),
        ("sanction", "New sanctions follow within a week."),
        ("inspected", "Inspectors inspect the sites."),
        ("TREATY", "Both sides keep to the treaty."),
    ],
)
def test_a_word_form_finds_a_scenario_that_uses_another(searched, text):
    make_scenario(title="The one", narrative=text)
    make_scenario(title="Another", narrative="Nothing of the kind.")
    assert found(searched) == ["The one"]


def test_every_word_must_match_somewhere_in_the_scenario():
    make_scenario(title="Arms talks", narrative="A treaty on missiles.")
    make_scenario(title="Trade talks", narrative="Tariffs fall.")
    assert found("treaties talks") == ["Arms talks"]
    assert found("treaties tariffs") == []


@pytest.mark.parametrize("field", ["title", "narrative", "signposts", "implications", "likelihood_rationale"])
def test_it_searches_every_text_field_of_a_scenario(field):
    scenario = make_scenario(**{field: "A verification regime."})
    make_scenario()
    assert found("regimes") == [scenario.title]


def test_it_does_not_search_the_topic_or_what_the_scenario_cites():
    topic = make_topic(title="Ceasefire", background="Putin and Trump met in Alaska.")
    make_scenario(topic=topic, title="A quiet summer", narrative="Guns fall silent.")
    assert found("ceasefire") == []
    assert found("Putin") == []


def test_it_finds_only_published_scenarios_on_published_topics():
    make_scenario(title="Published", narrative="A summit in Vienna.")
    make_scenario(title="Draft", narrative="A summit in Vienna.", is_published=False)
    make_scenario(title="Draft topic", narrative="A summit in Vienna.", topic=make_topic(is_published=False))
    assert found("summits") == ["Published"]


def test_a_title_match_ranks_above_a_narrative_only_match(client):
    make_scenario(title="Grain corridor reopens", narrative="Ships sail from Odesa again.")
    make_scenario(title="Black Sea deal", narrative="Among other things, a grain corridor reopens.")
    make_scenario(title="Nothing here", narrative="Talks stall.")
    assert found("grain corridors") == ["Grain corridor reopens", "Black Sea deal"]
    assert titles(client.get(URL, {"q": "grain corridors"})) == ["Grain corridor reopens", "Black Sea deal"]
    ranks = [s.rank for s in Scenario.objects.published().search("grain corridors").order_by("-rank")]
    assert ranks[0] > ranks[1]


def test_a_narrative_ranks_above_the_rationale():
    make_scenario(title="First", narrative="Prisoners are exchanged.", likelihood_rationale="Guess.")
    make_scenario(title="Second", narrative="Talks go on.", likelihood_rationale="Prisoners are exchanged often.")
    assert found("prisoner exchange") == ["First", "Second"]


def test_the_snippet_marks_the_matched_word_form(client):
    make_scenario(title="Arms", narrative="After a long night, the treaty is extended by five years.")
    (scenario,) = Scenario.objects.published().search("treaties")
    assert f"{MATCH_START}treaty{MATCH_END}" in scenario.snippet
    response = client.get(URL, {"q": "treaties"})
    assert "<mark>treaty</mark> is extended" in response.text


def test_the_snippet_shows_the_narrative_around_a_match_deep_in_it():
    before, after = (" ".join(f"{word}{n}" for n in range(200)) for word in ("before", "after"))
    make_scenario(title="Long", narrative=f"{before} the ceasefire holds {after}")
    (scenario,) = Scenario.objects.published().search("ceasefire")
    assert f"{MATCH_START}ceasefire{MATCH_END}" in scenario.snippet
    assert "before199" in scenario.snippet
    assert "before0 " not in scenario.snippet
    assert "after199" not in scenario.snippet


def test_the_snippet_is_escaped(client):
    make_scenario(title="Hostile", narrative="The treaty <script>alert(1)</script> & <b>bold</b> text.")
    response = client.get(URL, {"q": "treaty"})
    assert titles(response) == ["Hostile"]
    excerpt = re.search(r'<p class="excerpt">(.*?)</p>', response.text, re.DOTALL)[1]
    assert "<mark>treaty</mark>" in excerpt
    assert "&amp;" in excerpt
    assert "<script>" not in response.text
    assert "<b>" not in excerpt
    if connection.vendor == "sqlite":  # PostgreSQL's headline leaves tags out altogether
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in excerpt


def test_the_index_follows_create_update_and_delete():
    scenario = make_scenario(title="Energy", narrative="Pipelines reopen.")
    assert found("pipeline") == ["Energy"]
    scenario.narrative = "Gas flows through the Black Sea."
    scenario.save()
    assert found("pipeline") == []
    assert found("flowing") == ["Energy"]
    scenario.delete()
    assert found("flowing") == []


@sqlite_only
def test_the_sqlite_index_follows_bulk_writes_without_a_refresh():
    first, second = make_scenario(title="First"), make_scenario(title="Second")
    Scenario.objects.filter(pk=first.pk).update(narrative="Observers monitor the line.")
    assert found("monitoring") == ["First"]
    second.narrative = "Monitors arrive."
    Scenario.objects.bulk_update([second], ["narrative"])
    assert sorted(found("monitoring")) == ["First", "Second"]
    topic, outcome = make_topic(), make_outcome()
    Scenario.objects.bulk_create(
        [
            Scenario(
                topic=topic,
                outcome=outcome,
                title="Third",
                slug="third",
                narrative="Monitoring widens.",
                is_published=True,
            )
        ]
    )
    assert sorted(found("monitoring")) == ["First", "Second", "Third"]
    Scenario.objects.filter(pk=first.pk).delete()
    topic.delete()  # and with it, Third
    assert found("monitoring") == ["Second"]
    Scenario.objects.update(likelihood=40)  # no indexed text changes: the triggers leave the index alone
    assert index_is_in_step()


@sqlite_only
def test_the_sqlite_index_has_its_triggers_after_every_migration():
    """A migration that remakes the scenarios table on SQLite drops the triggers with the old table."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'scenarios_scenario'")
        triggers = {name for (name,) in cursor.fetchall()}
    assert {f"{search.INDEX}_insert", f"{search.INDEX}_update", f"{search.INDEX}_delete"} <= triggers
    make_scenario(narrative="A trigger check.")
    assert index_is_in_step()


HOSTILE = [
    '"',
    '""',
    '"treaty',
    "treaty\"'",
    "AND",
    "treaty AND",
    "OR treaty",
    "NOT",
    "*",
    "treaty*",
    "^treaty",
    "NEAR(",
    "NEAR(treaty talks, 2)",
    "-",
    "--",
    "title:treaty",
    "{title narrative}: treaty",
    "(treaty",
    "treaty)",
    "+",
    "\\",
    "%",
    "_",
    "' OR 1=1 --",
    "naïve café",
    "договор",
    "条約",
    "🕊️ treaty",
    "x" * 200,
    "treaty " * 28,
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_search_text_never_breaks_the_explorer(client, text):
    make_scenario(title="Arms", narrative="The treaty and the talks.")
    assert client.get(URL, {"q": text}).status_code == 200
    assert client.get(URL, {"q": text}, headers={"HX-Request": "true"}).status_code == 200


@pytest.mark.parametrize("text", [*HOSTILE, "\x00", "treaty\x00", "\x00\x01\x1f", "y" * 500, "treaty " * 100])
def test_hostile_search_text_never_breaks_the_query(text):
    make_scenario(title="Arms", narrative="The treaty and the talks.")
    found(text)


@pytest.mark.parametrize("text", ['"treaty"', "treaty*", "(treaty)", "treaty,", "treaty\x00"])
def test_punctuation_around_a_word_still_finds_it(text):
    make_scenario(title="Arms", narrative="The treaty and the talks.")
    assert found(text) == ["Arms"]


def test_search_runs_the_same_number_of_queries_however_many_scenarios_match(client, outcomes):
    def add_topic() -> None:
        topic = make_topic()
        for outcome in outcomes:
            make_scenario(topic=topic, outcome=outcome, narrative="The treaty talks go on.")

    url = f"{URL}?q=treaties"
    add_topic()
    with_little_data = count_queries(client, url)
    for _ in range(15):  # 64 matches: more than a page
        add_topic()
    assert count_queries(client, url) == with_little_data
    assert count_queries(client, url + "&page=2") == with_little_data


def test_the_fts_query_quotes_every_word():
    assert search.fts_query("treaty talks") == '"treaty" "talks"'
    assert search.fts_query('say "no" NEAR(x*') == '"say" """no""" "NEAR(x*"'
    assert search.fts_query("a\x00b\tc") == '"a" "b" "c"'
    assert search.fts_query("   ") == '""'
    assert search.fts_query("w " * 100).count('"w"') == search.MAX_WORDS
