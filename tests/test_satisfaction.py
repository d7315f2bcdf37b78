"""SERVQUAL model: hand-computed examples, properties against a plain-Python reference, bad input."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamcore import Portfolio
from kamcore.domain import ExpectationDrivers, SatisfactionSummary
from kamcore.errors import InvalidParameterError, KamcoreError, ShapeMismatchError, UnknownNameError
from kamcore.satisfaction import (
    SERVQUAL_DIMENSIONS,
    Instrument,
    LikertScale,
    SatisfactionModel,
    SurveyResponses,
)

NAN = float("nan")

# A small instrument: dimension "x" = items a, b; dimension "y" = item c; scale 1-7.
SMALL = Instrument(["a", "b", "c"], ["x", "x", "y"], dimensions=["x", "y"])


def small_survey(**kw):
    return SurveyResponses(
        SMALL,
        ["C2", "C1", "C1"],
        perception=[[5, 6, 4], [4, NAN, 6], [7, 7, 3]],
        expectation=[[6, 6, 6], [6, 6, 6], [6, 5, 6]],
        **kw,
    )


# ---------------------------------------------------------------- hand-computed
def test_hand_computed_servqual_small():
    # Gaps by hand: r0 = [-1, 0, -2]; r1 = [-2, missing, 0]; r2 = [1, 2, -3].
    res = SatisfactionModel(weights={"x": 60, "y": 40}).evaluate(small_survey())
    assert res.item_scores[0].tolist() == [-1.0, 0.0, -2.0]
    assert math.isnan(res.item_scores[1, 1])
    # item means: a (-1 - 2 + 1)/3, b (0 + 2)/2 (one missing), c (-2 + 0 - 3)/3
    assert res.item_mean.tolist() == pytest.approx([-2 / 3, 1.0, -5 / 3])
    assert res.item_count.tolist() == [3, 2, 3]
    # respondent x: r0 (-1+0)/2, r1 -2 (only a answered), r2 (1+2)/2; y = c
    assert res.respondent_dimension[:, 0].tolist() == pytest.approx([-0.5, -2.0, 1.5])
    assert res.respondent_dimension[:, 1].tolist() == pytest.approx([-2.0, 0.0, -3.0])
    assert res.respondent_dimension_count.tolist() == [[2, 1], [1, 1], [2, 1]]
    # survey dimension gaps: x (-0.5 - 2 + 1.5)/3 = -1/3, y -5/3
    assert res.dimension.tolist() == pytest.approx([-1 / 3, -5 / 3])
    assert res.dimension_scores() == pytest.approx({"x": -1 / 3, "y": -5 / 3})
    # unweighted = mean of dimension gaps = -1; weighted = 0.6 * -1/3 + 0.4 * -5/3 = -0.8667
    assert res.overall == pytest.approx(-1.0)
    assert res.weighted_overall == pytest.approx(0.6 * (-1 / 3) + 0.4 * (-5 / 3))
    assert res.dimension_weights.tolist() == pytest.approx([0.6, 0.4])
    # customers (sorted): C1 = respondents 1, 2; C2 = respondent 0
    assert res.customer_ids.tolist() == ["C1", "C2"]
    assert res.customer_respondents.tolist() == [2, 1]
    assert res.customer_dimension[0].tolist() == pytest.approx([(-2.0 + 1.5) / 2, (0 - 3) / 2])
    assert res.customer_dimension[1].tolist() == pytest.approx([-0.5, -2.0])
    assert res.customer_overall.tolist() == pytest.approx([(-0.25 - 1.5) / 2, (-0.5 - 2.0) / 2])
    assert res.customer_weighted.tolist() == pytest.approx(
        [0.6 * -0.25 + 0.4 * -1.5, 0.6 * -0.5 + 0.4 * -2.0]
    )


def test_hand_computed_points_weighting():
    # r0 splits 100 points 80/20, r1 50/50, r2 gives 30 + 10 (normalised to 0.75/0.25).
    res = SatisfactionModel(weights="points").evaluate(
        small_survey(importance=[[80, 20], [50, 50], [30, 10]])
    )
    assert res.weight_source == "points"
    assert res.respondent_weights.sum(axis=1).tolist() == pytest.approx([1, 1, 1])
    # weighted per respondent: 0.8*-0.5 + 0.2*-2 = -0.8; 0.5*-2 + 0.5*0 = -1; 0.75*1.5 + 0.25*-3 = 0.375
    assert res.respondent_weighted.tolist() == pytest.approx([-0.8, -1.0, 0.375])
    # survey weighted = mean over respondents (Zeithaml et al. steps 3-5)
    assert res.weighted_overall == pytest.approx((-0.8 - 1.0 + 0.375) / 3)
    assert res.dimension_weights.tolist() == pytest.approx(
        [(0.8 + 0.5 + 0.75) / 3, (0.2 + 0.5 + 0.25) / 3]
    )
    assert res.dimension_weights.sum() == pytest.approx(1.0)
    assert res.customer_weighted.tolist() == pytest.approx([(-1.0 + 0.375) / 2, -0.8])
    assert res.customer_weighted_count.tolist() == [2, 1]


def test_hand_computed_servqual_22_items_1988_reverse():
    inst = Instrument.servqual(version="1988")
    assert inst.items_of("responsiveness") == ("q10", "q11", "q12", "q13")
    assert inst.reverse_scored == frozenset(
        {"q10", "q11", "q12", "q13", "q18", "q19", "q20", "q21", "q22"}
    )
    p = np.full((1, 22), 5.0)
    e = np.full((1, 22), 6.0)
    res = SatisfactionModel().evaluate(SurveyResponses(inst, ["C"], p, expectation=e))
    # reversed items: (8 - 5) - (8 - 6) = +1; the others 5 - 6 = -1
    expected = [-1.0] * 9 + [1.0] * 4 + [-1.0] * 4 + [1.0] * 5
    assert res.item_scores[0].tolist() == expected
    assert res.dimension.tolist() == [-1.0, -1.0, 1.0, -1.0, 1.0]
    assert res.overall == pytest.approx(-0.2)
    # expectation-only reversal: reversed items gap = 5 - (8 - 6) = 3
    inst_e = Instrument.servqual(version="1988", reverse_sections=["expectation"])
    res_e = SatisfactionModel().evaluate(SurveyResponses(inst_e, ["C"], p, expectation=e))
    assert res_e.item_scores[0, 9] == 3.0
    assert res_e.item_scores[0, 0] == -1.0


def test_zone_of_tolerance_and_servperf():
    r = SurveyResponses(
        SMALL,
        ["A", "B"],
        perception=[[5, 5, 3], [6, 4, 2]],
        adequate=[[4, 4, 4], [4, 4, 4]],
        desired=[[6, 6, 6], [6, 6, 6]],
    )
    model = SatisfactionModel()
    zone = model.evaluate_zone(r)
    # MSA x: r0 (1+1)/2 = 1, r1 (2+0)/2 = 1 -> 1; y: (-1 + -2)/2 = -1.5
    assert zone.adequacy.dimension.tolist() == pytest.approx([1.0, -1.5])
    # MSS x: r0 -1, r1 (0 - 2)/2 = -1 -> -1; y: (-3 - 4)/2 = -3.5
    assert zone.superiority.dimension.tolist() == pytest.approx([-1.0, -3.5])
    assert zone.dimension_zone.tolist() == pytest.approx([2.0, 2.0])
    assert zone.dimension_position() == {"x": "within", "y": "below"}
    assert zone.adequacy.variant == "msa"
    assert zone.superiority.variant == "mss"
    perf = model.evaluate_servperf(r)
    assert perf.dimension.tolist() == pytest.approx([5.0, 2.5])
    assert perf.overall == pytest.approx(3.75)


# ---------------------------------------------------------------- plain-Python reference
def reference(p, e, customers, weights):
    """Scalar reference of the SERVQUAL aggregation (NaN = missing)."""
    n, k = len(p), len(p[0])
    groups = {"x": [0, 1], "y": [2, 3, 4]}
    resp = []
    for i in range(n):
        row = {}
        for dname, cols in groups.items():
            vals = [
                p[i][j] - e[i][j] for j in cols if not (math.isnan(p[i][j]) or math.isnan(e[i][j]))
            ]
            row[dname] = sum(vals) / len(vals) if vals else None
        resp.append(row)
    del k

    def agg(rows):
        dims = {}
        for dname in groups:
            vals = [r[dname] for r in rows if r[dname] is not None]
            dims[dname] = sum(vals) / len(vals) if vals else None
        if any(v is None for v in dims.values()):
            return dims, None, None
        overall = sum(dims.values()) / len(dims)
        weighted = sum(weights[dname] * dims[dname] for dname in dims)
        return dims, overall, weighted

    survey = agg(resp)
    per_customer = {
        c: agg([r for r, cc in zip(resp, customers, strict=True) if cc == c])
        for c in set(customers)
    }
    return resp, survey, per_customer


score = st.one_of(st.integers(1, 7).map(float), st.just(NAN))


@st.composite
def surveys(draw):
    n = draw(st.integers(1, 12))
    p = [[draw(score) for _ in range(5)] for _ in range(n)]
    e = [[draw(score) for _ in range(5)] for _ in range(n)]
    customers = [draw(st.sampled_from(["A", "B", "C"])) for _ in range(n)]
    return p, e, customers


FIVE = Instrument(["i1", "i2", "i3", "i4", "i5"], ["x", "x", "y", "y", "y"], dimensions=["x", "y"])


def close(a, b):
    if b is None:
        return math.isnan(a)
    return a == pytest.approx(b, abs=1e-12)


@given(surveys(), st.floats(0.0, 1.0))
def test_vectorised_equals_reference(survey, wx):
    p, e, customers = survey
    wy = 1.0 - wx
    if wx + wy <= 0:
        return
    res = SatisfactionModel(weights=[wx, wy]).evaluate(
        SurveyResponses(FIVE, customers, p, expectation=e)
    )
    resp, (sdims, soverall, sweighted), per_customer = reference(
        p, e, customers, {"x": wx, "y": wy}
    )
    for i, row in enumerate(resp):
        for d, dname in enumerate(("x", "y")):
            assert close(res.respondent_dimension[i, d], row[dname])
            assert (res.respondent_dimension_count[i, d] == 0) == (row[dname] is None)
    for d, dname in enumerate(("x", "y")):
        assert close(res.dimension[d], sdims[dname])
        assert (res.dimension_count[d] == 0) == (sdims[dname] is None)
    assert (res.overall is None) == (soverall is None)
    if soverall is not None:
        assert res.overall == pytest.approx(soverall, abs=1e-12)
        assert res.weighted_overall == pytest.approx(sweighted, abs=1e-12)
    for c, cid in enumerate(res.customer_ids.tolist()):
        cdims, cov, cw = per_customer[cid]
        for d, dname in enumerate(("x", "y")):
            assert close(res.customer_dimension[c, d], cdims[dname])
        assert close(res.customer_overall[c], cov)
        assert close(res.customer_weighted[c], cw)
        assert res.customer_respondents[c] == customers.count(cid)


@given(surveys())
def test_gap_is_p_minus_e_exactly(survey):
    p, e, customers = survey
    res = SatisfactionModel().evaluate(SurveyResponses(FIVE, customers, p, expectation=e))
    diff = np.asarray(p) - np.asarray(e)
    assert np.array_equal(res.item_scores, diff, equal_nan=True)


@given(surveys(), st.integers(-3, 3))
def test_shift_within_scale_leaves_every_gap_unchanged(survey, c):
    p, e, customers = survey
    pa, ea = np.asarray(p), np.asarray(e)
    # keep the shifted scores on the 1-7 scale: clamp the originals into [1 - c, 7 - c] first
    lo, hi = max(1, 1 - c), min(7, 7 - c)
    pa, ea = np.clip(pa, lo, hi), np.clip(ea, lo, hi)
    a = SatisfactionModel().evaluate(SurveyResponses(FIVE, customers, pa, expectation=ea))
    b = SatisfactionModel().evaluate(SurveyResponses(FIVE, customers, pa + c, expectation=ea + c))
    for name in (
        "item_scores",
        "respondent_dimension",
        "dimension",
        "customer_dimension",
        "customer_overall",
    ):
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True)
    assert a.overall == b.overall


def test_shift_off_scale_needs_scale_check_disabled():
    p = np.array([[6.0, 7, 7, 7, 7]])
    e = np.array([[5.0, 5, 5, 5, 5]])
    with pytest.raises(InvalidParameterError, match="scale"):
        SurveyResponses(FIVE, ["A"], p + 2, expectation=e + 2)
    free = Instrument(FIVE.items, FIVE.item_dimensions, dimensions=FIVE.dimensions, scale=None)
    a = SatisfactionModel().evaluate(SurveyResponses(free, ["A"], p, expectation=e))
    b = SatisfactionModel().evaluate(SurveyResponses(free, ["A"], p + 2, expectation=e + 2))
    assert np.array_equal(a.item_scores, b.item_scores)


@given(surveys(), st.randoms(use_true_random=False))
def test_customer_aggregation_invariant_under_permutation(survey, rnd):
    p, e, customers = survey
    order = list(range(len(p)))
    rnd.shuffle(order)
    a = SatisfactionModel().evaluate(SurveyResponses(FIVE, customers, p, expectation=e))
    b = SatisfactionModel().evaluate(
        SurveyResponses(
            FIVE,
            [customers[i] for i in order],
            [p[i] for i in order],
            expectation=[e[i] for i in order],
        )
    )
    assert a.customer_ids.tolist() == b.customer_ids.tolist()
    np.testing.assert_allclose(a.customer_dimension, b.customer_dimension, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(a.customer_overall, b.customer_overall, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(a.customer_dimension_count, b.customer_dimension_count)
    np.testing.assert_allclose(a.dimension, b.dimension, rtol=1e-12, atol=1e-12)


@given(surveys())
def test_customer_results_chunk_invariant(survey):
    """Splitting the respondents into two surveys by customer changes no customer's result."""
    p, e, customers = survey
    full = SatisfactionModel().evaluate(SurveyResponses(FIVE, customers, p, expectation=e))
    for part in ({"A"}, {"B", "C"}):
        idx = [i for i, c in enumerate(customers) if c in part]
        if not idx:
            continue
        sub = SatisfactionModel().evaluate(
            SurveyResponses(
                FIVE,
                [customers[i] for i in idx],
                [p[i] for i in idx],
                expectation=[e[i] for i in idx],
            )
        )
        for c, cid in enumerate(sub.customer_ids.tolist()):
            f = full.customer_ids.tolist().index(cid)
            np.testing.assert_array_equal(sub.customer_dimension[c], full.customer_dimension[f])
            np.testing.assert_array_equal(sub.customer_overall[c], full.customer_overall[f])


