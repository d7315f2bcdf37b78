"""Lorenz curve, Gini, top share, Pareto/ABC classes and the customer pyramid."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamcore import Portfolio
from kamcore.errors import InvalidParameterError
from kamcore.metrics import gini, lorenz_curve, top_share
from kamcore.scoring import ParetoScorer, PyramidScorer, get_scorer
from kamcore.testing import check_scorer

AS_OF = "2025-12-31"
values_st = st.lists(
    st.sampled_from([0.0, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 100.0, 1000.0]), min_size=1, max_size=40
)


def _p(values: list[float], name: str = "v") -> Portfolio:
    return Portfolio.from_columns(
        [f"c{i}" for i in range(len(values))], {name: values}, nullable=[name]
    )


# ----------------------------------------------------------------- Lorenz / Gini
@given(st.integers(1, 200), st.floats(0.001, 1e9))
def test_gini_closed_forms(n: int, value: float) -> None:
    assert gini([value] * n) == pytest.approx(0.0, abs=1e-12)
    one = [0.0] * (n - 1) + [value]
    assert gini(one) == pytest.approx((n - 1) / n, rel=1e-12, abs=1e-12)


def _gini_mean_abs_difference(values: list[float]) -> float:
    n = len(values)
    total = sum(values)
    if total == 0:
        return 0.0
    diff = sum(abs(a - b) for a in values for b in values)
    return diff / (2 * n * total)


@given(values_st)
def test_gini_equals_mean_absolute_difference_form(values: list[float]) -> None:
    assert gini(values) == pytest.approx(_gini_mean_abs_difference(values), abs=1e-12)


@given(values_st, st.randoms(use_true_random=False))
def test_lorenz_is_monotone_convex_and_permutation_invariant(values: list[float], rnd) -> None:
    u, v = lorenz_curve(values)
    assert u[0] == v[0] == 0.0
    assert u[-1] == pytest.approx(1.0)
    assert v[-1] == pytest.approx(1.0)
    assert np.all(np.diff(v) >= -1e-15)
    assert np.all(v <= u + 1e-12)  # below the equality line
    shuffled = list(values)
    rnd.shuffle(shuffled)
    _u2, v2 = lorenz_curve(shuffled)
    np.testing.assert_array_equal(v, v2)


def test_lorenz_hand_example_and_edge_cases() -> None:
    u, v = lorenz_curve([1.0, 3.0])
    assert u.tolist() == [0.0, 0.5, 1.0]
    assert v.tolist() == [0.0, 0.25, 1.0]
    assert gini([1.0, 3.0]) == pytest.approx(1 - 0.5 * (0.25) - 0.5 * 1.25)
    assert gini([]) == 0.0
    assert gini([0.0, 0.0]) == 0.0
    with pytest.raises(InvalidParameterError, match=r"'values' must be >= 0"):
        gini([1.0, -2.0])
    with pytest.raises(InvalidParameterError, match="finite"):
        lorenz_curve([1.0, np.nan])


def test_top_share() -> None:
    vals = [50.0, 20.0, 10.0, 10.0, 6.0, 4.0] * 5  # 30 accounts
    assert top_share(vals, 0.2) == pytest.approx((50 * 5 + 20) / 500)
    assert top_share(vals, 0.0) == 0.0
    assert top_share(vals, 1.0) == pytest.approx(1.0)
    assert top_share([1.0, 1.0, 1.0, 1.0], 0.25) == pytest.approx(0.25)
    with pytest.raises(InvalidParameterError, match="fraction"):
        top_share(vals, 1.5)
    with pytest.raises(InvalidParameterError, match="empty"):
        top_share([], 0.5)


# ----------------------------------------------------------------- ABC classes
def _abc_reference(values: list[float], shares: tuple[float, ...]) -> list[int]:
    total = sum(values)
    cuts = []
    acc = 0.0
    for s in shares[:-1]:
        acc += s
        cuts.append(round(acc, 12))
    out = []
    for x in values:
        above = sum(y for y in values if y > x)
        share = above / total if total > 0 else 0.0
        out.append(sum(1 for c in cuts if share >= c))
    return out


@given(values_st)
def test_abc_classes_equal_scalar_reference(values: list[float]) -> None:
    r = ParetoScorer(column="v").score(_p(values), as_of=AS_OF)
    assert r.class_codes is not None
    assert r.class_codes.tolist() == _abc_reference(values, (0.8, 0.15, 0.05))
    assert r.scores.tolist() == values
    best = int(np.argmax(values))
    assert r.class_codes[best] == 0  # the top account is always an A
    order = np.argsort(values)
    assert np.all(np.diff(r.class_codes[order]) <= 0)  # more value, never a worse class


def test_abc_hand_example_and_extras() -> None:
    r = get_scorer("pareto", column="v").score(_p([50.0, 20, 10, 10, 6, 4]), as_of=AS_OF)
    assert r.classes is not None
    assert r.classes.tolist() == ["A", "A", "A", "A", "B", "C"]
    assert r.extras["class_value_share"] == pytest.approx((0.9, 0.06, 0.04))
    assert r.extras["gini"] == pytest.approx(gini([50.0, 20, 10, 10, 6, 4]))
    r2 = ParetoScorer(column="v", shares=(0.5, 0.5), labels=("top", "rest")).score(
        _p([50.0, 20, 10, 10, 6, 4]), as_of=AS_OF
    )
    assert r2.classes is not None
    assert r2.classes.tolist() == ["top", "rest", "rest", "rest", "rest", "rest"]


@given(values_st, st.integers(-3, 3))
def test_abc_scale_invariant(values: list[float], k: int) -> None:
    a = ParetoScorer(column="v").score(_p(values), as_of=AS_OF)
    b = ParetoScorer(column="v").score(_p([x * 2.0**k for x in values]), as_of=AS_OF)
    assert a.class_codes is not None
    assert b.class_codes is not None
    np.testing.assert_array_equal(a.class_codes, b.class_codes)


def test_pareto_nan_policy_and_negative_values() -> None:
    p = _p([10.0, np.nan, 5.0])
    with pytest.raises(
        InvalidParameterError,
        match=r"column v' must be recorded.*nan_policy='last'.*first at index 1: nan",
    ):
        ParetoScorer(column="v").score(p, as_of=AS_OF)
    r = ParetoScorer(column="v", nan_policy="last").score(p, as_of=AS_OF)
    assert r.scores.tolist() == [10.0, -np.inf, 5.0]
    assert r.classes is not None
    assert r.classes.tolist() == ["A", "C", "A"]  # 5 is above the 80 % line: 10/15 < 0.8
    with pytest.raises(InvalidParameterError, match=">= 0 for Pareto"):
        ParetoScorer(column="v").score(_p([1.0, -1.0]), as_of=AS_OF)


def test_pareto_parameter_validation() -> None:
    with pytest.raises(InvalidParameterError, match="sum to 1"):
        ParetoScorer(shares=(0.8, 0.1))
    with pytest.raises(InvalidParameterError, match="labels"):
        ParetoScorer(labels=("A", "B"))
    with pytest.raises(InvalidParameterError, match="non-increasing"):
        ParetoScorer(thresholds=(1.0, 5.0))
    with pytest.raises(InvalidParameterError, match="nan_policy"):
        ParetoScorer(nan_policy="drop")


def test_freeze_classes_new_accounts_against_old_cut_points() -> None:
    old = _p([50.0, 20, 10, 10, 6, 4])
    frozen = ParetoScorer(column="v").freeze(old)
    assert frozen.thresholds == (10.0, 6.0)
    new = frozen.score(_p([7.0, 100.0, 1.0]), as_of=AS_OF)
    assert new.classes is not None
    assert new.classes.tolist() == ["B", "A", "C"]


# ----------------------------------------------------------------- pyramid
def _pyramid_reference(values: list[float], shares: tuple[float, ...]) -> list[int]:
    n = len(values)
    cuts = []
    acc = 0.0
    for s in shares[:-1]:
        acc += s
        cuts.append(round(acc, 12) * n)
    return [sum(1 for c in cuts if sum(1 for y in values if y > x) >= c) for x in values]


@given(values_st, st.sampled_from(["seeds", "curry"]))
def test_pyramid_equals_scalar_reference(values: list[float], preset: str) -> None:
    s = PyramidScorer(column="v", preset=preset)
    r = s.score(_p(values), as_of=AS_OF)
    assert s.shares is not None
    assert r.class_codes is not None
    assert r.class_codes.tolist() == _pyramid_reference(values, s.shares)
    assert sum(r.extras["tier_counts"]) == len(values)


def test_pyramid_distinct_values_follow_the_shares() -> None:
    vals = [float(v) for v in range(100)]
    r = PyramidScorer(column="v").score(_p(vals), as_of=AS_OF)
    assert r.extras["tier_counts"] == (1, 19, 30, 50)
    c = PyramidScorer(column="v", preset="curry").score(_p(vals), as_of=AS_OF)
    assert c.extras["tier_counts"] == (1, 4, 15, 80)
    assert c.class_levels == ("top", "big", "medium", "small")
    with pytest.raises(InvalidParameterError, match="preset"):
        PyramidScorer(preset="egypt")
    with pytest.raises(InvalidParameterError, match="'labels' must be given"):
        PyramidScorer(shares=(0.5, 0.5))


@pytest.mark.parametrize("name", ["pareto", "pyramid"])
def test_check_scorer(name: str) -> None:
    check_scorer(get_scorer(name))
    check_scorer(
        get_scorer(name, column="profit_last_year", nan_policy="last"),
        _p([5.0, np.nan, 1.0, 1.0, 0.0, 7.0, np.nan, 3.0], "profit_last_year"),
    )
