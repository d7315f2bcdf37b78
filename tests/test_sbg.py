"""Shifted-beta-geometric retention model: published fits, properties, bad input."""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamcore.clp import ShiftedBetaGeometric
from kamcore.errors import ConvergenceError, InvalidParameterError, KamcoreError, ShapeMismatchError
from tests.conftest import DATA

shape = st.floats(0.05, 20.0)


def _survivors(column: str) -> list[int]:
    with (DATA / "sbg_survivors.csv").open() as fh:
        return [int(row[column]) for row in csv.DictReader(fh)]


# ----------------------------------------------------------------- plain-Python reference
def ref_log_beta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def ref_pmf(a: float, b: float, t: int) -> float:
    return math.exp(ref_log_beta(a + 1, b + t - 1) - ref_log_beta(a, b))


def ref_survival(a: float, b: float, t: int) -> float:
    # S(t) = 1 - sum_{k<=t} P(T = k), computed through the product of retention rates
    s = 1.0
    for k in range(1, t + 1):
        s *= (b + k - 1) / (a + b + k - 1)
    return s


def ref_derl(a: float, b: float, d: float, renewals: int) -> float:
    n = renewals + 1
    total, term, t = 0.0, 1.0, n
    while True:
        term_t = term * (b + t - 1) / (a + b + t - 1)  # S(t) / S(n - 1)
        total += term_t * (1 + d) ** -(t - n)
        term = term_t
        t += 1
        if term * (1 + d) ** -(t - n) < 1e-15 * total:
            return total


def ref_del(a: float, b: float, d: float) -> float:
    total, s, t = 1.0, 1.0, 1
    while True:
        s *= (b + t - 1) / (a + b + t - 1)
        total += s * (1 + d) ** -t
        if s * (1 + d) ** -t < 1e-15 * total:
            return total
        t += 1


# ----------------------------------------------------------------- published numbers
@pytest.mark.parametrize(
    ("column", "alpha", "beta"),
    [("regular", 0.704, 1.182), ("highend", 0.668, 3.806)],
)
def test_fader_hardie_2007_survivor_fits(column: str, alpha: float, beta: float) -> None:
    m = ShiftedBetaGeometric.fit_survivors(_survivors(column))
    assert round(m.alpha, 3) == alpha
    assert round(m.beta, 3) == beta
    rep = m.fit_report
    assert rep is not None
    assert rep.converged
    assert rep.n == 1000
    assert set(rep.standard_errors) == {"alpha", "beta"}
    assert all(0 < se < 1 for se in rep.standard_errors.values())


def test_published_regular_projection_tracks_observed_counts() -> None:
    # Fader & Hardie (2007) figure: the fitted curve follows the observed survivors
    counts = np.array(_survivors("regular"), dtype=float)
    m = ShiftedBetaGeometric(alpha=0.704, beta=1.182)
    fitted = 1000 * m.survival(np.arange(counts.size))
    assert np.max(np.abs(fitted - counts)) < 10


# ----------------------------------------------------------------- fits agree
def _expand(counts: list[int]) -> tuple[np.ndarray, np.ndarray]:
    k = len(counts) - 1
    churned = -np.diff(counts)
    durations = np.concatenate([np.repeat(np.arange(1, k + 1), churned), np.full(counts[-1], k)])
    censored = np.concatenate([np.zeros(churned.sum(), bool), np.ones(counts[-1], bool)])
    return durations, censored


@pytest.mark.parametrize("column", ["regular", "highend"])
def test_durations_fit_equals_survivors_fit(column: str) -> None:
    counts = _survivors(column)
    a = ShiftedBetaGeometric.fit_survivors(counts)
    durations, censored = _expand(counts)
    perm = np.random.default_rng(1).permutation(durations.size)
    b = ShiftedBetaGeometric.fit(durations=durations[perm], censored=censored[perm])
    c = ShiftedBetaGeometric.fit(durations=durations, censored=censored, collapse=False)
    for m in (b, c):
        assert m.alpha == pytest.approx(a.alpha, rel=1e-6)
        assert m.beta == pytest.approx(a.beta, rel=1e-6)
        assert m.fit_report is not None
        assert a.fit_report is not None
        assert m.fit_report.log_likelihood == pytest.approx(a.fit_report.log_likelihood, rel=1e-10)
    assert b.fit_report is not None
    assert a.fit_report is not None
    assert b.fit_report.n_rows == len(counts)
    assert a.log_likelihood(durations=durations, censored=censored).sum() == pytest.approx(
        a.fit_report.log_likelihood, rel=1e-12
    )


def test_weighted_fit_equals_repeated_rows() -> None:
    d = np.array([1, 2, 3, 5, 8])
    c = np.array([False, False, False, False, True])
    w = np.array([50, 15, 8, 5, 30])
    a = ShiftedBetaGeometric.fit(durations=d, censored=c, weights=w)
    b = ShiftedBetaGeometric.fit(
        durations=np.repeat(d, w), censored=np.repeat(c, w), collapse=False
    )
    assert a.alpha == pytest.approx(b.alpha, rel=1e-6)
    assert a.beta == pytest.approx(b.beta, rel=1e-6)


