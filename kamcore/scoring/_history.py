"""Dated grades, grade history and grade-migration counts.

Grading is redone periodically (typically every fiscal
year) and the history is kept: a grade is dated. A :class:`Grading` is one
re-grading on one date (ids and their grades, levels best first); a
:class:`GradeHistory` keeps several, sorted by date, one per date; and
:func:`migration_counts` counts how accounts moved between two gradings,
matched by id without a Python loop over accounts.

Migration matrix
----------------
With grade levels g_1 .. g_L (best first), the state labels are
``("new", g_1, ..., g_L, "lost")`` and ``counts[i, j]`` is the number of
accounts in state i at the first grading and in state j at the second:
accounts graded only at the second date move from ``"new"``, accounts graded
only at the first date move to ``"lost"``. The ``"new"`` column and the
``"lost"`` row are zero, and the total is the number of distinct accounts in
either grading. :meth:`MigrationMatrix.probabilities` turns the grade rows
into the one-period transition matrix of a Markov CLP model (Pfeifer &
Carraway 2000) with ``"lost"`` absorbing.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, ClassVar, Final

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from kamcore._columns import CustomerColumns, FrozenArrays
from kamcore._params import FloatArray, IntArray, as_id_array, check_fields, fail_where, readonly
from kamcore.domain._coerce import coerce_items
from kamcore.errors import InvalidParameterError, ShapeMismatchError, UnknownNameError

__all__ = [
    "LOST",
    "NEW",
    "GradeHistory",
    "Grading",
    "MigrationMatrix",
    "migration_counts",
]

#: Label of the state of accounts graded only at the first of two dates.
NEW: Final = "new"
#: Label of the state of accounts graded only at the first date and gone at the second.
LOST: Final = "lost"

DateLike = dt.date | str | np.datetime64


def _as_date(value: Any, name: str) -> dt.date:
    """Return ``value`` as a :class:`datetime.date` (dates, ISO strings, datetime64[D])."""
    if isinstance(value, dt.datetime):
        raise InvalidParameterError(
            f"{name!r} must be a date, not a datetime; got {value!r} (use .date())."
        )
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            raise InvalidParameterError(f"{name!r} must be a date; got NaT.")
        value = str(value.astype("datetime64[D]"))
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise InvalidParameterError(
                f"{name!r} must be an ISO 8601 date (YYYY-MM-DD); got {value!r}."
            ) from None
    raise InvalidParameterError(
        f"{name!r} must be a date (datetime.date, ISO string or datetime64); "
        f"got {type(value).__name__} {value!r}."
    )


def _as_str_array(values: ArrayLike, name: str) -> NDArray[np.str_]:
    """Ids and grade labels: the one id validator (no None, NaN, NUL, blank or padded text)."""
    return as_id_array(values, name)


def _as_of(value: Any) -> dt.date:
    return _as_date(value, "as_of")


def _ids(value: Any) -> NDArray[np.str_]:
    return _as_str_array(value, "ids")


def _grades(value: Any) -> NDArray[np.str_]:
    return _as_str_array(value, "grades")


def _levels(value: Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        raise InvalidParameterError(
            f"'levels' must be a sequence of grade labels, not one string; got {value!r}."
        )
    try:
        return tuple(value)
    except TypeError:
        raise InvalidParameterError(
            f"'levels' must be a sequence of grade labels; got {type(value).__name__} {value!r}."
        ) from None


def _strategy(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise InvalidParameterError(
            f"'strategy' must be a strategy name (str) or None; got {type(value).__name__} "
            f"{value!r}."
        )
    return value


@attrs.frozen(eq=False, repr=False)
class Grading(CustomerColumns):
    """The grades of a set of accounts on one date (one re-grading).

    Parameters
    ----------
    as_of : date, ISO str or datetime64
        The grading date.
    ids : array-like of str, shape (N,)
        Unique, non-blank account ids.
    grades : array-like of str, shape (N,)
        The grade of each account, one of ``levels``.
    levels : sequence of str, optional
        All grade labels, best first (e.g. ``("A", "B", "C", "D")``); by
        default the sorted distinct grades. ``"new"`` and ``"lost"`` are
        reserved.
    strategy : str, optional
        Name of the scoring strategy that produced the grades.

    Raises
    ------
    InvalidParameterError
        Bad date, blank or duplicate ids, grades not among ``levels``,
        duplicate or reserved levels.
    ShapeMismatchError
        ``ids`` and ``grades`` of different lengths.

    Examples
    --------
    >>> g = Grading("2024-12-31", ["acme", "bolt", "cord"], ["A", "C", "A"],
    ...             levels=("A", "B", "C", "D"))
    >>> g.as_of, len(g), g.grade_of("bolt")
    (datetime.date(2024, 12, 31), 3, 'C')
    >>> g.counts()
    {'A': 2, 'B': 0, 'C': 1, 'D': 0}
    """

    as_of: dt.date = attrs.field(converter=_as_of)
    ids: NDArray[np.str_] = attrs.field(converter=_ids)
    grades: NDArray[np.str_] = attrs.field(converter=_grades)
    levels: tuple[str, ...] = attrs.field(default=None, converter=_levels)
    strategy: str | None = attrs.field(default=None, converter=_strategy)

    def __attrs_post_init__(self) -> None:
        if self.ids.shape != self.grades.shape:
            raise ShapeMismatchError(
                f"'ids' and 'grades' must have the same length; got ids: {self.ids.shape[0]}, "
                f"grades: {self.grades.shape[0]}."
            )
        order = np.argsort(self.ids, kind="stable")
        s = self.ids[order]
        dup = s[1:] == s[:-1]
        if dup.any():
            raise InvalidParameterError(
                f"'ids' must be unique; got {int(dup.sum())} duplicate ids "
                f"(first: {str(s[1:][dup][0])!r})."
            )
        levels = self.levels or tuple(str(v) for v in np.unique(self.grades))
        for lv in levels:
            if not isinstance(lv, str) or not lv.strip():
                raise InvalidParameterError(f"'levels' must be non-blank strings; got {lv!r}.")
        if len(set(levels)) != len(levels):
            raise InvalidParameterError(f"'levels' must be distinct; got {levels!r}.")
        reserved = {NEW, LOST} & set(levels)
        if reserved:
            raise InvalidParameterError(
                f"'levels' must not use the reserved labels 'new' and 'lost'; got {levels!r}."
            )
        known = np.isin(self.grades, np.array(levels))
        fail_where(~known, self.grades, "grades", f"be one of the levels {levels!r}")
        object.__setattr__(self, "levels", levels)
        readonly(self.ids)
        readonly(self.grades)

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Grading):
            return NotImplemented
        return (
            self.as_of == other.as_of
            and self.levels == other.levels
            and self.strategy == other.strategy
            and np.array_equal(self.ids, other.ids)
            and np.array_equal(self.grades, other.grades)
        )

    def __hash__(self) -> int:
        return hash(
            (self.as_of, self.levels, self.strategy, self.ids.tobytes(), self.grades.tobytes())
        )

    @property
    def codes(self) -> IntArray:
        """Level index of each account's grade (0 = best), shape (N,)."""
        lv = np.array(self.levels)
        order = np.argsort(lv)
        return order[np.searchsorted(lv[order], self.grades)].astype(np.int64)

    def grade_of(self, account_id: str) -> str:
        """Return the grade of one account.

        Raises
        ------
        UnknownNameError
            The id is not in this grading.
        """
        hit = np.flatnonzero(self.ids == account_id)
        if hit.size == 0:
            raise UnknownNameError(f"account {account_id!r} is not graded on {self.as_of}.")
        return str(self.grades[hit[0]])

    def counts(self) -> dict[str, int]:
        """Return the number of accounts per grade, every level listed, best first."""
        n = np.bincount(self.codes, minlength=len(self.levels))
        return {lv: int(n[i]) for i, lv in enumerate(self.levels)}

    def to_dict(self) -> dict[str, str]:
        """Return ``{id: grade}``."""
        return dict(zip(self.ids.tolist(), self.grades.tolist(), strict=True))

    @classmethod
    def from_mapping(
        cls,
        grades: Mapping[str, str],
        *,
        as_of: DateLike,
        levels: Sequence[str] | None = None,
        strategy: str | None = None,
    ) -> Grading:
        """Build a grading from ``{id: grade}``.

        Examples
        --------
        >>> Grading.from_mapping({"acme": "A", "bolt": "B"}, as_of="2025-01-01").levels
        ('A', 'B')
        """
        if not isinstance(grades, Mapping):
            raise InvalidParameterError(
                f"'grades' must be a mapping of id -> grade; got {type(grades).__name__} "
                f"{grades!r}."
            )
        return cls(
            as_of,
            list(grades.keys()),
            list(grades.values()),
            levels=levels,
            strategy=strategy,
        )


