"""Loyalty matrices: attraction x barrier (Jones & Sasser 1995), attitude x behaviour.

The attitude x behaviour matrix is Dick & Basu (1994).
"""

from __future__ import annotations

import enum
from typing import ClassVar, Final, Literal

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from kamcore._columns import FrozenArrays
from kamcore._params import (
    FloatArray,
    as_float_array,
    as_float_scalar,
    check_fields,
    check_in,
    readonly,
)
from kamcore.errors import InvalidParameterError, ShapeMismatchError

Threshold = Literal["mean", "median"] | float


# --------------------------------------------------------------------------- loyalty matrices
class JonesSasser(enum.Enum):
    """Attraction x barrier segments (after Jones & Sasser 1995); value = code.

    Examples
    --------
    >>> [member.name for member in JonesSasser]
    ['LOYAL', 'MERCENARY', 'HOSTAGE', 'DEFECTOR']
    >>> JonesSasser['LOYAL']
    <JonesSasser.LOYAL: 0>
    """

    LOYAL = 0
    """High attraction, high barrier: stays and would stay anyway (apostle)."""
    MERCENARY = 1
    """High attraction, low barrier: satisfied but free to leave for a better deal."""
    HOSTAGE = 2
    """Low attraction, high barrier: captive - stays because leaving costs too much."""
    DEFECTOR = 3
    """Low attraction, low barrier: nothing keeps it."""


class DickBasu(enum.Enum):
    """Relative attitude x repeat patronage segments (Dick & Basu 1994); value = code.

    Examples
    --------
    >>> [member.name for member in DickBasu]
    ['TRUE', 'LATENT', 'SPURIOUS', 'NONE']
    >>> DickBasu['TRUE']
    <DickBasu.TRUE: 0>
    """

    TRUE = 0
    """High attitude, high patronage: true loyalty."""
    LATENT = 1
    """High attitude, low patronage: latent loyalty."""
    SPURIOUS = 2
    """Low attitude, high patronage: spurious loyalty (inertia, barriers)."""
    NONE = 3
    """Low attitude, low patronage: no loyalty."""


_SEGMENT_LABELS: Final = {
    "jones_sasser": tuple(m.name.lower() for m in JonesSasser),
    "dick_basu": tuple(m.name.lower() for m in DickBasu),
}


@attrs.frozen(eq=False)
class LoyaltyMatrix(FrozenArrays):
    """Accounts placed in a 2 x 2 loyalty matrix.

    ``codes[i] = 2 * (x_i < x_threshold) + (y_i < y_threshold)``, so code 0 is
    high-high, 1 high-x/low-y, 2 low-x/high-y, 3 low-low; a value equal to its
    threshold counts as high.

    Parameters
    ----------
    scheme
        ``"jones_sasser"`` (x = attraction, y = barrier) or ``"dick_basu"``
        (x = relative attitude, y = repeat patronage).
    codes
        Shape (N,) read-only int8 segment codes (the enum values).
    x_threshold, y_threshold
        The split points actually used.

    Examples
    --------
    >>> from kamcore.loyalty import attitude_behaviour_matrix
    >>> m = attitude_behaviour_matrix([6, 6, 2, 2], [0.9, 0.2, 0.8, 0.1],
    ...                               attitude_threshold=4.0, behaviour_threshold=0.5)
    >>> m.counts()
    {'true': 1, 'latent': 1, 'spurious': 1, 'none': 1}
    """

    #: fields whose NaN is a documented "no value" marker
    _NAN_OK: ClassVar[tuple[str, ...]] = ()

    def __attrs_post_init__(self) -> None:
        check_fields(self, nan_ok=self._NAN_OK)

    scheme: str
    codes: NDArray[np.int8] = attrs.field(repr=False)
    x_threshold: float
    y_threshold: float

    @property
    def labels(self) -> tuple[str, ...]:
        """Segment labels in code order."""
        return _SEGMENT_LABELS[self.scheme]

    def segments(self) -> NDArray[np.str_]:
        """Return the segment label of each account, shape (N,)."""
        return np.asarray(self.labels)[self.codes]

    def counts(self) -> dict[str, int]:
        """Return the number of accounts in each segment (all four, in code order)."""
        c = np.bincount(self.codes, minlength=4)
        return {lab: int(n) for lab, n in zip(self.labels, c, strict=True)}

    def members(self, segment: JonesSasser | DickBasu | str) -> NDArray[np.int64]:
        """Return the indices of the accounts in ``segment`` (a member or a label)."""
        label = segment.name.lower() if isinstance(segment, enum.Enum) else segment
        check_in(label, "segment", self.labels)
        return np.flatnonzero(self.codes == self.labels.index(label)).astype(np.int64)

    def __len__(self) -> int:
        return int(self.codes.shape[0])


