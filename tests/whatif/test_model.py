"""The what-if model (diplomacy/whatif/model.py): hand-computed cases and properties for random inputs."""

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from diplomacy.whatif.model import FLOOR, K, shifted, shifts, whole

OUTCOMES = ["deal", "limited", "none", "worse"]


@st.composite
def distributions(draw, zeros: bool = True):
    """Four whole numbers adding up to 100 (as editors give them), some 0 unless `zeros` is False."""
    low = 0 if zeros else 1
    cuts = sorted(draw(st.lists(st.integers(low, 100 - low), min_size=3, max_size=3)))
    values = [cuts[0], cuts[1] - cuts[0], cuts[2] - cuts[1], 100 - cuts[2]]
    assume(min(values) >= low)
    return dict(zip(OUTCOMES, values, strict=True))


strengths = st.dictionaries(st.sampled_from(OUTCOMES), st.integers(-2, 2), min_size=1)
influences = st.dictionaries(st.sampled_from(["congress", "trust", "treaties"]), strengths, min_size=1)
settings = st.dictionaries(st.sampled_from(["congress", "trust", "treaties"]), st.integers(-2, 2))


def test_one_step_on_a_strong_influence_moves_a_30_percent_outcome_by_5_to_10_points():
    editors = {"deal": 30, "limited": 30, "none": 20, "worse": 20}
    after = shifted(editors, {"congress": {"deal": 2}}, {"congress": 1})
    # logit(0.3) + 2 × 1 × 0.25 = −0.347 → 0.414; the others stay 0.3, 0.2, 0.2: 0.414 / 1.114 = 37.2 %
    assert after["deal"] == pytest.approx(37.16, abs=0.01)
    assert 5 <= after["deal"] - 30 <= 10


def test_shifts_add_up_over_factors():
    moved = shifts({"congress": {"deal": 2, "worse": -1}, "trust": {"deal": -1}}, {"congress": 2, "trust": 1})
    assert moved == {"deal": pytest.approx((2 * 2 - 1) * K), "worse": pytest.approx(-2 * K)}


def test_factors_at_zero_or_acting_elsewhere_change_nothing():
    editors = {"deal": 12, "limited": 38, "none": 32, "worse": 18}
    assert shifted(editors, {"congress": {"deal": 2}}, {"congress": 0}) == editors
    assert shifted(editors, {"congress": {"elsewhere": 2}}, {"congress": 2}) == editors
    assert shifted(editors, {}, {"unknown": 2}) == editors


def test_an_editors_zero_is_read_as_the_floor_once_anything_moves():
    after = shifted({"deal": 0, "limited": 100}, {"congress": {"deal": 2}}, {"congress": 2})
    assert 0 < after["deal"] < 10 and after["limited"] < 100
    assert FLOOR == 0.005


@pytest.mark.parametrize(
    ("editors", "settings_"),
    [({"deal": 60, "worse": 30}, {}), ({"deal": -10, "worse": 110}, {}), ({}, {}), ({"deal": 100}, {"congress": 3})],
)
def test_bad_input_is_refused(editors, settings_):
    with pytest.raises(ValueError, match=r"from -2 to 2|add up to 100"):
        shifted(editors, {"congress": {"deal": 1}}, settings_)


def test_an_influence_out_of_range_is_refused():
    with pytest.raises(ValueError, match="strength"):
        shifts({"congress": {"deal": 3}}, {"congress": 1})


@given(distributions(), influences)
def test_all_factors_at_zero_give_exactly_the_editors_numbers(editors, acting):
    assert shifted(editors, acting, dict.fromkeys(acting, 0)) == editors


@given(distributions(), influences, settings)
def test_the_result_always_adds_up_to_100_and_so_do_its_whole_numbers(editors, acting, set_to):
    after = shifted(editors, acting, set_to)
    assert list(after) == list(editors)
    assert sum(after.values()) == pytest.approx(100)
    assert sum(whole(after).values()) == 100


@given(distributions(), influences, settings)
def test_no_outcome_reaches_0_or_100_once_anything_moves(editors, acting, set_to):
    after = shifted(editors, acting, set_to)
    if after != editors:
        assert all(0 < value < 100 for value in after.values())


# Editors' numbers above 0: an editors' 0 is read as FLOOR only once something moves, so from
# "nothing moved" to "something moved" it rises for every outcome (see the test above).
@given(distributions(zeros=False), influences, settings, st.sampled_from(["congress", "trust", "treaties"]))
def test_strengthening_a_factor_never_lowers_an_outcome_it_pushes_up_relative_to_the_others(
    editors, acting, set_to, factor
):
    assume(factor in acting and set_to.get(factor, 0) < 2)
    stronger = set_to | {factor: set_to.get(factor, 0) + 1}
    before, after = shifted(editors, acting, set_to), shifted(editors, acting, stronger)
    pushed = acting[factor]
    for up in (o for o in editors if pushed.get(o, 0) > 0):
        for other in (o for o in editors if pushed.get(o, 0) <= 0):
            # Compared as log-ratios: the pushed outcome gains on every outcome not pushed up.
            assert math.log(after[up] / after[other]) >= math.log(before[up] / before[other]) - 1e-9
