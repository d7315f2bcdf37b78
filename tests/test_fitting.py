"""The one fitted-model contract: kamcore._fitting's driver and FitReport, shared by every fit."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st

from kamcore.clp import (
    BetaGeo,
    BetaGeoBetaBinom,
    FitReport,
    GammaGamma,
    ModifiedBetaGeo,
    ParetoNBD,
    ShiftedBetaGeometric,
)
from kamcore.errors import ConvergenceError, InvalidParameterError
from kamcore.io import json as kjson
from kamcore.loyalty import RetentionModel
from tests.conftest import DATA

PUBLISHED = BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)


@pytest.fixture(scope="module")
def cdnow() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = np.loadtxt(DATA / "cdnow_customers_summary.csv", delimiter=",", skiprows=1)
    return d[:, 1].astype(np.int64), d[:, 2], d[:, 3]


@pytest.fixture(scope="module")
def cdnow_fit(cdnow: tuple[np.ndarray, np.ndarray, np.ndarray]) -> BetaGeo:
    x, tx, T = cdnow
    return BetaGeo.fit(frequency=x, recency=tx, T=T)


def _report(model: Any) -> FitReport:
    report = model.fit_report
    assert isinstance(report, FitReport)
    return report


def _fd_covariance(loglik: Any, theta: np.ndarray, rel: float = 1e-3) -> np.ndarray:
    """Inverse of minus the Hessian of ``loglik`` by central differences of *values*."""
    k = theta.size
    h = rel * np.maximum(np.abs(theta), 1e-3)
    hess = np.empty((k, k))
    for i in range(k):
        for j in range(k):
            ei = np.eye(k)[i] * h[i]
            ej = np.eye(k)[j] * h[j]
            hess[i, j] = (
                loglik(theta + ei + ej)
                - loglik(theta + ei - ej)
                - loglik(theta - ei + ej)
                + loglik(theta - ei - ej)
            ) / (4.0 * h[i] * h[j])
    return np.asarray(np.linalg.inv(-hess))


# ----------------------------------------------------------------- covariance
@pytest.mark.slow
def test_cdnow_bgnbd_covariance_matches_a_finite_difference_hessian(
    cdnow: tuple[np.ndarray, np.ndarray, np.ndarray], cdnow_fit: BetaGeo
) -> None:
    x, tx, T = cdnow
    rep = _report(cdnow_fit)
    theta = np.array([cdnow_fit.r, cdnow_fit.alpha, cdnow_fit.a, cdnow_fit.b])

    def loglik(th: np.ndarray) -> float:
        m = BetaGeo(r=th[0], alpha=th[1], a=th[2], b=th[3])
        return float(m.log_likelihood(frequency=x, recency=tx, T=T).sum())

    cov = _fd_covariance(loglik, theta)
    se = np.sqrt(np.diag(cov))
    assert rep.parameter_names == ("r", "alpha", "a", "b")
    np.testing.assert_allclose(list(rep.standard_errors.values()), se, rtol=2e-3)
    np.testing.assert_allclose(rep.covariance, cov, rtol=5e-3, atol=1e-6 * se.max() ** 2)
    # the covariance is symmetric, read-only, with the standard errors on its diagonal
    np.testing.assert_allclose(rep.covariance, rep.covariance.T)
    np.testing.assert_allclose(np.sqrt(np.diag(rep.covariance)), se, rtol=2e-3)
    assert not rep.covariance.flags.writeable
    # the published standard errors (FHL 2005 report r 0.243 with se about 0.013)
    assert rep.standard_errors["r"] == pytest.approx(0.0126, abs=5e-4)
    # the delta method from the optimiser's log space gives the same covariance:
    # Sigma_theta = diag(theta) Sigma_phi diag(theta) at the optimum
    cov_phi = _fd_covariance(lambda ph: loglik(np.exp(ph)), np.log(theta))
    delta = cov_phi * np.outer(theta, theta)
    np.testing.assert_allclose(rep.covariance, delta, rtol=5e-3, atol=1e-6 * se.max() ** 2)


def test_retention_covariance_matches_a_finite_difference_hessian() -> None:
    rng = np.random.default_rng(21)
    a = rng.uniform(-6, 6, 3000)
    s = rng.uniform(0, 1, 3000)
    y = rng.random(3000) < RetentionModel(0.1, 0.3, 1.0, -0.1).retention(attraction=a, barrier=s)
    model = RetentionModel.fit(attraction=a, barrier=s, retained=y)
    rep = _report(model)
    yf = y.astype(float)

    def loglik(b: np.ndarray) -> float:
        eta = b[0] + b[1] * a + b[2] * s + b[3] * a * s
        return float(np.sum(yf * eta - np.logaddexp(0.0, eta)))

    cov = _fd_covariance(loglik, np.array(model.coefficients), rel=1e-3)
    np.testing.assert_allclose(rep.covariance, cov, rtol=2e-3, atol=1e-9)
    assert rep.method == "SLSQP"
    assert rep.n == 3000.0
    assert rep.log_likelihood == pytest.approx(loglik(np.array(model.coefficients)), rel=1e-12)


# ----------------------------------------------------------------- intervals, AIC, BIC
def test_confidence_intervals_contain_the_estimate_and_widen_with_level(cdnow_fit: BetaGeo) -> None:
    rep = _report(cdnow_fit)
    levels = [0.5, 0.8, 0.9, 0.95, 0.99, 0.999]
    intervals = [rep.confidence_intervals(level) for level in levels]
    for name, estimate in cdnow_fit.params.items():
        widths = []
        for ci in intervals:
            lo, hi = ci[name]
            assert lo < estimate < hi
            assert (lo + hi) / 2 == pytest.approx(estimate, rel=1e-12)
            widths.append(hi - lo)
        assert np.all(np.diff(widths) > 0)
        # 95 %: estimate +- 1.959964 se
        lo, hi = rep.confidence_intervals()[name]
        assert hi - lo == pytest.approx(2 * 1.959963985 * rep.standard_errors[name], rel=1e-9)
    assert rep.estimates == cdnow_fit.params


@given(st.floats(0.01, 0.99), st.floats(0.01, 0.99))
def test_wider_level_never_gives_a_narrower_interval(l1: float, l2: float) -> None:
    rep = FitReport(
        log_likelihood=-3.0,
        n=10.0,
        n_rows=4,
        standard_errors={"a": 0.5, "b": 2.0},
        correlation=[[1.0, 0.3], [0.3, 1.0]],
        estimates={"a": 1.0, "b": -4.0},
        converged=True,
        iterations=5,
        message="ok",
        method="BFGS",
    )
    lo, hi = sorted((l1, l2))
    for name in ("a", "b"):
        inner, outer = rep.confidence_intervals(lo)[name], rep.confidence_intervals(hi)[name]
        assert outer[0] <= inner[0] <= rep.estimates[name] <= inner[1] <= outer[1]  # type: ignore[index]


def test_confidence_interval_level_is_checked() -> None:
    rep = _report(ShiftedBetaGeometric.fit_survivors([1000, 869, 743, 653, 593, 551, 517, 491]))
    for bad in (0.0, 1.0, 1.5, math.nan):
        with pytest.raises(InvalidParameterError, match="'level' must be"):
            rep.confidence_intervals(bad)


def test_aic_and_bic_formulas(cdnow_fit: BetaGeo) -> None:
    rep = _report(cdnow_fit)
    ll = rep.log_likelihood
    assert rep.n_parameters == 4
    assert rep.n == 2357.0
    assert rep.aic == pytest.approx(2 * 4 - 2 * ll, rel=1e-15)
    assert rep.bic == pytest.approx(4 * math.log(2357) - 2 * ll, rel=1e-15)
    assert ll == pytest.approx(-9582.4, abs=0.05)


# ----------------------------------------------------------------- every fit, one contract
def _fits() -> dict[str, tuple[Any, float, int]]:
    """Model name -> (fitted model, expected total weight n, input rows)."""
    rng = np.random.default_rng(5)
    n = 600
    w = rng.integers(1, 4, n).astype(float)
    out: dict[str, tuple[Any, float, int]] = {}
    for truth in (
        BetaGeo(r=0.5, alpha=5.0, a=0.8, b=2.5),
        ModifiedBetaGeo(r=0.5, alpha=5.0, a=0.8, b=2.5),
        ParetoNBD(r=0.55, alpha=10.6, s=0.61, beta=11.7),
    ):
        x, tx, T = truth.simulate(n_customers=n, T=39.0, rng=rng)
        fitted = type(truth).fit(frequency=x, recency=tx, T=T, weights=w)
        out[type(truth).__name__] = (fitted, w.sum(), n)
    bgbb = BetaGeoBetaBinom(alpha=1.2, beta=0.75, gamma=0.66, delta=2.8)
    bx, btx, bT = bgbb.simulate(n_customers=n, T=6, rng=rng)
    out["BetaGeoBetaBinom"] = (
        BetaGeoBetaBinom.fit(frequency=bx, recency=btx, T=bT, weights=w),
        w.sum(),
        n,
    )
    gg = GammaGamma(p=6.0, q=4.0, gamma=15.0)
    fx = rng.integers(1, 8, n)
    out["GammaGamma"] = (
        GammaGamma.fit(frequency=fx, average_spend=gg.simulate(fx, rng=rng), weights=w),
        w.sum(),
        n,
    )
    d, c = ShiftedBetaGeometric(alpha=0.7, beta=1.2).simulate(n_customers=n, rng=rng, n_periods=8)
    out["ShiftedBetaGeometric"] = (
        ShiftedBetaGeometric.fit(durations=d, censored=c, weights=w),
        w.sum(),
        n,
    )
    a = rng.uniform(-6, 6, n)
    s = rng.uniform(0, 1, n)
    y = rng.random(n) < RetentionModel().retention(attraction=a, barrier=s)
    out["RetentionModel"] = (
        RetentionModel.fit(attraction=a, barrier=s, retained=y, weights=w),
        w.sum(),
        n,
    )
    return out


@pytest.fixture(scope="module")
def fits() -> dict[str, tuple[Any, float, int]]:
    return _fits()


@pytest.mark.parametrize(
    "name",
    [
        "BetaGeo",
        "ModifiedBetaGeo",
        "ParetoNBD",
        "BetaGeoBetaBinom",
        "GammaGamma",
        "ShiftedBetaGeometric",
        "RetentionModel",
    ],
)
def test_every_fit_returns_its_class_with_a_fit_report(
    fits: dict[str, tuple[Any, float, int]], name: str
) -> None:
    model, total, rows = fits[name]
    assert type(model).__name__ == name
    rep = _report(model)
    assert rep.converged
    assert rep.n == pytest.approx(total)  # weighted number of rows
    assert 1 <= rep.n_rows <= rows
    assert rep.n_parameters == len(rep.parameter_names) == rep.covariance.shape[0]
    assert rep.estimates is not None
    for pname, value in rep.estimates.items():
        assert getattr(model, pname) == value
    assert all(se > 0 for se in rep.standard_errors.values())
    assert rep.bic == pytest.approx(rep.n_parameters * math.log(total) - 2 * rep.log_likelihood)
    # the report travels with the model through JSON
    back = kjson.loads(kjson.dumps(model))
    assert back.fit_report == rep
    np.testing.assert_array_equal(back.fit_report.covariance, rep.covariance)


def test_a_model_from_published_parameters_has_no_fit_report() -> None:
    assert PUBLISHED.fit_report is None
    assert ShiftedBetaGeometric(alpha=0.7, beta=1.2).fit_report is None
    assert RetentionModel().fit_report is None


# ----------------------------------------------------------------- collapsing
@settings(max_examples=25)
@given(
    alpha=st.floats(0.5, 2.0),
    beta=st.floats(0.5, 3.0),
    n=st.integers(150, 400),
    horizon=st.integers(4, 10),
    seed=st.integers(0, 2**32 - 1),
)
def test_collapsing_rows_leaves_the_log_likelihood_unchanged(
    alpha: float, beta: float, n: int, horizon: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    truth = ShiftedBetaGeometric(alpha=alpha, beta=beta)
    d, c = truth.simulate(n_customers=n, rng=rng, n_periods=horizon)
    w = rng.integers(1, 4, n).astype(float)
    try:
        a = ShiftedBetaGeometric.fit(durations=d, censored=c, weights=w, collapse=True)
        b = ShiftedBetaGeometric.fit(durations=d, censored=c, weights=w, collapse=False)
    except ConvergenceError:
        reject()  # a sample whose estimate runs to the edge (no heterogeneity left)
    ra, rb = _report(a), _report(b)
    # the optimum is flat: equal log-likelihoods up to the optimiser's tolerance
    assert ra.log_likelihood == pytest.approx(rb.log_likelihood, rel=1e-7)
    assert ra.n == rb.n == w.sum()
    assert ra.n_rows <= 2 * horizon + 1
    assert rb.n_rows == n
    # and the report's LL is the model's per-row log-likelihood summed with weights
    per_row = a.log_likelihood(durations=d, censored=c)
    assert ra.log_likelihood == pytest.approx(float(per_row @ w), rel=1e-10)


@settings(max_examples=15)
@given(n=st.integers(80, 400), seed=st.integers(0, 2**32 - 1))
def test_collapsing_grouped_retention_data_leaves_the_fit_unchanged(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = rng.integers(-6, 7, n).astype(float)  # a coarse grid: many identical rows
    s = rng.choice([0.0, 0.5, 1.0], n)
    y = (rng.random(n) < RetentionModel().retention(attraction=a, barrier=s)).astype(float)
    if y.min() == y.max():
        return
    try:
        m1 = RetentionModel.fit(attraction=a, barrier=s, retained=y, collapse=True)
    except Exception as exc:  # separated or unidentified: the uncollapsed fit agrees
        with pytest.raises(type(exc)):
            RetentionModel.fit(attraction=a, barrier=s, retained=y, collapse=False)
        return
    m2 = RetentionModel.fit(attraction=a, barrier=s, retained=y, collapse=False)
    r1, r2 = _report(m1), _report(m2)
    assert r1.log_likelihood == pytest.approx(r2.log_likelihood, rel=1e-8, abs=1e-8)
    assert r1.n == r2.n == n
    assert r1.n_rows <= 13 * 3 * 2
    assert r2.n_rows == n
    np.testing.assert_allclose(m1.coefficients, m2.coefficients, atol=1e-4)


# ----------------------------------------------------------------- keyword-only arguments
def test_lifetimes_style_positional_call_is_refused() -> None:
    # lifetimes orders (t, n); kamcore's (n, t) taken positionally gave 2.9e-23, not 0.085
    with pytest.raises(TypeError):
        PUBLISHED.probability_of_purchases(39.0, 2)  # type: ignore[misc]
    assert float(PUBLISHED.probability_of_purchases(n=2, t=39.0)) == pytest.approx(0.0854, abs=1e-4)


@pytest.mark.parametrize(
    ("model", "method", "args"),
    [
        (PUBLISHED, "probability_of_purchases", (2, 39.0)),
        (PUBLISHED, "expected_purchases", (39.0, 2, 30.43, 38.86)),
        (PUBLISHED, "probability_alive", (2, 30.43, 38.86)),
        (PUBLISHED, "probability_alive_at", (1.0, 2, 30.43, 38.86)),
        (PUBLISHED, "log_likelihood", (2, 30.43, 38.86)),
        (PUBLISHED, "simulate", (10, 39.0)),
        (ModifiedBetaGeo(r=0.5, alpha=5.0, a=0.8, b=2.5), "probability_of_purchases", (2, 39.0)),
        (ParetoNBD(r=0.55, alpha=10.6, s=0.61, beta=11.7), "probability_of_purchases", (2, 39.0)),
        (ParetoNBD(r=0.55, alpha=10.6, s=0.61, beta=11.7), "expected_purchases", (1, 2, 3, 4)),
        (BetaGeoBetaBinom(1.2, 0.75, 0.66, 2.8), "probability_of_purchases", (2, 6)),
        (BetaGeoBetaBinom(1.2, 0.75, 0.66, 2.8), "probability_alive", (2, 3, 6)),
        (BetaGeoBetaBinom(1.2, 0.75, 0.66, 2.8), "expected_purchases", (1, 2, 3, 6)),
        (GammaGamma(p=6.25, q=3.74, gamma=15.44), "conditional_expected_average_spend", (2, 9.0)),
        (ShiftedBetaGeometric(alpha=0.7, beta=1.2), "simulate_survivors", (100, 5)),
        (RetentionModel(), "retention", (0.0, 0.5)),
    ],
)
def test_ambiguous_arguments_are_keyword_only(
    model: Any, method: str, args: tuple[Any, ...]
) -> None:
    with pytest.raises(TypeError):
        getattr(model, method)(*args)


@pytest.mark.parametrize(
    "cls", [BetaGeo, ModifiedBetaGeo, ParetoNBD, BetaGeoBetaBinom, GammaGamma, ShiftedBetaGeometric]
)
def test_fit_data_are_keyword_only(cls: Any) -> None:
    with pytest.raises(TypeError):
        cls.fit([1, 2], [1.0, 2.0], [3.0, 3.0])


# ----------------------------------------------------------------- stored reports
def test_a_version_1_report_keeps_its_standard_errors_but_cannot_invent_the_rest() -> None:
    report = kjson.loads((DATA / "json_documents" / "FitReport.json").read_text())
    assert isinstance(report, FitReport)
    assert report.correlation is None
    assert report.estimates is None
    assert report.n == 2357.0
    assert report.n_rows == 1016
    assert report.standard_errors["r"] == pytest.approx(0.012557319571178532)
    with pytest.raises(InvalidParameterError, match="'correlation' must be stored"):
        _ = report.covariance
    with pytest.raises(InvalidParameterError, match="'estimates' must be stored"):
        report.confidence_intervals()
    # rewritten, it is a version 2 document that reads back equal
    assert kjson.loads(kjson.dumps(report)) == report


def test_report_checks_its_shape() -> None:
    base: dict[str, Any] = {
        "log_likelihood": -1.0,
        "n": 3.0,
        "n_rows": 3,
        "standard_errors": {"a": 0.1, "b": 0.2},
        "correlation": [[1.0, 0.0], [0.0, 1.0]],
        "estimates": {"a": 1.0, "b": 2.0},
        "converged": True,
        "iterations": 1,
        "message": "ok",
        "method": "BFGS",
    }
    FitReport(**base)
    with pytest.raises(InvalidParameterError, match="'correlation' must be a 2 x 2"):
        FitReport(**(base | {"correlation": [[1.0]]}))
    with pytest.raises(InvalidParameterError, match="'estimates' must name"):
        FitReport(**(base | {"estimates": {"b": 2.0, "a": 1.0}}))
