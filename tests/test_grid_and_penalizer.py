"""Frequency x recency matrices and the L2 penalty option of the fits."""

from __future__ import annotations

import numpy as np
import pytest

from kamcore.clp import (
    BetaGeo,
    BetaGeoBetaBinom,
    FrequencyRecencyMatrix,
    GammaGamma,
    ModifiedBetaGeo,
    ParetoNBD,
    frequency_recency_matrix,
)
from kamcore.errors import InvalidParameterError

BG = BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
PNBD = ParetoNBD(r=0.553, alpha=10.58, s=0.606, beta=11.67)


# ----------------------------------------------------------------- grid
@pytest.mark.parametrize("model", [BG, PNBD, ModifiedBetaGeo(r=0.5, alpha=6.0, a=0.9, b=1.6)])
def test_matrix_equals_pointwise_predictions(model: object) -> None:
    g = frequency_recency_matrix(model, T=39.0, max_frequency=12, n_recency=7)
    assert isinstance(g, FrequencyRecencyMatrix)
    assert g.values.shape == (13, 7)
    assert g.frequency.tolist() == list(range(13))
    assert g.recency[0] == 0.0
    assert g.recency[-1] == 39.0
    for i in (1, 5, 12):
        for j in (0, 3, 6):
            # column 0 is the limit recency -> 0+, evaluated at 1e-12 T
            rec = max(float(g.recency[j]), 1e-12 * 39.0)
            want = model.probability_alive(  # type: ignore[attr-defined]
                frequency=i, recency=rec, T=39.0
            )
            assert g.values[i, j] == pytest.approx(float(want), rel=1e-13)
    # row 0 is the one history without repeat purchases (recency 0)
    want0 = model.probability_alive(frequency=0, recency=0.0, T=39.0)  # type: ignore[attr-defined]
    assert np.all(g.values[0] == float(want0))
    # more recent purchases mean more likely alive (rows with x >= 1)
    assert np.all(np.diff(g.values[1:], axis=1) >= 0)
    assert g.t is None
    assert g.quantity == "probability_alive"


def test_expected_purchases_matrix() -> None:
    g = frequency_recency_matrix(BG, T=39.0, max_frequency=5, quantity="expected_purchases", t=10.0)
    want = BG.expected_purchases(t=10.0, frequency=3, recency=float(g.recency[20]), T=39.0)
    assert g.values[3, 20] == pytest.approx(float(want), rel=1e-13)
    assert g.t == 10.0
    with pytest.raises(ValueError, match="read-only"):
        g.values[0, 0] = 1.0


def test_matrix_bad_arguments() -> None:
    with pytest.raises(InvalidParameterError, match="'t'"):
        frequency_recency_matrix(BG, T=39.0, max_frequency=5, quantity="expected_purchases")
    with pytest.raises(InvalidParameterError, match="'t'"):
        frequency_recency_matrix(BG, T=39.0, max_frequency=5, t=3.0)
    with pytest.raises(InvalidParameterError, match="'quantity'"):
        frequency_recency_matrix(BG, T=39.0, max_frequency=5, quantity="clv")
    with pytest.raises(InvalidParameterError, match="'max_frequency'"):
        frequency_recency_matrix(BG, T=39.0, max_frequency=0)
    with pytest.raises(InvalidParameterError, match="'n_recency'"):
        frequency_recency_matrix(BG, T=39.0, max_frequency=3, n_recency=1)


# ----------------------------------------------------------------- penalizer
@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    truth = BetaGeo(r=0.5, alpha=5.0, a=0.8, b=2.5)
    return truth.simulate(n_customers=800, T=39.0, rng=np.random.default_rng(8))


def test_penalizer_zero_is_plain_maximum_likelihood(
    data: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> None:
    x, tx, T = data
    plain = BetaGeo.fit(frequency=x, recency=tx, T=T)
    zero = BetaGeo.fit(frequency=x, recency=tx, T=T, penalizer=0.0)
    assert plain.params == zero.params
    assert plain.fit_report == zero.fit_report


def test_penalizer_shrinks_log_parameters(data: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    x, tx, T = data
    plain = BetaGeo.fit(frequency=x, recency=tx, T=T)
    pen = BetaGeo.fit(frequency=x, recency=tx, T=T, penalizer=0.05)
    assert pen.fit_report is not None
    assert plain.fit_report is not None

    def size(m: BetaGeo) -> float:
        return float(np.sum(np.log(list(m.params.values())) ** 2))

    assert size(pen) < size(plain)
    # the reported log-likelihood is the unpenalised one, so it is lower than the maximum
    assert pen.fit_report.log_likelihood < plain.fit_report.log_likelihood
    ll = float(pen.log_likelihood(frequency=x, recency=tx, T=T).sum())
    assert pen.fit_report.log_likelihood == pytest.approx(ll, rel=1e-10)
    assert "penalised" in pen.fit_report.message
    # the penalised objective is stationary at the estimate: the gradient of
    # ll - lam n sum(ln theta)^2 in the log-parameters vanishes
    theta = np.array(list(pen.params.values()))
    h = 1e-6
    grads = []
    for i in range(4):
        up, dn = theta.copy(), theta.copy()
        up[i] *= np.exp(h)
        dn[i] *= np.exp(-h)

        def obj(th: np.ndarray) -> float:
            m = BetaGeo(*th)
            ll_ = float(m.log_likelihood(frequency=x, recency=tx, T=T).sum())
            return ll_ - 0.05 * 800 * float(np.sum(np.log(th) ** 2))

        grads.append((obj(up) - obj(dn)) / (2 * h))
    assert np.max(np.abs(grads)) < 1e-3 * 800


def test_penalizer_on_other_models() -> None:
    rng = np.random.default_rng(3)
    gg = GammaGamma(p=6.25, q=3.74, gamma=15.44)
    f = rng.integers(1, 6, 300)
    z = gg.simulate(f, rng=rng)
    a = GammaGamma.fit(frequency=f, average_spend=z)
    b = GammaGamma.fit(frequency=f, average_spend=z, penalizer=0.1)
    assert np.sum(np.log(list(b.params.values())) ** 2) < np.sum(
        np.log(list(a.params.values())) ** 2
    )
    bb = BetaGeoBetaBinom(alpha=1.2, beta=0.75, gamma=0.66, delta=2.8)
    bx, btx, bn = bb.simulate(n_customers=500, T=6, rng=rng)
    assert BetaGeoBetaBinom.fit(frequency=bx, recency=btx, T=bn, penalizer=0.01).fit_report
    px, ptx, pT = PNBD.simulate(n_customers=500, T=39.0, rng=rng)
    assert ParetoNBD.fit(frequency=px, recency=ptx, T=pT, penalizer=0.01).fit_report
    mx, mtx, mT = BG.simulate(n_customers=500, T=39.0, rng=rng)
    assert ModifiedBetaGeo.fit(frequency=mx, recency=mtx, T=mT, penalizer=0.01).fit_report
    with pytest.raises(InvalidParameterError, match="'penalizer'"):
        BetaGeo.fit(frequency=mx, recency=mtx, T=mT, penalizer=-1.0)
