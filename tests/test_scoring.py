"""Scoring: registry and entry points, ScoreResult, conformance check, rfm/classes/clp/churn."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamcore import Portfolio
from kamcore.errors import (
    InvalidParameterError,
    KamcoreError,
    KamcoreWarning,
    ScorerLoadError,
    ShapeMismatchError,
    UnknownNameError,
)
from kamcore.scoring import (
    CHURN_SIGNALS,
    RFM_SEGMENTS,
    ChurnRiskScorer,
    CLPScorer,
    ParetoScorer,
    RFMScorer,
    Scorer,
    ScoreResult,
    ScorerRegistry,
    ValueClassScorer,
    get_scorer,
    register_scorer,
    scorer_names,
    unregister_scorer,
)
from kamcore.scoring._registry import BUILTIN_SCORERS
from kamcore.testing import check_scorer, example_portfolio

AS_OF = dt.date(2025, 12, 31)
BUILTINS = sorted(BUILTIN_SCORERS)


# ----------------------------------------------------------------- conformance
@pytest.mark.parametrize("name", BUILTINS)
def test_every_builtin_passes_check_scorer(name: str) -> None:
    check_scorer(get_scorer(name))
    check_scorer(get_scorer(name), example_portfolio(7, rng=np.random.default_rng(1)))


@pytest.mark.parametrize("name", BUILTINS)
def test_empty_portfolio_gives_empty_result(name: str) -> None:
    empty = example_portfolio(0)
    r = get_scorer(name).score(empty, as_of=AS_OF)
    assert len(r) == 0
    assert r.scores.dtype == np.float64


@attrs.frozen
class _PositionScorer:
    """Scores by row position: not permutation-equivariant."""

    @property
    def name(self) -> str:
        return "position"

    @property
    def params(self) -> dict[str, Any]:
        return {}

    def score(self, portfolio: Portfolio, *, as_of: Any = None) -> ScoreResult:
        return ScoreResult(
            "position", portfolio.ids, np.arange(len(portfolio), dtype=float), as_of=as_of
        )


@attrs.frozen
class _NoisyScorer(_PositionScorer):
    rng: np.random.Generator = attrs.field(factory=lambda: np.random.default_rng(0))

    @property
    def name(self) -> str:
        return "noisy"

    def score(self, portfolio: Portfolio, *, as_of: Any = None) -> ScoreResult:
        return ScoreResult("noisy", portfolio.ids, self.rng.random(len(portfolio)), as_of=as_of)


@attrs.frozen
class _RankScorer(_PositionScorer):
    """Rank-based, no freeze: not chunk-invariant."""

    @property
    def name(self) -> str:
        return "rank"

    def score(self, portfolio: Portfolio, *, as_of: Any = None) -> ScoreResult:
        v = portfolio["sales_last_year"]
        ranks = np.searchsorted(np.sort(v), v, side="left").astype(float)
        return ScoreResult("rank", portfolio.ids, ranks, as_of=as_of)


@pytest.mark.parametrize(
    ("scorer", "match"),
    [
        (_PositionScorer(), "permutation equivariance"),
        (_NoisyScorer(), "two runs"),
        (_RankScorer(), "chunk invariance"),
        (object(), "Scorer protocol"),
    ],
)
def test_check_scorer_catches_bad_scorers(scorer: Any, match: str) -> None:
    with pytest.raises(AssertionError, match=match):
        check_scorer(scorer)


# ----------------------------------------------------------------- registry
def test_builtin_names_and_unknown_name() -> None:
    assert set(BUILTINS) <= set(scorer_names())
    assert BUILTINS == [
        "churn_risk",
        "classes",
        "clp",
        "pareto",
        "pyramid",
        "rfm",
        "rubric",
        "value_matrix",
    ]
    with pytest.raises(UnknownNameError, match=r"no scorer named 'abc'; known scorers: .*'pareto'"):
        get_scorer("abc")
    with pytest.raises(LookupError):
        get_scorer("abc")


def test_get_scorer_passes_params_and_rejects_unknown_ones() -> None:
    s = get_scorer("pareto", column="profit_last_year", shares=(0.7, 0.2, 0.1))
    assert isinstance(s, ParetoScorer)
    assert s.params["shares"] == (0.7, 0.2, 0.1)
    with pytest.raises(InvalidParameterError, match=r"does not accept.*accepted: \['column'"):
        get_scorer("pareto", colour="red")
    with pytest.raises(InvalidParameterError, match="sum to 1"):
        get_scorer("pareto", shares=(0.5, 0.1, 0.1))


def test_register_duplicate_replace_and_unregister() -> None:
    register_scorer("test_pos", _PositionScorer)
    try:
        assert "test_pos" in scorer_names()
        assert get_scorer("test_pos").name == "position"
        with pytest.raises(InvalidParameterError, match=r"already registered.*replace=True"):
            register_scorer("test_pos", _PositionScorer)
        with pytest.raises(InvalidParameterError, match="already registered"):
            register_scorer("pareto", _PositionScorer)
        register_scorer("test_pos", _NoisyScorer, replace=True)
        assert get_scorer("test_pos").name == "noisy"
    finally:
        unregister_scorer("test_pos")
    assert "test_pos" not in scorer_names()
    with pytest.raises(UnknownNameError):
        unregister_scorer("test_pos")
    with pytest.raises(InvalidParameterError, match="callable"):
        register_scorer("x", 42)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="non-blank"):
        register_scorer(" ", _PositionScorer)


def test_factory_returning_non_scorer_is_reported() -> None:
    reg = ScorerRegistry({"bad": lambda: 42}, group=None)
    with pytest.raises(ScorerLoadError, match="lacks the Scorer protocol"):
        reg.get("bad")


class _FakeEP:
    def __init__(self, name: str, value: str, target: Any = None, error: Exception | None = None):
        self.name, self.value, self._target, self._error = name, value, target, error

    def load(self) -> Any:
        if self._error is not None:
            raise self._error
        return self._target


def test_entry_points_loaded_lazily_with_clear_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def fake_entry_points(*, group: str) -> list[_FakeEP]:
        calls.append(group)
        return [
            _FakeEP("plug_pos", "pkg.mod:Pos", _PositionScorer),
            _FakeEP(
                "plug_broken",
                "broken.mod:Scorer",
                error=ModuleNotFoundError("No module named 'broken'"),
            ),
            _FakeEP("plug_const", "pkg.mod:VALUE", 3),
            _FakeEP("pareto", "other.mod:Pareto", _PositionScorer),
        ]

    monkeypatch.setattr(importlib.metadata, "entry_points", fake_entry_points)
    reg = ScorerRegistry(BUILTIN_SCORERS)
    assert calls == []  # nothing read until the first lookup
    with pytest.warns(KamcoreWarning, match=r"ignoring entry point 'pareto'.*already taken"):
        names = reg.names()
    assert calls == ["kamcore.scorers"]
    assert "plug_pos" in names
    assert "plug_broken" not in names
    assert reg.get("plug_pos").name == "position"
    assert isinstance(reg.get("pareto"), ParetoScorer)  # built-in wins
    with pytest.raises(
        ScorerLoadError, match=r"'plug_broken'.*failed to load: ModuleNotFoundError"
    ):
        reg.get("plug_broken")
    with pytest.raises(ImportError):
        reg.get("plug_broken")
    with pytest.raises(ScorerLoadError, match="not a callable"):
        reg.get("plug_const")
    assert set(reg.failed()) == {"plug_broken", "plug_const"}
    reg.names()
    assert calls == ["kamcore.scorers"]  # read once


def test_unreadable_entry_points_warn_but_builtins_work(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*, group: str) -> list[Any]:
        raise RuntimeError("corrupt metadata")

    monkeypatch.setattr(importlib.metadata, "entry_points", broken)
    reg = ScorerRegistry(BUILTIN_SCORERS)
    with pytest.warns(KamcoreWarning, match="corrupt metadata"):
        assert reg.get("clp").name == "clp"


# ----------------------------------------------------------------- ScoreResult
def test_score_result_is_frozen_validated_and_dated() -> None:
    r = ScoreResult(
        "x",
        ["a", "b"],
        [1.0, 0.5],
        grade_codes=[0, 1],
        grade_levels=("A", "B"),
        params={"k": [1, 2]},
        as_of="2025-01-31",
        extras={"m": np.eye(2)},
    )
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        r.strategy = "y"  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        r.scores[0] = 3.0
    with pytest.raises(ValueError, match="read-only"):
        r.extras["m"][0, 0] = 3.0
    with pytest.raises(TypeError):
        r.params["k"] = 1  # type: ignore[index]
    assert r.params["k"] == (1, 2)
    g = r.to_grading()
    assert g.as_of == dt.date(2025, 1, 31)
    assert g.grade_of("b") == "B"
    assert g.strategy == "x"
    assert r == ScoreResult(
        "x",
        ["a", "b"],
        [1.0, 0.5],
        grade_codes=[0, 1],
        grade_levels=("A", "B"),
        params={"k": (1, 2)},
        as_of="2025-01-31",
        extras={"m": np.eye(2)},
    )
    assert r.ranking().tolist() == [0, 1]
    with pytest.raises(InvalidParameterError, match="'scores' must not be NaN"):
        ScoreResult("x", ["a"], [np.nan])
    with pytest.raises(ShapeMismatchError):
        ScoreResult("x", ["a", "b"], [1.0])
    with pytest.raises(InvalidParameterError, match=r"'grade_codes' must be in \[0, 2\)"):
        ScoreResult("x", ["a"], [1.0], grade_codes=[2], grade_levels=("A", "B"))
    with pytest.raises(InvalidParameterError, match="no grades"):
        ScoreResult("x", ["a"], [1.0], as_of="2025-01-01").to_grading()
    with pytest.raises(InvalidParameterError, match="as_of"):
        ScoreResult("x", ["a"], [1.0], as_of="31/12/2025")


def test_scorers_satisfy_protocol_and_default_as_of_is_today() -> None:
    for name in BUILTINS:
        assert isinstance(get_scorer(name), Scorer)
    r = get_scorer("pareto").score(example_portfolio(5))
    assert r.as_of == dt.date.today()


# ----------------------------------------------------------------- rfm
def _quintile(values: list[float], x: float, *, lower_is_better: bool) -> int:
    n = len(values)
    k = sum(1 for y in values if (y > x if lower_is_better else y < x))
    return 1 + (5 * k) // n


@given(
    st.lists(
        st.tuples(st.integers(0, 400), st.integers(0, 30), st.integers(0, 5000)),
        min_size=1,
        max_size=40,
    )
)
def test_rfm_equals_scalar_reference(rows: list[tuple[int, int, int]]) -> None:
    rec = [float(r[0]) for r in rows]
    fre = [float(r[1]) for r in rows]
    mon = [float(r[2]) for r in rows]
    p = Portfolio.from_columns(
        [f"c{i}" for i in range(len(rows))], {"recency": rec, "frequency": fre, "monetary": mon}
    )
    res = RFMScorer().score(p, as_of=AS_OF)
    for i in range(len(rows)):
        r = _quintile(rec, rec[i], lower_is_better=True)
        f = _quintile(fre, fre[i], lower_is_better=False)
        m = _quintile(mon, mon[i], lower_is_better=False)
        assert (res.extras["r"][i], res.extras["f"][i], res.extras["m"][i]) == (r, f, m)
        assert res.scores[i] == 100 * r + 10 * f + m


def test_rfm_grid_covers_all_125_cells_and_dates() -> None:
    cells = np.array([(r, f, m) for r in range(1, 6) for f in range(1, 6) for m in range(1, 6)])
    from kamcore.scoring._rfm import _GRID_CODES

    seg = _GRID_CODES[cells[:, 0] - 1, (cells[:, 1] + cells[:, 2] + 1) // 2 - 1]
    assert seg.shape == (125,)
    assert set(seg.tolist()) == set(range(len(RFM_SEGMENTS)))
    last = np.array(["2025-12-30", "2025-06-30", "2024-12-31"], dtype="datetime64[D]")
    p = Portfolio.from_columns(
        ["a", "b", "c"], {"recency": last, "frequency": [5.0, 3, 1], "monetary": [10.0, 5, 1]}
    )
    days = Portfolio.from_columns(
        ["a", "b", "c"],
        {"recency": [1.0, 184, 365], "frequency": [5.0, 3, 1], "monetary": [10.0, 5, 1]},
    )
    assert RFMScorer().score(p, as_of=AS_OF) == RFMScorer().score(days, as_of=AS_OF)
    with pytest.raises(InvalidParameterError, match="after as_of"):
        RFMScorer().score(p, as_of="2025-01-01")


# ----------------------------------------------------------------- classes
def test_value_classes_with_given_thresholds() -> None:
    p = Portfolio.from_columns(
        list("abcde"),
        {"sales_last_year": [500.0, 200, 50, 50, 5], "expected_sales": [0.0, 0, 900, 10, 10]},
    )
    s = ValueClassScorer(
        current_threshold=100.0,
        potential_threshold=100.0,
        core_threshold=400.0,
        small_threshold=20.0,
    )
    r = s.score(p, as_of=AS_OF)
    assert r.classes is not None
    assert r.classes.tolist() == ["core", "important", "potential", "ordinary", "small_medium"]
    with pytest.raises(InvalidParameterError, match="small_threshold <= current_threshold"):
        ValueClassScorer(current_threshold=10.0, core_threshold=5.0).score(p, as_of=AS_OF)
    check_scorer(s)


# ----------------------------------------------------------------- clp
@given(
    st.lists(st.tuples(st.floats(-1e4, 1e4), st.floats(0.0, 0.99)), min_size=1, max_size=30),
    st.floats(0.0, 0.3),
)
def test_clp_equals_scalar_formula(rows: list[tuple[float, float]], d: float) -> None:
    p = Portfolio.from_columns(
        [f"c{i}" for i in range(len(rows))],
        {"margin": [r[0] for r in rows], "retention": [r[1] for r in rows]},
    )
    res = CLPScorer(discount_rate=d).score(p, as_of=AS_OF)
    expected = [m * r / (1 + d - r) for m, r in rows]
    np.testing.assert_allclose(res.scores, expected, rtol=1e-12, atol=1e-9)


def test_clp_grades_nan_policy_and_bad_retention() -> None:
    p = Portfolio.from_columns(
        ["a", "b", "c"],
        {"margin": [1000.0, np.nan, 10.0], "retention": [0.9, 0.5, 0.5]},
        nullable=["margin"],
    )
    with pytest.raises(InvalidParameterError, match="column margin"):
        CLPScorer().score(p, as_of=AS_OF)
    r = CLPScorer(nan_policy="last", grade_labels=("A", "B"), grade_cutoffs=(1000.0,)).score(
        p, as_of=AS_OF
    )
    assert r.scores[1] == -np.inf
    assert r.grades is not None
    assert r.grades.tolist() == ["A", "B", "B"]
    bad = Portfolio.from_columns(["a"], {"margin": [1.0], "retention": [1.5]})
    with pytest.raises(KamcoreError):
        CLPScorer().score(bad, as_of=AS_OF)
    with pytest.raises(InvalidParameterError, match="both"):
        CLPScorer(grade_labels=("A", "B"))


# ----------------------------------------------------------------- churn
def _churn_reference(row: dict[str, float], scorer: ChurnRiskScorer) -> tuple[list[bool], float]:
    fired = []
    for s in scorer.signal_names:
        v = row[scorer.column_of(s)]
        t = scorer.threshold_of(s)
        op = CHURN_SIGNALS[s][1]
        hit = {"<=": v <= t, ">=": v >= t, "<": v < t, ">": v > t}[op]
        fired.append(bool(hit))
    risk = sum(scorer.weights[s] for s, f in zip(scorer.signal_names, fired, strict=True) if f)
    return fired, risk


def test_churn_equals_scalar_reference_on_example() -> None:
    p = example_portfolio(50)
    s = ChurnRiskScorer(
        weights={
            "falling_orders": 3,
            "longer_cycle": 1,
            "falling_sow": 2,
            "satisfaction_gap": 2,
            "complaints": 1,
            "late_payment": 1,
        },
        normalize=True,
    )
    r = s.score(p, as_of=AS_OF)
    assert r.extras["signals"].shape == (50, 6)
    for i in range(50):
        row = {c: float(p[c][i]) for c in p.column_names if p[c].dtype.kind in "biuf"}
        fired, risk = _churn_reference(row, s)
        assert r.extras["signals"][i].tolist() == fired
        assert r.extras["risk"][i] == pytest.approx(risk)
        assert r.scores[i] == pytest.approx(1 - risk)


def test_churn_skipping_missing_columns_and_bad_weights() -> None:
    p = Portfolio.from_columns(
        ["a", "b"], {"order_volume_change": [-0.3, 0.1], "complaints": [2, 0]}
    )
    with pytest.raises(
        UnknownNameError, match=r"'longer_cycle' reads column 'order_cycle_change'.*None"
    ):
        ChurnRiskScorer().score(p, as_of=AS_OF)
    with pytest.raises(UnknownNameError, match="unknown signals"):
        ChurnRiskScorer(columns={"price_rise": None})
    with pytest.raises(InvalidParameterError, match="at least one signal"):
        ChurnRiskScorer(columns=dict.fromkeys(CHURN_SIGNALS))
    with pytest.raises(InvalidParameterError, match="sum to 1"):
        ChurnRiskScorer(weights=dict.fromkeys(CHURN_SIGNALS, 1.0))
    with pytest.raises(InvalidParameterError, match="missing"):
        ChurnRiskScorer(weights={"complaints": 1.0})
    keep = {"falling_orders": "order_volume_change", "complaints": "complaints"}
    skip = {s: keep.get(s) for s in CHURN_SIGNALS}
    r = ChurnRiskScorer(columns=skip, thresholds={"complaints": 3}).score(p, as_of=AS_OF)
    assert r.extras["signals"].tolist() == [[True, False], [False, False]]
    assert r.classes is not None
    assert r.classes.tolist() == ["high", "low"]


def test_churn_nan_counts_as_fired_when_last() -> None:
    cols = {c: [0.0, 0.0] for c, _, _ in CHURN_SIGNALS.values()}
    cols["satisfaction_gap"] = [np.nan, 1.0]
    p = Portfolio.from_columns(["a", "b"], cols, nullable=["satisfaction_gap"])
    with pytest.raises(InvalidParameterError, match="satisfaction_gap"):
        ChurnRiskScorer().score(p, as_of=AS_OF)
    r = ChurnRiskScorer(nan_policy="last").score(p, as_of=AS_OF)
    assert r.extras["risk"].tolist() == pytest.approx([1 / 6, 0.0])
