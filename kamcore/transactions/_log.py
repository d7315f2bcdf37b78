"""The validated, columnar transaction log: :class:`TransactionLog`.

Every function that reads a transaction log (the repeat-buying summary, the
period metrics, order cycles, cross-selling) takes a :class:`TransactionLog`.
Its columns are checked here, once, by one id validator and one date
validator; the kernels downstream trust them.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from kamcore._columns import FrozenArrays, html_table
from kamcore._params import (
    YEAR_RULE,
    FloatArray,
    IntArray,
    as_array,
    as_float_array,
    as_id_array,
    as_int_array,
    outside_calendar,
)
from kamcore._params import readonly as _freeze
from kamcore._params import same_length as _same_length
from kamcore.domain._coerce import coerce_items
from kamcore.errors import (
    CurrencyMismatchError,
    InvalidParameterError,
    SchemaError,
    ShapeMismatchError,
)

__all__ = [
    "TransactionLog",
    "as_log",
    "check_columns",
    "check_date",
    "check_dates",
    "check_ids",
    "fail_rows",
    "is_frame",
]

DateLike = dt.date | str | np.datetime64


# ------------------------------------------------------------------ validators


def _owned(arr: NDArray[Any], source: object) -> NDArray[Any]:
    """Return ``arr`` if it is a fresh array, else a copy (the log never shares a caller's data)."""
    if arr is source or not arr.flags.owndata:
        return arr.copy()
    return arr


def _at(column: str | None) -> str:
    return f" (frame column {column!r})" if column is not None else ""


def check_ids(
    values: ArrayLike, name: str = "customer_ids", *, column: str | None = None
) -> NDArray[np.str_]:
    """Validate customer ids and return them as a private 1-D ``str`` array.

    Strings are taken as they are; integers (a database key) are accepted and
    stored as their decimal text, so ``17`` becomes ``"17"``. Blank ids, ids
    with leading or trailing whitespace or a NUL character, a mix of integers
    and strings, ``None``, NaN, floats, booleans and bytes are refused (the
    shared id validator, :func:`kamcore._params.as_id_array`).

    Raises
    ------
    ShapeMismatchError
        ``values`` is not 1-D.
    InvalidParameterError
        Any id that is not a string or an integer, or is blank.
    """
    return as_id_array(values, name, integers=True, where=_at(column))


def fail_rows(
    bad: NDArray[np.bool_],
    values: NDArray[Any],
    name: str,
    rule: str,
    ids: NDArray[np.str_] | None = None,
    *,
    column: str | None = None,
) -> None:
    """Raise naming the field, the rule, the count, the first bad row and its customer.

    The message reads ``'<name>' must <rule>; got k bad values (first at
    index i: v); customer 'c'; frame column 'col'.``, the customer part when
    ``ids`` are known and the column part for a frame's column.
    """
    if not bad.any():
        return
    flat = np.flatnonzero(bad)
    first = int(flat[0])
    noun = "value" if flat.size == 1 else "values"
    value = values[first]
    if isinstance(value, (np.floating, np.integer, np.str_, np.bool_)):
        value = value.item()
    shown = repr(value)
    who = f"; customer {str(ids[first])!r}" if ids is not None and ids.size > first else ""
    where = f"; frame column {column!r}" if column is not None else ""
    raise InvalidParameterError(
        f"{name!r} must {rule}; got {flat.size} bad {noun} (first at index {first}: {shown})"
        f"{who}{where}."
    )


def _parse_with_format(
    arr: NDArray[Any],
    name: str,
    date_format: str,
    ids: NDArray[np.str_] | None,
    column: str | None,
) -> NDArray[np.datetime64]:
    """Parse strings with a strptime format, once per distinct string (not once per row)."""
    if arr.dtype.kind not in "UO":
        raise InvalidParameterError(
            f"{name!r} must be strings when 'date_format' is given; got dtype {arr.dtype}"
            f"{_at(column)}."
        )
    is_str = (
        np.ones(arr.size, dtype=bool)
        if arr.dtype.kind == "U"
        else np.fromiter((isinstance(v, str) for v in arr), dtype=bool, count=arr.size)
    )
    fail_rows(~is_str, arr, name, f"be strings in the format {date_format!r}", ids, column=column)
    uniq, inverse = np.unique(arr.astype(str), return_inverse=True)
    parsed = np.empty(uniq.shape[0], dtype="datetime64[D]")
    ok = np.ones(uniq.shape[0], dtype=bool)
    for i, text in enumerate(uniq.tolist()):  # one strptime per distinct date string
        try:
            parsed[i] = np.datetime64(dt.datetime.strptime(text, date_format).date())
        except ValueError:
            ok[i] = False
    fail_rows(
        ~ok[inverse], arr, name, f"be dates in the format {date_format!r}", ids, column=column
    )
    return parsed[inverse]


#: The one rule for every date kamcore reads (logs, bounds, complaints, plots,
#: the report's tables): ISO 8601 calendar dates, datetime64 or date objects,
#: or strings in an explicit ``date_format``; years 1 to 9999.
DATE_RULE = (
    "be dates (ISO 8601 calendar dates 'YYYY-MM-DD', optionally with a time "
    "'YYYY-MM-DDTHH:MM'; datetime64 or datetime.date objects; or strings in the "
    "format given as date_format=)"
)
_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9]
_MISSING_TEXT = ("NaT", "nat", "")  # read as NaT: a missing date, with its own message


