"""Data in, the way people have it: frames by column name, Series, date formats, time units, errors."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamcore.errors import InvalidParameterError, SchemaError, ShapeMismatchError
from kamcore.transactions import TIME_UNITS, TransactionLog, summarize_transactions

DATA = {
    "cust": [17, 17, 9],
    "day": ["2024-01-01", "2024-01-15", "2024-01-08"],
    "usd": [10.0, 20.0, 7.0],
}
COLS = {"customer_id": "cust", "date": "day", "amount": "usd"}


def _frames():
    return {
        "dict": DATA,
        "pandas": pd.DataFrame(DATA),
        "polars": pl.DataFrame(DATA),
        "arrow": pa.table(DATA),
    }


@pytest.mark.parametrize("kind", ["dict", "pandas", "polars", "arrow"])
def test_frames_by_column_name_equal_the_log_form(kind):
    s = summarize_transactions(_frames()[kind], **COLS, observation_end="2024-01-29", time_unit="W")
    ref = summarize_transactions(
        TransactionLog(["17", "17", "9"], DATA["day"], DATA["usd"]),
        observation_end="2024-01-29",
        time_unit="W",
    )
    # integer ids become their text, sorted as text: "17" before "9"
    assert s.ids.tolist() == ["17", "9"]
    for name, col in ref.columns().items():
        np.testing.assert_array_equal(s.columns()[name], col)


def test_default_column_names_and_datetime_columns_of_any_resolution():
    frame = pd.DataFrame(
        {
            "customer_id": ["a", "a"],
            "date": pd.to_datetime(["2024-01-01 09:30", "2024-01-08 23:59"]),
            "amount": [1.0, 2.0],
        }
    )
    s = summarize_transactions(frame, time_unit="W")
    assert s.recency.tolist() == [1.0]
    pol = pl.DataFrame(
        {
            "customer_id": ["a", "a"],
            "date": [dt.date(2024, 1, 1), dt.date(2024, 1, 8)],
            "amount": [1.0, 2.0],
        }
    )
    assert summarize_transactions(pol, time_unit="W").recency.tolist() == [1.0]


def test_series_as_columns_ignore_the_pandas_index():
    ids = pd.Series(["a", "b", "a"], index=[10, 20, 30])
    dates = pd.Series(["2024-01-01", "2024-01-02", "2024-01-08"], index=[30, 20, 10])
    amounts = pl.Series([1.0, 2.0, 3.0])
    s = summarize_transactions(ids, dates, amounts, time_unit="D")
    # rows are matched by position, not by index label
    assert s.ids.tolist() == ["a", "b"]
    assert s.recency.tolist() == [7.0, 0.0]
    assert s.monetary_value.tolist() == [3.0, 0.0]


def test_date_format_reads_text_and_yyyymmdd_integers():
    ref = summarize_transactions(["a", "a"], ["1997-01-01", "1997-01-18"], [1.0, 2.0])
    as_text = summarize_transactions(
        ["a", "a"], ["01/01/1997", "18/01/1997"], [1.0, 2.0], date_format="%d/%m/%Y"
    )
    as_ints = summarize_transactions(
        ["a", "a"], np.array([19970101, 19970118]), [1.0, 2.0], date_format="%Y%m%d"
    )
    for s in (as_text, as_ints):
        np.testing.assert_array_equal(s.first_purchase, ref.first_purchase)
        np.testing.assert_array_equal(s.last_purchase, ref.last_purchase)


@given(
    days=st.lists(st.integers(0, 20_000), min_size=1, max_size=40),
    fmt=st.sampled_from(["%Y%m%d", "%d/%m/%Y", "%Y-%m-%d", "%m.%d.%Y"]),
)
def test_date_format_round_trips(days, fmt):
    dates = np.datetime64("1970-01-01") + np.array(days)
    text = [d.astype(dt.date).strftime(fmt) for d in dates]
    log = TransactionLog(["a"] * len(days), text, date_format=fmt)
    assert log.dates is not None
    np.testing.assert_array_equal(log.dates, dates)


@pytest.mark.parametrize(
    ("unit", "days"),
    [("D", 1.0), ("W", 7.0), ("M", 365.25 / 12), ("Q", 365.25 / 4), ("Y", 365.25), (14, 14.0)],
)
def test_time_units(unit, days):
    s = summarize_transactions(["a", "a"], ["2023-01-01", "2024-01-01"], [1.0, 1.0], time_unit=unit)
    assert s.recency[0] == pytest.approx(365 / days)
    assert s.time_unit == (unit if isinstance(unit, str) else "14D")
    if isinstance(unit, str):
        assert TIME_UNITS[unit] == days


@pytest.mark.parametrize("unit", ["fortnight", "m", "H", "", 0, -7.0, float("nan"), True])
def test_unknown_time_units_name_the_accepted_ones(unit):
    with pytest.raises(InvalidParameterError, match="'time_unit' must be"):
        summarize_transactions(["a"], ["2024-01-01"], [1.0], time_unit=unit)
    if isinstance(unit, str):
        with pytest.raises(InvalidParameterError, match=r"'D' \(days\), 'W' \(7 days\)"):
            summarize_transactions(["a"], ["2024-01-01"], [1.0], time_unit=unit)


# ------------------------------------------------------------------ bad input


def test_wrong_column_name_lists_available_and_suggests_closest():
    for frame in _frames().values():
        with pytest.raises(SchemaError, match=r"'amount' column 'usd_' is not in the frame") as e:
            summarize_transactions(frame, customer_id="cust", date="day", amount="usd_")
        assert "available columns: ['cust', 'day', 'usd']" in str(e.value)
        assert "Did you mean 'usd'?" in str(e.value)


def test_non_date_text_names_column_row_value_and_customer():
    frame = pd.DataFrame({**DATA, "day": ["2024-01-01", "2024-01-15", "next week"]})
    with pytest.raises(InvalidParameterError) as e:
        summarize_transactions(frame, **COLS)
    msg = str(e.value)
    assert msg.startswith("'dates' must be dates")
    assert "first at index 2: 'next week'" in msg
    assert "customer '9'" in msg
    assert "frame column 'day'" in msg


def test_text_not_in_the_date_format_is_named():
    with pytest.raises(
        InvalidParameterError,
        match=r"'dates' must be dates in the format '%Y%m%d'; got 1 bad value "
        r"\(first at index 1: '1997-01-18'\); customer 'b'",
    ):
        summarize_transactions(
            ["a", "b"], ["19970101", "1997-01-18"], [1.0, 2.0], date_format="%Y%m%d"
        )
    with pytest.raises(InvalidParameterError, match="must be strings in the format"):
        summarize_transactions(
            ["a", "b"], ["19970101", dt.date(1997, 1, 2)], [1.0, 2.0], date_format="%Y%m%d"
        )


def test_numbers_as_dates_without_a_format_point_to_date_format():
    frame = pd.DataFrame({"cust": ["a"], "day": [19970101], "usd": [1.0]})
    with pytest.raises(InvalidParameterError, match=r"not numbers.*date_format='%Y%m%d'"):
        summarize_transactions(frame, **COLS)


def test_missing_amounts_name_the_customer():
    frame = pd.DataFrame({**DATA, "usd": [1.0, None, 2.0]})
    with pytest.raises(
        InvalidParameterError,
        match=r"'amounts' must be finite .*first at index 1: nan\); customer '17'; "
        r"frame column 'usd'",
    ):
        summarize_transactions(frame, **COLS)


def test_mismatched_lengths_name_every_column():
    with pytest.raises(ShapeMismatchError, match="customer_ids: 3, dates: 2, amounts: 3"):
        summarize_transactions(["a", "b", "c"], ["2024-01-01", "2024-01-02"], [1.0, 2.0, 3.0])


def test_empty_frames_give_an_empty_summary_or_a_named_error():
    empty = pd.DataFrame(
        {
            "cust": pd.Series([], dtype=str),
            "day": pd.Series([], dtype=str),
            "usd": pd.Series([], dtype=float),
        }
    )
    assert len(summarize_transactions(empty, **COLS, observation_end="2024-01-01")) == 0
    with pytest.raises(InvalidParameterError, match="'observation_end' must be given"):
        summarize_transactions(empty, **COLS)


def test_column_names_with_arrays_and_arrays_with_a_frame_are_refused():
    with pytest.raises(InvalidParameterError, match=r"column names \['date'\] name the columns"):
        summarize_transactions(["a"], ["2024-01-01"], [1.0], date="day")
    with pytest.raises(InvalidParameterError, match=r"a data frame and separate \['amounts'\]"):
        summarize_transactions(pd.DataFrame(DATA), amounts=[1.0], **COLS)


def test_timezone_aware_dates_are_refused_not_moved_to_utc():
    frame = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": pd.to_datetime(["2024-01-01", "2024-01-05"]).tz_localize("Europe/Berlin"),
            "amount": [1.0, 2.0],
        }
    )
    with pytest.raises(
        InvalidParameterError, match=r"'dates' must be timezone-naive.*customer 'a'"
    ):
        summarize_transactions(frame)
    naive = frame.assign(date=frame["date"].dt.tz_localize(None))
    assert summarize_transactions(naive).first_purchase.tolist() == [
        dt.date(2024, 1, 1),
        dt.date(2024, 1, 5),
    ]
