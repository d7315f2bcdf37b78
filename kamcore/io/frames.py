"""DataFrame adapters at the edge: Portfolio <-> pandas, polars, pyarrow.

The frame libraries are optional (extras ``pandas``, ``polars``, ``arrow``)
and imported only when a function here is called; a missing one raises
:class:`~kamcore.errors.MissingOptionalDependencyError` with the install hint.

Conversions never coerce quietly: a null in a text column or a NaN in a float
column that is not declared nullable is rejected by
:meth:`Portfolio.from_columns <kamcore.Portfolio.from_columns>`
with the column named.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

import numpy as np

from kamcore._optional import require
from kamcore._portfolio import Portfolio
from kamcore.errors import SchemaError

__all__ = ["from_frame", "require", "to_frame"]

Backend = Literal["pandas", "polars", "pyarrow"]


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
        Column-wise copies; money currencies go to the frame's metadata
        (pandas ``attrs["currencies"]``, Arrow schema metadata) where the
        library has a place for it.
    """
    if id_column in portfolio:
        raise SchemaError(f"'id_column' {id_column!r} clashes with a portfolio column.")
    data: dict[str, Any] = {id_column: portfolio.ids}
    data.update({name: portfolio[name] for name in portfolio.column_names})
    if backend == "pandas":
        pd = require("pandas")
        frame = pd.DataFrame({k: np.array(v) for k, v in data.items()})
        frame.attrs["currencies"] = dict(portfolio.currencies)
        return frame
    if backend == "polars":
        pl = require("polars")
        return pl.DataFrame({k: np.array(v) for k, v in data.items()})
    if backend == "pyarrow":
        pa = require("pyarrow")
        table = pa.table({k: np.array(v) for k, v in data.items()})
        meta = {f"currency.{k}": v for k, v in portfolio.currencies.items()}
        return table.replace_schema_metadata(meta or None)
    raise SchemaError(f"'backend' must be one of 'pandas', 'polars', 'pyarrow'; got {backend!r}.")


def _columns_of(frame: Any) -> dict[str, Any]:
    mod = type(frame).__module__.split(".")[0]
    if mod == "pandas":
        return {str(c): frame[c].to_numpy() for c in frame.columns}
    if mod == "polars":
        return {c: frame[c].to_numpy() for c in frame.columns}
    if mod == "pyarrow":
        return {
            name: frame.column(name).to_numpy(zero_copy_only=False) for name in frame.column_names
        }
    raise SchemaError(
        f"'frame' must be a pandas or polars DataFrame or a pyarrow Table; got {type(frame)!r}."
    )


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
        One row per customer.
    id_column
        The column holding customer ids.
    currencies
        Currency of each money column; defaults to what :func:`to_frame` stored
        in the frame's metadata, if any.
    nullable
        Columns allowed to hold NaN/NaT ("not recorded").

    Raises
    ------
    SchemaError
        Unsupported frame type or missing id column; plus everything
        :meth:`Portfolio.from_columns` raises.
    """
    cols = _columns_of(frame)
    if id_column not in cols:
        raise SchemaError(f"frame has no id column {id_column!r}; columns: {sorted(cols)}.")
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