def iso_calendar_text(text: NDArray[Any]) -> NDArray[np.bool_]:
    """Whether each string starts with ``YYYY-MM-DD`` and then ends or gives a time.

    Vectorised over the strings' code points (no per-row Python): four
    digits, ``-``, two digits, ``-``, two digits, then the end, ``T`` or a
    space. What follows (a time) and whether the day exists are left to the
    parser. Compact forms (``20240131``) and bare numbers (``"1"``, which
    numpy reads as the year 1) fail.

    >>> iso_calendar_text(np.array(["2024-01-31", "2024-01-31T10:15", "20240131", "1"]))
    array([ True,  True, False, False])
    """
    arr = np.ascontiguousarray(text, dtype=str)
    width = arr.dtype.itemsize // 4
    if width < 10 or arr.size == 0:
        return np.zeros(arr.shape, dtype=bool)
    codes = arr.reshape(-1).view(np.uint32).reshape(arr.size, width)
    digits = codes[:, _DIGITS]
    ok = ((digits >= 48) & (digits <= 57)).all(axis=1)
    ok &= (codes[:, 4] == 45) & (codes[:, 7] == 45)
    if width > 10:
        after = codes[:, 10]
        ok &= (after == 0) | (after == 84) | (after == 32)
    result: NDArray[np.bool_] = ok.reshape(arr.shape)
    return result


