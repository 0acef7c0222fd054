"""Reading influences as what they are: which outcomes a factor pushes towards and away from."""

import pytest
from django.template.loader import render_to_string

from diplomacy.scenarios.models import Factor, Influence, Outcome, Scenario
from diplomacy.scenarios.pushes import one_way, one_way_problem, pushes

BREAKTHROUGH, LIMITED, NONE, WORSE = (
    Outcome(name=name, slug=slug, order=order)
    for order, (name, slug) in enumerate(
        [
            ("Breakthrough", "breakthrough"),
            ("Limited agreement", "limited-agreement"),
            ("No agreement", "no-agreement"),
            ("Worsened relations", "worsened-relations"),
        ],
        start=1,
    )
)


def influence(outcome: Outcome, strength: int) -> Influence:
    """An influence on the scenario of this outcome, in memory only: grouping needs no database."""
    return Influence(strength=strength, scenario=Scenario(outcome=outcome, slug=outcome.slug))


def outcomes(influences: list[Influence]) -> list[str]:
    return [i.scenario.outcome.name for i in influences]


def test_towards_holds_the_positive_strongest_first_then_in_outcome_order_and_away_the_negative():
    stalemate = Outcome(name="Stalemate", order=5)
    grouped = pushes(
        [
            influence(WORSE, 1),
            influence(NONE, -1),
            influence(LIMITED, 2),
            influence(BREAKTHROUGH, 1),
            influence(stalemate, -2),
        ]
    )
    assert outcomes(grouped.towards) == ["Limited agreement", "Breakthrough", "Worsened relations"]
    assert outcomes(grouped.away) == ["Stalemate", "No agreement"]
    assert outcomes(grouped.influences) == outcomes(grouped.towards) + outcomes(grouped.away)


def test_outcomes_of_one_order_fall_back_to_their_names():
    later, earlier = Outcome(name="Zeal", order=1), Outcome(name="Accord", order=1)
    assert outcomes(pushes([influence(later, 1), influence(earlier, 1)]).towards) == ["Accord", "Zeal"]


def test_strong_pushes_either_way_are_marked_strongly():
    grouped = pushes([influence(NONE, 2), influence(LIMITED, 1), influence(BREAKTHROUGH, -2), influence(WORSE, -1)])
    assert [i.strongly for i in grouped.towards] == [True, False]
    assert [i.strongly for i in grouped.away] == [True, False]


def test_a_factor_that_only_pushes_up_has_nothing_away():
    grouped = pushes([influence(NONE, 1), influence(WORSE, 2)])
    assert outcomes(grouped.towards) == ["Worsened relations", "No agreement"]
    assert grouped.away == []


def test_a_factor_that_only_pushes_down_has_nothing_towards():
    grouped = pushes([influence(BREAKTHROUGH, -1)])
    assert grouped.towards == []
    assert outcomes(grouped.away) == ["Breakthrough"]


def test_no_influences_push_nowhere():
    assert pushes([]) == pushes(iter([]))
    assert pushes([]).influences == []


@pytest.mark.parametrize(
    ("strengths", "scenarios", "direction"),
    [
        ([1, 2, 1, 1], 4, 1),  # every outcome up: changes nothing
        ([-1, -2, -1, -1], 4, -1),  # every outcome down: changes nothing
        ([1, 2, -1, 1], 4, 0),  # one the other way
        ([1, 2, 1], 4, 0),  # one left alone
        ([2, 1], 2, 1),
        ([2], 1, 0),  # a topic of one scenario is still being written
        ([1, None], 2, 0),  # a strength not read (a seed file's mistake, reported on its own)
        ([], 0, 0),
    ],
)
def test_one_way_finds_factors_that_push_every_scenario_of_a_topic_alike(strengths, scenarios, direction):
    assert one_way(strengths, scenarios) == direction


def test_the_one_way_problem_names_the_factor_the_topic_and_why():
    assert one_way_problem("“Expiring treaties”", "Arms control", 1) == (
        "“Expiring treaties” pushes every outcome of Arms control up, which changes nothing: influences move "
        "likelihood between outcomes, so at least one outcome must be pushed the other way or not at all."
    )
    assert "pushes every outcome of Trade down," in one_way_problem("Congress", "Trade", -1)


@pytest.mark.parametrize(
    ("strength", "words"),
    [(2, "pushes it up strongly"), (1, "pushes it up"), (-1, "pushes it down"), (-2, "pushes it down strongly")],
)
def test_an_influence_says_how_it_pushes_its_scenario_in_neutral_words(strength, words):
    assert Influence(strength=strength).pushes_it == words


def test_a_factor_asks_what_if_it_were_weaker_or_stronger_in_its_own_words():
    congress = Factor(name="Congress", weaker="Congress resists less", stronger="Congress resists more")
    assert (congress.what_if_weaker, congress.what_if_stronger) == (
        "What if Congress resists less?",
        "What if Congress resists more?",
    )


@pytest.mark.parametrize(
    ("name", "question"),
    [
        ("Congress", "What if Congress counted for less?"),
        ("A transactional approach", "What if a transactional approach counted for less?"),
        ("The Kremlin's optics", "What if the Kremlin's optics counted for less?"),
        ("Emerging technologies", "What if Emerging technologies counted for less?"),  # might be a name
    ],
)
def test_a_factor_without_its_own_words_still_asks_a_sensible_question(name, question):
    factor = Factor(name=name)
    assert factor.what_if_weaker == question
    assert factor.what_if_stronger == question.replace("for less", "for more")


def test_the_pushes_partial_says_it_in_one_sentence_linking_each_outcome():
    influences = [influence(BREAKTHROUGH, -2), influence(LIMITED, 1), influence(NONE, 2), influence(WORSE, 1)]
    html = render_to_string("_pushes.html", {"influences": influences})
    assert html.strip() == (
        '<p class="pushes">Pushes towards <a href="#scenario-no-agreement">No agreement</a> (strongly), '
        '<a href="#scenario-limited-agreement">Limited agreement</a> and '
        '<a href="#scenario-worsened-relations">Worsened relations</a>, '
        'away from <a href="#scenario-breakthrough">Breakthrough</a> (strongly).</p>'
    )


def test_the_pushes_partial_links_to_another_page_and_says_nothing_of_no_influences():
    html = render_to_string("_pushes.html", {"influences": [influence(WORSE, -1)], "base": "/topics/trade/"})
    assert html.strip() == (
        '<p class="pushes">Pushes away from <a href="/topics/trade/#scenario-worsened-relations">Worsened relations'
        "</a>.</p>"
    )
    assert render_to_string("_pushes.html", {"influences": []}).strip() == ""
