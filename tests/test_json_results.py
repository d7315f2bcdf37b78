"""JSON documents for what a CRM stores: score results, gradings, histories, portfolios."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kamcore import Portfolio
from kamcore.domain import Customer, Money, Relationship
from kamcore.errors import InvalidParameterError, SchemaError
from kamcore.io import json as kjson
from kamcore.scoring import GradeHistory, Grading, RubricScorer, ScoreResult
from kamcore.testing.strategies import customers, relationships


def _same_result(a: ScoreResult, b: ScoreResult) -> None:
    assert a.strategy == b.strategy
    np.testing.assert_array_equal(a.ids, b.ids)
    np.testing.assert_array_equal(a.scores, b.scores)
    assert a.grade_levels == b.grade_levels
    assert (a.grade_codes is None) == (b.grade_codes is None)
    if a.grade_codes is not None:
        np.testing.assert_array_equal(a.grade_codes, b.grade_codes)
    assert a.as_of == b.as_of
    assert (
        json.loads(kjson.dumps(a))["data"]["params"] == json.loads(kjson.dumps(b))["data"]["params"]
    )


def test_a_rubric_score_result_round_trips_with_its_arrays() -> None:
    from kamcore._portfolio import CUSTOMER_FACT_COLUMNS

    cols: dict[str, object] = {
        "profit_last_year": [400_000.0, 20_000.0],
        "sales_last_year": [2e6, 40_000.0],
        "expected_sales": [2e6, 60_000.0],
    }
    cols.update({c: np.array([1, 4], dtype=np.int8) for c in CUSTOMER_FACT_COLUMNS})
    r = RubricScorer().score(Portfolio.from_columns(["big", "small"], cols), as_of="2025-01-01")
    back = kjson.loads(kjson.dumps(r), ScoreResult)
    _same_result(r, back)
    assert back.extras["levels"].dtype == np.int8
    np.testing.assert_array_equal(back.extras["levels"], r.extras["levels"])


def test_minus_infinity_scores_are_null_and_nan_is_refused() -> None:
    r = ScoreResult("demo", ["a", "b"], [1.0, float("-inf")])
    doc = json.loads(kjson.dumps(r))
    assert doc["data"]["scores"] == [1.0, None]
    _same_result(kjson.loads(kjson.dumps(r)), r)
    doc["data"]["ids"] = ["a", 2]
    with pytest.raises(SchemaError, match="strings in ids"):
        kjson.loads(json.dumps(doc))
    doc["data"]["ids"] = ["a", "b"]
    doc["data"]["colour"] = "red"
    with pytest.raises(SchemaError, match="unknown field"):
        kjson.loads(json.dumps(doc))
    with pytest.raises(SchemaError, match="NaN"):
        kjson.loads(kjson.dumps(r).replace("null", "NaN"))


@given(
    st.lists(st.sampled_from("ABCD"), min_size=1, max_size=8),
    st.dates(),
)
def test_gradings_and_histories_round_trip(grades: list[str], day: object) -> None:
    ids = [f"c{i}" for i in range(len(grades))]
    g = Grading(day, ids, grades, levels=("A", "B", "C", "D"), strategy="rubric")
    assert kjson.loads(kjson.dumps(g)) == g
    h = GradeHistory([g])
    assert kjson.loads(kjson.dumps(h), GradeHistory) == h


def test_grading_wrong_types_are_refused_with_short_messages() -> None:
    g = Grading("2024-12-31", ["a"], ["A"], levels=("A", "B"))
    doc = json.loads(kjson.dumps(g))
    doc["data"]["grades"] = ["Z" * 1_000_000]
    with pytest.raises(SchemaError) as info:
        kjson.loads(json.dumps(doc))
    assert len(str(info.value)) < 1000
    doc["data"]["grades"] = [1]
    with pytest.raises(SchemaError, match="strings in grades"):
        kjson.loads(json.dumps(doc))


@settings(max_examples=30)
@given(st.lists(customers(currency="EUR"), min_size=1, max_size=5, unique_by=lambda c: c.id))
def test_portfolios_round_trip_with_dtypes_and_currencies(cs: list[object]) -> None:
    assume(not any("\x00" in c.name for c in cs))  # type: ignore[attr-defined]
    p = Portfolio.from_customers(cs)  # type: ignore[arg-type]
    back = kjson.loads(kjson.dumps(p), Portfolio)
    assert back == p
    for name in p.column_names:
        assert back.column(name).dtype == p.column(name).dtype


def test_portfolio_nan_only_in_nullable_columns() -> None:
    p = Portfolio.from_columns(
        ["a", "b"], {"x": [1.0, float("nan")]}, nullable=["x"], currencies={"x": "EUR"}
    )
    doc = json.loads(kjson.dumps(p))
    assert doc["data"]["columns"]["x"] == {"dtype": "<f8", "values": [1.0, None]}
    assert kjson.loads(json.dumps(doc)) == p
    doc["data"]["nullable"] = []
    with pytest.raises(SchemaError, match=r"numbers in columns\.x\.values"):
        kjson.loads(json.dumps(doc))


# ------------------------------------------------------------------ collections
@settings(max_examples=25)
@given(st.lists(customers(), max_size=5))
def test_a_list_of_customers_round_trips(cs: list[Customer]) -> None:
    c = kjson.Collection(cs, item_type="Customer")
    back = kjson.loads(kjson.dumps(c), kjson.Collection)
    assert back == c
    assert [vars_of(x) for x in back.items] == [vars_of(x) for x in cs]  # fields, not just ids


def vars_of(obj: object) -> dict[str, object]:
    import attrs

    return attrs.asdict(obj, recurse=False)  # type: ignore[arg-type]


@settings(max_examples=25)
@given(st.lists(relationships(), min_size=1, max_size=3))
def test_a_list_of_relationships_round_trips(rs: list[Relationship]) -> None:
    c = kjson.Collection(rs)
    assert c.item_type == "Relationship"
    back = kjson.loads(kjson.dumps(c))
    assert [vars_of(x) for x in back.items] == [vars_of(x) for x in rs]


def test_a_survey_result_is_stored_as_its_summaries() -> None:
    from kamcore.satisfaction import Instrument, SatisfactionModel, SurveyResponses

    inst = Instrument(["a", "b", "c"], ["x", "x", "y"], dimensions=["x", "y"])
    p = np.array([[5, 4, 3], [4, 4, 2], [6, 5, 5]], dtype=float)
    e = np.array([[4, 4, 4], [5, 5, 5], [6, 6, 6]], dtype=float)
    result = SatisfactionModel().evaluate(SurveyResponses(inst, ["A", "A", "B"], p, expectation=e))
    stored = kjson.Collection(result.summaries(as_of=dt.date(2024, 6, 30)))
    back = kjson.loads(kjson.dumps(stored), kjson.Collection)
    assert back == stored
    assert back.item_type == "SatisfactionSummary"
    assert [s.customer_id for s in back.items] == ["A", "B"]


def test_collection_rules_and_errors_with_index() -> None:
    eur = Money.of("1", "EUR")
    with pytest.raises(InvalidParameterError, match=r"all be Money objects.*index 1"):
        kjson.Collection([eur, Customer("c1", "A")])
    with pytest.raises(InvalidParameterError, match="'item_type' must be given"):
        kjson.Collection([])
    with pytest.raises(InvalidParameterError, match="'item_type' must be one of"):
        kjson.Collection([], item_type="Collection")
    empty = kjson.Collection([], item_type="Customer")
    assert kjson.loads(kjson.dumps(empty)) == empty
    doc = json.loads(kjson.dumps(kjson.Collection([eur, eur])))
    doc["data"]["items"][1]["amount"] = 1.5
    with pytest.raises(SchemaError, match=r"\$\.data\[1\]\.amount|items.*\[1\]"):
        kjson.loads(json.dumps(doc))
    doc["data"]["item_type"] = "kamcore.domain.Money"
    with pytest.raises(SchemaError, match="registered item_type"):
        kjson.loads(json.dumps(doc))


@given(
    st.lists(
        st.tuples(
            st.floats(allow_nan=False, allow_infinity=False) | st.just(float("-inf")),
            st.integers(0, 2),
        ),
        min_size=1,
        max_size=6,
    ),
    st.none() | st.dates(),
)
def test_score_results_round_trip(rows: list[tuple[float, int]], day: dt.date | None) -> None:
    ids = [f"a{i}" for i in range(len(rows))]
    r = ScoreResult(
        "demo",
        ids,
        [s for s, _ in rows],
        grade_codes=[c for _, c in rows],
        grade_levels=("A", "B", "C"),
        params={"k": 3, "cuts": [0.5, 0.25], "name": "x"},
        as_of=day,
        extras={"mask": np.array([c == 0 for _, c in rows]), "codes": np.arange(3, dtype=np.int8)},
    )
    back = kjson.loads(kjson.dumps(r), ScoreResult)
    _same_result(r, back)
    assert back.extras["mask"].dtype == np.bool_
    np.testing.assert_array_equal(back.extras["mask"], r.extras["mask"])
    assert back.extras["codes"].dtype == np.int8
    assert kjson.dumps(back) == kjson.dumps(r)


@pytest.mark.parametrize(
    ("dtype", "values", "shown"),
    [("|i1", [1, 300], "300"), ("<U2", ["ab", "abc"], "'abc'"), ("<f4", [0.1], "0.1")],
)
def test_values_that_do_not_fit_the_stored_dtype_are_refused(
    dtype: str, values: list[object], shown: str
) -> None:
    p = Portfolio.from_columns(["a", "b"], {"x": np.array([1, 2], dtype=np.int8)})
    doc = json.loads(kjson.dumps(p))
    doc["data"]["ids"] = ["a", "b"][: len(values)] if len(values) == 2 else ["a"]
    doc["data"]["columns"]["x"] = {"dtype": dtype, "values": values}
    with pytest.raises(SchemaError, match=f"must fit dtype {dtype}.*{shown}"):
        kjson.loads(json.dumps(doc))
    r = ScoreResult("demo", ["a"], [1.0], extras={"v": np.array([1], dtype=np.int8)})
    doc = json.loads(kjson.dumps(r))
    doc["data"]["extras"]["v"] = {"dtype": dtype, "shape": [len(values)], "values": values}
    with pytest.raises(SchemaError, match="must fit dtype"):
        kjson.loads(json.dumps(doc))
