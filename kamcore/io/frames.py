"""DataFrame adapters at the edge: Portfolio <-> pandas, polars, pyarrow.

The frame libraries are optional (extras ``pandas``, ``polars``, ``arrow``)
and imported only when a function here is called; a missing one raises
:class:`~kamcore.errors.MissingOptionalDependencyError` with the install hint.

Conversions never coerce quietly: a null in a text column or a NaN in a float
column that is not declared nullable is rejected by
:meth:`Portfolio.from_columns <kamcore.Portfolio.from_columns>`
with the column named. Date and datetime columns keep their resolution (a
``datetime64[ns]`` column keeps its nanoseconds); a column with a time zone is
refused rather than silently moved to UTC. Every bad input raises a
:class:`~kamcore.errors.KamcoreError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final, Literal

import numpy as np

from kamcore._optional import require
from kamcore._params import unknown_column
from kamcore._portfolio import Portfolio
from kamcore.errors import InvalidParameterError, SchemaError

__all__ = ["from_frame", "to_frame"]

Backend = Literal["pandas", "polars", "pyarrow"]


def _check_id_column(id_column: Any) -> str:
    if not isinstance(id_column, str) or not id_column:
        raise InvalidParameterError(
            f"'id_column' must be a non-empty str; got {type(id_column).__name__} {id_column!r}."
        )
    return id_column


def to_frame(portfolio: Portfolio, backend: Backend = "pandas", *, id_column: str = "id") -> Any:
    """Return the portfolio as a DataFrame (or Arrow table) with an id column first.

    Parameters
    ----------
    portfolio
        The portfolio to convert.
    backend : {"pandas", "polars", "pyarrow"}
        The frame library.
    id_column
        Name of the id column; must not clash with a portfolio column.

    Returns
    -------
    pandas.DataFrame, polars.DataFrame or pyarrow.Table
        Column-wise copies; date and datetime columns keep their resolution
        where the library supports it; money currencies go to the frame's
        metadata (pandas ``attrs["currencies"]``, Arrow schema metadata) where
        the library has a place for it.

    Raises
    ------
    InvalidParameterError
        ``portfolio`` is not a Portfolio, an unknown ``backend``, or an
        ``id_column`` that is not a non-empty string.
    SchemaError
        ``id_column`` clashes with a portfolio column, or the library cannot
        hold a column.
    """
    if not isinstance(portfolio, Portfolio):
        raise InvalidParameterError(
            f"'portfolio' must be a kamcore Portfolio; got {type(portfolio).__name__}."
        )
    id_column = _check_id_column(id_column)
    if backend not in ("pandas", "polars", "pyarrow"):
        raise InvalidParameterError(
            f"'backend' must be one of 'pandas', 'polars', 'pyarrow'; got {backend!r}."
        )
    if id_column in portfolio:
        raise SchemaError(f"'id_column' {id_column!r} clashes with a portfolio column.")
    data: dict[str, Any] = {id_column: np.array(portfolio.ids)}
    data.update({name: _exact_unit(portfolio[name], backend) for name in portfolio.column_names})
    lib = require(backend)
    try:
        if backend == "pandas":
            frame = lib.DataFrame(data)
            frame.attrs["currencies"] = dict(portfolio.currencies)
            return frame
        if backend == "polars":
            return lib.DataFrame(data)
        table = lib.table(data)
        meta = {f"currency.{k}": v for k, v in portfolio.currencies.items()}
        return table.replace_schema_metadata(meta or None)
    except (TypeError, ValueError, OverflowError, NotImplementedError) as exc:
        raise SchemaError(f"{backend} cannot hold this portfolio's columns: {exc}") from None


#: datetime64 units from coarse to fine, and the ones each library stores
_UNITS: Final = ("Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as")
_SUPPORTED: Final = {
    "pandas": frozenset({"s", "ms", "us", "ns"}),
    "polars": frozenset({"D", "ms", "us", "ns"}),
    "pyarrow": frozenset({"D", "s", "ms", "us", "ns"}),
}


def _exact_unit(column: Any, backend: str) -> Any:
    """Return a copy of ``column``; a datetime column in the nearest finer unit the library has.

    Moving to a finer unit is exact, so no time of day is lost on the way out.
    """
    arr = np.array(column)
    if arr.dtype.kind != "M":
        return arr
    unit = np.datetime_data(arr.dtype)[0]
    finer = _UNITS[_UNITS.index(unit) :] if unit in _UNITS else ()
    target = next((u for u in finer if u in _SUPPORTED[backend]), unit)
    return arr.astype(f"datetime64[{target}]")


def _frame_kind(frame: Any) -> str:
    """Return "pandas", "polars" or "pyarrow", or raise for any other object."""
    mod = type(frame).__module__.split(".")[0]
    if mod == "pandas" and isinstance(frame, require("pandas").DataFrame):
        return "pandas"
    if mod == "polars":
        pl = require("polars")
        if isinstance(frame, pl.DataFrame):
            return "polars"
        if isinstance(frame, pl.LazyFrame):
            raise InvalidParameterError(
                "'frame' must be a polars DataFrame, not a LazyFrame (the rows are not "
                "computed yet); call .collect() first."
            )
    if mod == "pyarrow":
        pa = require("pyarrow")
        if isinstance(frame, (pa.Table, pa.RecordBatch)):
            return "pyarrow"
    raise InvalidParameterError(
        "'frame' must be a pandas or polars DataFrame or a pyarrow Table; got "
        f"{type(frame).__module__}.{type(frame).__qualname__}."
    )


def _time_zone(kind: str, frame: Any, name: str, position: int) -> str | None:
    """Return the time zone of a datetime column, or None when it has none."""
    if kind == "pandas":
        dtype = frame.dtypes.iloc[position]
        tz = getattr(dtype, "tz", None)
    elif kind == "polars":
        tz = getattr(frame.schema[name], "time_zone", None)
    else:
        tz = getattr(frame.schema.field(position).type, "tz", None)
    return None if tz is None else str(tz)


def _columns_of(frame: Any) -> dict[str, Any]:
    kind = _frame_kind(frame)
    if kind == "pandas":
        names = [str(c) for c in frame.columns]
    elif kind == "polars":
        names = list(frame.columns)
    else:
        names = list(frame.column_names)
    dup = [n for i, n in enumerate(names) if n in names[:i]]
    if dup:
        raise SchemaError(
            f"frame column names must be unique (as strings); got {len(dup)} repeated "
            f"(first: {dup[0]!r})."
        )
    out: dict[str, Any] = {}
    for i, name in enumerate(names):
        tz = _time_zone(kind, frame, name, i)
        if tz is not None:
            raise InvalidParameterError(
                f"column {name!r} must hold naive datetimes; got time zone {tz!r}. Convert it "
                "to naive UTC first (pandas: .dt.tz_convert(None); polars: "
                ".dt.convert_time_zone('UTC').dt.replace_time_zone(None))."
            )
        try:
            if kind == "pandas":
                out[name] = frame.iloc[:, i].to_numpy()
            elif kind == "polars":
                out[name] = frame.get_column(name).to_numpy()
            else:
                out[name] = frame.column(i).to_numpy(zero_copy_only=False)
        except (TypeError, ValueError, NotImplementedError) as exc:
            raise SchemaError(f"column {name!r} cannot be read as a numpy array: {exc}") from None
    return out


def from_frame(
    frame: Any,
    *,
    id_column: str = "id",
    currencies: Mapping[str, str] | None = None,
    nullable: Iterable[str] = (),
) -> Portfolio:
    """Build a Portfolio from a pandas/polars DataFrame or a pyarrow Table.

    Parameters
    ----------
    frame
        One row per customer. A polars LazyFrame must be collected first.
    id_column
        The column holding customer ids.
    currencies
        Currency of each money column; defaults to what :func:`to_frame` stored
        in the frame's metadata, if any.
    nullable
        Columns allowed to hold NaN/NaT ("not recorded").

    Raises
    ------
    InvalidParameterError
        Unsupported frame type (a polars LazyFrame included), a datetime
        column with a time zone, an ``id_column`` that is not a string.
    UnknownNameError
        No column called ``id_column``.
    SchemaError
        Repeated column names, a column the library cannot export; plus
        everything :meth:`Portfolio.from_columns` raises.
    """
    id_column = _check_id_column(id_column)
    cols = _columns_of(frame)
    if id_column not in cols:
        raise unknown_column(
            id_column,
            cols,
            lead=f"frame has no id column {id_column!r}",
            remedy="Pass id_column= to name the column holding customer ids.",
        )
    ids = cols.pop(id_column)
    if currencies is None:
        currencies = _stored_currencies(frame)
    return Portfolio.from_columns(ids, cols, currencies=currencies, nullable=nullable)


def _stored_currencies(frame: Any) -> dict[str, str]:
    attrs = getattr(frame, "attrs", None)
    if isinstance(attrs, dict) and isinstance(attrs.get("currencies"), dict):
        return dict(attrs["currencies"])
    schema = getattr(frame, "schema", None)
    meta = getattr(schema, "metadata", None)
    if isinstance(meta, dict):
        out = {}
        for k, v in meta.items():
            key = k.decode() if isinstance(k, bytes) else str(k)
            if key.startswith("currency."):
                out[key.removeprefix("currency.")] = v.decode() if isinstance(v, bytes) else str(v)
        return out
    return {}
