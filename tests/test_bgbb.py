"""BG/BB discrete-opportunity model: published donations fit, properties, bad input."""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamcore.clp import BetaGeoBetaBinom
from kamcore.clp._btyd.bgbb import _loglik
from kamcore.errors import InvalidParameterError, KamcoreError, ShapeMismatchError
from tests.conftest import DATA

positive = st.floats(0.2, 10.0)
PUBLISHED = BetaGeoBetaBinom(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)


def _donations() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    with (DATA / "donations.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    cols = [
        np.array([int(r[k]) for r in rows]) for k in ("frequency", "recency", "periods", "weights")
    ]
    return cols[0], cols[1], cols[2], cols[3]


@st.composite
def histories(draw: st.DrawFn) -> tuple[int, int, int]:
    n = draw(st.integers(1, 15))
    tx = draw(st.integers(0, n))
    x = 0 if tx == 0 else draw(st.integers(1, tx))
    return x, tx, n


# ----------------------------------------------------------------- plain-Python reference
def lbeta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def ref_lik(a: float, b: float, g: float, d: float, x: int, tx: int, n: int) -> float:
    total = math.exp(lbeta(a + x, b + n - x) - lbeta(a, b) + lbeta(g, d + n) - lbeta(g, d))
    for i in range(n - tx):
        total += math.exp(
            lbeta(a + x, b + tx - x + i) - lbeta(a, b) + lbeta(g + 1, d + tx + i) - lbeta(g, d)
        )
    return total


def ref_alive_at(g: float, d: float, t: int) -> float:
    return math.exp(lbeta(g, d + t) - lbeta(g, d))


def ref_expected(a: float, b: float, g: float, d: float, t: int, x: int, tx: int, n: int) -> float:
    lik = ref_lik(a, b, g, d, x, tx, n)
    p_part = math.exp(lbeta(a + x + 1, b + n - x) - lbeta(a, b))
    return p_part * sum(ref_alive_at(g, d, k) for k in range(n + 1, n + t + 1)) / lik


def ref_pmf(a: float, b: float, g: float, d: float, x: int, n: int) -> float:
    if x > n:
        return 0.0
    total = math.comb(n, x) * math.exp(
        lbeta(a + x, b + n - x) - lbeta(a, b) + lbeta(g, d + n) - lbeta(g, d)
    )
    for i in range(x, n):
        total += math.comb(i, x) * math.exp(
            lbeta(a + x, b + i - x) - lbeta(a, b) + lbeta(g + 1, d + i) - lbeta(g, d)
        )
    return total


# ----------------------------------------------------------------- published numbers
def test_fader_hardie_shang_donations_fit() -> None:
    x, tx, n, w = _donations()
    m = BetaGeoBetaBinom.fit(frequency=x, recency=tx, T=n, weights=w)
    assert (round(m.alpha, 3), round(m.beta, 3), round(m.gamma, 3), round(m.delta, 3)) == (
        1.204,
        0.750,
        0.657,
        2.783,
    )
    rep = m.fit_report
    assert rep is not None
    assert round(rep.log_likelihood, 1) == -33225.6
    assert rep.n == 11104
    assert rep.n_rows == 22
    assert rep.converged
    assert set(rep.standard_errors) == {"alpha", "beta", "gamma", "delta"}
    assert round(float(PUBLISHED.log_likelihood(frequency=x, recency=tx, T=n) @ w), 0) == -33226


def test_published_model_reproduces_the_frequency_histogram() -> None:
    # FHS (2010) figure 3: the fitted P(X(6) = x) tracks the observed shares closely
    x, _, _, w = _donations()
    observed = np.bincount(x, weights=w) / w.sum()
    fitted = PUBLISHED.probability_of_purchases(n=np.arange(7), t=6)
    assert np.max(np.abs(fitted - observed)) < 0.01
    assert float(fitted @ np.arange(7)) == pytest.approx(float(observed @ np.arange(7)), abs=0.01)


