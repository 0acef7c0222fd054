"""load_seeds: idempotent, respectful of editors' changes, all or nothing on a broken file."""

from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from diplomacy.scenarios.models import Factor, Influence, Outcome, Scenario, Source, Topic
from diplomacy.scenarios.seeds import DEFAULT_PATH, read_seeds

pytestmark = pytest.mark.django_db
ARTICLE = Path(__file__).resolve().parents[3] / "shared" / "seed" / "article.txt"


def load(path: Path = DEFAULT_PATH, *args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("load_seeds", "--path", str(path), *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Topic, Outcome, Scenario, Factor, Influence, Source)}


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


def write_seeds(path: Path, **changes) -> Path:
    """A minimal, valid seed folder; `changes` replace whole files' data."""
    files = {
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
    }
    files |= {name.replace("__", "/"): data for name, data in changes.items()}
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
