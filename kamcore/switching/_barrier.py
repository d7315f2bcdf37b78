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
from typing import Any, Final, Protocol, overload, runtime_checkable

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from kamcore._params import (
    NONNEGATIVE,
    POSITIVE,
    PROBABILITY,
    FloatArray,
    IntArray,
    as_float_array,
    as_int_array,
    broadcast,
    fail_where,
    readonly,
)
from kamcore.domain._money import Money
from kamcore.domain._switching_cost import (
    DependenceLever,
    SwitchingCost,
    SwitchingCostComponent,
    SwitchingCostFacet,
    SwitchingCostKind,
)
from kamcore.errors import (
    CurrencyMismatchError,
    InvalidParameterError,
    ShapeMismatchError,
    UnknownNameError,
)

__all__ = [
    "FACETS",
    "FACET_KIND_CODES",
    "KINDS",
    "LEVERS",
    "BarrierAggregator",
    "DependenceLever",
    "Maximum",
    "NoisyOr",
    "SwitchingCost",
    "SwitchingCostComponent",
    "SwitchingCostFacet",
    "SwitchingCostKind",
    "WeightedMean",
    "barrier_index",
    "barrier_index_long",
    "barrier_index_of",
    "facet_strengths",
    "saturation",
    "totals_by_kind",
    "totals_by_lever",
]

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


# --------------------------------------------------------------------------- aggregators
@runtime_checkable
class BarrierAggregator(Protocol):
    """Contract of a barrier aggregator.

    ``aggregator(facet_strengths)`` takes a float64 array of shape (N, K) with
    values in [0, 1] (accounts x facets; 0 = no barrier on that facet) and
    returns shape (N,) in [0, 1]. It must not decrease when any entry grows,
    must not write into its input, and must give 0 for an all-zero row.
    :func:`barrier_index` checks the shape and range of what it returns.
    """

    def __call__(self, facet_strengths: FloatArray, /) -> FloatArray:
        """Aggregate facet strengths (N, K) into a barrier index (N,)."""
        ...


def _weights(value: Any, name: str) -> tuple[float, ...] | None:
    if value is None:
        return None
    arr = as_float_array(value, name, domain=NONNEGATIVE, ndim=1, allow_empty=False)
    return tuple(float(v) for v in arr)


def _weights_converter(value: Any) -> tuple[float, ...] | None:
    return _weights(value, "weights")


def _check_weight_count(weights: tuple[float, ...], s: FloatArray, who: str) -> FloatArray:
    if s.shape[-1] != len(weights):
        raise ShapeMismatchError(
            f"{who} has {len(weights)} weights but the strengths have {s.shape[-1]} columns."
        )
    return np.asarray(weights, dtype=np.float64)


@attrs.frozen
class NoisyOr:
    r"""Noisy-OR aggregation (the default): each facet is an independent chance to hold.

    .. math:: B = 1 - \prod_k (1 - S_k)^{w_k}

    The index is the probability that at least one barrier holds when facet
    *k* holds with probability :math:`S_k` (raised to an optional importance
    exponent :math:`w_k \ge 0`, default 1). It is 0 with no barrier, 1 when
    any facet is absolute, never decreases when a facet grows or a component
    is added, and - with the exponential money saturation - turns money-only
    costs into :math:`1 - e^{-\text{total}/c}` however the money is split.

    Parameters
    ----------
    weights : sequence of float, optional
        Exponents :math:`w_k \ge 0`, one per facet column.

    Examples
    --------
    >>> NoisyOr()(np.array([[0.5, 0.5, 0.0], [0.0, 0.0, 0.0]]))
    array([0.75, 0.  ])
    """

    weights: tuple[float, ...] | None = attrs.field(default=None, converter=_weights_converter)

    def __call__(self, facet_strengths: FloatArray, /) -> FloatArray:
        """Return the weighted noisy-OR along the last axis."""
        s = np.asarray(facet_strengths, dtype=np.float64)
        logs = np.negative(s)
        with np.errstate(divide="ignore"):
            np.log1p(logs, out=logs)
        if self.weights is not None:
            w = _check_weight_count(self.weights, s, "NoisyOr")
            with np.errstate(invalid="ignore"):
                logs = np.where(w > 0, logs * w, 0.0)  # 0 * log(0) counts as 0
        return np.asarray(0.0 - np.expm1(logs.sum(axis=-1)), dtype=np.float64)


