"""Per-customer results as columns: one protocol, frames, notebook display, pickling.

A per-customer result holds ``ids`` (shape (N,)) and N-long arrays. It exposes
them through :class:`Columnar` — ``ids`` plus ``columns()``, an ordered mapping
``name -> 1-D array`` aligned with ``ids`` (ids excluded). Everything that turns
a result into a table goes through that one protocol:

* :func:`kamcore.io.frames.to_frame` (the one frame function, via narwhals);
* :meth:`CustomerColumns.to_frame`, the thin method every such result has; it
  imports :mod:`kamcore.io.frames` only when called, by module name, so the
  capability packages do not depend on the frame layer;
* :meth:`CustomerColumns._repr_html_`, the notebook table.

:class:`FrozenArrays` makes pickling and :func:`copy.deepcopy` keep read-only
arrays read-only (numpy hands back writeable arrays otherwise).

This module uses numpy and the standard library only.
"""

from __future__ import annotations

import html
import importlib
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final, Protocol, cast, runtime_checkable

import attrs
import numpy as np
from numpy.typing import NDArray

from kamcore._params import readonly
from kamcore.errors import InvalidParameterError

__all__ = [
    "Columnar",
    "CustomerColumns",
    "FrozenArrays",
    "customer_ids",
    "html_table",
    "short_repr",
]

#: rows shown by ``_repr_html_``
HTML_ROWS: Final = 5


@runtime_checkable
class Columnar(Protocol):
    """Anything keyed by customer: ``ids`` and aligned 1-D ``columns()``."""

    @property
    def ids(self) -> NDArray[np.str_]:
        """Customer ids, shape (N,)."""

    def columns(self) -> Mapping[str, NDArray[Any]]:
        """Per-customer columns by name, each of shape (N,), ids excluded."""


def _freeze(value: Any) -> Any:
    """Encode a field for pickling: read-only arrays and mapping proxies are tagged."""
    if isinstance(value, np.ndarray):
        return ("array", value, not value.flags.writeable)
    if isinstance(value, MappingProxyType):
        return ("proxy", {k: _freeze(v) for k, v in value.items()}, False)
    return ("value", value, False)


def _thaw(tagged: tuple[str, Any, bool]) -> Any:
    kind, value, frozen = tagged
    if kind == "array":
        return readonly(value) if frozen else value
    if kind == "proxy":
        return MappingProxyType({k: _thaw(v) for k, v in value.items()})
    return value


def _rebuild(cls: type, state: tuple[tuple[str, Any], ...]) -> Any:
    self: Any = object.__new__(cls)
    for name, tagged in state:
        object.__setattr__(self, name, _thaw(tagged))
    return self


class FrozenArrays:
    """Mixin for attrs classes: pickle and deepcopy keep read-only arrays read-only.

    numpy unpickles every array writeable and :class:`types.MappingProxyType`
    cannot be pickled at all; this rebuilds the object field by field with
    read-only arrays frozen again and mapping proxies re-wrapped.
    """

    __slots__ = ()

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        state = tuple(
            (field.name, _freeze(getattr(self, field.name)))
            for field in attrs.fields(cast(Any, type(self)))
        )
        return (_rebuild, (type(self), state))

    def __repr__(self) -> str:
        # used by classes declared with ``repr=False``: arrays longer than a few
        # values are summarised by dtype and shape, so the repr stays short
        parts = [
            f"{field.name}={_brief(getattr(self, field.name))}"
            for field in attrs.fields(cast(Any, type(self)))
            if field.repr
        ]
        return f"{type(self).__name__}({', '.join(parts)})"


#: arrays with at most this many values are shown in full by reprs
_SHOWN: Final = 6


def _brief(value: Any) -> str:
    """Return a short repr: small arrays in full, larger ones as dtype and shape."""
    if isinstance(value, np.ndarray):
        if value.size <= _SHOWN:
            return " ".join(repr(value).split())
        return f"<array {value.dtype.str.lstrip('<|>=')} {value.shape}>"
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def _cell(value: Any) -> str:
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.6g}"
    return str(value)