@given(
    st.lists(
        st.lists(st.one_of(st.integers(0, 100).map(float)), min_size=2, max_size=2).filter(
            lambda r: sum(r) > 0
        ),
        min_size=1,
        max_size=8,
    )
)
def test_normalised_point_weights_sum_to_one(points):
    n = len(points)
    r = SurveyResponses(
        SMALL, ["A"] * n, np.full((n, 3), 4.0), expectation=np.full((n, 3), 5.0), importance=points
    )
    res = SatisfactionModel(weights="points").evaluate(r)
    np.testing.assert_allclose(res.respondent_weights.sum(axis=1), 1.0)
    assert res.dimension_weights.sum() == pytest.approx(1.0)
    # all gaps -1: any normalised weighting gives -1
    assert res.weighted_overall == pytest.approx(-1.0)


@given(st.lists(st.floats(0.0, 1e6), min_size=2, max_size=2).filter(lambda w: sum(w) > 0))
def test_given_weights_normalised(w):
    res = SatisfactionModel(weights=w).evaluate(small_survey())
    assert res.dimension_weights.sum() == pytest.approx(1.0)
    assert res.weight_source == "given"


# ---------------------------------------------------------------- missing answers
def test_missing_answers_never_count_as_zero():
    p = [[5, NAN, 6], [5, 1, 6]]
    e = [[6, 6, 6], [6, 6, 6]]
    res = SatisfactionModel().evaluate(SurveyResponses(SMALL, ["A", "B"], p, expectation=e))
    # r0's x = gap of a only (-1); a zero in b would have given (-1 + (0 - 6))/2
    assert res.respondent_dimension[0, 0] == -1.0
    assert res.respondent_dimension_count[0].tolist() == [1, 1]
    assert res.item_count.tolist() == [2, 1, 2]
    assert res.item_mean[1] == -5.0