def check_dates(
    values: ArrayLike,
    name: str = "dates",
    *,
    date_format: str | None = None,
    ids: NDArray[np.str_] | None = None,
    column: str | None = None,
    allow_missing: bool = False,
) -> NDArray[np.datetime64]:
    """Validate dates and return them as a private 1-D ``datetime64[D]`` array.

    The one date rule of kamcore. Accepted: ``datetime64`` of any unit (a
    time of day is dropped: the day is kept), timezone-naive
    ``datetime.date``/``datetime.datetime`` objects, ISO 8601 calendar dates
    (``"2024-01-31"``, ``"2024-01-31T10:15"``; compact ``"20240131"`` and bare
    numbers such as ``"1"`` are refused) and, with ``date_format``,
    strings in that :func:`~datetime.datetime.strptime` format (``"%Y%m%d"``
    for ``"19970101"``; each distinct string is parsed once; integers such as
    ``19970101``, as ``pandas.read_csv`` reads them, are taken as their text). A pandas or
    polars ``Series`` works as an array: a pandas index is ignored. Numbers
    are refused (``20240131`` is not a date; integer period numbers go in the
    ``periods`` column), and so are NaT and missing values (unless
    ``allow_missing``). Every date must fall in the years 1 to 9999.

    Parameters
    ----------
    values : array-like, shape (M,)
    name : str
        Field name used in messages.
    date_format : str, optional, keyword-only
        strptime format of string dates.
    ids : ndarray of str, shape (M,), optional, keyword-only
        Customer ids of the rows, to name the customer of the first bad date.
    column : str, optional, keyword-only
        The frame column the dates came from, named in messages.
    allow_missing : bool, optional, keyword-only
        Keep NaT and ``None`` as NaT ("no date yet", e.g. an open complaint).

    Raises
    ------
    ShapeMismatchError
        ``values`` is not 1-D.
    InvalidParameterError
        Numbers, strings that are not ISO 8601 calendar dates, years outside
        1..9999, NaT or missing dates; the message names the first bad row,
        its value and, when known, its customer.
    """
    if date_format is not None and not isinstance(date_format, str):
        raise InvalidParameterError(
            f"'date_format' must be a strptime format (str) or None; got "
            f"{type(date_format).__name__} {date_format!r}."
        )
    try:
        raw = values if isinstance(values, np.ndarray) else np.asarray(values)
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError(
            f"{name!r} must be a 1-D array of dates; {exc}{_at(column)}."
        ) from None
    if raw.ndim != 1:
        raise ShapeMismatchError(f"{name!r} must be 1-D; got shape {raw.shape}{_at(column)}.")
    if date_format is not None and raw.dtype.kind in "iu":
        raw = raw.astype(str)  # 19970101 as read by pandas.read_csv, with date_format="%Y%m%d"
    if raw.dtype.kind in "biuf":
        raise InvalidParameterError(
            f"{name!r} must be dates, not numbers; got dtype {raw.dtype}{_at(column)} "
            "(convert e.g. 19970101 with date_format='%Y%m%d', np.datetime64 or "
            "pandas.to_datetime first; integer period numbers go in the log's 'periods' column)."
        )
    if raw.dtype.kind == "O":
        # numpy would move an aware datetime to UTC, and so perhaps to another day
        aware = np.fromiter(
            (getattr(v, "tzinfo", None) is not None for v in raw), dtype=bool, count=raw.size
        )
        fail_rows(
            aware,
            raw,
            name,
            "be timezone-naive (take the local calendar day first, e.g. with pandas "
            "series.dt.tz_localize(None))",
            ids,
            column=column,
        )
    if raw.dtype.kind == "S" and date_format is None:
        fail_rows(np.ones(raw.shape, dtype=bool), raw, name, DATE_RULE, ids, column=column)
    if raw.dtype.kind == "O":
        is_str = np.fromiter((isinstance(v, str) for v in raw), dtype=bool, count=raw.size)
        known = np.fromiter(
            (v is None or isinstance(v, (str, dt.date, np.datetime64)) for v in raw),
            dtype=bool,
            count=raw.size,
        )
        fail_rows(~known, raw, name, DATE_RULE, ids, column=column)
        if date_format is None and is_str.any():
            text_ok = np.ones(raw.shape, dtype=bool)
            text = raw[is_str].astype(str)
            text_ok[is_str] = iso_calendar_text(text) | np.isin(text, _MISSING_TEXT)
            fail_rows(~text_ok, raw, name, DATE_RULE, ids, column=column)
    elif raw.dtype.kind == "U" and date_format is None:
        text_ok = iso_calendar_text(raw) | np.isin(raw, _MISSING_TEXT)
        fail_rows(~text_ok, raw, name, DATE_RULE, ids, column=column)
    if date_format is not None:
        arr = _parse_with_format(raw, name, date_format, ids, column=column)
    else:
        try:
            arr = np.asarray(raw, dtype="datetime64[D]")
        except (TypeError, ValueError, OverflowError):
            # the error path only: find the rows numpy cannot read
            ok = np.ones(raw.shape[0], dtype=bool)
            for i, value in enumerate(raw.tolist()):
                try:
                    np.datetime64(value, "D")
                except (TypeError, ValueError, OverflowError):
                    ok[i] = False
            fail_rows(
                ~ok,
                raw,
                name,
                "be dates (datetime64, datetime.date, ISO 8601 strings, or strings in the "
                "format given as date_format=)",
                ids,
                column=column,
            )
            raise InvalidParameterError(  # pragma: no cover - numpy refused the array as a whole
                f"{name!r} must be dates (datetime64, datetime.date or ISO 8601 strings)."
            ) from None
    missing = np.isnat(arr)
    if not allow_missing:
        fail_rows(missing, raw, name, "be a date (no NaT or missing dates)", ids, column=column)
    # numpy reads years far outside the calendar ("20240101" as the year 20,240,101)
    fail_rows(outside_calendar(arr), raw, name, YEAR_RULE, ids, column=column)
    return _owned(arr, values)


def check_date(value: Any, name: str) -> np.datetime64:
    """Validate one date (a bound or an observation end) with :func:`check_dates`."""
    if isinstance(value, (list, tuple, np.ndarray)):
        raise InvalidParameterError(f"{name!r} must be one date; got {value!r}.")
    return check_dates(np.array([value]), name)[0]  # type: ignore[no-any-return]


def _check_flags(values: ArrayLike, name: str) -> NDArray[np.bool_]:
    arr = as_array(values, name)
    if arr.dtype != np.bool_:
        raise InvalidParameterError(f"{name!r} must be booleans; got dtype {arr.dtype}.")
    if arr.ndim != 1:
        raise ShapeMismatchError(f"{name!r} must be 1-D; got shape {arr.shape}.")
    return _owned(arr, values)


