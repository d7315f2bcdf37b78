"""Conditional count distribution given a history: brute force, normalisation, mean."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

from kamcore.clp import BetaGeo, ModifiedBetaGeo, ParetoNBD
from kamcore.errors import InvalidParameterError

BG = BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
PNBD = ParetoNBD(r=0.553, alpha=10.58, s=0.606, beta=11.67)
MBG = ModifiedBetaGeo(r=0.525, alpha=6.183, a=0.891, b=1.614)


def _grid(lo: float, hi: float, m: int) -> tuple[np.ndarray, float]:
    u = np.linspace(lo, hi, m)
    return u, float(u[1] - u[0])


def _bg_brute(n: int, t: float, x: int, tx: float, T: float) -> float:
    """Integrate P(history, Y(t)=n | lambda, p) over the prior, divide by P(history).

    Trapezoid rule in u = ln(lambda) and z = logit(p), where the integrands decay
    exponentially at both ends (spectrally accurate); written from the process
    definition, independent of the closed form.
    """
    r, alpha, a, b = BG.r, BG.alpha, BG.a, BG.b
    u, du = _grid(-150.0, 6.0, 3000)
    z, dz = _grid(-90.0, 60.0, 1500)
    lam = np.exp(u)[:, None]
    log_p = -np.logaddexp(0.0, -z)[None, :]
    log_q = -np.logaddexp(0.0, z)[None, :]  # ln(1 - p), exact in both tails
    p, q = np.exp(log_p), np.exp(log_q)
    # prior densities times the Jacobians d lambda = lambda du, dp = p (1 - p) dz
    w_lam = np.exp(r * np.log(alpha) + r * u - alpha * np.exp(u) - special.gammaln(r))[:, None]
    w_p = np.exp(a * log_p + b * log_q - special.betaln(a, b))
    alive = q**x * lam**x * np.exp(-lam * T)
    dead = p * q ** (x - 1) * lam**x * np.exp(-lam * tx) if x > 0 else 0.0 * alive
    pois = np.exp(n * np.log(lam * t) - lam * t - special.gammaln(n + 1.0))
    new = q**n * pois
    if n > 0:
        new = new + p * q ** (n - 1) * special.pdtrc(n - 1, lam * t)
    weight = w_lam * w_p
    num = np.sum((dead * (n == 0) + alive * new) * weight) * du * dz
    den = np.sum((alive + dead) * weight) * du * dz
    return float(num / den)


def _pnbd_brute(n: int, t: float, x: int, tx: float, T: float) -> float:
    r, alpha, s, beta = PNBD.r, PNBD.alpha, PNBD.s, PNBD.beta
    u, du = _grid(-150.0, 6.0, 3000)
    v, dv = _grid(-90.0, 6.0, 1500)
    lam = np.exp(u)[:, None]
    mu = np.exp(v)[None, :]
    w_lam = np.exp(r * np.log(alpha) + r * u - alpha * np.exp(u) - special.gammaln(r))[:, None]
    w_mu = np.exp(s * np.log(beta) + s * v - beta * np.exp(v) - special.gammaln(s))[None, :]
    rate = lam + mu
    alive = lam**x * np.exp(-rate * T)
    dead = lam**x * mu / rate * (np.exp(-rate * tx) - np.exp(-rate * T))
    # a new customer: alive through t with n purchases, or dies at tau < t after n
    new = np.exp(n * np.log(lam * t) - lam * t - special.gammaln(n + 1.0) - mu * t)
    new = new + mu / rate * (lam / rate) ** n * special.gammainc(n + 1.0, rate * t)
    weight = w_lam * w_mu
    num = np.sum((dead * (n == 0) + alive * new) * weight) * du * dv
    den = np.sum((alive + dead) * weight) * du * dv
    return float(num / den)


@pytest.mark.parametrize(
    ("n", "x", "tx"), [(0, 2, 30.43), (1, 2, 30.43), (3, 5, 12.0), (0, 0, 0.0)]
)
def test_bgnbd_matches_brute_force_integration(n: int, x: int, tx: float) -> None:
    got = float(
        BG.conditional_probability_of_purchases(n=n, t=20.0, frequency=x, recency=tx, T=38.86)
    )
    assert got == pytest.approx(_bg_brute(n, 20.0, x, tx, 38.86), rel=1e-5, abs=1e-10)


@pytest.mark.parametrize(
    ("n", "x", "tx"), [(0, 2, 30.43), (1, 2, 30.43), (2, 4, 10.0), (1, 0, 0.0)]
)
def test_pareto_matches_brute_force_integration(n: int, x: int, tx: float) -> None:
    got = float(
        PNBD.conditional_probability_of_purchases(n=n, t=20.0, frequency=x, recency=tx, T=38.86)
    )
    assert got == pytest.approx(_pnbd_brute(n, 20.0, x, tx, 38.86), rel=1e-5, abs=1e-10)


@settings(max_examples=30, deadline=None)
@given(
    which=st.sampled_from(["bg", "mbg", "pnbd"]),
    x=st.integers(0, 40),
    frac=st.floats(1e-9, 1.0),
    T=st.floats(1.0, 80.0),
    t=st.floats(0.0, 60.0),
)
def test_pmf_sums_to_one_and_its_mean_is_expected_purchases(
    which: str, x: int, frac: float, T: float, t: float
) -> None:
    model = {"bg": BG, "mbg": MBG, "pnbd": PNBD}[which]
    tx = frac * T if x > 0 else 0.0
    mean = float(model.expected_purchases(t=t, frequency=x, recency=tx, T=T))
    # enough terms for the tail: the count given "alive" is at most negative binomial
    # with mean (r + x) t / (alpha + T) and shape r + x >= x
    rate_mean = (model.r + x) * t / (model.alpha + T)  # type: ignore[attr-defined]
    n = np.arange(0, int(40 * rate_mean + 600))
    p = model.conditional_probability_of_purchases(n=n, t=t, frequency=x, recency=tx, T=T)
    assert np.all(np.isfinite(p))
    assert np.all(p >= 0)
    assert p.sum() == pytest.approx(1.0, abs=1e-9)
    assert float(n @ p) == pytest.approx(mean, rel=1e-7, abs=1e-12)


def test_tiny_window_is_finite() -> None:
    """A window below rounding (t / (alpha + t) underflows) gives the t = 0 answer."""
    for model in (BG, PNBD, MBG):
        p = model.conditional_probability_of_purchases(
            n=[0, 1], t=5e-324, frequency=2, recency=10.0, T=20.0
        )
        np.testing.assert_allclose(p, [1.0, 0.0], atol=1e-300)
    np.testing.assert_allclose(PNBD.probability_of_purchases(n=[0, 1], t=5e-324), [1.0, 0.0])


def test_new_customer_limit_and_broadcasting() -> None:
    # with no history to speak of (x=0, T tiny) the conditional pmf tends to the new-customer one
    a = PNBD.conditional_probability_of_purchases(
        n=[0, 1, 2], t=39.0, frequency=0, recency=0.0, T=1e-9
    )
    b = PNBD.probability_of_purchases(n=[0, 1, 2], t=39.0)
    np.testing.assert_allclose(a, b, rtol=1e-6)
    out = BG.conditional_probability_of_purchases(
        n=[[0], [1]], t=10.0, frequency=[1, 2, 3], recency=[5.0, 6.0, 7.0], T=20.0
    )
    assert out.shape == (2, 3)
    with pytest.raises(InvalidParameterError, match="'n'"):
        BG.conditional_probability_of_purchases(n=-1, t=1.0, frequency=1, recency=1.0, T=2.0)
    with pytest.raises(InvalidParameterError, match="recency"):
        BG.conditional_probability_of_purchases(n=1, t=1.0, frequency=1, recency=3.0, T=2.0)
