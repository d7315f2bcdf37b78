"""Concise model reprs and ``model.summary()`` (FitSummary)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kamcore.clp import (
    BetaGeo,
    BetaGeoBetaBinom,
    FitSummary,
    GammaGamma,
    ModifiedBetaGeo,
    ParetoNBD,
    ShiftedBetaGeometric,
)
from kamcore.errors import InvalidParameterError
from kamcore.loyalty import RetentionModel

GIVEN = [
    BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426),
    ModifiedBetaGeo(r=0.525, alpha=6.183, a=0.891, b=1.614),
    ParetoNBD(r=0.553, alpha=10.58, s=0.606, beta=11.67),
    BetaGeoBetaBinom(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783),
    GammaGamma(p=6.25, q=3.74, gamma=15.44),
    ShiftedBetaGeometric(alpha=0.704, beta=1.182),
    RetentionModel(),
]


@pytest.mark.parametrize("model", GIVEN, ids=lambda m: type(m).__name__)
def test_given_parameters_say_so(model: object) -> None:
    text = repr(model)
    assert text.startswith(type(model).__name__ + "(")
    assert "given parameters, not fitted" in text
    assert "array" not in text
    assert "\n" not in text
    s = model.summary()  # type: ignore[attr-defined]
    assert isinstance(s, FitSummary)
    assert not s.fitted
    assert all(math.isnan(v) for v in s.standard_errors)
    assert math.isnan(s.log_likelihood)
    assert "not fitted" in repr(s)


def test_repr_rounds_parameters() -> None:
    m = BetaGeo(r=0.2431234567, alpha=4.41359999, a=0.793, b=2.426)
    assert (
        repr(m) == "BetaGeo(r=0.2431, alpha=4.414, a=0.793, b=2.426; given parameters, not fitted)"
    )


@pytest.fixture(scope="module")
def fitted() -> BetaGeo:
    truth = BetaGeo(r=0.5, alpha=5.0, a=0.8, b=2.5)
    x, tx, T = truth.simulate(n_customers=1500, T=39.0, rng=np.random.default_rng(3))
    return BetaGeo.fit(frequency=x, recency=tx, T=T)


def test_fitted_repr_and_summary(fitted: BetaGeo) -> None:
    rep = fitted.fit_report
    assert rep is not None
    text = repr(fitted)
    assert "fitted on 1,500 customers" in text
    assert f"LL {rep.log_likelihood:,.2f}" in text
    assert text.endswith("converged)")
    s = fitted.summary()
    assert s.fitted
    assert s.parameters == ("r", "alpha", "a", "b")
    assert s.estimates == tuple(fitted.params.values())
    assert s.standard_errors == tuple(rep.standard_errors.values())
    ci = rep.confidence_intervals(0.95)
    for name, lo, hi in zip(s.parameters, s.lower, s.upper, strict=True):
        assert lo == pytest.approx(ci[name][0], rel=1e-12)
        assert hi == pytest.approx(ci[name][1], rel=1e-12)
    assert (s.log_likelihood, s.aic, s.bic, s.n) == (rep.log_likelihood, rep.aic, rep.bic, 1500.0)
    s90 = fitted.summary(level=0.9)
    assert all(a > b for a, b in zip(s90.lower, s.lower, strict=True))
    assert "90% low" in repr(s90)
    with pytest.raises(InvalidParameterError, match="level"):
        fitted.summary(level=1.5)


def test_summary_text_is_aligned(fitted: BetaGeo) -> None:
    lines = repr(fitted.summary()).splitlines()
    assert lines[0].startswith("BetaGeo: fitted on 1,500 customers, LL ")
    table = lines[1:]
    assert len(table) == 5
    # right-aligned numbers: every row ends in the same column
    assert len({len(line) for line in table}) == 1


def test_summary_html_is_escaped() -> None:
    s = FitSummary(
        model="<b>x</b>",
        parameters=["a&b"],
        estimates=[1.0],
        standard_errors=[0.1],
        lower=[0.8],
        upper=[1.2],
    )
    html = s._repr_html_()
    assert "<b>" not in html
    assert "&lt;b&gt;" in html
    assert "a&amp;b" in html
    assert html.count("<tr>") == 2


@pytest.mark.parametrize("backend", ["pandas", "polars", "pyarrow"])
def test_summary_to_frame(fitted: BetaGeo, backend: str) -> None:
    frame = fitted.summary().to_frame(backend)
    cols = ["parameter", "estimate", "standard_error", "lower", "upper"]
    assert list(frame.column_names if backend == "pyarrow" else frame.columns) == cols
    data = frame.to_pydict() if backend == "pyarrow" else None
    if backend == "pandas":
        assert frame["parameter"].tolist() == ["r", "alpha", "a", "b"]
        assert frame["estimate"].tolist() == list(fitted.params.values())
    elif backend == "polars":
        assert frame["standard_error"].to_list() == list(
            fitted.fit_report.standard_errors.values()  # type: ignore[union-attr]
        )
    else:
        assert data is not None
        assert data["parameter"] == ["r", "alpha", "a", "b"]


def test_to_frame_unknown_backend(fitted: BetaGeo) -> None:
    with pytest.raises(InvalidParameterError, match="backend"):
        fitted.summary().to_frame("excel")


def test_retention_model_fit_repr() -> None:
    rng = np.random.default_rng(5)
    a = rng.uniform(-6, 6, 400)
    s = rng.uniform(0, 1, 400)
    truth = RetentionModel()
    kept = rng.uniform(size=400) < truth.retention(attraction=a, barrier=s)
    m = RetentionModel.fit(attraction=a, barrier=s, retained=kept)
    assert "fitted on 400 accounts" in repr(m)
    assert m.summary().parameters == ("b0", "b1", "b2", "b3")
