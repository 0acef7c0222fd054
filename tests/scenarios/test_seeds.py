"""load_seeds: idempotent, respectful of editors' changes, all or nothing on a broken file."""

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.utils import timezone

from diplomacy.scenarios.models import Factor, Influence, Outcome, Scenario, Signpost, Source, Topic
from diplomacy.scenarios.seeds import DEFAULT_PATH, SeedError, read_seeds
from diplomacy.timeline.models import Development, DevelopmentSource, Estimate, Revision, SignpostMark

pytestmark = pytest.mark.django_db
ARTICLE = Path(__file__).resolve().parents[3] / "shared" / "seed" / "article.txt"


def load(path: Path = DEFAULT_PATH, *args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("load_seeds", "--path", str(path), *args, stdout=out)
    return out.getvalue()


MODELS = (Topic, Outcome, Scenario, Signpost, Factor, Influence, Source)
TIMELINE = (Development, DevelopmentSource, SignpostMark, Revision, Estimate)


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in (*MODELS, *TIMELINE)}


# The real seed content.


def test_the_seeds_hold_six_topics_four_outcomes_and_every_scenario():
    load()
    assert counts()["Topic"] == 6
    assert list(Outcome.objects.values_list("slug", flat=True)) == [
        "breakthrough",
        "limited-agreement",
        "no-agreement",
        "worsened-relations",
    ]
    assert counts()["Scenario"] == 24
    assert counts()["Factor"] >= 10
    for topic in Topic.objects.all():
        assert topic.scenarios.count() == 4
        assert sum(s.likelihood for s in topic.scenarios.all()) == 100
        assert topic.sources.exists()
    for scenario in Scenario.objects.all():
        assert 3 <= len(scenario.signpost_list) <= 5
        assert scenario.narrative.count("\n\n") >= 1, f"{scenario} has a one-paragraph narrative"
        assert scenario.sources.exists()
        assert scenario.influences.exists()


@pytest.mark.skipif(not ARTICLE.exists(), reason="the article is in ../shared, beside the checkout")
def test_every_source_quotes_the_article_word_for_word_under_its_heading():
    article = ARTICLE.read_text(encoding="utf-8")
    for seed in read_seeds().sources:
        quote, section = seed.fields["quote"], seed.fields["section"]
        assert quote in article, f"{seed.place} is not in the article"
        heading = article.find(f"\n{section}\n")
        assert heading != -1, f"{seed.place}: no heading '{section}'"
        assert article.find(quote, heading) != -1, f"{seed.place} is not under '{section}'"


def test_the_seeds_hold_the_kremlins_offer_of_talks_sourced_to_the_article():
    load()
    development = Development.objects.get(slug="kremlin-ready-to-talk")
    assert development.is_published
    assert development.happened_on == date(2025, 1, 19)
    assert "ready to talk" in development.title and "sworn in" in development.title
    assert set(development.topics.values_list("slug", flat=True)) == set(Topic.objects.values_list("slug", flat=True))
    assert development.topics.count() == 6
    source = development.sources.get()
    assert (source.title, source.publisher) == ("Putin Ready To Talk Trump After Inauguration", "Jhon Lennon")
    assert source.url == ""  # not known, so not invented
    assert source.published_on == date(2025, 1, 19)  # as sources.yaml dates the undated article
    assert "willingness to engage in talks with Trump once he's officially sworn in" in source.quote


@pytest.mark.skipif(not ARTICLE.exists(), reason="the article is in ../shared, beside the checkout")
def test_every_development_source_from_the_article_quotes_it_word_for_word():
    article = ARTICLE.read_text(encoding="utf-8")
    quoted = [s for s in read_seeds().developmentsources if s.fields["title"] == article.splitlines()[0]]
    assert quoted
    for seed in quoted:
        assert seed.fields["quote"] in article, f"{seed.place} is not in the article"


def test_each_topic_starts_its_history_with_the_seeded_numbers_dated_at_the_article():
    load()
    for topic in Topic.objects.all():
        revision = topic.revisions.get()
        assert revision.as_of == date(2025, 1, 19)
        estimates = {e.scenario_id: e for e in revision.estimates.all()}
        assert {pk: e.likelihood for pk, e in estimates.items()} == dict(
            topic.scenarios.values_list("pk", "likelihood")
        )
        assert all(e.previous is None for e in estimates.values())