def _threshold(values: FloatArray, spec: Threshold, name: str) -> float:
    if isinstance(spec, str):
        check_in(spec, name, ("mean", "median"))
        if values.size == 0:
            raise InvalidParameterError(f"{name!r} = {spec!r} needs at least one account; got 0.")
        ordered = np.sort(values)  # order-free: the split cannot depend on row order
        return float(ordered.mean() if spec == "mean" else np.median(ordered))
    return as_float_scalar(spec, name)


def _matrix(  # noqa: PLR0917
    x: ArrayLike,
    y: ArrayLike,
    x_name: str,
    y_name: str,
    x_split: Threshold,
    y_split: Threshold,
    scheme: str,
) -> LoyaltyMatrix:
    xa = as_float_array(x, x_name, ndim=1)
    ya = as_float_array(y, y_name, ndim=1)
    if xa.shape != ya.shape:
        raise ShapeMismatchError(
            f"arrays must have the same length; got {x_name}: {xa.shape[0]}, "
            f"{y_name}: {ya.shape[0]}."
        )
    tx = _threshold(xa, x_split, f"{x_name}_threshold")
    ty = _threshold(ya, y_split, f"{y_name}_threshold")
    codes = (2 * (xa < tx) + (ya < ty)).astype(np.int8)
    codes = readonly(codes)
    return LoyaltyMatrix(scheme=scheme, codes=codes, x_threshold=tx, y_threshold=ty)


def attraction_barrier_matrix(
    attraction: ArrayLike,
    barrier: ArrayLike,
    *,
    attraction_threshold: Threshold = "mean",
    barrier_threshold: Threshold = "mean",
) -> LoyaltyMatrix:
    r"""Place each account in the attraction x barrier loyalty matrix (Jones & Sasser).

    ======================  =================  =================
    \                       barrier high       barrier low
    ======================  =================  =================
    **attraction high**     loyal (0)          mercenary (1)
    **attraction low**      hostage (2)        defector (3)
    ======================  =================  =================

    Parameters
    ----------
    attraction
        Shape (N,); e.g. satisfaction gap or delivered value.
    barrier
        Shape (N,); e.g. the switching-cost barrier index.
    attraction_threshold, barrier_threshold
        ``"mean"`` (default) or ``"median"`` of the given accounts, or a
        number. A value equal to the threshold counts as high. The mean is
        computed over the sorted values, so it does not depend on row order.

    Returns
    -------
    LoyaltyMatrix
        Codes are :class:`JonesSasser` values.

    Raises
    ------
    InvalidParameterError
        NaN/infinite inputs or an unknown threshold rule.
    ShapeMismatchError
        Arrays of different lengths or not 1-D.

    Examples
    --------
    >>> m = attraction_barrier_matrix([2.0, 1.5, -1.0, -2.5], [0.9, 0.1, 0.8, 0.2])
    >>> m.segments().tolist()
    ['loyal', 'mercenary', 'hostage', 'defector']
    >>> m.x_threshold, m.y_threshold
    (0.0, 0.5)
    """
    return _matrix(
        attraction,
        barrier,
        "attraction",
        "barrier",
        attraction_threshold,
        barrier_threshold,
        "jones_sasser",
    )


def attitude_behaviour_matrix(
    attitude: ArrayLike,
    behaviour: ArrayLike,
    *,
    attitude_threshold: Threshold = "mean",
    behaviour_threshold: Threshold = "mean",
) -> LoyaltyMatrix:
    r"""Place each account in the relative attitude x repeat patronage matrix (Dick & Basu).

    ======================  =================  =================
    \                       patronage high     patronage low
    ======================  =================  =================
    **attitude high**       true (0)           latent (1)
    **attitude low**        spurious (2)       none (3)
    ======================  =================  =================

    Parameters
    ----------
    attitude
        Shape (N,); relative attitude, e.g. satisfaction or a survey score.
    behaviour
        Shape (N,); repeat patronage, e.g. :func:`share_of_wallet` or
        :func:`repeat_ratio`.
    attitude_threshold, behaviour_threshold
        As in :func:`attraction_barrier_matrix`.

    Returns
    -------
    LoyaltyMatrix
        Codes are :class:`DickBasu` values.

    Raises
    ------
    InvalidParameterError, ShapeMismatchError
        As :func:`attraction_barrier_matrix`.

    Examples
    --------
    >>> m = attitude_behaviour_matrix([6, 6, 2, 2], [0.9, 0.2, 0.8, 0.1],
    ...                               attitude_threshold=4.0, behaviour_threshold=0.5)
    >>> m.counts()
    {'true': 1, 'latent': 1, 'spurious': 1, 'none': 1}
    """
    return _matrix(
        attitude,
        behaviour,
        "attitude",
        "behaviour",
        attitude_threshold,
        behaviour_threshold,
        "dick_basu",
    )
