"""The one date rule: ISO 8601 calendar dates (or date objects, or an explicit
``date_format``), years 1 to 9999, at every place kamcore reads dates."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from kamcore import clp
from kamcore.errors import InvalidParameterError
from kamcore.plotting import ProbabilityAliveHistoryDisplay
from kamcore.satisfaction import complaint_kpis
from kamcore.transactions import TransactionLog, calibration_holdout, summarize_transactions
from kamcore.transactions._log import check_dates, iso_calendar_text

#: text numpy would read as a date in another year (or not at all as a day)
NOT_CALENDAR_DATES = ["20240101", "0", "1", "2024", "2024-01", " 2024-01-05", "2024/01/05"]


@pytest.mark.parametrize("text", NOT_CALENDAR_DATES)
def test_a_log_refuses_text_that_is_not_an_iso_calendar_date(text: str) -> None:
    with pytest.raises(InvalidParameterError) as info:
        TransactionLog.from_columns(["a", "b"], ["2024-01-05", text])
    message = str(info.value)
    assert message.startswith("'dates' must be dates (ISO 8601 calendar dates 'YYYY-MM-DD'")
    assert f"(first at index 1: {text!r}); customer 'b'." in message


@pytest.mark.parametrize(
    "value",
    [np.datetime64("0000-06-01"), np.datetime64("10000-01-01"), "0000-01-01"],
    ids=str,
)
def test_years_outside_1_to_9999_are_refused(value: object) -> None:
    with pytest.raises(InvalidParameterError, match="'dates' must be dates in the years 1 to 9999"):
        TransactionLog.from_columns(["a", "b"], np.array([np.datetime64("2024-01-05"), value]))


def test_the_calendar_edges_are_dates() -> None:
    log = TransactionLog.from_columns(["a", "b"], ["0001-01-01", "9999-12-31"])
    assert log.date_range == (np.datetime64("0001-01-01"), np.datetime64("9999-12-31"))
    log = TransactionLog.from_columns(["a", "b"], ["0001-01-01", "9999-12-31"], [1.0, 2.0])
    summary = summarize_transactions(log)
    assert summary.observation_end == dt.date(9999, 12, 31)
    assert summary.T.tolist() == [3652058.0, 0.0]  # days from 0001-01-01 to 9999-12-31


@pytest.mark.parametrize(
    ("dates", "kwargs"),
    [
        (["2024-01-31", "2024-02-01T10:15", "2024-02-02 23:59:59"], {}),
        ([dt.date(2024, 1, 31), dt.datetime(2024, 2, 1, 10, 15), np.datetime64("2024-02-02")], {}),
        (np.array(["2024-01-31", "2024-02-01", "2024-02-02"], dtype="datetime64[ns]"), {}),
        (["20240131", "20240201", "20240202"], {"date_format": "%Y%m%d"}),
    ],
)
def test_accepted_forms(dates: object, kwargs: dict[str, str]) -> None:
    got = check_dates(dates, **kwargs)
    assert got.tolist() == [dt.date(2024, 1, 31), dt.date(2024, 2, 1), dt.date(2024, 2, 2)]


def test_objects_that_are_not_dates_are_refused_with_the_rule() -> None:
    with pytest.raises(InvalidParameterError, match=r"first at index 1: 3\)"):
        check_dates(np.array(["2024-01-31", 3], dtype=object))


def test_iso_calendar_text_is_vectorised_and_exact() -> None:
    text = np.array(["2024-01-31", "2024-01-31T10", "2024-01-31 10", "2024-01-31x", "2024-1-31"])
    assert iso_calendar_text(text).tolist() == [True, True, True, False, False]
    assert iso_calendar_text(np.array([], dtype=str)).tolist() == []
    assert iso_calendar_text(np.array(["1", "22"])).tolist() == [False, False]


@pytest.mark.parametrize("text", ["20240101", "0", "1"])
def test_bounds_follow_the_rule(text: str) -> None:
    log = TransactionLog.from_columns(["a", "b"], ["2024-01-05", "2024-02-10"], [1.0, 2.0])
    with pytest.raises(InvalidParameterError, match=f"'observation_end' must be dates.*{text!r}"):
        summarize_transactions(log, observation_end=text)
    with pytest.raises(InvalidParameterError, match=f"'calibration_end' must be dates.*{text!r}"):
        calibration_holdout(log, calibration_end=text)


@pytest.mark.parametrize("text", ["1", "20240101"])
def test_complaint_dates_follow_the_rule(text: str) -> None:
    with pytest.raises(InvalidParameterError) as info:
        complaint_kpis(["a", "b"], ["2025-01-01", text], ["2025-01-03", None])
    assert "'received' must be dates (ISO 8601" in str(info.value)
    assert f"(first at index 1: {text!r}); customer 'b'." in str(info.value)
    with pytest.raises(InvalidParameterError, match=f"'resolved' must be dates.*{text!r}"):
        complaint_kpis(["a", "b"], ["2025-01-01", "2025-01-02"], [text, None])


def test_complaints_keep_open_ones_as_missing() -> None:
    k = complaint_kpis(["a", "b"], ["2025-01-01", "2025-01-02"], ["2025-01-03", None])
    assert (k.count, k.resolved) == (2, 1)


@pytest.mark.parametrize("text", ["1", "20240101"])
def test_plot_dates_follow_the_rule(text: str) -> None:
    model = clp.BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
    with pytest.raises(InvalidParameterError, match=f"must be dates.*{text!r}"):
        ProbabilityAliveHistoryDisplay.from_model(model, dates=text)
    with pytest.raises(InvalidParameterError, match=f"'end' must be dates.*{text!r}"):
        ProbabilityAliveHistoryDisplay.from_model(model, dates=["2024-01-05"], end=text)


@pytest.mark.parametrize("unit", ["D", "s"])
def test_portfolio_date_columns_fall_in_the_calendar(unit: str) -> None:
    from kamcore import Portfolio

    at = np.array(["2024-01-01", "10000-01-01"], f"datetime64[{unit}]")
    with pytest.raises(InvalidParameterError, match=r"'at' must be dates in the years 1 to 9999"):
        Portfolio.from_columns(["a", "b"], {"at": at})
    edges = np.array(["0001-01-01", "9999-12-31"], f"datetime64[{unit}]")
    assert Portfolio.from_columns(["a", "b"], {"at": edges}).column("at").tolist() == list(
        edges.tolist()
    )
