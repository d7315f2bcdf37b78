"""TransactionLog: constructors agree, one id and one date validator, read-only columns."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamcore.domain import Money, Transaction
from kamcore.errors import InvalidParameterError, KamcoreError, SchemaError, ShapeMismatchError
from kamcore.loyalty import cross_sell
from kamcore.metrics import cohort_retention, order_cycles, period_metrics, period_values
from kamcore.transactions import (
    FREQUENCIES,
    TIME_UNITS,
    TransactionLog,
    summarize_transactions,
)

BASE = dt.date(2024, 1, 1)

rows = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c", "d", "e"]),
        st.integers(0, 400),
        st.integers(0, 100_000).map(lambda c: c / 100),
        st.integers(-5_000, 5_000).map(lambda c: c / 100),
        st.booleans(),
    ),
    min_size=1,
    max_size=40,
)


def _columns(rs):
    ids = [r[0] for r in rs]
    dates = [BASE + dt.timedelta(days=r[1]) for r in rs]
    return ids, dates, [r[2] for r in rs], [r[3] for r in rs], [r[4] for r in rs]


def _assert_same_log(a: TransactionLog, b: TransactionLog) -> None:
    ca, cb = a.columns(), b.columns()
    assert list(ca) == list(cb)
    for name, col in ca.items():
        assert col.dtype == cb[name].dtype, name
        np.testing.assert_array_equal(col, cb[name], err_msg=name)


# ------------------------------------------------------------ constructors agree


@given(rows)
def test_constructors_agree(rs):
    ids, dates, amounts, margins, main = _columns(rs)
    margins = [min(m, a) for a, m in zip(amounts, margins, strict=True)]  # margin <= amount
    ref = TransactionLog.from_columns(
        ids, dates, amounts, margins=margins, main_business=np.array(main)
    )
    # domain objects: money with two decimals round-trips through float exactly
    objects = [
        Transaction(
            i, d, Money.of(f"{a:.2f}", "EUR"), margin=Money.of(f"{m:.2f}", "EUR"), main_business=f
        )
        for i, d, a, m, f in zip(ids, dates, amounts, margins, main, strict=True)
    ]
    _assert_same_log(TransactionLog.from_transactions(objects), ref)
    data = {
        "customer_id": ids,
        "date": dates,
        "amount": amounts,
        "margin": margins,
        "main": main,
    }
    for frame in (data, pd.DataFrame(data), pl.DataFrame(data), pa.table(data)):
        log = TransactionLog.from_frame(frame, margin="margin", main_business="main")
        _assert_same_log(log, ref)


def test_frame_column_names_and_periods():
    frame = pd.DataFrame({"cust": ["x", "y", "x"], "year": [2023, 2024, 2024], "rev": [1, 2, 3]})
    log = TransactionLog.from_frame(frame, "cust", date=None, amount="rev", period="year")
    assert not log.has_dates
    assert log.periods is not None
    assert log.periods.tolist() == [2023, 2024, 2024]
    assert log.amounts is not None
    assert log.amounts.tolist() == [1.0, 2.0, 3.0]
    no_amounts = TransactionLog.from_frame(
        pl.DataFrame({"customer_id": ["a"], "date": [BASE]}), amount=None
    )
    assert no_amounts.amounts is None


@pytest.mark.parametrize("kind", ["dict", "pandas", "polars", "arrow"])
def test_missing_frame_column_names_column_and_available(kind):
    data = {"customer_id": ["a"], "day": ["2024-01-01"], "amount": [1.0]}
    frame = {
        "dict": lambda: data,
        "pandas": lambda: pd.DataFrame(data),
        "polars": lambda: pl.DataFrame(data),
        "arrow": lambda: pa.table(data),
    }[kind]()
    with pytest.raises(SchemaError, match=r"'date' column 'date' is not in the frame") as exc:
        TransactionLog.from_frame(frame)
    assert "available columns: ['customer_id', 'day', 'amount']" in str(exc.value)
    assert TransactionLog.from_frame(frame, date="day").n_customers == 1


def test_from_frame_refuses_non_tables_and_two_time_columns():
    with pytest.raises(SchemaError, match="'frame' must be"):
        TransactionLog.from_frame([1, 2, 3])
    with pytest.raises(InvalidParameterError, match="'date' and 'period'"):
        TransactionLog.from_frame({"customer_id": ["a"], "date": [BASE]}, period="date")


def test_from_transactions_refuses_other_objects():
    with pytest.raises(InvalidParameterError, match="'transactions' must be Transaction objects"):
        TransactionLog.from_transactions([("a", BASE, 1.0)])


# ------------------------------------------------------------ the one id validator


BAD_IDS = [
    (["a", ""], "blank"),
    (["a", "   "], "blank"),
    (["a", "\t"], "blank"),
    (["a", None], "None"),
    (["a", math.nan], "NaN"),
    ([1.5, 2.0], "integers"),
    (np.array([1.0, 2.0]), "integers"),
    ([True, False], "integers"),
    (np.array([b"a", b"b"]), "integers"),
    (pd.Series(["a", None]), "None"),
    (pd.Series(["a", np.nan]), "NaN"),
]


@pytest.mark.parametrize(("ids", "rule"), BAD_IDS)
def test_id_validator_rejects(ids, rule):
    del rule  # the message names the field; the rule words differ per case
    dates = ["2024-01-01", "2024-01-02"]
    calls = [
        lambda: TransactionLog.from_columns(ids, dates, [1.0, 2.0]),
        lambda: TransactionLog.from_frame(
            {"customer_id": ids, "date": dates, "amount": [1.0, 2.0]}
        ),
        lambda: summarize_transactions(ids, dates, [1.0, 2.0]),
        lambda: period_metrics(ids, [1, 2]),
        lambda: order_cycles(ids, dates),
        lambda: cross_sell(ids, [1.0, 2.0], [True, False]),
    ]
    for call in calls:
        with pytest.raises(InvalidParameterError, match="'customer_ids' must"):
            call()


def test_ids_reject_more_dimensions():
    with pytest.raises(ShapeMismatchError, match="'customer_ids' must be 1-D"):
        TransactionLog([["a"]], [["2024-01-01"]])


def test_integer_ids_are_stored_as_decimal_text():
    log = TransactionLog(np.array([10, 2, 10]), periods=[1, 1, 2])
    assert log.customer_ids.dtype.kind == "U"
    assert log.customer_ids.tolist() == ["10", "2", "10"]
    assert log.customers.tolist() == ["10", "2"]  # sorted as text
    # a mix of integers and strings is refused: 7 and "7" would merge into one customer
    with pytest.raises(InvalidParameterError, match=r"not a mix .*index 1: 7"):
        TransactionLog(["a", 7], periods=[1, 2])
    s = summarize_transactions([3, 3], ["2024-01-01", "2024-01-08"], [1.0, 2.0])
    assert s.ids.tolist() == ["3"]


# ------------------------------------------------------------ the one date validator


@pytest.mark.parametrize(
    ("dates", "match"),
    [
        (["2024-01-01", "NaT"], "no NaT"),
        ([BASE, None], "no NaT"),
        (np.array(["2024-01-01", "NaT"], dtype="datetime64[ns]"), "no NaT"),
        (pd.Series([pd.Timestamp("2024-01-01"), pd.NaT]), "no NaT"),
        (["2024-01-01", "someday"], "ISO 8601"),
        ([20240101, 20240102], "not numbers"),
        (np.array([1.0, 2.0]), "not numbers"),
    ],
)
def test_date_validator_rejects(dates, match):
    for call in (
        lambda: TransactionLog.from_columns(["a", "b"], dates),
        lambda: summarize_transactions(["a", "b"], dates, [1.0, 1.0]),
    ):
        with pytest.raises(InvalidParameterError, match=f"'dates' must .*{match}"):
            call()


def test_dates_keep_the_day():
    stamps = np.array(["2024-01-01T23:59", "2024-01-02T00:01"], dtype="datetime64[m]")
    log = TransactionLog(["a", "a"], stamps)
    assert log.dates is not None
    assert [str(d) for d in log.dates] == ["2024-01-01", "2024-01-02"]
    assert log.dates.dtype == np.dtype("datetime64[D]")


def test_exactly_one_time_column():
    with pytest.raises(InvalidParameterError, match="exactly one time column"):
        TransactionLog(["a"])
    with pytest.raises(InvalidParameterError, match="exactly one time column"):
        TransactionLog(["a"], ["2024-01-01"], periods=[1])


@pytest.mark.parametrize(
    ("kwargs", "err", "match"),
    [
        ({"amounts": [1.0]}, ShapeMismatchError, "customer_ids: 2, dates: 2, amounts: 1"),
        ({"margins": [1.0, 2.0, 3.0]}, ShapeMismatchError, "margins: 3"),
        ({"main_business": [True]}, ShapeMismatchError, "main_business: 1"),
        ({"amounts": [1.0, math.inf]}, InvalidParameterError, "'amounts' must be finite"),
        ({"margins": [math.nan, 1.0]}, InvalidParameterError, "'margins' must be finite"),
        ({"main_business": [1, 0]}, InvalidParameterError, "'main_business' must be booleans"),
    ],
)
def test_column_rules(kwargs, err, match):
    with pytest.raises(err, match=match):
        TransactionLog(["a", "b"], ["2024-01-01", "2024-01-02"], **kwargs)
    assert issubclass(err, KamcoreError)


def test_period_numbers_must_be_whole():
    with pytest.raises(InvalidParameterError, match="'periods' must be a whole number"):
        TransactionLog(["a"], periods=[1.5])


# ------------------------------------------------------------ read-only, private data


def test_columns_are_read_only_and_private():
    ids = np.array(["a", "b"])
    dates = np.array(["2024-01-01", "2024-01-02"], dtype="datetime64[D]")
    amounts = np.array([1.0, 2.0])
    log = TransactionLog(ids, dates, amounts)
    for col in log.columns().values():
        assert not col.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            col[0] = col[1]
    ids[0], dates[0], amounts[0] = "z", np.datetime64("2000-01-01"), 99.0
    assert log.customer_ids.tolist() == ["a", "b"]
    assert log.dates is not None
    assert str(log.dates[0]) == "2024-01-01"
    assert log.amounts is not None
    assert log.amounts.tolist() == [1.0, 2.0]
    # the caller's arrays stay writeable
    assert ids.flags.writeable
    assert amounts.flags.writeable
    with pytest.raises(AttributeError):
        log.amounts = None  # type: ignore[misc]


# ------------------------------------------------------------ selection


def test_between_filter_and_range():
    log = TransactionLog(
        ["a", "b", "a", "c"],
        ["2024-01-05", "2024-01-01", "2024-02-10", "2024-03-01"],
        [1.0, 2.0, 3.0, 4.0],
    )
    assert len(log) == 4
    assert log.n_customers == 3
    assert [str(d) for d in log.date_range] == ["2024-01-01", "2024-03-01"]
    jan = log.between("2024-01-01", "2024-01-31")
    assert jan.customer_ids.tolist() == ["a", "b"]
    assert jan.amounts is not None
    assert jan.amounts.tolist() == [1.0, 2.0]
    assert log.between(end=dt.date(2024, 2, 10)).customers.tolist() == ["a", "b"]
    assert len(log.between(start=np.datetime64("2024-02-10"))) == 2
    big = log.filter(np.array([False, True, False, True]))
    assert big.customer_ids.tolist() == ["b", "c"]
    assert not big.customer_ids.flags.writeable
    with pytest.raises(InvalidParameterError, match="'start' must be <= 'end'"):
        log.between("2024-02-01", "2024-01-01")
    with pytest.raises(InvalidParameterError, match="'start' must be dates, not numbers"):
        log.between(start=20240101)
    with pytest.raises(ShapeMismatchError, match="mask: 2"):
        log.filter(np.array([True, False]))
    years = TransactionLog(["a", "b", "a"], periods=[2022, 2023, 2024])
    assert years.between(2023, 2024).customer_ids.tolist() == ["b", "a"]
    with pytest.raises(InvalidParameterError, match="'start' must be an integer period"):
        years.between("2023-01-01")
    with pytest.raises(InvalidParameterError, match="'dates' are needed by date_range"):
        _ = years.date_range
    with pytest.raises(InvalidParameterError, match="empty log"):
        _ = log.filter(np.zeros(4, dtype=bool)).date_range


def test_repr_is_short():
    log = TransactionLog(["a"] * 1000, ["2024-01-01"] * 1000, np.ones(1000))
    text = repr(log)
    assert text.startswith("TransactionLog(1000 transactions, 1 customers, dates 2024-01-01")
    assert len(text) < 200


# ------------------------------------------------------------ consumers


@given(rows, st.integers(0, 2**32 - 1), st.sampled_from(["D", "W", 30.0]))
def test_summary_is_invariant_to_shuffled_log_rows(rs, seed, unit):
    ids, dates, amounts, margins, main = _columns(rs)
    log = TransactionLog(ids, dates, amounts, margins=margins, main_business=main)
    perm = np.random.default_rng(seed).permutation(len(log))
    shuffled = TransactionLog(**{k: v[perm] for k, v in log.columns().items()})
    a = summarize_transactions(log, observation_end="2025-06-30", time_unit=unit)
    b = summarize_transactions(shuffled, observation_end="2025-06-30", time_unit=unit)
    np.testing.assert_array_equal(a.ids, b.ids)
    assert list(a.columns()) == list(b.columns())
    for name, col in a.columns().items():
        if col.dtype.kind == "f":
            np.testing.assert_allclose(col, b.columns()[name], atol=1e-9, err_msg=name)
        else:
            np.testing.assert_array_equal(col, b.columns()[name], err_msg=name)


@given(rows, st.sampled_from(sorted(FREQUENCIES)))
def test_log_form_equals_raw_form(rs, freq):
    ids, dates, amounts, margins, main = _columns(rs)
    log = TransactionLog(ids, dates, amounts, margins=margins, main_business=main)
    s_log = summarize_transactions(log, time_unit="W")
    s_raw = summarize_transactions(
        ids, dates, amounts, margins=margins, main_business=np.array(main), time_unit="W"
    )
    for name, col in s_log.columns().items():
        np.testing.assert_array_equal(col, s_raw.columns()[name], err_msg=name)
    m_log, m_raw = period_metrics(log, freq=freq), period_metrics(ids, dates, amounts, freq=freq)
    for f in ("periods", "active", "start", "acquired", "reactivated", "retained", "sales"):
        np.testing.assert_array_equal(getattr(m_log, f), getattr(m_raw, f), err_msg=f)
    c_log, c_raw = cohort_retention(log, freq=freq), cohort_retention(ids, dates, freq=freq)
    np.testing.assert_array_equal(c_log.active, c_raw.active)
    v_log, v_raw = period_values(log, freq=freq), period_values(ids, dates, amounts, freq=freq)
    np.testing.assert_array_equal(v_log.values, v_raw.values)
    o_log, o_raw = order_cycles(log), order_cycles(ids, dates)
    np.testing.assert_array_equal(o_log.mean_gap, o_raw.mean_gap)
    x_log, x_raw = cross_sell(log), cross_sell(ids, amounts, np.array(main))
    np.testing.assert_array_equal(x_log.main, x_raw.main)
    np.testing.assert_array_equal(x_log.other, x_raw.other)


def test_consumers_name_a_missing_column():
    no_amounts = TransactionLog(["a", "b"], ["2024-01-01", "2024-01-02"])
    with pytest.raises(InvalidParameterError, match="'amounts' are needed by summarize"):
        summarize_transactions(no_amounts)
    with pytest.raises(InvalidParameterError, match="'amounts' are needed by period_values"):
        period_values(no_amounts, freq="M")
    with pytest.raises(InvalidParameterError, match="'amounts' are needed by cross_sell"):
        cross_sell(no_amounts)
    assert period_metrics(no_amounts, freq="M").sales.tolist() == [0.0]
    no_flags = TransactionLog(["a"], ["2024-01-01"], [1.0])
    with pytest.raises(InvalidParameterError, match="'main_business' flags are needed"):
        cross_sell(no_flags)
    years = TransactionLog(["a"], periods=[2024], amounts=[1.0])
    with pytest.raises(InvalidParameterError, match="'dates' are needed by summarize"):
        summarize_transactions(years)
    with pytest.raises(InvalidParameterError, match="'freq' must be None"):
        period_metrics(years, freq="Y")


def test_a_log_takes_no_separate_columns():
    log = TransactionLog(["a"], ["2024-01-01"], [1.0])
    with pytest.raises(InvalidParameterError, match="columns belong in the log"):
        summarize_transactions(log, margins=[0.5])
    with pytest.raises(InvalidParameterError, match="columns belong in the log"):
        period_metrics(log, ["2024-01-01"], freq="D")
    with pytest.raises(InvalidParameterError, match="belong in the log"):
        cross_sell(log, [1.0], [True])
    with pytest.raises(InvalidParameterError, match="got no dates"):
        summarize_transactions(["a"])


def test_amount_sign_rules_belong_to_the_consumer():
    log = TransactionLog(["a", "a"], ["2024-01-01", "2024-02-01"], [5.0, -2.0])
    assert period_values(log, freq="M").values.tolist() == [[5.0, -2.0]]
    with pytest.raises(InvalidParameterError, match="'amounts' must be >= 0"):
        summarize_transactions(log)


# ------------------------------------------------------------ the two time vocabularies


def test_time_units_and_frequencies_are_named_once():
    assert dict(TIME_UNITS) == {"D": 1.0, "W": 7.0, "M": 365.25 / 12, "Q": 365.25 / 4, "Y": 365.25}
    assert list(FREQUENCIES) == ["D", "W", "M", "Q", "Y"]
    with pytest.raises(TypeError):
        TIME_UNITS["M"] = 30.0  # type: ignore[index]
    # Sunday 2024-01-07 and Monday 2024-01-08 are 1 day apart: 1/7 of a week as a
    # duration (time_unit="W"), but two different ISO weeks as buckets (freq="W")
    log = TransactionLog(["a", "a"], ["2024-01-07", "2024-01-08"], [1.0, 1.0])
    s = summarize_transactions(log, time_unit="W")
    assert s.recency.tolist() == [pytest.approx(1 / 7)]
    weeks = period_metrics(log, freq="W")
    assert [str(p) for p in weeks.periods] == ["2024-01-01", "2024-01-08"]
