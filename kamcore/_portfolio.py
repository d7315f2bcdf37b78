"""The columnar :class:`Portfolio`: N customers as read-only numpy columns.

A Portfolio is the one bridge between the object world (``Customer``,
``Relationship``) and the array world (every calculator). It holds

- ``ids``: a 1-D numpy unicode array of N unique, non-empty customer ids;
- named 1-D columns of length N, each one of

  - numeric: ``bool``, ``int64`` (``int8`` kept for level codes) or ``float64``;
  - categorical: numpy unicode (``U``) strings;
  - dates and times: ``datetime64`` at the resolution given (days, seconds,
    microseconds, nanoseconds, ...), never truncated;

- for money columns, the ISO-4217 currency of the column (one currency per
  column: mixed currencies are rejected);
- the set of *nullable* columns: only those may hold NaN (floats) or NaT
  (dates), meaning "not recorded". Every other column is complete.

Validation happens once, vectorised, in :meth:`Portfolio.from_columns`; the
derived constructors (``take``, ``filter``, ``concat``, ``with_columns``)
check only what they can break. Columns are never coerced: an ``object``
column with non-strings, a ragged column or an infinite value is rejected with
a :class:`~kamcore.errors.KamcoreError` naming the column.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kamcore._columns import HTML_ROWS, html_table
from kamcore._params import (
    YEAR_RULE,
    as_array,
    as_id_array,
    fail_where,
    outside_calendar,
    readonly,
    unknown_column,
)
from kamcore.domain import MONEY_FIELDS, check_currency
from kamcore.domain._coerce import coerce_items
from kamcore.errors import (
    CurrencyMismatchError,
    InvalidParameterError,
    SchemaError,
    ShapeMismatchError,
    UnknownNameError,
)

if TYPE_CHECKING:
    from kamcore.domain._customer import Customer

__all__ = ["CUSTOMER_FACT_COLUMNS", "CUSTOMER_MONEY_COLUMNS", "Portfolio"]

#: The rubric facts that :meth:`Portfolio.from_customers` stores as int8 level
#: codes: 1 (best) .. 4 (worst), 0 = not recorded.
CUSTOMER_FACT_COLUMNS: Final[tuple[str, ...]] = (
    "credit_record",
    "loyalty",
    "product_importance",
    "industry_standing",
    "cooperation",
    "supply_share",
    "relationship_depth",
    "prospects",
    "loss_impact",
    "strategic_fit",
)

#: The yearly money figures that :meth:`Portfolio.from_customers` stores as
#: nullable float64 columns (NaN = not recorded) with their currency: the
#: customer's :data:`~kamcore.domain.MONEY_FIELDS`.
CUSTOMER_MONEY_COLUMNS: Final[tuple[str, ...]] = MONEY_FIELDS


def _check_currency_code(code: Any, field: str) -> str:
    """Apply the one currency rule (:func:`kamcore.domain.check_currency`) to a money column."""
    try:
        return check_currency(code)
    except InvalidParameterError as exc:
        raise InvalidParameterError(
            f"money column {field!r} needs an ISO-4217 currency: {exc}"
        ) from None


def _column(name: str, values: ArrayLike, n: int, nullable: bool) -> NDArray[Any]:
    """Validate one column and return a private, read-only copy."""
    if not isinstance(name, str) or not name:
        raise SchemaError(f"column names must be non-empty strings; got {name!r}.")
    try:
        arr = np.array(values, copy=True)
    except (TypeError, ValueError) as exc:
        raise SchemaError(f"column {name!r} must be a 1-D array; {exc}.") from None
    if arr.ndim != 1:
        raise ShapeMismatchError(f"column {name!r} must be 1-D; got shape {arr.shape}.")
    if arr.shape[0] != n:
        raise ShapeMismatchError(
            f"column {name!r} must have one value per customer ({n}); got {arr.shape[0]}."
        )
    kind = arr.dtype.kind
    if kind == "b":
        return readonly(arr)
    if kind in "iu":
        if kind == "u" and arr.size and int(arr.max()) > np.iinfo(np.int64).max:
            raise InvalidParameterError(f"column {name!r} has integers too large for int64.")
        return readonly(arr.astype(np.int64) if arr.dtype != np.int8 else arr)
    if kind == "f":
        arr = arr.astype(np.float64, copy=False)
        bad = np.isinf(arr) if nullable else ~np.isfinite(arr)
        rule = (
            "be finite (NaN marks 'not recorded' in this nullable column)"
            if nullable
            else ("be finite (no NaN or infinity; declare the column nullable for missing values)")
        )
        fail_where(bad, arr, name, rule)
        return readonly(arr)
    if kind == "M":
        if np.datetime_data(arr.dtype)[0] == "generic":  # e.g. all NaT: no unit to keep
            arr = arr.astype("datetime64[D]")
        if not nullable:
            fail_where(np.isnat(arr), arr, name, "be a date (no NaT; declare it nullable)")
        fail_where(outside_calendar(arr), arr, name, YEAR_RULE)
        return readonly(arr)
    if kind == "U":
        return readonly(arr)
    if kind == "O":
        not_str = np.fromiter((not isinstance(v, str) for v in arr), dtype=bool, count=n)
        if not_str.any():
            first = int(np.flatnonzero(not_str)[0])
            raise SchemaError(
                f"column {name!r} must hold numbers, dates or strings; got {int(not_str.sum())} "
                f"non-string objects in a text column (first at index {first}: {arr[first]!r})."
            )
        nul = np.fromiter((v.endswith("\x00") for v in arr), dtype=bool, count=n)
        fail_where(nul, arr, name, "not end with a NUL character (numpy text drops it)")
        return readonly(arr.astype(str) if n else np.empty(0, dtype="U1"))
    raise SchemaError(f"column {name!r} has unsupported dtype {arr.dtype}.")


def _mapping(value: Any, field: str) -> Mapping[Any, Any]:
    """Return ``value`` (None as an empty mapping) if it is a mapping, else raise."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidParameterError(
            f"{field!r} must be a mapping of column names; got {type(value).__name__} {value!r}."
        )
    return value