@pytest.mark.slow
def test_collapsed_equals_uncollapsed_fit() -> None:
    x, tx, _, w = _donations()
    a = BetaGeoBetaBinom.fit(frequency=x, recency=tx, T=6, weights=w)
    xr, txr = np.repeat(x, w), np.repeat(tx, w)
    perm = np.random.default_rng(0).permutation(xr.size)
    b = BetaGeoBetaBinom.fit(frequency=xr[perm], recency=txr[perm], T=6, collapse=False)
    c = BetaGeoBetaBinom.fit(frequency=xr[perm], recency=txr[perm], T=6)
    for m in (b, c):
        for name in a.PARAMETER_NAMES:
            assert getattr(m, name) == pytest.approx(getattr(a, name), rel=1e-5)
        assert m.fit_report is not None
        assert a.fit_report is not None
        assert m.fit_report.log_likelihood == pytest.approx(a.fit_report.log_likelihood, rel=1e-10)
    assert c.fit_report is not None
    assert c.fit_report.n_rows == 22


@pytest.mark.slow
def test_fit_recovers_simulated_parameters() -> None:
    truth = BetaGeoBetaBinom(alpha=1.2, beta=0.75, gamma=0.66, delta=2.8)
    x, tx, n = truth.simulate(n_customers=30_000, T=8, rng=np.random.default_rng(5))
    m = BetaGeoBetaBinom.fit(frequency=x, recency=tx, T=n)
    assert m.fit_report is not None
    se = m.fit_report.standard_errors
    for name in truth.PARAMETER_NAMES:
        assert abs(getattr(m, name) - getattr(truth, name)) < 4 * se[name], name


def test_simulation_matches_pmf_and_is_reproducible() -> None:
    m = PUBLISHED
    x, tx, n = m.simulate(n_customers=20_000, T=6, rng=np.random.default_rng(1))
    x2, _, _ = m.simulate(n_customers=20_000, T=6, rng=np.random.default_rng(1))
    assert np.array_equal(x, x2)
    assert np.all((x <= tx) & (tx <= n) & ((x == 0) == (tx == 0)))
    shares = np.bincount(x, minlength=7) / x.size
    np.testing.assert_allclose(shares, m.probability_of_purchases(n=np.arange(7), t=6), atol=0.015)
    per_customer = m.simulate(n_customers=5, T=[1, 2, 3, 4, 5], rng=np.random.default_rng(2))
    assert np.all(per_customer[1] <= np.arange(1, 6))


# ----------------------------------------------------------------- properties
@given(positive, positive, positive, positive, st.lists(histories(), min_size=1, max_size=6))
def test_loglik_matches_scalar_reference(
    a: float, b: float, g: float, d: float, rows: list[tuple[int, int, int]]
) -> None:
    m = BetaGeoBetaBinom(alpha=a, beta=b, gamma=g, delta=d)
    x, tx, n = (np.array(c) for c in zip(*rows, strict=True))
    expected = [math.log(ref_lik(a, b, g, d, *r)) for r in rows]
    np.testing.assert_allclose(
        m.log_likelihood(frequency=x, recency=tx, T=n), expected, rtol=1e-9, atol=1e-10
    )


@given(positive, positive, positive, positive)
def test_analytic_gradient_matches_finite_differences(
    a: float, b: float, g: float, d: float
) -> None:
    x = np.array([0, 1, 2, 5, 3, 7])
    tx = np.array([0, 1, 4, 6, 8, 10])
    n = np.array([6, 6, 6, 6, 9, 12])
    theta = np.array([a, b, g, d])
    _, grad = _loglik((a, b, g, d), x, tx, n, grad=True)
    assert grad is not None
    total = grad.sum(axis=1)
    for i in range(4):
        h = 1e-6 * theta[i]
        up, down = theta.copy(), theta.copy()
        up[i] += h
        down[i] -= h
        hi = _loglik((up[0], up[1], up[2], up[3]), x, tx, n, grad=False)[0].sum()
        lo = _loglik((down[0], down[1], down[2], down[3]), x, tx, n, grad=False)[0].sum()
        assert total[i] == pytest.approx((hi - lo) / (2 * h), rel=1e-5, abs=1e-6)