def test_a_second_run_changes_nothing_and_says_so():
    load()
    before = counts()
    updated_at = dict(Scenario.objects.values_list("pk", "updated_at"))
    output = load()
    assert counts() == before
    assert dict(Scenario.objects.values_list("pk", "updated_at")) == updated_at
    assert "Nothing to do" in output
    assert "Created" not in output and "Updated" not in output


# Editors' changes, with a small seed set of our own.


def minimal_seeds() -> dict[str, Any]:
    """The data of a minimal, valid seed folder, by file name."""
    return {
        "outcomes.yaml": {
            "outcomes": [
                {"slug": "good", "name": "Good", "order": 1},
                {"slug": "bad", "name": "Bad", "order": 2},
            ]
        },
        "sources.yaml": {
            "document": {"title": "An article", "author": "A. Writer"},
            "sources": [{"key": "quote-one", "section": "A heading", "quote": "Some words."}],
        },
        "factors.yaml": {
            "factors": [{"slug": "trust", "name": "Trust", "description": "Or its lack.", "order": 1}],
        },
        "topics/01-trade.yaml": {
            "slug": "trade",
            "title": "Trade",
            "summary": "Goods and money.",
            "order": 1,
            "background": "Background.",
            "stakes": "Stakes.",
            "us_position": "Wants A.",
            "russia_position": "Wants B.",
            "sources": ["quote-one"],
            "scenarios": [
                {
                    "outcome": "good",
                    "slug": "deal",
                    "title": "A deal",
                    "narrative": "It goes well.\n\nVery well.",
                    "signposts": ["One.", "Two.", "Three."],
                    "implications": "Growth.",
                    "likelihood": 30,
                    "rationale": "A guess.",
                    "sources": ["quote-one"],
                    "influences": [{"factor": "trust", "strength": 2, "reason": "Trust helps."}],
                },
                {
                    "outcome": "bad",
                    "slug": "no-deal",
                    "title": "No deal",
                    "narrative": "It goes badly.",
                    "signposts": ["One.", "Two.", "Three."],
                    "implications": "Stagnation.",
                    "likelihood": 70,
                },
            ],
        },
        "developments.yaml": {
            "developments": [
                {
                    "slug": "talks-offered",
                    "title": "Talks offered",
                    "date": date(2025, 1, 19),
                    "summary": "One side offers talks.",
                    "topics": ["trade"],
                    "sources": [
                        {
                            "title": "An article",
                            "publisher": "A. Writer",
                            "url": "https://example.org/article",
                            "quote": "Some words.",
                        }
                    ],
                    "signposts": [
                        {"topic": "trade", "scenario": "deal", "signpost": 2, "state": "observed", "why": "It shows."}
                    ],
                }
            ]
        },
    }


def write_seeds(path: Path, **changes: Any) -> Path:
    """A minimal, valid seed folder; `changes` replace whole files' data."""
    files = minimal_seeds() | {name.replace("__", "/"): data for name, data in changes.items()}
    (path / "topics").mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (path / name).write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.fixture
def seeds(tmp_path) -> Path:
    return write_seeds(tmp_path / "seeds")


def test_a_fresh_load_reports_what_it_created(seeds):
    output = load(seeds)
    assert "Created: 2 outcomes, 1 sources, 1 factors, 1 topics, 2 scenarios, 1 influences" in output
    deal = Scenario.objects.get(slug="deal")
    assert deal.outcome.slug == "good"
    assert deal.signpost_list == ["One.", "Two.", "Three."]
    assert list(deal.sources.values_list("key", flat=True)) == ["quote-one"]
    assert deal.influences.get().strength == 2


def test_a_fresh_load_makes_the_development_its_source_and_its_mark(seeds):
    output = load(seeds)
    assert "1 developments, 1 development sources, 1 signpost marks, 1 revisions" in output
    development = Development.objects.get()
    assert (development.title, development.happened_on, development.is_published) == (
        "Talks offered",
        date(2025, 1, 19),
        True,
    )
    assert list(development.topics.values_list("slug", flat=True)) == ["trade"]
    assert development.sources.get().url == "https://example.org/article"
    mark = SignpostMark.objects.get()
    assert (mark.development, mark.signpost.text, mark.state, mark.note) == (
        development,
        "Two.",
        "observed",
        "It shows.",
    )
    assert mark.signpost.scenario.slug == "deal"


