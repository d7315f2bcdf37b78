"""Per-customer results as frames: the id column equals ``ids``, each column equals its array."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamcore.errors import InvalidParameterError, SchemaError
from kamcore.io import frames
from kamcore.lifecycle import detect_stages
from kamcore.loyalty import cross_sell
from kamcore.metrics import order_cycles, period_values
from kamcore.satisfaction import (
    Instrument,
    SatisfactionModel,
    SurveyResponses,
    complaint_kpis,
    nps,
)
from kamcore.scoring import Grading, ScoreResult
from kamcore.transactions import calibration_holdout, summarize_transactions

BACKENDS = ["pandas", "polars", "pyarrow"]

IDS = ["b", "a", "c", "a", "b", "a", "c", "b"]
DATES = np.array(
    [
        "2024-01-03",
        "2024-01-01",
        "2024-02-01",
        "2024-03-01",
        "2024-04-01",
        "2024-05-20",
        "2024-06-01",
        "2024-07-01",
    ],
    dtype="datetime64[D]",
)
AMOUNTS = np.array([10.0, 20.0, 5.0, 7.5, 1.0, 3.0, 9.0, 2.0])
MAIN = np.array([True, False, True, True, False, True, False, True])


def _column(frame, name):
    """Return one column of any backend's frame as a numpy array."""
    if hasattr(frame, "column_names"):  # pyarrow
        return frame.column(name).to_numpy(zero_copy_only=False)
    if hasattr(frame, "get_column"):  # polars
        return frame.get_column(name).to_numpy()
    return frame[name].to_numpy()


def _names(frame):
    return list(frame.column_names) if hasattr(frame, "column_names") else list(frame.columns)


def _check(result, backend):
    pytest.importorskip(backend)
    frame = result.to_frame(backend)
    assert frame.shape[0] == len(result.ids) if hasattr(frame, "shape") else True
    cols = result.columns()
    assert _names(frame) == ["id", *cols]
    assert _column(frame, "id").astype(str).tolist() == np.asarray(result.ids).tolist()
    for name, values in cols.items():
        got = _column(frame, name)
        assert got.shape == values.shape
        if values.dtype.kind in "fM":
            assert np.array_equal(got.astype(values.dtype), values, equal_nan=True), name
        else:
            assert got.astype(values.dtype).tolist() == values.tolist(), name
    # the method and the one function agree
    same = frames.to_frame(result, backend, id_column="customer")
    assert _names(same) == ["customer", *cols]


def _results():
    summary = summarize_transactions(IDS, DATES, AMOUNTS, observation_end="2024-12-31")
    holdout = calibration_holdout(IDS, DATES, AMOUNTS, calibration_end="2024-03-31")
    scores = ScoreResult(
        "demo", ["x", "y<&>", "z"], [3.0, 1.0, 2.0], grade_codes=[0, 1, 0], grade_levels=("A", "B")
    )
    grading = Grading("2024-12-31", ["a", "b", "c"], ["A", "C", "A"], levels=("A", "B", "C"))
    cross = cross_sell(IDS, AMOUNTS, MAIN)
    cycles = order_cycles(IDS, DATES, min_gaps=2)
    by_customer = nps([10, 0, 7, 9, 3, 10, 8, 9], IDS).by_customer
    inst = Instrument(["a", "b", "c"], ["x", "x", "y"], dimensions=["x", "y"])
    survey = SurveyResponses(
        inst,
        ["C2", "C1", "C2"],
        perception=[[5, 6, 4], [4, np.nan, 6], [7, 7, 3]],
        expectation=[[6, 6, 6], [6, 6, 6], [6, 6, 6]],
    )
    satisfaction = SatisfactionModel(weights={"x": 75, "y": 25}).evaluate(survey)
    complaints = complaint_kpis(
        ["a", "b", "a", "c"],
        ["2025-01-01", "2025-01-03", "2025-02-01", "2025-02-10"],
        ["2025-01-03", "2025-01-09", None, "2025-02-11"],
    )
    stages = detect_stages(
        [[0, 0, 0, 0, 0, 5], [10, 20, 30, 40, 50, 60], [60, 55, 45, 30, 20, 10]],
        ids=["new", "up", "down"],
    )
    matrix = period_values(IDS, DATES, AMOUNTS, freq="Q")
    return {
        "TransactionSummary": summary,
        "CalibrationHoldout": holdout,
        "ScoreResult": scores,
        "Grading": grading,
        "CrossSell": cross,
        "OrderCycles": cycles,
        "NpsByCustomer": by_customer,
        "SatisfactionResult": satisfaction,
        "ComplaintKpis": complaints,
        "StageDetection": stages,
        "PeriodMatrix": matrix,
    }


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("kind", sorted(_results()))
def test_result_frame_is_keyed_by_customer(kind, backend):
    _check(_results()[kind], backend)


@pytest.mark.parametrize("backend", BACKENDS)
@settings(max_examples=25, deadline=None)
@given(
    data=st.lists(
        st.tuples(st.floats(-1e6, 1e6, allow_nan=False), st.sampled_from(["A", "B", "C"])),
        min_size=0,
        max_size=30,
    )
)
def test_score_result_frames_hold_every_score(backend, data):
    ids = [f"acct<{i}>" for i in range(len(data))]
    result = ScoreResult(
        "prop",
        ids,
        [s for s, _ in data],
        grade_codes=np.array([ord(g) - ord("A") for _, g in data], dtype=np.int64),
        grade_levels=("A", "B", "C"),
    )
    _check(result, backend)