def _check_numbers(
    values: ArrayLike, name: str, ids: NDArray[np.str_] | None = None, column: str | None = None
) -> FloatArray:
    raw = as_array(values, name)
    if raw.ndim == 1 and raw.dtype.kind == "f":
        fail_rows(~np.isfinite(raw), raw, name, "be finite (no NaN or inf)", ids, column=column)
    return _owned(as_float_array(values, name, ndim=1), values)


def check_columns(
    customer_ids: ArrayLike,
    *,
    dates: ArrayLike | None = None,
    periods: ArrayLike | None = None,
    amounts: ArrayLike | None = None,
    margins: ArrayLike | None = None,
    main_business: ArrayLike | None = None,
    date_format: str | None = None,
    columns: Mapping[str, str | None] | None = None,
) -> dict[str, NDArray[Any]]:
    """Validate the columns given (the one column validator) and check their lengths.

    ``columns`` maps a field to the frame column it came from, named in
    messages; the customer of the first bad row is named when the ids are
    valid and of the same length.
    """
    lab = dict(columns or {})
    ids = check_ids(customer_ids, column=lab.get("customer_ids"))
    cols: dict[str, NDArray[Any]] = {"customer_ids": ids}

    def who(values: Any) -> NDArray[np.str_] | None:
        try:
            same = np.shape(values)[:1] == ids.shape
        except ValueError:  # ragged: the column's own check names it
            same = False
        return ids if same else None

    if dates is not None:
        cols["dates"] = check_dates(
            dates, "dates", date_format=date_format, ids=who(dates), column=lab.get("dates")
        )
    elif date_format is not None:
        raise InvalidParameterError(
            f"'date_format' reads string dates; got date_format={date_format!r} and no dates."
        )
    if periods is not None:
        cols["periods"] = _owned(as_int_array(periods, "periods", ndim=1), periods)
    if amounts is not None:
        cols["amounts"] = _check_numbers(amounts, "amounts", who(amounts), lab.get("amounts"))
    if margins is not None:
        cols["margins"] = _check_numbers(margins, "margins", who(margins), lab.get("margins"))
    if main_business is not None:
        cols["main_business"] = _check_flags(main_business, "main_business")
    _same_length(cols)
    return cols


def _one_time_column(dates: object, periods: object) -> None:
    if (dates is None) == (periods is None):
        raise InvalidParameterError(
            "a transaction log needs exactly one time column, 'dates' or 'periods' "
            f"(integer period numbers); got {'both' if dates is not None else 'neither'}."
        )


# ------------------------------------------------------------------ frames


def _frame_names(frame: Any) -> list[Any]:
    names = getattr(frame, "column_names", None)  # pyarrow.Table
    if names is None:
        names = getattr(frame, "columns", None)  # pandas and polars DataFrames
    if names is None and isinstance(frame, Mapping):
        names = list(frame)
    if names is None:
        raise SchemaError(
            "'frame' must be a pandas or polars DataFrame, a pyarrow Table or a mapping of "
            f"column names to arrays; got {type(frame).__name__}."
        )
    return list(names)


def _frame_column(frame: Any, name: Any) -> Any:
    """One column as numpy (frames) or as given (a mapping's values go to the validators)."""
    if hasattr(frame, "column_names") and hasattr(frame, "column"):  # pyarrow.Table
        return np.asarray(frame.column(name).to_numpy())
    col = frame[name]
    to_numpy = getattr(col, "to_numpy", None)
    return np.asarray(to_numpy()) if callable(to_numpy) else col


# ------------------------------------------------------------------ the log