def test_a_second_load_of_developments_changes_nothing(seeds):
    load(seeds)
    before = counts()
    updated_at = Development.objects.get().updated_at
    output = load(seeds)
    assert counts() == before
    assert Development.objects.get().updated_at == updated_at
    assert "Nothing to do" in output


def test_a_signpost_may_be_named_by_its_text(seeds):
    files = minimal_seeds()
    mark = files["developments.yaml"]["developments"][0]["signposts"][0]
    mark.update(scenario="no-deal", signpost="Three.", state="contradicted")
    write_seeds(seeds, **files)
    load(seeds)
    assert SignpostMark.objects.get().signpost == Signpost.objects.get(scenario__slug="no-deal", text="Three.")


def test_it_keeps_an_editors_change_to_a_development_and_its_mark_unless_asked(seeds):
    load(seeds)
    Development.objects.update(title="An editor's title")
    development = Development.objects.get()
    development.topics.clear()
    SignpostMark.objects.update(note="An editor's reason.")
    output = load(seeds)
    assert "Skipped development 'talks-offered': differs from its seed" in output
    assert "Skipped mark of signpost 'trade/deal/2' by development 'talks-offered': differs" in output
    assert Development.objects.get().title == "An editor's title"

    output = load(seeds, "--update")
    assert "Updated: 1 developments, 1 signpost marks" in output
    development.refresh_from_db()
    assert development.title == "Talks offered"
    assert list(development.topics.values_list("slug", flat=True)) == ["trade"]
    assert SignpostMark.objects.get().note == "It shows."


def test_a_new_source_of_a_development_is_added_and_the_rest_kept(seeds):
    load(seeds)
    DevelopmentSource.objects.update(quote="An editor's longer quote.")
    files = minimal_seeds()
    sources = files["developments.yaml"]["developments"][0]["sources"]
    sources.append({"title": "Another article", "publisher": "B. Writer", "quote": "Other words."})
    write_seeds(seeds, **files)
    output = load(seeds)
    assert "Created: 1 development sources" in output
    assert list(DevelopmentSource.objects.values_list("title", "url", "quote")) == [
        ("An article", "https://example.org/article", "An editor's longer quote."),
        ("Another article", "", "Other words."),
    ]


def test_a_mark_whose_signpost_an_editor_changed_is_skipped(seeds):
    load(seeds)
    SignpostMark.objects.all().delete()
    signpost = Signpost.objects.get(scenario__slug="deal", text="Two.")
    signpost.text = "Two, as an editor put it."
    signpost.save()
    output = load(seeds)
    assert "the signpost is no longer as seeded" in output
    assert not SignpostMark.objects.exists()


def test_it_never_overwrites_an_editors_change_unless_asked(seeds):
    load(seeds)
    Scenario.objects.filter(slug="deal").update(title="An editor's better title")
    output = load(seeds)
    assert Scenario.objects.get(slug="deal").title == "An editor's better title"
    assert "Skipped scenario 'trade/deal': differs from its seed" in output

    output = load(seeds, "--update")
    assert Scenario.objects.get(slug="deal").title == "A deal"
    assert "Updated: 1 scenarios" in output


def test_update_also_restores_changed_sources(seeds):
    load(seeds)
    Scenario.objects.get(slug="deal").sources.clear()
    load(seeds, "--update")
    assert list(Scenario.objects.get(slug="deal").sources.values_list("key", flat=True)) == ["quote-one"]


def test_it_adds_what_is_new_in_the_seeds_and_keeps_the_rest(seeds, tmp_path):
    load(seeds)
    Topic.objects.update(title="Edited")
    sources = yaml.safe_load((seeds / "sources.yaml").read_text())
    sources["sources"].append({"key": "quote-two", "section": "A heading", "quote": "More words."})
    write_seeds(seeds, **{"sources.yaml": sources})
    output = load(seeds)
    assert Source.objects.filter(key="quote-two").exists()
    assert Topic.objects.get().title == "Edited"
    assert "Created: 1 sources" in output