@attrs.frozen(eq=False, repr=False)
class MigrationMatrix(FrozenArrays):
    """Grade-migration counts between two gradings.

    Parameters
    ----------
    labels : tuple of str
        ``("new", *levels, "lost")``, length S = L + 2.
    counts : ndarray of int64, shape (S, S)
        ``counts[i, j]``: accounts in state i at ``start`` and j at ``end``.
    start, end : date
        The two grading dates (``start < end``; pooled matrices keep the
        first start and the last end).

    Examples
    --------
    >>> from kamcore.scoring import Grading, migration_counts
    >>> before = Grading("2024-12-31", ["a", "b", "c"], ["A", "B", "B"], levels=("A", "B"))
    >>> after = Grading("2025-12-31", ["a", "b", "c"], ["A", "A", "B"], levels=("A", "B"))
    >>> migration_counts(before, after).counts.tolist()
    [[0, 0, 0, 0], [0, 1, 0, 0], [0, 1, 1, 0], [0, 0, 0, 0]]
    """

    #: fields whose NaN is a documented "no value" marker
    _NAN_OK: ClassVar[tuple[str, ...]] = ()

    def __attrs_post_init__(self) -> None:
        check_fields(self, nan_ok=self._NAN_OK)

    labels: tuple[str, ...]
    counts: IntArray
    start: dt.date
    end: dt.date

    @property
    def levels(self) -> tuple[str, ...]:
        """The grade levels, best first (labels without "new" and "lost")."""
        return self.labels[1:-1]

    @property
    def total(self) -> int:
        """Distinct accounts in either grading (the sum of the counts)."""
        return int(self.counts.sum())

    def transition_counts(self) -> tuple[tuple[str, ...], IntArray]:
        """Return the counts over ``(*levels, "lost")`` without the ``"new"`` row and column.

        The ``"lost"`` row is zero (nothing is observed leaving it); a Markov
        model treats it as absorbing.
        """
        return self.labels[1:], self.counts[1:, 1:].copy()

    def probabilities(self) -> FloatArray:
        """Row-normalised one-period transition matrix over ``(*levels, "lost")``.

        Row g is the share of the accounts graded g at ``start`` that were
        graded h (or lost) at ``end``; the ``"lost"`` row is absorbing
        (1 on the diagonal).

        Returns
        -------
        ndarray of float64, shape (L + 1, L + 1)

        Raises
        ------
        InvalidParameterError
            A grade nobody held at ``start`` (its row would be 0/0).
        """
        _, c = self.transition_counts()
        rows = c[:-1].sum(axis=1)
        empty = rows == 0
        if empty.any():
            missing = [lv for lv, e in zip(self.levels, empty.tolist(), strict=True) if e]
            raise InvalidParameterError(
                f"'counts' must have at least one account in every grade at the start to "
                f"estimate transition probabilities; got none in {missing!r}."
            )
        p = np.zeros(c.shape, dtype=np.float64)
        p[:-1] = c[:-1] / rows[:, None]
        p[-1, -1] = 1.0
        return p

    def __add__(self, other: MigrationMatrix) -> MigrationMatrix:
        """Pool two migration matrices over the same labels (sum of counts)."""
        if not isinstance(other, MigrationMatrix):
            return NotImplemented
        if other.labels != self.labels:
            raise InvalidParameterError(
                f"'labels' must match to pool migrations; got {self.labels!r} and {other.labels!r}."
            )
        return MigrationMatrix(
            labels=self.labels,
            counts=readonly(self.counts + other.counts),
            start=min(self.start, other.start),
            end=max(self.end, other.end),
        )


