"""Transaction-log summary: a per-customer reference on random logs and the published CDNOW summary."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamcore.errors import CurrencyMismatchError, InvalidParameterError, ShapeMismatchError
from kamcore.transactions import TransactionLog, summarize_transactions
from tests.conftest import DATA

BASE = dt.date(2024, 1, 1)


def reference_summary(rows, end, unit_days):
    """Plain-Python per-customer summary, one customer at a time."""
    by_cust = defaultdict(lambda: defaultdict(float))
    n_rows = defaultdict(int)
    revenue = defaultdict(float)
    margin = defaultdict(float)
    for cid, day, amount, m in rows:
        by_cust[cid][day] += amount
        n_rows[cid] += 1
        revenue[cid] += amount
        margin[cid] += m
    out = {}
    for cid, occasions in by_cust.items():
        days = sorted(occasions)
        x = len(days) - 1
        repeat = [occasions[d] for d in days[1:]]
        out[cid] = {
            "frequency": x,
            "recency": (days[-1] - days[0]) / unit_days,
            "T": (end - days[0]) / unit_days,
            "monetary_value": sum(repeat) / x if x else 0.0,
            "n_transactions": n_rows[cid],
            "total_revenue": revenue[cid],
            "total_margin": margin[cid],
            "first": days[0],
            "last": days[-1],
        }
    return out


log_rows = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c", "d", "e", "f"]),
        st.integers(0, 60),
        st.floats(0, 1000, allow_nan=False).map(lambda v: round(v, 2)),
        st.floats(-100, 100, allow_nan=False).map(lambda v: round(v, 2)),
    ),
    min_size=1,
    max_size=60,
)


@given(rows=log_rows, extra=st.integers(0, 30), unit=st.sampled_from(["D", "W", 30.0]))
def test_summary_equals_per_customer_reference(rows, extra, unit):
    end_day = max(r[1] for r in rows) + extra
    unit_days = {"D": 1.0, "W": 7.0}.get(unit, unit)
    s = summarize_transactions(
        [r[0] for r in rows],
        [np.datetime64(BASE) + r[1] for r in rows],
        [r[2] for r in rows],
        margins=[r[3] for r in rows],
        observation_end=np.datetime64(BASE) + end_day,
        time_unit=unit,
    )
    ref = reference_summary(rows, end_day, unit_days)
    assert s.ids.tolist() == sorted(ref)
    for i, cid in enumerate(s.ids.tolist()):
        r = ref[cid]
        assert s.frequency[i] == r["frequency"]
        assert s.recency[i] == pytest.approx(r["recency"])
        assert s.T[i] == pytest.approx(r["T"])
        assert s.monetary_value[i] == pytest.approx(r["monetary_value"], abs=1e-9)
        assert s.n_transactions[i] == r["n_transactions"]
        assert s.total_revenue[i] == pytest.approx(r["total_revenue"], abs=1e-9)
        assert s.total_margin is not None
        assert s.total_margin[i] == pytest.approx(r["total_margin"], abs=1e-9)
        assert s.first_purchase[i] == np.datetime64(BASE) + r["first"]
        assert s.last_purchase[i] == np.datetime64(BASE) + r["last"]


@given(rows=log_rows, seed=st.integers(0, 2**32 - 1))
def test_summary_is_invariant_to_row_order(rows, seed):
    perm = np.random.default_rng(seed).permutation(len(rows))
    cols = [np.array(c) for c in zip(*rows, strict=True)]
    dates = np.datetime64(BASE) + cols[1]
    a = summarize_transactions(cols[0], dates, cols[2], observation_end="2024-12-31")
    b = summarize_transactions(
        cols[0][perm], dates[perm], cols[2][perm], observation_end="2024-12-31"
    )
    for name, col in a.columns().items():
        np.testing.assert_allclose(col.astype(float), b.columns()[name].astype(float), atol=1e-9)


def _load_cdnow_sample():
    raw = np.loadtxt(DATA / "CDNOW_sample.txt", dtype=str)
    ids = raw[:, 1]
    dates = np.array([f"{d[:4]}-{d[4:6]}-{d[6:]}" for d in raw[:, 2]], dtype="datetime64[D]")
    return ids, dates, raw[:, 4].astype(float)


@pytest.mark.slow
def test_cdnow_sample_reproduces_published_calibration_summary():
    ids, dates, dollars = _load_cdnow_sample()
    cal = dates <= np.datetime64("1997-09-30")
    s = summarize_transactions(
        ids[cal], dates[cal], dollars[cal], observation_end="1997-09-30", time_unit="W"
    )
    pub = np.genfromtxt(
        DATA / "cdnow_customers_summary_with_transactions.csv", delimiter=",", names=True
    )
    assert len(s) == pub.shape[0] == 2357
    order = np.argsort(s.ids.astype(int))
    assert np.array_equal(s.ids.astype(int)[order], pub["ID"].astype(int))
    np.testing.assert_array_equal(s.frequency[order], pub["x"].astype(int))
    np.testing.assert_allclose(s.recency[order], pub["t_x"], atol=0.005 + 1e-9)
    np.testing.assert_allclose(s.T[order], pub["T"], atol=0.005 + 1e-9)
    np.testing.assert_allclose(s.monetary_value[order], pub["zbar"], atol=0.005 + 1e-9)


@pytest.mark.slow
def test_cdnow_sample_calibration_window_through_a_log():
    ids, dates, dollars = _load_cdnow_sample()
    log = TransactionLog(ids, dates, dollars).between(end="1997-09-30")
    s = summarize_transactions(log, observation_end="1997-09-30", time_unit="W")
    pub = np.genfromtxt(
        DATA / "cdnow_customers_summary_with_transactions.csv", delimiter=",", names=True
    )
    order = np.argsort(s.ids.astype(int))
    assert np.array_equal(s.ids.astype(int)[order], pub["ID"].astype(int))
    np.testing.assert_array_equal(s.frequency[order], pub["x"].astype(int))
    np.testing.assert_allclose(s.T[order], pub["T"], atol=0.005 + 1e-9)
    np.testing.assert_allclose(s.monetary_value[order], pub["zbar"], atol=0.005 + 1e-9)


@pytest.mark.slow
def test_cdnow_master_log_totals():
    raw = np.loadtxt(DATA / "CDNOW_master.txt", dtype=str, skiprows=1)
    dates = np.array([f"{d[:4]}-{d[4:6]}-{d[6:]}" for d in raw[:, 1]], dtype="datetime64[D]")
    dollars = raw[:, 3].astype(float)
    s = summarize_transactions(raw[:, 0], dates, dollars, observation_end="1998-06-30")
    assert len(s) == 23570
    assert s.n_transactions.sum() == 69659
    assert s.total_revenue.sum() == pytest.approx(dollars.sum())
    assert s.first_purchase.min() == np.datetime64("1997-01-01")
    # the cohort was acquired in the first quarter of 1997
    assert s.first_purchase.max() <= np.datetime64("1997-03-31")


def test_empty_log_gives_empty_summary():
    s = summarize_transactions(
        [], np.array([], dtype="datetime64[D]"), [], observation_end="2024-01-01"
    )
    assert len(s) == 0
    assert s.frequency.dtype == np.int64


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"amounts": [1.0, -2.0]},
            InvalidParameterError,
            r"'amounts' must be >= 0; got 1 bad value \(first at index 1: -2.0\)",
        ),
        ({"amounts": [1.0, float("nan")]}, InvalidParameterError, "'amounts' must be finite"),
        ({"amounts": [1.0]}, ShapeMismatchError, "same length"),
        ({"dates": ["2024-01-01", "NaT"]}, InvalidParameterError, "'dates' must be a date"),
        (
            {"dates": [20240101, 20240102]},
            InvalidParameterError,
            "'dates' must be dates, not numbers",
        ),
        ({"customer_ids": ["a", " "]}, InvalidParameterError, "'customer_ids' must be non-empty"),
        ({"observation_end": "2024-01-01"}, InvalidParameterError, "on or before observation_end"),
        ({"time_unit": "fortnight"}, InvalidParameterError, "'time_unit' must be one of"),
        ({"time_unit": -1.0}, InvalidParameterError, "'time_unit' must be a positive"),
    ],
)
def test_bad_input_is_named(kwargs, error, match):
    args = {
        "customer_ids": ["a", "b"],
        "dates": ["2024-01-01", "2024-01-05"],
        "amounts": [1.0, 2.0],
    }
    args.update(kwargs)
    ids, dates, amounts = args.pop("customer_ids"), args.pop("dates"), args.pop("amounts")
    with pytest.raises(error, match=match):
        summarize_transactions(ids, dates, amounts, **args)


def test_to_portfolio_carries_columns_and_currency():
    s = summarize_transactions(
        ["a", "b", "a"], ["2024-01-01", "2024-01-02", "2024-01-09"], [1.0, 2.0, 3.0]
    )
    p = s.to_portfolio(currency="USD")
    assert p.ids.tolist() == ["a", "b"]
    assert p["frequency"].tolist() == [1, 0]
    assert p.currency("total_revenue") == "USD"
    assert p.currency("frequency") is None


def test_transaction_objects_feed_the_summary():
    from kamcore.domain import Money, Transaction

    log = [
        Transaction("a", dt.date(2024, 1, 1), Money.of("10", "EUR"), cost=Money.of("6", "EUR")),
        Transaction(
            "a",
            dt.date(2024, 1, 8),
            Money.of("20", "EUR"),
            margin=Money.of("5", "EUR"),
            main_business=False,
        ),
        Transaction("b", dt.date(2024, 1, 3), Money.of("7", "EUR"), margin=Money.of("-1", "EUR")),
    ]
    s = summarize_transactions(
        TransactionLog.from_transactions(log), observation_end="2024-01-15", time_unit="W"
    )
    assert s.frequency.tolist() == [1, 0]
    assert s.total_margin is not None
    assert s.total_margin.tolist() == [9.0, -1.0]
    assert s.main_business_revenue is not None
    assert s.main_business_revenue.tolist() == [10.0, 7.0]


def test_refunds_are_rejected_or_excluded_explicitly():
    from kamcore.domain import Money, Transaction

    log = [
        Transaction("a", dt.date(2024, 1, 1), Money.of("10", "EUR")),
        Transaction("a", dt.date(2024, 1, 2), Money.of("4", "EUR"), refund=True),
    ]
    with pytest.raises(InvalidParameterError, match="1 refunds \\(first at index 1\\)"):
        TransactionLog.from_transactions(log)
    excluded = TransactionLog.from_transactions(log, refunds="exclude")
    assert excluded.amounts is not None
    assert excluded.amounts.tolist() == [10.0]
    with pytest.raises(CurrencyMismatchError, match="one currency"):
        TransactionLog.from_transactions(
            [*log[:1], Transaction("b", dt.date(2024, 1, 1), Money.of("1", "USD"))]
        )


def test_empty_log_gives_the_documented_dtypes():
    """Every column of an empty summary has the dtype of a non-empty one (float
    money even though no row was summed)."""
    log = TransactionLog.from_columns(
        np.array([], dtype=str),
        np.array([], dtype="datetime64[D]"),
        np.array([], dtype=float),
        margins=np.array([], dtype=float),
        main_business=np.array([], dtype=bool),
    )
    empty = summarize_transactions(log, observation_end="2024-01-01")
    full = summarize_transactions(
        TransactionLog.from_columns(
            ["a"], ["2024-01-01"], [1.0], margins=[0.5], main_business=[True]
        ),
        observation_end="2024-01-01",
    )
    empty_cols, full_cols = empty.columns(), full.columns()
    assert list(empty_cols) == list(full_cols)
    for name, column in empty_cols.items():
        assert column.shape == (0,)
        assert column.dtype == full_cols[name].dtype, name
    assert empty.total_revenue.dtype == np.float64
    assert empty.main_business_revenue is not None
    assert empty.main_business_revenue.dtype == np.float64