@given(positive, positive, positive, positive, histories(), st.integers(0, 12))
def test_expected_purchases_and_alive_match_reference(
    a: float, b: float, g: float, d: float, hist: tuple[int, int, int], t: int
) -> None:
    m = BetaGeoBetaBinom(alpha=a, beta=b, gamma=g, delta=d)
    x, tx, n = hist
    got = float(m.expected_purchases(t=t, frequency=x, recency=tx, T=n))
    assert got == pytest.approx(ref_expected(a, b, g, d, t, x, tx, n), rel=1e-8, abs=1e-14)
    alive = m.probability_alive_at(t=np.arange(6), frequency=x, recency=tx, T=n)
    assert np.all((alive >= 0) & (alive <= 1))
    assert np.all(np.diff(alive) <= 1e-15)
    ref_alive = math.exp(
        lbeta(a + x, b + n - x) - lbeta(a, b) + lbeta(g, d + n + 1) - lbeta(g, d)
    ) / ref_lik(a, b, g, d, x, tx, n)
    # FHS eq. 11, P(alive in period n + 1)
    assert float(m.probability_alive_at(t=1, frequency=x, recency=tx, T=n)) == pytest.approx(
        ref_alive, rel=1e-9
    )
    # probability_alive is alive at T, as in the other models
    assert float(m.probability_alive_at(t=0, frequency=x, recency=tx, T=n)) == float(
        m.probability_alive(frequency=x, recency=tx, T=n)
    )
    e = m.expected_purchases(t=np.arange(8), frequency=x, recency=tx, T=n)
    assert e[0] == 0.0
    assert np.all(np.diff(e) > 0)  # more opportunities, more expected transactions


@given(positive, positive, positive, positive, st.integers(0, 12))
def test_pmf_matches_reference_sums_to_one_and_gives_the_mean(
    a: float, b: float, g: float, d: float, n: int
) -> None:
    m = BetaGeoBetaBinom(alpha=a, beta=b, gamma=g, delta=d)
    xs = np.arange(n + 3)
    pmf = m.probability_of_purchases(n=xs, t=n)
    np.testing.assert_allclose(
        pmf, [ref_pmf(a, b, g, d, int(k), n) for k in xs], rtol=1e-9, atol=1e-15
    )
    assert pmf[n + 1 :].tolist() == [0.0, 0.0]
    assert float(pmf.sum()) == pytest.approx(1.0, rel=1e-9)
    assert float(pmf @ xs) == pytest.approx(float(m.expected_purchases_new(n)), rel=1e-8, abs=1e-14)
    # a new customer is "frequency 0 at n = 0": E[X(n)] from the conditional formula agrees
    if n > 0:
        manual = a / (a + b) * sum(ref_alive_at(g, d, k) for k in range(1, n + 1))
        assert float(m.expected_purchases_new(n)) == pytest.approx(manual, rel=1e-9)


def test_gamma_equal_to_one_is_continuous() -> None:
    at_one = BetaGeoBetaBinom(alpha=1.0, beta=2.0, gamma=1.0, delta=3.0)
    near = BetaGeoBetaBinom(alpha=1.0, beta=2.0, gamma=1.0 + 1e-4, delta=3.0)
    args = (np.array([0, 3, 10]), np.array([0, 3, 5]), np.array([0, 4, 6]))
    np.testing.assert_allclose(
        at_one.expected_purchases(t=args[0], frequency=args[1], recency=args[2], T=6),
        near.expected_purchases(t=args[0], frequency=args[1], recency=args[2], T=6),
        rtol=1e-3,
    )
    np.testing.assert_allclose(
        at_one.expected_purchases_new([1, 5, 40]),
        near.expected_purchases_new([1, 5, 40]),
        rtol=1e-3,
    )
    ref = [1 / 3 * sum(ref_alive_at(1.0, 3.0, k) for k in range(1, t + 1)) for t in (1, 5, 40)]
    np.testing.assert_allclose(at_one.expected_purchases_new([1, 5, 40]), ref, rtol=1e-12)


