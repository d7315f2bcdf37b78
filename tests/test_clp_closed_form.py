"""Tests of kamcore.clp._closed_form: closed-form CLP, expected lifetime, customer equity."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kamcore.clp import (
    CustomerEquity,
    customer_equity,
    expected_lifetime,
    lifetime_profit,
    margin_multiple,
)
from kamcore.errors import InvalidParameterError, KamcoreError, ShapeMismatchError

margins = st.floats(-1e4, 1e4, allow_nan=False)
retentions = st.floats(0.0, 1.0)
rates = st.floats(0.001, 0.5)
horizons = st.integers(0, 60)
timings = st.sampled_from(["end", "start", "end_certain"])


def scalar_reference(m, r, d, T, timing, a=0.0, c=0.0):
    """Plain-Python explicit sum of the cash-flow series (T=None: 5000 terms)."""
    n = 5000 if T is None else T
    total = 0.0
    survive_before, discount_before = 1.0, 1.0  # r^(k-1), (1+d)^-(k-1)
    for _k in range(1, n + 1):
        survive_after, discount_after = survive_before * r, discount_before / (1.0 + d)
        if timing == "end":
            weight = survive_after * discount_after
        elif timing == "start":
            weight = survive_before * discount_before
        else:
            weight = survive_before * discount_after
        total += (m - c) * weight
        survive_before, discount_before = survive_after, discount_after
    return total - a


# ------------------------------------------------------------------ published / hand examples
def test_margin_multiple_textbook_example():
    # margin 100, retention 0.8, discount 0.1 -> 100 * 0.8 / 0.3 (Gupta & Lehmann)
    assert margin_multiple(100.0, 0.8, 0.1) == pytest.approx(100 * 0.8 / 0.3, rel=1e-12)


def test_gupta_lehmann_published_multiple_table():
    # Gupta & Lehmann (2003, J. Interactive Marketing), Table 1: margin multiple
    # r/(1+i-r) for i = 12 %: r = 60 % -> 1.15, r = 70 % -> 1.67, r = 80 % -> 2.50,
    # r = 90 % -> 4.09.
    got = margin_multiple(1.0, [0.6, 0.7, 0.8, 0.9], 0.12)
    np.testing.assert_allclose(got, [1.15, 1.67, 2.50, 4.09], atol=0.006)


def test_three_timings_hand_values():
    m, r, d = 100.0, 0.8, 0.1
    assert lifetime_profit(m, r, d, timing="end") == pytest.approx(m * r / (1 + d - r))
    assert lifetime_profit(m, r, d, timing="start") == pytest.approx(m * (1 + d) / (1 + d - r))
    assert lifetime_profit(m, r, d, timing="end_certain") == pytest.approx(m / (1 + d - r))


def test_finite_horizon_hand_value_with_costs():
    # two end-of-period cash flows of (100-10): 90*0.8/1.1 + 90*0.64/1.21 - 50
    expected = 90 * 0.8 / 1.1 + 90 * 0.64 / 1.21 - 50
    got = lifetime_profit(100.0, 0.8, 0.1, n_periods=2, acquisition_cost=50.0, cost_to_serve=10.0)
    assert got == pytest.approx(expected, rel=1e-12)


def test_scalar_inputs_return_float_and_arrays_return_arrays():
    assert isinstance(lifetime_profit(1.0, 0.5, 0.1), float)
    out = lifetime_profit([1.0, 2.0], 0.5, 0.1)
    assert isinstance(out, np.ndarray)
    assert out.shape == (2,)


def test_broadcasting_shapes():
    out = lifetime_profit(np.ones((3, 1)), np.array([0.1, 0.5]), 0.1, n_periods=[[1], [2], [3]])
    assert np.shape(out) == (3, 2)


def test_horizon_zero_is_minus_acquisition_cost():
    assert lifetime_profit(100.0, 0.9, 0.1, n_periods=0, acquisition_cost=7.0) == -7.0


def test_retention_one_finite_horizon_is_discounted_annuity():
    # q = 1 exactly (r = 1, d = 0): T cash flows of m
    assert lifetime_profit(5.0, 1.0, 0.0, n_periods=12) == pytest.approx(60.0)


def test_retention_zero():
    assert lifetime_profit(5.0, 0.0, 0.1) == 0.0
    assert lifetime_profit(5.0, 0.0, 0.1, timing="start") == 5.0
    assert lifetime_profit(5.0, 0.0, 0.1, n_periods=3, timing="start") == 5.0
    assert lifetime_profit(5.0, 0.0, 0.1, n_periods=0, timing="start") == 0.0


def test_expected_lifetime():
    assert expected_lifetime(0.8) == pytest.approx(5.0)
    np.testing.assert_allclose(expected_lifetime([0.0, 0.5]), [1.0, 2.0])
    with pytest.raises(InvalidParameterError, match="retention"):
        expected_lifetime(1.0)


def test_inputs_not_mutated():
    m = np.array([1.0, 2.0])
    r = np.array([0.5, 0.6])
    m0, r0 = m.copy(), r.copy()
    lifetime_profit(m, r, 0.1, n_periods=4, acquisition_cost=1.0)
    np.testing.assert_array_equal(m, m0)
    np.testing.assert_array_equal(r, r0)


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("kwargs", "err", "match"),
    [
        ({"retention": 1.2}, InvalidParameterError, r"'retention' must be in \[0, 1\]; got 1.2"),
        ({"retention": [0.5, -0.1]}, InvalidParameterError, "first at index 1: -0.1"),
        ({"margin": math.nan}, InvalidParameterError, "'margin' must be finite"),
        ({"discount_rate": -1.0}, InvalidParameterError, "'discount_rate' must be > -1"),
        ({"retention": 1.0, "discount_rate": 0.0}, InvalidParameterError, "diverges"),
        ({"n_periods": -1}, InvalidParameterError, "'n_periods'"),
        ({"n_periods": 1.5}, InvalidParameterError, "whole number"),
        ({"acquisition_cost": -1.0}, InvalidParameterError, "'acquisition_cost'"),
        ({"cost_to_serve": -1.0}, InvalidParameterError, "'cost_to_serve'"),
        ({"timing": "middle"}, InvalidParameterError, "'timing' must be one of"),
        ({"margin": [1.0, 2.0], "retention": [0.1, 0.2, 0.3]}, ShapeMismatchError, "broadcast"),
        ({"margin": "abc"}, InvalidParameterError, "numeric"),
    ],
)
def test_bad_input(kwargs, err, match):
    args = {"margin": 1.0, "retention": 0.5, "discount_rate": 0.1}
    args.update(kwargs)
    with pytest.raises(err, match=match):
        lifetime_profit(
            args.pop("margin"), args.pop("retention"), args.pop("discount_rate"), **args
        )


def test_divergence_is_fine_for_finite_horizon():
    assert lifetime_profit(1.0, 1.0, 0.0, n_periods=3) == pytest.approx(3.0)


def test_negative_discount_rate_allowed_when_convergent():
    # d = -0.05, r = 0.5: q = 0.5 / 0.95 < 1
    got = lifetime_profit(1.0, 0.5, -0.05)
    assert got == pytest.approx(0.5 / (0.95 - 0.5))
    with pytest.raises(KamcoreError):
        lifetime_profit(1.0, 0.96, -0.05)


# ------------------------------------------------------------------ properties
@given(margins, retentions, rates, horizons, timings)
def test_vectorised_equals_scalar_reference_finite(m, r, d, T, timing):
    got = lifetime_profit(
        m, r, d, n_periods=T, timing=timing, acquisition_cost=3.0, cost_to_serve=1.0
    )
    ref = scalar_reference(m, r, d, T, timing, a=3.0, c=1.0)
    assert got == pytest.approx(ref, rel=1e-9, abs=1e-7)


@given(margins, st.floats(0.0, 0.95), st.floats(0.02, 0.5), timings)
def test_vectorised_equals_scalar_reference_infinite(m, r, d, timing):
    got = lifetime_profit(m, r, d, timing=timing)
    ref = scalar_reference(m, r, d, None, timing)
    assert got == pytest.approx(ref, rel=1e-9, abs=1e-7)


@given(
    hnp.arrays(np.float64, st.integers(1, 30), elements=st.floats(0, 1e4)),
    st.data(),
)
def test_array_equals_elementwise_scalar_calls(m, data):
    n = m.size
    r = data.draw(hnp.arrays(np.float64, n, elements=retentions))
    d = data.draw(hnp.arrays(np.float64, n, elements=rates))
    T = data.draw(hnp.arrays(np.int64, n, elements=horizons))
    got = lifetime_profit(m, r, d, n_periods=T)
    ref = [
        lifetime_profit(float(a), float(b), float(c), n_periods=int(t))
        for a, b, c, t in zip(m, r, d, T, strict=True)
    ]
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12)
    perm = data.draw(st.permutations(range(n)))
    np.testing.assert_allclose(
        lifetime_profit(m[perm], r[perm], d[perm], n_periods=T[perm]), got[perm], rtol=1e-12
    )


@given(st.floats(1.0, 1e4), st.floats(0.0, 0.99), st.floats(0.0, 0.99), rates, timings)
def test_increasing_in_retention(m, r1, r2, d, timing):
    lo, hi = sorted((r1, r2))
    assert lifetime_profit(m, lo, d, timing=timing) <= lifetime_profit(m, hi, d, timing=timing)


@given(st.floats(0.0, 1e4), st.floats(0.0, 1e4), retentions, rates, horizons, timings)
def test_increasing_in_margin(m1, m2, r, d, T, timing):
    lo, hi = sorted((m1, m2))
    a = lifetime_profit(lo, r, d, n_periods=T, timing=timing)
    b = lifetime_profit(hi, r, d, n_periods=T, timing=timing)
    assert a <= b


@given(st.floats(1.0, 1e4), retentions, rates, rates, horizons, timings)
def test_decreasing_in_discount_rate(m, r, d1, d2, T, timing):
    lo, hi = sorted((d1, d2))
    a = lifetime_profit(m, r, lo, n_periods=T, timing=timing)
    b = lifetime_profit(m, r, hi, n_periods=T, timing=timing)
    assert b <= a * (1 + 1e-12)


@given(st.floats(1.0, 1e4), st.floats(0.0, 0.95), rates, timings)
def test_finite_horizon_converges_to_infinite(m, r, d, timing):
    inf = lifetime_profit(m, r, d, timing=timing)
    values = lifetime_profit(m, r, d, n_periods=[1, 10, 100, 2000], timing=timing)
    assert np.all(np.diff(values) >= -1e-9 * inf)
    assert values[-1] == pytest.approx(inf, rel=1e-9)
    assert np.all(values <= inf * (1 + 1e-12))


@given(margins, retentions, rates, st.one_of(st.none(), horizons))
def test_timing_conventions_relate_by_factors(m, r, d, T):
    end = lifetime_profit(m, r, d, n_periods=T, timing="end")
    start = lifetime_profit(m, r, d, n_periods=T, timing="start")
    certain = lifetime_profit(m, r, d, n_periods=T, timing="end_certain")
    assert certain == pytest.approx(start / (1 + d), rel=1e-12, abs=1e-9)
    assert end == pytest.approx(r * certain, rel=1e-12, abs=1e-9)
    if T is None:
        assert start == pytest.approx(m + end, rel=1e-9, abs=1e-7)


@given(margins, retentions, rates)
def test_margin_multiple_is_end_timing(m, r, d):
    assert margin_multiple(m, r, d) == pytest.approx(m * r / (1 + d - r), rel=1e-12, abs=1e-9)


@given(st.floats(1e-9, 1e-3), st.integers(1, 10_000))
def test_precision_near_q_equal_one(eps, T):
    # r = 1 - eps, d = 0: S_T = (1 - r^T) / eps, compare with log-space reference
    r = 1.0 - eps
    assume(r < 1.0)
    got = lifetime_profit(1.0, r, 0.0, n_periods=T, timing="start")
    ref = -math.expm1(T * math.log(r)) / (1.0 - r)
    assert got == pytest.approx(ref, rel=1e-9)


# ------------------------------------------------------------------ customer equity
def test_customer_equity_hand():
    eq = customer_equity([10.0, 20.0, 30.0, 40.0], segments=["b", "a", "b", "c"])
    assert eq.total == 100.0
    assert eq.count == 4
    np.testing.assert_array_equal(eq.segments, ["a", "b", "c"])
    np.testing.assert_array_equal(eq.segment_totals, [20.0, 40.0, 40.0])
    np.testing.assert_array_equal(eq.segment_counts, [1, 2, 1])
    assert eq.by_segment() == {"a": 20.0, "b": 40.0, "c": 40.0}
    assert not eq.segment_totals.flags.writeable


def test_customer_equity_without_segments_and_equality():
    eq = customer_equity([1.0, 2.0])
    assert eq == CustomerEquity(total=3.0, count=2)
    assert eq.by_segment() == {}
    assert customer_equity([1.0, 2.0], segments=[1, 1]) == customer_equity(
        [2.0, 1.0], segments=[1, 1]
    )


@pytest.mark.parametrize(
    ("values", "segments", "err", "match"),
    [
        ([], None, InvalidParameterError, "must not be empty"),
        ([1.0, math.inf], None, InvalidParameterError, "finite"),
        ([[1.0]], None, ShapeMismatchError, "1-dimensional"),
        ([1.0, 2.0], ["a"], ShapeMismatchError, "same length"),
        ([1.0], [None], InvalidParameterError, "segments"),
    ],
)
def test_customer_equity_bad_input(values, segments, err, match):
    with pytest.raises(err, match=match):
        customer_equity(values, segments=segments)


@given(
    hnp.arrays(np.float64, st.integers(1, 50), elements=st.floats(-1e6, 1e6)),
    st.data(),
)
def test_customer_equity_matches_loop_and_is_permutation_invariant(values, data):
    n = values.size
    seg = data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, 4)))
    eq = customer_equity(values, segments=seg)
    ref: dict[int, float] = {}
    for v, s in zip(values.tolist(), seg.tolist(), strict=True):
        ref[s] = ref.get(s, 0.0) + v
    assert eq.segments is not None
    assert eq.segment_totals is not None
    assert sorted(ref) == eq.segments.tolist()
    np.testing.assert_allclose(eq.segment_totals, [ref[k] for k in sorted(ref)], atol=1e-6)
    assert eq.total == pytest.approx(sum(values.tolist()), abs=1e-6)
    perm = np.asarray(data.draw(st.permutations(range(n))), dtype=np.intp)
    eq2 = customer_equity(values[perm], segments=seg[perm])
    np.testing.assert_allclose(eq2.segment_totals, eq.segment_totals, atol=1e-6)
    np.testing.assert_array_equal(eq2.segment_counts, eq.segment_counts)


def test_overflow_is_an_error_not_inf():
    # q = 1 / 0.01 = 100 with a long finite horizon overflows float64
    with pytest.raises(InvalidParameterError, match="overflows"):
        lifetime_profit(1.0, 1.0, -0.99, n_periods=1000)