def _names(value: Any, field: str) -> frozenset[str]:
    """Return an iterable of column names as a set; a single string is refused."""
    if isinstance(value, str):
        raise InvalidParameterError(
            f"{field!r} must be an iterable of column names, not one string; got {value!r} "
            f"(write [{value!r}])."
        )
    try:
        names = frozenset(value)
    except TypeError:
        raise InvalidParameterError(
            f"{field!r} must be an iterable of column names; got {type(value).__name__} {value!r}."
        ) from None
    bad = sorted(repr(v) for v in names if not isinstance(v, str))
    if bad:
        raise InvalidParameterError(
            f"{field!r} must hold column names (str); got {len(bad)} others (first: {bad[0]})."
        )
    return names


def _check_ids(ids: ArrayLike) -> NDArray[np.str_]:
    arr = as_id_array(ids, "ids", type_error=SchemaError)
    _check_unique(arr)
    return readonly(arr)


def _check_unique(ids: NDArray[np.str_]) -> None:
    s = np.sort(ids)
    dup = s[1:] == s[:-1]
    if dup.any():
        first_dup = s[1:][dup][0]
        raise InvalidParameterError(
            f"'ids' must be unique; got {int(dup.sum())} duplicate ids (first: {str(first_dup)!r})."
        )


class Portfolio:
    """A frozen, read-only, columnar collection of N customers.

    Build one with :meth:`from_columns` (arrays) or :meth:`from_customers`
    (domain objects); do not call the constructor directly.

    Examples
    --------
    >>> p = Portfolio.from_columns(
    ...     ["c1", "c2", "c3"],
    ...     {"revenue": [120.0, 80.0, 5.5], "region": ["north", "south", "north"]},
    ...     currencies={"revenue": "EUR"},
    ... )
    >>> len(p), p.column_names
    (3, ('revenue', 'region'))
    >>> p["revenue"].sum()
    np.float64(205.5)
    >>> p.filter(p["region"] == "north").ids.tolist()
    ['c1', 'c3']
    >>> p["revenue"][0] = 1.0
    Traceback (most recent call last):
    ...
    ValueError: assignment destination is read-only
    """

    __slots__ = ("_columns", "_currencies", "_ids", "_nullable")

    _ids: NDArray[np.str_]
    _columns: Mapping[str, NDArray[Any]]
    _currencies: Mapping[str, str]
    _nullable: frozenset[str]

    def __init__(self) -> None:
        raise TypeError("build a Portfolio with Portfolio.from_columns or Portfolio.from_customers")

    @classmethod
    def _trusted(
        cls,
        ids: NDArray[np.str_],
        columns: Mapping[str, NDArray[Any]],
        currencies: Mapping[str, str],
        nullable: frozenset[str],
    ) -> Portfolio:
        self = object.__new__(cls)
        object.__setattr__(self, "_ids", ids)
        object.__setattr__(self, "_columns", MappingProxyType(dict(columns)))
        object.__setattr__(self, "_currencies", MappingProxyType(dict(currencies)))
        object.__setattr__(self, "_nullable", nullable)
        return self

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Portfolio is frozen")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Portfolio is frozen")

    # ------------------------------------------------------------------ builders
    @classmethod
    def from_columns(
        cls,
        ids: ArrayLike,
        columns: Mapping[str, ArrayLike] | None = None,
        *,
        currencies: Mapping[str, str | Sequence[str]] | None = None,
        nullable: Iterable[str] = (),
    ) -> Portfolio:
        """Build a Portfolio from an id array and named columns, validating once.

        Parameters
        ----------
        ids : array-like of str, shape (N,)
            Unique, non-blank customer ids.
        columns : mapping of str to array-like, each shape (N,)
            Numeric (bool/int/float), text or ``datetime64`` columns (dates
            and times keep their resolution).
        currencies : mapping of str to str or sequence of str, optional
            The ISO-4217 currency of each money column; a per-row sequence is
            accepted and must hold a single currency.
        nullable : iterable of str
            Columns allowed to hold NaN/NaT meaning "not recorded".

        Returns
        -------
        Portfolio

        Raises
        ------
        InvalidParameterError
            Duplicate or blank ids, NaN/inf in a non-nullable column, currency
            codes that :func:`kamcore.domain.check_currency` refuses, arguments
            of the wrong type (``columns`` or ``currencies`` not a mapping,
            ``nullable`` a single string).
        ShapeMismatchError
            A column whose length is not N, or that is not 1-D.
        SchemaError
            Unsupported column types.
        UnknownNameError
            ``currencies`` or ``nullable`` naming a column that does not exist.
        CurrencyMismatchError
            A money column with more than one currency.
        """
        cols = dict(_mapping(columns, "columns"))
        id_arr = _check_ids(ids)
        n = id_arr.shape[0]
        null = _names(nullable, "nullable")
        unknown = sorted(null - cols.keys(), key=str)
        if unknown:
            raise unknown_column(
                unknown[0],
                cols,
                lead=f"'nullable' names columns that do not exist: {unknown}",
            )
        checked = {name: _column(name, values, n, name in null) for name, values in cols.items()}
        cur: dict[str, str] = {}
        for name, code in _mapping(currencies, "currencies").items():
            if name not in checked:
                raise unknown_column(
                    name,
                    checked,
                    lead=f"'currencies' names a column that does not exist: {name!r}",
                )
            if checked[name].dtype.kind not in "iuf":
                raise SchemaError(
                    f"money column {name!r} must be numeric; got dtype {checked[name].dtype}."
                )
            cur[name] = cls._single_currency(name, code, n)
        return cls._trusted(id_arr, checked, cur, null)

    @staticmethod
    def _single_currency(name: str, code: str | Sequence[str], n: int) -> str:
        if isinstance(code, str):
            return _check_currency_code(code, name)
        codes = np.asarray(code)
        if codes.shape != (n,):
            raise ShapeMismatchError(
                f"per-row currencies of {name!r} must have shape ({n},); got {codes.shape}."
            )
        if n == 0:
            raise InvalidParameterError(f"currency of {name!r} cannot be inferred from 0 rows.")
        first = str(codes[0])
        other = codes != first
        if other.any():
            i = int(np.flatnonzero(other)[0])
            raise CurrencyMismatchError(
                f"money column {name!r} must hold one currency; got {int(other.sum())} rows not in "
                f"{first} (first at index {i}: {str(codes[i])!r})."
            )
        return _check_currency_code(first, name)

    @classmethod
    def from_customers(cls, customers: Iterable[Customer]) -> Portfolio:
        """Build a Portfolio from :class:`~kamcore.domain.Customer` objects.

        Columns produced: text ``name``, ``industry``, ``region`` (``""`` when
        not recorded); the money figures of :data:`CUSTOMER_MONEY_COLUMNS` as
        nullable float64 (NaN when not recorded) with their currency; the
        rubric facts of :data:`CUSTOMER_FACT_COLUMNS` as int8 level codes
        (1 best .. 4 worst, 0 when not recorded).

        Raises
        ------
        CurrencyMismatchError
            The customers' money figures are in more than one currency.
        InvalidParameterError
            Duplicate customer ids.
        """
        from kamcore.domain import Customer as _Customer

        items = coerce_items(customers, "customers", _Customer)
        n = len(items)
        ids = [c.id for c in items]
        text = {
            "name": [c.name for c in items],
            "industry": [c.industry or "" for c in items],
            "region": [c.region or "" for c in items],
        }
        columns: dict[str, ArrayLike] = {k: np.array(v, dtype=object) for k, v in text.items()}
        currencies: dict[str, str] = {}
        for field in CUSTOMER_MONEY_COLUMNS:
            amounts = np.full(n, np.nan)
            seen: dict[str, int] = {}
            for i, c in enumerate(items):
                m = getattr(c, field)
                if m is not None:
                    amounts[i] = float(m.amount)
                    seen.setdefault(m.currency, i)
            if len(seen) > 1:
                (c1, _), (c2, i2) = sorted(seen.items(), key=lambda kv: kv[1])[:2]
                raise CurrencyMismatchError(
                    f"money column {field!r} must hold one currency; got {c1} and {c2} "
                    f"(first {c2} at index {i2}: customer {ids[i2]!r})."
                )
            columns[field] = amounts
            if seen:
                currencies[field] = next(iter(seen))
        for field in CUSTOMER_FACT_COLUMNS:
            columns[field] = np.fromiter(
                ((getattr(c, field).level if getattr(c, field) is not None else 0) for c in items),
                dtype=np.int8,
                count=n,
            )
        money_currencies = set(currencies.values())
        if len(money_currencies) > 1:
            raise CurrencyMismatchError(
                "the customers' money figures must share one currency; got "
                f"{sorted(money_currencies)} across {sorted(currencies)}."
            )
        return cls.from_columns(
            np.array(ids, dtype=str) if n else np.empty(0, dtype="U1"),
            columns,
            currencies=currencies,
            nullable=CUSTOMER_MONEY_COLUMNS,
        )

    # ------------------------------------------------------------------ access
    @property
    def ids(self) -> NDArray[np.str_]:
        """Customer ids, shape (N,), read-only."""
        return self._ids

    @property
    def column_names(self) -> tuple[str, ...]:
        """Names of the columns, in insertion order."""
        return tuple(self._columns)

    @property
    def currencies(self) -> Mapping[str, str]:
        """Currency of each money column."""
        return self._currencies

    @property
    def nullable(self) -> frozenset[str]:
        """Columns that may hold NaN/NaT meaning "not recorded"."""
        return self._nullable

    def currency(self, name: str) -> str | None:
        """Return the currency of column ``name``, or None if it is not a money column."""
        self.column(name)
        return self._currencies.get(name)

    def column(self, name: str) -> NDArray[Any]:
        """Return column ``name`` (read-only, shape (N,)).

        Raises
        ------
        UnknownNameError
            If there is no such column; the message lists the known ones and
            suggests the closest name.
        InvalidParameterError
            If ``name`` is not a string.
        """
        if not isinstance(name, str):
            raise InvalidParameterError(
                f"a column name must be a str; got {type(name).__name__} {name!r}."
            )
        try:
            return self._columns[name]
        except KeyError:
            raise unknown_column(
                name, self._columns, lead=f"Portfolio has no column {name!r}"
            ) from None

    def __getitem__(self, name: str) -> NDArray[Any]:
        return self.column(name)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._columns

    def __len__(self) -> int:
        return int(self._ids.shape[0])

    def __iter__(self) -> Iterator[str]:
        """Iterate over column names (like a mapping)."""
        return iter(self._columns)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Portfolio):
            return NotImplemented
        if (
            self.column_names != other.column_names
            or dict(self._currencies) != dict(other._currencies)
            or self._nullable != other._nullable
            or not np.array_equal(self._ids, other._ids)
        ):
            return False
        for name, a in self._columns.items():
            b = other._columns[name]
            if a.dtype.kind != b.dtype.kind:
                return False
            equal_nan = a.dtype.kind in "fM"
            if not np.array_equal(a, b, equal_nan=equal_nan):
                return False
        return True

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        cols = ", ".join(f"{k}:{v.dtype.str.lstrip('<|>=')}" for k, v in self._columns.items())
        if len(cols) > 300:
            cols = cols[:297] + "..."
        return f"Portfolio(n={len(self)}, columns=[{cols}])"

    def _repr_html_(self, max_rows: int = HTML_ROWS) -> str:
        """Notebook display: the first ``max_rows`` rows, column types and currencies (escaped)."""
        return html_table(
            "Portfolio", self._ids, self._columns, currencies=self._currencies, max_rows=max_rows
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # pickle, copy and deepcopy rebuild through _trusted, so the arrays come
        # back read-only and the mappings frozen
        return (
            _restore,
            (self._ids, dict(self._columns), dict(self._currencies), self._nullable),
        )

    def index_of(self, ids: ArrayLike) -> NDArray[np.int64]:
        """Return the row positions of ``ids``.

        Raises
        ------
        InvalidParameterError
            A bad id (None, NaN, a NUL, blank or padded text, a mix of integers
            and strings; see :func:`~kamcore._params.as_id_array`).
        UnknownNameError
            If an id is not in the portfolio (count and first one named).
        """
        wanted = as_id_array(ids, "ids")
        order = np.argsort(self._ids, kind="stable")
        sorted_ids = self._ids[order]
        pos = np.searchsorted(sorted_ids, wanted)
        pos_clipped = np.minimum(pos, max(len(self) - 1, 0))
        found = (pos < len(self)) & (sorted_ids[pos_clipped] == wanted if len(self) else False)
        if not np.all(found):
            missing = wanted[~found]
            raise UnknownNameError(
                f"'ids' must be in the portfolio; got {missing.size} unknown ids "
                f"(first: {str(missing[0])!r})."
            )
        return order[pos_clipped].astype(np.int64)

    # ------------------------------------------------------------------ derive
    def take(self, indices: ArrayLike) -> Portfolio:
        """Return the rows at ``indices`` (in that order).

        Raises
        ------
        InvalidParameterError
            Indices out of range, not integers, or repeated (ids must stay unique).
        """
        idx = as_array(indices, "indices")
        if idx.size == 0:
            idx = idx.astype(np.int64)
        if idx.ndim != 1 or idx.dtype.kind not in "iu":
            raise InvalidParameterError(
                f"'indices' must be a 1-D array of integers; got dtype {idx.dtype}, "
                f"shape {idx.shape}."
            )
        n = len(self)
        fail_where((idx < -n) | (idx >= n), idx, "indices", f"be in [-{n}, {n})")
        idx = np.where(idx < 0, idx + n, idx)
        if np.unique(idx).size != idx.size:
            raise InvalidParameterError("'indices' must not repeat a row (ids must stay unique).")
        return self._rows(idx)

    def filter(self, mask: ArrayLike) -> Portfolio:
        """Return the rows where the boolean ``mask`` (shape (N,)) is true.

        Raises
        ------
        ShapeMismatchError
            If ``mask`` is not a boolean array of shape (N,).
        """
        m = as_array(mask, "mask")
        if m.dtype != np.bool_ or m.shape != (len(self),):
            raise ShapeMismatchError(
                f"'mask' must be a boolean array of shape ({len(self)},); "
                f"got dtype {m.dtype}, shape {m.shape}."
            )
        return self._rows(np.flatnonzero(m))

    def _rows(self, idx: NDArray[Any]) -> Portfolio:
        return Portfolio._trusted(
            readonly(self._ids[idx]),
            {k: readonly(v[idx]) for k, v in self._columns.items()},
            self._currencies,
            self._nullable,
        )

    def select(self, names: Iterable[str]) -> Portfolio:
        """Return a Portfolio with only the named columns (ids kept).

        Raises
        ------
        UnknownNameError
            A name that is not a column.
        InvalidParameterError
            ``names`` is a single string or holds non-strings.
        """
        if isinstance(names, str):
            raise InvalidParameterError(
                f"'names' must be an iterable of column names, not one string; got {names!r} "
                f"(write [{names!r}])."
            )
        wanted = list(names)
        cols = {k: self.column(k) for k in wanted}
        return Portfolio._trusted(
            self._ids,
            cols,
            {k: v for k, v in self._currencies.items() if k in cols},
            self._nullable & cols.keys(),
        )

    def with_columns(
        self,
        columns: Mapping[str, ArrayLike],
        *,
        currencies: Mapping[str, str] | None = None,
        nullable: Iterable[str] = (),
    ) -> Portfolio:
        """Return a Portfolio with ``columns`` added or replaced, validated as in `from_columns`."""
        new = Portfolio.from_columns(self._ids, columns, currencies=currencies, nullable=nullable)
        merged = dict(self._columns)
        merged.update(new._columns)
        cur = {k: v for k, v in self._currencies.items() if k not in new._columns}
        cur.update(new._currencies)
        null = (self._nullable - new._columns.keys()) | new._nullable
        return Portfolio._trusted(self._ids, merged, cur, null)

    @classmethod
    def concat(cls, portfolios: Iterable[Portfolio]) -> Portfolio:
        """Stack portfolios with the same columns (names, kinds and currencies).

        Raises
        ------
        SchemaError
            Different column names or kinds.
        CurrencyMismatchError
            A money column in different currencies.
        InvalidParameterError
            An id present in more than one portfolio.
        """
        parts = list(portfolios)
        others = [i for i, p in enumerate(parts) if not isinstance(p, Portfolio)]
        if others:
            i = others[0]
            raise InvalidParameterError(
                f"'portfolios' must hold Portfolio objects; got {len(others)} others "
                f"(first at index {i}: {type(parts[i]).__name__})."
            )
        if not parts:
            return cls.from_columns([])
        first = parts[0]
        for i, p in enumerate(parts[1:], start=1):
            if set(p.column_names) != set(first.column_names):
                raise SchemaError(
                    "portfolios must have the same columns; part 0 has "
                    f"{sorted(first.column_names)}, part {i} has {sorted(p.column_names)}."
                )
            for name in first.column_names:
                ka, kb = first[name].dtype.kind, p[name].dtype.kind
                if ka != kb and not (ka in "iu" and kb in "iu"):
                    raise SchemaError(
                        f"column {name!r} must have one kind in every part; part 0 is "
                        f"{first[name].dtype}, part {i} is {p[name].dtype}."
                    )
            for name in set(first._currencies) | set(p._currencies):
                a, b = first._currencies.get(name), p._currencies.get(name)
                if a != b:
                    raise CurrencyMismatchError(
                        f"money column {name!r} must have one currency; part 0 is {a}, "
                        f"part {i} is {b}."
                    )
        ids = np.concatenate([p._ids for p in parts]) if parts else np.empty(0, "U1")
        _check_unique(ids)
        cols = {
            name: readonly(np.concatenate([p._columns[name] for p in parts]))
            for name in first.column_names
        }
        null = frozenset().union(*(p._nullable for p in parts))
        return cls._trusted(readonly(ids), cols, first._currencies, null)


def _restore(
    ids: NDArray[np.str_],
    columns: dict[str, NDArray[Any]],
    currencies: dict[str, str],
    nullable: frozenset[str],
) -> Portfolio:
    """Rebuild a pickled Portfolio; every array read-only again."""
    return Portfolio._trusted(
        readonly(ids), {k: readonly(v) for k, v in columns.items()}, currencies, nullable
    )