@attrs.frozen(eq=False, init=False, repr=False)
class TransactionLog(FrozenArrays):
    """A validated, read-only transaction log of M rows, stored column by column.

    One row per transaction. Columns (each a read-only numpy array of shape (M,)):

    - ``customer_ids`` : str. The buyer. Integers are accepted and stored as
      their decimal text (``17`` -> ``"17"``), so results list them as text,
      sorted as text; blanks, ``None`` and NaN are refused.
    - ``dates`` : ``datetime64[D]``, or ``periods`` : int64 — the time axis,
      exactly one of the two. Dates are days; ``periods`` are integer period
      numbers (a fiscal year, a month counter) for the period metrics with
      ``freq=None``. Functions that need calendar dates (the repeat-buying
      summary) refuse a log with periods.
    - ``amounts`` : float64, optional. Revenue of each transaction (finite;
      functions that need ``amounts >= 0`` check it and say so). Needed by
      the summary, cross-selling and period values, not by the retention
      metrics or order cycles.
    - ``margins`` : float64, optional. Gross margin of each transaction (any sign).
    - ``main_business`` : bool, optional. True for a sale in our main
      business, False for cross-selling.

    ``TransactionLog(...)`` and :meth:`from_columns` are the same constructor;
    :meth:`from_transactions` and :meth:`from_frame` read domain objects and
    data frames. Every array is copied in, validated once and frozen, so a
    log never changes after construction and never shares a caller's data.

    Parameters
    ----------
    customer_ids : array-like of str or int, shape (M,)
        Customer of each transaction.
    dates : array-like of dates, shape (M,), optional
        ``datetime64`` (any unit; the day is kept), ``datetime.date`` or ISO
        8601 strings. Required unless ``periods`` is given.
    amounts : array-like of float, shape (M,), optional
        Transaction revenue, in one currency.
    periods : array-like of int, shape (M,), optional, keyword-only
        Integer period numbers, instead of ``dates``.
    margins : array-like of float, shape (M,), optional, keyword-only
        Gross margin of each transaction.
    main_business : array-like of bool, shape (M,), optional, keyword-only
        Main-business flag of each transaction.
    date_format : str, optional, keyword-only
        :func:`~datetime.datetime.strptime` format of string dates that are
        not ISO 8601, e.g. ``"%Y%m%d"`` for ``"19970101"`` or ``"%d/%m/%Y"``;
        each distinct string is parsed once. Any column may be a numpy
        array, a list, or a pandas or polars ``Series`` (a pandas index is
        ignored; rows are taken in their order).

    Raises
    ------
    InvalidParameterError
        Bad ids (not strings or integers, blank, None, NaN), bad dates (numbers,
        unparseable, NaT), non-whole periods, non-finite amounts or margins,
        non-boolean flags, or not exactly one of ``dates`` and ``periods``.
    ShapeMismatchError
        Columns that are not 1-D or not of one length.

    Examples
    --------
    >>> log = TransactionLog.from_columns(
    ...     ["a", "b", "a"], ["2024-01-03", "2024-01-05", "2024-02-01"], [10.0, 5.0, 7.5]
    ... )
    >>> len(log), log.n_customers, log.customers.tolist()
    (3, 2, ['a', 'b'])
    >>> [str(d) for d in log.date_range]
    ['2024-01-03', '2024-02-01']
    >>> log.between("2024-01-04", None).customer_ids.tolist()
    ['b', 'a']
    >>> TransactionLog([7, 12], periods=[2023, 2024]).customer_ids.tolist()
    ['7', '12']
    """

    customer_ids: NDArray[np.str_]
    dates: NDArray[np.datetime64] | None
    periods: IntArray | None
    amounts: FloatArray | None
    margins: FloatArray | None
    main_business: NDArray[np.bool_] | None

    def __init__(
        self,
        customer_ids: ArrayLike,
        dates: ArrayLike | None = None,
        amounts: ArrayLike | None = None,
        *,
        periods: ArrayLike | None = None,
        margins: ArrayLike | None = None,
        main_business: ArrayLike | None = None,
        date_format: str | None = None,
    ) -> None:
        _one_time_column(dates, periods)
        cols = check_columns(
            customer_ids,
            dates=dates,
            periods=periods,
            amounts=amounts,
            margins=margins,
            main_business=main_business,
            date_format=date_format,
        )
        self._set(cols)

    def _set(self, cols: Mapping[str, NDArray[Any]]) -> None:
        for field in attrs.fields(type(self)):
            value = cols.get(field.name)
            object.__setattr__(self, field.name, None if value is None else _freeze(value))

    @classmethod
    def _trusted(cls, cols: Mapping[str, NDArray[Any]]) -> TransactionLog:
        """Build a log from columns that are already valid and owned (no re-validation)."""
        log = object.__new__(cls)
        log._set(cols)
        return log

    # ------------------------------------------------------------ constructors

    @classmethod
    def from_columns(
        cls,
        customer_ids: ArrayLike,
        dates: ArrayLike | None = None,
        amounts: ArrayLike | None = None,
        *,
        periods: ArrayLike | None = None,
        margins: ArrayLike | None = None,
        main_business: ArrayLike | None = None,
        date_format: str | None = None,
    ) -> TransactionLog:
        """Build a log from one array per column (the class constructor; see the class)."""
        return cls(
            customer_ids,
            dates,
            amounts,
            periods=periods,
            margins=margins,
            main_business=main_business,
            date_format=date_format,
        )

    @classmethod
    def from_transactions(
        cls,
        transactions: Iterable[Any],
        *,
        refunds: Literal["raise", "exclude"] = "raise",
    ) -> TransactionLog:
        """Build a log from :class:`~kamcore.domain.Transaction` objects.

        Parameters
        ----------
        transactions : iterable of Transaction
            The log, one object per transaction, all in one currency.
        refunds : {"raise", "exclude"}
            Refunds are not purchase occasions: by default they are an error;
            ``"exclude"`` leaves them out explicitly.

        Returns
        -------
        TransactionLog
            With ``dates``, ``amounts`` and ``main_business``, and ``margins``
            (the gross margin) when every transaction carries a margin or a cost.

        Raises
        ------
        CurrencyMismatchError
            Transactions in more than one currency.
        InvalidParameterError
            An item that is not a ``Transaction``, or a refund with ``refunds="raise"``.
        """
        from kamcore._params import check_in
        from kamcore.domain import Transaction

        check_in(refunds, "refunds", ("raise", "exclude"))
        items = list(coerce_items(transactions, "transactions", object))
        wrong = [i for i, t in enumerate(items) if not isinstance(t, Transaction)]
        if wrong:
            raise InvalidParameterError(
                f"'transactions' must be Transaction objects; got {len(wrong)} other values "
                f"(first at index {wrong[0]}: {items[wrong[0]]!r})."
            )
        refund_at = [i for i, t in enumerate(items) if t.refund]
        if refund_at and refunds == "raise":
            raise InvalidParameterError(
                f"'transactions' must not contain refunds (they are not purchase occasions; pass "
                f"refunds='exclude' to leave them out); got {len(refund_at)} refunds "
                f"(first at index {refund_at[0]})."
            )
        items = [t for t in items if not t.refund]
        currencies = sorted({t.currency for t in items})
        if len(currencies) > 1:
            raise CurrencyMismatchError(
                f"a transaction log must be in one currency; got {currencies}."
            )
        margins = [t.gross_margin for t in items]
        has_margins = bool(items) and all(m is not None for m in margins)
        return cls(
            np.array([t.customer_id for t in items], dtype=str),
            np.array([t.date for t in items], dtype="datetime64[D]"),
            np.array([float(t.amount.amount) for t in items], dtype=np.float64),
            margins=(
                np.array([float(m.amount) for m in margins if m is not None])
                if has_margins
                else None
            ),
            main_business=np.array([t.main_business for t in items], dtype=bool),
        )

    @classmethod
    def from_frame(
        cls,
        frame: Any,
        customer_id: str = "customer_id",
        date: str | None = "date",
        amount: str | None = "amount",
        *,
        period: str | None = None,
        margin: str | None = None,
        main_business: str | None = None,
        date_format: str | None = None,
    ) -> TransactionLog:
        """Build a log from the columns of a data frame.

        Works by duck typing on a pandas or polars ``DataFrame``, a pyarrow
        ``Table`` or a mapping of column names to arrays; none of those
        libraries is imported here. Each named column goes through the same
        validation as :meth:`from_columns`.

        Parameters
        ----------
        frame : DataFrame, Table or mapping
            One row per transaction.
        customer_id, date, amount : str
            Column names of the ids, the dates and the amounts. Pass
            ``amount=None`` for a log without amounts.
        period : str, optional, keyword-only
            Column of integer period numbers, with ``date=None``.
        margin, main_business : str, optional, keyword-only
            Columns of margins and main-business flags.
        date_format : str, optional, keyword-only
            strptime format of a text (or ``YYYYMMDD`` integer) date column,
            e.g. ``"%Y%m%d"``; ISO 8601 text and date/datetime columns need none.

        Raises
        ------
        SchemaError
            A named column that the frame does not have (the message lists the
            available columns and suggests the closest), or a ``frame`` that
            is not a table.
        InvalidParameterError, ShapeMismatchError
            As :meth:`from_columns`.

        Examples
        --------
        >>> frame = {"customer_id": ["a", "b"], "date": ["2024-01-01", "2024-01-02"],
        ...          "amount": [3.0, 4.0]}
        >>> TransactionLog.from_frame(frame).amounts.tolist()
        [3.0, 4.0]
        """
        if date is not None and period is not None:
            raise InvalidParameterError(
                "'date' and 'period' both name the log's time column; pass one "
                f"(date=None, period={period!r} for period numbers); got date={date!r}."
            )
        names = _frame_names(frame)
        if not isinstance(customer_id, str):
            raise InvalidParameterError(
                f"'customer_id' must name the id column (a str); got {customer_id!r}."
            )
        wanted = {
            "customer_id": customer_id,
            "date": date,
            "period": period,
            "amount": amount,
            "margin": margin,
            "main_business": main_business,
        }
        cols: dict[str, Any] = {}
        for param, col in wanted.items():
            if col is None:
                cols[param] = None
                continue
            if col not in names:
                close = difflib.get_close_matches(str(col), [str(n) for n in names], n=1)
                hint = f" Did you mean {close[0]!r}?" if close else ""
                raise SchemaError(
                    f"{param!r} column {col!r} is not in the frame; available columns: "
                    f"{names}.{hint}"
                )
            cols[param] = _frame_column(frame, col)
        ids = cols["customer_id"]
        assert ids is not None  # customer_id is a str
        _one_time_column(cols["date"], cols["period"])
        checked = check_columns(
            ids,
            dates=cols["date"],
            amounts=cols["amount"],
            periods=cols["period"],
            margins=cols["margin"],
            main_business=cols["main_business"],
            date_format=date_format,
            columns={
                "customer_ids": customer_id,
                "dates": date,
                "amounts": amount,
                "margins": margin,
            },
        )
        return cls._trusted(checked)

    # ------------------------------------------------------------ accessors

    def __len__(self) -> int:
        return int(self.customer_ids.shape[0])

    def _repr_html_(self) -> str:
        """Notebook display: the first rows and column types, N rows (escaped)."""
        cols = self.columns()
        ids = cols.pop("customer_ids")
        return html_table("TransactionLog", ids, cols, id_column="customer_ids")

    def __repr__(self) -> str:
        extra = [k for k in ("amounts", "margins", "main_business") if getattr(self, k) is not None]
        if len(self) == 0:
            span = "empty"
        elif self.dates is not None:
            span = f"dates {self.dates.min()}..{self.dates.max()}"
        else:
            assert self.periods is not None
            span = f"periods {self.periods.min()}..{self.periods.max()}"
        return (
            f"TransactionLog({len(self)} transactions, {self.n_customers} customers, {span}, "
            f"columns {extra})"
        )

    @property
    def has_dates(self) -> bool:
        """True when the time axis is calendar dates, False when it is period numbers."""
        return self.dates is not None

    @property
    def customers(self) -> NDArray[np.str_]:
        """Distinct customer ids, sorted (as text), shape (N,)."""
        return _freeze(np.unique(self.customer_ids))

    @property
    def n_customers(self) -> int:
        """Number of distinct customers N."""
        return int(np.unique(self.customer_ids).shape[0])

    @property
    def date_range(self) -> tuple[np.datetime64, np.datetime64]:
        """First and last transaction date, ``datetime64[D]``.

        Raises
        ------
        InvalidParameterError
            An empty log, or a log of period numbers.
        """
        dates = self.require_dates("date_range")
        if dates.size == 0:
            raise InvalidParameterError("'date_range' of an empty log is undefined; got 0 rows.")
        return dates.min(), dates.max()

    def columns(self) -> dict[str, NDArray[Any]]:
        """Return the columns present, by name (``customer_ids`` first)."""
        out: dict[str, NDArray[Any]] = {}
        for field in attrs.fields(type(self)):
            value = getattr(self, field.name)
            if value is not None:
                out[field.name] = value
        return out

    def require_dates(self, caller: str) -> NDArray[np.datetime64]:
        """Return ``dates``, or raise naming ``caller`` when the log has period numbers."""
        if self.dates is None:
            raise InvalidParameterError(
                f"'dates' are needed by {caller}; this log has integer 'periods' instead "
                "(build it with dates)."
            )
        return self.dates

    def require_amounts(self, caller: str) -> FloatArray:
        """Return ``amounts``, or raise naming ``caller`` when the log has none."""
        if self.amounts is None:
            raise InvalidParameterError(
                f"'amounts' are needed by {caller}; this log has no amounts column "
                "(pass amounts= when building it)."
            )
        return self.amounts

    # ------------------------------------------------------------ selection

    def filter(self, mask: ArrayLike) -> TransactionLog:
        """Return the rows where ``mask`` is true, in their order.

        Parameters
        ----------
        mask : array-like of bool, shape (M,)

        Raises
        ------
        InvalidParameterError, ShapeMismatchError
            A mask that is not boolean or not of length M.
        """
        keep = _check_flags(mask, "mask")
        _same_length({"customer_ids": self.customer_ids, "mask": keep})
        return self._trusted({k: v[keep] for k, v in self.columns().items()})

    def _bound(self, value: Any, name: str) -> Any:
        if value is None:
            return None
        if self.dates is not None:
            return check_date(value, name)
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise InvalidParameterError(
                f"{name!r} must be an integer period number for a log of periods; got {value!r}."
            )
        return int(value)

    def between(
        self,
        start: DateLike | int | None = None,
        end: DateLike | int | None = None,
    ) -> TransactionLog:
        """Return the transactions from ``start`` to ``end``, both included.

        Parameters
        ----------
        start, end : date or int, optional
            Bounds: dates for a log of dates, integers for a log of periods;
            ``None`` leaves that side open.

        Raises
        ------
        InvalidParameterError
            A bound of the wrong kind, or ``start`` after ``end``.
        """
        when: Any = self.dates if self.dates is not None else self.periods
        lo, hi = self._bound(start, "start"), self._bound(end, "end")
        if lo is not None and hi is not None and lo > hi:
            raise InvalidParameterError(f"'start' must be <= 'end' {hi}; got {lo}.")
        mask = np.ones(when.shape[0], dtype=bool)
        if lo is not None:
            mask &= when >= lo
        if hi is not None:
            mask &= when <= hi
        return self._trusted({k: v[mask] for k, v in self.columns().items()})