def test_predictions_broadcast_and_are_permutation_equivariant() -> None:
    x, tx, n, _ = _donations()
    e = PUBLISHED.expected_purchases(t=5, frequency=x, recency=tx, T=n)
    perm = np.random.default_rng(3).permutation(x.size)
    np.testing.assert_array_equal(
        PUBLISHED.expected_purchases(t=5, frequency=x[perm], recency=tx[perm], T=n[perm]), e[perm]
    )
    grid = PUBLISHED.expected_purchases(t=np.arange(1, 4)[:, None], frequency=x, recency=tx, T=6)
    assert grid.shape == (3, x.size)
    np.testing.assert_allclose(
        grid[-1], PUBLISHED.expected_purchases(t=3, frequency=x, recency=tx, T=n)
    )
    assert PUBLISHED.log_likelihood(
        frequency=x.reshape(2, 11), recency=tx.reshape(2, 11), T=6
    ).shape == (2, 11)


# ----------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("x", "tx", "n", "error", "match"),
    [
        ([1, 2], [1, 7], 6, InvalidParameterError, "'recency' must be <= T"),
        ([3, 1], [2, 1], 6, InvalidParameterError, "'frequency' must be <= recency"),
        ([-1, 1], [0, 1], 6, InvalidParameterError, "'frequency' must be >= 0"),
        ([0, 1], [2, 1], 6, InvalidParameterError, "'recency' must be 0 when frequency is 0"),
        ([0, 1], [0, 1], 0, InvalidParameterError, "'T' must be >= 1"),
        ([], [], 6, InvalidParameterError, "must not be empty"),
        ([0, 1], [0], 6, ShapeMismatchError, "same length"),
        ([0, 1], [0, 1], [6, 6, 6], ShapeMismatchError, "same length"),
        ([0.5, 1], [0, 1], 6, InvalidParameterError, "'frequency' must be a whole number"),
    ],
)
def test_bad_fit_input(
    x: list[float], tx: list[int], n: object, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        BetaGeoBetaBinom.fit(frequency=x, recency=tx, T=n)  # type: ignore[arg-type]


def test_bad_weights_parameters_and_arguments() -> None:
    with pytest.raises(InvalidParameterError, match="'weights' must be >= 0"):
        BetaGeoBetaBinom.fit(frequency=[0, 1], recency=[0, 1], T=6, weights=[1, -1])
    with pytest.raises(InvalidParameterError, match="'delta' must be > 0"):
        BetaGeoBetaBinom(alpha=1, beta=1, gamma=1, delta=0)
    with pytest.raises(InvalidParameterError, match="'t' must be >= 0"):
        PUBLISHED.expected_purchases(t=-1, frequency=1, recency=1, T=6)
    with pytest.raises(InvalidParameterError, match="'t' must be a whole number"):
        PUBLISHED.expected_purchases(t=1.5, frequency=1, recency=1, T=6)
    with pytest.raises(InvalidParameterError, match="'t' must be >= 0"):
        PUBLISHED.probability_alive_at(t=-1, frequency=1, recency=1, T=6)
    with pytest.raises(KamcoreError, match="'rng' must be"):
        PUBLISHED.simulate(n_customers=3, T=6, rng=np.random.RandomState(0))  # type: ignore[arg-type]
    with pytest.raises(ShapeMismatchError):
        PUBLISHED.simulate(n_customers=3, T=[6, 6], rng=np.random.default_rng(0))
    with pytest.raises(InvalidParameterError, match="'method' must be one of"):
        BetaGeoBetaBinom.fit(frequency=[0, 1], recency=[0, 1], T=6, method="nelder")


@pytest.mark.parametrize("g", [0.9, 0.99, 0.99999, 1.0, 1.00001, 1.01, 1.1])
@pytest.mark.parametrize("d", [0.657, 8.0])
def test_expected_purchases_new_is_accurate_near_gamma_one(g: float, d: float) -> None:
    # found by hypothesis: the closed form's (1 - R)/(gamma - 1) lost digits at gamma = 0.99999
    m = BetaGeoBetaBinom(alpha=1.0, beta=1.0, gamma=g, delta=d)
    for n in (1, 6, 40):
        manual = 0.5 * math.fsum(ref_alive_at(g, d, k) for k in range(1, n + 1))
        assert float(m.expected_purchases_new(n)) == pytest.approx(manual, rel=1e-11)
