"""Delta-method prediction intervals: shape, limits and coverage of the true value."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from kamcore.clp import (
    BetaGeo,
    BetaGeoBetaBinom,
    GammaGamma,
    ParetoNBD,
    PredictionInterval,
    customer_lifetime_profit,
    customer_lifetime_profit_interval,
)
from kamcore.errors import InvalidParameterError

TRUTH = BetaGeo(r=0.5, alpha=5.0, a=0.8, b=2.5)
HIST: dict[str, Any] = {"frequency": [2, 5, 1], "recency": [30.0, 20.0, 5.0], "T": 39.0}
CLP_KW: dict[str, Any] = {
    "spend": 50.0,
    "margin_rate": 0.3,
    "discount_rate": 0.002,
    "n_periods": 26,
}
REPS = 40
N_CUSTOMERS = 600


def _coverage(level: float) -> tuple[np.ndarray, int]:
    """Count, per quantity, the replications whose interval covers the true value."""
    true_e = TRUTH.expected_purchases(t=10.0, **HIST)
    true_p = TRUTH.probability_alive(**HIST)
    true_c = customer_lifetime_profit(TRUTH, **HIST, **CLP_KW).clp
    hits = np.zeros(9, dtype=int)
    for rep in range(REPS):
        rng = np.random.default_rng(1000 + rep)
        x, tx, T = TRUTH.simulate(n_customers=N_CUSTOMERS, T=39.0, rng=rng)
        m = BetaGeo.fit(frequency=x, recency=tx, T=T)
        e = m.expected_purchases_interval(t=10.0, level=level, **HIST)
        p = m.probability_alive_interval(level=level, **HIST)
        c = customer_lifetime_profit_interval(m, level=level, **HIST, **CLP_KW)
        covered = [
            (iv.lower <= truth) & (truth <= iv.upper)
            for iv, truth in ((e, true_e), (p, true_p), (c, true_c))
        ]
        hits += np.concatenate(covered).astype(int)
    return hits, REPS


@pytest.mark.parametrize("level", [0.5, 0.9])
def test_intervals_cover_the_true_value_at_the_nominal_rate(level: float) -> None:
    hits, reps = _coverage(level)
    # Each count is Binomial(reps, level) if the intervals are right; accept within
    # 3.5 binomial standard deviations (a false alarm about 1 in 2,000 per count).
    sd = np.sqrt(reps * level * (1.0 - level))
    low, high = reps * level - 3.5 * sd, reps * level + 3.5 * sd
    assert np.all(hits >= low), (hits, low)
    assert np.all(hits <= high), (hits, high)


@pytest.fixture(scope="module")
def fitted() -> BetaGeo:
    x, tx, T = TRUTH.simulate(n_customers=1500, T=39.0, rng=np.random.default_rng(2))
    return BetaGeo.fit(frequency=x, recency=tx, T=T)


def test_interval_structure(fitted: BetaGeo) -> None:
    iv = fitted.expected_purchases_interval(t=[[5.0], [10.0]], level=0.8, **HIST)
    assert isinstance(iv, PredictionInterval)
    assert iv.estimate.shape == (2, 3)
    assert iv.lower.shape == (2, 3)
    np.testing.assert_array_equal(iv.estimate, fitted.expected_purchases(t=[[5.0], [10.0]], **HIST))
    assert np.all((iv.lower < iv.estimate) & (iv.estimate < iv.upper))
    assert np.all(iv.lower > 0)
    point, lo, hi = iv
    assert point is iv.estimate
    assert lo is iv.lower
    assert hi is iv.upper
    wider = fitted.expected_purchases_interval(t=[[5.0], [10.0]], level=0.95, **HIST)
    assert np.all(wider.lower < iv.lower)
    assert np.all(wider.upper > iv.upper)
    with pytest.raises(ValueError, match="read-only"):
        iv.lower[0, 0] = 1.0


def test_probability_alive_interval_limits(fitted: BetaGeo) -> None:
    iv = fitted.probability_alive_interval(frequency=[0, 3], recency=[0.0, 10.0], T=39.0)
    assert iv.estimate[0] == 1.0
    assert iv.lower[0] == 1.0
    assert iv.upper[0] == 1.0
    assert 0.0 < iv.lower[1] < iv.estimate[1] < iv.upper[1] < 1.0


def test_standard_error_matches_an_explicit_gradient(fitted: BetaGeo) -> None:
    """se^2 = g' Sigma g with g by a larger-step central difference, independent code."""
    rep = fitted.fit_report
    assert rep is not None
    cov = rep.covariance
    g = []
    for name in fitted.PARAMETER_NAMES:
        v = getattr(fitted, name)
        h = 1e-4 * v
        hi = fitted.__class__(**(fitted.params | {name: v + h}))
        lo = fitted.__class__(**(fitted.params | {name: v - h}))
        g.append(
            (hi.expected_purchases(t=10.0, **HIST) - lo.expected_purchases(t=10.0, **HIST))
            / (2 * h)
        )
    grad = np.array(g)
    expected = np.sqrt(np.einsum("ic,ij,jc->c", grad, cov, grad))
    got = fitted.expected_purchases_interval(t=10.0, **HIST).standard_error
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_identical_histories_share_results(fitted: BetaGeo) -> None:
    a = fitted.probability_alive_interval(frequency=[2, 2, 5], recency=[30.0, 30.0, 20.0], T=39.0)
    assert a.lower[0] == a.lower[1]
    assert a.upper[0] == a.upper[1]


