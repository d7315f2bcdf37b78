"""Survey instruments: items, the dimensions they measure, the Likert scale, reverse scoring.

An :class:`Instrument` lists the items of a questionnaire in column order (the
columns of every score matrix), the dimension each item measures, the
declared dimensions in order (the columns of every per-dimension array), the
:class:`LikertScale` answers must lie on, and the items whose wording is
negative and must be reverse-scored (``x -> low + high - x``).

:meth:`Instrument.servqual` builds the standard 22-item SERVQUAL layout
(Parasuraman, Zeithaml & Berry 1988/1991): tangibles items 1-4, reliability
5-9, responsiveness 10-13, assurance 14-17, empathy 18-22, items named
``"q1"`` .. ``"q22"``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, Final, Literal

import attrs
import numpy as np
from numpy.typing import NDArray

from kamcore._params import as_float_scalar
from kamcore.domain._coerce import coerce_items, coerce_mapping, coerce_text
from kamcore.errors import InvalidParameterError, UnknownNameError

__all__ = [
    "SECTIONS",
    "SERVQUAL_DIMENSIONS",
    "Instrument",
    "LikertScale",
]

SERVQUAL_DIMENSIONS: Final[tuple[str, ...]] = (
    "tangibles",
    "reliability",
    "responsiveness",
    "assurance",
    "empathy",
)
"""The five SERVQUAL dimensions, in the order of the per-dimension arrays."""

SECTIONS: Final[tuple[str, ...]] = ("perception", "expectation", "adequate", "desired")
"""The score matrices a survey may hold: perceived service and three expectation levels."""

_SERVQUAL_COUNTS: Final = (4, 5, 4, 4, 5)
_NEGATIVE_1988: Final = frozenset(f"q{i}" for i in (*range(10, 14), *range(18, 23)))


def _real(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InvalidParameterError(f"{name!r} must be a real number; got {value!r}.")
    out = float(value)
    if not math.isfinite(out):
        raise InvalidParameterError(f"{name!r} must be finite; got {out!r}.")
    return out


def _low(value: Any) -> float:
    return _real(value, "low")


def _high(value: Any) -> float:
    return _real(value, "high")


@attrs.frozen
class LikertScale:
    """A declared answer scale ``[low, high]`` (e.g. 1-7 for SERVQUAL).

    Parameters
    ----------
    low, high : float
        The end points, ``low < high``. Answers may be any real in between
        (averaged or slider answers are accepted, not only whole points).

    Examples
    --------
    >>> LikertScale(1, 7).reverse(2.0)
    6.0
    """

    low: float = attrs.field(default=1.0, converter=_low)
    high: float = attrs.field(default=7.0, converter=_high)

    def __attrs_post_init__(self) -> None:
        if not self.low < self.high:
            raise InvalidParameterError(
                f"'high' must be > 'low' of the scale; got low={self.low!r}, high={self.high!r}."
            )

    def reverse(self, x: float) -> float:
        """Reverse-score one answer: ``low + high - x``."""
        value = as_float_scalar(x, "x")
        return self.low + self.high - value

    def describe(self) -> str:
        """Return the scale in words, e.g. ``'[1, 7]'``."""
        return f"[{self.low:g}, {self.high:g}]"


def _to_str_tuple(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return value


def _to_frozenset(value: Any) -> Any:
    if isinstance(value, (list, tuple, set, frozenset)):
        return frozenset(value)
    return value


def _check_names(kind: str, value: Any) -> None:
    if not isinstance(value, tuple) or not value:
        raise InvalidParameterError(
            f"{kind!r} must be a non-empty sequence of names; got {value!r}."
        )
    seen: set[str] = set()
    for i, name in enumerate(value):
        if not isinstance(name, str) or not name or name != name.strip():
            raise InvalidParameterError(
                f"{kind!r} must hold non-empty names without surrounding whitespace; "
                f"got {name!r} at index {i}."
            )
        if name in seen:
            raise InvalidParameterError(f"{kind!r} must not repeat a name; got {name!r} twice.")
        seen.add(name)


@attrs.frozen
class Instrument:
    """A questionnaire: items in column order, each mapped to one declared dimension.

    Parameters
    ----------
    items : sequence of str, length K
        Item names, unique; their order is the column order of score matrices.
    item_dimensions : sequence of str, length K
        The dimension each item measures; every one must be in ``dimensions``.
    dimensions : sequence of str, length D
        The declared dimensions, unique, each with at least one item; their
        order is the column order of per-dimension arrays. Default: the five
        SERVQUAL dimensions.
    scale : LikertScale or None
        The answer scale; scores outside it are rejected. ``None`` disables the
        scale check (e.g. for pre-transformed scores), and then no item may be
        reverse-scored.
    reverse_scored : set of str
        Items worded negatively: their answers are reverse-scored
        (``low + high - x``) in the sections listed in ``reverse_sections``
        before any gap is formed.
    reverse_sections : set of str
        Which score matrices the reversal applies to, a subset of
        ``{"perception", "expectation", "adequate", "desired"}`` (default all).

    Raises
    ------
    InvalidParameterError
        Empty or repeated names, mismatched lengths, a dimension with no item,
        reverse scoring without a scale, an unknown section.
    UnknownNameError
        An item mapped to an undeclared dimension; a reverse-scored item that
        is not an item.

    Examples
    --------
    >>> inst = Instrument.from_mapping(
    ...     {"clean": "tangibles", "on_time": "reliability", "no_errors": "reliability"},
    ...     dimensions=("tangibles", "reliability"), scale=LikertScale(1, 5))
    >>> inst.n_items, inst.n_dimensions, inst.items_of("reliability")
    (3, 2, ('on_time', 'no_errors'))
    >>> Instrument.servqual().items_of("tangibles")
    ('q1', 'q2', 'q3', 'q4')
    """

    items: tuple[str, ...] = attrs.field(converter=_to_str_tuple)
    item_dimensions: tuple[str, ...] = attrs.field(converter=_to_str_tuple)
    dimensions: tuple[str, ...] = attrs.field(
        default=SERVQUAL_DIMENSIONS, converter=_to_str_tuple, kw_only=True
    )
    scale: LikertScale | None = attrs.field(factory=LikertScale, kw_only=True)
    reverse_scored: frozenset[str] = attrs.field(
        default=frozenset(), converter=_to_frozenset, kw_only=True
    )
    reverse_sections: frozenset[str] = attrs.field(
        default=frozenset(SECTIONS), converter=_to_frozenset, kw_only=True
    )

    def __attrs_post_init__(self) -> None:
        _check_names("items", self.items)
        _check_names("dimensions", self.dimensions)
        if not isinstance(self.item_dimensions, tuple) or len(self.item_dimensions) != len(
            self.items
        ):
            raise InvalidParameterError(
                f"'item_dimensions' must give one dimension per item ({len(self.items)}); "
                f"got {self.item_dimensions!r}."
            )
        declared = set(self.dimensions)
        for item, dim in zip(self.items, self.item_dimensions, strict=True):
            if dim not in declared:
                raise UnknownNameError(
                    f"item {item!r} maps to unknown dimension {dim!r}; declared dimensions: "
                    f"{', '.join(repr(d) for d in self.dimensions)}."
                )
        used = set(self.item_dimensions)
        empty = [d for d in self.dimensions if d not in used]
        if empty:
            raise InvalidParameterError(
                f"every declared dimension must have at least one item; {empty[0]!r} has none."
            )
        if self.scale is not None and not isinstance(self.scale, LikertScale):
            raise InvalidParameterError(
                f"'scale' must be a LikertScale or None; got {self.scale!r}."
            )
        if not isinstance(self.reverse_scored, frozenset):
            raise InvalidParameterError(
                f"'reverse_scored' must be a set of item names; got {self.reverse_scored!r}."
            )
        unknown = sorted(str(i) for i in self.reverse_scored if i not in set(self.items))
        if unknown:
            raise UnknownNameError(
                f"'reverse_scored' names {len(unknown)} unknown item(s), first {unknown[0]!r}."
            )
        if self.reverse_scored and self.scale is None:
            raise InvalidParameterError(
                "'reverse_scored' needs a declared 'scale' (low + high - x); got scale=None."
            )
        if not isinstance(self.reverse_sections, frozenset) or not self.reverse_sections <= set(
            SECTIONS
        ):
            raise InvalidParameterError(
                f"'reverse_sections' must be a subset of {SECTIONS}; got {self.reverse_sections!r}."
            )

    # ------------------------------------------------------------ builders
    @classmethod
    def from_mapping(
        cls,
        item_dimensions: Mapping[str, str],
        *,
        dimensions: Iterable[str] | None = None,
        scale: LikertScale | None = None,
        reverse_scored: Iterable[str] = (),
        reverse_sections: Iterable[str] = SECTIONS,
    ) -> Instrument:
        """Build an instrument from ``{item: dimension}`` (insertion order = column order).

        ``dimensions`` defaults to the dimensions in order of first use;
        ``scale`` defaults to 1-7.
        """
        table = coerce_mapping(item_dimensions, "item_dimensions")
        items = tuple(table)
        dims_of = tuple(table.values())
        declared = (
            coerce_items(dimensions, "dimensions", str)
            if dimensions is not None
            else tuple(dict.fromkeys(dims_of))
        )
        return cls(
            items,
            dims_of,
            dimensions=declared,
            scale=scale if scale is not None else LikertScale(),
            reverse_scored=frozenset(coerce_items(reverse_scored, "reverse_scored", str)),
            reverse_sections=frozenset(coerce_items(reverse_sections, "reverse_sections", str)),
        )

    @classmethod
    def servqual(
        cls,
        *,
        version: Literal["1991", "1988"] = "1991",
        scale: LikertScale | None = None,
        reverse_sections: Iterable[str] = ("perception", "expectation"),
    ) -> Instrument:
        """Build the standard 22-item SERVQUAL instrument, items ``"q1"`` .. ``"q22"``.

        Parameters
        ----------
        version : {"1991", "1988"}
            ``"1988"`` marks items 10-13 and 18-22 as reverse-scored: the 1988
            questionnaire words them negatively (its appendix does so in both
            the expectation and the perception statements, hence the default
            ``reverse_sections``; pass ``("expectation",)`` when only the
            expectation wording of your copy is negative). ``"1991"`` (the
            revised, all-positive wording) reverses nothing.
        scale : LikertScale, optional
            Default 1-7.
        reverse_sections : iterable of str
            See :class:`Instrument`; used by version 1988 only.
        """
        if version not in ("1991", "1988"):
            raise InvalidParameterError(f"'version' must be '1991' or '1988'; got {version!r}.")
        items: list[str] = []
        dims: list[str] = []
        number = 1
        for dim, count in zip(SERVQUAL_DIMENSIONS, _SERVQUAL_COUNTS, strict=True):
            for _ in range(count):
                items.append(f"q{number}")
                dims.append(dim)
                number += 1
        reverse = _NEGATIVE_1988 if version == "1988" else frozenset()
        return cls(
            tuple(items),
            tuple(dims),
            dimensions=SERVQUAL_DIMENSIONS,
            scale=scale if scale is not None else LikertScale(),
            reverse_scored=reverse,
            reverse_sections=frozenset(reverse_sections) if reverse else frozenset(SECTIONS),
        )

    # ------------------------------------------------------------ derived
    @property
    def n_items(self) -> int:
        """Number of items K."""
        return len(self.items)

    @property
    def n_dimensions(self) -> int:
        """Number of declared dimensions D."""
        return len(self.dimensions)

    def items_of(self, dimension: str) -> tuple[str, ...]:
        """Names of the items of ``dimension``, in column order."""
        if dimension not in self.dimensions:
            raise UnknownNameError(
                f"unknown dimension {dimension!r}; declared: {', '.join(self.dimensions)}."
            )
        pairs = zip(self.items, self.item_dimensions, strict=True)
        return tuple(i for i, d in pairs if d == dimension)

    @property
    def dimension_codes(self) -> NDArray[np.intp]:
        """Dimension index (column in per-dimension arrays) of every item, shape (K,)."""
        pos = {d: i for i, d in enumerate(self.dimensions)}
        return np.array([pos[d] for d in self.item_dimensions], dtype=np.intp)

    @property
    def membership(self) -> NDArray[np.float64]:
        """Item-by-dimension 0/1 matrix, shape (K, D): ``M[j, d] = 1`` if item j measures d."""
        m = np.zeros((self.n_items, self.n_dimensions))
        m[np.arange(self.n_items), self.dimension_codes] = 1.0
        return m

    def reversed_columns(self, section: str) -> NDArray[np.intp]:
        """Column indices reverse-scored in ``section`` (empty when none)."""
        if coerce_text(section, "section") not in self.reverse_sections:
            return np.zeros(0, dtype=np.intp)
        return np.array(
            [j for j, item in enumerate(self.items) if item in self.reverse_scored], dtype=np.intp
        )
