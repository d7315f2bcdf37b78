"""Array functions for the account records: churn, funnel, NPS, complaints, value matrix."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kamcore import Portfolio
from kamcore.domain import (
    ChurnRecord,
    ChurnType,
    Complaint,
    ComplaintChannel,
    ComplaintSeverity,
    DeclineCause,
    FunnelStage,
    Money,
    Opportunity,
)
from kamcore.errors import (
    CurrencyMismatchError,
    InvalidParameterError,
    ShapeMismatchError,
)
from kamcore.metrics import (
    CHURN_TYPE_LEVELS,
    DECLINE_CAUSE_LEVELS,
    churn_arrays,
    churn_by_cause,
    churn_by_type,
    funnel_conversion,
    opportunity_arrays,
    pipeline_value,
)
from kamcore.satisfaction import complaint_arrays, complaint_kpis, nps
from kamcore.scoring import (
    PYRAMID_PRESETS,
    VALUE_CLASSES,
    VALUE_QUADRANTS,
    ChurnRiskScorer,
    PyramidScorer,
    ValueClassScorer,
    ValueMatrixScorer,
    get_scorer,
)
from kamcore.testing import check_scorer

D = dt.date
AS_OF = "2025-06-30"


# ------------------------------------------------------------------ churn
def test_churn_by_type_counts_and_shares() -> None:
    b = churn_by_type([0, 2, 2, 3, -1, 2, 1, 2])
    assert b.levels == CHURN_TYPE_LEVELS == ("natural", "malicious", "competitive", "negligent")
    assert b.counts.tolist() == [1, 1, 4, 1]
    assert b.unrecorded == 1
    assert b.total == 7.0
    assert b.shares.tolist() == pytest.approx([1 / 7, 1 / 7, 4 / 7, 1 / 7])
    weighted = churn_by_type([2, 3, -1], weights=[300.0, 100.0, 50.0])
    assert weighted.as_dict() == {
        "natural": 0.0,
        "malicious": 0.0,
        "competitive": 0.75,
        "negligent": 0.25,
    }
    empty = churn_by_type(np.array([], dtype=np.int64))
    assert empty.counts.tolist() == [0, 0, 0, 0]
    assert np.isnan(empty.shares).all()
    assert not empty.shares.flags.writeable


def test_churn_bad_input() -> None:
    with pytest.raises(
        InvalidParameterError,
        match=r"'codes' must be churn-type codes in -1..3; "
        r"got 1 bad value \(first at index 1: 4\)",
    ):
        churn_by_type([0, 4])
    with pytest.raises(InvalidParameterError, match=r"'codes' must be a whole number"):
        churn_by_type([0.5])
    with pytest.raises(InvalidParameterError, match=r"'weights' must be >= 0"):
        churn_by_type([0], weights=[-1.0])
    with pytest.raises(ShapeMismatchError, match="one value per record"):
        churn_by_type([0, 1], weights=[1.0])
    with pytest.raises(ShapeMismatchError, match=r"'flags' must have shape \(N, 7\)"):
        churn_by_cause([[1, 0]])
    with pytest.raises(InvalidParameterError, match=r"'flags' must be 0/1 or True/False"):
        churn_by_cause([[2, 0, 0, 0, 0, 0, 0]])
    with pytest.raises(InvalidParameterError, match="only ChurnRecord objects"):
        churn_arrays(["x"])  # type: ignore[list-item]


def test_churn_from_records() -> None:
    records = [
        ChurnRecord(
            D(2024, 1, 1),
            churn_type=ChurnType.COMPETITIVE,
            causes={DeclineCause.PRICE_AND_TERMS, DeclineCause.COMPETITOR_OFFER},
        ),
        ChurnRecord(D(2024, 2, 1), causes={DeclineCause.PRICE_AND_TERMS}),
        ChurnRecord(D(2024, 3, 1), churn_type=ChurnType.NEGLIGENT),
    ]
    codes, flags = churn_arrays(records)
    by_type = churn_by_type(codes)
    by_cause = churn_by_cause(flags)
    assert by_type.as_dict()["competitive"] == 0.5
    assert by_type.unrecorded == 1
    assert by_cause.levels == DECLINE_CAUSE_LEVELS
    assert by_cause.as_dict()["price_and_terms"] == pytest.approx(2 / 3)
    assert by_cause.counts.sum() == 3


@given(hnp.arrays(np.int64, st.integers(0, 60), elements=st.integers(-1, 3)))
def test_churn_by_type_properties(codes: np.ndarray) -> None:
    b = churn_by_type(codes)
    assert int(b.counts.sum()) + b.unrecorded == codes.size
    if b.total > 0:
        assert float(b.shares.sum()) == pytest.approx(1.0)
    again = churn_by_type(codes[::-1])
    assert again.counts.tolist() == b.counts.tolist()


# ------------------------------------------------------------------ funnel
def test_pipeline_value_by_hand() -> None:
    v = pipeline_value(
        [0, 1, 2, 2, 3, 4], [100.0, 200, 1000, 500, 900, 50], [0.1, 0.25, 0.5, 0.6, 1.0, 0.0]
    )
    assert v.stages == ("lead", "prospect", "opportunity")
    assert v.weighted.tolist() == [10.0, 50.0, 800.0]
    assert v.amount.tolist() == [100.0, 200.0, 1500.0]
    assert v.counts.tolist() == [1, 1, 2]
    assert v.total == 860.0


def test_funnel_conversion_by_hand() -> None:
    # 10 deals: 3 still leads, 1 prospect, 1 opportunity, 3 won, 2 lost (one as a lead,
    # one as an opportunity). Reached: lead 10, prospect 6, opportunity 5, won 3.
    stage = [0, 0, 0, 1, 2, 3, 3, 3, 4, 4]
    lost_from = [-1] * 8 + [0, 2]
    c = funnel_conversion(stage, lost_from)
    assert c.reached.tolist() == [10, 6, 5, 3]
    assert c.conversion.tolist() == pytest.approx([0.6, 5 / 6, 0.6])
    assert c.lost.tolist() == [1, 0, 1]
    assert c.won == 3
    assert c.overall == pytest.approx(0.3)
    assert c.win_rate == pytest.approx(0.6)
    empty = funnel_conversion([])
    assert math.isnan(empty.win_rate)
    assert np.isnan(empty.conversion).all()


def test_funnel_bad_input() -> None:
    with pytest.raises(
        InvalidParameterError, match="'lost_from' must be given when deals are LOST"
    ):
        funnel_conversion([4])
    with pytest.raises(
        InvalidParameterError, match=r"'lost_from' must be the open stage .*got 1 bad"
    ):
        funnel_conversion([4, 0], [3, -1])
    with pytest.raises(InvalidParameterError, match=r"'stage' must be funnel-stage codes in 0..4"):
        pipeline_value([5], [1.0], [0.5])
    with pytest.raises(InvalidParameterError, match=r"'probability' must be in \[0, 1\]"):
        pipeline_value([0], [1.0], [1.5])
    with pytest.raises(InvalidParameterError, match=r"'amount' must be finite"):
        pipeline_value([0], [float("nan")], [0.5])
    with pytest.raises(ShapeMismatchError, match="same length"):
        pipeline_value([0, 1], [1.0], [0.5])


def test_opportunity_arrays_feed_the_functions() -> None:
    eur = Money.of
    deals = [
        Opportunity("o1", "c1", FunnelStage.OPPORTUNITY, eur("1000", "EUR"), 0.5),
        Opportunity("o2", "c2", FunnelStage.LEAD, eur("400", "EUR"), 0.1).lose(on=D(2025, 1, 1)),
        Opportunity("o3", "c3", FunnelStage.PROSPECT, eur("600", "EUR"), 0.2).win(on=D(2025, 2, 1)),
    ]
    stage, amount, probability, lost_from = opportunity_arrays(deals)
    assert pipeline_value(stage, amount, probability).total == 500.0
    assert funnel_conversion(stage, lost_from).win_rate == 0.5
    with pytest.raises(CurrencyMismatchError, match="one currency"):
        opportunity_arrays([*deals, Opportunity("o4", "c", FunnelStage.LEAD, eur("1", "USD"), 0)])


@given(
    st.lists(
        st.tuples(st.integers(0, 4), st.floats(0, 1e6), st.floats(0, 1), st.integers(0, 2)),
        max_size=40,
    )
)
def test_funnel_properties(rows: list[tuple[int, float, float, int]]) -> None:
    stage = np.array([r[0] for r in rows], dtype=np.int64)
    amount = np.array([r[1] for r in rows])
    prob = np.array([r[2] for r in rows])
    lost_from = np.array([r[3] for r in rows], dtype=np.int64)
    v = pipeline_value(stage, amount, prob)
    open_ = stage < 3
    assert v.total == pytest.approx(float(np.sum(amount[open_] * prob[open_])), rel=1e-9, abs=1e-6)
    assert int(v.counts.sum()) == int(open_.sum())
    c = funnel_conversion(stage, lost_from)
    assert c.reached[0] == len(rows)
    assert (np.diff(c.reached) <= 0).all()
    ok = ~np.isnan(c.conversion)
    assert ((c.conversion[ok] >= 0) & (c.conversion[ok] <= 1)).all()
    assert c.won + int(c.lost.sum()) == int(np.sum(stage >= 3))


# ------------------------------------------------------------------ NPS
def test_nps_ten_answers_by_hand() -> None:
    # 10, 9, 9, 10 promoters (4); 8, 7, 8 passives (3); 6, 5, 3 detractors (3).
    # NPS = 40 % - 30 % = 10. Var = (0.4 + 0.3 - 0.1**2) / 10 = 0.069, se = 26.268 points,
    # 95 % interval 10 -/+ 1.959964 * 26.268 = [-41.48, 61.48].
    r = nps([10, 9, 9, 8, 7, 6, 5, 10, 3, 8])
    assert (r.n, r.promoters, r.passives, r.detractors) == (10, 4, 3, 3)
    assert r.score == pytest.approx(10.0)
    assert r.standard_error == pytest.approx(100 * math.sqrt(0.069))
    assert r.ci_low == pytest.approx(10 - 1.959963985 * 100 * math.sqrt(0.069))
    assert r.ci_high == pytest.approx(10 + 1.959963985 * 100 * math.sqrt(0.069))
    assert r.by_customer is None
    wide = nps([10, 9, 9, 8, 7, 6, 5, 10, 3, 8], confidence=0.99)
    assert wide.ci_low < r.ci_low


def test_nps_per_customer_by_hand() -> None:
    r = nps([10, 0, 9, 7, 8, 6], ["b", "a", "b", "a", "c", "c"])
    by = r.by_customer
    assert by is not None
    assert by.ids.tolist() == ["a", "b", "c"]
    assert by.n.tolist() == [2, 2, 2]
    assert by.promoters.tolist() == [0, 2, 0]
    assert by.passives.tolist() == [1, 0, 1]
    assert by.detractors.tolist() == [1, 0, 1]
    assert by.score.tolist() == [-50.0, 100.0, -50.0]
    assert by.standard_error[1] == 0.0  # every answer in one category
    assert r.score == pytest.approx(100 * (2 - 2) / 6)


def test_nps_bad_input() -> None:
    with pytest.raises(InvalidParameterError, match=r"'scores' must be in \[0, 10\]; got 1 bad"):
        nps([11, 5])
    with pytest.raises(InvalidParameterError, match=r"'scores' must be a whole number"):
        nps([9.5])
    with pytest.raises(InvalidParameterError, match=r"'scores' must be finite"):
        nps([float("nan")])
    with pytest.raises(InvalidParameterError, match="at least one answer"):
        nps([])
    with pytest.raises(InvalidParameterError, match=r"'confidence' must be in \(0, 1\); got 1.0"):
        nps([5], confidence=1.0)
    with pytest.raises(ShapeMismatchError, match="same length"):
        nps([5, 6], ["a"])
    # the one id validator: the offending id is named
    with pytest.raises(
        InvalidParameterError,
        match=r"'customer_ids' must be strings \(no integers\); got 1 bad value \(first at index 0: 1\)",
    ):
        nps([5], [1])


@given(st.lists(st.tuples(st.integers(0, 10), st.sampled_from("abcd")), min_size=1, max_size=50))
def test_nps_properties(rows: list[tuple[int, str]]) -> None:
    scores = np.array([r[0] for r in rows])
    ids = np.array([r[1] for r in rows])
    r = nps(scores, ids)
    assert -100.0 <= r.ci_low <= r.score <= r.ci_high <= 100.0
    assert r.promoters + r.passives + r.detractors == r.n == len(rows)
    by = r.by_customer
    assert by is not None
    assert int(by.n.sum()) == r.n
    for k, cid in enumerate(by.ids.tolist()):  # each customer alone gives the same figures
        alone = nps(scores[ids == cid])
        assert by.score[k] == pytest.approx(alone.score)
        assert by.ci_low[k] == pytest.approx(alone.ci_low)
    assert nps(scores[::-1]).score == pytest.approx(r.score)


# ------------------------------------------------------------------ complaints
def _complaints() -> list[Complaint]:
    ch, sev = ComplaintChannel.PHONE, ComplaintSeverity.MEDIUM
    return [
        Complaint("a", D(2025, 1, 1), ch, "delivery", sev, resolved_on=D(2025, 1, 3)),
        Complaint("b", D(2025, 1, 3), ch, "invoice", sev, resolved_on=D(2025, 1, 9)),
        Complaint("a", D(2025, 2, 1), ch, "quality", sev),
        Complaint("c", D(2025, 2, 10), ch, "delivery", sev, resolved_on=D(2025, 2, 11)),
    ]


def test_complaint_kpis_by_hand() -> None:
    k = complaint_kpis(*complaint_arrays(_complaints()))
    assert (k.count, k.resolved, k.share_resolved) == (4, 3, 0.75)
    assert k.mean_days_to_resolve == 3.0  # (2 + 6 + 1) / 3
    assert k.median_days_to_resolve == 2.0
    assert k.customer_ids.tolist() == ["a", "b", "c"]
    assert k.customer_counts.tolist() == [2, 1, 1]
    assert k.customer_open.tolist() == [1, 0, 0]
    empty = complaint_kpis([], np.array([], dtype="datetime64[D]"), np.array([], "datetime64[D]"))
    assert empty.count == 0
    assert math.isnan(empty.share_resolved)
    assert empty.counts_for(["a"]).tolist() == [0]


def test_complaint_counts_feed_the_churn_signal() -> None:
    kpis = complaint_kpis(*complaint_arrays(_complaints()))
    p = Portfolio.from_columns(["a", "b", "z"], {"order_volume_change": [0.0, 0.0, 0.0]})
    p = p.with_columns({"complaints": kpis.counts_for(p.ids)})
    assert p["complaints"].tolist() == [2, 1, 0]
    only = dict.fromkeys(
        ("falling_orders", "longer_cycle", "falling_sow", "satisfaction_gap", "late_payment")
    )
    r = ChurnRiskScorer(columns=only).score(p, as_of=AS_OF)
    assert r.extras["signal_names"] == ("complaints",)
    assert r.extras["risk"].tolist() == [1.0, 1.0, 0.0]
    open_only = p.with_columns({"complaints": kpis.counts_for(p.ids, open_only=True)})
    assert ChurnRiskScorer(columns=only).score(open_only, as_of=AS_OF).extras["risk"].tolist() == [
        1.0,
        0.0,
        0.0,
    ]


def test_complaint_kpis_bad_input() -> None:
    with pytest.raises(InvalidParameterError, match=r"'resolved' must be on or after the day"):
        complaint_kpis(["a"], ["2025-01-05"], ["2025-01-01"])
    with pytest.raises(InvalidParameterError, match=r"'received' must be a date \(no NaT"):
        complaint_kpis(["a"], [None], [None])
    with pytest.raises(InvalidParameterError, match=r"'received' must be dates .*not numbers"):
        complaint_kpis(["a"], [20250101], [None])
    with pytest.raises(ShapeMismatchError, match="same length"):
        complaint_kpis(["a", "b"], ["2025-01-01"], [None])
    with pytest.raises(InvalidParameterError, match="only Complaint objects"):
        complaint_arrays([1])  # type: ignore[list-item]


# ------------------------------------------------------------------ value matrix
def test_value_matrix_quadrants_by_hand() -> None:
    # current: mean 50 -> a, b high; potential: mean 40 -> a, c high.
    p = Portfolio.from_columns(
        list("abcde"),
        {"sales_last_year": [100.0, 90, 20, 30, 10], "expected_sales": [80.0, 10, 90, 10, 10]},
    )
    r = get_scorer("value_matrix").score(p, as_of=AS_OF)
    assert r.classes is not None
    assert r.classes.tolist() == ["high_high", "high_low", "low_high", "low_low", "low_low"]
    assert r.scores.tolist() == [3.0, 2.0, 1.0, 0.0, 0.0]
    assert r.class_levels == VALUE_QUADRANTS
    assert (r.extras["current_threshold"], r.extras["potential_threshold"]) == (50.0, 40.0)
    given_cuts = ValueMatrixScorer(current_threshold=95.0, potential_threshold=5.0)
    assert given_cuts.score(p, as_of=AS_OF).classes.tolist() == [  # type: ignore[union-attr]
        "high_high",
        "low_high",
        "low_high",
        "low_high",
        "low_high",
    ]


def test_value_matrix_conformance_and_bad_input() -> None:
    check_scorer(ValueMatrixScorer())
    check_scorer(ValueMatrixScorer(current="profit_last_year", potential_threshold=5e5))
    with pytest.raises(InvalidParameterError, match=r"'current_threshold' must be finite; got inf"):
        ValueMatrixScorer(current_threshold=math.inf)
    with pytest.raises(InvalidParameterError, match=r"'potential_threshold' must be a real number"):
        ValueMatrixScorer(potential_threshold="high")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="'nan_policy' must be 'raise' or 'last'"):
        ValueMatrixScorer(nan_policy="skip")


def test_five_classes_put_high_high_in_core() -> None:
    # t_c = 100, t_p = 100, t_core = 400: "b" is high now and later, below t_core -> core;
    # "c" is high now, low later -> important.
    p = Portfolio.from_columns(
        list("abc"), {"sales_last_year": [500.0, 200, 300], "expected_sales": [0.0, 500, 0]}
    )
    s = ValueClassScorer(
        current_threshold=100.0,
        potential_threshold=100.0,
        core_threshold=400.0,
        small_threshold=20.0,
    )
    assert s.score(p, as_of=AS_OF).classes.tolist() == ["core", "core", "important"]  # type: ignore[union-attr]


_values = hnp.arrays(
    np.float64,
    st.integers(2, 40),
    elements=st.sampled_from([0.0, 1.0, 5.0, 10.0, 50.0, 100.0, 500.0, 1e3]),
)


@given(_values, st.data())
def test_high_high_never_ranks_below_high_low_on_both_scorers(
    current: np.ndarray, data: st.DataObject
) -> None:
    potential = data.draw(
        hnp.arrays(
            np.float64, current.shape[0], elements=st.sampled_from([0.0, 2.0, 20.0, 200.0, 2e3])
        )
    )
    p = Portfolio.from_columns(
        [f"a{i}" for i in range(current.shape[0])],
        {"sales_last_year": current, "expected_sales": potential},
    )
    matrix = ValueMatrixScorer().score(p, as_of=AS_OF)
    classes = ValueClassScorer().score(p, as_of=AS_OF)
    quadrant = np.asarray(matrix.classes)
    hh, hl = quadrant == "high_high", quadrant == "high_low"
    if hh.any() and hl.any():
        assert matrix.scores[hh].min() > matrix.scores[hl].max()
        codes = np.asarray(classes.class_codes)
        assert codes[hh].max() <= codes[hl].min()  # class rank 0 = most valuable
    # same cut points on both scorers
    assert matrix.extras["current_threshold"] == classes.extras["current_threshold"]
    assert matrix.extras["potential_threshold"] == classes.extras["potential_threshold"]
    # quadrants refine into the documented classes
    labels = np.asarray(classes.classes)
    assert set(labels[hh]) <= {"core"}
    assert set(labels[hl]) <= {"core", "important"}
    assert set(labels[quadrant == "low_high"]) <= {"potential"}
    assert set(labels[quadrant == "low_low"]) <= {"ordinary", "small_medium"}
    assert set(labels) <= set(VALUE_CLASSES)


def test_platinum_gold_iron_lead_preset() -> None:
    shares, labels = PYRAMID_PRESETS["zeithaml"]
    assert labels == ("platinum", "gold", "iron", "lead")
    assert sum(shares) == pytest.approx(1.0)
    p = Portfolio.from_columns(
        [f"c{i:02d}" for i in range(20)], {"sales_last_year": [float(v) for v in range(20)]}
    )
    r = PyramidScorer(preset="zeithaml").score(p, as_of=AS_OF)
    assert r.extras["tier_counts"] == (1, 3, 6, 10)
    assert r.classes is not None
    assert r.classes[-1] == "platinum"
    check_scorer(get_scorer("pyramid", preset="zeithaml"))
