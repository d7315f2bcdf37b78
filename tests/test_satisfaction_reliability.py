"""Cronbach's alpha, importance-performance analysis and the satisfaction domain records."""

from __future__ import annotations

import datetime as dt
import math
import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamcore.domain import ExpectationDrivers, SatisfactionSummary
from kamcore.errors import InvalidParameterError, ShapeMismatchError
from kamcore.satisfaction import (
    AlphaBand,
    Instrument,
    IpaQuadrant,
    SurveyResponses,
    alpha_band,
    cronbach_alpha,
    importance_performance,
    reliability,
)

NAN = float("nan")


def direct_alpha(rows):
    """Plain-Python Cronbach's alpha: k/(k-1) (1 - sum var(item) / var(total)), ddof = 1."""
    n, k = len(rows), len(rows[0])

    def var(xs):
        m = sum(xs) / len(xs)
        return sum((x - m) ** 2 for x in xs) / (len(xs) - 1)

    items = sum(var([rows[i][j] for i in range(n)]) for j in range(k))
    total = var([sum(r) for r in rows])
    return k / (k - 1) * (1 - items / total)


matrices = st.integers(2, 6).flatmap(
    lambda k: st.lists(st.lists(st.integers(1, 7), min_size=k, max_size=k), min_size=2, max_size=15)
)


@given(matrices)
def test_alpha_equals_direct_formula(rows):
    totals = [sum(r) for r in rows]
    if len(set(totals)) == 1:
        with pytest.raises(InvalidParameterError, match="zero variance"):
            cronbach_alpha(rows)
        return
    assert cronbach_alpha(rows) == pytest.approx(direct_alpha(rows), rel=1e-10, abs=1e-12)


@given(
    st.lists(st.integers(1, 7), min_size=2, max_size=30).filter(lambda c: len(set(c)) > 1),
    st.integers(2, 8),
)
def test_alpha_is_one_for_identical_items(column, k):
    rows = [[x] * k for x in column]
    assert cronbach_alpha(rows) == pytest.approx(1.0)


def test_alpha_hand_example_and_negative():
    # by hand: item variances 10/3, 5/3, 9/4 (sum 7.25); totals 5, 8, 13, 15 -> variance 251/12
    rows = [[1, 2, 2], [2, 3, 3], [4, 4, 5], [5, 5, 5]]
    assert cronbach_alpha(rows) == pytest.approx(1.5 * (1 - 7.25 / (251 / 12)))
    # two perfectly opposed items: var(total) = 0 -> undefined; nearly opposed -> negative alpha
    assert cronbach_alpha([[1, 7], [7, 2], [4, 4]]) < 0


def test_alpha_missing_rules():
    rows = [[1, 2], [2, 3], [NAN, 5], [4, 4]]
    with pytest.raises(InvalidParameterError, match="respondent 2"):
        cronbach_alpha(rows)
    assert cronbach_alpha(rows, missing="listwise") == pytest.approx(
        direct_alpha([[1, 2], [2, 3], [4, 4]])
    )
    with pytest.raises(InvalidParameterError, match="at least 2 items"):
        cronbach_alpha([[1], [2]])
    with pytest.raises(InvalidParameterError, match="at least 2 complete respondents"):
        cronbach_alpha([[1, 2]])
    with pytest.raises(ShapeMismatchError):
        cronbach_alpha([1, 2, 3])
    with pytest.raises(InvalidParameterError, match="'missing'"):
        cronbach_alpha(rows, missing="mean")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("alpha", "band"),
    [
        (0.95, AlphaBand.EXCELLENT),
        (0.9, AlphaBand.GOOD),
        (0.81, AlphaBand.GOOD),
        (0.75, AlphaBand.ACCEPTABLE),
        (0.65, AlphaBand.QUESTIONABLE),
        (0.55, AlphaBand.POOR),
        (0.5, AlphaBand.UNACCEPTABLE),
        (-0.3, AlphaBand.UNACCEPTABLE),
    ],
)
def test_alpha_bands(alpha, band):
    assert alpha_band(alpha) is band


def test_alpha_band_rejects_nan():
    with pytest.raises(InvalidParameterError):
        alpha_band(NAN)


def test_reliability_per_dimension_listwise():
    inst = Instrument(["a", "b", "c", "d"], ["x", "x", "y", "z"], dimensions=["x", "y", "z"])
    p = [[1, 2, 3, 1], [2, 3, 3, 2], [4, 4, 3, 3], [5, 5, 3, 4], [3, NAN, 3, 5]]
    out = reliability(SurveyResponses(inst, ["A"] * 5, p))
    x, y, z = out
    assert x.dimension == "x"
    assert x.n_items == 2
    assert x.n_respondents == 4  # respondent 4 misses item b
    assert x.alpha == pytest.approx(direct_alpha([[1, 2], [2, 3], [4, 4], [5, 5]]))
    assert x.band is alpha_band(x.alpha)
    assert y.alpha is None  # a single item
    assert y.band is None
    assert z.alpha is None
    # gap reliability equals alpha of P - E
    e = [[2, 2, 2, 2]] * 5
    gap = reliability(SurveyResponses(inst, ["A"] * 5, p, expectation=e), gap_with="expectation")
    assert gap[0].alpha == pytest.approx(direct_alpha([[-1, 0], [0, 1], [2, 2], [3, 3]]))