def migration_counts(before: Grading, after: Grading) -> MigrationMatrix:
    """Count grade migrations between two gradings, matched by account id.

    Parameters
    ----------
    before, after : Grading
        The earlier and the later grading, with the same ``levels``.

    Returns
    -------
    MigrationMatrix
        ``(L + 2) x (L + 2)`` counts over ``("new", *levels, "lost")``; the
        counts sum to the number of distinct ids in either grading.

    Raises
    ------
    InvalidParameterError
        Not gradings, ``before`` not strictly earlier than ``after``, or
        different levels.

    Examples
    --------
    >>> g1 = Grading("2023-12-31", ["a", "b", "c"], ["A", "B", "B"], levels=("A", "B"))
    >>> g2 = Grading("2024-12-31", ["a", "c", "d"], ["B", "B", "A"], levels=("A", "B"))
    >>> m = migration_counts(g1, g2)
    >>> m.labels
    ('new', 'A', 'B', 'lost')
    >>> m.counts.tolist()
    [[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 1, 1], [0, 0, 0, 0]]
    >>> m.probabilities().tolist()
    [[0.0, 1.0, 0.0], [0.0, 0.5, 0.5], [0.0, 0.0, 1.0]]
    """
    for name, g in (("before", before), ("after", after)):
        if not isinstance(g, Grading):
            raise InvalidParameterError(f"{name!r} must be a Grading; got {type(g).__name__}.")
    if not before.as_of < after.as_of:
        raise InvalidParameterError(
            f"'before' must be dated before 'after'; got {before.as_of} and {after.as_of}."
        )
    if before.levels != after.levels:
        raise InvalidParameterError(
            f"'levels' must be the same in both gradings; got {before.levels!r} and "
            f"{after.levels!r}."
        )
    L = len(before.levels)
    S = L + 2
    lost, new = S - 1, 0
    b_state = before.codes + 1
    a_state = after.codes + 1
    _, ib, ia = np.intersect1d(before.ids, after.ids, assume_unique=True, return_indices=True)
    gone = ~np.isin(before.ids, after.ids, assume_unique=True)
    arrived = ~np.isin(after.ids, before.ids, assume_unique=True)
    cells = np.concatenate(
        [
            b_state[ib] * S + a_state[ia],
            b_state[gone] * S + lost,
            new * S + a_state[arrived],
        ]
    )
    counts = np.bincount(cells, minlength=S * S).reshape(S, S).astype(np.int64)
    return MigrationMatrix(
        labels=(NEW, *before.levels, LOST),
        counts=readonly(counts),
        start=before.as_of,
        end=after.as_of,
    )


