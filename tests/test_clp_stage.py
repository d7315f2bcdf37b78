"""Tests of kamcore.clp._stage: stage-shaped profit and margin-path CLP."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kamcore.clp import (
    DEFAULT_STAGE_PROFILE,
    LIVE_STAGES,
    StageParameters,
    StageProfile,
    curve_lifetime_profit,
    lifetime_profit,
    matrix_lifetime_profit,
    stage_codes,
    stage_lifetime_profit,
)
from kamcore.domain import LifecycleStage
from kamcore.errors import InvalidParameterError, ShapeMismatchError, UnknownNameError

timings = st.sampled_from(["end", "start", "end_certain"])
rates = st.floats(0.01, 0.5)
stage_params = st.builds(
    StageParameters,
    duration=st.one_of(st.floats(1.0, 20.0), st.just(math.inf)),
    margin=st.floats(-100.0, 1000.0),
    retention=st.floats(0.0, 1.0),
)
profiles = st.builds(
    StageProfile,
    exploration=stage_params,
    formation=stage_params,
    stability=stage_params,
    decline=stage_params,
    redevelopment=st.floats(0.0, 1.0),
)


# ------------------------------------------------------------------ plain-Python references
def stage_reference(profile, stage_index, d, timing, periods):
    """Explicit sum over periods of the expected margin, by propagating a distribution."""
    params = [profile[s] for s in LIVE_STAGES]
    dist = [0.0] * 4
    dist[stage_index] = 1.0
    start_total = 0.0  # sum_{t=0}^{periods-1} E[margin at t] / (1+d)^t
    end_total = 0.0  # sum_{t=1}^{periods} ...
    for t in range(periods + 1):
        expected = sum(dist[i] * params[i].margin for i in range(4))
        if t < periods:
            start_total += expected / (1 + d) ** t
        if t >= 1:
            end_total += expected / (1 + d) ** t
        new = [0.0] * 4
        for i, p in enumerate(params):
            a = 0.0 if math.isinf(p.duration) else 1.0 / p.duration
            new[i] += dist[i] * p.retention * (1 - a)
            if i < 3:
                new[i + 1] += dist[i] * p.retention * a
            else:
                new[1] += dist[i] * p.retention * a * profile.redevelopment
        dist = new
    if timing == "start":
        return start_total
    if timing == "end":
        return end_total
    return start_total / (1 + d)


def matrix_reference(margins, retention, d, timing, a=0.0, c=0.0):
    """Loop over customers and periods; retention is a full (n, T) nested list."""
    out = []
    for row, rrow in zip(margins, retention, strict=True):
        total = 0.0
        for t in range(1, len(row) + 1):
            if timing == "end":
                surv = math.prod(rrow[:t])
                when = t
            else:
                surv = math.prod(rrow[: t - 1])
                when = t - 1 if timing == "start" else t
            total += (row[t - 1] - c) * surv / (1 + d) ** when
        out.append(total - a)
    return out


# ------------------------------------------------------------------ stage table
def test_default_profile_is_documented_and_readable():
    p = DEFAULT_STAGE_PROFILE
    assert p["stability"].margin == 1.0
    assert p[LifecycleStage.EXPLORATION].duration == 1.0
    assert p.redevelopment == 0.0
    q = p.transition_matrix()
    np.testing.assert_allclose(q.sum(axis=1)[:3], [0.6, 0.85, 0.92])
    assert not q.flags.writeable


def test_profile_overrides():
    p = DEFAULT_STAGE_PROFILE.with_stage("decline", retention=0.5)
    assert p.decline.retention == 0.5
    assert p.stability == DEFAULT_STAGE_PROFILE.stability
    p2 = StageProfile.from_mapping(
        {"stability": {"margin": 3.0}, LifecycleStage.FORMATION: StageParameters(3, 1, 0.9)},
        redevelopment=0.2,
    )
    assert p2.stability.margin == 3.0
    assert p2.stability.duration == DEFAULT_STAGE_PROFILE.stability.duration
    assert p2.formation == StageParameters(3.0, 1.0, 0.9)
    assert p2.redevelopment == 0.2


@pytest.mark.parametrize(
    ("build", "err", "match"),
    [
        (lambda: StageParameters(0.5, 1.0, 0.5), InvalidParameterError, "'duration' must be >= 1"),
        (lambda: StageParameters(math.nan, 1.0, 0.5), InvalidParameterError, "duration"),
        (lambda: StageParameters(2.0, math.inf, 0.5), InvalidParameterError, "'margin'"),
        (lambda: StageParameters(2.0, 1.0, 1.5), InvalidParameterError, "'retention'"),
        (lambda: DEFAULT_STAGE_PROFILE.with_stage("ended", margin=1.0), UnknownNameError, "ended"),
        (
            lambda: DEFAULT_STAGE_PROFILE.with_stage("growth", margin=1.0),
            UnknownNameError,
            "growth",
        ),
        (
            lambda: DEFAULT_STAGE_PROFILE.with_stage("decline", colour=1.0),
            UnknownNameError,
            "colour",
        ),
        (lambda: attrs_evolve_redevelopment(1.5), InvalidParameterError, "redevelopment"),
        (lambda: DEFAULT_STAGE_PROFILE.values(0.1, timing="mid"), InvalidParameterError, "timing"),
        (lambda: DEFAULT_STAGE_PROFILE.values(-1.0), InvalidParameterError, "discount_rate"),
    ],
)
def test_bad_profiles(build, err, match):
    with pytest.raises(err, match=match):
        build()


def attrs_evolve_redevelopment(value):
    return StageProfile.from_mapping({}, redevelopment=value)


def test_divergent_infinite_horizon_is_rejected():
    forever = StageProfile.constant(margin=1.0, retention=1.0)
    with pytest.raises(InvalidParameterError, match="diverges"):
        forever.values(0.0)
    assert forever.values(0.0, n_periods=5, timing="start")[0] == pytest.approx(5.0)


def test_hand_value_single_stage_path():
    # Decline only (start there), r = 0.5, D = 1: ends after one period for sure.
    p = DEFAULT_STAGE_PROFILE.with_stage("decline", duration=1.0, margin=10.0, retention=0.5)
    v = p.values(0.0, timing="start")
    assert v[LIVE_STAGES.index(LifecycleStage.DECLINE)] == pytest.approx(10.0)
    assert p.values(0.0, timing="end")[3] == pytest.approx(0.0)


@given(
    st.floats(-100, 1000),
    st.floats(0.0, 0.99),
    rates,
    timings,
    st.one_of(st.none(), st.integers(0, 40)),
)
def test_constant_profile_equals_closed_form(m, r, d, timing, horizon):
    p = StageProfile.constant(margin=m, retention=r)
    v = p.values(d, timing=timing, n_periods=horizon)
    ref = lifetime_profit(m, r, d, timing=timing, n_periods=horizon)
    np.testing.assert_allclose(v[:4], ref, rtol=1e-9, atol=1e-9)
    assert v[4] == 0.0


@given(profiles, st.integers(0, 3), rates, timings, st.integers(0, 30))
def test_finite_values_equal_explicit_sum(profile, s, d, timing, periods):
    got = profile.values(d, timing=timing, n_periods=periods)[s]
    ref = stage_reference(profile, s, d, timing, periods)
    assert got == pytest.approx(ref, rel=1e-9, abs=1e-8)


@given(profiles, st.integers(0, 3), st.floats(0.05, 0.5), timings)
def test_finite_horizon_tends_to_infinite(profile, s, d, timing):
    inf = profile.values(d, timing=timing)[s]
    far = profile.values(d, timing=timing, n_periods=1500)[s]
    assert far == pytest.approx(inf, rel=1e-7, abs=1e-7)


@given(profiles, st.integers(0, 3), rates, st.floats(0.0, 100.0))
def test_value_increases_with_stage_margin(profile, s, d, extra):
    stage = LIVE_STAGES[s]
    richer = profile.with_stage(stage, margin=profile[stage].margin + extra)
    before = profile.values(d)
    after = richer.values(d)
    assert np.all(after >= before - 1e-9 * (1 + np.abs(before)))


@given(profiles, rates)
def test_value_increases_with_retention_for_positive_margins(profile, d):
    pos = profile
    for stage in LIVE_STAGES:
        pos = pos.with_stage(stage, margin=abs(pos[stage].margin))
    better = pos
    for stage in LIVE_STAGES:
        better = better.with_stage(stage, retention=min(1.0, pos[stage].retention + 0.05))
    assert np.all(better.values(d) >= pos.values(d) - 1e-9)


# ------------------------------------------------------------------ stage arrays
def test_stage_codes_accept_members_and_values():
    np.testing.assert_array_equal(
        stage_codes(["exploration", LifecycleStage.DECLINE, "ended", LifecycleStage.FORMATION]),
        [0, 3, 4, 1],
    )
    np.testing.assert_array_equal(stage_codes("stability"), 2)
    np.testing.assert_array_equal(stage_codes(LifecycleStage.STABILITY), 2)


@pytest.mark.parametrize(
    ("stages", "match"),
    [
        (["stability", "growth", "nope"], r"got 2 bad values \(first at index 1: 'growth'\)"),
        ([], "must not be empty"),
        ([1, 2], "lifecycle stages"),
        (["stability", None], "lifecycle stages"),
    ],
)
def test_stage_codes_reject_unknown(stages, match):
    with pytest.raises(InvalidParameterError, match=match):
        stage_codes(stages)


def test_stage_lifetime_profit_examples_and_shapes():
    values = DEFAULT_STAGE_PROFILE.values(0.1)
    got = stage_lifetime_profit(["stability", "ended", "exploration"], 0.1, scale=[2.0, 5.0, 1.0])
    np.testing.assert_allclose(got, [2 * values[2], 0.0, values[0]])
    with pytest.raises(ShapeMismatchError, match="broadcast"):
        stage_lifetime_profit(["stability", "ended"], 0.1, scale=[1.0, 2.0, 3.0])
    with pytest.raises(InvalidParameterError, match="scale"):
        stage_lifetime_profit(["stability"], 0.1, scale=[math.nan])


@given(
    st.lists(st.sampled_from(list(LifecycleStage)), min_size=1, max_size=40),
    st.data(),
    rates,
    timings,
)
def test_stage_lifetime_profit_vectorised_equals_scalar_and_permutes(stages, data, d, timing):
    n = len(stages)
    scale = data.draw(hnp.arrays(np.float64, n, elements=st.floats(0, 1e4)))
    as_values = [s.value for s in stages]
    got = stage_lifetime_profit(as_values, d, scale=scale, timing=timing)
    mixed = np.array([s if i % 2 else s.value for i, s in enumerate(stages)], dtype=object)
    np.testing.assert_allclose(stage_lifetime_profit(mixed, d, scale=scale, timing=timing), got)
    ref = [
        float(stage_lifetime_profit(s, d, scale=float(k), timing=timing))
        for s, k in zip(stages, scale, strict=True)
    ]
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12)
    perm = np.asarray(data.draw(st.permutations(range(n))), dtype=np.intp)
    np.testing.assert_allclose(
        stage_lifetime_profit(np.asarray(as_values)[perm], d, scale=scale[perm], timing=timing),
        got[perm],
    )


# ------------------------------------------------------------------ margin paths
@st.composite
def path_problems(draw):
    n = draw(st.integers(1, 12))
    t = draw(st.integers(1, 10))
    margins = draw(hnp.arrays(np.float64, (n, t), elements=st.floats(-100, 1000)))
    retention = draw(hnp.arrays(np.float64, (n, t), elements=st.floats(0, 1)))
    return margins, retention


@given(path_problems(), rates, timings, st.floats(0, 50), st.floats(0, 5))
def test_matrix_full_retention_equals_loop_reference(problem, d, timing, a, c):
    margins, retention = problem
    got = matrix_lifetime_profit(
        margins, retention, d, timing=timing, acquisition_cost=a, cost_to_serve=c, chunk_size=3
    )
    ref = matrix_reference(margins.tolist(), retention.tolist(), d, timing, a, c)
    np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-8)


@given(path_problems(), rates, timings, st.integers(1, 15))
def test_matrix_chunk_invariance_all_retention_shapes(problem, d, timing, chunk):
    margins, retention = problem
    n, t = margins.shape
    for r in (retention, retention[:, 0], retention[:1, :], 0.7):
        one = matrix_lifetime_profit(margins, r, d, timing=timing, chunk_size=chunk)
        whole = matrix_lifetime_profit(margins, r, d, timing=timing, chunk_size=n)
        np.testing.assert_allclose(one, whole, rtol=1e-12, atol=1e-9)
    # the special shapes mean the same as the full matrix they stand for
    full_customer = np.repeat(retention[:, :1], t, axis=1)
    np.testing.assert_allclose(
        matrix_lifetime_profit(margins, retention[:, 0], d, timing=timing),
        matrix_lifetime_profit(margins, full_customer, d, timing=timing),
        rtol=1e-10,
        atol=1e-9,
    )
    full_period = np.repeat(retention[:1, :], n, axis=0)
    np.testing.assert_allclose(
        matrix_lifetime_profit(margins, retention[:1, :], d, timing=timing),
        matrix_lifetime_profit(margins, full_period, d, timing=timing),
        rtol=1e-10,
        atol=1e-9,
    )


@given(path_problems(), rates, st.data())
def test_matrix_permutation_equivariance(problem, d, data):
    margins, retention = problem
    perm = np.asarray(data.draw(st.permutations(range(margins.shape[0]))), dtype=np.intp)
    got = matrix_lifetime_profit(margins, retention, d, chunk_size=2)
    np.testing.assert_allclose(
        matrix_lifetime_profit(margins[perm], retention[perm], d, chunk_size=2),
        got[perm],
        rtol=1e-12,
        atol=1e-9,
    )


@given(st.floats(-100, 1000), st.floats(0, 1), rates, st.integers(1, 30), timings)
def test_constant_matrix_equals_closed_form(m, r, d, t, timing):
    got = matrix_lifetime_profit(np.full((2, t), m), r, d, timing=timing, acquisition_cost=1.0)
    ref = lifetime_profit(m, r, d, n_periods=t, timing=timing, acquisition_cost=1.0)
    np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-9)


@given(
    hnp.arrays(np.float64, st.integers(1, 20), elements=st.floats(-100, 1000)),
    hnp.arrays(np.float64, st.integers(1, 12), elements=st.floats(0, 2)),
    st.data(),
    rates,
    timings,
)
def test_curve_equals_matrix_of_outer_product(level, curve, data, d, timing):
    n = level.size
    r_customer = data.draw(hnp.arrays(np.float64, n, elements=st.floats(0, 1)))
    for r in (r_customer, 0.9, np.full((1, curve.size), 0.8)):
        got = curve_lifetime_profit(
            level, curve, r, d, timing=timing, chunk_size=4, cost_to_serve=0.5
        )
        ref = matrix_lifetime_profit(np.outer(level, curve), r, d, timing=timing, cost_to_serve=0.5)
        np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-8)


def test_matrix_accepts_broadcast_views_without_copy():
    level = np.arange(5.0)
    view = np.broadcast_to(level[:, None], (5, 4))
    np.testing.assert_allclose(
        matrix_lifetime_profit(view, 0.9, 0.1, chunk_size=2),
        lifetime_profit(level, 0.9, 0.1, n_periods=4),
    )


def test_inputs_not_mutated():
    m = np.ones((3, 4))
    r = np.full((3, 4), 0.5)
    matrix_lifetime_profit(m, r, 0.1, cost_to_serve=0.1, acquisition_cost=1.0, chunk_size=1)
    np.testing.assert_array_equal(m, 1.0)
    np.testing.assert_array_equal(r, 0.5)


@pytest.mark.parametrize(
    ("margins", "retention", "kwargs", "err", "match"),
    [
        (np.ones(3), 0.5, {}, ShapeMismatchError, "2-dimensional"),
        (np.ones((0, 3)), 0.5, {}, InvalidParameterError, "must not be empty"),
        (np.ones((3, 2)), np.ones(2), {}, ShapeMismatchError, "retention"),
        (np.ones((3, 2)), 1.5, {}, InvalidParameterError, "retention"),
        (
            np.ones((3, 2)),
            0.5,
            {"acquisition_cost": [1.0, 2.0]},
            ShapeMismatchError,
            "acquisition_cost",
        ),
        (np.ones((3, 2)), 0.5, {"cost_to_serve": -1.0}, InvalidParameterError, "cost_to_serve"),
        (np.ones((3, 2)), 0.5, {"chunk_size": 0}, InvalidParameterError, "chunk_size"),
        (np.ones((3, 2)), 0.5, {"timing": "mid"}, InvalidParameterError, "timing"),
        ([["a", "b"]], 0.5, {}, InvalidParameterError, "numeric"),
    ],
)
def test_matrix_bad_input(margins, retention, kwargs, err, match):
    with pytest.raises(err, match=match):
        matrix_lifetime_profit(margins, retention, 0.1, **kwargs)


def test_matrix_bad_values_named_with_global_index_across_chunks():
    m = np.ones((10, 3))
    m[6, 2] = np.nan
    m[8, 0] = np.inf
    with pytest.raises(
        InvalidParameterError,
        match=r"'margins' must be finite .*got 2 bad values \(first at index \(6, 2\)",
    ):
        matrix_lifetime_profit(m, 0.5, 0.1, chunk_size=4)
    r = np.full((10, 3), 0.5)
    r[9, 1] = 1.2
    with pytest.raises(
        InvalidParameterError,
        match=r"'retention' must be finite and in \[0, 1\]; got 1 bad value "
        r"\(first at index \(9, 1\): 1.2\)",
    ):
        matrix_lifetime_profit(np.ones((10, 3)), r, 0.1, chunk_size=4)


def test_curve_bad_input():
    with pytest.raises(InvalidParameterError, match="'curve'"):
        curve_lifetime_profit([1.0], [math.nan], 0.5, 0.1)
    with pytest.raises(InvalidParameterError, match="'level' must not be empty"):
        curve_lifetime_profit([], [1.0], 0.5, 0.1)


def test_overflow_is_an_error_not_inf():
    with pytest.raises(InvalidParameterError, match="overflows"):
        matrix_lifetime_profit(np.ones((2, 400)), 1.0, -0.99)
    with pytest.raises(InvalidParameterError, match="overflows"):
        matrix_lifetime_profit(np.ones((2, 400)), [1.0, 1.0], -0.99)
    with pytest.raises(InvalidParameterError, match="overflows"):
        curve_lifetime_profit([1.0], np.ones(400), 1.0, -0.99)
    with pytest.raises(InvalidParameterError, match="overflows"):
        StageProfile.constant(margin=1.0, retention=1.0).values(-0.99, n_periods=400)