def test_censored_given_as_zero_one() -> None:
    d = [1, 2, 3, 4, 4]
    a = ShiftedBetaGeometric.fit(durations=d, censored=[0, 0, 0, 1, 1])
    b = ShiftedBetaGeometric.fit(durations=d, censored=[False, False, False, True, True])
    assert a == b


@pytest.mark.slow
def test_fit_recovers_simulated_parameters() -> None:
    truth = ShiftedBetaGeometric(alpha=0.9, beta=2.5)
    durations, censored = truth.simulate(
        n_customers=40_000, rng=np.random.default_rng(7), n_periods=15
    )
    m = ShiftedBetaGeometric.fit(durations=durations, censored=censored)
    assert m.fit_report is not None
    se = m.fit_report.standard_errors
    assert abs(m.alpha - truth.alpha) < 4 * se["alpha"]
    assert abs(m.beta - truth.beta) < 4 * se["beta"]
    assert m.alpha == pytest.approx(truth.alpha, rel=0.1)
    assert m.beta == pytest.approx(truth.beta, rel=0.15)


def test_simulated_survivors_fit() -> None:
    truth = ShiftedBetaGeometric(alpha=0.7, beta=1.2)
    counts = truth.simulate_survivors(n_customers=20_000, n_periods=8, rng=np.random.default_rng(3))
    assert counts[0] == 20_000
    assert np.all(np.diff(counts) <= 0)
    m = ShiftedBetaGeometric.fit_survivors(counts)
    assert m.alpha == pytest.approx(0.7, rel=0.15)
    assert m.beta == pytest.approx(1.2, rel=0.2)


def test_simulation_is_reproducible_and_uncensored_without_horizon() -> None:
    m = ShiftedBetaGeometric(alpha=2.0, beta=3.0)
    a = m.simulate(n_customers=500, rng=np.random.default_rng(5))
    b = m.simulate(n_customers=500, rng=np.random.default_rng(5))
    assert np.array_equal(a[0], b[0])
    assert not a[1].any()
    assert a[0].min() >= 1


# ----------------------------------------------------------------- properties
@given(shape, shape, st.lists(st.integers(1, 300), min_size=1, max_size=10))
def test_pmf_survival_retention_match_scalar_reference(a: float, b: float, ts: list[int]) -> None:
    m = ShiftedBetaGeometric(alpha=a, beta=b)
    t = np.array(ts)
    np.testing.assert_allclose(m.churn_probability(t), [ref_pmf(a, b, k) for k in ts], rtol=1e-9)
    np.testing.assert_allclose(m.survival(t), [ref_survival(a, b, k) for k in ts], rtol=1e-8)
    np.testing.assert_allclose(
        m.retention_rate(t),
        [ref_survival(a, b, k) / ref_survival(a, b, k - 1) for k in ts],
        rtol=1e-9,
    )


@given(shape, shape, st.integers(1, 60))
def test_distribution_identities(a: float, b: float, k: int) -> None:
    m = ShiftedBetaGeometric(alpha=a, beta=b)
    t = np.arange(1, k + 1)
    pmf = m.churn_probability(t)
    s = m.survival(np.arange(k + 1))
    assert s[0] == 1.0
    assert np.all(np.diff(s) <= 0)  # survival decreasing
    assert np.all(np.diff(m.retention_rate(t)) >= 0)  # retention increasing in t
    np.testing.assert_allclose(pmf.sum() + s[-1], 1.0, rtol=1e-9)
    np.testing.assert_allclose(s[1:], s[:-1] * m.retention_rate(t), rtol=1e-9)
    assert np.all((pmf > 0) & (pmf < 1))


@given(shape, shape, st.floats(0.05, 2.0), st.integers(0, 50))
def test_del_and_derl_match_series(a: float, b: float, d: float, n: int) -> None:
    m = ShiftedBetaGeometric(alpha=a, beta=b)
    assert float(m.discounted_expected_lifetime(d)) == pytest.approx(ref_del(a, b, d), rel=1e-7)
    got = float(m.discounted_expected_residual_lifetime(d, renewals=n))
    assert got == pytest.approx(ref_derl(a, b, d, n), rel=1e-7)
    # DEL = first payment now + DERL after the first period, discounted once
    derl0 = float(m.discounted_expected_residual_lifetime(d, renewals=0))
    assert float(m.discounted_expected_lifetime(d)) == pytest.approx(1 + derl0 / (1 + d), rel=1e-9)


@given(shape, shape)
def test_derl_limits_and_monotonicity(a: float, b: float) -> None:
    m = ShiftedBetaGeometric(alpha=a, beta=b)
    d = np.array([0.05, 0.1, 0.3, 1.0])
    derl = m.discounted_expected_residual_lifetime(d, renewals=3)
    assert np.all(np.diff(derl) < 0)  # decreasing in the discount rate
    ren = m.discounted_expected_residual_lifetime(0.1, renewals=np.arange(10))
    assert np.all(np.diff(ren) >= 0)  # loyal survivors are worth more
    assert np.all(ren <= 1.1 / 0.1 + 1e-9)  # bounded by a never-churning customer