def _sorted_gradings(value: Iterable[Grading]) -> tuple[Grading, ...]:
    items = coerce_items(value, "gradings", object)
    for i, g in enumerate(items):
        if not isinstance(g, Grading):
            raise InvalidParameterError(
                f"'gradings' must hold Grading objects; got {type(g).__name__} at index {i}."
            )
    items = tuple(sorted(items, key=lambda g: g.as_of))
    for a, b in itertools.pairwise(items):
        if a.as_of == b.as_of:
            raise InvalidParameterError(
                f"'gradings' must have one grading per date; got two on {a.as_of}."
            )
        if a.levels != b.levels:
            raise InvalidParameterError(
                f"'gradings' must share the same levels; got {a.levels!r} on {a.as_of} and "
                f"{b.levels!r} on {b.as_of}."
            )
    return items


@attrs.frozen(eq=True)
class GradeHistory:
    """Gradings of a portfolio over time, sorted by date, one per date.

    Parameters
    ----------
    gradings : iterable of Grading
        In any order; stored sorted by ``as_of``. All share one set of levels.

    Raises
    ------
    InvalidParameterError
        Two gradings on one date, different levels, or non-Grading items.

    Examples
    --------
    >>> h = GradeHistory([
    ...     Grading("2024-12-31", ["a", "b"], ["B", "B"], levels=("A", "B")),
    ...     Grading("2023-12-31", ["a", "b"], ["A", "B"], levels=("A", "B")),
    ... ])
    >>> [str(d) for d in h.dates]
    ['2023-12-31', '2024-12-31']
    >>> h.at("2024-06-30").grade_of("a"), h.latest.grade_of("a")
    ('A', 'B')
    >>> h.history_of("a")
    ((datetime.date(2023, 12, 31), 'A'), (datetime.date(2024, 12, 31), 'B'))
    """

    gradings: tuple[Grading, ...] = attrs.field(default=(), converter=_sorted_gradings)

    def __len__(self) -> int:
        return len(self.gradings)

    def __iter__(self) -> Iterator[Grading]:
        return iter(self.gradings)

    @property
    def dates(self) -> tuple[dt.date, ...]:
        """Grading dates, ascending."""
        return tuple(g.as_of for g in self.gradings)

    @property
    def latest(self) -> Grading:
        """The most recent grading.

        Raises
        ------
        UnknownNameError
            The history is empty.
        """
        if not self.gradings:
            raise UnknownNameError("the grade history is empty; there is no latest grading.")
        return self.gradings[-1]

    def add(self, grading: Grading) -> GradeHistory:
        """Return a new history with ``grading`` added (its date must be new)."""
        return GradeHistory((*self.gradings, grading))

    def at(self, when: DateLike) -> Grading:
        """Return the grading in effect on ``when``: the latest one dated on or before it.

        Raises
        ------
        UnknownNameError
            No grading on or before ``when``.
        """
        day = _as_date(when, "when")
        eligible = [g for g in self.gradings if g.as_of <= day]
        if not eligible:
            raise UnknownNameError(f"no grading on or before {day}; the first is {self.dates[:1]}.")
        return eligible[-1]

    def on(self, when: DateLike) -> Grading:
        """Return the grading dated exactly ``when``.

        Raises
        ------
        UnknownNameError
            No grading on that date.
        """
        day = _as_date(when, "when")
        for g in self.gradings:
            if g.as_of == day:
                return g
        raise UnknownNameError(f"no grading dated {day}; dates are {[str(d) for d in self.dates]}.")

    def history_of(self, account_id: str) -> tuple[tuple[dt.date, str], ...]:
        """Return the dated grades of one account, oldest first (ungraded dates skipped)."""
        out = []
        for g in self.gradings:
            hit = np.flatnonzero(g.ids == account_id)
            if hit.size:
                out.append((g.as_of, str(g.grades[hit[0]])))
        return tuple(out)

    def migration(
        self, start: DateLike | None = None, end: DateLike | None = None
    ) -> MigrationMatrix:
        """Return migration counts between the gradings dated ``start`` and ``end``.

        By default the last two gradings.

        Raises
        ------
        UnknownNameError
            Fewer than two gradings, or no grading on a given date.
        """
        if start is None and end is None:
            if len(self.gradings) < 2:
                raise UnknownNameError(
                    f"a migration needs two gradings; the history has {len(self.gradings)}."
                )
            return migration_counts(self.gradings[-2], self.gradings[-1])
        if start is None or end is None:
            raise InvalidParameterError("'start' and 'end' must be given together.")
        return migration_counts(self.on(start), self.on(end))

    def migrations(self) -> tuple[MigrationMatrix, ...]:
        """Return the migration counts between each pair of consecutive gradings."""
        return tuple(migration_counts(a, b) for a, b in itertools.pairwise(self.gradings))

    def pooled_migration(self) -> MigrationMatrix:
        """Return the sum of the consecutive migration counts (more data per transition).

        Assumes equally spaced gradings, so every count is a one-period move.

        Raises
        ------
        UnknownNameError
            Fewer than two gradings.
        """
        steps = self.migrations()
        if not steps:
            raise UnknownNameError(
                f"a migration needs two gradings; the history has {len(self.gradings)}."
            )
        total = steps[0]
        for m in steps[1:]:
            total = total + m
        return total
