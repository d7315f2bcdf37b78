r"""The development funnel in numbers: pipeline value and conversion rates.

Deals are columns: ``stage`` codes in :class:`~kamcore.domain.FunnelStage`
order (0 LEAD, 1 PROSPECT, 2 OPPORTUNITY, 3 WON, 4 LOST), ``amount`` (one
currency) and ``probability`` in [0, 1]; for lost deals ``lost_from`` gives
the open stage (0..2) they were lost from.

Pipeline value
    :math:`V_k = \sum_{i: s_i = k} a_i p_i` per open stage :math:`k`, and the
    total :math:`V = \sum_k V_k` over the open stages (won and lost deals are
    out of the pipeline); unweighted amounts and counts alongside.

Conversion
    A deal *reached* step :math:`k` of the ordered steps LEAD < PROSPECT <
    OPPORTUNITY < WON when its furthest step is at least :math:`k`: an open
    deal's furthest step is its stage, a won deal's is WON, a lost deal's is
    ``lost_from``. With :math:`R_k = \#\{i : \text{reached}_i \ge k\}`, the
    stage-to-stage conversion rate is :math:`R_{k+1} / R_k` (k = 0, 1, 2) and
    the funnel conversion :math:`R_3 / R_0`. The win rate is
    :math:`\#\text{won} / (\#\text{won} + \#\text{lost})` over closed deals.
    Open deals count as not (yet) converted; restrict the input to a closed
    cohort for final rates. A rate whose denominator is 0 is NaN (undefined).

:func:`opportunity_arrays` turns :class:`~kamcore.domain.Opportunity`
objects into these columns.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

import attrs
import numpy as np
from numpy.typing import ArrayLike

from kamcore._columns import FrozenArrays
from kamcore._params import (
    NONNEGATIVE,
    PROBABILITY,
    FloatArray,
    IntArray,
    as_float_array,
    as_int_array,
    check_fields,
    fail_where,
    frozen_array,
    same_length,
)
from kamcore.domain import OPEN_FUNNEL_STAGES, FunnelStage, Opportunity
from kamcore.domain._coerce import coerce_items
from kamcore.errors import CurrencyMismatchError, InvalidParameterError

__all__ = [
    "FUNNEL_LEVELS",
    "FunnelConversion",
    "PipelineValue",
    "funnel_conversion",
    "opportunity_arrays",
    "pipeline_value",
]

#: Labels of the funnel-stage codes 0..4.
FUNNEL_LEVELS: tuple[str, ...] = tuple(s.value for s in FunnelStage)

_N_OPEN = len(OPEN_FUNNEL_STAGES)
_WON = FunnelStage.WON.code
_LOST = FunnelStage.LOST.code


def _stages(stage: ArrayLike) -> IntArray:
    s = as_int_array(stage, "stage", ndim=1)
    fail_where((s < 0) | (s > _LOST), s, "stage", f"be funnel-stage codes in 0..{_LOST}")
    return s


@attrs.frozen(eq=False, repr=False)
class PipelineValue(FrozenArrays):
    r"""The value of the open pipeline, per open stage (read-only arrays).

    Parameters
    ----------
    stages : tuple of str
        ``("lead", "prospect", "opportunity")``.
    weighted : array of float64, shape (3,)
        :math:`\sum a_i p_i` per open stage.
    amount : array of float64, shape (3,)
        :math:`\sum a_i` per open stage (unweighted).
    counts : array of int64, shape (3,)
        Open deals per stage.
    total : float
        Weighted value of the whole open pipeline.

    Examples
    --------
    >>> from kamcore.metrics import pipeline_value
    >>> v = pipeline_value([0, 2, 2], [1000.0, 5000.0, 2000.0], [0.1, 0.5, 0.5])
    >>> v.stages, v.weighted.tolist()
    (('lead', 'prospect', 'opportunity'), [100.0, 0.0, 3500.0])
    """

    #: fields whose NaN is a documented "no value" marker
    _NAN_OK: ClassVar[tuple[str, ...]] = ()

    def __attrs_post_init__(self) -> None:
        check_fields(self, nan_ok=self._NAN_OK)

    stages: tuple[str, ...]
    weighted: FloatArray = attrs.field(converter=frozen_array)
    amount: FloatArray = attrs.field(converter=frozen_array)
    counts: IntArray = attrs.field(converter=frozen_array)
    total: float


def pipeline_value(stage: ArrayLike, amount: ArrayLike, probability: ArrayLike) -> PipelineValue:
    """Weighted pipeline value (amount x probability) by open stage.

    Parameters
    ----------
    stage : array_like of int, shape (N,)
        Funnel-stage codes (0 LEAD .. 4 LOST); WON and LOST deals are ignored.
    amount : array_like of float, shape (N,)
        Deal amounts, >= 0, one currency.
    probability : array_like of float, shape (N,)
        Win probabilities in [0, 1].

    Returns
    -------
    PipelineValue
        Open deal value per open stage, plain and weighted by the win probabilities.

    Raises
    ------
    InvalidParameterError
        Bad codes, negative amounts, probabilities outside [0, 1], NaN.
    ShapeMismatchError
        Columns of different lengths.

    Examples
    --------
    >>> v = pipeline_value([0, 1, 2, 2, 3], [100.0, 200, 1000, 500, 900],
    ...                    [0.1, 0.25, 0.5, 0.6, 1.0])
    >>> v.weighted.tolist(), v.total
    ([10.0, 50.0, 800.0], 860.0)
    """
    s = _stages(stage)
    a = as_float_array(amount, "amount", domain=NONNEGATIVE, ndim=1)
    p = as_float_array(probability, "probability", domain=PROBABILITY, ndim=1)
    same_length({"stage": s, "amount": a, "probability": p})
    open_ = s < _N_OPEN
    so = s[open_]
    weighted = np.bincount(so, weights=a[open_] * p[open_], minlength=_N_OPEN)
    amounts = np.bincount(so, weights=a[open_], minlength=_N_OPEN)
    counts = np.bincount(so, minlength=_N_OPEN).astype(np.int64)
    return PipelineValue(
        FUNNEL_LEVELS[:_N_OPEN],
        weighted.astype(np.float64),
        amounts.astype(np.float64),
        counts,
        float(np.sum(weighted)),
    )


@attrs.frozen(eq=False, repr=False)
class FunnelConversion(FrozenArrays):
    """Stage-to-stage conversion and the win rate (read-only arrays).

    Parameters
    ----------
    steps : tuple of str
        ``("lead", "prospect", "opportunity", "won")``.
    reached : array of int64, shape (4,)
        :math:`R_k`, deals that reached step k or beyond.
    conversion : array of float64, shape (3,)
        :math:`R_{k+1} / R_k`: lead -> prospect, prospect -> opportunity,
        opportunity -> won; NaN where :math:`R_k = 0`.
    lost : array of int64, shape (3,)
        Lost deals by the open stage they were lost from.
    won : int
        Won deals.
    overall : float
        :math:`R_3 / R_0` (lead to won); NaN when there is no deal.
    win_rate : float
        Won / (won + lost); NaN when no deal is closed.

    Examples
    --------
    >>> from kamcore.metrics import funnel_conversion
    >>> f = funnel_conversion([0, 1, 2, 3, 3])
    >>> f.reached.tolist(), f.conversion.round(2).tolist()
    ([5, 4, 3, 2], [0.8, 0.75, 0.67])
    """

    #: fields whose NaN is a documented "no value" marker
    _NAN_OK: ClassVar[tuple[str, ...]] = ("conversion", "overall", "win_rate")

    def __attrs_post_init__(self) -> None:
        check_fields(self, nan_ok=self._NAN_OK)

    steps: tuple[str, ...]
    reached: IntArray = attrs.field(converter=frozen_array)
    conversion: FloatArray = attrs.field(converter=frozen_array)
    lost: IntArray = attrs.field(converter=frozen_array)
    won: int
    overall: float
    win_rate: float


def _ratio(num: Any, den: Any) -> Any:
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def funnel_conversion(stage: ArrayLike, lost_from: ArrayLike | None = None) -> FunnelConversion:
    """Conversion rates between the funnel steps, and the win rate.

    Parameters
    ----------
    stage : array_like of int, shape (N,)
        Funnel-stage codes (0 LEAD, 1 PROSPECT, 2 OPPORTUNITY, 3 WON, 4 LOST).
    lost_from : array_like of int, shape (N,), optional
        For LOST deals, the open stage (0..2) they were lost from; other rows
        are ignored (use -1). Required when any deal is LOST.

    Returns
    -------
    FunnelConversion
        Deals reaching each step, the stage-to-stage conversion and the win rate.

    Raises
    ------
    InvalidParameterError
        Bad codes; LOST deals without ``lost_from`` or with a code outside 0..2.
    ShapeMismatchError
        Columns of different lengths.

    Examples
    --------
    >>> c = funnel_conversion([0, 0, 1, 2, 3, 3, 4, 4], lost_from=[-1] * 6 + [0, 2])
    >>> c.reached.tolist(), c.conversion.tolist(), c.win_rate
    ([8, 5, 4, 2], [0.625, 0.8, 0.5], 0.5)
    """
    s = _stages(stage)
    is_lost = s == _LOST
    reached_step = s.copy()
    if lost_from is not None:
        lf = as_int_array(lost_from, "lost_from", ndim=1)
        same_length({"stage": s, "lost_from": lf})
        fail_where(
            is_lost & ((lf < 0) | (lf >= _N_OPEN)),
            lf,
            "lost_from",
            f"be the open stage (0..{_N_OPEN - 1}) of every LOST deal",
        )
        reached_step[is_lost] = lf[is_lost]
        lost = np.bincount(lf[is_lost], minlength=_N_OPEN).astype(np.int64)
    elif is_lost.any():
        raise InvalidParameterError(
            f"'lost_from' must be given when deals are LOST (to know how far they got); got "
            f"{int(np.count_nonzero(is_lost))} LOST deals and no 'lost_from'."
        )
    else:
        lost = np.zeros(_N_OPEN, dtype=np.int64)
    per_step = np.bincount(reached_step, minlength=_WON + 1)[: _WON + 1]
    reached = np.cumsum(per_step[::-1])[::-1].astype(np.int64)
    won = int(np.count_nonzero(s == _WON))
    closed = won + int(np.count_nonzero(is_lost))
    return FunnelConversion(
        FUNNEL_LEVELS[: _WON + 1],
        reached,
        _ratio(reached[1:], reached[:-1]),
        lost,
        won,
        float(_ratio(reached[-1], reached[0])),
        float(_ratio(won, closed)),
    )


def opportunity_arrays(
    opportunities: Iterable[Opportunity],
) -> tuple[IntArray, FloatArray, FloatArray, IntArray]:
    """Return ``(stage, amount, probability, lost_from)`` columns of deals in one currency.

    ``lost_from`` is -1 for deals that are not LOST.

    Parameters
    ----------
    opportunities : iterable of Opportunity
        The deals, N of them.

    Returns
    -------
    stage : ndarray of int64, shape (N,)
        :data:`FUNNEL_LEVELS` index of each deal's stage.
    amount, probability : ndarray of float64, shape (N,)
        Deal amount (one currency) and win probability.
    lost_from : ndarray of int64, shape (N,)
        Stage the deal was lost from; -1 when it was not lost.

    Raises
    ------
    InvalidParameterError
        An item is not an :class:`~kamcore.domain.Opportunity`.
    CurrencyMismatchError
        Amounts in more than one currency.

    Examples
    --------
    >>> from kamcore.domain import Money, Opportunity, FunnelStage
    >>> s, a, p, lf = opportunity_arrays([
    ...     Opportunity("o1", "c1", FunnelStage.LEAD, Money.of("100", "EUR"), 0.1)])
    >>> s.tolist(), a.tolist(), p.tolist(), lf.tolist()
    ([0], [100.0], [0.1], [-1])
    """
    items = coerce_items(opportunities, "opportunities", object)
    for i, o in enumerate(items):
        if not isinstance(o, Opportunity):
            raise InvalidParameterError(
                f"'opportunities' must contain only Opportunity objects; got {o!r} at index {i}."
            )
    currencies = sorted({o.amount.currency for o in items})
    if len(currencies) > 1:
        raise CurrencyMismatchError(
            f"'opportunities' must share one currency; got {', '.join(currencies)}."
        )
    stage = np.array([o.stage.code for o in items], dtype=np.int64)
    amount = np.array([float(o.amount.amount) for o in items], dtype=np.float64)
    probability = np.array([o.probability for o in items], dtype=np.float64)
    lost_from = np.array(
        [-1 if o.lost_from is None else o.lost_from.code for o in items], dtype=np.int64
    )
    return stage, amount, probability, lost_from
