"""Tests for the MBG/NBD model (kamcore.clp._btyd.modified_betageo)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate

from kamcore.clp import BetaGeo, ModifiedBetaGeo
from kamcore.errors import ConvergenceError, InvalidParameterError, ShapeMismatchError
from tests.conftest import DATA

MODEL = ModifiedBetaGeo(r=0.525, alpha=6.183, a=0.891, b=1.614)


@pytest.fixture(scope="module")
def cdnow():
    d = np.loadtxt(DATA / "cdnow_customers_summary.csv", delimiter=",", skiprows=1)
    return d[:, 1].astype(np.int64), d[:, 2], d[:, 3]


def lbeta(p, q):
    return math.lgamma(p) + math.lgamma(q) - math.lgamma(p + q)


def ref_loglik(r, alpha, a, b, x, tx, T):
    g = math.lgamma(r + x) - math.lgamma(r) + r * math.log(alpha)
    t1 = math.exp(g + lbeta(a, b + x + 1) - lbeta(a, b) - (r + x) * math.log(alpha + T))
    t2 = math.exp(g + lbeta(a + 1, b + x) - lbeta(a, b) - (r + x) * math.log(alpha + tx))
    return math.log(t1 + t2)


def ref_p_alive(r, alpha, a, b, x, tx, T):
    return 1.0 / (1.0 + a / (b + x) * ((alpha + T) / (alpha + tx)) ** (r + x))


def ref_beta_count(a, B, R, D, t):
    def g(p):
        return R * t / D if p <= 0.0 else -math.expm1(-R * math.log1p(p * t / D)) / p

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        val, _ = integrate.quad(
            g, 0.0, 1.0, weight="alg", wvar=(a - 1.0, B - 1.0), limit=200, epsabs=0.0, epsrel=1e-11
        )
    return val * math.exp(-lbeta(a, B))


def ref_pmf(r, alpha, a, b, n, t):
    q = t / (alpha + t)

    def nb(j):
        return math.exp(
            math.lgamma(r + j)
            - math.lgamma(r)
            - math.lgamma(j + 1)
            + r * math.log(1 - q)
            + j * math.log(q)
        )

    tail = 1.0 - sum(nb(j) for j in range(n))  # P(N >= n)
    return (
        math.exp(lbeta(a, b + n + 1) - lbeta(a, b)) * nb(n)
        + math.exp(lbeta(a + 1, b + n) - lbeta(a, b)) * tail
    )


params = st.tuples(
    st.floats(0.05, 5.0), st.floats(0.5, 50.0), st.floats(0.1, 5.0), st.floats(0.1, 8.0)
)


@st.composite
def histories(draw):
    T = draw(st.floats(0.5, 100.0))
    x = draw(st.integers(0, 60))
    tx = 0.0 if x == 0 else draw(st.floats(1e-9, 1.0)) * T
    return x, tx, T


@given(params, histories())
def test_log_likelihood_matches_reference(par, hist):
    assert float(
        ModifiedBetaGeo(*par).log_likelihood(
            **dict(zip(("frequency", "recency", "T"), hist, strict=True))
        )
    ) == pytest.approx(ref_loglik(*par, *hist), rel=1e-9, abs=1e-9)


@given(params, histories())
def test_probability_alive_matches_reference(par, hist):
    got = float(
        ModifiedBetaGeo(*par).probability_alive(
            **dict(zip(("frequency", "recency", "T"), hist, strict=True))
        )
    )
    assert 0.0 <= got <= 1.0
    assert got == pytest.approx(ref_p_alive(*par, *hist), rel=1e-9, abs=1e-12)


@given(params, histories(), st.floats(0.0, 100.0))
def test_expected_purchases_matches_quadrature(par, hist, t):
    r, alpha, a, b = par
    x, _tx, T = hist
    ref = ref_p_alive(*par, *hist) * ref_beta_count(a, b + x + 1, r + x, alpha + T, t)
    assert float(
        ModifiedBetaGeo(*par).expected_purchases(
            t=t, **dict(zip(("frequency", "recency", "T"), hist, strict=True))
        )
    ) == pytest.approx(ref, rel=1e-6, abs=1e-10)


@given(params, st.floats(0.0, 80.0))
def test_expected_new_matches_quadrature(par, t):
    r, alpha, a, b = par
    ref = b / (a + b) * ref_beta_count(a, b + 1, r, alpha, t)
    assert float(ModifiedBetaGeo(*par).expected_purchases_new(t)) == pytest.approx(
        ref, rel=1e-6, abs=1e-10
    )


@given(params, st.integers(0, 15), st.floats(0.01, 80.0))
def test_pmf_matches_reference(par, n, t):
    got = float(ModifiedBetaGeo(*par).probability_of_purchases(n=n, t=t))
    assert got == pytest.approx(ref_pmf(*par, n, t), rel=1e-8, abs=1e-13)


@given(params, st.floats(0.1, 60.0))
def test_pmf_sums_to_one_and_mean_matches(par, t):
    m = ModifiedBetaGeo(*par)
    n = np.arange(0, 3000)
    p = m.probability_of_purchases(n=n, t=t)
    assert np.all(p >= 0)
    assert p.sum() == pytest.approx(1.0, abs=1e-6)
    assert (n * p).sum() == pytest.approx(float(m.expected_purchases_new(t)), rel=1e-4, abs=1e-8)


@given(params, st.lists(st.floats(0.0, 200.0), min_size=2, max_size=8))
def test_expected_new_increases_with_t(par, ts):
    e = ModifiedBetaGeo(*par).expected_purchases_new(np.sort(ts))
    assert np.all(np.diff(e) >= -1e-12 * np.maximum(e[1:], 1.0))


def test_zero_repeat_customers_may_be_dead_unlike_bgnbd():
    assert float(MODEL.probability_alive(frequency=0, recency=0.0, T=38.86)) < 1.0
    assert (
        float(
            BetaGeo(0.243, 4.414, 0.793, 2.426).probability_alive(frequency=0, recency=0.0, T=38.86)
        )
        == 1.0
    )


def test_heavy_customer_is_finite():
    v = MODEL.log_likelihood(frequency=5000, recency=1990.0, T=2000.0)
    assert np.isfinite(v)
    e = MODEL.expected_purchases(t=52.0, frequency=[5000, 5000], recency=[1990.0, 2000.0], T=2000.0)
    assert np.all(np.isfinite(e))
    assert e[1] > e[0] > 0


@pytest.mark.slow
def test_cdnow_collapsed_fit_equals_uncollapsed(cdnow):
    a = ModifiedBetaGeo.fit(**dict(zip(("frequency", "recency", "T"), cdnow, strict=True)))
    b = ModifiedBetaGeo.fit(
        **dict(zip(("frequency", "recency", "T"), cdnow, strict=True)), collapse=False
    )
    assert a.fit_report.converged
    assert a.fit_report.n_rows < b.fit_report.n_rows == 2357
    for name in ("r", "alpha", "a", "b"):
        assert getattr(a, name) == pytest.approx(getattr(b, name), rel=1e-5)
    assert a.fit_report.log_likelihood == pytest.approx(b.fit_report.log_likelihood, abs=1e-6)
    assert a.fit_report.log_likelihood == pytest.approx(
        float(
            a.log_likelihood(**dict(zip(("frequency", "recency", "T"), cdnow, strict=True))).sum()
        ),
        abs=1e-8,
    )


@pytest.mark.slow
def test_fit_recovers_simulated_parameters():
    truth = ModifiedBetaGeo(r=0.6, alpha=5.0, a=1.2, b=3.0)
    rng = np.random.default_rng(11)
    x, tx, T = truth.simulate(n_customers=30_000, T=rng.uniform(20.0, 60.0, 30_000), rng=rng)
    m = ModifiedBetaGeo.fit(frequency=x, recency=tx, T=T)
    for name in ("r", "alpha", "a", "b"):
        assert (
            abs(getattr(m, name) - getattr(truth, name)) < 4 * m.fit_report.standard_errors[name]
        ), name


def test_bad_inputs():
    with pytest.raises(InvalidParameterError, match="'b' must be > 0"):
        ModifiedBetaGeo(0.5, 5.0, 1.0, -2.0)
    with pytest.raises(InvalidParameterError, match="'recency' must be <= T"):
        ModifiedBetaGeo.fit(frequency=[1], recency=[3.0], T=[2.0])
    with pytest.raises(InvalidParameterError, match="must not be empty"):
        ModifiedBetaGeo.fit(frequency=[], recency=[], T=[])
    with pytest.raises(ShapeMismatchError):
        ModifiedBetaGeo.fit(frequency=[1, 2], recency=[1.0], T=[3.0, 3.0])
    with pytest.raises(InvalidParameterError, match="'frequency' must be >= 0"):
        MODEL.log_likelihood(frequency=-1, recency=0.0, T=3.0)
    with pytest.raises(ConvergenceError):
        ModifiedBetaGeo.fit(frequency=[0, 0, 0], recency=[0.0, 0.0, 0.0], T=[4.0, 5.0, 6.0])


def test_fit_report_excluded_from_equality():
    x, tx, T = MODEL.simulate(n_customers=3000, T=39.0, rng=np.random.default_rng(1))
    m = ModifiedBetaGeo.fit(frequency=x, recency=tx, T=T)
    assert m == ModifiedBetaGeo(m.r, m.alpha, m.a, m.b)
    assert m.fit_report is not None
    assert "fit_report" not in repr(m)