def test_explicit_answered_mask_equals_nan():
    p = np.array([[5.0, 3, 6], [5, 1, 6]])
    e = np.full((2, 3), 6.0)
    mask = np.array([[True, False, True], [True, True, True]])
    a = SatisfactionModel().evaluate(
        SurveyResponses(SMALL, ["A", "B"], p, expectation=e, answered=mask)
    )
    p_nan = p.copy()
    p_nan[0, 1] = NAN
    b = SatisfactionModel().evaluate(SurveyResponses(SMALL, ["A", "B"], p_nan, expectation=e))
    assert np.array_equal(a.item_scores, b.item_scores, equal_nan=True)
    assert p[0, 1] == 3.0  # input untouched
    with pytest.raises(InvalidParameterError, match="'answered' is True"):
        SurveyResponses(SMALL, ["A", "B"], p_nan, expectation=e, answered=np.ones((2, 3), bool))


def test_dimension_without_answers_is_missing_and_flagged():
    p = [[5, 6, NAN], [4, 4, NAN]]
    e = [[6, 6, 6], [6, 6, 6]]
    res = SatisfactionModel().evaluate(
        SurveyResponses(SMALL, ["A", "A"], p, expectation=e, as_of=dt.date(2024, 5, 1))
    )
    assert math.isnan(res.dimension[1])
    assert res.dimension_count.tolist() == [2, 0]
    assert res.overall is None
    assert res.weighted_overall is None
    assert res.dimension_scores()["y"] is None
    assert not res.respondent_complete.any()
    assert np.isnan(res.respondent_overall).all()
    (summary,) = res.summaries()
    assert summary.dimension_gaps["y"] is None
    assert summary.overall_gap is None
    assert summary.dimension_gaps["x"] == pytest.approx(-1.25)
    assert summary.missing_dimensions == ("y",)
    assert summary.respondents == 2
    assert res.customer_dimension_count.tolist() == [[2, 0]]


