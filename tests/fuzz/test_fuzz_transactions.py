"""Fuzz the transaction loaders: ``TransactionLog.from_frame``, ``summarize_transactions``
and the ``kamcore summarize`` command on random CSV files.

The only allowed outcomes are a valid result (finite summary columns, ids
kept) or a ``KamcoreError``; the command exits 0 with a CSV, or refuses.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import math
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamcore.cli import main
from kamcore.errors import InvalidParameterError
from kamcore.transactions import TIME_UNITS, TransactionLog, summarize_transactions

from ._outcome import result_or_refusal
from .conftest import FUZZ_EXAMPLES

IDS = st.one_of(
    st.text(max_size=6),
    st.integers(-5, 10**20),
    st.sampled_from([None, math.nan, True, " a", "a\x00", b"a", 1.5]),
)


DATES = st.one_of(
    st.dates(dt.date(1900, 1, 1), dt.date(2200, 1, 1)).map(dt.date.isoformat),
    st.dates(dt.date(1990, 1, 1), dt.date(2030, 1, 1)),
    st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2030, 1, 1)),
    st.sampled_from(["2024-02-30", "", "today", None, 20240101, math.nan, "20240101", "0", "1"]),
    st.text(max_size=10),
)
AMOUNTS = st.one_of(
    st.floats(),
    st.integers(-(10**20), 10**20),
    st.sampled_from([None, "12.5", "", True, -0.0, 1e308]),
)


@st.composite
def columns(draw: st.DrawFn) -> dict[str, list[Any]]:
    n = draw(st.integers(0, 8))
    ids = draw(st.lists(IDS, min_size=n, max_size=n))
    dates = draw(st.lists(DATES, min_size=n, max_size=n))
    amounts = draw(st.lists(AMOUNTS, min_size=n, max_size=n))
    if draw(st.booleans()):  # a ragged frame now and then
        amounts = amounts[: draw(st.integers(0, n))]
    cols = {"customer_id": ids, "date": dates, "amount": amounts}
    if draw(st.booleans()):
        del cols[draw(st.sampled_from(sorted(cols)))]
    return cols


def _as_frame(cols: dict[str, list[Any]], form: str) -> Any:
    if form == "lists":
        return cols
    if form == "numpy":
        out = {}
        for k, v in cols.items():
            try:
                out[k] = np.asarray(v)
            except (ValueError, TypeError):
                out[k] = np.asarray(v, dtype=object)
        return out
    import pandas as pd  # installed with the frame extras

    try:
        return pd.DataFrame(cols)
    except ValueError:  # ragged: pandas itself refuses to build the frame
        return cols


def _valid_summary(summary: Any) -> None:
    for name, values in summary.columns().items():
        arr = np.asarray(values)
        if arr.dtype.kind == "f":
            assert np.isfinite(arr).all(), f"{name} holds NaN or infinity"
    assert len(summary.ids) == len(set(summary.ids.tolist()))


@settings(max_examples=FUZZ_EXAMPLES)
@given(columns(), st.sampled_from(["lists", "numpy", "pandas"]))
def test_from_frame_on_random_columns(cols: dict[str, list[Any]], form: str) -> None:
    frame = _as_frame(cols, form)
    log = result_or_refusal(lambda: TransactionLog.from_frame(frame))
    if log is not None:
        assert isinstance(log, TransactionLog)
        assert len(log.customer_ids) == len(cols["customer_id"])
        summary = result_or_refusal(lambda: summarize_transactions(log))
        if summary is not None:
            _valid_summary(summary)


@settings(max_examples=FUZZ_EXAMPLES)
@given(
    columns(),
    st.sampled_from(["lists", "numpy", "pandas"]),
    st.one_of(st.sampled_from(sorted(TIME_UNITS)), st.floats(), st.text(max_size=3)),
    st.one_of(st.none(), DATES),
)
def test_summarize_transactions_on_random_columns(
    cols: dict[str, list[Any]], form: str, unit: Any, end: Any
) -> None:
    frame = _as_frame(cols, form)
    summary = result_or_refusal(
        lambda: summarize_transactions(frame, observation_end=end, time_unit=unit)
    )
    if summary is not None:
        _valid_summary(summary)


CELLS = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["2024-01-01", "2024-13-01", "12.5", "-1", "nan", "inf", "1e400", "", '"']),
    st.integers(-(10**6), 10**6).map(str),
)
HEADERS = st.one_of(
    st.just(["customer_id", "date", "amount"]),
    st.lists(st.sampled_from(["customer_id", "date", "amount", "x", ""]), max_size=5),
)


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    header = draw(HEADERS)
    rows = draw(st.lists(st.lists(CELLS, max_size=5), max_size=6))
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    data = buf.getvalue().encode("utf-8")
    if draw(st.booleans()):  # damage the bytes: cut, insert, non-UTF-8
        i = draw(st.integers(0, len(data)))
        data = data[:i] + draw(st.binary(max_size=4)) + data[i + draw(st.integers(0, 3)) :]
    return data


@settings(max_examples=FUZZ_EXAMPLES)
@given(csv_files(), st.sampled_from(["D", "W", "M", "7", "0", "x"]))
def test_cli_summarize_on_random_csv_files(data: bytes, unit: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "log.csv"
        path.write_bytes(data)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            # --debug: a refusal is raised (a KamcoreError), a defect too
            status = result_or_refusal(
                lambda: main(["--debug", "summarize", str(path), "--time-unit", unit])
            )
    if status is not None:
        assert status == 0
        rows = list(csv.reader(io.StringIO(out.getvalue())))
        assert rows[0][0] == "customer_id"
        assert all(len(r) == len(rows[0]) for r in rows)


@pytest.mark.parametrize(
    "text", ["20240101", "0", "1", "0000-01-01", "99999-01-01", "2024-01", "2024"]
)
def test_text_read_as_a_year_outside_1_to_9999_is_refused(text: str) -> None:
    """numpy reads '20240101' as the year 20,240,101, '0' as the year 0 and '1' as
    the year 1: the one date rule (ISO 8601 calendar dates, years 1..9999) refuses
    them when the log is built, naming the field, the rule and the value."""
    with pytest.raises(InvalidParameterError) as info:
        TransactionLog.from_frame({"customer_id": ["a"], "date": [text], "amount": [1.0]})
    message = str(info.value)
    assert message.startswith("'dates' must be dates")
    assert f"(first at index 0: {text!r})" in message
    assert "customer 'a'" in message
