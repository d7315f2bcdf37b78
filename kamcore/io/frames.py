"""DataFrame adapters at the edge: Portfolio and per-customer results <-> frames.

One layer over pandas, polars and pyarrow through narwhals (the ``narwhals``
package comes with each frame extra).

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

from kamcore._columns import Columnar, customer_ids
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


def to_frame(portfolio: Any, backend: Backend = "pandas", *, id_column: str = "id") -> Any:
    """Return a portfolio or a per-customer result as a frame with an id column first.

    The one conversion to frames: a :class:`~kamcore.Portfolio`, or any
    per-customer result (``ids`` plus ``columns()``, e.g.
    :class:`~kamcore.transactions.TransactionSummary`,
    :class:`~kamcore.scoring.ScoreResult`), becomes a frame through narwhals.
    Each such result's own ``to_frame`` method calls this function.

    Parameters
    ----------
    portfolio
        The portfolio or per-customer result to convert.
    backend : {"pandas", "polars", "pyarrow"}
        The frame library.
    id_column
        Name of the id column; must not clash with another column.

    Returns
    -------
    pandas.DataFrame, polars.DataFrame or pyarrow.Table
        Column-wise copies; date and datetime columns keep their resolution
        where the library supports it. Money currencies of a portfolio travel
        with the frame: pandas ``frame.attrs["currencies"]``; Arrow field
        metadata ``{"currency": code}`` plus schema metadata
        ``currency.<column>``; polars frames have no metadata, so the mapping
        is set as the attribute ``kamcore_currencies`` of the returned frame
        (kept by that object only — pass ``currencies=`` to :func:`from_frame`
        for a frame built from it).

    Raises
    ------
    InvalidParameterError
        ``portfolio`` is neither a Portfolio nor a per-customer result, an
        unknown ``backend``, or an ``id_column`` that is not a non-empty string.
    SchemaError
        ``id_column`` clashes with a column, or the library cannot hold a column.

    Examples
    --------
    >>> p = Portfolio.from_columns(["a", "b"], {"v": [1.5, 2.0]}, currencies={"v": "EUR"})
    >>> frame = to_frame(p, "pandas")
    >>> frame.columns.tolist(), frame.attrs["currencies"]
    (['id', 'v'], {'v': 'EUR'})
    """
    id_column = _check_id_column(id_column)
    if isinstance(portfolio, Portfolio):
        ids = portfolio.ids
        columns: Mapping[str, Any] = {n: portfolio[n] for n in portfolio.column_names}
        currencies = dict(portfolio.currencies)
    elif isinstance(portfolio, Columnar):
        ids = customer_ids(portfolio)
        columns = portfolio.columns()
        currencies = {}
    else:
        raise InvalidParameterError(
            "'portfolio' must be a kamcore Portfolio or a per-customer result (ids and "
            f"columns()); got {type(portfolio).__name__}."
        )
    if backend not in ("pandas", "polars", "pyarrow"):
        raise InvalidParameterError(
            f"'backend' must be one of 'pandas', 'polars', 'pyarrow'; got {backend!r}."
        )
    if id_column in columns:
        raise SchemaError(f"'id_column' {id_column!r} clashes with a column of the same name.")
    data: dict[str, Any] = {id_column: np.array(ids)}
    data.update({name: _exact_unit(col, backend) for name, col in columns.items()})
    lib = require(backend)
    nw = require("narwhals")
    try:
        frame = nw.from_dict(data, backend=lib).to_native()
    except (TypeError, ValueError, OverflowError, NotImplementedError) as exc:
        raise SchemaError(f"{backend} cannot hold these columns: {exc}") from None
    return _with_currencies(frame, backend, currencies)


def _with_currencies(frame: Any, backend: str, currencies: dict[str, str]) -> Any:
    """Attach money currencies where the frame library has a place for them."""
    if backend == "pandas":
        frame.attrs["currencies"] = currencies
        return frame
    if backend == "polars":
        frame.kamcore_currencies = currencies
        return frame
    if not currencies:
        return frame
    schema = frame.schema
    fields = [
        f.with_metadata({"currency": currencies[f.name]}) if f.name in currencies else f
        for f in schema
    ]
    meta = {f"currency.{k}": v for k, v in currencies.items()}
    return frame.cast(require("pyarrow").schema(fields, metadata=meta))


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


def _native_names(frame: Any) -> list[str] | None:
    """Return the column names of a pandas/polars/Arrow frame, or None for anything else."""
    mod = type(frame).__module__.split(".")[0]
    if mod == "pandas" and isinstance(frame, require("pandas").DataFrame):
        return [str(c) for c in frame.columns]
    if mod == "pyarrow":
        pa = require("pyarrow")
        if isinstance(frame, (pa.Table, pa.RecordBatch)):
            return list(frame.column_names)
    if mod == "polars" and isinstance(frame, require("polars").DataFrame):
        return list(frame.columns)
    return None


def _columns_of(frame: Any) -> dict[str, Any]:
    mod = type(frame).__module__.split(".")[0]
    names = _native_names(frame) if mod in ("pandas", "polars", "pyarrow") else None
    nw = require("narwhals") if names is not None or mod in ("polars", "dask") else None
    if names is None:
        if nw is not None and isinstance(nw.from_native(frame, pass_through=True), nw.LazyFrame):
            raise InvalidParameterError(
                f"'frame' must be a polars DataFrame, not a {type(frame).__name__} (the rows "
                "are not computed yet); call .collect() first."
            )
        raise InvalidParameterError(
            "'frame' must be a pandas or polars DataFrame or a pyarrow Table; got "
            f"{type(frame).__module__}.{type(frame).__qualname__}."
        )
    dup = [n for i, n in enumerate(names) if n in names[:i]]
    if dup:
        raise SchemaError(
            f"frame column names must be unique (as strings); got {len(dup)} repeated "
            f"(first: {dup[0]!r})."
        )
    if mod == "pyarrow" and not isinstance(frame, require("pyarrow").Table):
        frame = require("pyarrow").Table.from_batches([frame])
    if mod == "pandas" and any(not isinstance(c, str) for c in frame.columns):
        frame = frame.set_axis(names, axis=1)
    assert nw is not None
    try:
        data = nw.from_native(frame, eager_only=True)
    except (TypeError, ValueError, NotImplementedError) as exc:
        raise SchemaError(f"this frame cannot be read: {exc}") from None
    out: dict[str, Any] = {}
    for name, dtype in data.schema.items():
        tz = getattr(dtype, "time_zone", None)
        if tz is not None:
            raise InvalidParameterError(
                f"column {name!r} must hold naive datetimes; got time zone {str(tz)!r}. Convert "
                "it to naive UTC first (pandas: .dt.tz_convert(None); polars: "
                ".dt.convert_time_zone('UTC').dt.replace_time_zone(None))."
            )
        try:
            out[name] = data.get_column(name).to_numpy()
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

    Returns
    -------
    Portfolio
        One row per frame row, in frame order; every other column becomes a
        read-only column of the portfolio.

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

    Examples
    --------
    >>> import pandas as pd
    >>> p = from_frame(pd.DataFrame({"id": ["a", "b"], "sales": [10.0, 20.0]}),
    ...                currencies={"sales": "EUR"})
    >>> p.ids.tolist(), p.currency("sales")
    (['a', 'b'], 'EUR')
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
    side = getattr(frame, "__dict__", {}).get("kamcore_currencies")
    if isinstance(side, dict):
        return dict(side)
    schema = getattr(frame, "schema", None)
    meta = getattr(schema, "metadata", None)
    if isinstance(meta, dict):
        out = {}
        for k, v in meta.items():
            key = k.decode() if isinstance(k, bytes) else str(k)
            if key.startswith("currency."):
                out[key.removeprefix("currency.")] = v.decode() if isinstance(v, bytes) else str(v)
        return out
    if schema is not None and type(frame).__module__.split(".")[0] == "pyarrow":
        out = {}
        for field in schema:  # Arrow field metadata {"currency": code}
            code = (field.metadata or {}).get(b"currency")
            if code is not None:
                out[field.name] = code.decode()
        return out
    return {}
