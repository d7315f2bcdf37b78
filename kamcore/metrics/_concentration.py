r"""Concentration of value over accounts: Lorenz curve, Gini, top share, key-account share.

Sort the N non-negative values ascending, :math:`x_{(1)} \le \dots \le x_{(N)}`;
the Lorenz curve joins :math:`(u_k, v_k)` for :math:`k = 0..N` with
:math:`u_k = k/N` (share of accounts) and
:math:`v_k = \sum_{i \le k} x_{(i)} / \sum_i x_i` (share of value). The Gini
coefficient is

.. math:: G = 1 - \sum_{k=1}^{N} (u_k - u_{k-1}) (v_k + v_{k-1}),

0 when every account holds the same value and :math:`(N-1)/N` when one
account holds everything. When the total is 0 the curve is the equality line
(G = 0); an empty set of values gives the single point (0, 0) and G = 0.
The ABC classes and the customer pyramid built on the same ordering are
scorers (:mod:`kamcore.scoring`).
"""

from __future__ import annotations

from typing import ClassVar

import attrs
import numpy as np
from numpy.typing import ArrayLike

from kamcore._params import (
    NONNEGATIVE,
    FloatArray,
    as_array,
    as_float_array,
    as_float_scalar,
    check_fields,
    same_length,
)
from kamcore.errors import InvalidParameterError


def _lorenz_sorted(sorted_values: FloatArray) -> tuple[FloatArray, FloatArray]:
    n = sorted_values.shape[0]
    u = np.arange(n + 1, dtype=np.float64) / max(n, 1)
    csum = np.empty(n + 1)
    csum[0] = 0.0
    np.cumsum(sorted_values, out=csum[1:])
    total = csum[-1]
    v = csum / total if total > 0 else u.copy()
    return u, v


def _gini_sorted(sorted_values: FloatArray) -> float:
    if sorted_values.shape[0] == 0:
        return 0.0
    u, v = _lorenz_sorted(sorted_values)
    area = float(np.sum(np.diff(u) * (v[1:] + v[:-1])))
    return 1.0 - area


def _nonnegative(values: ArrayLike, name: str) -> FloatArray:
    return as_float_array(values, name, domain=NONNEGATIVE, ndim=1)


def lorenz_curve(values: ArrayLike) -> tuple[FloatArray, FloatArray]:
    r"""Return the Lorenz curve of non-negative values.

    Parameters
    ----------
    values : array-like of float, shape (N,)
        Non-negative values (e.g. profit or sales per account, currency units).

    Returns
    -------
    share_of_accounts : ndarray of float64, shape (N + 1,)
        :math:`u_k = k/N`, from 0 to 1.
    share_of_value : ndarray of float64, shape (N + 1,)
        :math:`v_k`, the cumulative share of value of the k smallest
        accounts, from 0 to 1.

    Raises
    ------
    InvalidParameterError
        Negative, NaN or infinite values.

    Examples
    --------
    >>> u, v = lorenz_curve([1.0, 1.0, 2.0])
    >>> u.round(3).tolist(), v.tolist()
    ([0.0, 0.333, 0.667, 1.0], [0.0, 0.25, 0.5, 1.0])
    """
    return _lorenz_sorted(np.sort(_nonnegative(values, "values")))


def gini(values: ArrayLike) -> float:
    r"""Return the Gini coefficient :math:`1 - \sum (u_k - u_{k-1})(v_k + v_{k-1})`.

    Parameters
    ----------
    values : array-like of float, shape (N,)
        Non-negative values.

    Returns
    -------
    float
        In [0, (N-1)/N]; 0 for equal values, an all-zero or an empty input.

    Raises
    ------
    InvalidParameterError
        Negative, NaN or infinite values.

    Examples
    --------
    >>> gini([5.0, 5.0, 5.0, 5.0])
    0.0
    >>> gini([0.0, 0.0, 0.0, 10.0])
    0.75
    """
    return _gini_sorted(np.sort(_nonnegative(values, "values")))


def top_share(values: ArrayLike, fraction: float) -> float:
    r"""Share of the value brought by the top ``fraction`` of accounts.

    "The top x % of accounts bring y % of the value": :math:`y = 1 - L(1 - x)`
    with :math:`L` the Lorenz curve, linearly interpolated between accounts
    (so a fraction that is a whole number of accounts gives their exact share).

    Parameters
    ----------
    values : array-like of float, shape (N,)
        Non-negative values, N >= 1.
    fraction : float
        Share of accounts x in [0, 1].

    Returns
    -------
    float
        The share y, in [0, 1].

    Raises
    ------
    InvalidParameterError
        Negative, NaN or infinite values, no values, or ``fraction`` outside
        [0, 1].

    Examples
    --------
    >>> top_share([1.0, 1.0, 1.0, 1.0, 6.0], 0.2)
    0.6
    """
    x = as_float_scalar(fraction, "fraction", domain=attrs.evolve(NONNEGATIVE, high=1.0))
    arr = _nonnegative(values, "values")
    if arr.size == 0:
        raise InvalidParameterError("'values' must not be empty for a top share; got 0 values.")
    u, v = _lorenz_sorted(np.sort(arr))
    return float(1.0 - np.interp(1.0 - x, u, v))


@attrs.frozen
class ContributionShare:
    """How much of the total the key accounts bring.

    Parameters
    ----------
    value_share : float
        ``sum(values[key]) / sum(values)``; above 1 when other accounts lose money.
    customer_share : float
        Fraction of the accounts that are key accounts.
    key_total, total : float
        The two sums.

    Examples
    --------
    >>> from kamcore.metrics import contribution_share
    >>> s = contribution_share([50.0, 30.0, 20.0], [True, False, False])
    >>> s.value_share, round(s.customer_share, 3)
    (0.5, 0.333)
    """

    #: fields whose NaN is a documented "no value" marker
    _NAN_OK: ClassVar[tuple[str, ...]] = ()

    def __attrs_post_init__(self) -> None:
        check_fields(self, nan_ok=self._NAN_OK)

    value_share: float
    customer_share: float
    key_total: float
    total: float


def contribution_share(values: ArrayLike, is_key: ArrayLike) -> ContributionShare:
    """Key-account contribution share of revenue or profit.

    Parameters
    ----------
    values : array-like of float, shape (N,)
        Revenue or profit per account (a Portfolio column works).
    is_key : array-like of bool, shape (N,)
        Key-account flag per account (a scoring result).

    Returns
    -------
    ContributionShare
        The key accounts' share of the value and of the accounts, with both sums.

    Raises
    ------
    InvalidParameterError
        Empty input, non-finite values, non-boolean flags, or a total <= 0
        (a share of a non-positive total is meaningless).
    ShapeMismatchError
        Inputs of different lengths.

    Examples
    --------
    >>> s = contribution_share([500.0, 300.0, 100.0, 100.0], [True, False, False, False])
    >>> s.value_share, s.customer_share
    (0.5, 0.25)
    """
    v = as_float_array(values, "values", ndim=1, allow_empty=False)
    key = as_array(is_key, "is_key")
    if key.dtype != np.bool_:
        raise InvalidParameterError(f"'is_key' must be booleans; got dtype {key.dtype}.")
    same_length({"values": v, "is_key": key})
    total = float(v.sum())
    if total <= 0:
        raise InvalidParameterError(
            f"'values' must have a positive total for a contribution share; got {total!r}."
        )
    key_total = float(v[key].sum())
    return ContributionShare(
        value_share=key_total / total,
        customer_share=float(key.mean()),
        key_total=key_total,
        total=total,
    )