def html_table(
    title: str,
    ids: NDArray[Any],
    columns: Mapping[str, NDArray[Any]],
    *,
    currencies: Mapping[str, str] | None = None,
    id_column: str = "id",
    max_rows: int = HTML_ROWS,
) -> str:
    """Return an escaped HTML table: the first rows, each column's dtype and currency.

    Every id, name and value is HTML-escaped. The caption reads
    ``"<title>: N rows x K columns"`` (the id column not counted).
    """
    currencies = currencies or {}
    esc = html.escape
    n = int(ids.shape[0])
    head = [f"<th>{esc(id_column)}</th>"]
    types = ["<td><i>str</i></td>"]
    for name, col in columns.items():
        head.append(f"<th>{esc(str(name))}</th>")
        kind = col.dtype.str.lstrip("<|>=")
        if name in currencies:
            kind += f" [{currencies[name]}]"
        types.append(f"<td><i>{esc(kind)}</i></td>")
    rows = []
    for i in range(min(n, max_rows)):
        cells = [f"<th>{esc(str(ids[i]))}</th>"]
        cells.extend(f"<td>{esc(_cell(col[i]))}</td>" for col in columns.values())
        rows.append("<tr>" + "".join(cells) + "</tr>")
    if n > max_rows:
        rows.append(f"<tr><td colspan='{len(columns) + 1}'>… {n - max_rows} more rows</td></tr>")
    return (
        "<table class='kamcore'>"
        f"<caption>{esc(title)}: {n} rows x {len(columns)} columns</caption>"
        "<thead><tr>" + "".join(head) + "</tr><tr>" + "".join(types) + "</tr></thead>"
        "<tbody>" + "".join(rows) + "</tbody></table>"
    )


def short_repr(obj: Any, n: int, names: Any, **scalars: Any) -> str:
    """Return ``Name(n=N, columns=[...], key=value)`` without any array values."""
    cols = ", ".join(str(x) for x in names)
    if len(cols) > 200:
        cols = cols[:197] + "..."
    extra = "".join(f", {k}={_brief(v)}" for k, v in scalars.items())
    return f"{type(obj).__name__}(n={n}, columns=[{cols}]{extra})"


class CustomerColumns(FrozenArrays):
    """Mixin for per-customer results: ``to_frame``, notebook display, a short repr.

    The class provides ``ids`` (a field or a property) and may override
    ``columns()`` (the :class:`Columnar` protocol). Classes declared with
    ``repr=False`` get the short repr ``Name(n=N, columns=[...], scalars)``.
    """

    __slots__ = ()

    def columns(self) -> Mapping[str, NDArray[Any]]:
        """Return the per-customer columns by name (ids excluded), shape (N,) each.

        By default every 1-D array field of length N other than ``ids``, in
        field order.
        """
        n = int(customer_ids(self).shape[0])
        out: dict[str, NDArray[Any]] = {}
        for field in attrs.fields(cast(Any, type(self))):
            value = getattr(self, field.name)
            if field.name != "ids" and isinstance(value, np.ndarray) and value.shape == (n,):
                out[field.name] = value
        return out

    def to_frame(self, backend: str = "pandas", *, id_column: str = "id") -> Any:
        """Return the per-customer columns as a frame keyed by customer id.

        See :func:`kamcore.io.frames.to_frame` (the id column comes first,
        then :meth:`columns` in order).

        Parameters
        ----------
        backend : {"pandas", "polars", "pyarrow"}
            The frame library (installed separately).
        id_column
            Name of the id column.
        """
        frames = importlib.import_module("kamcore.io.frames")
        return frames.to_frame(self, backend, id_column=id_column)

    def _repr_html_(self) -> str:
        cols = self.columns()
        ids = getattr(self, "ids", None)
        if ids is None:  # built without ids: number the rows instead
            n = len(next(iter(cols.values()))) if cols else 0
            return html_table(type(self).__name__, np.arange(n), cols, id_column="row")
        return html_table(type(self).__name__, ids, cols)

    def __repr__(self) -> str:
        cols = self.columns()
        n = len(next(iter(cols.values()))) if cols else int(customer_ids(self).shape[0])
        scalars = {
            field.name: getattr(self, field.name)
            for field in attrs.fields(cast(Any, type(self)))
            if field.repr
            and getattr(self, field.name) is not None
            # arrays and nested per-customer results are among the columns already
            and not isinstance(getattr(self, field.name), (np.ndarray, CustomerColumns))
        }
        return short_repr(self, n, cols, **scalars)


def customer_ids(obj: Any) -> NDArray[Any]:
    """Return ``obj.ids``, or raise when a result was built without ids."""
    ids: NDArray[Any] | None = obj.ids
    if ids is None:
        raise InvalidParameterError(
            f"this {type(obj).__name__} has no customer ids; pass ids= when building it."
        )
    return ids
