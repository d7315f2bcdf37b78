r"""Switching cost over many accounts: barrier index and totals, vectorised.

The value objects (:class:`SwitchingCost`, :class:`SwitchingCostComponent`
and the enums) live in :mod:`kamcore.domain._switching_cost` and are re-exported
here. This module is the array door to the same rules:

- a component's strength is :math:`\max(\text{strength}, 1 - e^{-m/c})`, the
  monetary estimate *m* saturating at the scale *c* (:func:`saturation`);
- components of one account and facet pool by noisy-OR into a facet strength
  (:func:`facet_strengths`, long form: one row per component);
- a :class:`BarrierAggregator` turns the accounts x facets matrix into the
  barrier index in [0, 1] (:func:`barrier_index`); the default is
  :class:`NoisyOr`, :class:`WeightedMean` and :class:`Maximum` are built in and
  any callable with the same contract plugs in;
- monetary totals per account by kind and by lever (:func:`totals_by_kind`,
  :func:`totals_by_lever`) with ``numpy.bincount``.

No function loops over accounts in Python. Facet, kind and lever codes are the
positions of the enum members (``SwitchingCostFacet.LEARNING.code == 2``);
string arrays of member values or names are accepted too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Final, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kamcore._params import (
    NONNEGATIVE,
    POSITIVE,
    PROBABILITY,
    FloatArray,
    IntArray,
    as_array,
    as_float_array,
    as_int_array,
    broadcast,
    fail_where,
    readonly,
)
from kamcore.domain._coerce import coerce_items
from kamcore.domain._money import Money
from kamcore.domain._switching_cost import (
    DependenceLever,
    SwitchingCost,
    SwitchingCostFacet,
    SwitchingCostKind,
)
from kamcore.errors import (
    CurrencyMismatchError,
    InvalidParameterError,
    ShapeMismatchError,
    UnknownNameError,
)
from kamcore.switching._aggregators import _DEFAULT, BarrierAggregator

#: The eight facets in code order (column order of facet matrices).
FACETS: Final[tuple[SwitchingCostFacet, ...]] = tuple(SwitchingCostFacet)
#: The three kinds in code order.
KINDS: Final[tuple[SwitchingCostKind, ...]] = tuple(SwitchingCostKind)
#: The five levers in code order.
LEVERS: Final[tuple[DependenceLever, ...]] = tuple(DependenceLever)


#: Shape (8,): the kind code of each facet code.
FACET_KIND_CODES: Final[IntArray] = readonly(
    np.array([f.kind.code for f in FACETS], dtype=np.int64)
)


# --------------------------------------------------------------------------- kernels
def _saturation_kernel(money: FloatArray, scale: FloatArray | float) -> FloatArray:
    """Kernel: ``1 - exp(-money/scale)`` (inputs trusted; one allocation)."""
    out = np.asarray(np.divide(money, scale), dtype=np.float64)
    np.negative(out, out=out)
    np.expm1(out, out=out)
    np.subtract(0.0, out, out=out)
    return out


def _effective(
    strength: FloatArray | None, money: FloatArray | None, scale: FloatArray | float | None
) -> FloatArray:
    """Kernel: ``max(strength, saturation(money))`` with missing readings as 0."""
    if money is None or scale is None:
        assert strength is not None
        return strength
    sat = _saturation_kernel(money, scale)
    if strength is not None:
        np.maximum(strength, sat, out=sat)
    return sat


def _pool(
    accounts: IntArray, facets: IntArray, eff: FloatArray, n_accounts: int, k: int
) -> FloatArray:
    """Kernel: noisy-OR of component strengths per (account, facet) -> (n, k)."""
    logs = np.negative(eff)
    with np.errstate(divide="ignore"):
        np.log1p(logs, out=logs)
    idx = accounts * k
    idx += facets
    sums = np.bincount(idx, weights=logs, minlength=n_accounts * k)
    del idx
    return np.asarray(0.0 - np.expm1(sums), dtype=np.float64).reshape(n_accounts, k)


# --------------------------------------------------------------------------- validation helpers
def _codes(values: ArrayLike, name: str, members: Sequence[Any]) -> IntArray:
    """Convert codes (ints) or member values/names (strings) to int64 codes."""
    arr = as_array(values, name)
    if arr.ndim != 1:
        raise ShapeMismatchError(f"{name!r} must be 1-dimensional; got shape {arr.shape}.")
    k = len(members)
    if arr.dtype.kind in "USO":
        if arr.dtype.kind == "O":
            arr = np.array([m.value if hasattr(m, "value") else m for m in arr.tolist()])
            if arr.dtype.kind not in "U":
                raise InvalidParameterError(
                    f"{name!r} must hold codes, member values or names; got {arr.dtype}."
                )
        lookup = {m.value: i for i, m in enumerate(members)}
        lookup.update({m.name: i for i, m in enumerate(members)})
        keys = np.array(sorted(lookup))
        pos = np.searchsorted(keys, arr)
        pos_c = np.minimum(pos, keys.size - 1)
        unknown = keys[pos_c] != arr
        if unknown.any():
            first = int(np.flatnonzero(unknown)[0])
            allowed = ", ".join(repr(m.value) for m in members)
            count = int(unknown.sum())
            noun = "value" if count == 1 else "values"
            raise UnknownNameError(
                f"{name!r} must name one of {allowed}; got {count} unknown {noun} "
                f"(first at index {first}: {str(arr[first])!r})."
            )
        table = np.array([lookup[str(key)] for key in keys], dtype=np.int64)
        return np.asarray(table[pos_c], dtype=np.int64)
    codes = as_int_array(arr, name, ndim=1)
    fail_where((codes < 0) | (codes >= k), codes, name, f"be a code in 0..{k - 1}")
    return codes


def _account_codes(accounts: ArrayLike, n_accounts: int | None) -> tuple[IntArray, int]:
    acc = as_int_array(accounts, "accounts", domain=NONNEGATIVE, ndim=1)
    if n_accounts is None:
        n = int(acc.max()) + 1 if acc.size else 0
    else:
        if isinstance(n_accounts, bool) or not isinstance(n_accounts, (int, np.integer)):
            raise InvalidParameterError(
                f"'n_accounts' must be an integer >= 0; got {n_accounts!r}."
            )
        n = int(n_accounts)
        if n < 0:
            raise InvalidParameterError(f"'n_accounts' must be an integer >= 0; got {n}.")
        fail_where(acc >= n, acc, "accounts", f"be a code < n_accounts ({n})")
    return acc, n


def _readings(
    strength: ArrayLike | None,
    money: ArrayLike | None,
    scale: ArrayLike | None,
    strength_name: str,
) -> tuple[FloatArray | None, FloatArray | None, FloatArray | None]:
    if strength is None and money is None:
        raise InvalidParameterError(
            f"{strength_name!r} or 'money' (or both) must be given; got neither."
        )
    s = None if strength is None else as_float_array(strength, strength_name, domain=PROBABILITY)
    m = None if money is None else as_float_array(money, "money", domain=NONNEGATIVE)
    c = None if scale is None else as_float_array(scale, "scale", domain=POSITIVE)
    if m is not None and c is None:
        if s is None:
            raise InvalidParameterError(
                "'scale' must be given to turn 'money' into strengths; got None."
            )
        m = None  # documented: scale=None means money does not enter the index
    return s, m, c


# --------------------------------------------------------------------------- public API
def saturation(money: ArrayLike, scale: ArrayLike) -> FloatArray:
    r"""Map monetary switching cost to a strength in [0, 1): :math:`1 - e^{-m/c}`.

    The scale *c* is the cost at which the strength reaches
    :math:`1 - 1/e \approx 0.632`; :math:`2c` gives 0.865, :math:`3c` 0.950.
    A natural choice is the account's yearly spend with us, or a cost the
    buyer would need board approval for. Saturation of a sum equals noisy-OR
    of the saturations, so money pooled by noisy-OR is never double counted.

    Parameters
    ----------
    money
        Monetary estimates >= 0, any shape.
    scale
        Money > 0 in the same currency, broadcastable against ``money``.

    Returns
    -------
    numpy.ndarray of float64
        The broadcast shape, values in [0, 1].

    Raises
    ------
    InvalidParameterError
        Negative money, non-positive scale, NaN or infinities.

    Examples
    --------
    >>> saturation([0.0, 50_000.0, 100_000.0], 100_000.0).round(4)
    array([0.    , 0.3935, 0.6321])
    """
    m = as_float_array(money, "money", domain=NONNEGATIVE)
    c = as_float_array(scale, "scale", domain=POSITIVE)
    m, c = broadcast({"money": m, "scale": c})
    return _saturation_kernel(m, c)


def _aggregate(matrix: FloatArray, aggregator: BarrierAggregator) -> FloatArray:
    if not callable(aggregator):
        raise InvalidParameterError(
            f"'aggregator' must be a callable (N, K) -> (N,); got {aggregator!r}."
        )
    view = readonly(matrix.view())
    try:
        out = np.asarray(aggregator(view), dtype=np.float64)
    except (TypeError, ValueError) as exc:
        if isinstance(exc, (ShapeMismatchError, InvalidParameterError)):
            raise
        raise InvalidParameterError(
            f"'aggregator' {aggregator!r} failed on a {matrix.shape} strength matrix: {exc}"
        ) from exc
    if out.shape != matrix.shape[:1]:
        raise ShapeMismatchError(
            f"'aggregator' must return shape {matrix.shape[:1]}; got {out.shape}."
        )
    fail_where(~np.isfinite(out) | (out < 0) | (out > 1), out, "aggregator result", "be in [0, 1]")
    return out


def barrier_index(
    strengths: ArrayLike | None = None,
    *,
    money: ArrayLike | None = None,
    scale: ArrayLike | None = None,
    aggregator: BarrierAggregator = _DEFAULT,
) -> FloatArray:
    r"""Barrier index of N accounts from an accounts x facets matrix.

    .. math::

        S_{nk} = \max\left(s_{nk},\ 1 - e^{-m_{nk}/c}\right),\qquad
        B_n = \operatorname{agg}(S_{n\cdot})

    with the default :class:`NoisyOr`,
    :math:`B_n = 1 - \prod_k (1 - S_{nk})`. Columns are usually the eight
    facets in :data:`FACETS` order, but any K columns work (give a matching
    aggregator for weights).

    Parameters
    ----------
    strengths
        Shape (N, K), values in [0, 1]; 0 = no barrier in that cell.
    money
        Shape (N, K), monetary estimates >= 0 in one currency.
    scale
        Saturation scale > 0, broadcastable to (N, K): a scalar, (K,) per
        facet or (N, 1) per account. Required with ``money`` unless
        ``strengths`` is given, in which case ``scale=None`` leaves money out.
    aggregator
        A :class:`BarrierAggregator`; default :class:`NoisyOr`.

    Returns
    -------
    numpy.ndarray of float64
        Shape (N,), the barrier index in [0, 1].

    Raises
    ------
    InvalidParameterError
        Strengths outside [0, 1], negative money, a bad scale, NaN, neither
        strengths nor money, or an aggregator returning values outside [0, 1].
    ShapeMismatchError
        Not 2-D, shapes that differ, or a scale that does not broadcast.

    Examples
    --------
    >>> barrier_index([[0.5, 0.0, 0.2], [0.0, 0.0, 0.0]]).round(3)
    array([0.6, 0. ])
    >>> from kamcore.switching import WeightedMean
    >>> barrier_index([[0.5, 0.0, 0.2]], aggregator=WeightedMean((2, 1, 1))).round(3)
    array([0.3])
    >>> barrier_index(money=[[20_000.0, 0.0], [100_000.0, 50_000.0]], scale=100_000.0).round(4)
    array([0.1813, 0.7769])
    """
    s, m, c = _readings(strengths, money, scale, "strengths")
    named = {k: v for k, v in (("strengths", s), ("money", m)) if v is not None}
    for key, arr in named.items():
        if arr.ndim != 2:
            raise ShapeMismatchError(
                f"{key!r} must be 2-dimensional (accounts x facets); got shape {arr.shape}."
            )
    if s is not None and m is not None and s.shape != m.shape:
        raise ShapeMismatchError(
            f"'strengths' and 'money' must have the same shape; got {s.shape} and {m.shape}."
        )
    if m is not None and c is not None:
        try:
            c = np.broadcast_to(c, m.shape)
        except ValueError:
            raise ShapeMismatchError(
                f"'scale' must broadcast to the money's shape {m.shape}; got {c.shape}."
            ) from None
    eff = _effective(s, m, c)
    return _aggregate(eff, aggregator)


def facet_strengths(
    accounts: ArrayLike,
    facets: ArrayLike,
    *,
    strength: ArrayLike | None = None,
    money: ArrayLike | None = None,
    scale: ArrayLike | None = None,
    n_accounts: int | None = None,
) -> FloatArray:
    r"""Pool long-form switching-cost components into an accounts x facets matrix.

    One row per component: the account code, the facet and its readings.

    .. math:: S_{nf} = 1 - \prod_{i:\,a_i = n,\ f_i = f}
        \left(1 - \max\left(s_i,\ 1 - e^{-m_i/c_i}\right)\right)

    Parameters
    ----------
    accounts
        Shape (M,), account codes in ``0 .. n_accounts - 1`` (use
        ``numpy.unique(ids, return_inverse=True)`` to code labels).
    facets
        Shape (M,), facet codes 0..7 or facet values/names
        (``"learning"``, ``"LEARNING"``).
    strength
        Shape (M,), strengths in [0, 1]; 0 = no reading.
    money
        Shape (M,), monetary estimates >= 0 in one currency; 0 = no reading.
    scale
        Saturation scale > 0, scalar or shape (M,). See :func:`saturation`.
    n_accounts
        Number of accounts N (default: the largest code + 1).

    Returns
    -------
    numpy.ndarray of float64
        Shape (N, 8), columns in :data:`FACETS` order; accounts without
        components get a row of zeros.

    Raises
    ------
    InvalidParameterError
        As :func:`barrier_index`, and negative or too large account codes.
    UnknownNameError
        Unknown facet codes or names.
    ShapeMismatchError
        Arrays of different lengths.

    Examples
    --------
    >>> facet_strengths([0, 0, 1], ["learning", "learning", "setup"],
    ...                 strength=[0.5, 0.5, 0.3]).round(2)
    array([[0.  , 0.  , 0.75, 0.  , 0.  , 0.  , 0.  , 0.  ],
           [0.  , 0.  , 0.  , 0.3 , 0.  , 0.  , 0.  , 0.  ]])
    """
    acc, n = _account_codes(accounts, n_accounts)
    fac = _codes(facets, "facets", FACETS)
    s, m, c = _readings(strength, money, scale, "strength")
    rows: dict[str, NDArray[Any]] = {"accounts": acc, "facets": fac}
    if s is not None:
        rows["strength"] = s
    if m is not None:
        rows["money"] = m
    if c is not None and c.ndim > 0:
        rows["scale"] = c
    for key, arr in rows.items():
        if arr.ndim != 1:
            raise ShapeMismatchError(f"{key!r} must be 1-dimensional; got shape {arr.shape}.")
    lengths = {k: int(v.shape[0]) for k, v in rows.items()}
    if len(set(lengths.values())) > 1:
        desc = ", ".join(f"{k}: {v}" for k, v in lengths.items())
        raise ShapeMismatchError(f"arrays must have the same length; got {desc}.")
    eff = _effective(s, m, c)
    return _pool(acc, fac, eff, n, len(FACETS))


def barrier_index_long(
    accounts: ArrayLike,
    facets: ArrayLike,
    *,
    strength: ArrayLike | None = None,
    money: ArrayLike | None = None,
    scale: ArrayLike | None = None,
    n_accounts: int | None = None,
    aggregator: BarrierAggregator = _DEFAULT,
) -> FloatArray:
    """Barrier index of N accounts from long-form components (one row per component).

    ``barrier_index_long(...) == aggregator(facet_strengths(...))``; see
    :func:`facet_strengths` for the parameters and :func:`barrier_index` for
    the aggregation.

    Parameters
    ----------
    accounts, facets, strength, money, scale, n_accounts
        As in :func:`facet_strengths`.
    aggregator : BarrierAggregator
        How the facet strengths combine; :class:`NoisyOr` by default.

    Returns
    -------
    numpy.ndarray of float64
        Shape (N,), values in [0, 1]; 0 for accounts without components.

    Raises
    ------
    InvalidParameterError, ShapeMismatchError, UnknownNameError
        As :func:`facet_strengths` (bad codes, strengths outside [0, 1],
        negative money, columns of different lengths, unknown facet names).

    Examples
    --------
    >>> barrier_index_long([0, 0, 1], ["setup", "monetary_loss", "brand_relationship_loss"],
    ...                    strength=[0.5, 0.0, 0.4], money=[0.0, 80_000.0, 0.0],
    ...                    scale=100_000.0).round(4)
    array([0.7753, 0.4   ])
    """
    matrix = facet_strengths(
        accounts, facets, strength=strength, money=money, scale=scale, n_accounts=n_accounts
    )
    return _aggregate(matrix, aggregator)


def _scale_of(cost: SwitchingCost, scale: Money | float | Decimal | None) -> float | None:
    """Return the saturation scale of one cost as a plain number (validated), or None."""
    if scale is None:
        return None
    if isinstance(scale, Money):
        if cost.currency is not None and scale.currency != cost.currency:
            raise CurrencyMismatchError(
                f"'scale' is in {scale.currency} but a switching cost is in {cost.currency}."
            )
        value: Any = float(scale.amount)
    elif isinstance(scale, Decimal):
        value = float(scale)
    else:
        value = scale
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InvalidParameterError(f"'scale' must be Money or a number > 0; got {scale!r}.")
    return float(as_float_array(value, "scale", domain=POSITIVE, ndim=0))


@overload
def barrier_index_of(
    costs: SwitchingCost,
    *,
    scale: Money | float | Decimal | None = ...,
    aggregator: BarrierAggregator = ...,
) -> float: ...
@overload
def barrier_index_of(
    costs: Iterable[SwitchingCost],
    *,
    scale: Money | float | Decimal | None = ...,
    aggregator: BarrierAggregator = ...,
) -> FloatArray: ...
def barrier_index_of(
    costs: SwitchingCost | Iterable[SwitchingCost],
    *,
    scale: Money | float | Decimal | None = None,
    aggregator: BarrierAggregator = _DEFAULT,
) -> float | FloatArray:
    """Barrier index of :class:`SwitchingCost` objects through the vectorised kernels.

    Parameters
    ----------
    costs
        One switching cost (returns a float) or an iterable of them (returns
        shape (N,)).
    scale
        Saturation scale: :class:`Money` (must match each cost's currency) or
        a plain number > 0 taken in each cost's currency. Required when a
        component has money but no strength.
    aggregator
        As in :func:`barrier_index`.

    Returns
    -------
    float or numpy.ndarray of float64
        Barrier index in [0, 1].

    Raises
    ------
    CurrencyMismatchError
        A :class:`Money` scale in another currency.
    InvalidParameterError
        A bad scale, or a money-only component without a scale.

    Examples
    --------
    >>> from decimal import Decimal
    >>> from kamcore.domain import Money, SwitchingCost, SwitchingCostComponent
    >>> cost = SwitchingCost([
    ...     SwitchingCostComponent("learning", "product_technology", strength=0.5),
    ...     SwitchingCostComponent("benefit_loss", "service",
    ...                            money=Money(Decimal(40000), "USD")),
    ... ])
    >>> round(barrier_index_of(cost, scale=Money(Decimal(100000), "USD")), 4)
    0.6648
    """
    single = isinstance(costs, SwitchingCost)
    items: list[SwitchingCost] = (
        [costs]
        if isinstance(costs, SwitchingCost)
        else list(coerce_items(costs, "costs", SwitchingCost))
    )
    acc: list[int] = []
    fac: list[int] = []
    strength: list[float] = []
    money: list[float] = []
    scales: list[float] = []
    for n, cost in enumerate(items):  # object door: gather components, then one kernel call
        if not isinstance(cost, SwitchingCost):
            raise InvalidParameterError(
                f"'costs' must contain only SwitchingCost objects; got {cost!r} at index {n}."
            )
        c = _scale_of(cost, scale)
        for comp in cost.components:
            if c is None and comp.strength is None and comp.money is not None:
                raise InvalidParameterError(
                    f"'scale' must be given to turn the money of component "
                    f"({comp.facet.value}, {comp.lever.value}) into a strength; got None."
                )
            acc.append(n)
            fac.append(comp.facet.code)
            strength.append(0.0 if comp.strength is None else comp.strength)
            use_money = comp.money is not None and c is not None
            money.append(float(comp.money.amount) if use_money else 0.0)  # type: ignore[union-attr]
            scales.append(1.0 if c is None else c)
    out = barrier_index_long(
        np.asarray(acc, dtype=np.int64),
        np.asarray(fac, dtype=np.int64),
        strength=np.asarray(strength, dtype=np.float64),
        money=np.asarray(money, dtype=np.float64),
        scale=np.asarray(scales, dtype=np.float64),
        n_accounts=len(items),
        aggregator=aggregator,
    )
    return float(out[0]) if single else out