BROKEN = {
    "bad YAML": (
        {"outcomes.yaml": "outcomes:\n  - slug: good\n    name: [unclosed\n"},
        "outcomes.yaml, line 4, column 1: not valid YAML",
    ),
    "an unknown outcome": (
        {"topics__01-trade.yaml": "REPLACE:outcome: good=>outcome: splendid"},
        "topics/01-trade.yaml, line 12: scenario 'trade/deal' names an unknown outcome 'splendid'",
    ),
    "a duplicate slug": (
        {"topics__01-trade.yaml": "REPLACE:slug: no-deal=>slug: deal"},
        "scenario slug 'deal' is used twice",
    ),
    "a likelihood of 140": (
        {"topics__01-trade.yaml": "REPLACE:likelihood: 30=>likelihood: 140"},
        "scenario 'trade/deal': likelihood 140 is not between 0 and 100",
    ),
    "likelihoods that do not add up": (
        {"topics__01-trade.yaml": "REPLACE:likelihood: 30=>likelihood: 20"},
        "topic 'trade': the estimates add up to 90 %, not 100 %",
    ),
    "an unknown source": (
        {"factors.yaml": "REPLACE:order: 1=>order: 1\n  sources: [no-such-quote]"},
        "factors.yaml, line 2: factor 'trust' cites an unknown source 'no-such-quote'",
    ),
    "a misspelt key": (
        {"topics__01-trade.yaml": "REPLACE:implications: Growth.=>implication: Growth."},
        "a scenario of topic 'trade' has an unknown key 'implication'",
    ),
    "an invalid slug": (
        {"topics__01-trade.yaml": "REPLACE:slug: trade=>slug: Trade Talk"},
        "topic 'Trade Talk': slug: Enter a valid “slug”",
    ),
    "a development of an unknown topic": (
        {"developments.yaml": "REPLACE:  - trade=>  - trade\n  - tariffs"},
        "developments.yaml, line 2: development 'talks-offered' names an unknown topic 'tariffs'",
    ),
    "a development in the future": (
        {"developments.yaml": f"REPLACE:date: 2025-01-19=>date: {timezone.localdate() + timedelta(days=1)}"},
        "developments.yaml, line 2: development 'talks-offered': date: A development has happened: its date "
        "cannot be in the future.",
    ),
    "a source address that is not http": (
        {"developments.yaml": "REPLACE:url: https://example.org/article=>url: ftp://example.org/article"},
        "developments.yaml, line 9: source 'An article' of development 'talks-offered': url: Enter a valid URL.",
    ),
    "an unknown signpost": (
        {"developments.yaml": "REPLACE:signpost: 2=>signpost: 7"},
        "developments.yaml, line 14: a signpost mark of development 'talks-offered' names signpost 7, "
        "which scenario 'trade/deal' does not have (it has 3)",
    ),
}