# ---------------------------------------------------------------- derived weights
def test_regression_weights_recover_linear_importance():
    rng = np.random.default_rng(7)
    n = 200
    p = rng.integers(1, 8, size=(n, 3)).astype(float)
    e = rng.integers(1, 8, size=(n, 3)).astype(float)
    g = p - e
    gx, gy = (g[:, 0] + g[:, 1]) / 2, g[:, 2]
    overall = 3.0 + 3.0 * gx + 1.0 * gy  # exactly linear: slopes 3 and 1 -> weights 0.75 / 0.25
    res = SatisfactionModel(weights="regression").evaluate(
        SurveyResponses(SMALL, ["A"] * n, p, expectation=e, overall=overall)
    )
    np.testing.assert_allclose(res.dimension_weights, [0.75, 0.25], rtol=1e-9)
    assert res.derivation is not None
    assert res.derivation.r_squared == pytest.approx(1.0)
    assert res.derivation.n_used == n
    assert res.weighted_overall == pytest.approx(0.75 * res.dimension[0] + 0.25 * res.dimension[1])


def test_correlation_weights_and_negative_rejected():
    rng = np.random.default_rng(3)
    n = 100
    p = rng.integers(1, 8, size=(n, 3)).astype(float)
    e = rng.integers(1, 8, size=(n, 3)).astype(float)
    g = p - e
    gx, gy = (g[:, 0] + g[:, 1]) / 2, g[:, 2]
    overall = gx + 0.5 * gy + rng.normal(0, 0.1, n)
    res = SatisfactionModel(weights="correlation").evaluate(
        SurveyResponses(SMALL, ["A"] * n, p, expectation=e, overall=overall)
    )
    r = [np.corrcoef(gx, overall)[0, 1], np.corrcoef(gy, overall)[0, 1]]
    np.testing.assert_allclose(res.dimension_weights, np.array(r) / sum(r), rtol=1e-9)
    with pytest.raises(InvalidParameterError, match="negative importance for dimension 'y'"):
        SatisfactionModel(weights="regression").evaluate(
            SurveyResponses(SMALL, ["A"] * n, p, expectation=e, overall=gx - gy)
        )
    with pytest.raises(InvalidParameterError, match="overall rating"):
        SatisfactionModel(weights="regression").evaluate(small_survey())