def test_given_parameters_refused() -> None:
    with pytest.raises(InvalidParameterError, match="fitted model"):
        TRUTH.probability_alive_interval(**HIST)
    with pytest.raises(InvalidParameterError, match="fitted model"):
        customer_lifetime_profit_interval(TRUTH, **HIST, **CLP_KW)


def test_bad_level(fitted: BetaGeo) -> None:
    with pytest.raises(InvalidParameterError, match="'level'"):
        fitted.probability_alive_interval(level=1.0, **HIST)


def test_other_models_have_intervals() -> None:
    p = ParetoNBD(r=0.55, alpha=10.6, s=0.61, beta=11.7)
    x, tx, T = p.simulate(n_customers=800, T=39.0, rng=np.random.default_rng(4))
    pf = ParetoNBD.fit(frequency=x, recency=tx, T=T)
    iv = pf.expected_purchases_interval(t=10.0, **HIST)
    assert np.all((iv.lower < iv.estimate) & (iv.estimate < iv.upper))
    b = BetaGeoBetaBinom(alpha=1.2, beta=0.75, gamma=0.66, delta=2.8)
    bx, btx, bn = b.simulate(n_customers=1000, T=6, rng=np.random.default_rng(4))
    bf = BetaGeoBetaBinom.fit(frequency=bx, recency=btx, T=bn)
    piv = bf.probability_alive_interval(frequency=[3, 1], recency=[5, 2], T=6)
    assert np.all((piv.lower < piv.estimate) & (piv.estimate < piv.upper))


def test_clp_interval_adds_the_spend_model_variance(fitted: BetaGeo) -> None:
    gg = GammaGamma(p=6.25, q=3.74, gamma=15.44)
    rng = np.random.default_rng(9)
    freq = rng.integers(1, 6, 500)
    gf = GammaGamma.fit(frequency=freq, average_spend=gg.simulate(freq, rng=rng))
    kw: dict[str, Any] = {
        **HIST,
        "average_spend": [20.0, 35.0, 10.0],
        "margin_rate": 0.3,
        "discount_rate": 0.002,
        "n_periods": 26,
    }
    only_tx = customer_lifetime_profit_interval(fitted, spend_model=gg, **kw)
    both = customer_lifetime_profit_interval(fitted, spend_model=gf, **kw)
    assert np.all(both.standard_error > 0)
    # given spend parameters add no variance; fitted ones do
    same_point = customer_lifetime_profit_interval(fitted, spend_model=gf, **kw)
    np.testing.assert_array_equal(same_point.estimate, both.estimate)
    ratio = both.standard_error / both.estimate
    assert np.all(ratio > 0)
    assert only_tx.standard_error.shape == (3,)
