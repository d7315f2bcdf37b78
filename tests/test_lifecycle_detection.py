"""Tests for kamcore.lifecycle: stage detection from revenue/profit series."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kamcore.domain import MANAGEMENT_FOCUS, LifecycleStage
from kamcore.errors import InvalidParameterError, ShapeMismatchError
from kamcore.lifecycle import DETECTED_STAGES, StageRules, detect_stages

S = LifecycleStage


def _reference(row, rules):
    """Plain-Python scalar reference of the documented rules for one series."""
    P = len(row)
    first = next((i for i, v in enumerate(row) if v != 0), P)
    h = P - first
    k = min(rules.window, P, h)
    win = row[P - k :] if k else []
    level = sum(win) / k if k else 0.0
    scale = sum(abs(v) for v in win) / k if k else 0.0
    if k >= 2:
        ts = list(range(k))
        tbar = sum(ts) / k
        slope = sum((t - tbar) * v for t, v in zip(ts, win, strict=True)) / sum(
            (t - tbar) ** 2 for t in ts
        )
    else:
        slope = 0.0
    rel = slope / scale if scale > 0 else 0.0
    peak = max(row)
    if h < rules.min_history:
        stage = S.EXPLORATION
    elif rel >= rules.growth:
        stage = S.FORMATION
    elif rel <= -rules.decline or (peak > 0 and level < rules.peak_ratio * peak):
        stage = S.DECLINE
    elif rules.min_level is not None and level < rules.min_level:
        stage = S.EXPLORATION
    else:
        stage = S.STABILITY
    return stage, level, slope, rel, h


def _borderline(row, rules):
    """True when a float rounding difference could flip a threshold comparison."""
    _, level, _, rel, _ = _reference(row, rules)
    peak = max(row)
    gaps = [rel - rules.growth, rel + rules.decline, level - rules.peak_ratio * peak]
    if rules.min_level is not None:
        gaps.append(level - rules.min_level)
    return any(abs(g) < 1e-9 for g in gaps)


matrices = hnp.arrays(
    np.float64,
    st.tuples(st.integers(1, 12), st.integers(1, 8)),
    elements=st.one_of(st.just(0.0), st.floats(-50, 500, allow_nan=False).map(round)),
)

rules_st = st.builds(
    StageRules,
    window=st.integers(1, 6),
    min_history=st.integers(1, 5),
    growth=st.sampled_from([0.0, 0.05, 0.2]),
    decline=st.sampled_from([0.0, 0.05, 0.2]),
    peak_ratio=st.sampled_from([0.0, 0.5, 0.9]),
    min_level=st.sampled_from([None, 0.0, 100.0]),
)


def test_synthetic_rising_flat_falling_young():
    t = np.arange(8, dtype=float)
    rng = np.random.default_rng(7)
    rising = 100 + 40 * t + rng.normal(0, 2, 8)
    flat = 500 + rng.normal(0, 5, 8)
    falling = 800 - 90 * t + rng.normal(0, 2, 8)
    young = np.r_[np.zeros(6), 30.0, 35.0]
    collapsed = np.r_[np.full(4, 400.0), np.full(4, 50.0)]  # flat now, far below peak
    d = detect_stages(np.vstack([rising, flat, falling, young, collapsed]))
    assert list(d.stages) == [S.FORMATION, S.STABILITY, S.DECLINE, S.EXPLORATION, S.DECLINE]
    assert d.history.tolist() == [8, 8, 8, 2, 8]
    assert d.slopes[0] == pytest.approx(40, rel=0.1)
    assert d.slopes[2] == pytest.approx(-90, rel=0.1)
    assert d.levels[1] == pytest.approx(500, rel=0.02)
    assert d.counts() == {S.EXPLORATION: 1, S.FORMATION: 1, S.STABILITY: 1, S.DECLINE: 2}


def test_focus_attached_per_stage():
    d = detect_stages([[1.0, 2.0, 3.0, 4.0]], ids=["x"])
    assert d.stages[0] is S.FORMATION
    assert d.account_focus.tolist() == [MANAGEMENT_FOCUS[S.FORMATION]]
    assert set(d.focus) >= set(DETECTED_STAGES)
    assert d.ids.tolist() == ["x"]


def test_min_level_keeps_low_flat_accounts_in_exploration():
    x = [[5.0, 5.0, 5.0, 5.0], [500.0, 500.0, 500.0, 500.0]]
    assert list(detect_stages(x).stages) == [S.STABILITY, S.STABILITY]
    d = detect_stages(x, rules=StageRules(min_level=100.0))
    assert list(d.stages) == [S.EXPLORATION, S.STABILITY]


def test_profit_series_with_losses():
    # improving from losses to profit is formation; steady losses are stability of a bad account
    d = detect_stages([[-40.0, -20.0, 0.5, 20.0], [-10.0, -10.0, -10.0, -10.0]])
    assert list(d.stages) == [S.FORMATION, S.STABILITY]
    assert np.isfinite(d.relative_slopes).all()


@given(matrices, rules_st)
def test_vectorised_equals_scalar_reference(x, rules):
    d = detect_stages(x, rules=rules)
    for i, row in enumerate(x.tolist()):
        stage, level, slope, rel, h = _reference(row, rules)
        if not _borderline(row, rules):
            assert d.stages[i] is stage
        assert d.history[i] == h
        assert d.levels[i] == pytest.approx(level, abs=1e-9)
        assert d.slopes[i] == pytest.approx(slope, abs=1e-9)
        assert d.relative_slopes[i] == pytest.approx(rel, abs=1e-9)


@given(matrices, st.randoms(use_true_random=False))
def test_permutation_equivariance(x, rnd):
    perm = list(range(x.shape[0]))
    rnd.shuffle(perm)
    a = detect_stages(x)
    b = detect_stages(x[perm])
    np.testing.assert_array_equal(a.codes[perm], b.codes)
    np.testing.assert_allclose(a.slopes[perm], b.slopes)


@given(matrices, st.integers(1, 5))
def test_chunk_invariance(x, cut):
    cut = min(cut, x.shape[0])
    whole = detect_stages(x)
    parts = [detect_stages(x[:cut])]
    if cut < x.shape[0]:
        parts.append(detect_stages(x[cut:]))
    np.testing.assert_array_equal(np.concatenate([p.codes for p in parts]), whole.codes)


@given(matrices, st.sampled_from([0.25, 0.5, 2.0, 8.0]))
def test_scale_invariance_of_stages(x, factor):
    # thresholds are relative, so multiplying a series by a positive constant keeps its stage
    # (powers of two keep the arithmetic exact)
    a = detect_stages(x)
    b = detect_stages(x * factor)
    np.testing.assert_array_equal(a.codes, b.codes)


def test_legal_from_uses_transition_table():
    d = detect_stages([[10.0, 20.0, 30.0, 40.0], [50.0, 50.0, 50.0, 50.0]])
    # formation from exploration is legal; stability from exploration skips a phase
    assert d.legal_from([S.EXPLORATION, S.EXPLORATION]).tolist() == [True, False]
    assert d.legal_from(["decline", "formation"]).tolist() == [True, True]
    with pytest.raises(InvalidParameterError, match="'previous'"):
        d.legal_from(["nope", "formation"])
    with pytest.raises(ShapeMismatchError):
        d.legal_from(["formation"])


def test_results_read_only():
    d = detect_stages([[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match="read-only"):
        d.codes[0] = 1


@pytest.mark.parametrize(
    ("values", "err", "match"),
    [
        ([[1.0, math.nan]], InvalidParameterError, "NaN"),
        ([1.0, 2.0], ShapeMismatchError, "2-dimensional"),
        (np.zeros((0, 4)), InvalidParameterError, "at least one account"),
        (np.zeros((3, 0)), InvalidParameterError, "at least one account"),
        ([["a", "b"]], InvalidParameterError, "numeric"),
    ],
)
def test_bad_values(values, err, match):
    with pytest.raises(err, match=match):
        detect_stages(values)


def test_bad_ids_and_rules():
    with pytest.raises(ShapeMismatchError, match="'ids'"):
        detect_stages([[1.0, 2.0]], ids=["a", "b"])
    with pytest.raises(InvalidParameterError, match="'rules'"):
        detect_stages([[1.0, 2.0]], rules={"window": 3})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"window": 0}, "'window'"),
        ({"window": 2.5}, "'window'"),
        ({"min_history": True}, "'min_history'"),
        ({"growth": -0.1}, "'growth'"),
        ({"decline": math.nan}, "'decline'"),
        ({"peak_ratio": 1.5}, "'peak_ratio'"),
        ({"min_level": math.inf}, "'min_level'"),
    ],
)
def test_bad_rules(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        StageRules(**kwargs)
