"""Brier and log scores, averaged over the time each estimate stood (diplomacy/forecasts/scoring.py)."""

import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diplomacy.forecasts import scoring
from diplomacy.forecasts.scoring import FLOOR, Version, brier, log_score, time_averaged

T0 = datetime(2025, 1, 1, tzinfo=UTC)
DAY = timedelta(days=1)


def numbers(a: float, b: float, c: float) -> dict[str, float]:
    return {"a": a, "b": b, "c": c}


@pytest.mark.parametrize(
    ("given_", "brier_", "log_"),
    [
        (numbers(100, 0, 0), 0.0, 0.0),  # certain and right: perfect
        (numbers(0, 100, 0), 2.0, math.log(FLOOR)),  # certain and wrong: the worst
        (numbers(50, 50, 0), 0.5, math.log(0.5)),
        (numbers(40, 30, 30), 0.6**2 + 0.3**2 + 0.3**2, math.log(0.4)),
    ],
)
def test_the_scores_of_one_estimate_when_a_happened(given_, brier_, log_):
    assert brier(given_, "a") == pytest.approx(brier_)
    assert log_score(given_, "a") == pytest.approx(log_)


def three():
    return st.lists(st.integers(0, 100), min_size=3, max_size=3).filter(lambda xs: sum(xs) > 0)


@given(three(), st.sampled_from("abc"))
def test_scores_stay_in_their_ranges(values, happened):
    given_ = numbers(*values)
    assert 0 <= brier(given_, happened) <= 2
    assert math.log(FLOOR) <= log_score(given_, happened) <= 0


@given(st.integers(0, 100))
def test_more_on_what_happened_scores_better(more):
    less = numbers(more // 2, 100 - more // 2, 0)
    better = numbers(more, 100 - more, 0)
    assert brier(better, "a") <= brier(less, "a")
    assert log_score(better, "a") >= log_score(less, "a")


def test_each_version_counts_for_as_long_as_it_stood():
    versions = [Version(T0, numbers(0, 100, 0)), Version(T0 + 3 * DAY, numbers(100, 0, 0))]
    # Wrong for three days, right for one: three quarters of the worst Brier score.
    result = time_averaged(versions, "a", T0 + 4 * DAY)
    assert result == pytest.approx((1.5, 0.75 * math.log(FLOOR)))


def test_versions_after_the_resolution_do_not_count_and_none_before_it_means_no_score():
    resolved = T0 + 2 * DAY
    late = Version(resolved + DAY, numbers(100, 0, 0))
    assert time_averaged([Version(T0, numbers(50, 50, 0)), late], "a", resolved) == pytest.approx((0.5, math.log(0.5)))
    assert time_averaged([late], "a", resolved) is None
    assert time_averaged([], "a", resolved) is None


def test_of_two_versions_made_at_the_same_moment_the_last_counts():
    versions = [Version(T0, numbers(0, 100, 0)), Version(T0, numbers(100, 0, 0))]
    assert time_averaged(versions, "a", T0 + DAY) == pytest.approx((0.0, 0.0))


@given(st.lists(st.tuples(st.integers(0, 1000), three()), min_size=1, max_size=20), st.sampled_from("abc"))
def test_the_average_lies_between_the_best_and_worst_version(raw, happened):
    versions = [Version(T0 + timedelta(hours=hours), numbers(*values)) for hours, values in raw]
    resolved = T0 + timedelta(hours=1001)
    average_brier, average_log = time_averaged(versions, happened, resolved)
    briers = [brier(v.numbers, happened) for v in versions]
    logs = [log_score(v.numbers, happened) for v in versions]
    assert min(briers) - 1e-9 <= average_brier <= max(briers) + 1e-9
    assert min(logs) - 1e-9 <= average_log <= max(logs) + 1e-9


class TestTimeAveragedNumbers:
    def test_weighs_each_version_by_how_long_it_stood(self):
        day = datetime(2026, 1, 1, tzinfo=UTC)
        versions = [
            scoring.Version(day, {"a": 80, "b": 20}),
            scoring.Version(day + timedelta(days=3), {"a": 40, "b": 60}),
        ]
        averaged = scoring.time_averaged_numbers(versions, day + timedelta(days=4))
        # a: (3 × 0.8 + 1 × 0.4) / 4 = 0.7; b: (3 × 0.2 + 1 × 0.6) / 4 = 0.3
        assert averaged == pytest.approx({"a": 0.7, "b": 0.3})

    def test_versions_after_the_resolution_do_not_count(self):
        day = datetime(2026, 1, 1, tzinfo=UTC)
        versions = [scoring.Version(day, {"a": 50, "b": 50}), scoring.Version(day + timedelta(days=9), {"a": 100})]
        assert scoring.time_averaged_numbers(versions, day + timedelta(days=2)) == pytest.approx({"a": 0.5, "b": 0.5})

    def test_none_when_nothing_stood_before_it(self):
        day = datetime(2026, 1, 1, tzinfo=UTC)
        assert scoring.time_averaged_numbers([scoring.Version(day, {"a": 100})], day) is None
        assert scoring.time_averaged_numbers([], day) is None

    @given(
        st.lists(
            st.tuples(st.integers(0, 1000), st.lists(st.integers(1, 100), min_size=3, max_size=3)),
            min_size=1,
            max_size=6,
        )
    )
    def test_probabilities_add_up_to_one(self, raw):
        start = datetime(2026, 1, 1, tzinfo=UTC)
        versions = [scoring.Version(start + timedelta(hours=h), dict(zip("abc", n, strict=True))) for h, n in raw]
        averaged = scoring.time_averaged_numbers(versions, start + timedelta(hours=1001))
        assert averaged is not None
        assert sum(averaged.values()) == pytest.approx(1.0)
        assert all(0 <= p <= 1 for p in averaged.values())