@pytest.mark.parametrize("backend", BACKENDS)
@settings(max_examples=25, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from("abcdef"), st.integers(0, 400), st.floats(0, 1e4)),
        min_size=1,
        max_size=40,
    )
)
def test_transaction_summary_frames_hold_every_column(backend, rows):
    ids = [r[0] for r in rows]
    dates = np.datetime64("2023-01-01") + np.array([r[1] for r in rows])
    summary = summarize_transactions(ids, dates, [r[2] for r in rows], observation_end="2024-12-31")
    _check(summary, backend)


def test_to_frame_refuses_other_objects_and_clashing_names():
    result = _results()["CrossSell"]
    with pytest.raises(InvalidParameterError, match="per-customer result"):
        frames.to_frame([1, 2, 3])
    with pytest.raises(SchemaError, match="clashes"):
        result.to_frame(id_column="main")
    with pytest.raises(InvalidParameterError, match="'backend' must be one of"):
        result.to_frame("excel")


@pytest.mark.parametrize("backend", ["polars", "pyarrow", "pandas"])
def test_money_currencies_survive_the_round_trip(backend):
    pytest.importorskip(backend)
    from kamcore import Portfolio

    p = Portfolio.from_columns(
        ["a", "b"],
        {"rev": [1.0, 2.0], "cost": [0.5, 0.25], "n": [1, 2]},
        currencies={"rev": "EUR", "cost": "USD"},
    )
    frame = frames.to_frame(p, backend)
    back = frames.from_frame(frame)
    assert dict(back.currencies) == {"rev": "EUR", "cost": "USD"}
    assert back == p


def test_arrow_fields_carry_their_currency():
    pa = pytest.importorskip("pyarrow")
    from kamcore import Portfolio

    p = Portfolio.from_columns(["a"], {"rev": [1.0], "n": [1]}, currencies={"rev": "EUR"})
    table = frames.to_frame(p, "pyarrow")
    assert table.schema.field("rev").metadata == {b"currency": b"EUR"}
    assert table.schema.field("n").metadata is None
    # the field metadata alone is enough (schema metadata dropped, e.g. by a select)
    bare = pa.table([table.column(i) for i in range(3)], schema=pa.schema(list(table.schema)))
    assert bare.schema.metadata is None
    assert dict(frames.from_frame(bare).currencies) == {"rev": "EUR"}


def test_polars_currencies_travel_through_arrow():
    pl = pytest.importorskip("polars")
    pytest.importorskip("pyarrow")
    from kamcore import Portfolio

    p = Portfolio.from_columns(["a"], {"rev": [1.0]}, currencies={"rev": "EUR"})
    pf = frames.to_frame(p, "polars")
    assert pf.kamcore_currencies == {"rev": "EUR"}
    # a new frame derived from it has no side attribute: pass currencies= explicitly
    derived = pf.with_columns(pl.col("rev") * 2)
    assert dict(frames.from_frame(derived).currencies) == {}
    assert dict(frames.from_frame(derived, currencies={"rev": "EUR"}).currencies) == {"rev": "EUR"}


def test_customer_level_columns_match_the_result_arrays():
    res = _results()
    sat = res["SatisfactionResult"]
    cols = sat.columns()
    assert np.array_equal(cols["dimension.x"], sat.customer_dimension[:, 0], equal_nan=True)
    assert np.array_equal(cols["dimension_count.y"], sat.customer_dimension_count[:, 1])
    assert sat.ids.tolist() == ["C1", "C2"]
    matrix = res["PeriodMatrix"]
    assert list(matrix.columns()) == [str(p) for p in matrix.periods]
    assert np.array_equal(np.column_stack(list(matrix.columns().values())), matrix.values)
    stages = res["StageDetection"]
    assert stages.columns()["stage"].tolist() == [s.value for s in stages.stages]


def test_a_result_without_ids_cannot_become_a_frame():
    stages = detect_stages([[0, 0, 0, 0, 0, 5], [10, 20, 30, 40, 50, 60]])
    assert stages.ids is None
    with pytest.raises(InvalidParameterError, match="no customer ids; pass ids="):
        stages.to_frame()
    assert "StageDetection(n=2" in repr(stages)
    html = stages._repr_html_()
    assert "StageDetection: 2 rows x 6 columns" in html
    assert "<th>row</th>" in html


def test_pandas_series_inputs_are_read_by_value_not_by_index():
    pd = pytest.importorskip("pandas")
    index = [70, 60, 50, 40, 30, 20, 10, 0]
    ids = pd.Series(IDS, index=index)
    amounts = pd.Series(AMOUNTS, index=index[::-1])  # a different index: not aligned
    got = cross_sell(ids, amounts, pd.Series(MAIN, index=index))
    want = cross_sell(IDS, AMOUNTS, MAIN)
    assert got.ids.tolist() == want.ids.tolist()
    assert np.array_equal(got.main, want.main)
    assert np.array_equal(got.other, want.other)
    frame = got.to_frame("pandas")
    assert frame.index.tolist() == list(range(len(want.ids)))  # no index carried over
