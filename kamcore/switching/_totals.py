"""Monetary switching-cost totals per account, by kind and by lever."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from kamcore._params import (
    NONNEGATIVE,
    FloatArray,
    IntArray,
    as_float_array,
)
from kamcore.errors import (
    ShapeMismatchError,
)
from kamcore.switching._barrier import FACET_KIND_CODES, FACETS, LEVERS, _account_codes, _codes


def _totals(  # noqa: PLR0917
    accounts: ArrayLike,
    groups: ArrayLike,
    money: ArrayLike,
    n_accounts: int | None,
    name: str,
    members: Sequence[Any],
    to_group: IntArray | None,
) -> FloatArray:
    acc, n = _account_codes(accounts, n_accounts)
    codes = _codes(groups, name, members)
    m = as_float_array(money, "money", domain=NONNEGATIVE, ndim=1)
    lengths = {"accounts": acc.shape[0], name: codes.shape[0], "money": m.shape[0]}
    if len(set(lengths.values())) > 1:
        desc = ", ".join(f"{k}: {v}" for k, v in lengths.items())
        raise ShapeMismatchError(f"arrays must have the same length; got {desc}.")
    if to_group is not None:
        codes = to_group[codes]
    k = int(to_group.max()) + 1 if to_group is not None else len(members)
    sums = np.bincount(acc * k + codes, weights=m, minlength=n * k)
    return np.asarray(sums, dtype=np.float64).reshape(n, k)


def totals_by_kind(
    accounts: ArrayLike,
    facets: ArrayLike,
    money: ArrayLike,
    *,
    n_accounts: int | None = None,
) -> FloatArray:
    """Monetary switching cost per account and kind, from long-form components.

    Parameters
    ----------
    accounts
        Shape (M,), account codes (see :func:`facet_strengths`).
    facets
        Shape (M,), facet codes or names; the kind follows from the facet.
    money
        Shape (M,), monetary estimates >= 0 in one currency.
    n_accounts
        Number of accounts N (default: the largest code + 1).

    Returns
    -------
    numpy.ndarray of float64
        Shape (N, 3), columns in :data:`KINDS` order; rows sum to each
        account's total.

    Raises
    ------
    InvalidParameterError
        Negative or non-finite money, bad account or facet codes.
    UnknownNameError
        An unknown facet name.
    ShapeMismatchError
        Columns of different lengths.

    Examples
    --------
    >>> totals_by_kind([0, 0, 1], ["setup", "monetary_loss", "learning"], [10.0, 5.0, 2.0])
    array([[10.,  5.,  0.],
           [ 2.,  0.,  0.]])
    """
    return _totals(accounts, facets, money, n_accounts, "facets", FACETS, FACET_KIND_CODES)


def totals_by_lever(
    accounts: ArrayLike,
    levers: ArrayLike,
    money: ArrayLike,
    *,
    n_accounts: int | None = None,
) -> FloatArray:
    """Monetary switching cost per account and supplier lever, from long-form components.

    Parameters
    ----------
    accounts
        Shape (M,), account codes.
    levers
        Shape (M,), lever codes 0..4 or lever values/names.
    money
        Shape (M,), monetary estimates >= 0 in one currency.
    n_accounts
        Number of accounts N (default: the largest code + 1).

    Returns
    -------
    numpy.ndarray of float64
        Shape (N, 5), columns in :data:`LEVERS` order.

    Raises
    ------
    InvalidParameterError
        Negative or non-finite money, bad account or lever codes.
    UnknownNameError
        An unknown lever name.
    ShapeMismatchError
        Columns of different lengths.

    Examples
    --------
    >>> totals_by_lever([0, 1, 1], ["service", "process", "process"], [3.0, 1.0, 2.0])
    array([[0., 3., 0., 0., 0.],
           [0., 0., 3., 0., 0.]])
    """
    return _totals(accounts, levers, money, n_accounts, "levers", LEVERS, None)
