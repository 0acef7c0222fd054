"""Likelihood arithmetic: a topic's estimates form a distribution over its outcomes."""

import pytest

from diplomacy.scenarios import likelihood


def test_total_adds_only_the_estimates_made():
    assert likelihood.total([10, None, 30]) == 40
    assert likelihood.total([]) == 0


def test_estimates_are_complete_when_every_outcome_has_one():
    assert likelihood.is_complete([10, 20, 70])
    assert not likelihood.is_complete([10, None])
    assert not likelihood.is_complete([])


@pytest.mark.parametrize("estimates", [[10, 20, 30, 40], [0, 0, 100], [None, None], [50, None], [100, None]])
def test_a_sound_distribution_has_no_problem(estimates):
    assert likelihood.distribution_problem(estimates) is None


@pytest.mark.parametrize(
    ("estimates", "problem"),
    [
        ([10, 20, 30], "the estimates add up to 60 %, not 100 %"),
        ([60, 50, None], "the estimates already add up to 110 %, more than 100 %"),
        ([140, None], "estimates must be between 0 and 100 %, not 140"),
        ([-5, 105], "estimates must be between 0 and 100 %, not -5"),
    ],
)
def test_an_unsound_distribution_is_explained(estimates, problem):
    assert likelihood.distribution_problem(estimates) == problem


def test_leading_is_the_highest_estimate_first_on_a_tie():
    assert likelihood.leading({"a": 10, "b": 60, "c": 30}) == "b"
    assert likelihood.leading({"a": 40, "b": 40, "c": None}) == "a"
    assert likelihood.leading({"a": None}) is None
