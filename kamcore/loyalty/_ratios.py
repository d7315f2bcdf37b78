r"""Loyalty ratios: share of wallet, cross-selling, repeat purchases.

The quantitative loyalty indicators, vectorised over accounts: each is a part
over its whole, checked ``0 <= part <= whole``, with an explicit choice for a
zero whole (``if_zero=``; an error by default). :func:`cross_sell` sums a
transaction log into the main-business and cross-sold revenue of each
customer, whose ratio is :func:`cross_sell_ratio`.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from kamcore._columns import CustomerColumns
from kamcore._params import (
    NONNEGATIVE,
    PROBABILITY,
    FloatArray,
    as_float_array,
    as_float_scalar,
    broadcast,
    check_fields,
    fail_where,
    readonly,
)
from kamcore.errors import InvalidParameterError
from kamcore.transactions import TransactionLog
from kamcore.transactions._log import check_columns


# --------------------------------------------------------------------------- ratios
def _ratio(
    part: ArrayLike,
    whole: ArrayLike,
    part_name: str,
    whole_name: str,
    if_zero: float | None,
) -> FloatArray:
    """Return ``part / whole`` after checking 0 <= part <= whole (broadcast)."""
    p = as_float_array(part, part_name, domain=NONNEGATIVE)
    w = as_float_array(whole, whole_name, domain=NONNEGATIVE)
    p, w = broadcast({part_name: p, whole_name: w})
    fail_where(p > w, p, part_name, f"be <= {whole_name!r} (a part cannot exceed its whole)")
    zero = w == 0
    if if_zero is None:
        fail_where(
            zero,
            w,
            whole_name,
            "be > 0 (the ratio is undefined; pass if_zero= to choose a value)",
        )
        fill = 0.0
    else:
        fill = as_float_scalar(if_zero, "if_zero", domain=PROBABILITY)
    return _divide(p, w, fill)


def _divide(part: FloatArray, whole: FloatArray, fill: float) -> FloatArray:
    """``part / whole`` (broadcast), ``fill`` where ``whole`` is 0; inputs already checked."""
    out = np.full(np.broadcast_shapes(part.shape, whole.shape), fill, dtype=np.float64)
    np.divide(part, whole, out=out, where=whole != 0)
    return out


def share_of_wallet(
    our_spend: ArrayLike, category_spend: ArrayLike, *, if_zero: float | None = None
) -> FloatArray:
    r"""Share of wallet: our share of each customer's spend in our main business.

    .. math:: \mathrm{SOW}_i = \frac{s_i}{S_i}

    with :math:`s_i` the customer's spend with us in our main business and
    :math:`S_i` its total spend in that category (all suppliers), both in the
    same currency and period.

    Parameters
    ----------
    our_spend
        Shape (N,) or broadcastable; money >= 0.
    category_spend
        Shape (N,) or broadcastable; money >= ``our_spend``.
    if_zero
        Value in [0, 1] to report where ``category_spend`` is 0. By default a
        zero category spend is an error (the share is undefined).

    Returns
    -------
    numpy.ndarray of float64
        The broadcast shape; values in [0, 1].

    Raises
    ------
    InvalidParameterError
        Negative, NaN or infinite spend, ``our_spend > category_spend``, or a
        zero ``category_spend`` without ``if_zero``.
    ShapeMismatchError
        Shapes that do not broadcast.

    Examples
    --------
    >>> share_of_wallet([30.0, 50.0, 0.0], [100.0, 50.0, 80.0])
    array([0.3, 1. , 0. ])
    >>> share_of_wallet([0.0], [0.0], if_zero=0.0)
    array([0.])
    """
    return _ratio(our_spend, category_spend, "our_spend", "category_spend", if_zero)


def cross_sell_ratio(
    outside_sales: ArrayLike, total_sales: ArrayLike, *, if_zero: float | None = None
) -> FloatArray:
    r"""Cross-selling ratio: the part of a customer's sales outside our main business.

    .. math:: \mathrm{CS}_i = \frac{o_i}{T_i}

    with :math:`o_i` our sales to customer *i* outside our main business and
    :math:`T_i` our total sales to it (same currency and period).

    Parameters
    ----------
    outside_sales
        Shape (N,) or broadcastable; money >= 0.
    total_sales
        Shape (N,) or broadcastable; money >= ``outside_sales``.
    if_zero
        Value in [0, 1] to report where ``total_sales`` is 0 (default: error).

    Returns
    -------
    numpy.ndarray of float64
        The broadcast shape; values in [0, 1].

    Raises
    ------
    InvalidParameterError
        As :func:`share_of_wallet`.

    Examples
    --------
    >>> cross_sell_ratio([25.0, 0.0], [100.0, 40.0])
    array([0.25, 0.  ])
    """
    return _ratio(outside_sales, total_sales, "outside_sales", "total_sales", if_zero)


def repeat_ratio(
    repeat_purchases: ArrayLike, purchases: ArrayLike, *, if_zero: float | None = None
) -> FloatArray:
    r"""Repeat ratio: the share of a customer's purchases that are repeat purchases.

    .. math:: \mathrm{RR}_i = \frac{k_i}{n_i}

    Parameters
    ----------
    repeat_purchases
        Shape (N,) or broadcastable; counts (or amounts) >= 0.
    purchases
        Shape (N,) or broadcastable; >= ``repeat_purchases``.
    if_zero
        Value in [0, 1] to report where ``purchases`` is 0 (default: error).

    Returns
    -------
    numpy.ndarray of float64
        The broadcast shape; values in [0, 1].

    Raises
    ------
    InvalidParameterError
        As :func:`share_of_wallet`.

    Examples
    --------
    >>> repeat_ratio([3, 0], [4, 1])
    array([0.75, 0.  ])
    """
    return _ratio(repeat_purchases, purchases, "repeat_purchases", "purchases", if_zero)


@attrs.frozen(eq=False, repr=False)
class CrossSell(CustomerColumns):
    """Main-business and cross-sold revenue per customer; arrays have shape (N,).

    Parameters
    ----------
    ids : ndarray
        Customer ids, sorted.
    main : ndarray of float64
        Revenue from main-business lines.
    other : ndarray of float64
        Revenue outside the main business (cross-selling).

    Examples
    --------
    >>> from kamcore.loyalty import cross_sell
    >>> from kamcore.transactions import TransactionLog
    >>> log = TransactionLog(["a", "a", "b"], ["2024-01-01", "2024-02-01", "2024-01-15"],
    ...                      [100.0, 40.0, 80.0], main_business=[True, False, True])
    >>> cs = cross_sell(log)
    >>> cs.ids.tolist()
    ['a', 'b']
    """

    #: fields whose NaN is a documented "no value" marker
    _NAN_OK: ClassVar[tuple[str, ...]] = ()

    def __attrs_post_init__(self) -> None:
        check_fields(self, nan_ok=self._NAN_OK)

    ids: NDArray[Any]
    main: FloatArray
    other: FloatArray

    @property
    def total(self) -> FloatArray:
        """``main + other``."""
        return self.main + self.other

    @property
    def ratio(self) -> FloatArray:
        """Cross-sell ratio ``other / total`` per customer; NaN where total = 0."""
        return _divide(self.other, self.total, np.nan)

    @property
    def main_share(self) -> FloatArray:
        """Main-business share ``main / total`` per customer; NaN where total = 0."""
        return _divide(self.main, self.total, np.nan)

    @property
    def overall_ratio(self) -> float:
        """Portfolio cross-sell ratio ``sum(other) / sum(total)``; NaN if nothing was sold."""
        return float(
            _divide(np.sum(self.other, keepdims=True), np.sum(self.total, keepdims=True), np.nan)[0]
        )


def cross_sell(
    log: TransactionLog | ArrayLike,
    amounts: ArrayLike | None = None,
    main_business: ArrayLike | None = None,
) -> CrossSell:
    """Split each customer's revenue into main business and cross-selling.

    Parameters
    ----------
    log : TransactionLog
        The transactions, with ``amounts`` (>= 0) and the ``main_business``
        flags (True for a sale in one of our main-business lines) as columns.
    amounts, main_business : array-like, shape (M,), optional
        The raw-array form: pass the customer ids as ``log`` and the amounts
        and flags here (no dates are needed); they go through the same column
        validation as a :class:`~kamcore.transactions.TransactionLog`.

    Returns
    -------
    CrossSell
        Per-customer sums; ``ratio`` is sales outside the main business over
        total sales, and ``main`` feeds :func:`share_of_wallet`.

    Raises
    ------
    InvalidParameterError
        Empty log, negative amounts, a log without amounts or flags (and, in
        the raw-array form, non-finite amounts, non-boolean flags, bad ids).
    ShapeMismatchError
        Raw columns of different lengths.

    Examples
    --------
    >>> from kamcore.transactions import TransactionLog
    >>> log = TransactionLog(["a", "a", "b"], ["2024-01-02"] * 3, [80.0, 20.0, 50.0],
    ...                      main_business=[True, False, True])
    >>> cs = cross_sell(log)
    >>> cs.ratio.tolist(), cs.overall_ratio
    ([0.2, 0.0], 0.13333333333333333)
    """
    if isinstance(log, TransactionLog):
        if amounts is not None or main_business is not None:
            raise InvalidParameterError(
                "cross_sell got a TransactionLog and separate columns; amounts and "
                "main_business belong in the log."
            )
        ids = log.customer_ids
        amt = log.require_amounts("cross_sell")
        if log.main_business is None:
            raise InvalidParameterError(
                "'main_business' flags are needed by cross_sell; this log has none "
                "(pass main_business= when building it)."
            )
        flag = log.main_business
    else:
        if amounts is None or main_business is None:
            raise InvalidParameterError(
                "cross_sell needs a TransactionLog (or customer ids with 'amounts' and "
                "'main_business')."
            )
        cols = check_columns(log, amounts=amounts, main_business=main_business)
        ids, amt, flag = cols["customer_ids"], cols["amounts"], cols["main_business"]
    NONNEGATIVE.check(amt, "amounts")
    if ids.size == 0:
        raise InvalidParameterError("'customer_ids' must not be empty; got 0 transactions.")
    uniq, cust = np.unique(ids, return_inverse=True)
    n = uniq.shape[0]
    main = np.bincount(cust, weights=np.where(flag, amt, 0.0), minlength=n)
    other = np.bincount(cust, weights=np.where(flag, 0.0, amt), minlength=n)
    return CrossSell(ids=readonly(uniq), main=readonly(main), other=readonly(other))
