"""Tests of kamcore.clp._markov: Markov migration CLV and transition estimation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kamcore.clp import (
    ROW_SUM_TOLERANCE,
    MarkovChain,
    TransitionEstimate,
    estimate_transition_matrix,
    lifetime_profit,
    transition_from_counts,
)
from kamcore.errors import InvalidParameterError, KamcoreError, ShapeMismatchError


@st.composite
def chains(draw, max_states=6):
    s = draw(st.integers(1, max_states))
    raw = draw(hnp.arrays(np.float64, (s, s), elements=st.floats(0.0, 1.0)))
    raw[np.arange(s), np.arange(s)] += 1e-3  # no zero rows
    p = raw / raw.sum(axis=1, keepdims=True)
    r = draw(hnp.arrays(np.float64, s, elements=st.floats(-100.0, 1000.0)))
    d = draw(st.floats(0.02, 0.5))
    return p, r, d


def finite_reference(p, r, d, horizon):
    """Plain-Python sum over t of (P/(1+d))^t R via explicit matrix powers (lists)."""
    s = len(r)
    power = [[1.0 if i == j else 0.0 for j in range(s)] for i in range(s)]
    total = [0.0] * s
    for t in range(horizon + 1):
        for i in range(s):
            total[i] += sum(power[i][k] * r[k] for k in range(s)) / (1 + d) ** t
        power = [[sum(power[i][k] * p[k][j] for k in range(s)) for j in range(s)] for i in range(s)]
    return total


# ------------------------------------------------------------------ hand / published examples
def test_two_state_chain_equals_blattberg_closed_form():
    # active/lost with retention r: V(active) = m (1+d)/(1+d-r) (reward now included)
    chain = MarkovChain([[0.8, 0.2], [0.0, 1.0]], [100.0, 0.0], 0.1, states=("active", "lost"))
    np.testing.assert_allclose(chain.value(), [100 * 1.1 / 0.3, 0.0], rtol=1e-12)
    assert chain.value()[0] == pytest.approx(lifetime_profit(100.0, 0.8, 0.1, timing="start"))


def test_grades_with_lost_state_hand_solution():
    # A keeps 90 %, loses 10 % to B; B back to A 20 %, stays 50 %, lost 30 %.
    p = [[0.9, 0.1, 0.0], [0.2, 0.5, 0.3], [0.0, 0.0, 1.0]]
    chain = MarkovChain(p, [10.0, 4.0, 0.0], 0.25, states=["A", "B", "lost"])
    # Solve by hand: with k = 1/1.25 = 0.8,
    # vA = 10 + 0.8 (0.9 vA + 0.1 vB), vB = 4 + 0.8 (0.2 vA + 0.5 vB)
    # -> 0.28 vA - 0.08 vB = 10 ; -0.16 vA + 0.6 vB = 4
    det = 0.28 * 0.6 - 0.08 * 0.16
    va = (10 * 0.6 + 0.08 * 4) / det
    vb = (0.28 * 4 + 0.16 * 10) / det
    np.testing.assert_allclose(chain.value(), [va, vb, 0.0], rtol=1e-12)
    np.testing.assert_allclose(chain.value(n_periods=0), [10.0, 4.0, 0.0])
    np.testing.assert_allclose(chain.value(n_periods=1), [10 + 0.8 * 9.4, 4 + 0.8 * 4.0, 0.0])


def test_customer_value_and_state_index():
    chain = MarkovChain([[0.8, 0.2], [0.0, 1.0]], [100.0, 0.0], 0.1, states=("active", "lost"))
    codes = chain.state_index(np.array([["lost", "active"], ["active", "active"]]))
    np.testing.assert_array_equal(codes, [[1, 0], [0, 0]])
    v = chain.customer_value(["active", "lost"], n_periods=3)
    np.testing.assert_allclose(v, chain.value(n_periods=3)[[0, 1]])
    with pytest.raises(InvalidParameterError, match=r"got 2 bad values .*'gone'"):
        chain.customer_value(["active", "gone", "x"])
    with pytest.raises(InvalidParameterError, match="must not be empty"):
        chain.customer_value([])


def test_default_state_names_equality_and_readonly():
    a = MarkovChain([[1.0]], [1.0], 0.1)
    assert a.states == ("0",)
    assert a == MarkovChain(np.eye(1), np.array([1.0]), 0.1)
    assert a != MarkovChain(np.eye(1), np.array([2.0]), 0.1)
    assert hash(a) == hash(MarkovChain([[1.0]], [1.0], 0.1))
    assert not a.transition.flags.writeable
    assert not a.value().flags.writeable


def test_input_not_mutated_and_copied():
    p = np.array([[0.5, 0.5], [0.0, 1.0]])
    chain = MarkovChain(p, [1.0, 0.0], 0.1)
    p[0, 0] = 0.9
    assert chain.transition[0, 0] == 0.5


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("p", "r", "d", "kwargs", "err", "match"),
    [
        ([[0.5, 0.5]], [1.0], 0.1, {}, ShapeMismatchError, "square"),
        (np.zeros((0, 0)), [1.0], 0.1, {}, InvalidParameterError, "empty"),
        (
            [[1.2, -0.2], [0, 1]],
            [1, 1],
            0.1,
            {},
            InvalidParameterError,
            r"\[0, 1\]; got 1 bad row \(first row 0, column 0: 1.2\)",
        ),
        (
            [[1.0, 0.0], [0.5, 0.4]],
            [1, 1],
            0.1,
            {},
            InvalidParameterError,
            r"rows must sum to 1 \(tolerance 1e-08\); got 1 bad row \(first row 1 sums to 0.9",
        ),
        ([[1.0, math.nan], [0, 1]], [1, 1], 0.1, {}, InvalidParameterError, "finite"),
        ([[1.0, 0], [0, 1]], [1, 1, 1], 0.1, {}, ShapeMismatchError, "rewards"),
        ([[1.0, 0], [0, 1]], [1, math.inf], 0.1, {}, InvalidParameterError, "rewards"),
        ([[1.0, 0], [0, 1]], [1, 1], -1.0, {}, InvalidParameterError, "discount_rate"),
        ([[1.0, 0], [0, 1]], [1, 1], 0.1, {"states": ["a"]}, ShapeMismatchError, "states"),
        ([[1.0, 0], [0, 1]], [1, 1], 0.1, {"states": ["a", "a"]}, InvalidParameterError, "unique"),
        (
            [[1.0, 0], [0, 1]],
            [1, 1],
            0.1,
            {"states": ["a", ""]},
            InvalidParameterError,
            "non-empty",
        ),
    ],
)
def test_bad_chains(p, r, d, kwargs, err, match):
    with pytest.raises(err, match=match):
        MarkovChain(p, r, d, **kwargs)


def test_row_tolerance_is_documented_value():
    eps = ROW_SUM_TOLERANCE / 10
    MarkovChain([[0.5, 0.5 + eps], [0.0, 1.0]], [1.0, 0.0], 0.1)
    with pytest.raises(InvalidParameterError, match="sum to 1"):
        MarkovChain([[0.5, 0.5 + 100 * ROW_SUM_TOLERANCE], [0.0, 1.0]], [1.0, 0.0], 0.1)


def test_infinite_horizon_needs_positive_discount():
    chain = MarkovChain([[1.0]], [1.0], 0.0)
    with pytest.raises(InvalidParameterError, match="diverges"):
        chain.value()
    assert chain.value(n_periods=4)[0] == pytest.approx(5.0)
    with pytest.raises(KamcoreError, match="n_periods"):
        chain.value(n_periods=-1)


# ------------------------------------------------------------------ properties
@given(chains(), st.integers(0, 25))
def test_finite_value_equals_explicit_sum(chain_args, horizon):
    p, r, d = chain_args
    got = MarkovChain(p, r, d).value(n_periods=horizon)
    ref = finite_reference(p.tolist(), r.tolist(), d, horizon)
    np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-8)


@given(chains())
def test_closed_form_equals_long_finite_sum(chain_args):
    p, r, d = chain_args
    chain = MarkovChain(p, r, d)
    np.testing.assert_allclose(chain.value(), chain.value(n_periods=3000), rtol=1e-8, atol=1e-8)
    # and it solves the Bellman equation V = R + P V / (1+d)
    v = chain.value()
    np.testing.assert_allclose(v, r + p @ v / (1 + d), rtol=1e-9, atol=1e-8)


@given(chains(), st.data())
def test_permutation_equivariance_of_states(chain_args, data):
    p, r, d = chain_args
    s = r.size
    perm = np.asarray(data.draw(st.permutations(range(s))), dtype=np.intp)
    v = MarkovChain(p, r, d).value()
    v_perm = MarkovChain(p[np.ix_(perm, perm)], r[perm], d).value()
    np.testing.assert_allclose(v_perm, v[perm], rtol=1e-9, atol=1e-8)


@given(chains(), st.floats(0.0, 100.0), st.integers(0, 10))
def test_value_increases_with_rewards_and_decreases_with_discount(chain_args, bump, horizon):
    p, r, d = chain_args
    base = MarkovChain(p, r, d).value(n_periods=horizon)
    more = MarkovChain(p, r + bump, d).value(n_periods=horizon)
    assert np.all(more >= base - 1e-9)
    positive = np.abs(r)
    lo = MarkovChain(p, positive, d).value(n_periods=horizon)
    hi_rate = MarkovChain(p, positive, d + 0.1).value(n_periods=horizon)
    assert np.all(hi_rate <= lo + 1e-9)


# ------------------------------------------------------------------ estimation
def test_estimation_hand_example_and_counts_path_agree():
    before = ["A", "A", "A", "B", "B", "C", "A"]
    after = ["A", "B", "A", "B", "lost", "C", "lost"]
    est = estimate_transition_matrix(before, after, states=["A", "B", "C", "lost"])
    np.testing.assert_array_equal(
        est.counts, [[2, 1, 0, 1], [0, 1, 0, 1], [0, 0, 1, 0], [0, 0, 0, 0]]
    )
    np.testing.assert_allclose(est.transition[0], [0.5, 0.25, 0.0, 0.25])
    np.testing.assert_allclose(est.transition[3], [0, 0, 0, 1])  # absorbing lost
    assert est.unobserved == ("lost",)
    assert est.policy == "absorbing"
    again = transition_from_counts(est.counts, states=est.states)
    assert again == est
    assert isinstance(est, TransitionEstimate)
    chain = est.to_chain([10.0, 5.0, 1.0, 0.0], 0.1)
    assert chain.states == ("A", "B", "C", "lost")
    from_counts = MarkovChain.from_counts(est.counts, [10.0, 5.0, 1.0, 0.0], 0.1, states=est.states)
    assert from_counts == chain


def test_default_states_are_sorted_labels_and_ints_work():
    est = estimate_transition_matrix([2, 1, 1], [1, 1, 2])
    assert est.states == ("1", "2")
    np.testing.assert_array_equal(est.counts, [[1, 1], [1, 0]])


def test_policies():
    counts = [[3, 1, 0], [0, 0, 0], [0, 0, 0]]
    uni = transition_from_counts(counts, policy="uniform")
    np.testing.assert_allclose(uni.transition[1], [1 / 3] * 3)
    prior = np.array([[1, 0, 0], [0.2, 0.3, 0.5], [0, 0, 1.0]])
    pri = transition_from_counts(counts, policy="prior", prior=prior)
    np.testing.assert_allclose(pri.transition[1], [0.2, 0.3, 0.5])
    np.testing.assert_allclose(pri.transition[0], [0.75, 0.25, 0])
    with pytest.raises(InvalidParameterError, match=r"2 empty rows \(first: state 'B'\)"):
        transition_from_counts(counts, policy="raise", states=["A", "B", "C"])
    with pytest.raises(InvalidParameterError, match="'prior' must be given"):
        transition_from_counts(counts, policy="prior")
    with pytest.raises(InvalidParameterError, match="only used"):
        transition_from_counts(counts, prior=prior)
    with pytest.raises(InvalidParameterError, match=r"'prior' rows must sum to 1"):
        transition_from_counts(counts, policy="prior", prior=np.eye(3) * 0.5)
    with pytest.raises(ShapeMismatchError, match="prior"):
        transition_from_counts(counts, policy="prior", prior=np.eye(2))
    with pytest.raises(InvalidParameterError, match="'policy' must be one of"):
        transition_from_counts(counts, policy="drop")


@pytest.mark.parametrize(
    ("counts", "err", "match"),
    [
        ([[1, -1], [0, 1]], InvalidParameterError, "'counts' must be >= 0"),
        ([[1.5, 0], [0, 1]], InvalidParameterError, "whole number"),
        ([[1, 2, 3]], ShapeMismatchError, "square"),
    ],
)
def test_bad_counts(counts, err, match):
    with pytest.raises(err, match=match):
        transition_from_counts(counts)


@pytest.mark.parametrize(
    ("before", "after", "states", "err", "match"),
    [
        ([], [], None, InvalidParameterError, "must not be empty"),
        (["A"], ["A", "B"], None, ShapeMismatchError, "same length"),
        ([["A"]], [["A"]], None, ShapeMismatchError, "1-dimensional"),
        (
            ["A", "Z"],
            ["A", "A"],
            ["A", "B"],
            InvalidParameterError,
            r"'from_states' must be known states .*'Z'",
        ),
    ],
)
def test_bad_histories(before, after, states, err, match):
    with pytest.raises(err, match=match):
        estimate_transition_matrix(before, after, states)


@given(st.data(), st.integers(1, 5), st.integers(1, 60))
def test_estimation_matches_loop_and_is_permutation_invariant(data, s, n):
    labels = [f"g{i}" for i in range(s)]
    before = data.draw(st.lists(st.sampled_from(labels), min_size=n, max_size=n))
    after = data.draw(st.lists(st.sampled_from(labels), min_size=n, max_size=n))
    est = estimate_transition_matrix(before, after, labels, policy="uniform")
    ref = [[0] * s for _ in range(s)]
    for b, a in zip(before, after, strict=True):
        ref[labels.index(b)][labels.index(a)] += 1
    np.testing.assert_array_equal(est.counts, ref)
    for i in range(s):
        total = sum(ref[i])
        expected = [c / total for c in ref[i]] if total else [1 / s] * s
        np.testing.assert_allclose(est.transition[i], expected, rtol=1e-12)
    np.testing.assert_allclose(est.transition.sum(axis=1), 1.0, atol=1e-12)
    perm = data.draw(st.permutations(range(n)))
    est2 = estimate_transition_matrix(
        [before[i] for i in perm], [after[i] for i in perm], labels, policy="uniform"
    )
    assert est2 == est


def test_overflow_is_an_error_not_inf():
    with pytest.raises(InvalidParameterError, match="overflows"):
        MarkovChain([[1.0]], [1.0], -0.99).value(n_periods=400)
