r"""Analytic Hierarchy Process (Saaty): weights from a pairwise-comparison matrix.

A pairwise-comparison matrix :math:`A` (n x n) holds :math:`a_{ij}` = how much
more important criterion i is than criterion j (Saaty's 1-9 scale), with
:math:`a_{ii} = 1` and :math:`a_{ji} = 1 / a_{ij}`. The weights are the
principal (Perron) eigenvector of :math:`A`, normalised to sum to 1, and
:math:`\lambda_{max}` its eigenvalue. Consistency:

.. math::

    CI = \frac{\lambda_{max} - n}{n - 1}, \qquad CR = \frac{CI}{RI_n},

accepted when :math:`CR \le 0.1` (Saaty's rule; :func:`ahp_weights` rejects
larger ratios unless ``max_cr`` says otherwise). A perfectly consistent matrix
(:math:`a_{ij} a_{jk} = a_{ik}`) has :math:`\lambda_{max} = n` and CR = 0.

Random index
------------
:data:`RANDOM_INDEX` is Saaty's table of the mean CI of random reciprocal
matrices: 0 for n <= 2, then 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49 for
n = 3..10 (Saaty 1980, *The Analytic Hierarchy Process*), extended to
n = 11..15 by 1.51, 1.48, 1.56, 1.57, 1.59 (Saaty's extended table as reprinted
in Karlsson & Ryan 1997, "A cost-value approach for prioritizing requirements",
IEEE Software 14(5)). The 13-factor rubric therefore uses RI = 1.56. For larger
matrices pass ``ri=`` explicitly (e.g. from Alonso & Lamata 2006).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import ClassVar, Final

import attrs
import numpy as np
from numpy.typing import ArrayLike

from kamcore._columns import FrozenArrays
from kamcore._params import (
    POSITIVE,
    FloatArray,
    as_float_array,
    as_float_scalar,
    check_fields,
    fail_where,
    readonly,
)
from kamcore.errors import InvalidParameterError, ShapeMismatchError

__all__ = ["RANDOM_INDEX", "AHPResult", "ahp_weights", "random_index"]

#: Saaty's random consistency index RI by matrix order n (1..15).
RANDOM_INDEX: Final[Mapping[int, float]] = MappingProxyType(
    {
        1: 0.0,
        2: 0.0,
        3: 0.58,
        4: 0.90,
        5: 1.12,
        6: 1.24,
        7: 1.32,
        8: 1.41,
        9: 1.45,
        10: 1.49,
        11: 1.51,
        12: 1.48,
        13: 1.56,
        14: 1.57,
        15: 1.59,
    }
)

#: Tolerance on a_ij * a_ji = 1, so that rounded entries such as 0.33 for 1/3 pass.
RECIPROCAL_TOLERANCE: Final = 0.02


def random_index(n: int) -> float:
    """Return Saaty's random index RI for a matrix of order ``n`` (1..15).

    Parameters
    ----------
    n : int
        Order of the pairwise-comparison matrix, 1..15.

    Returns
    -------
    float
        The random index (0 for n <= 2).

    Raises
    ------
    InvalidParameterError
        ``n`` outside 1..15 (pass ``ri=`` to :func:`ahp_weights` instead).

    Examples
    --------
    >>> random_index(3), random_index(13)
    (0.58, 1.56)
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or int(n) not in RANDOM_INDEX:
        raise InvalidParameterError(
            f"'n' must be a matrix order in 1..15 for Saaty's random index; got {n!r} "
            "(pass ri= explicitly for larger matrices)."
        )
    return RANDOM_INDEX[int(n)]


