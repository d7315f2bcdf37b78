"""Tests for kamcore.allocation: budget allocation over concave response curves."""

from __future__ import annotations

import math

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamcore.allocation import (
    Allocation,
    ExponentialResponse,
    InvertibleResponse,
    LogResponse,
    ResponseCurve,
    allocate,
    equal_split,
    service_minimums,
)
from kamcore.errors import (
    ConvergenceError,
    InvalidParameterError,
    KamcoreError,
    ShapeMismatchError,
    UnknownNameError,
)

# ------------------------------------------------------------ helpers


@attrs.frozen(eq=False)
class _GenericExp:
    """An exponential curve *without* inverse_marginal: exercises the generic path."""

    inner: ExponentialResponse

    @property
    def size(self) -> int:
        return self.inner.size

    def value(self, x):
        return self.inner.value(x)

    def marginal(self, x):
        return self.inner.marginal(x)


@attrs.frozen(eq=False)
class _SShaped:
    """A non-concave (logistic) response for the SLSQP path."""

    a: np.ndarray

    @property
    def size(self) -> int:
        return int(self.a.shape[0])

    def value(self, x):
        return self.a / (1.0 + np.exp(-(x - 5.0)))

    def marginal(self, x):
        e = np.exp(-(x - 5.0))
        return self.a * e / (1.0 + e) ** 2


def _reference_kkt_exp(a, b, budget, minimum):
    """Plain-Python KKT for exponential curves: bisection on lambda, scalar maths only."""

    def effort(lam):
        out = []
        for ai, bi, mi in zip(a, b, minimum, strict=True):
            x = math.log(ai * bi / lam) / bi if ai * bi > lam else 0.0
            out.append(max(mi, x))
        return out

    hi = max(ai * bi * math.exp(-bi * mi) for ai, bi, mi in zip(a, b, minimum, strict=True))
    lo = hi
    while sum(effort(lo)) < budget:
        lo /= 2.0
    for _ in range(200):
        mid = math.sqrt(lo * hi)
        if sum(effort(mid)) > budget:
            lo = mid
        else:
            hi = mid
    return effort(math.sqrt(lo * hi)), math.sqrt(lo * hi)


problems = st.integers(1, 8).flatmap(
    lambda n: st.tuples(
        st.lists(st.floats(1.0, 1000.0), min_size=n, max_size=n),
        st.lists(st.floats(0.01, 2.0), min_size=n, max_size=n),
        st.lists(st.floats(0.0, 3.0), min_size=n, max_size=n),
        st.floats(0.0, 50.0),
    )
)


# ------------------------------------------------------------ KKT properties


@given(problems, st.sampled_from([ExponentialResponse, LogResponse]))
def test_respects_budget_and_minimums_and_beats_equal_split(problem, kind):
    a, b, m, extra = problem
    budget = sum(m) + extra
    curve = kind(a, b)
    res = allocate(curve, budget, minimum=m)
    assert res.spent == pytest.approx(budget, rel=1e-9, abs=1e-9)
    assert res.spent <= budget * (1 + 1e-12) + 1e-12
    assert np.all(res.effort >= np.asarray(m) - 1e-12)
    base = equal_split(curve, budget, minimum=m)
    assert res.total_value >= base.total_value - 1e-9 * max(1.0, abs(base.total_value))
    assert res.total_value == pytest.approx(res.value.sum())


@given(problems, st.sampled_from([ExponentialResponse, LogResponse]))
def test_kkt_conditions_hold(problem, kind):
    a, b, m, extra = problem
    curve = kind(a, b)
    res = allocate(curve, sum(m) + extra, minimum=m)
    if extra == 0:
        return
    lam = res.shadow_price
    marg = curve.marginal(res.effort)
    interior = res.effort > np.asarray(m) + 1e-7
    np.testing.assert_allclose(marg[interior], lam, rtol=1e-6)
    assert np.all(marg[~interior] <= lam * (1 + 1e-6))


@given(problems)
def test_vectorised_equals_scalar_reference(problem):
    a, b, m, extra = problem
    if extra == 0:
        return
    budget = sum(m) + extra
    res = allocate(ExponentialResponse(a, b), budget, minimum=m)
    ref_x, ref_lam = _reference_kkt_exp(a, b, budget, m)
    np.testing.assert_allclose(res.effort, ref_x, rtol=1e-6, atol=1e-6)
    assert res.shadow_price == pytest.approx(ref_lam, rel=1e-6)