def is_frame(obj: object) -> bool:
    """Tell a pandas/polars DataFrame, a pyarrow Table or a mapping of columns (duck typing)."""
    if isinstance(obj, (np.ndarray, list, tuple, str, TransactionLog)):
        return False
    return isinstance(obj, Mapping) or hasattr(obj, "column_names") or hasattr(obj, "columns")


def as_log(
    log: Any,
    dates: ArrayLike | None = None,
    amounts: ArrayLike | None = None,
    *,
    caller: str,
    periods_ok: bool = False,
    margins: ArrayLike | None = None,
    main_business: ArrayLike | None = None,
    frame_columns: Mapping[str, str | None] | None = None,
    date_format: str | None = None,
) -> TransactionLog:
    """Turn a function's first arguments into a :class:`TransactionLog` (the one adapter).

    A log passes through (extra columns are then an error: they belong in the
    log). A data frame (when the caller takes one: ``frame_columns`` holds its
    ``customer_id``/``date``/``amount`` column names, ``None`` for the
    defaults) is read by :meth:`TransactionLog.from_frame`. Otherwise ``log``
    holds the customer ids of the raw-array form and the columns are
    validated by the :class:`TransactionLog` constructor; with
    ``periods_ok``, numeric ``dates`` are integer period numbers.
    """
    named = {k: v for k, v in (frame_columns or {}).items() if v is not None}
    columns = {
        "dates": dates,
        "amounts": amounts,
        "margins": margins,
        "main_business": main_business,
    }
    given = [k for k, v in columns.items() if v is not None]
    if frame_columns is not None and is_frame(log):
        if given:
            raise InvalidParameterError(
                f"{caller} got a data frame and separate {given}; name the frame's columns "
                "instead (customer_id=..., date=..., amount=...)."
            )
        return TransactionLog.from_frame(log, **named, date_format=date_format)
    if named:
        raise InvalidParameterError(
            f"{caller}: column names {sorted(named)} name the columns of a data frame; got "
            f"{type(log).__name__} (pass a pandas/polars DataFrame or a pyarrow Table, or "
            "the columns themselves)."
        )
    if isinstance(log, TransactionLog):
        if given or date_format is not None:
            extra = given + (["date_format"] if date_format is not None else [])
            raise InvalidParameterError(
                f"{caller} got a TransactionLog and separate {extra}; columns belong in the log "
                "(TransactionLog.from_columns(..., amounts=..., ...))."
            )
        return log
    if is_frame(log):
        raise InvalidParameterError(
            f"{caller} takes a TransactionLog (or the columns as arrays); got a "
            f"{type(log).__name__} (build the log with TransactionLog.from_frame(frame, "
            "customer_id=..., date=..., amount=...))."
        )
    if dates is None:
        raise InvalidParameterError(
            f"{caller} needs a TransactionLog (or customer ids with their 'dates'); got no dates."
        )
    numeric = periods_ok and date_format is None and as_array(dates, "dates").dtype.kind in "biuf"
    return TransactionLog(
        log,
        None if numeric else dates,
        amounts,
        periods=dates if numeric else None,
        margins=margins,
        main_business=main_business,
        date_format=date_format,
    )