# ---------------------------------------------------------------- IPA
def test_ipa_quadrants_at_means_and_thresholds():
    ipa = importance_performance(
        [0.4, 0.3, 0.2, 0.1], [-1.5, -0.2, -1.0, 0.1], names=["rel", "resp", "tang", "emp"]
    )
    assert ipa.importance_split == pytest.approx(0.25)
    assert ipa.performance_split == pytest.approx(-0.65)
    assert ipa.quadrants == {
        "rel": IpaQuadrant.CONCENTRATE_HERE,
        "resp": IpaQuadrant.KEEP_UP_THE_GOOD_WORK,
        "tang": IpaQuadrant.LOW_PRIORITY,
        "emp": IpaQuadrant.POSSIBLE_OVERKILL,
    }
    assert ipa.in_quadrant(IpaQuadrant.CONCENTRATE_HERE) == ("rel",)
    given_split = importance_performance(
        [0.4, 0.3, 0.2, 0.1], [-1.5, -0.2, -1.0, 0.1], importance_split=0.1, performance_split=0.0
    )
    # everything is high importance (>= 0.1); only emp performs >= 0
    assert given_split.codes.tolist() == [0, 0, 0, 1]


@given(
    st.lists(st.tuples(st.floats(-10, 10), st.floats(-10, 10)), min_size=1, max_size=20),
    st.floats(-10, 10),
    st.floats(-10, 10),
)
def test_ipa_matches_scalar_rule(pairs, si, sp):
    imp = [a for a, _ in pairs]
    perf = [b for _, b in pairs]
    ipa = importance_performance(imp, perf, importance_split=si, performance_split=sp)
    for a, b, code in zip(imp, perf, ipa.codes.tolist(), strict=True):
        expected = {
            (True, False): IpaQuadrant.CONCENTRATE_HERE,
            (True, True): IpaQuadrant.KEEP_UP_THE_GOOD_WORK,
            (False, False): IpaQuadrant.LOW_PRIORITY,
            (False, True): IpaQuadrant.POSSIBLE_OVERKILL,
        }[(a >= si, b >= sp)]
        assert code == expected.code


def test_ipa_bad_input_and_no_write():
    imp = np.array([0.5, 0.5])
    importance_performance(imp, [1.0, 2.0])
    assert imp.flags.writeable
    with pytest.raises(ShapeMismatchError):
        importance_performance([1.0, 2.0], [1.0])
    with pytest.raises(InvalidParameterError, match="'importance' must be finite"):
        importance_performance([NAN], [1.0])
    with pytest.raises(InvalidParameterError, match="'names'"):
        importance_performance([1.0], [1.0], names=["a", "b"])


# ---------------------------------------------------------------- domain records
def test_summary_value_object():
    a = SatisfactionSummary(
        customer_id="C1",
        as_of=dt.date(2024, 1, 31),
        overall_gap=-1,
        weighted_gap=None,
        dimension_gaps={"x": -1, "y": None},
        respondents=2,
    )
    b = SatisfactionSummary(
        customer_id="C1",
        as_of=dt.date(2024, 1, 31),
        overall_gap=-1.0,
        weighted_gap=None,
        dimension_gaps={"x": -1.0, "y": None},
        respondents=2,
    )
    assert a == b
    assert hash(a) == hash(b)
    assert isinstance(a.overall_gap, float)
    assert pickle.loads(pickle.dumps(a)) == a
    assert a.variant == "servqual"


@pytest.mark.parametrize(
    ("field", "value", "match"),
    [
        ("overall_gap", NAN, "'overall_gap' must be a finite real number or None"),
        ("weighted_gap", "1", "'weighted_gap'"),
        ("respondents", -1, "'respondents' must be a whole number >= 0"),
        ("respondents", True, "'respondents'"),
        ("customer_id", "", "'customer_id'"),
        ("as_of", dt.datetime(2024, 1, 1), "'as_of'"),
        ("dimension_gaps", {"x": math.inf}, "map dimension 'x'"),
        ("dimension_gaps", {"": 1.0}, "dimension names"),
        ("dimension_gaps", [1.0], "'dimension_gaps' must be a mapping"),
    ],
)
def test_summary_rejects_bad_fields(field, value, match):
    kw = {
        "customer_id": "C1",
        "as_of": dt.date(2024, 1, 31),
        "overall_gap": -1.0,
        "weighted_gap": -1.0,
        "dimension_gaps": {"x": -1.0},
        "respondents": 1,
    }
    kw[field] = value
    with pytest.raises(InvalidParameterError, match=match):
        SatisfactionSummary(**kw)


def test_expectation_drivers():
    d = ExpectationDrivers()
    assert d.recorded == ()
    assert d == ExpectationDrivers()
    with pytest.raises(InvalidParameterError, match="'personal_factors'"):
        ExpectationDrivers(personal_factors=3)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="'drivers'"):
        SurveyResponses(
            Instrument(["a"], ["x"], dimensions=["x"]),
            ["A"],
            [[3]],
            drivers="promises",  # type: ignore[arg-type]
        )
