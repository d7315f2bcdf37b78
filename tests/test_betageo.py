"""Tests for the BG/NBD model (kamcore.clp._btyd.betageo)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate

from kamcore import Portfolio
from kamcore.clp import BetaGeo
from kamcore.clp._btyd.betageo import beta_count_kernel
from kamcore.errors import (
    ConvergenceError,
    InvalidParameterError,
    KamcoreError,
    ShapeMismatchError,
)
from tests.conftest import DATA

PUBLISHED = BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)


@pytest.fixture(scope="module")
def cdnow():
    d = np.loadtxt(DATA / "cdnow_customers_summary.csv", delimiter=",", skiprows=1)
    return d[:, 1].astype(np.int64), d[:, 2], d[:, 3]


@pytest.fixture(scope="module")
def cdnow_fit(cdnow):
    return BetaGeo.fit(**dict(zip(("frequency", "recency", "T"), cdnow, strict=True)))


# ----------------------------------------------------------------- plain-Python references


def ref_loglik(r, alpha, a, b, x, tx, T):
    lbeta = lambda p, q: math.lgamma(p) + math.lgamma(q) - math.lgamma(p + q)  # noqa: E731
    a1 = math.lgamma(r + x) - math.lgamma(r) + r * math.log(alpha)
    a2 = lbeta(a, b + x) - lbeta(a, b)
    a3 = -(r + x) * math.log(alpha + T)
    total = math.exp(a1 + a2 + a3)
    if x > 0:
        a4 = math.log(a) - math.log(b + x - 1) - (r + x) * math.log(alpha + tx)
        total += math.exp(a1 + a2 + a4)
    return math.log(total)


def ref_p_alive(r, alpha, a, b, x, tx, T):
    if x == 0:
        return 1.0
    return 1.0 / (1.0 + a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x))


def ref_beta_count(a, B, R, D, t):
    """E over p ~ Beta(a, B) of (1 - (D/(D+pt))^R)/p, by QUADPACK with the Beta weight."""
    lb = math.lgamma(a) + math.lgamma(B) - math.lgamma(a + B)

    def g(p):
        if p <= 0.0:
            return R * t / D
        return -math.expm1(-R * math.log1p(p * t / D)) / p

    with warnings.catch_warnings():  # accuracy is judged by the comparison itself
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        val, _ = integrate.quad(
            g, 0.0, 1.0, weight="alg", wvar=(a - 1.0, B - 1.0), limit=200, epsabs=0.0, epsrel=1e-11
        )
    return val * math.exp(-lb)


def ref_beta_count_heavy(a, B, R, D, t):
    """The same expectation for B in the thousands: substitute u = p^a, integrate to p = 60/B."""
    lb = math.lgamma(a) + math.lgamma(B) - math.lgamma(a + B)

    def integrand(u):
        p = u ** (1.0 / a)
        g = R * t / D if p == 0.0 else -math.expm1(-R * math.log1p(p * t / D)) / p
        return g * math.exp((B - 1.0) * math.log1p(-p) - lb) / a

    val, _ = integrate.quad(integrand, 0.0, (60.0 / B) ** a, limit=400, epsabs=0.0, epsrel=1e-10)
    return val


def ref_expected_conditional(r, alpha, a, b, t, x, tx, T):
    return ref_p_alive(r, alpha, a, b, x, tx, T) * ref_beta_count(a, b + x, r + x, alpha + T, t)


def ref_pmf(r, alpha, a, b, n, t):
    lbeta = lambda p, q: math.lgamma(p) + math.lgamma(q) - math.lgamma(p + q)  # noqa: E731
    q = t / (alpha + t)
    nb = lambda j: math.exp(  # noqa: E731
        math.lgamma(r + j)
        - math.lgamma(r)
        - math.lgamma(j + 1)
        + r * math.log(1 - q)
        + j * math.log(q)
    )
    out = math.exp(lbeta(a, b + n) - lbeta(a, b)) * nb(n)
    if n > 0:
        out += math.exp(lbeta(a + 1, b + n - 1) - lbeta(a, b)) * (
            1.0 - sum(nb(j) for j in range(n))
        )
    return out


params = st.tuples(
    st.floats(0.05, 5.0), st.floats(0.5, 50.0), st.floats(0.1, 5.0), st.floats(0.1, 8.0)
)


@st.composite
def histories(draw):
    T = draw(st.floats(0.5, 100.0))
    x = draw(st.integers(0, 60))
    tx = 0.0 if x == 0 else draw(st.floats(1e-9, 1.0)) * T
    return x, tx, T


# ----------------------------------------------------------------- published numbers


@pytest.mark.slow
def test_cdnow_fit_reproduces_published_estimates(cdnow_fit):
    m = cdnow_fit
    # Fader, Hardie & Lee (2005): r 0.243, alpha 4.414, a 0.793, b 2.426, LL -9582.4
    assert round(m.r, 3) == 0.243
    assert round(m.alpha, 3) == 4.414
    assert round(m.a, 3) == 0.793
    assert round(m.b, 3) == 2.426
    assert round(m.fit_report.log_likelihood, 1) == -9582.4
    assert m.fit_report.converged
    assert m.fit_report.n == 2357
    assert m.fit_report.n_rows < 2357
    assert set(m.fit_report.standard_errors) == {"r", "alpha", "a", "b"}
    assert all(0 < v < 1 for v in m.fit_report.standard_errors.values())


def test_published_worked_example():
    # FHL (2005): customer with x = 2, t_x = 30.43, T = 38.86 expects 1.226 purchases in 39 weeks
    assert (
        round(float(PUBLISHED.expected_purchases(t=39.0, frequency=2, recency=30.43, T=38.86)), 3)
        == 1.226
    )


def test_log_likelihood_sum_at_published_estimates(cdnow):
    assert round(
        float(
            PUBLISHED.log_likelihood(
                **dict(zip(("frequency", "recency", "T"), cdnow, strict=True))
            ).sum()
        ),
        1,
    ) == pytest.approx(-9582.4, abs=0.1)


@pytest.mark.slow
def test_collapsed_fit_equals_uncollapsed(cdnow, cdnow_fit):
    full = BetaGeo.fit(
        **dict(zip(("frequency", "recency", "T"), cdnow, strict=True)), collapse=False
    )
    assert full.fit_report.n_rows == 2357
    for name in ("r", "alpha", "a", "b"):
        assert getattr(full, name) == pytest.approx(getattr(cdnow_fit, name), rel=1e-5)
    assert full.fit_report.log_likelihood == pytest.approx(
        cdnow_fit.fit_report.log_likelihood, abs=1e-6
    )


def test_weights_equal_repeated_rows(cdnow):
    x, tx, T = (c[:600] for c in cdnow)
    w = np.random.default_rng(3).integers(1, 4, size=600)
    rep = np.repeat(np.arange(600), w)
    a = BetaGeo.fit(frequency=x, recency=tx, T=T, weights=w, collapse=False)
    b = BetaGeo.fit(frequency=x[rep], recency=tx[rep], T=T[rep], collapse=False)
    for name in ("r", "alpha", "a", "b"):
        assert getattr(a, name) == pytest.approx(getattr(b, name), rel=1e-4)
    assert a.fit_report.n == w.sum() == b.fit_report.n
    assert a.fit_report.log_likelihood == pytest.approx(b.fit_report.log_likelihood, abs=1e-6)


def test_fit_is_permutation_invariant(cdnow, cdnow_fit):
    perm = np.random.default_rng(0).permutation(len(cdnow[0]))
    m = BetaGeo.fit(
        **dict(zip(("frequency", "recency", "T"), (c[perm] for c in cdnow), strict=True))
    )
    assert m == cdnow_fit


def test_fit_accepts_portfolio_columns(cdnow, cdnow_fit):
    x, tx, T = cdnow
    p = Portfolio.from_columns(
        [f"c{i}" for i in range(x.size)], {"frequency": x, "recency": tx, "T": T}
    )
    m = BetaGeo.fit(frequency=p["frequency"], recency=p["recency"], T=p["T"])
    assert m == cdnow_fit


# ----------------------------------------------------------------- kernels vs references


@given(params, histories())
def test_log_likelihood_matches_scalar_reference(par, hist):
    m = BetaGeo(*par)
    got = float(m.log_likelihood(**dict(zip(("frequency", "recency", "T"), hist, strict=True))))
    assert got == pytest.approx(ref_loglik(*par, *hist), rel=1e-9, abs=1e-9)


@given(params, histories())
def test_probability_alive_matches_reference_and_is_a_probability(par, hist):
    m = BetaGeo(*par)
    got = float(m.probability_alive(**dict(zip(("frequency", "recency", "T"), hist, strict=True))))
    assert 0.0 <= got <= 1.0
    assert got == pytest.approx(ref_p_alive(*par, *hist), rel=1e-9, abs=1e-12)


@given(params, histories(), st.floats(0.0, 100.0))
def test_expected_purchases_matches_quadrature_reference(par, hist, t):
    m = BetaGeo(*par)
    got = float(
        m.expected_purchases(t=t, **dict(zip(("frequency", "recency", "T"), hist, strict=True)))
    )
    ref = ref_expected_conditional(*par, t, *hist)
    assert got == pytest.approx(ref, rel=1e-6, abs=1e-10)


@given(params, st.integers(0, 15), st.floats(0.01, 80.0))
def test_probability_of_purchases_matches_reference(par, n, t):
    m = BetaGeo(*par)
    assert float(m.probability_of_purchases(n=n, t=t)) == pytest.approx(
        ref_pmf(*par, n, t), rel=1e-8, abs=1e-13
    )


@given(params, st.floats(0.0, 60.0))
def test_expected_new_matches_quadrature(par, t):
    r, alpha, a, b = par
    got = float(BetaGeo(*par).expected_purchases_new(t))
    assert got == pytest.approx(ref_beta_count(a, b, r, alpha, t), rel=1e-6, abs=1e-10)


# ----------------------------------------------------------------- properties


@given(params, st.lists(st.floats(0.0, 200.0), min_size=2, max_size=10))
def test_expected_purchases_new_increases_with_t(par, ts):
    m = BetaGeo(*par)
    ts = np.sort(np.array(ts))
    e = m.expected_purchases_new(ts)
    assert np.all(np.diff(e) >= -1e-12 * np.maximum(e[1:], 1.0))
    assert float(m.expected_purchases_new(0.0)) == 0.0


@given(params, histories(), st.floats(0.0, 50.0), st.floats(0.0, 50.0))
def test_conditional_expectation_increases_with_t(par, hist, t1, t2):
    m = BetaGeo(*par)
    lo, hi = sorted((t1, t2))
    assert (
        float(
            m.expected_purchases(
                t=lo, **dict(zip(("frequency", "recency", "T"), hist, strict=True))
            )
        )
        <= float(
            m.expected_purchases(
                t=hi, **dict(zip(("frequency", "recency", "T"), hist, strict=True))
            )
        )
        * (1 + 1e-12)
        + 1e-15
    )


@given(params, st.floats(0.1, 60.0))
def test_pmf_sums_to_one_and_mean_matches(par, t):
    m = BetaGeo(*par)
    n = np.arange(0, 3000)
    p = m.probability_of_purchases(n=n, t=t)
    assert np.all(p >= 0)
    assert p.sum() == pytest.approx(1.0, abs=1e-6)
    assert (n * p).sum() == pytest.approx(float(m.expected_purchases_new(t)), rel=1e-4, abs=1e-8)


def test_vectorised_equals_elementwise_and_chunks(cdnow):
    x, tx, T = (c[:300] for c in cdnow)
    m = PUBLISHED
    whole = m.expected_purchases(t=20.0, frequency=x, recency=tx, T=T)
    parts = np.concatenate(
        [
            m.expected_purchases(
                t=20.0, frequency=x[i : i + 70], recency=tx[i : i + 70], T=T[i : i + 70]
            )
            for i in range(0, 300, 70)
        ]
    )
    np.testing.assert_array_equal(whole, parts)
    one = [
        float(m.expected_purchases(t=20.0, frequency=int(a), recency=float(b), T=float(c)))
        for a, b, c in zip(x[:20], tx[:20], T[:20], strict=True)
    ]
    np.testing.assert_allclose(whole[:20], one, rtol=1e-13)
    perm = np.random.default_rng(1).permutation(300)
    np.testing.assert_allclose(
        m.probability_alive(frequency=x[perm], recency=tx[perm], T=T[perm]),
        m.probability_alive(frequency=x, recency=tx, T=T)[perm],
    )


def test_broadcasting_shapes():
    m = PUBLISHED
    out = m.expected_purchases(
        t=np.array([[1.0], [10.0], [39.0]]), frequency=[0, 2], recency=[0.0, 30.43], T=38.86
    )
    assert out.shape == (3, 2)
    assert m.probability_of_purchases(n=np.arange(4)[:, None], t=[1.0, 2.0]).shape == (4, 2)


def test_kernel_is_continuous_through_a_equal_one():
    vals = [
        float(beta_count_kernel(a, 2.5, 0.7, 5.0, 30.0))
        for a in (1 - 2e-5, 1 - 1e-6, 1.0, 1 + 1e-6, 1 + 2e-5)
    ]
    assert np.all(np.isfinite(vals))
    np.testing.assert_allclose(vals, vals[2], rtol=1e-4)
    assert vals[2] == pytest.approx(ref_beta_count(1.0, 2.5, 0.7, 5.0, 30.0), rel=1e-7)


def test_heavy_long_lived_customer_is_finite():
    m = PUBLISHED
    for fn in (m.log_likelihood, m.probability_alive):
        v = fn(frequency=[5000, 5000], recency=[1990.0, 2000.0], T=2000.0)
        assert np.all(np.isfinite(v))
    e = m.expected_purchases(t=52.0, frequency=5000, recency=2000.0, T=2000.0)
    # essentially alive for sure, buying at about (r+x)/(alpha+T) per week
    r, alpha, a, b = 0.243, 4.414, 0.793, 2.426
    ref = ref_p_alive(r, alpha, a, b, 5000, 2000.0, 2000.0) * ref_beta_count_heavy(
        a, b + 5000, r + 5000, alpha + 2000.0, 52.0
    )
    assert float(e) == pytest.approx(ref, rel=1e-7)


@pytest.mark.slow
def test_fit_recovers_simulated_parameters():
    truth = BetaGeo(r=0.5, alpha=6.0, a=0.8, b=2.5)
    rng = np.random.default_rng(2024)
    T = rng.uniform(20.0, 60.0, size=30_000)
    x, tx, TT = truth.simulate(n_customers=30_000, T=T, rng=rng)
    assert np.all(tx <= TT)
    assert np.all(tx[x == 0] == 0)
    m = BetaGeo.fit(frequency=x, recency=tx, T=TT)
    se = m.fit_report.standard_errors
    for name in ("r", "alpha", "a", "b"):
        assert abs(getattr(m, name) - getattr(truth, name)) < 4 * se[name], name


def test_simulate_is_reproducible_and_validates():
    m = PUBLISHED
    a = m.simulate(n_customers=100, T=30.0, rng=np.random.default_rng(5))
    b = m.simulate(n_customers=100, T=30.0, rng=np.random.default_rng(5))
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    with pytest.raises(InvalidParameterError, match="'n_customers'"):
        m.simulate(n_customers=0, T=30.0, rng=np.random.default_rng(5))
    with pytest.raises(InvalidParameterError, match="'rng'"):
        m.simulate(n_customers=5, T=30.0, rng=5)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="'T'"):
        m.simulate(n_customers=5, T=[1.0, 2.0], rng=np.random.default_rng(5))


# ----------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"r": -1.0}, "'r' must be > 0; got -1.0"),
        ({"alpha": 0.0}, "'alpha' must be > 0; got 0.0"),
        ({"a": float("nan")}, "'a' must be finite"),
        ({"b": "2"}, "'b' must be a real number"),
    ],
)
def test_bad_parameters(kwargs, match):
    base = {"r": 0.2, "alpha": 4.0, "a": 0.8, "b": 2.4} | kwargs
    with pytest.raises(InvalidParameterError, match=match):
        BetaGeo(**base)


def test_bad_fit_inputs():
    with pytest.raises(InvalidParameterError, match="'frequency' must be >= 0"):
        BetaGeo.fit(frequency=[-1, 2], recency=[0.0, 1.0], T=[5.0, 5.0])
    with pytest.raises(InvalidParameterError, match="'recency' must be <= T"):
        BetaGeo.fit(frequency=[1, 2], recency=[6.0, 1.0], T=[5.0, 5.0])
    with pytest.raises(InvalidParameterError, match="must not be empty"):
        BetaGeo.fit(frequency=[], recency=[], T=[])
    with pytest.raises(ShapeMismatchError):
        BetaGeo.fit(frequency=[1, 2], recency=[1.0, 1.0], T=[5.0])
    with pytest.raises(InvalidParameterError, match="'weights'"):
        BetaGeo.fit(frequency=[1, 2], recency=[1.0, 1.0], T=[5.0, 5.0], weights=[1.0, -1.0])
    with pytest.raises(InvalidParameterError, match="'method'"):
        BetaGeo.fit(frequency=[1, 2], recency=[1.0, 1.0], T=[5.0, 5.0], method="newton")


def test_bad_prediction_inputs():
    with pytest.raises(InvalidParameterError, match="'t' must be >= 0"):
        PUBLISHED.expected_purchases_new(-1.0)
    with pytest.raises(InvalidParameterError, match="'n' must be a whole number"):
        PUBLISHED.probability_of_purchases(n=1.5, t=3.0)
    with pytest.raises(InvalidParameterError, match="'recency' must be 0 when frequency is 0"):
        PUBLISHED.probability_alive(frequency=0, recency=1.0, T=3.0)
    with pytest.raises(ShapeMismatchError):
        PUBLISHED.expected_purchases(t=[1.0, 2.0, 3.0], frequency=[0, 1], recency=[0.0, 1.0], T=3.0)


def test_fit_without_repeat_buying_raises_convergence_error():
    with pytest.raises(ConvergenceError) as info:
        BetaGeo.fit(frequency=[0, 0, 0, 0], recency=[0.0, 0.0, 0.0, 0.0], T=[5.0, 6.0, 7.0, 8.0])
    assert isinstance(info.value, KamcoreError)
    assert info.value.optimizer_message is not None


def test_fit_report_not_part_of_equality(cdnow_fit):
    hand = BetaGeo(cdnow_fit.r, cdnow_fit.alpha, cdnow_fit.a, cdnow_fit.b)
    assert hand.fit_report is None
    assert hand == cdnow_fit
    assert hash(hand) == hash(cdnow_fit)
    assert hand.params == {"r": hand.r, "alpha": hand.alpha, "a": hand.a, "b": hand.b}