@given(problems)
def test_generic_concave_curve_matches_closed_form(problem):
    a, b, m, extra = problem
    budget = sum(m) + extra
    exact = allocate(ExponentialResponse(a, b), budget, minimum=m)
    generic = allocate(_GenericExp(ExponentialResponse(a, b)), budget, minimum=m)
    assert not isinstance(_GenericExp(ExponentialResponse(a, b)), InvertibleResponse)
    np.testing.assert_allclose(generic.effort, exact.effort, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("kind", [ExponentialResponse, LogResponse])
@pytest.mark.parametrize("seed", range(6))
def test_kkt_matches_scipy_minimize_on_small_random_problems(kind, seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 9))
    a = rng.uniform(10, 1000, n)
    b = rng.uniform(0.05, 1.0, n)
    m = rng.uniform(0, 2, n)
    budget = float(m.sum() + rng.uniform(5, 40))
    curve = kind(a, b)
    kkt = allocate(curve, budget, minimum=m)
    slsqp = allocate(curve, budget, minimum=m, method="slsqp")
    assert slsqp.method == "slsqp"
    assert kkt.total_value == pytest.approx(slsqp.total_value, rel=1e-7)
    np.testing.assert_allclose(kkt.effort, slsqp.effort, atol=1e-3 * budget)
    assert kkt.shadow_price == pytest.approx(slsqp.shadow_price, rel=1e-3)


def test_slsqp_handles_non_concave_curves_within_budget():
    curve = _SShaped(np.array([100.0, 80.0, 60.0]))
    res = allocate(curve, 12.0, minimum=1.0, method="slsqp")
    assert res.spent <= 12.0 + 1e-9
    assert np.all(res.effort >= 1.0 - 1e-12)
    assert res.total_value >= equal_split(curve, 12.0, minimum=1.0).total_value - 1e-9
    assert isinstance(curve, ResponseCurve)


@given(problems, st.randoms(use_true_random=False))
def test_permutation_equivariance(problem, rnd):
    a, b, m, extra = problem
    perm = list(range(len(a)))
    rnd.shuffle(perm)
    budget = sum(m) + extra
    x = allocate(ExponentialResponse(a, b), budget, minimum=m).effort
    y = allocate(
        ExponentialResponse([a[i] for i in perm], [b[i] for i in perm]),
        budget,
        minimum=[m[i] for i in perm],
    ).effort
    np.testing.assert_allclose(x[perm], y, rtol=1e-7, atol=1e-7)


@given(problems, st.floats(1.0, 20.0))
def test_more_budget_never_lowers_value_and_shadow_price_falls(problem, more):
    a, b, m, extra = problem
    budget = sum(m) + extra
    curve = LogResponse(a, b)
    r1 = allocate(curve, budget, minimum=m)
    r2 = allocate(curve, budget + more, minimum=m)
    assert r2.total_value >= r1.total_value - 1e-9
    assert r2.shadow_price <= r1.shadow_price * (1 + 1e-9)
    # the shadow price bounds the gain (concavity): V(B + d) - V(B) <= lambda(B) d
    assert r2.total_value - r1.total_value <= r1.shadow_price * more * (1 + 1e-6) + 1e-9


def test_single_account_gets_everything_and_zero_budget():
    res = allocate(ExponentialResponse(100.0, 0.1), 7.0)
    np.testing.assert_allclose(res.effort, [7.0])
    zero = allocate(ExponentialResponse([1.0, 2.0], 1.0), 0.0)
    np.testing.assert_array_equal(zero.effort, [0.0, 0.0])
    assert zero.shadow_price == pytest.approx(2.0)  # best marginal at x = 0


def test_saturated_curves_spread_the_rest():
    res = allocate(ExponentialResponse([1.0, 1.0], [1.0, 1.0]), 1e5)
    assert res.spent == pytest.approx(1e5)
    assert res.shadow_price == 0.0
    assert res.total_value == pytest.approx(2.0)


def test_zero_potential_accounts_get_only_their_minimum():
    res = allocate(ExponentialResponse([0.0, 50.0], [1.0, 0.5]), 10.0, minimum=[2.0, 0.0])
    np.testing.assert_allclose(res.effort, [2.0, 8.0])


def test_minimum_equal_to_budget():
    res = allocate(LogResponse([1.0, 1.0], [1.0, 1.0]), 5.0, minimum=[2.0, 3.0])
    np.testing.assert_allclose(res.effort, [2.0, 3.0])
    assert res.shadow_price == pytest.approx(1.0 / 3.0)


