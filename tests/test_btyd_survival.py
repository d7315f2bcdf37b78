"""P(alive at T + t) for BG/NBD, MBG/NBD and Pareto/NBD against quadrature references."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate, stats

from kamcore.clp import BetaGeo, ModifiedBetaGeo, ParetoNBD, customer_lifetime_profit
from kamcore.errors import InvalidParameterError

params = st.tuples(
    st.floats(0.1, 3.0), st.floats(0.5, 20.0), st.floats(0.2, 3.0), st.floats(0.5, 5.0)
)


@st.composite
def histories(draw):
    T = draw(st.floats(1.0, 100.0))
    x = draw(st.integers(0, 40))
    tx = 0.0 if x == 0 else draw(st.floats(1e-9, T))
    t = draw(st.floats(0.0, 500.0))
    return t, x, tx, T


def beta_reference(model, extra, t, x, tx, T):
    """P(alive at T) x integral over p ~ Beta(a, b + x + extra) of ((alpha+T)/(alpha+T+pt))^(r+x)."""
    r, alpha, a, b = model.r, model.alpha, model.a, model.b

    def integrand(p):
        return stats.beta.pdf(p, a, b + x + extra) * math.exp(
            -(r + x) * math.log1p(p * t / (alpha + T))
        )

    value, _ = integrate.quad(integrand, 0.0, 1.0, limit=200, epsabs=1e-13)
    return float(model.probability_alive(frequency=x, recency=tx, T=T)) * value


@given(p=params, h=histories())
def test_bgnbd_survival_matches_quadrature(p, h):
    m = BetaGeo(*p)
    assert float(
        m.probability_alive_at(**dict(zip(("t", "frequency", "recency", "T"), h, strict=True)))
    ) == pytest.approx(beta_reference(m, 0, *h), rel=1e-6, abs=1e-10)


@given(p=params, h=histories())
def test_mbgnbd_survival_matches_quadrature(p, h):
    m = ModifiedBetaGeo(*p)
    assert float(
        m.probability_alive_at(**dict(zip(("t", "frequency", "recency", "T"), h, strict=True)))
    ) == pytest.approx(beta_reference(m, 1, *h), rel=1e-6, abs=1e-10)


@given(p=params, h=histories())
def test_pareto_survival_matches_quadrature(p, h):
    m = ParetoNBD(*p)
    t, x, tx, T = h
    gamma = stats.gamma(a=m.s, scale=1.0 / (m.beta + T))
    later, _ = integrate.quad(lambda mu: gamma.pdf(mu) * math.exp(-mu * t), 0.0, np.inf, limit=200)
    expected = float(m.probability_alive(frequency=x, recency=tx, T=T)) * later
    assert float(
        m.probability_alive_at(**dict(zip(("t", "frequency", "recency", "T"), h, strict=True)))
    ) == pytest.approx(expected, rel=1e-6, abs=1e-10)


@pytest.mark.parametrize(
    "model",
    [
        BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426),
        ModifiedBetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426),
        ParetoNBD(r=0.553, alpha=10.578, s=0.606, beta=11.669),
    ],
)
def test_survival_starts_at_p_alive_and_decreases(model):
    t = np.array([0.0, 1.0, 10.0, 100.0, 1e4, 1e7])
    x = np.array([0, 1, 2, 7, 30])[:, None]
    tx = np.array([0.0, 5.0, 30.43, 35.0, 38.0])[:, None]
    s = model.probability_alive_at(t=t, frequency=x, recency=tx, T=38.86)
    assert s.shape == (5, 6)
    np.testing.assert_allclose(
        s[:, 0], model.probability_alive(frequency=x[:, 0], recency=tx[:, 0], T=38.86), rtol=1e-12
    )
    assert np.all(np.diff(s, axis=1) <= 1e-15)
    assert np.all((s >= 0) & (s <= 1))
    # it keeps falling (slowly: the tail decays like t**-min(a, r + x) for BG/NBD)
    assert np.all(s[:, -1] < 0.5 * s[:, 1])


def test_negative_horizon_is_rejected():
    with pytest.raises(InvalidParameterError, match="'t' must be >= 0"):
        BetaGeo(r=1, alpha=1, a=1, b=1).probability_alive_at(
            t=-1.0, frequency=1, recency=1.0, T=2.0
        )


def test_clp_charges_the_cost_to_serve_while_alive_with_bgnbd():
    m = BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
    x, tx, T = np.array([0, 2, 7]), np.array([0.0, 30.43, 35.0]), np.array([38.86, 38.86, 38.86])
    d, H, cost = 0.01, 24, 5.0
    with_cost = customer_lifetime_profit(
        m,
        frequency=x,
        recency=tx,
        T=T,
        margin_rate=0.3,
        spend=np.full(3, 40.0),
        discount_rate=d,
        n_periods=H,
        cost_per_period=cost,
        period_length=4.0,
    )
    without = customer_lifetime_profit(
        m,
        frequency=x,
        recency=tx,
        T=T,
        margin_rate=0.3,
        spend=np.full(3, 40.0),
        discount_rate=d,
        n_periods=H,
        period_length=4.0,
    )
    # reference: the cost of period k is paid at its end while the customer is alive then
    expected_cost = sum(
        cost * m.probability_alive_at(t=4.0 * k, frequency=x, recency=tx, T=T) / (1 + d) ** k
        for k in range(1, H + 1)
    )
    np.testing.assert_allclose(without.clp - with_cost.clp, expected_cost, rtol=1e-9)
