"""The Dask edge: lazy imports and the schema check on a Dask frame's ``meta``.

Every public function of :mod:`kamcore.dask` checks the columns it reads
against the frame's ``meta`` (names and dtypes, known without reading a row)
before it builds a task graph, so a missing column or a wrong dtype fails at
once, naming the column, instead of on a worker halfway through a job.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from kamcore._optional import require
from kamcore._params import unknown_column
from kamcore.errors import InvalidParameterError, SchemaError

__all__ = ["KINDS", "check_frame", "check_schema", "dask_dataframe", "pandas"]

#: column kinds the schema check knows, with the words used in its messages
KINDS: Final[Mapping[str, str]] = {
    "id": "customer ids (integers or text)",
    "date": "dates (a datetime64 column, or text with ISO 8601 or date_format dates)",
    "number": "numbers (an integer or float column)",
    "flag": "booleans",
}


def dask_dataframe() -> Any:
    """Return :mod:`dask.dataframe`, or raise with the pip command of the ``dask`` extra."""
    return require("dask.dataframe")


def pandas() -> Any:
    """Return :mod:`pandas` (installed with the ``dask`` extra)."""
    return require("pandas")


def check_frame(frame: Any, name: str = "frame") -> Any:
    """Return ``frame`` if it is a Dask DataFrame; refuse anything else, naming it."""
    dd = dask_dataframe()
    if not isinstance(frame, dd.DataFrame):
        raise InvalidParameterError(
            f"{name!r} must be a Dask DataFrame (dask.dataframe.read_parquet, read_csv or "
            f"from_pandas); got {type(frame).__module__}.{type(frame).__qualname__} (the "
            "in-memory functions of kamcore take pandas frames)."
        )
    return frame


def _fits(dtype: Any, kind: str, date_format: str | None) -> bool:
    pd = pandas()
    types = pd.api.types
    if kind == "id":
        return bool(
            (types.is_integer_dtype(dtype) and not types.is_bool_dtype(dtype))
            or types.is_string_dtype(dtype)
            or types.is_object_dtype(dtype)
        )
    if kind == "date":
        if isinstance(dtype, pd.DatetimeTZDtype):
            return False
        if types.is_datetime64_dtype(dtype) or types.is_string_dtype(dtype):
            return True
        if types.is_object_dtype(dtype):
            return True
        return bool(
            date_format is not None
            and types.is_integer_dtype(dtype)
            and not types.is_bool_dtype(dtype)
        )
    if kind == "number":
        return bool(types.is_numeric_dtype(dtype) and not types.is_bool_dtype(dtype))
    if kind == "flag":
        return bool(types.is_bool_dtype(dtype))
    raise AssertionError(kind)  # pragma: no cover - the kinds are ours


def check_schema(
    frame: Any,
    columns: Mapping[str, tuple[str | None, str]],
    *,
    date_format: str | None = None,
    caller: str,
) -> None:
    """Check that ``frame`` has each named column with a dtype of its kind, from ``meta``.

    Parameters
    ----------
    frame : dask.dataframe.DataFrame
    columns : mapping
        Parameter name -> (column name or None to skip, kind in :data:`KINDS`).
    date_format : str, optional
        With a format, integer date columns (``19970101``) are accepted.
    caller : str
        The function named in messages.

    Raises
    ------
    UnknownNameError
        A column that the frame does not have (the message lists the columns).
    SchemaError
        A column whose dtype is not of its kind (a time-zone aware date column
        included), or a column name that is not a string.
    """
    names = [str(c) for c in frame.columns]
    dtypes = frame.dtypes
    for param, (col, kind) in columns.items():
        if col is None:
            continue
        if not isinstance(col, str) or not col:
            raise SchemaError(
                f"{caller}: {param!r} must name a column (a non-empty str); got {col!r}."
            )
        if col not in names:
            raise unknown_column(
                col,
                names,
                lead=f"{caller}: the Dask frame has no {param} column {col!r}",
                remedy=f"Pass {param}= to name it.",
            )
        dtype = dtypes[col]
        if not _fits(dtype, kind, date_format):
            raise SchemaError(
                f"{caller}: column {col!r} ({param}) must hold {KINDS[kind]}; its dtype in the "
                f"frame's meta is {dtype}. Nothing was computed."
            )