def test_result_is_frozen_and_read_only():
    res = allocate(LogResponse([1.0, 2.0], 1.0), 3.0)
    assert isinstance(res, Allocation)
    with pytest.raises(ValueError, match="read-only"):
        res.effort[0] = 1.0
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        res.budget = 4.0  # type: ignore[misc]


def test_inputs_not_written():
    m = np.array([1.0, 1.0])
    allocate(LogResponse([1.0, 2.0], 1.0), 5.0, minimum=m)
    np.testing.assert_array_equal(m, [1.0, 1.0])


# ------------------------------------------------------------ grade minimums


def test_service_minimums_by_grade_feed_the_constraint():
    grades = np.array(["A", "B", "C", "A"])
    mins = service_minimums(grades, {"A": 5.0, "B": 2.0, "C": 0.0})
    np.testing.assert_allclose(mins, [5, 2, 0, 5])
    res = allocate(ExponentialResponse([10.0, 500.0, 500.0, 10.0], 0.2), 20.0, minimum=mins)
    assert np.all(res.effort >= mins - 1e-12)
    np.testing.assert_allclose(res.effort[[0, 3]], 5.0)  # low potential: held at the standard


def test_service_minimums_errors():
    with pytest.raises(UnknownNameError, match=r"\['D'\]"):
        service_minimums(["A", "D"], {"A": 1.0})
    with pytest.raises(InvalidParameterError, match="'standards'"):
        service_minimums(["A"], {"A": -1.0})
    with pytest.raises(ShapeMismatchError):
        service_minimums([["A"]], {"A": 1.0})


# ------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("budget", "kwargs", "err", "match"),
    [
        (-1.0, {}, InvalidParameterError, "'budget'"),
        (math.nan, {}, InvalidParameterError, "'budget'"),
        (math.inf, {}, InvalidParameterError, "'budget'"),
        ("10", {}, InvalidParameterError, "'budget'"),
        (5.0, {"minimum": [3.0, 3.0]}, InvalidParameterError, "infeasible"),
        (5.0, {"minimum": [1.0, 1.0, 1.0]}, ShapeMismatchError, "'minimum'"),
        (5.0, {"minimum": [-1.0, 0.0]}, InvalidParameterError, "'minimum'"),
        (5.0, {"minimum": [math.nan, 0.0]}, InvalidParameterError, "'minimum'"),
        (5.0, {"method": "newton"}, InvalidParameterError, "'method'"),
    ],
)
def test_bad_allocation_input(budget, kwargs, err, match):
    with pytest.raises(err, match=match):
        allocate(ExponentialResponse([1.0, 2.0], 1.0), budget, **kwargs)
    assert issubclass(err, KamcoreError)


def test_bad_curves():
    with pytest.raises(InvalidParameterError, match="'a'"):
        ExponentialResponse([-1.0], [1.0])
    with pytest.raises(InvalidParameterError, match="'b'"):
        LogResponse([1.0], [0.0])
    with pytest.raises(InvalidParameterError, match="'a'"):
        LogResponse([math.nan], [1.0])
    with pytest.raises(ShapeMismatchError):
        ExponentialResponse([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ShapeMismatchError, match="1-D"):
        ExponentialResponse([[1.0]], [[1.0]])
    with pytest.raises(InvalidParameterError, match="'curve'"):
        allocate(object(), 1.0)  # type: ignore[arg-type]


def test_curve_returning_nan_is_rejected():
    @attrs.frozen
    class Bad:
        @property
        def size(self) -> int:
            return 2

        def value(self, x):
            return np.full(2, np.nan)

        def marginal(self, x):
            return np.full(2, np.nan)

    with pytest.raises(InvalidParameterError, match=r"curve\.marginal"):
        allocate(Bad(), 1.0)


def test_slsqp_size_limit():
    with pytest.raises(InvalidParameterError, match="small problems"):
        allocate(ExponentialResponse(np.ones(3000), 1.0), 10.0, method="slsqp")


def test_convergence_error_is_a_kamcore_error():
    assert issubclass(ConvergenceError, KamcoreError)


def test_budget_a_rounding_error_above_the_minimums_is_still_spent():
    # found by hypothesis: free budget of one ulp made the KKT bracket collapse
    curve = ExponentialResponse([55.0, 1.0, 1.0], [1.0, 1.0, 1.0])
    minimum = np.array([1.0, 0.0, 0.0])
    budget = 1.0 + 2.220446049250313e-16
    res = allocate(curve, budget, minimum=minimum)
    assert np.all(res.effort >= minimum)
    assert res.spent == pytest.approx(budget, abs=1e-15)
