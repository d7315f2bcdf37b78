"""Importance-performance analysis (Martilla & James 1977).

Each attribute (a dimension, or an item) is placed in one of four quadrants
by its importance and its performance, split at the means of the attributes
(the default) or at given thresholds:

===================  ===========  ===========
quadrant             importance   performance
===================  ===========  ===========
concentrate here     high         low
keep up the good     high         high
work
low priority         low          low
possible overkill    low          high
===================  ===========  ===========

"High" means at or above the split (a value equal to the split counts as
high), "low" strictly below it.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import ClassVar

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from kamcore._columns import FrozenArrays
from kamcore._params import FloatArray, as_float_array, as_float_scalar, check_fields, readonly
from kamcore.domain._coerce import coerce_enum
from kamcore.errors import InvalidParameterError, ShapeMismatchError

__all__ = ["ImportancePerformance", "IpaQuadrant", "importance_performance"]


class IpaQuadrant(enum.Enum):
    """The four quadrants of the importance-performance grid.

    Examples
    --------
    >>> [member.name for member in IpaQuadrant]
    ['CONCENTRATE_HERE', 'KEEP_UP_THE_GOOD_WORK', 'LOW_PRIORITY', 'POSSIBLE_OVERKILL']
    >>> IpaQuadrant['CONCENTRATE_HERE']
    <IpaQuadrant.CONCENTRATE_HERE: 'concentrate_here'>
    """

    CONCENTRATE_HERE = "concentrate_here"
    """High importance, low performance: fix first."""
    KEEP_UP_THE_GOOD_WORK = "keep_up_the_good_work"
    """High importance, high performance."""
    LOW_PRIORITY = "low_priority"
    """Low importance, low performance."""
    POSSIBLE_OVERKILL = "possible_overkill"
    """Low importance, high performance: resources may be better used elsewhere."""

    @property
    def code(self) -> int:
        """Position 0..3 (the value in :attr:`ImportancePerformance.codes`)."""
        return _CODES[self]


_ORDER = tuple(IpaQuadrant)
_CODES = {q: i for i, q in enumerate(_ORDER)}


@attrs.frozen(eq=False)
class ImportancePerformance(FrozenArrays):
    """Quadrant of every attribute.

    Parameters
    ----------
    names : tuple of str
        Attribute names (length A).
    importance, performance : ndarray of float64, shape (A,)
        The inputs.
    importance_split, performance_split : float
        Where the grid was split.
    codes : ndarray of int64, shape (A,)
        Quadrant code per attribute (:attr:`IpaQuadrant.code`).

    Examples
    --------
    >>> from kamcore.satisfaction import importance_performance
    >>> ipa = importance_performance([0.4, 0.1], [-1.0, 0.5], names=["reliability", "tangibles"])
    >>> {name: q.value for name, q in ipa.quadrants.items()}
    {'reliability': 'concentrate_here', 'tangibles': 'possible_overkill'}
    """

    #: fields whose NaN is a documented "no value" marker
    _NAN_OK: ClassVar[tuple[str, ...]] = ()

    def __attrs_post_init__(self) -> None:
        check_fields(self, nan_ok=self._NAN_OK)

    names: tuple[str, ...]
    importance: FloatArray = attrs.field(repr=False)
    performance: FloatArray = attrs.field(repr=False)
    importance_split: float
    performance_split: float
    codes: NDArray[np.int64] = attrs.field(repr=False)

    @property
    def quadrants(self) -> dict[str, IpaQuadrant]:
        """Mapping attribute name -> quadrant, in input order."""
        return {n: _ORDER[int(c)] for n, c in zip(self.names, self.codes, strict=True)}

    def in_quadrant(self, quadrant: IpaQuadrant) -> tuple[str, ...]:
        """Names of the attributes in ``quadrant``."""
        quadrant = coerce_enum(IpaQuadrant, quadrant, "quadrant")
        return tuple(n for n, c in zip(self.names, self.codes, strict=True) if c == quadrant.code)


def importance_performance(
    importance: ArrayLike,
    performance: ArrayLike,
    *,
    names: Sequence[str] | None = None,
    importance_split: float | None = None,
    performance_split: float | None = None,
) -> ImportancePerformance:
    """Place attributes in the importance-performance quadrants.

    Parameters
    ----------
    importance, performance : array-like of float, shape (A,)
        One value per attribute, finite, A >= 1 (any units: weights, mean
        ratings, gaps).
    names : sequence of str, optional
        Attribute names; default ``"0"``, ``"1"``, ...
    importance_split, performance_split : float, optional
        Thresholds; default the mean of the attributes.

    Returns
    -------
    ImportancePerformance
        The quadrant of every attribute with the splits used.

    Raises
    ------
    ShapeMismatchError
        ``importance`` and ``performance`` of different lengths.
    InvalidParameterError
        No attributes, NaN or infinite values, or ``names`` not one string per
        attribute.

    Examples
    --------
    >>> ipa = importance_performance([0.4, 0.3, 0.2, 0.1], [-1.5, -0.2, -1.0, 0.1],
    ...                              names=["rel", "resp", "tang", "emp"])
    >>> [q.value for q in ipa.quadrants.values()]
    ['concentrate_here', 'keep_up_the_good_work', 'low_priority', 'possible_overkill']
    """
    imp = as_float_array(importance, "importance", ndim=1, allow_empty=False).copy()
    perf = as_float_array(performance, "performance", ndim=1, allow_empty=False).copy()
    if imp.shape != perf.shape:
        raise ShapeMismatchError(
            f"'importance' and 'performance' must have the same length; got {imp.size} and "
            f"{perf.size}."
        )
    if names is None:
        label = tuple(str(i) for i in range(imp.size))
    else:
        label = tuple(names)
        if len(label) != imp.size or not all(isinstance(s, str) for s in label):
            raise InvalidParameterError(
                f"'names' must be {imp.size} strings, one per attribute; got {names!r}."
            )
    i_split = (
        float(imp.mean())
        if importance_split is None
        else as_float_scalar(importance_split, "importance_split")
    )
    p_split = (
        float(perf.mean())
        if performance_split is None
        else as_float_scalar(performance_split, "performance_split")
    )
    high_i = imp >= i_split
    high_p = perf >= p_split
    codes = np.where(
        high_i,
        np.where(high_p, IpaQuadrant.KEEP_UP_THE_GOOD_WORK.code, IpaQuadrant.CONCENTRATE_HERE.code),
        np.where(high_p, IpaQuadrant.POSSIBLE_OVERKILL.code, IpaQuadrant.LOW_PRIORITY.code),
    ).astype(np.int64)
    return ImportancePerformance(
        label, readonly(imp), readonly(perf), i_split, p_split, readonly(codes)
    )