@attrs.frozen(eq=False, repr=False)
class AHPResult(FrozenArrays):
    """Weights and consistency of one pairwise-comparison matrix.

    Parameters
    ----------
    weights : array of float64, shape (n,)
        Principal eigenvector, positive, summing to 1.
    lambda_max : float
        Principal eigenvalue (>= n for a reciprocal matrix).
    ci : float
        Consistency index (lambda_max - n) / (n - 1); 0 for n <= 2.
    ri : float
        Random index used.
    cr : float
        Consistency ratio CI / RI; 0 when RI = 0 (n <= 2).

    Examples
    --------
    >>> from kamcore.scoring import ahp_weights
    >>> res = ahp_weights([[1, 3], [1 / 3, 1]])
    >>> [round(w, 2) for w in res.weights], res.cr
    ([np.float64(0.75), np.float64(0.25)], 0.0)
    """

    #: fields whose NaN is a documented "no value" marker
    _NAN_OK: ClassVar[tuple[str, ...]] = ()

    def __attrs_post_init__(self) -> None:
        check_fields(self, nan_ok=self._NAN_OK)

    weights: FloatArray
    lambda_max: float
    ci: float
    ri: float
    cr: float

    @property
    def n(self) -> int:
        """Order of the matrix."""
        return int(self.weights.shape[0])

    @property
    def consistent(self) -> bool:
        """Whether CR <= 0.1 (Saaty's acceptance rule)."""
        return self.cr <= 0.1


def ahp_weights(
    matrix: ArrayLike, *, max_cr: float | None = 0.1, ri: float | None = None
) -> AHPResult:
    r"""Derive weights from a pairwise-comparison matrix and check its consistency.

    Parameters
    ----------
    matrix : array-like of float, shape (n, n)
        Positive reciprocal matrix: ``matrix[i, j]`` = importance of i over j,
        ``matrix[i, i] == 1``, ``matrix[j, i] == 1 / matrix[i, j]`` (within 2 %).
    max_cr : float or None
        Largest accepted consistency ratio (default 0.1); None accepts any.
    ri : float, optional
        Random index to use instead of :data:`RANDOM_INDEX` (required for n > 15).

    Returns
    -------
    AHPResult
        Weights (shape (n,)), lambda_max, CI, RI and CR.

    Raises
    ------
    ShapeMismatchError
        Not a square 2-D matrix.
    InvalidParameterError
        Non-positive or non-finite entries, a diagonal other than 1, entries that
        are not reciprocal, or CR above ``max_cr`` (an inconsistent matrix).

    Examples
    --------
    A consistent matrix (weights 4 : 2 : 1):

    >>> r = ahp_weights([[1, 2, 4], [1/2, 1, 2], [1/4, 1/2, 1]])
    >>> r.weights.round(4).tolist(), round(r.cr, 12)
    ([0.5714, 0.2857, 0.1429], 0.0)
    """
    a = as_float_array(matrix, "matrix", domain=POSITIVE)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise ShapeMismatchError(
            f"'matrix' must be a non-empty square matrix; got shape {a.shape}."
        )
    n = a.shape[0]
    diag = np.diagonal(a)
    fail_where(np.abs(diag - 1.0) > 1e-9, diag, "matrix diagonal", "be 1")
    recip = a * a.T
    fail_where(
        np.abs(recip - 1.0) > RECIPROCAL_TOLERANCE,
        a,
        "matrix",
        "be reciprocal (matrix[j, i] == 1 / matrix[i, j])",
    )
    if ri is None:
        if n > 15:
            raise InvalidParameterError(
                f"Saaty's random index covers n <= 15; got a {n} x {n} matrix (pass ri=)."
            )
        ri_value = RANDOM_INDEX[n]
    else:
        ri_value = as_float_scalar(ri, "ri", domain=POSITIVE)
    vals, vecs = np.linalg.eig(a)
    k = int(np.argmax(vals.real))
    lam = float(vals[k].real)
    w = np.abs(vecs[:, k].real)
    w = w / w.sum()
    ci = (lam - n) / (n - 1) if n > 2 else 0.0
    if abs(ci) < 1e-12:  # rounding noise of a consistent matrix
        ci = 0.0
    cr = ci / ri_value if ri_value > 0 else 0.0
    if max_cr is not None:
        limit = as_float_scalar(max_cr, "max_cr", domain=POSITIVE)
        if cr > limit:
            raise InvalidParameterError(
                f"'matrix' must be consistent (consistency ratio CR <= {limit:g}); got CR = "
                f"{cr:.4f} (lambda_max = {lam:.4f}, n = {n}, RI = {ri_value}). Revise the "
                "judgements, or pass max_cr=None to accept it."
            )
    w = readonly(w)
    return AHPResult(weights=w, lambda_max=lam, ci=float(ci), ri=float(ri_value), cr=float(cr))