def test_vectorised_derl_broadcasts() -> None:
    m = ShiftedBetaGeometric(alpha=0.704, beta=1.182)
    got = m.discounted_expected_residual_lifetime([[0.1], [0.2]], renewals=[0, 1, 2])
    assert got.shape == (2, 3)
    for i, d in enumerate([0.1, 0.2]):
        for j in range(3):
            assert got[i, j] == pytest.approx(ref_derl(0.704, 1.182, d, j), rel=1e-9)


def test_expected_lifetime() -> None:
    m = ShiftedBetaGeometric(alpha=3.0, beta=4.0)
    assert m.expected_lifetime() == pytest.approx(3.0)
    assert float(m.survival(np.arange(3000)).sum()) == pytest.approx(3.0, rel=1e-5)
    with pytest.raises(InvalidParameterError, match="'alpha' must be > 1"):
        ShiftedBetaGeometric(alpha=0.9, beta=1.0).expected_lifetime()


def test_models_compare_by_value_and_ignore_the_report() -> None:
    fitted = ShiftedBetaGeometric.fit_survivors([100, 60, 40, 30])
    assert fitted == ShiftedBetaGeometric(alpha=fitted.alpha, beta=fitted.beta)
    assert ShiftedBetaGeometric(alpha=1, beta=2).alpha == 1.0


# ----------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("counts", "match"),
    [
        ([1000, 800, 850, 700], "'counts' must be non-increasing"),
        ([1000], "at least 2 values"),
        ([], "at least 2 values"),
        ([0, 0, 0], r"'counts\[0\]' must be > 0"),
        ([1000, -5], "'counts' must be >= 0"),
        ([1000, float("nan")], "'counts' must be finite"),
        ([[1000, 900]], "'counts' must be 1-dimensional"),
    ],
)
def test_bad_survivor_counts(counts: list[float], match: str) -> None:
    with pytest.raises(KamcoreError, match=match):
        ShiftedBetaGeometric.fit_survivors(counts)


def test_degenerate_data_do_not_converge() -> None:
    with pytest.raises(ConvergenceError, match="no customer churned"):
        ShiftedBetaGeometric.fit_survivors([100, 100, 100])
    with pytest.raises(ConvergenceError, match="no customer ever renewed"):
        ShiftedBetaGeometric.fit_survivors([100, 0, 0])
    with pytest.raises(ConvergenceError, match="no customer ever renewed"):
        ShiftedBetaGeometric.fit(durations=[1, 1, 0], censored=[False, False, True])


@pytest.mark.parametrize(
    ("durations", "censored", "error", "match"),
    [
        (
            [1, 0, 2],
            [False, False, False],
            InvalidParameterError,
            "'durations' must be >= 1 for customers who churned",
        ),
        ([1, -2], None, InvalidParameterError, "'durations' must be >= 0"),
        ([1.5, 2], None, InvalidParameterError, "'durations' must be a whole number"),
        ([], None, InvalidParameterError, "'durations' must not be empty"),
        ([1, 2], [True], ShapeMismatchError, "same length"),
        ([1, 2], [0, 2], InvalidParameterError, "'censored' must be boolean"),
    ],
)
def test_bad_durations(
    durations: list[float], censored: list[int] | None, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        ShiftedBetaGeometric.fit(durations=durations, censored=censored)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"alpha": 0.0, "beta": 1.0}, "'alpha' must be > 0"),
        ({"alpha": 1.0, "beta": float("inf")}, "'beta' must be finite"),
        ({"alpha": "1", "beta": 1.0}, "'alpha' must be a real number"),
    ],
)
def test_bad_parameters(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        ShiftedBetaGeometric(**kwargs)  # type: ignore[arg-type]


def test_bad_arguments_of_methods() -> None:
    m = ShiftedBetaGeometric(alpha=1.0, beta=2.0)
    with pytest.raises(InvalidParameterError, match="'t' must be >= 1"):
        m.churn_probability([0, 1])
    with pytest.raises(InvalidParameterError, match="'t' must be >= 0"):
        m.survival(-1)
    with pytest.raises(InvalidParameterError, match="'discount_rate' must be > 0"):
        m.discounted_expected_lifetime(0.0)
    with pytest.raises(InvalidParameterError, match="'renewals' must be >= 0"):
        m.discounted_expected_residual_lifetime(0.1, renewals=-1)
    with pytest.raises(InvalidParameterError, match=r"'rng' must be a numpy\.random\.Generator"):
        m.simulate(n_customers=10, rng=42)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="'weights' must be >= 0"):
        ShiftedBetaGeometric.fit(durations=[1, 2], weights=[1, -1])
    with pytest.raises(
        InvalidParameterError, match="'durations' must be >= 1 for customers who churned"
    ):
        m.log_likelihood(durations=0)
    assert m.log_likelihood(durations=0, censored=True) == 0.0  # S(0) = 1
    assert m.log_likelihood(durations=[[1], [2]], censored=[False, True]).shape == (2, 2)
    assert m.params == {"alpha": 1.0, "beta": 2.0}