# ---------------------------------------------------------------- summaries and portfolio
def test_summaries_and_portfolio_join():
    res = SatisfactionModel().evaluate(small_survey(as_of=dt.date(2024, 6, 30)))
    sums = res.summaries()
    assert [s.customer_id for s in sums] == ["C1", "C2"]
    assert isinstance(sums[0], SatisfactionSummary)
    assert sums[1].dimension_gaps == {"x": -0.5, "y": -2.0}
    assert sums[1].overall_gap == pytest.approx(-1.25)
    assert res.summary("C2") == sums[1]
    with pytest.raises(UnknownNameError, match="'C9'"):
        res.summary("C9")
    cols = res.customer_columns()
    assert cols["customer_id"].tolist() == ["C1", "C2"]
    assert cols["servqual_gap_x"].tolist() == pytest.approx([-0.25, -0.5])
    port = Portfolio.from_columns(["C2", "C3", "C1"], {"sales": [1.0, 2.0, 3.0]})
    joined = res.join(port)
    assert joined["servqual_gap"][0] == pytest.approx(-1.25)
    assert math.isnan(joined["servqual_gap"][1])
    assert joined["servqual_respondents"].tolist() == [1, 0, 2]
    with pytest.raises(UnknownNameError, match="not in the portfolio"):
        res.join(Portfolio.from_columns(["C1"], {}))
    with pytest.raises(InvalidParameterError, match="as_of"):
        SatisfactionModel().evaluate(small_survey()).summaries()


