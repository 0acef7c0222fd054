"""The community estimate's arithmetic (diplomacy/forecasts/community.py), exhaustively."""

import itertools
import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diplomacy.forecasts.community import ReaderEstimate, community, weighted_median, weights, whole

OUTCOMES = ["breakthrough", "limited", "none", "worse"]
T0 = datetime(2025, 1, 1, tzinfo=UTC)


def estimate(hours: int, *numbers: float) -> ReaderEstimate:
    return ReaderEstimate(T0 + timedelta(hours=hours), dict(zip(OUTCOMES, numbers, strict=True)))


def distributions():
    """Whole-number estimates adding up to 100 over the four outcomes."""
    return (
        st.lists(st.integers(0, 100), min_size=3, max_size=3)
        .map(sorted)
        .map(lambda cuts: [cuts[0], cuts[1] - cuts[0], cuts[2] - cuts[1], 100 - cuts[2]])
    )


# Weights


def test_one_or_two_readers_weigh_the_same():
    assert weights(1) == [1.0]
    assert weights(2) == [1.0, 1.0]
    assert weights(0) == []


def test_from_three_the_newest_weighs_one_and_older_ones_less():
    assert weights(3) == pytest.approx([math.exp(1 - math.sqrt(3)), math.exp(math.sqrt(2) - math.sqrt(3)), 1.0])


@given(st.integers(3, 500))
def test_weights_grow_with_recency_and_stay_in_zero_to_one(count):
    values = weights(count)
    assert len(values) == count and values[-1] == 1.0
    assert all(0 < a < b <= 1 for a, b in itertools.pairwise(values))


# The weighted median


@pytest.mark.parametrize(
    ("values", "weights_", "median"),
    [
        ([5], [1], 5),
        ([1, 2, 3], [1, 1, 1], 2),
        ([1, 2, 3, 4], [1, 1, 1, 1], 2.5),  # exactly half: the mean of the middle two
        ([3, 1, 2], [1, 1, 1], 2),  # order of the input does not matter
        ([10, 20, 30], [1, 1, 5], 30),  # a heavy value pulls the median to it
        ([10, 20, 30], [5, 1, 1], 10),
        ([10, 10, 40], [1, 1, 1], 10),
    ],
)
def test_the_weighted_median(values, weights_, median):
    assert weighted_median(values, weights_) == median


def test_a_median_of_nothing_or_of_mismatched_weights_is_an_error():
    with pytest.raises(ValueError):
        weighted_median([], [])
    with pytest.raises(ValueError):
        weighted_median([1, 2], [1])


@given(st.lists(st.floats(0, 100), min_size=1, max_size=40), st.data())
def test_the_weighted_median_lies_within_the_values_and_equal_weights_give_the_plain_median(values, data):
    weights_ = data.draw(st.lists(st.floats(0.01, 1), min_size=len(values), max_size=len(values)))
    assert min(values) <= weighted_median(values, weights_) <= max(values)
    ordered = sorted(values)
    middle = len(ordered) // 2
    plain = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    assert weighted_median(values, [1.0] * len(values)) == pytest.approx(plain)


# The community estimate


def test_no_readers_no_community_estimate():
    assert community([], OUTCOMES) is None


def test_one_reader_is_the_community():
    assert community([estimate(0, 10, 20, 30, 40)], OUTCOMES) == pytest.approx(
        {"breakthrough": 10, "limited": 20, "none": 30, "worse": 40}
    )


def test_the_medians_are_scaled_back_to_a_hundred():
    readers = [estimate(0, 70, 10, 10, 10), estimate(1, 10, 70, 10, 10), estimate(2, 10, 10, 70, 10)]
    # Medians: 10, 10, 10, 10 (each outcome's 70 is one reader's against two 10s): scaled to 25 each.
    assert community(readers, OUTCOMES) == pytest.approx(dict.fromkeys(OUTCOMES, 25))


def test_the_newest_readers_count_most():
    old = [estimate(n, 80, 10, 5, 5) for n in range(3)]
    new = [estimate(10 + n, 10, 80, 5, 5) for n in range(3)]
    result = community(old + new, OUTCOMES)
    assert result["limited"] > result["breakthrough"]
    assert community(list(reversed(old + new)), OUTCOMES) == result  # the order given does not matter


def test_everyone_at_zero_everywhere_splits_evenly():
    assert community([estimate(0, 0, 0, 0, 0)], OUTCOMES) == dict.fromkeys(OUTCOMES, 25.0)


@given(st.lists(st.tuples(st.integers(0, 10_000), distributions()), min_size=1, max_size=30))
def test_the_community_estimate_is_a_distribution_within_the_readers_range(readers):
    estimates = [estimate(hours, *numbers) for hours, numbers in readers]
    result = community(estimates, OUTCOMES)
    assert sum(result.values()) == pytest.approx(100)
    assert all(value >= 0 for value in result.values())
    shown = whole(result)
    assert sum(shown.values()) == 100 and all(value >= 0 for value in shown.values())


@given(distributions(), st.integers(1, 20))
def test_readers_who_agree_give_their_estimate(numbers, count):
    estimates = [estimate(hours, *numbers) for hours in range(count)]
    assert community(estimates, OUTCOMES) == pytest.approx(dict(zip(OUTCOMES, numbers, strict=True)))


# Whole numbers


@pytest.mark.parametrize(
    ("numbers", "shown"),
    [
        ([25, 25, 25, 25], [25, 25, 25, 25]),
        ([100 / 3, 100 / 3, 100 / 3, 0], [34, 33, 33, 0]),  # a tie in remainders: the first listed
        ([10.6, 20.6, 30.6, 38.2], [11, 21, 30, 38]),
    ],
)
def test_whole_numbers_by_largest_remainder(numbers, shown):
    assert list(whole(dict(zip(OUTCOMES, numbers, strict=True))).values()) == shown


@given(st.lists(st.floats(0.0, 1.0), min_size=4, max_size=4).filter(lambda xs: sum(xs) > 0.01))
def test_whole_numbers_add_up_to_a_hundred_and_stay_within_one_of_the_exact_ones(parts):
    exact = {outcome: 100 * part / sum(parts) for outcome, part in zip(OUTCOMES, parts, strict=True)}
    shown = whole(exact)
    assert sum(shown.values()) == 100
    assert all(abs(shown[outcome] - exact[outcome]) < 1 for outcome in OUTCOMES)
