"""calibration_holdout: a per-customer reference on random logs, CDNOW, frames and bad input."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamcore.errors import InvalidParameterError, KamcoreError, SchemaError, ShapeMismatchError
from kamcore.transactions import (
    CalibrationHoldout,
    TransactionLog,
    calibration_holdout,
    summarize_transactions,
)
from tests.conftest import DATA
from tests.test_transactions import _load_cdnow_sample, reference_summary

BASE = np.datetime64("2024-01-01")


def reference_holdout(rows, cal_day, end_day):
    """Plain-Python split, one customer at a time: (holdout occasions, mean spend) and counts."""
    first = {}
    for cid, day, _ in rows:
        first[cid] = min(day, first.get(cid, day))
    occasions = defaultdict(lambda: defaultdict(float))
    after = new_rows = 0
    new_customers = set()
    for cid, day, amount in rows:
        if day > end_day:
            after += 1
        elif day > cal_day:
            if first[cid] > cal_day:
                new_rows += 1
                new_customers.add(cid)
            else:
                occasions[cid][day] += amount
    out = {}
    for cid, f in first.items():
        if f <= cal_day:
            spends = list(occasions[cid].values())
            out[cid] = (len(spends), sum(spends) / len(spends) if spends else 0.0)
    return out, after, len(new_customers), new_rows


rows_strategy = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c", "d", "e", "f", "g"]),
        st.integers(0, 90),
        st.floats(0, 500, allow_nan=False).map(lambda v: round(v, 2)),
    ),
    min_size=1,
    max_size=80,
)


@given(
    rows=rows_strategy,
    cal_day=st.integers(0, 60),
    gap=st.integers(1, 40),
    unit=st.sampled_from(["D", "W", "M", 10.0]),
)
def test_split_equals_per_customer_reference(rows, cal_day, gap, unit):
    end_day = cal_day + gap
    if min(r[1] for r in rows) > cal_day:
        with pytest.raises(InvalidParameterError, match="'calibration_end' must be on or after"):
            calibration_holdout(
                [r[0] for r in rows],
                [BASE + r[1] for r in rows],
                [r[2] for r in rows],
                calibration_end=BASE + cal_day,
                observation_end=BASE + end_day,
            )
        return
    ch = calibration_holdout(
        [r[0] for r in rows],
        [BASE + r[1] for r in rows],
        [r[2] for r in rows],
        calibration_end=BASE + cal_day,
        observation_end=BASE + end_day,
        time_unit=unit,
    )
    ref, after, n_new, new_rows = reference_holdout(rows, cal_day, end_day)
    unit_days = {"D": 1.0, "W": 7.0, "M": 365.25 / 12}.get(unit, unit)
    assert isinstance(ch, CalibrationHoldout)
    assert ch.ids.tolist() == sorted(ref)
    assert len(ch) == len(ref)
    for i, cid in enumerate(ch.ids.tolist()):
        assert ch.holdout_frequency[i] == ref[cid][0]
        assert ch.holdout_monetary_value[i] == pytest.approx(ref[cid][1], abs=1e-9)
    assert ch.n_excluded_after_observation_end == after
    assert ch.n_excluded_new_customers == n_new
    assert ch.n_excluded_new_customer_transactions == new_rows
    assert ch.holdout_length == pytest.approx(gap / unit_days)
    # every row is accounted for: calibration + holdout of known customers + the exclusions
    n_cal_rows = int(ch.calibration.n_transactions.sum())
    n_hold_rows = sum(1 for r in rows if cal_day < r[1] <= end_day) - new_rows
    assert n_cal_rows + n_hold_rows + new_rows + after == len(rows)
    # the calibration part is the summary of the calibration rows, with the same reference
    cal_rows = [(r[0], r[1], r[2], 0.0) for r in rows if r[1] <= cal_day]
    ref_cal = reference_summary(cal_rows, cal_day, unit_days)
    for i, cid in enumerate(ch.ids.tolist()):
        assert ch.calibration.frequency[i] == ref_cal[cid]["frequency"]
        assert ch.calibration.recency[i] == pytest.approx(ref_cal[cid]["recency"])
        assert ch.calibration.T[i] == pytest.approx(ref_cal[cid]["T"])
        assert ch.calibration.monetary_value[i] == pytest.approx(
            ref_cal[cid]["monetary_value"], abs=1e-9
        )


@given(rows=rows_strategy, seed=st.integers(0, 2**32 - 1))
def test_split_is_invariant_to_row_order(rows, seed):
    rows = [*rows, ("z", 0, 1.0)]  # someone buys on day 0, so the calibration is never empty
    perm = np.random.default_rng(seed).permutation(len(rows))
    ids = np.array([r[0] for r in rows])
    dates = BASE + np.array([r[1] for r in rows])
    amounts = np.array([r[2] for r in rows])
    kw = {"calibration_end": BASE + 30, "observation_end": BASE + 60}
    a = calibration_holdout(ids, dates, amounts, **kw)
    b = calibration_holdout(ids[perm], dates[perm], amounts[perm], **kw)
    for name, col in a.columns().items():
        np.testing.assert_allclose(col.astype(float), b.columns()[name].astype(float), atol=1e-9)
    assert a.n_excluded_after_observation_end == b.n_excluded_after_observation_end


def test_columns_and_portfolio_are_id_aligned():
    log = TransactionLog(
        ["a", "a", "b", "a"], ["2024-01-01", "2024-01-05", "2024-01-02", "2024-02-01"], [1, 2, 3, 4]
    )
    ch = calibration_holdout(log, calibration_end="2024-01-10", observation_end="2024-02-29")
    cols = ch.columns()
    assert list(cols)[:4] == ["frequency", "recency", "T", "monetary_value"]
    assert cols["holdout_frequency"].tolist() == [1, 0]
    assert cols["holdout_length"].tolist() == [50.0, 50.0]
    p = ch.to_portfolio(currency="EUR")
    assert p.ids.tolist() == ["a", "b"]
    assert p.currency("holdout_monetary_value") == "EUR"
    assert ch.calibration_end == dt.date(2024, 1, 10)
    assert ch.observation_end == dt.date(2024, 2, 29)
    with pytest.raises(ValueError, match="read-only"):
        ch.holdout_frequency[0] = 5


def test_observation_end_defaults_to_the_last_transaction():
    ch = calibration_holdout(
        ["a", "a", "a"],
        ["2024-01-01", "2024-01-03", "2024-01-09"],
        [1.0, 1.0, 1.0],
        calibration_end="2024-01-02",
    )
    assert ch.observation_end == dt.date(2024, 1, 9)
    assert ch.holdout_frequency.tolist() == [2]
    assert ch.n_excluded_after_observation_end == 0


def _cdnow_frame():
    return pd.read_csv(
        DATA / "CDNOW_sample.txt",
        sep=r"\s+",
        header=None,
        names=["master_id", "customer", "date", "cds", "dollars"],
    )


@pytest.mark.slow
def test_cdnow_split_reproduces_the_published_calibration_summary_and_the_reference():
    ids, dates, dollars = _load_cdnow_sample()
    ch = calibration_holdout(
        ids,
        dates,
        dollars,
        calibration_end="1997-09-30",
        observation_end="1998-06-30",
        time_unit="W",
    )
    pub = np.genfromtxt(
        DATA / "cdnow_customers_summary_with_transactions.csv", delimiter=",", names=True
    )
    s = ch.calibration
    assert len(ch) == pub.shape[0] == 2357
    order = np.argsort(s.ids.astype(int))
    assert np.array_equal(s.ids.astype(int)[order], pub["ID"].astype(int))
    np.testing.assert_array_equal(s.frequency[order], pub["x"].astype(int))
    np.testing.assert_allclose(s.recency[order], pub["t_x"], atol=0.005 + 1e-9)
    np.testing.assert_allclose(s.T[order], pub["T"], atol=0.005 + 1e-9)
    np.testing.assert_allclose(s.monetary_value[order], pub["zbar"], atol=0.005 + 1e-9)
    # the holdout: 39 weeks (1997-10-01 .. 1998-06-30 is 273 days)
    assert ch.holdout_length == pytest.approx(273 / 7)
    assert ch.n_excluded_after_observation_end == 0
    assert ch.n_excluded_new_customers == 0  # the cohort was acquired in 1997 Q1
    rows = [
        (c, int((d - np.datetime64("1997-01-01")).astype(int)), float(a))
        for c, d, a in zip(ids.tolist(), dates, dollars, strict=True)
    ]
    cal_day = int((np.datetime64("1997-09-30") - np.datetime64("1997-01-01")).astype(int))
    end_day = int((np.datetime64("1998-06-30") - np.datetime64("1997-01-01")).astype(int))
    ref, _, _, _ = reference_holdout(rows, cal_day, end_day)
    for i, cid in enumerate(ch.ids.tolist()):
        assert ch.holdout_frequency[i] == ref[cid][0]
        assert ch.holdout_monetary_value[i] == pytest.approx(ref[cid][1], abs=1e-9)
    assert int(ch.holdout_frequency.sum()) == sum(v[0] for v in ref.values())
    # read straight from pandas.read_csv: integer ids and YYYYMMDD integer dates
    from_frame = calibration_holdout(
        _cdnow_frame(),
        customer_id="customer",
        date="date",
        amount="dollars",
        date_format="%Y%m%d",
        calibration_end="1997-09-30",
        observation_end="1998-06-30",
        time_unit="W",
    )
    # the frame's integer ids are text without the file's zero padding; ids sort as text
    by_int_frame = np.argsort(from_frame.ids.astype(int))
    by_int_raw = np.argsort(ch.ids.astype(int))
    np.testing.assert_array_equal(
        from_frame.ids.astype(int)[by_int_frame], ch.ids.astype(int)[by_int_raw]
    )
    np.testing.assert_array_equal(
        from_frame.holdout_frequency[by_int_frame], ch.holdout_frequency[by_int_raw]
    )
    np.testing.assert_allclose(from_frame.calibration.T[by_int_frame], ch.calibration.T[by_int_raw])


def test_late_transactions_and_new_customers_are_counted_not_errors():
    ch = calibration_holdout(
        ["a", "a", "n", "n", "a", "late"],
        ["2024-01-01", "2024-01-20", "2024-01-21", "2024-01-22", "2024-03-01", "2024-03-02"],
        [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        calibration_end="2024-01-10",
        observation_end="2024-02-01",
    )
    assert ch.ids.tolist() == ["a"]
    assert ch.holdout_frequency.tolist() == [1]
    assert ch.n_excluded_after_observation_end == 2
    assert ch.n_excluded_new_customers == 1
    assert ch.n_excluded_new_customer_transactions == 2


def test_frames_of_every_kind_give_one_split():
    data = {
        "cust": [7, 7, 8, 7],
        "day": ["2024-01-01", "2024-01-05", "2024-01-02", "2024-02-01"],
        "usd": [1.0, 2.0, 3.0, 4.0],
    }
    kw = {
        "customer_id": "cust",
        "date": "day",
        "amount": "usd",
        "calibration_end": "2024-01-10",
        "observation_end": "2024-02-29",
    }
    import pyarrow as pa

    results = [
        calibration_holdout(frame, **kw)
        for frame in (data, pd.DataFrame(data), pl.DataFrame(data), pa.table(data))
    ]
    for r in results:
        assert r.ids.tolist() == ["7", "8"]
        assert r.holdout_frequency.tolist() == [1, 0]


# ------------------------------------------------------------------ bad input


def _raw(**kw):
    args = {
        "ids": ["a", "b", "a"],
        "dates": ["2024-01-01", "2024-01-05", "2024-02-01"],
        "amounts": [1.0, 2.0, 3.0],
    }
    args.update(kw)
    return args.pop("ids"), args.pop("dates"), args.pop("amounts")


@pytest.mark.parametrize(
    ("raw", "kwargs", "error", "match"),
    [
        (
            {},
            {"calibration_end": "2024-02-01", "observation_end": "2024-01-15"},
            InvalidParameterError,
            r"'observation_end' must be after calibration_end 2024-02-01",
        ),
        (
            {},
            {"calibration_end": "2023-12-01"},
            InvalidParameterError,
            r"'calibration_end' must be on or after the first transaction",
        ),
        (
            {"ids": [], "dates": np.array([], "datetime64[D]"), "amounts": []},
            {"calibration_end": "2024-01-10"},
            InvalidParameterError,
            "empty log",
        ),
        (
            {"amounts": [1.0, -2.0, 3.0]},
            {"calibration_end": "2024-01-10"},
            InvalidParameterError,
            r"'amounts' must be >= 0; got 1 bad value \(first at index 1: -2.0\); customer 'b'",
        ),
        (
            {"dates": ["2024-01-01", "soon", "2024-02-01"]},
            {"calibration_end": "2024-01-10"},
            InvalidParameterError,
            r"'dates' must be dates .*first at index 1: 'soon'\); customer 'b'",
        ),
        (
            {"amounts": [1.0, 2.0]},
            {"calibration_end": "2024-01-10"},
            ShapeMismatchError,
            "customer_ids: 3, dates: 3, amounts: 2",
        ),
        (
            {},
            {"calibration_end": "2024-01-10", "time_unit": "fortnight"},
            InvalidParameterError,
            r"'time_unit' must be one of 'D' \(days\), 'W' \(7 days\), 'M'",
        ),
        (
            {},
            {"calibration_end": "2024-01-10", "customer_id": "id"},
            InvalidParameterError,
            r"column names \['customer_id'\] name the columns of a data frame",
        ),
    ],
)
def test_bad_input_is_named(raw, kwargs, error, match):
    with pytest.raises(error, match=match):
        calibration_holdout(*_raw(**raw), **kwargs)


def test_a_log_with_separate_columns_is_refused():
    log = TransactionLog(*_raw())
    with pytest.raises(InvalidParameterError, match=r"separate \['amounts'\]"):
        calibration_holdout(log, amounts=[1.0], calibration_end="2024-01-10")
    with pytest.raises(InvalidParameterError, match=r"separate \['date_format'\]"):
        calibration_holdout(log, date_format="%Y", calibration_end="2024-01-10")


def test_missing_frame_column_suggests_the_closest():
    frame = pd.DataFrame({"customer": ["a"], "order_date": ["2024-01-01"], "amount": [1.0]})
    with pytest.raises(SchemaError, match=r"'date' column 'date' is not in the frame") as exc:
        calibration_holdout(frame, customer_id="customer", calibration_end="2024-01-10")
    assert "available columns: ['customer', 'order_date', 'amount']" in str(exc.value)
    with pytest.raises(SchemaError, match=r"Did you mean 'customer'\?"):
        summarize_transactions(frame, customer_id="custmer", date="order_date")
    assert isinstance(exc.value, KamcoreError)