def test_ipa_from_result():
    res = SatisfactionModel(weights={"x": 70, "y": 30}).evaluate(small_survey())
    ipa = res.importance_performance()
    # x: high importance (0.7 >= 0.5), gap -1/3 >= mean -1 -> keep up; y: low, low
    assert {k: q.value for k, q in ipa.quadrants.items()} == {
        "x": "keep_up_the_good_work",
        "y": "low_priority",
    }


def test_drivers_recorded_with_survey():
    d = ExpectationDrivers(service_promises="next-day delivery", industry_level="48 h typical")
    r = small_survey(drivers=d)
    assert r.drivers is d
    assert d.recorded == ("service_promises", "industry_level")


def test_inputs_never_written_and_results_read_only():
    p = np.array([[5.0, 6, 4], [4, NAN, 6]])
    e = np.full((2, 3), 6.0)
    before = p.copy()
    r = SurveyResponses(SMALL, ["A", "B"], p, expectation=e)
    res = SatisfactionModel().evaluate(r)
    assert np.array_equal(p, before, equal_nan=True)
    assert p.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        res.item_scores[0, 0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        r.perception[0, 0] = 1.0


# ---------------------------------------------------------------- bad input
def test_score_outside_scale_names_item_and_respondent():
    with pytest.raises(InvalidParameterError, match=r"respondent 1, item 'b': 9\.0"):
        SurveyResponses(SMALL, ["A", "B"], [[1, 2, 3], [4, 9, 5]])
    with pytest.raises(
        InvalidParameterError, match=r"'expectation' must lie on the declared scale \[1, 5\]"
    ):
        SurveyResponses(
            Instrument(["a"], ["x"], dimensions=["x"], scale=LikertScale(1, 5)),
            ["A"],
            [[3]],
            expectation=[[0]],
        )
    with pytest.raises(InvalidParameterError, match="finite or NaN"):
        SurveyResponses(SMALL, ["A"], [[1, np.inf, 3]])


def test_unknown_dimension_and_bad_instruments():
    with pytest.raises(UnknownNameError, match="item 'c' maps to unknown dimension 'z'"):
        Instrument(["a", "b", "c"], ["x", "x", "z"], dimensions=["x", "y"])
    with pytest.raises(InvalidParameterError, match="'y' has none"):
        Instrument(["a", "b"], ["x", "x"], dimensions=["x", "y"])
    with pytest.raises(InvalidParameterError, match="repeat"):
        Instrument(["a", "a"], ["x", "x"], dimensions=["x"])
    with pytest.raises(UnknownNameError, match="'zz'"):
        Instrument(["a"], ["x"], dimensions=["x"], reverse_scored={"zz"})
    with pytest.raises(InvalidParameterError, match="needs a declared 'scale'"):
        Instrument(["a"], ["x"], dimensions=["x"], scale=None, reverse_scored={"a"})
    with pytest.raises(InvalidParameterError, match="'high' must be > 'low'"):
        LikertScale(7, 1)
    with pytest.raises(InvalidParameterError, match="version"):
        Instrument.servqual(version="2000")  # type: ignore[arg-type]
    assert Instrument.servqual().dimensions == SERVQUAL_DIMENSIONS


def test_bad_weights():
    with pytest.raises(InvalidParameterError, match="positive total"):
        SatisfactionModel(weights=[0, 0])
    with pytest.raises(InvalidParameterError, match="must give a finite number >= 0"):
        SatisfactionModel(weights={"x": -1, "y": 2})
    with pytest.raises(InvalidParameterError, match="must be one of"):
        SatisfactionModel(weights="magic")
    with pytest.raises(UnknownNameError, match="unknown dimension 'z'"):
        SatisfactionModel(weights={"x": 1, "z": 1}).evaluate(small_survey())
    with pytest.raises(InvalidParameterError, match="'y' is missing"):
        SatisfactionModel(weights={"x": 1}).evaluate(small_survey())
    with pytest.raises(InvalidParameterError, match="one value per dimension"):
        SatisfactionModel(weights=[1, 2, 3]).evaluate(small_survey())
    with pytest.raises(InvalidParameterError, match="importance points"):
        SatisfactionModel(weights="points").evaluate(small_survey())
    with pytest.raises(InvalidParameterError, match=r"positive total.*respondent 1"):
        small_survey(importance=[[50, 50], [0, 0], [1, 1]])
    with pytest.raises(InvalidParameterError, match="respondent 2, dimension 'x'"):
        small_survey(importance=[[50, 50], [1, 1], [-1, 1]])
    with pytest.raises(InvalidParameterError, match="some"):
        small_survey(importance=[[50, NAN], [1, 1], [1, 1]])


def test_wrong_shapes():
    with pytest.raises(
        ShapeMismatchError, match=r"'perception' must have shape .* \(2, 3\); got \(2, 2\)"
    ):
        SurveyResponses(SMALL, ["A", "B"], [[1, 2], [3, 4]])
    with pytest.raises(ShapeMismatchError, match="'expectation'"):
        SurveyResponses(SMALL, ["A", "B"], np.ones((2, 3)), expectation=np.ones((3, 3)))
    with pytest.raises(ShapeMismatchError, match="'importance'"):
        small_survey(importance=np.ones((3, 3)))
    with pytest.raises(ShapeMismatchError, match="'overall'"):
        small_survey(overall=[1.0])
    # the one id validator: the offending id is named
    with pytest.raises(
        InvalidParameterError, match=r"'customer_ids' must be strings .*first at index 0: 1"
    ):
        SurveyResponses(SMALL, [1, 2], np.ones((2, 3)))
    with pytest.raises(InvalidParameterError, match="blank"):
        SurveyResponses(SMALL, ["A", " "], np.ones((2, 3)))
    with pytest.raises(InvalidParameterError, match="no 'expectation' scores"):
        SatisfactionModel().evaluate(SurveyResponses(SMALL, ["A"], np.ones((1, 3))))
    with pytest.raises(InvalidParameterError, match="no 'adequate'"):
        SatisfactionModel().evaluate_zone(small_survey())
    with pytest.raises(KamcoreError):
        SatisfactionModel().evaluate("not a survey")  # type: ignore[arg-type]


def test_from_mapping_and_array_weights():
    inst = Instrument.from_mapping(
        {"clean": "tangibles", "on_time": "reliability", "no_errors": "reliability"},
        scale=LikertScale(1, 5),
        reverse_scored=["no_errors"],
    )
    assert inst.dimensions == ("tangibles", "reliability")
    assert inst.membership.tolist() == [[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]]
    r = SurveyResponses(inst, ["A"], [[4, 4, 2]], expectation=[[5, 5, 5]])
    # no_errors reversed in both sections on 1-5: (6 - 2) - (6 - 5) = 3
    assert r.scored("perception").tolist() == [[4.0, 4.0, 4.0]]
    res = SatisfactionModel(weights=np.array([1, 3])).evaluate(r)
    assert res.item_scores.tolist() == [[-1.0, -1.0, 3.0]]
    assert res.dimension_weights.tolist() == [0.25, 0.75]
    assert res.weighted_overall == pytest.approx(0.25 * -1 + 0.75 * 1.0)


def test_empty_survey_reports_missing_not_nan_scalars():
    inst = Instrument.servqual()
    r = SurveyResponses(
        inst, np.array([], dtype=str), np.zeros((0, 22)), expectation=np.zeros((0, 22))
    )
    res = SatisfactionModel().evaluate(r)
    assert res.overall is None
    assert res.weighted_overall is None
    assert res.dimension_count.tolist() == [0] * 5
    assert res.customer_ids.size == 0


def test_a_zero_slope_that_rounds_negative_weighs_exactly_zero():
    from kamcore.satisfaction._model import ZERO_TOLERANCE, _zero_noise

    cleaned = _zero_noise(np.array([0.8, -3e-17, 2e-17, -1e-3]))
    assert cleaned.tolist() == [0.8, 0.0, 0.0, -1e-3]
    assert ZERO_TOLERANCE == 1e-10
    # end to end: the overall rating ignores dimension y exactly (its slope is 0 in
    # exact arithmetic, noise of either sign in floating point)
    rng = np.random.default_rng(11)
    n = 120
    p = rng.integers(1, 8, size=(n, 3)).astype(float)
    e = rng.integers(1, 8, size=(n, 3)).astype(float)
    g = p - e
    gx = (g[:, 0] + g[:, 1]) / 2
    for overall in (3.0 + 0.7 * gx, 1e6 * (3.0 + 0.7 * gx)):
        res = SatisfactionModel(weights="regression").evaluate(
            SurveyResponses(SMALL, ["A"] * n, p, expectation=e, overall=overall)
        )
        assert res.dimension_weights.tolist() == [1.0, 0.0]
        assert res.derivation is not None
        assert res.derivation.coefficients[1] == 0.0
    # a clearly negative slope is still refused
    with pytest.raises(InvalidParameterError, match="negative importance for dimension 'y'"):
        SatisfactionModel(weights="regression").evaluate(
            SurveyResponses(SMALL, ["A"] * n, p, expectation=e, overall=gx - 1e-6 * g[:, 2])
        )
