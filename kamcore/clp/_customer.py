r"""Per-customer lifetime profit from a repeat-buying model, a spend model and margins.

A fitted transaction model (BG/NBD, Pareto/NBD, BG/BB, ... anything with
``expected_purchases(t, frequency, recency, T)``) says how many purchases each
customer is expected to make in the future; a spend model (Gamma-Gamma, or a
given spend per purchase) says how much each purchase is worth; a margin rate
and a cost to serve turn revenue into *profit*. This module combines them into
an expected discounted profit per customer, vectorised over customers with a
loop over the periods only (memory is ``O(customers)``, never
``customers x periods``); with a positive discount rate the loop stops once the
rest of the horizon is bounded to :math:`10^{-12}` relative (see
:func:`_discounted_sums`), so long horizons cost what short ones do.

The formula
-----------
Periods ``k = 1 .. H`` have length ``L`` in the model's time unit and end at
:math:`t_k = kL` after the end of the observed history (``T``). With
:math:`E_i(t)` the expected purchases of customer ``i`` in :math:`(T, T+t]`,
:math:`s_i` the expected spend per purchase, :math:`m_i` the margin *rate*
(profit / revenue, in [-1, 1]), :math:`c_i` the cost to serve per period and
:math:`d` the discount rate per period, cash of period ``k`` is counted at its
end:

.. math::

    \mathrm{CLP}_i = \sum_{k=1}^{H} \frac{m_i\, s_i\,[E_i(t_k) - E_i(t_{k-1})]
                     - c_i\, a_{ik}}{(1 + d)^k}

where :math:`a_{ik}` is

* ``cost_basis="alive"`` (default): the probability that the customer is still
  alive at the end of period ``k``, :math:`P(\text{alive at } T + t_k)`, from
  the model's ``probability_alive_at(t, frequency, recency, T)`` (every built-in
  transaction model has it: BG/NBD, MBG/NBD, Pareto/NBD, BG/BB;
  for a discrete-opportunity model "alive at the end of period k" means "alive
  at that period's opportunity"). A customer who dies during period ``k`` is
  not charged for it.
* ``cost_basis="horizon"``: 1 -- the cost is committed for the whole horizon
  (an account team assigned for ``H`` periods whatever happens).

The model is evaluated once per distinct ``(frequency, recency, T)`` history
(``collapse=True``, the default) and the cost term only when some
:math:`c_i > 0`. Negative margins and
negative CLPs are reported as they are: this is profit, not revenue.

Examples
--------
>>> from kamcore.clp import BetaGeoBetaBinom
>>> from kamcore.clp import GammaGamma
>>> bgbb = BetaGeoBetaBinom(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
>>> gg = GammaGamma(p=6.25, q=3.74, gamma=15.44)
>>> res = customer_lifetime_profit(
...     bgbb, frequency=[6, 3, 0], recency=[6, 6, 0], T=6, spend_model=gg,
...     average_spend=[50.0, 30.0, 0.0], margin_rate=0.3, cost_per_period=2.0,
...     discount_rate=0.1, n_periods=10)
>>> res.clp.round(2)
array([53.41, 13.52, -0.22])
>>> res.purchases.round(2)
array([6.71, 3.91, 0.13])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol, runtime_checkable

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from kamcore._columns import CustomerColumns
from kamcore._fitting import (
    collapse_rows,
)
from kamcore._params import (
    NONNEGATIVE,
    POSITIVE,
    FloatArray,
    Interval,
    as_float_array,
    as_float_scalar,
    as_int_array,
    check_in,
    fail_where,
    frozen_floats,
    same_length,
)
from kamcore.clp._intervals import PredictionInterval, delta_interval
from kamcore.clp._predictions import customer_summary, key_ids, positional_ids, text_ids
from kamcore.errors import InvalidParameterError, ShapeMismatchError

if TYPE_CHECKING:
    from kamcore._portfolio import Portfolio

__all__ = [
    "COST_BASES",
    "CustomerProfit",
    "SpendModel",
    "SurvivalModel",
    "TransactionModel",
    "customer_lifetime_profit",
    "customer_lifetime_profit_interval",
    "portfolio_lifetime_profit",
]

COST_BASES: Final[tuple[str, ...]] = ("alive", "horizon")
"""Accepted ``cost_basis`` values (see the module documentation)."""

MARGIN_RATE: Final = Interval(-1.0, 1.0)
_DISCOUNT: Final = Interval(-1.0, low_closed=False)
_AT_LEAST_ONE: Final = Interval(1.0)
_TOLERANCE: Final = 1e-9
_TAIL_TOLERANCE: Final = 1e-12
"""Relative gap between the bounds of the rest of a discounted sum at which it is closed."""
_TAIL_CHECK_EVERY: Final = 8
MAX_LOOP_PERIODS: Final = 100_000
"""Most periods summed one by one when the discounting cannot bound the rest (d <= 0)."""

CostBasis = Literal["alive", "horizon"]


# ----------------------------------------------------------------- protocols
class TransactionModel(Protocol):
    """A repeat-buying model: expected purchases in ``(T, T + t]`` given the history.

    Implemented by :class:`~kamcore.clp.BetaGeo`,
    :class:`~kamcore.clp.BetaGeoBetaBinom` and the other BTYD models.
    Arguments are passed by keyword (``t``, ``frequency``, ``recency``, ``T``);
    the return value must broadcast like the inputs, be finite and
    non-decreasing in ``t``.

    Examples
    --------
    >>> from kamcore.clp import ParetoNBD
    >>> m = ParetoNBD(r=0.553, alpha=10.578, s=0.606, beta=11.669)
    >>> m.expected_purchases(t=39.0, frequency=2, recency=30.43, T=38.86).round(3)
    np.float64(1.455)
    """

    def expected_purchases(self, *, t: Any, frequency: Any, recency: Any, T: Any) -> FloatArray:
        """Return the expected purchases in ``(T, T + t]`` for each customer."""
        ...


@runtime_checkable
class SurvivalModel(Protocol):
    """Optional: a model that knows the probability of being alive at ``T + t``.

    Examples
    --------
    >>> from kamcore.clp import BetaGeo, SurvivalModel
    >>> isinstance(BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426), SurvivalModel)
    True
    """

    def probability_alive_at(self, *, t: Any, frequency: Any, recency: Any, T: Any) -> FloatArray:
        """Return the probability that each customer is alive at ``T + t``."""
        ...


class SpendModel(Protocol):
    """A spend model, e.g. :class:`~kamcore.clp.GammaGamma`.

    Examples
    --------
    >>> from kamcore.clp import GammaGamma
    >>> gg = GammaGamma(p=6.25, q=3.74, gamma=15.44)
    >>> gg.conditional_expected_average_spend(frequency=[1, 4], average_spend=[20.0, 20.0]).round(2)
    array([24.64, 21.5 ])
    """

    def conditional_expected_average_spend(
        self, *, frequency: Any, average_spend: Any
    ) -> FloatArray:
        """Return the expected spend per purchase of each customer."""
        ...


# ----------------------------------------------------------------- result
def _default_ids(self: Any) -> NDArray[np.str_]:
    return positional_ids(int(np.shape(self.clp)[0]) if np.ndim(self.clp) else 1)


def _conv_clp(value: Any) -> FloatArray:
    return frozen_floats(value, "clp", ndim=1)


def _conv_discounted_margin(value: Any) -> FloatArray:
    return frozen_floats(value, "discounted_margin", ndim=1)


def _conv_discounted_cost(value: Any) -> FloatArray:
    return frozen_floats(value, "discounted_cost", ndim=1)


def _conv_discounted_revenue(value: Any) -> FloatArray:
    return frozen_floats(value, "discounted_revenue", ndim=1)


def _conv_purchases(value: Any) -> FloatArray:
    return frozen_floats(value, "purchases", ndim=1)


def _conv_spend(value: Any) -> FloatArray:
    return frozen_floats(value, "spend", ndim=1)


@attrs.frozen(eq=False, repr=False)
class CustomerProfit(CustomerColumns):
    r"""Expected discounted lifetime profit per customer and its parts, keyed by customer id.

    All array fields are read-only float64 arrays of shape ``(n,)`` (one per
    customer), money in the unit of the spend, purchases in counts.
    ``to_frame(backend)`` gives them as a frame keyed by ``ids`` (the id
    column first) and notebooks show the first rows as a table.

    Parameters
    ----------
    clp
        Expected discounted profit: ``discounted_margin - discounted_cost``.
    discounted_margin
        :math:`\sum_k m\, s\, \Delta E_k / (1+d)^k` (gross profit from purchases).
    discounted_cost
        :math:`\sum_k c\, a_k / (1+d)^k` (cost to serve).
    discounted_revenue
        :math:`\sum_k s\, \Delta E_k / (1+d)^k`.
    purchases
        Expected purchases over the horizon, undiscounted: :math:`E(t_H)`.
    spend
        Expected spend per purchase used.
    ids
        Customer ids (text), shape ``(n,)``, keyword-only. The calculators
        set them from their inputs: a customer summary's ids, explicit
        ``ids=``, a portfolio's ids or the index of pandas Series inputs;
        when none of these is given the ids are positional, ``"0" .. "n-1"``
        (the default here too).

    Examples
    --------
    >>> from kamcore.clp import BetaGeoBetaBinom, customer_lifetime_profit
    >>> m = BetaGeoBetaBinom(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
    >>> res = customer_lifetime_profit(m, frequency=[6, 1], recency=[6, 1], T=6, spend=100.0,
    ...                                margin_rate=0.25, discount_rate=0.1, n_periods=5)
    >>> res.clp.round(2).tolist()
    [71.89, 1.64]
    """

    clp: FloatArray = attrs.field(converter=_conv_clp)
    discounted_margin: FloatArray = attrs.field(converter=_conv_discounted_margin)
    discounted_cost: FloatArray = attrs.field(converter=_conv_discounted_cost)
    discounted_revenue: FloatArray = attrs.field(converter=_conv_discounted_revenue)
    purchases: FloatArray = attrs.field(converter=_conv_purchases)
    spend: FloatArray = attrs.field(converter=_conv_spend)
    ids: NDArray[np.str_] = attrs.field(
        default=attrs.Factory(_default_ids, takes_self=True), kw_only=True, converter=text_ids
    )

    def __attrs_post_init__(self) -> None:
        n = self.ids.shape
        names = ("clp", "discounted_margin", "discounted_cost", "discounted_revenue")
        for name in (*names, "purchases", "spend"):
            if getattr(self, name).shape != n:
                raise ShapeMismatchError(
                    f"{name!r} must have one value per customer id ({n[0]}); "
                    f"got shape {getattr(self, name).shape}."
                )

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    def ranked(self, backend: str = "pandas", *, id_column: str = "id") -> Any:
        """Return :meth:`to_frame` sorted by ``clp``, largest first (ties by id).

        Parameters
        ----------
        backend : {"pandas", "polars", "pyarrow"}
            The frame library.
        id_column
            Name of the id column.
        """
        order = np.lexsort((self.ids, -self.clp))
        ranked = attrs.evolve(
            self,
            **{name: getattr(self, name)[order] for name in self.columns()},
            ids=self.ids[order],
        )
        return ranked.to_frame(backend, id_column=id_column)

    def total(self) -> float:
        """Return the customer equity of these customers: the sum of their CLPs."""
        return float(self.clp.sum())


# ----------------------------------------------------------------- validation
def _per_customer(value: ArrayLike, name: str, n: int, domain: Interval) -> FloatArray:
    arr = as_float_array(value, name, domain=domain)
    if arr.ndim == 0:
        return np.full(n, float(arr))
    if arr.ndim != 1 or arr.shape[0] != n:
        raise ShapeMismatchError(
            f"{name!r} must be a scalar or have one value per customer ({n}); "
            f"got shape {arr.shape}."
        )
    return arr


def _model_output(value: Any, name: str, n: int) -> FloatArray:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    if arr.shape != (n,):
        raise ShapeMismatchError(
            f"the model's {name} must return one value per customer ({n}); got shape {arr.shape}."
        )
    fail_where(~np.isfinite(arr), arr, name, "be finite (the model returned NaN or infinity)")
    return arr


def _spend(
    spend: ArrayLike | None,
    spend_model: SpendModel | None,
    average_spend: ArrayLike | None,
    frequency: ArrayLike,
    n: int,
) -> FloatArray:
    if (spend is None) == (spend_model is None):
        raise InvalidParameterError(
            "give exactly one of 'spend' (expected spend per purchase) and 'spend_model' "
            f"(e.g. a fitted GammaGamma); got {'both' if spend is not None else 'neither'}."
        )
    if spend is not None:
        if average_spend is not None:
            raise InvalidParameterError(
                "'average_spend' is only used with 'spend_model'; got it together with 'spend'."
            )
        return _per_customer(spend, "spend", n, NONNEGATIVE)
    if average_spend is None:
        raise InvalidParameterError(
            "'average_spend' (average spend per past purchase) is required with 'spend_model'."
        )
    assert spend_model is not None
    out = spend_model.conditional_expected_average_spend(
        frequency=frequency, average_spend=average_spend
    )
    return _model_output(out, "spend", n)


# ----------------------------------------------------------------- period sums
@runtime_checkable
class _FactoredModel(Protocol):
    """A model whose predictions factor as ``P(alive at T) * kernel(t; x, T)``.

    BG/NBD and MBG/NBD: the expected purchases in ``(T, T+t]`` and the probability
    of being alive at ``T + t`` are the probability of being alive at ``T`` (which
    depends on the whole history) times a kernel that depends on ``(x, T)`` only,
    so the ``H`` kernel evaluations per period run once per distinct ``(x, T)``.
    """

    def _alive_now(self, *, frequency: Any, recency: Any, T: Any) -> FloatArray: ...

    def _purchase_kernel(self, *, t: float, frequency: Any, T: Any) -> FloatArray: ...

    def _survival_kernel(self, *, t: float, frequency: Any, T: Any) -> FloatArray: ...


PeriodSums = tuple[FloatArray, FloatArray, FloatArray, float]


def _check_increment(increment: FloatArray, cum: FloatArray, k: int) -> None:
    fail_where(
        increment < -_TOLERANCE * (1.0 + np.abs(cum)),
        cum,
        "expected_purchases",
        f"be non-decreasing in t (the model's value at period {k} is smaller than "
        f"at period {k - 1})",
    )


def _check_alive(alive: FloatArray) -> None:
    fail_where(
        (alive < 0) | (alive > 1),
        alive,
        "probability_alive_at",
        "be a probability in [0, 1]",
    )


Evaluate = Callable[[float], tuple[FloatArray, FloatArray | None]]
"""``t -> (cumulative expected purchases, P(alive) or None)`` at one period end."""


def _discounted_sums(
    evaluate: Evaluate, m: int, *, h: int, step: float, d: float, alive_cost: bool
) -> PeriodSums:
    r"""Discounted purchases, purchases to the horizon, discounted P(alive), annuity.

    Sums period by period with :math:`f_k = (1+d)^{-k}`. With :math:`d > 0` the
    loop stops once the rest is pinned down: :math:`E` grows and
    :math:`P(\text{alive})` shrinks with :math:`t`, so after period :math:`k`

    .. math::

        f_H\,(E_H - E_k) \le \sum_{j>k} f_j\,\Delta E_j \le f_{k+1}\,(E_H - E_k),\qquad
        P_H F_k \le \sum_{j>k} f_j P_j \le P_k F_k,\quad F_k = \sum_{j=k+1}^{H} f_j,

    with :math:`E_H, P_H` evaluated once at the horizon. When both gaps are
    below :data:`_TAIL_TOLERANCE` of the sums for every customer the midpoints
    are added (error at most half the gap), so a horizon of :math:`10^5` or
    :math:`10^{15}` periods costs a few hundred periods at :math:`d = 0.1`.
    With :math:`d = 0` the discounted purchases telescope to :math:`E_H`; a
    loop that cannot stop early (:math:`d \le 0` with the cost charged while
    alive, or :math:`d < 0`) is refused beyond :data:`MAX_LOOP_PERIODS` periods.
    """
    if d <= 0.0 and h > MAX_LOOP_PERIODS and (alive_cost or d < 0.0):
        raise InvalidParameterError(
            f"'n_periods' must be <= {MAX_LOOP_PERIODS:,} with discount_rate {d!r} <= 0 "
            f"(every period is evaluated; with a positive discount rate the tail of a longer "
            f"horizon is bounded and summed in closed form); got {h:,}."
        )
    annuity = float(h) if d == 0.0 else float(-np.expm1(-h * np.log1p(d)) / d)
    if d == 0.0 and not alive_cost:
        cum_h, _ = evaluate(h * step)
        _check_increment(cum_h, cum_h, h)
        return cum_h, cum_h, np.zeros(m), annuity
    cum_h, alive_h = evaluate(h * step) if d > 0.0 else (np.zeros(m), None)
    disc_purchases = np.zeros(m)
    disc_alive = np.zeros(m)
    previous = np.zeros(m)
    alive_k = np.ones(m)
    log_q = -float(np.log1p(d))
    for k in range(1, h + 1):
        factor = float(np.exp(k * log_q))
        cum, alive = evaluate(k * step)
        increment = cum - previous
        _check_increment(increment, cum, k)
        disc_purchases += factor * increment
        previous = cum
        if alive is not None:
            disc_alive += factor * alive
            alive_k = alive
        if d > 0.0 and k < h and k % _TAIL_CHECK_EVERY == 0:
            f_next = float(np.exp((k + 1) * log_q))
            f_last = float(np.exp(h * log_q))
            rest = -float(np.expm1((h - k) * log_q)) * f_next / -float(np.expm1(log_q))
            grow = np.maximum(cum_h - cum, 0.0)
            p_lo, p_hi = f_last * grow, f_next * grow
            a_lo = rest * (alive_h if alive_h is not None else np.zeros(m))
            a_hi = rest * alive_k if alive_cost else a_lo
            tight = (p_hi - p_lo <= _TAIL_TOLERANCE * (disc_purchases + p_lo)) & (
                a_hi - a_lo <= _TAIL_TOLERANCE * (disc_alive + a_lo)
            )
            if tight.all():
                _check_increment(cum_h - cum, cum_h, h)
                disc_purchases += 0.5 * (p_lo + p_hi)
                disc_alive += 0.5 * (a_lo + a_hi)
                return disc_purchases, cum_h, disc_alive, annuity
    return disc_purchases, previous, disc_alive, annuity


def _reference_sums(
    model: TransactionModel,
    xu: Any,
    txu: FloatArray,
    ageu: FloatArray,
    *,
    h: int,
    step: float,
    d: float,
    alive_cost: bool,
) -> PeriodSums:
    """Discounted purchases, cumulative purchases, discounted P(alive), annuity (any model)."""
    m = xu.shape[0]

    def evaluate(t_k: float) -> tuple[FloatArray, FloatArray | None]:
        cum = _model_output(
            model.expected_purchases(t=t_k, frequency=xu, recency=txu, T=ageu),
            "expected_purchases",
            m,
        )
        if not alive_cost:
            return cum, None
        assert isinstance(model, SurvivalModel)
        alive = _model_output(
            model.probability_alive_at(t=t_k, frequency=xu, recency=txu, T=ageu),
            "probability_alive_at",
            m,
        )
        _check_alive(alive)
        return cum, alive

    return _discounted_sums(evaluate, m, h=h, step=step, d=d, alive_cost=alive_cost)


def _factored_sums(
    model: _FactoredModel,
    xu: Any,
    txu: FloatArray,
    ageu: FloatArray,
    *,
    h: int,
    step: float,
    d: float,
    alive_cost: bool,
) -> PeriodSums:
    r"""As :func:`_reference_sums` for a :class:`_FactoredModel`.

    :math:`\sum_k f_k [E(t_k) - E(t_{k-1})] = P(\text{alive})
    \sum_k f_k [K(t_k) - K(t_{k-1})]`: the period loop runs over the distinct
    ``(x, T)`` pairs (a few hundred on real data) instead of the distinct
    histories, and each history is touched once.
    """
    m = xu.shape[0]
    now = _model_output(model._alive_now(frequency=xu, recency=txu, T=ageu), "probability_alive", m)
    _check_alive(now)
    (xk, ak), _, pair = collapse_rows(xu, ageu, return_inverse=True)
    mk = xk.shape[0]

    def evaluate(t_k: float) -> tuple[FloatArray, FloatArray | None]:
        cum = _model_output(
            model._purchase_kernel(t=t_k, frequency=xk, T=ak), "expected_purchases", mk
        )
        if not alive_cost:
            return cum, None
        later = _model_output(
            model._survival_kernel(t=t_k, frequency=xk, T=ak), "probability_alive_at", mk
        )
        _check_alive(later)
        return cum, later

    disc_kernel, previous, disc_survival, annuity = _discounted_sums(
        evaluate, mk, h=h, step=step, d=d, alive_cost=alive_cost
    )
    return (
        now * disc_kernel[pair],
        now * previous[pair],
        now * disc_survival[pair] if alive_cost else np.zeros(m),
        annuity,
    )


def _check_model(model: Any, *methods: str) -> None:
    """Refuse a ``model`` that lacks the methods the calculation calls."""
    missing = [m for m in methods if not callable(getattr(model, m, None))]
    if missing:
        raise InvalidParameterError(
            f"'model' must be a repeat-buying model with {', '.join(missing)}(...) (e.g. a "
            f"fitted kamcore.clp.BetaGeo); got {type(model).__name__}."
        )


def _check_model_history(model: Any, x: Any, tx: Any, age: Any, ids: Any = None) -> None:
    """Let a built-in model refuse impossible histories in the caller's row order."""
    check = getattr(model, "_check_history", None)
    if callable(check):
        check(frequency=x, recency=tx, T=age, ids=ids)


# ----------------------------------------------------------------- the calculator
def customer_lifetime_profit(
    model: TransactionModel,
    data: Any = None,
    *,
    frequency: ArrayLike | None = None,
    recency: ArrayLike | None = None,
    T: ArrayLike | None = None,
    margin_rate: ArrayLike,
    discount_rate: float,
    n_periods: int,
    spend: ArrayLike | None = None,
    spend_model: SpendModel | None = None,
    average_spend: ArrayLike | None = None,
    cost_per_period: ArrayLike = 0.0,
    cost_basis: CostBasis = "alive",
    period_length: float = 1.0,
    collapse: bool = True,
    ids: ArrayLike | None = None,
) -> CustomerProfit:
    r"""Return the expected discounted lifetime profit of each customer over ``n_periods`` periods.

    See the module documentation for the formula and the cost conventions.

    Parameters
    ----------
    model
        A fitted transaction model (:class:`TransactionModel`); with
        ``cost_basis="alive"`` and a positive cost it must also implement
        :class:`SurvivalModel`.
    data
        Optional :class:`~kamcore.transactions.TransactionSummary` or
        :class:`~kamcore.transactions.CalibrationHoldout`: its ``frequency``,
        ``recency``, ``T`` (and ``monetary_value`` as ``average_spend`` with a
        ``spend_model``) are used and its ids key the result. Exclusive with
        ``frequency``/``recency``/``T`` and ``ids``.
    frequency, recency, T
        Customer histories as the model expects them, 1-D of one length ``n``;
        keyword-only; required without ``data``.
    margin_rate
        Profit per unit of revenue, in [-1, 1]; scalar or shape ``(n,)``.
    discount_rate
        Discount rate per period (> -1; e.g. 0.01 per month).
    n_periods
        Number of periods ``H`` valued (whole number >= 1).
    spend
        Expected spend per purchase, >= 0; scalar or shape ``(n,)``. Exclusive
        with ``spend_model``.
    spend_model, average_spend
        A spend model (e.g. a fitted GammaGamma) and each customer's average
        past spend per purchase; the expected spend is
        ``spend_model.conditional_expected_average_spend(frequency=..., average_spend=...)``.
    cost_per_period
        Cost to serve per period, >= 0; scalar or shape ``(n,)``.
    cost_basis
        ``"alive"`` (charged while the customer is alive) or ``"horizon"``
        (charged every period).
    period_length
        Length of one period in the model's time unit (> 0), e.g. 4.345 weeks
        for monthly periods with a weekly model; whole numbers for BG/BB.
    collapse
        Evaluate the model once per distinct ``(frequency, recency, T)`` history
        and share the result (default; identical numbers, much faster on real
        data whose histories repeat). ``False`` calls the model on every row.
    ids
        Customer ids (str or int, unique), shape ``(n,)``; not with ``data``.

    Returns
    -------
    CustomerProfit
        Per-customer arrays of shape ``(n,)``; ``.clp`` is the answer. Keyed
        by the ids of ``data``, else ``ids``, else the index of pandas Series
        inputs, else positional ids ``"0" .. "n-1"``; ``to_frame(backend)``
        and :meth:`CustomerProfit.ranked` give frames keyed by id.

    Raises
    ------
    InvalidParameterError, ShapeMismatchError
        Bad inputs, a model that returns NaN, shrinking cumulative purchases, or
        ``cost_basis="alive"`` with a cost and a model without ``probability_alive_at``.

    Examples
    --------
    >>> from kamcore.clp import BetaGeoBetaBinom
    >>> m = BetaGeoBetaBinom(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
    >>> res = customer_lifetime_profit(m, frequency=[6, 1], recency=[6, 1], T=6, spend=100.0,
    ...                                margin_rate=0.25, discount_rate=0.1, n_periods=5)
    >>> res.clp.round(2), res.discounted_revenue.round(2)
    (array([71.89,  1.64]), array([287.57,   6.56]))
    >>> res.ids.tolist()
    ['0', '1']
    """
    _check_model(model, "expected_purchases")
    frequency, recency, T, average_spend, key = _histories(
        data,
        frequency=frequency,
        recency=recency,
        T=T,
        spend_model=spend_model,
        average_spend=average_spend,
        ids=ids,
    )
    parts = _profit_parts(
        model,
        frequency=frequency,
        recency=recency,
        T=T,
        margin_rate=margin_rate,
        discount_rate=discount_rate,
        n_periods=n_periods,
        spend=spend,
        spend_model=spend_model,
        average_spend=average_spend,
        cost_per_period=cost_per_period,
        cost_basis=cost_basis,
        period_length=period_length,
        collapse=collapse,
    )
    n = parts["clp"].shape[0]
    sources = {"frequency": frequency, "recency": recency, "T": T}
    return CustomerProfit(**parts, ids=key if key is not None else key_ids(ids, n, sources))


def _profit_parts(
    model: TransactionModel,
    *,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    margin_rate: ArrayLike,
    discount_rate: float,
    n_periods: int,
    spend: ArrayLike | None,
    spend_model: SpendModel | None,
    average_spend: ArrayLike | None,
    cost_per_period: ArrayLike,
    cost_basis: CostBasis,
    period_length: float,
    collapse: bool,
) -> dict[str, FloatArray]:
    """Validate and compute the columns of :class:`CustomerProfit` (everything but the ids)."""
    x = as_float_array(frequency, "frequency", ndim=1, allow_empty=False)
    tx = as_float_array(recency, "recency", ndim=1, allow_empty=False)
    age = as_float_array(T, "T")
    if age.ndim:
        age = as_float_array(age, "T", ndim=1)
    n = same_length({"frequency": x, "recency": tx} | ({"T": age} if age.ndim else {}))
    margin = _per_customer(margin_rate, "margin_rate", n, MARGIN_RATE)
    cost = _per_customer(cost_per_period, "cost_per_period", n, NONNEGATIVE)
    d = as_float_scalar(discount_rate, "discount_rate", domain=_DISCOUNT)
    h = int(as_int_array(n_periods, "n_periods", domain=_AT_LEAST_ONE, ndim=0))
    step = as_float_scalar(period_length, "period_length", domain=POSITIVE)
    check_in(cost_basis, "cost_basis", COST_BASES)
    s = _spend(spend, spend_model, average_spend, x, n)
    charge = bool(cost.any())
    if charge and cost_basis == "alive" and not isinstance(model, SurvivalModel):
        raise InvalidParameterError(
            f"'cost_basis' 'alive' needs a model with probability_alive_at(t, frequency, "
            f"recency, T); {type(model).__name__} has none. Pass cost_basis='horizon' to "
            f"charge the cost every period, or a cost_per_period of 0."
        )
    xi = x.astype(np.int64) if np.all(x == np.round(x)) else x
    age_n = np.broadcast_to(age, (n,))
    _check_model_history(model, x, tx, age_n)
    if collapse:
        # the model sees each distinct history once; customers share its results
        (xu, txu, ageu), _, inverse = collapse_rows(xi, tx, age_n, return_inverse=True)
    else:
        xu, txu, ageu, inverse = xi, tx, age_n, None
    alive_cost = charge and cost_basis == "alive"
    if isinstance(model, _FactoredModel):
        disc_purchases_u, previous, disc_alive_u, annuity = _factored_sums(
            model, xu, txu, ageu, h=h, step=step, d=d, alive_cost=alive_cost
        )
    else:
        disc_purchases_u, previous, disc_alive_u, annuity = _reference_sums(
            model, xu, txu, ageu, h=h, step=step, d=d, alive_cost=alive_cost
        )

    def spread(values: FloatArray) -> FloatArray:
        return values if inverse is None else values[inverse]

    disc_purchases = spread(disc_purchases_u)
    if not charge:
        disc_cost = np.zeros(n)
    elif cost_basis == "alive":
        disc_cost = cost * spread(disc_alive_u)
    else:
        disc_cost = cost * annuity
    revenue = s * disc_purchases
    margin_part = margin * revenue
    return {
        "clp": margin_part - disc_cost,
        "discounted_margin": margin_part,
        "discounted_cost": disc_cost,
        "discounted_revenue": revenue,
        "purchases": spread(previous),
        "spend": s,
    }


def _histories(
    data: Any,
    *,
    frequency: ArrayLike | None,
    recency: ArrayLike | None,
    T: ArrayLike | None,
    spend_model: SpendModel | None,
    average_spend: ArrayLike | None,
    ids: ArrayLike | None,
) -> tuple[ArrayLike, ArrayLike, ArrayLike, ArrayLike | None, NDArray[np.str_] | None]:
    """Return the histories, the average spend and the ids of a summary, or the arrays given."""
    arrays = {"frequency": frequency, "recency": recency, "T": T}
    if data is None:
        missing = [k for k, v in arrays.items() if v is None]
        if missing:
            raise InvalidParameterError(
                f"{missing[0]!r} is required: pass frequency, recency and T, or a customer "
                f"summary as 'data'."
            )
        assert frequency is not None
        assert recency is not None
        assert T is not None
        return frequency, recency, T, average_spend, None
    summary = customer_summary(data)
    given = [k for k, v in (arrays | {"ids": ids}).items() if v is not None]
    if given:
        raise InvalidParameterError(
            f"{given[0]!r} must not be given with 'data' (the summary supplies the histories "
            f"and the ids); pass one or the other."
        )
    if spend_model is not None and average_spend is None:
        average_spend = summary.monetary_value
    return summary.frequency, summary.recency, summary.T, average_spend, summary.ids


def customer_lifetime_profit_interval(
    model: TransactionModel,
    data: Any = None,
    *,
    frequency: ArrayLike | None = None,
    recency: ArrayLike | None = None,
    T: ArrayLike | None = None,
    margin_rate: ArrayLike,
    discount_rate: float,
    n_periods: int,
    spend: ArrayLike | None = None,
    spend_model: SpendModel | None = None,
    average_spend: ArrayLike | None = None,
    cost_per_period: ArrayLike = 0.0,
    cost_basis: CostBasis = "alive",
    period_length: float = 1.0,
    level: float = 0.9,
    ids: ArrayLike | None = None,
) -> PredictionInterval:
    r"""Per-customer lifetime profit with a delta-method interval for parameter uncertainty.

    The point is :func:`customer_lifetime_profit` (same arguments); the
    standard error is the delta method over the fitted transaction model's
    parameters plus, when ``spend_model`` is a fitted model, over the spend
    model's (the two fits are independent, so the variances add):
    :math:`\mathrm{se}^2 = \nabla_\theta \mathrm{CLP}^\top \Sigma_\theta
    \nabla_\theta \mathrm{CLP} + \nabla_\psi \mathrm{CLP}^\top \Sigma_\psi
    \nabla_\psi \mathrm{CLP}`, gradients by central differences in the
    log-parameters (``2k`` CLP evaluations). The interval is
    :math:`\widehat{\mathrm{CLP}} \pm z\,\mathrm{se}` (profit may be negative,
    so no link). A spend model built from given parameters adds no variance;
    the transaction model must be fitted.

    Parameters
    ----------
    model : TransactionModel
        A *fitted* transaction model (its fit report carries the covariance).
    data : object, optional
        A repeat-buying summary (as in :func:`customer_lifetime_profit`): its
        histories (and spend) are used and its ids key the result. Exclusive
        with ``frequency``/``recency``/``T`` and ``ids``.
    frequency, recency, T, margin_rate, discount_rate, n_periods
        As in :func:`customer_lifetime_profit`.
    spend, spend_model, average_spend, cost_per_period, cost_basis, period_length
        As in :func:`customer_lifetime_profit`.
    level : float
        Coverage of the interval, in (0, 1); default 0.9.
    ids : array_like, optional
        Customer ids (str or int, unique), shape ``(n,)``; not with ``data``.

    Returns
    -------
    PredictionInterval
        Shape ``(n,)`` arrays; unpacks as ``point, lower, upper``; keyed by
        customer id like :func:`customer_lifetime_profit` (``to_frame`` works).

    Raises
    ------
    InvalidParameterError, ShapeMismatchError
        As :func:`customer_lifetime_profit`; also a ``level`` outside (0, 1), a
        transaction model that was not fitted, or a fit without a covariance.

    Examples
    --------
    >>> import numpy as np
    >>> from kamcore.clp import BetaGeo
    >>> truth = BetaGeo(r=0.5, alpha=5.0, a=0.8, b=2.5)
    >>> x, tx, T = truth.simulate(n_customers=1000, T=39.0, rng=np.random.default_rng(1))
    >>> m = BetaGeo.fit(frequency=x, recency=tx, T=T)
    >>> clp, lo, hi = customer_lifetime_profit_interval(
    ...     m, frequency=[2, 0], recency=[30.0, 0.0], T=39.0, spend=50.0, margin_rate=0.3,
    ...     discount_rate=0.002, n_periods=52, level=0.9)
    >>> bool(np.all((lo < clp) & (clp < hi)))
    True
    """
    _check_model(model, "expected_purchases")
    frequency, recency, T, average_spend, key = _histories(
        data,
        frequency=frequency,
        recency=recency,
        T=T,
        spend_model=spend_model,
        average_spend=average_spend,
        ids=ids,
    )
    kw: dict[str, Any] = {
        "frequency": frequency,
        "recency": recency,
        "T": T,
        "margin_rate": margin_rate,
        "discount_rate": discount_rate,
        "n_periods": n_periods,
        "spend": spend,
        "average_spend": average_spend,
        "cost_per_period": cost_per_period,
        "cost_basis": cost_basis,
        "period_length": period_length,
    }

    def clp(transactions: Any, spending: Any) -> FloatArray:
        return _profit_parts(transactions, spend_model=spending, collapse=True, **kw)["clp"]

    base = clp(model, spend_model)
    sources = {"frequency": frequency, "recency": recency, "T": T}
    keys = key if key is not None else key_ids(ids, base.shape[0], sources)
    parts: list[tuple[Any, Any, str]] = [(model, lambda m: clp(m, spend_model), "model")]
    if spend_model is not None and getattr(spend_model, "fit_report", None) is not None:
        parts.append((spend_model, lambda g: clp(model, g), "spend_model"))
    res = delta_interval(parts, base, level=level, link="identity")
    return attrs.evolve(res, ids=keys)


def portfolio_lifetime_profit(
    portfolio: Portfolio,
    model: TransactionModel,
    *,
    margin_rate: ArrayLike | str,
    discount_rate: float,
    n_periods: int,
    frequency: str = "frequency",
    recency: str = "recency",
    T: str = "T",
    spend: ArrayLike | str | None = None,
    spend_model: SpendModel | None = None,
    average_spend: str | None = None,
    cost_per_period: ArrayLike | str = 0.0,
    cost_basis: CostBasis = "alive",
    period_length: float = 1.0,
    collapse: bool = True,
) -> CustomerProfit:
    """:func:`customer_lifetime_profit` reading its per-customer inputs from a Portfolio.

    ``frequency``, ``recency``, ``T`` and ``average_spend`` name columns; ``spend``,
    ``margin_rate`` and ``cost_per_period`` are either column names or values.
    Unknown columns raise :class:`~kamcore.errors.UnknownNameError`.

    Parameters
    ----------
    portfolio : Portfolio
        The customers, one row each.
    model : TransactionModel
        A fitted transaction model.
    margin_rate : str or array-like
        A column name, or the values themselves (scalar or shape ``(n,)``).
    discount_rate, n_periods
        As in :func:`customer_lifetime_profit`.
    frequency, recency, T : str
        Names of the portfolio's columns holding the histories.
    spend : str or array-like, optional
        A column name, or the values themselves.
    spend_model
        As in :func:`customer_lifetime_profit`.
    average_spend : str, optional
        Name of the column of average spend per purchase.
    cost_per_period : str or array-like
        A column name, or the values themselves.
    cost_basis, period_length, collapse
        As in :func:`customer_lifetime_profit`.

    Returns
    -------
    CustomerProfit
        In the portfolio's row order, keyed by the portfolio's ids.

    Raises
    ------
    UnknownNameError
        A named column the portfolio lacks.
    InvalidParameterError, ShapeMismatchError
        As :func:`customer_lifetime_profit`.

    Examples
    --------
    >>> from kamcore import Portfolio
    >>> from kamcore.clp import BetaGeo
    >>> p = Portfolio.from_columns(["a", "b"], {"frequency": [2, 0], "recency": [30.43, 0.0],
    ...                                         "T": [38.86, 38.86]})
    >>> bg = BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> res = portfolio_lifetime_profit(p, bg, spend=30.0, margin_rate=0.3,
    ...                                 discount_rate=0.01, n_periods=12, period_length=4.345)
    >>> bool(res.clp[0] > res.clp[1] > 0)
    True
    """
    from kamcore._portfolio import Portfolio

    if not isinstance(portfolio, Portfolio):
        raise InvalidParameterError(
            f"'portfolio' must be a kamcore.Portfolio; got {type(portfolio).__name__}."
        )
    _check_model(model, "expected_purchases")
    _check_model_history(
        model,
        portfolio.column(frequency),
        portfolio.column(recency),
        portfolio.column(T),
        ids=portfolio.ids,
    )

    def col(value: Any) -> Any:
        return portfolio.column(value) if isinstance(value, str) else value

    return customer_lifetime_profit(
        model,
        frequency=portfolio.column(frequency),
        recency=portfolio.column(recency),
        T=portfolio.column(T),
        margin_rate=col(margin_rate),
        discount_rate=discount_rate,
        n_periods=n_periods,
        spend=col(spend),
        spend_model=spend_model,
        average_spend=None if average_spend is None else portfolio.column(average_spend),
        cost_per_period=col(cost_per_period),
        cost_basis=cost_basis,
        period_length=period_length,
        collapse=collapse,
        ids=portfolio.ids,
    )