@pytest.mark.parametrize("broken", BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_seed_file_loads_nothing_and_says_where(seeds, broken):
    changes, expected = broken
    for name, change in changes.items():
        file = seeds / name.replace("__", "/")
        if change.startswith("REPLACE:"):
            old, new = change.removeprefix("REPLACE:").split("=>")
            assert old in file.read_text()
            file.write_text(file.read_text().replace(old, new, 1))
        else:
            file.write_text(change)
    with pytest.raises(CommandError) as error:
        load(seeds)
    assert "Nothing was loaded" in str(error.value)
    assert expected in str(error.value)
    assert all(count == 0 for count in counts().values())


def test_a_missing_file_is_reported(seeds):
    (seeds / "factors.yaml").unlink()
    with pytest.raises(CommandError, match=r"factors\.yaml: file not found"):
        load(seeds)


def test_hard_wrapped_paragraphs_are_joined_and_blank_lines_kept(seeds):
    topic = yaml.safe_load((seeds / "topics/01-trade.yaml").read_text())
    topic["background"] = "A first line\nwrapped here.\n\nA second   paragraph.\n"
    write_seeds(seeds, **{"topics__01-trade.yaml": topic})
    load(seeds)
    assert Topic.objects.get().background == "A first line wrapped here.\n\nA second paragraph."


# Each kind of mistake in each kind of item, found by read_seeds with its file and line.


def first_outcome(files: dict[str, Any]) -> dict[str, Any]:
    return files["outcomes.yaml"]["outcomes"][0]


def first_source(files: dict[str, Any]) -> dict[str, Any]:
    return files["sources.yaml"]["sources"][0]


def first_factor(files: dict[str, Any]) -> dict[str, Any]:
    return files["factors.yaml"]["factors"][0]


def trade(files: dict[str, Any]) -> dict[str, Any]:
    return files["topics/01-trade.yaml"]


def deal(files: dict[str, Any]) -> dict[str, Any]:
    return trade(files)["scenarios"][0]


def trust(files: dict[str, Any]) -> dict[str, Any]:
    return deal(files)["influences"][0]


def no_deal(files: dict[str, Any]) -> dict[str, Any]:
    return trade(files)["scenarios"][1]


def talks(files: dict[str, Any]) -> dict[str, Any]:
    return files["developments.yaml"]["developments"][0]


def talks_source(files: dict[str, Any]) -> dict[str, Any]:
    return talks(files)["sources"][0]


def talks_mark(files: dict[str, Any]) -> dict[str, Any]:
    return talks(files)["signposts"][0]


def climate_topic_too(files: dict[str, Any]) -> None:
    files["topics/02-climate.yaml"] = trade(files) | {"slug": "climate", "title": "Climate", "order": 2}


TRADE = "seeds/topics/01-trade.yaml"
CHANGES_NOTHING = (
    "which changes nothing: influences move likelihood between outcomes, so at least one outcome must be pushed "
    "the other way or not at all."
)
DEVELOPMENTS = "seeds/developments.yaml"
TALKS = "development 'talks-offered'"
MISTAKES: dict[str, tuple[Callable[[dict[str, Any]], Any], str]] = {
    "outcomes that are not a list": (
        lambda files: files["outcomes.yaml"].update(outcomes="good, bad"),
        "seeds/outcomes.yaml, line 1: outcomes.yaml: 'outcomes' should be a non-empty list",
    ),
    "an outcome that is not a mapping": (
        lambda files: files["outcomes.yaml"]["outcomes"].append("splendid"),
        "seeds/outcomes.yaml: an outcome should be a mapping of keys to values",
    ),
    "an outcome without a name": (
        lambda files: first_outcome(files).pop("name"),
        "seeds/outcomes.yaml, line 2: an outcome is missing 'name'",
    ),
    "an outcome with an unknown key": (
        lambda files: first_outcome(files).update(colour="green"),
        "seeds/outcomes.yaml, line 2: an outcome has an unknown key 'colour'",
    ),
    "an outcome whose order is a word": (
        lambda files: first_outcome(files).update(order="first"),
        "seeds/outcomes.yaml, line 2: outcome 'good': 'order' should be a whole number, not 'first'",
    ),
    "an outcome slug used twice": (
        lambda files: files["outcomes.yaml"]["outcomes"][1].update(slug="good"),
        "seeds/outcomes.yaml, line 5: outcome slug 'good' is used twice (first at seeds/outcomes.yaml, line 2)",
    ),
    "a document that is not a mapping": (
        lambda files: files["sources.yaml"].update(document="An article"),
        "seeds/sources.yaml, line 1: the document should be a mapping of keys to values",
    ),
    "a document without a title": (
        lambda files: files["sources.yaml"]["document"].pop("title"),
        "seeds/sources.yaml, line 2: the document is missing 'title'",
    ),
    "a source without its quote": (
        lambda files: first_source(files).pop("quote"),
        "seeds/sources.yaml, line 5: a source is missing 'quote'",
    ),
    "a source with an unknown key": (
        lambda files: first_source(files).update(page=3),
        "seeds/sources.yaml, line 5: a source has an unknown key 'page'",
    ),
    "a source whose section is a number": (
        lambda files: first_source(files).update(section=5),
        "seeds/sources.yaml, line 5: source 'quote-one': 'section' should be text, not 5",
    ),
    "a section longer than the model allows": (
        lambda files: first_source(files).update(section="x" * 201),
        "seeds/sources.yaml, line 5: source 'quote-one': section: Ensure this value has at most 200 characters (it has 201).",
    ),
    "a factor without a description": (
        lambda files: first_factor(files).pop("description"),
        "seeds/factors.yaml, line 2: a factor is missing 'description'",
    ),
    "a factor with an unknown key": (
        lambda files: first_factor(files).update(weight=2),
        "seeds/factors.yaml, line 2: a factor has an unknown key 'weight'",
    ),
    "a factor whose order is true": (
        lambda files: first_factor(files).update(order=True),
        "seeds/factors.yaml, line 2: factor 'trust': 'order' should be a whole number, not True",
    ),
    "a factor whose sources are not a list": (
        lambda files: first_factor(files).update(sources="quote-one"),
        "seeds/factors.yaml, line 2: factor 'trust': 'sources' should be a list of keys",
    ),
    "a topic file that is not a mapping": (
        lambda files: files.update({"topics/01-trade.yaml": ["trade"]}),
        f"{TRADE}: the topic should be a mapping of keys to values",
    ),
    "a topic without its stakes": (
        lambda files: trade(files).pop("stakes"),
        f"{TRADE}, line 1: the topic is missing 'stakes'",
    ),
    "a topic whose slug is a number": (
        lambda files: trade(files).update(slug=5),
        f"{TRADE}, line 1: the topic: 'slug' should be text, not 5",
    ),
    "a topic with an unknown key": (
        lambda files: trade(files).update(region="Europe"),
        f"{TRADE}, line 1: the topic has an unknown key 'region'",
    ),
    "a topic published 'yes'": (
        lambda files: trade(files).update(published="yes"),
        f"{TRADE}, line 1: topic 'trade': 'published' should be true or false, not 'yes'",
    ),
    "a topic without scenarios": (
        lambda files: trade(files).update(scenarios=[]),
        f"{TRADE}, line 1: topic 'trade': 'scenarios' should be a non-empty list",
    ),
    "a topic slug used twice": (
        lambda files: files.update({"topics/02-trade-again.yaml": trade(files)}),
        f"seeds/topics/02-trade-again.yaml, line 1: topic slug 'trade' is used twice (first at {TRADE}, line 1)",
    ),
    "a scenario without a likelihood": (
        lambda files: deal(files).pop("likelihood"),
        f"{TRADE}, line 12: a scenario of topic 'trade' is missing 'likelihood'",
    ),
    "a scenario with an unknown key": (
        lambda files: deal(files).update(probability=30),
        f"{TRADE}, line 12: a scenario of topic 'trade' has an unknown key 'probability'",
    ),
    "a scenario with one signpost as text": (
        lambda files: deal(files).update(signposts="One."),
        f"{TRADE}, line 12: scenario 'trade/deal': 'signposts' should be a list of sentences",
    ),
    "a scenario whose likelihood is a word": (
        lambda files: deal(files).update(likelihood="likely"),
        f"{TRADE}, line 12: scenario 'trade/deal': 'likelihood' should be a whole number, not 'likely'",
    ),
    "a scenario whose rationale is a list": (
        lambda files: deal(files).update(rationale=["A guess."]),
        f"{TRADE}, line 12: scenario 'trade/deal': 'rationale' should be text, not ['A guess.']",
    ),
    "two scenarios of one outcome in a topic": (
        lambda files: trade(files)["scenarios"][1].update(outcome="good"),
        f"{TRADE}, line 32: outcome 'good' in topic 'trade' is used twice (first at {TRADE}, line 12)",
    ),
    "an influence without a reason": (
        lambda files: trust(files).pop("reason"),
        f"{TRADE}, line 29: an influence on scenario 'trade/deal' is missing 'reason'",
    ),
    "an influence with an unknown key": (
        lambda files: trust(files).update(weight=1),
        f"{TRADE}, line 29: an influence on scenario 'trade/deal' has an unknown key 'weight'",
    ),
    "an influence of an unknown factor": (
        lambda files: trust(files).update(factor="luck"),
        f"{TRADE}, line 29: an influence on scenario 'trade/deal' names an unknown factor 'luck'",
    ),
    "an influence whose strength is a word": (
        lambda files: trust(files).update(strength="strong"),
        f"{TRADE}, line 29: influence of 'trust' on scenario 'trade/deal': 'strength' should be a whole number, "
        "not 'strong'",
    ),
    "an influence of strength 3": (
        lambda files: trust(files).update(strength=3),
        f"{TRADE}, line 29: influence of 'trust' on scenario 'trade/deal': strength: Value 3 is not a valid choice.",
    ),
    "a factor influencing a scenario twice": (
        lambda files: deal(files)["influences"].append(dict(trust(files))),
        f"{TRADE}, line 32: factor 'trust' on scenario 'trade/deal' is used twice (first at {TRADE}, line 29)",
    ),
    "influences that are not a list": (
        lambda files: deal(files).update(influences=5),
        f"{TRADE}, line 12: scenario 'trade/deal': 'influences' should be a list",
    ),
    "a factor pushing every outcome of a topic up": (
        lambda files: no_deal(files).update(influences=[{"factor": "trust", "strength": 1, "reason": "Also."}]),
        f"{TRADE}, line 1: topic 'trade': factor 'trust' pushes every outcome of Trade up, {CHANGES_NOTHING}",
    ),
    "a factor pushing every outcome of a topic down": (
        lambda files: (
            trust(files).update(strength=-2),
            no_deal(files).update(influences=[{"factor": "trust", "strength": -1, "reason": "Also."}]),
        ),
        f"{TRADE}, line 1: topic 'trade': factor 'trust' pushes every outcome of Trade down, {CHANGES_NOTHING}",
    ),
    "a development without a summary": (
        lambda files: talks(files).pop("summary"),
        f"{DEVELOPMENTS}, line 2: a development is missing 'summary'",
    ),
    "a development dated 'soon'": (
        lambda files: talks(files).update(date="soon"),
        f"{DEVELOPMENTS}, line 2: {TALKS}: 'date' should be a date (2025-01-31), not 'soon'",
    ),
    "a development whose topics are one slug": (
        lambda files: talks(files).update(topics="trade"),
        f"{DEVELOPMENTS}, line 2: {TALKS}: 'topics' should be a non-empty list of topic slugs",
    ),
    "a development without sources": (
        lambda files: talks(files).update(sources=[]),
        f"{DEVELOPMENTS}, line 2: {TALKS}: 'sources' should be a non-empty list",
    ),
    "a development slug used twice": (
        lambda files: files["developments.yaml"]["developments"].append(dict(talks(files))),
        f"{DEVELOPMENTS}, line 19: development slug 'talks-offered' is used twice (first at {DEVELOPMENTS}, line 2)",
    ),
    "a development source without its quote": (
        lambda files: talks_source(files).pop("quote"),
        f"{DEVELOPMENTS}, line 9: a source of {TALKS} is missing 'quote'",
    ),
    "a development source with an unknown key": (
        lambda files: talks_source(files).update(author="A. Writer"),
        f"{DEVELOPMENTS}, line 9: a source of {TALKS} has an unknown key 'author'",
    ),
    "a development citing one document twice": (
        lambda files: talks(files)["sources"].append(dict(talks_source(files))),
        f"{DEVELOPMENTS}, line 13: source 'An article' of {TALKS} is used twice (first at {DEVELOPMENTS}, line 9)",
    ),
    "a signpost mark of a topic the development is not about": (
        lambda files: (climate_topic_too(files), talks_mark(files).update(topic="climate")),
        f"{DEVELOPMENTS}, line 14: a signpost mark of {TALKS} names topic 'climate', which {TALKS} is not about "
        "(add it to its topics)",
    ),
    "a signpost mark of an unknown topic": (
        lambda files: talks_mark(files).update(topic="tariffs"),
        f"{DEVELOPMENTS}, line 14: a signpost mark of {TALKS} names an unknown topic 'tariffs'",
    ),
    "a signpost mark of an unknown scenario": (
        lambda files: talks_mark(files).update(scenario="truce"),
        f"{DEVELOPMENTS}, line 14: a signpost mark of {TALKS} names an unknown scenario 'trade/truce'",
    ),
    "a signpost mark of an unknown signpost text": (
        lambda files: talks_mark(files).update(signpost="Four."),
        f"{DEVELOPMENTS}, line 14: a signpost mark of {TALKS} names signpost 'Four.', which scenario 'trade/deal' "
        "does not have (it has 3)",
    ),
    "a signpost mark naming its signpost by a list": (
        lambda files: talks_mark(files).update(signpost=[2]),
        f"{DEVELOPMENTS}, line 14: a signpost mark of {TALKS}: 'signpost' should be a signpost's text or its "
        "number (1 for the first), not [2]",
    ),
    "a signpost marked 'seen'": (
        lambda files: talks_mark(files).update(state="seen"),
        f"{DEVELOPMENTS}, line 14: mark of signpost 'trade/deal/2' by {TALKS}: state: Value 'seen' is not a valid "
        "choice.",
    ),
    "a signpost marked twice, by number and by text": (
        lambda files: talks(files)["signposts"].append(dict(talks_mark(files), signpost="Two.")),
        f"{DEVELOPMENTS}, line 19: signpost 'trade/deal/2' marked by {TALKS} is used twice "
        f"(first at {DEVELOPMENTS}, line 14)",
    ),
}


@pytest.mark.parametrize("mistake", MISTAKES.values(), ids=MISTAKES.keys())
def test_read_seeds_says_what_is_wrong_in_which_file_and_line(tmp_path, mistake):
    change, expected = mistake
    files = minimal_seeds()
    change(files)
    path = write_seeds(tmp_path / "seeds", **files)
    with pytest.raises(SeedError) as error:
        read_seeds(path)
    assert expected in error.value.problems


def test_read_seeds_reports_every_problem_before_failing(seeds):
    files = minimal_seeds()
    first_outcome(files).pop("name")
    first_factor(files).update(order="first")
    trust(files).update(factor="luck")
    write_seeds(seeds, **files)
    with pytest.raises(SeedError) as error:
        read_seeds(seeds)
    assert error.value.problems == [
        "seeds/outcomes.yaml, line 2: an outcome is missing 'name'",
        "seeds/factors.yaml, line 2: factor 'trust': 'order' should be a whole number, not 'first'",
        "seeds/factors.yaml, line 2: factor 'trust': order: This field cannot be null.",
        # An outcome missing a key is not read at all, so the scenario naming it is wrong too.
        f"{TRADE}, line 12: scenario 'trade/deal' names an unknown outcome 'good'",
        f"{TRADE}, line 29: an influence on scenario 'trade/deal' names an unknown factor 'luck'",
    ]


def test_a_factor_pushing_some_outcomes_up_and_others_down_loads(tmp_path):
    files = minimal_seeds()
    no_deal(files)["influences"] = [{"factor": "trust", "strength": -1, "reason": "Distrust stalls it."}]
    load(write_seeds(tmp_path / "seeds", **files))
    assert sorted(Influence.objects.values_list("scenario__slug", "strength")) == [("deal", 2), ("no-deal", -1)]


def test_a_factor_pushing_only_some_outcomes_one_way_loads(tmp_path):
    files = minimal_seeds()
    files["outcomes.yaml"]["outcomes"].append({"slug": "worse", "name": "Worse", "order": 3})
    trade(files)["scenarios"][1]["likelihood"] = 40
    trade(files)["scenarios"].append(
        dict(no_deal(files), outcome="worse", slug="worse", likelihood=30)
        | {"influences": [{"factor": "trust", "strength": 1, "reason": "Up too."}]}
    )
    load(write_seeds(tmp_path / "seeds", **files))
    assert sorted(Influence.objects.values_list("scenario__slug", "strength")) == [("deal", 2), ("worse", 1)]


def test_a_factor_loads_how_a_reader_asks_what_if_it_were_weaker_or_stronger(tmp_path):
    files = minimal_seeds()
    first_factor(files).update(weaker="trust grows", stronger="trust collapses")
    files["factors.yaml"]["factors"].append({"slug": "luck", "name": "Luck", "description": "Chance.", "order": 2})
    load(write_seeds(tmp_path / "seeds", **files))
    trust_factor, luck = Factor.objects.order_by("order")
    assert (trust_factor.weaker, trust_factor.stronger) == ("trust grows", "trust collapses")
    assert trust_factor.what_if_stronger == "What if trust collapses?"
    assert (luck.weaker, luck.stronger) == ("", "")  # optional


def test_every_seeded_factor_asks_what_if_in_its_own_words():
    for seed in read_seeds().factors:
        for key in ("weaker", "stronger"):
            words = seed.fields[key]
            assert words and len(words) <= 60 and not words.endswith(("?", ".")), f"{seed.place}: {key} {words!r}"
            assert words[0].islower() or words.split()[0] in ("Trump's", "Trump", "Congress", "Washington")


def test_the_arms_control_page_reads_expiring_treaties_as_pushing_towards_action(client):
    load()
    page = client.get("/topics/arms-control/").text
    assert (
        '<p class="pushes">Pushes towards <a href="#scenario-interim-limits-and-risk-reduction">Limited agreement</a> '
        '(strongly), <a href="#scenario-new-start-successor">Breakthrough</a> and '
        '<a href="#scenario-open-arms-race">Worsened relations</a>, '
        'away from <a href="#scenario-treaty-limits-lapse">No agreement</a>.</p>'
    ) in page
    assert (
        '<a href="/topics/arms-control/what-if/?expiring-treaties=1">What if the treaty deadlines press harder?</a>'
        in page
    )
    assert '<a href="/topics/arms-control/what-if/?congress=-1">What if Congress resists less?</a>' in page


def test_a_seed_folder_without_topic_files_is_reported(seeds):
    (seeds / "topics" / "01-trade.yaml").unlink()
    with pytest.raises(SeedError, match=r"seeds/topics: no topic files \(\*\.yaml\) found"):
        read_seeds(seeds)