@attrs.frozen
class WeightedMean:
    r"""Weighted mean of the facet strengths.

    .. math:: B = \frac{\sum_k w_k S_k}{\sum_k w_k}

    Reads as "how much of the possible barrier is in place". Unlike noisy-OR a
    single absolute facet does not make the index 1, and splitting one facet
    into finer columns changes its weight. Weights default to equal.

    Parameters
    ----------
    weights : sequence of float, optional
        Weights :math:`w_k \ge 0` with a positive sum, one per facet column.

    Examples
    --------
    >>> WeightedMean((3.0, 1.0))(np.array([[1.0, 0.0]]))
    array([0.75])
    """

    weights: tuple[float, ...] | None = attrs.field(default=None, converter=_weights_converter)

    def __attrs_post_init__(self) -> None:
        if self.weights is not None and sum(self.weights) <= 0:
            raise InvalidParameterError(
                f"'weights' must have a positive sum; got {self.weights!r}."
            )

    def __call__(self, facet_strengths: FloatArray, /) -> FloatArray:
        """Return the weighted mean along the last axis."""
        s = np.asarray(facet_strengths, dtype=np.float64)
        if self.weights is None:
            if s.shape[-1] == 0:
                return np.zeros(s.shape[:-1])
            return np.asarray(s.mean(axis=-1), dtype=np.float64)
        w = _check_weight_count(self.weights, s, "WeightedMean")
        return np.asarray(np.clip(s @ (w / w.sum()), 0.0, 1.0), dtype=np.float64)


@attrs.frozen
class Maximum:
    """The strongest facet alone: ``B = max_k S_k`` (a "weakest link" reading inverted).

    Examples
    --------
    >>> Maximum()(np.array([[0.2, 0.7, 0.1]]))
    array([0.7])
    """

    def __call__(self, facet_strengths: FloatArray, /) -> FloatArray:
        """Return the maximum along the last axis (0 for no columns)."""
        s = np.asarray(facet_strengths, dtype=np.float64)
        if s.shape[-1] == 0:
            return np.zeros(s.shape[:-1])
        return np.asarray(s.max(axis=-1), dtype=np.float64)


_DEFAULT: Final = NoisyOr()


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
    arr = np.asarray(values)
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

    Returns
    -------
    numpy.ndarray of float64
        Shape (N,), values in [0, 1]; 0 for accounts without components.

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
    >>> cost = SwitchingCost([
    ...     SwitchingCostComponent("learning", "product_technology", strength=0.5),
    ...     SwitchingCostComponent("benefit_loss", "service",
    ...                            money=Money(Decimal(40000), "USD")),
    ... ])
    >>> round(barrier_index_of(cost, scale=Money(Decimal(100000), "USD")), 4)
    0.6648
    >>> round(cost.barrier_index(scale=100000), 4)  # the plain-Python twin
    0.6648
    """
    single = isinstance(costs, SwitchingCost)
    items: list[SwitchingCost] = [costs] if isinstance(costs, SwitchingCost) else list(costs)
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
            if c is None and comp.strength is None:
                comp.effective_strength(None)  # raises: money-only needs a scale
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

    Examples
    --------
    >>> totals_by_lever([0, 1, 1], ["service", "process", "process"], [3.0, 1.0, 2.0])
    array([[0., 3., 0., 0., 0.],
           [0., 0., 3., 0., 0.]])
    """
    return _totals(accounts, levers, money, n_accounts, "levers", LEVERS, None)
