r"""Diagnostics of the repeat-buying (BTYD) models as Display objects.

Every display is computed once by a ``from_model`` classmethod from a fitted
model of :mod:`kamcore.clp` (:class:`~kamcore.clp.BetaGeo`,
:class:`~kamcore.clp.ModifiedBetaGeo`, :class:`~kamcore.clp.ParetoNBD`,
:class:`~kamcore.clp.BetaGeoBetaBinom`) and the data it is checked against,
and drawn by ``plot(ax=None)``. All computations are vectorised over
customers (identical inputs collapsed into weights where the model is
evaluated per distinct value).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Final

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from kamcore._optional import require
from kamcore._params import (
    NONNEGATIVE,
    POSITIVE,
    FloatArray,
    IntArray,
    as_float_array,
    as_float_scalar,
    as_int_array,
    readonly,
)
from kamcore.clp import BetaGeo, BetaGeoBetaBinom, ModifiedBetaGeo, ParetoNBD
from kamcore.errors import InvalidParameterError, ShapeMismatchError
from kamcore.plotting._base import (
    Display,
    check_choice,
    check_count,
    check_model,
    new_axes,
    placed,
)
from kamcore.transactions import TIME_UNITS, CalibrationHoldout, TransactionLog
from kamcore.transactions._log import check_date

__all__ = [
    "CalibrationHoldoutDisplay",
    "ExpectedPurchasesDisplay",
    "FrequencyRecencyDisplay",
    "HeterogeneityDisplay",
    "PeriodTransactionsDisplay",
    "ProbabilityAliveDisplay",
    "ProbabilityAliveHistoryDisplay",
    "TransactionTrackingDisplay",
]

TransactionModel = BetaGeo | ModifiedBetaGeo | ParetoNBD | BetaGeoBetaBinom
_TRANSACTION_MODELS: Final = (BetaGeo, ModifiedBetaGeo, ParetoNBD, BetaGeoBetaBinom)
_CONTINUOUS_MODELS: Final = (BetaGeo, ModifiedBetaGeo, ParetoNBD)


def _name(model: Any) -> str:
    return type(model).__name__


def _unit_days(time_unit: Any) -> float:
    """Length in days of a ``time_unit`` ("D", "W", "M", "Q", "Y" or a positive number)."""
    if isinstance(time_unit, str):
        if time_unit not in TIME_UNITS:
            raise InvalidParameterError(
                f"'time_unit' must be one of {', '.join(repr(u) for u in TIME_UNITS)} "
                f"or a positive number of days; got {time_unit!r}."
            )
        return float(TIME_UNITS[time_unit])
    return as_float_scalar(time_unit, "time_unit", domain=POSITIVE)


def _unit_word(time_unit: Any) -> str:
    words = {"D": "days", "W": "weeks", "M": "months", "Q": "quarters", "Y": "years"}
    if isinstance(time_unit, str):
        return words[time_unit]
    return f"periods of {float(time_unit):g} days"


def _day(value: Any, name: str) -> np.datetime64:
    """Return a date, ISO string or datetime64 as ``datetime64[D]``."""
    if isinstance(value, dt.datetime):
        raise InvalidParameterError(f"{name!r} must be a date, not a datetime; got {value!r}.")
    return check_date(value, name)  # the one date rule (ISO 8601, years 1 to 9999)


# ----------------------------------------------------------------- the (frequency, recency) grid
@attrs.frozen(eq=False)
class _Grid:
    frequency: IntArray
    recency: FloatArray
    T: float
    possible: NDArray[np.bool_]


def _grid(model: Any, T: Any, max_frequency: Any, n_recency: Any) -> _Grid:
    check_model(model, _TRANSACTION_MODELS)
    kmax = check_count(max_frequency, "max_frequency")
    if isinstance(model, BetaGeoBetaBinom):
        age_int = check_count(T, "T")
        age = float(age_int)
        recency = np.arange(age_int + 1, dtype=np.float64)
    else:
        age = as_float_scalar(T, "T", domain=POSITIVE)
        recency = np.linspace(0.0, age, check_count(n_recency, "n_recency", low=2))
    frequency = np.arange(kmax + 1, dtype=np.int64)
    f, r = np.meshgrid(frequency, recency, indexing="ij")
    possible = ((f == 0) & (r == 0)) | ((f > 0) & (r > 0))
    if isinstance(model, BetaGeoBetaBinom):
        possible &= f <= r
    return _Grid(readonly(frequency), readonly(recency), age, readonly(possible))


def _on_grid(g: _Grid, values: FloatArray) -> FloatArray:
    out = np.full(g.possible.shape, np.nan)
    out[g.possible] = values
    return readonly(out)


def _grid_inputs(g: _Grid) -> tuple[IntArray, FloatArray]:
    f, r = np.meshgrid(g.frequency, g.recency, indexing="ij")
    return f[g.possible], r[g.possible]


def _draw_grid(
    ax: Any, frequency: IntArray, recency: FloatArray, values: FloatArray, **kw: Any
) -> Any:
    dr = recency[1] - recency[0]
    extent = (
        recency[0] - dr / 2,
        recency[-1] + dr / 2,
        frequency[0] - 0.5,
        frequency[-1] + 0.5,
    )
    image = ax.imshow(values, origin="lower", aspect="auto", extent=extent, **kw)
    ax.yaxis.set_major_locator(require("matplotlib.ticker").MaxNLocator(integer=True))
    return image


@attrs.frozen(eq=False, repr=False)
class FrequencyRecencyDisplay(Display):
    r"""Expected purchases in the next ``t`` over a (frequency, recency) grid.

    For customers of age ``T`` with ``x`` repeat purchases, the last at
    ``t_x``: ``values[x, j] = model.expected_purchases(t=t, frequency=x,
    recency=recency[j], T=T)``. Cells that no history can reach (``x = 0``
    with ``t_x > 0``, ``x > 0`` with ``t_x = 0``, and for BG/BB ``x > t_x``)
    hold NaN and are marked False in ``possible``; they are drawn blank.

    Parameters
    ----------
    frequency : ndarray of int64, shape (K + 1,)
        0 .. ``max_frequency`` (rows).
    recency : ndarray of float64, shape (R,)
        Grid over [0, T] (columns); for BG/BB the opportunities 0 .. T.
    T : float
        Age of the customers on the grid.
    t : float
        Length of the prediction period.
    values : ndarray of float64, shape (K + 1, R)
        Expected purchases; NaN exactly where ``possible`` is False.
    possible : ndarray of bool, shape (K + 1, R)
        Whether a cell is a possible history (recency > 0 needs a repeat purchase).
    model_name, unit : str
        For the title and axis labels.

    Examples
    --------
    >>> import numpy as np
    >>> from kamcore.clp import BetaGeo
    >>> m = BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> d = FrequencyRecencyDisplay.from_model(m, T=39.0, max_frequency=5, n_recency=4)
    >>> d.values.shape, d.recency.tolist()
    ((6, 4), [0.0, 13.0, 26.0, 39.0])
    >>> bool(d.values[2, 2] == m.expected_purchases(t=1.0, frequency=2, recency=26.0, T=39.0))
    True
    >>> bool(np.isnan(d.values[0, 1])), bool(d.possible[0, 1])  # x = 0 needs t_x = 0
    (True, False)
    """

    _NAN_OK: ClassVar[tuple[str, ...]] = ("values",)  # impossible cells

    frequency: IntArray
    recency: FloatArray
    T: float
    t: float
    values: FloatArray
    possible: NDArray[np.bool_]
    model_name: str
    unit: str

    @classmethod
    def from_model(
        cls,
        model: TransactionModel,
        *,
        T: float,
        max_frequency: int,
        t: float = 1.0,
        n_recency: int = 50,
        unit: str = "periods",
    ) -> FrequencyRecencyDisplay:
        """Evaluate ``model.expected_purchases`` on the grid.

        Parameters
        ----------
        model : BetaGeo, ModifiedBetaGeo, ParetoNBD or BetaGeoBetaBinom
        T : float, keyword-only
            Age of the customers (> 0; a whole number >= 1 for BG/BB).
        max_frequency : int, keyword-only
            Largest repeat-purchase count shown (>= 1).
        t : float, keyword-only
            Prediction period (>= 0; whole for BG/BB), in the data's time unit.
        n_recency : int, keyword-only
            Recency grid points (>= 2; ignored for BG/BB, which uses 0 .. T).
        unit : str, keyword-only
            Name of the time unit for the labels.

        Raises
        ------
        InvalidParameterError
            Unsupported model, or a bad ``T``, ``t``, ``max_frequency`` or ``n_recency``.
        """
        g = _grid(model, T, max_frequency, n_recency)
        if isinstance(model, BetaGeoBetaBinom):
            tt = float(as_int_array(t, "t", domain=NONNEGATIVE, ndim=0))
        else:
            tt = as_float_scalar(t, "t", domain=NONNEGATIVE)
        f, r = _grid_inputs(g)
        v = model.expected_purchases(t=tt, frequency=f, recency=r, T=g.T)
        return cls(g.frequency, g.recency, g.T, tt, _on_grid(g, v), g.possible, _name(model), unit)

    def plot(self, ax: Any = None) -> FrequencyRecencyDisplay:
        """Draw the matrix as an image with a colour bar; return a display with ``ax_`` set."""
        ax = new_axes(ax)
        image = _draw_grid(ax, self.frequency, self.recency, self.values, cmap="viridis")
        ax.figure.colorbar(image, ax=ax, label=f"expected purchases in the next {self.t:g}")
        ax.set_xlabel(f"recency (time of the last repeat purchase, {self.unit})")
        ax.set_ylabel("frequency (repeat purchases)")
        ax.set_title(
            f"{self.model_name}: expected purchases in the next {self.t:g} {self.unit}\n"
            f"by frequency and recency (customer age T = {self.T:g})"
        )
        return placed(self, ax)


@attrs.frozen(eq=False, repr=False)
class ProbabilityAliveDisplay(Display):
    r"""Probability that a customer is alive, over a (frequency, recency) grid.

    ``values[x, j] = model.probability_alive(frequency=x, recency=recency[j], T=T)``,
    in [0, 1]; unreachable cells are NaN and False in ``possible``
    (as in :class:`FrequencyRecencyDisplay`).

    Parameters
    ----------
    frequency : ndarray of int64, shape (K + 1,)
        Frequencies of the grid rows.
    recency : ndarray of float64, shape (R,)
        Recencies of the grid columns.
    T : float
        The customers' age, in the time unit.
    values : ndarray of float64, shape (K + 1, R)
        The probability of being alive in each cell.
    possible : ndarray of bool, shape (K + 1, R)
        Whether a cell is a possible history (recency > 0 needs a repeat purchase).
    model_name, unit : str
        The model's name and the time unit, for the labels.

    Examples
    --------
    >>> from kamcore.clp import BetaGeo
    >>> m = BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> d = ProbabilityAliveDisplay.from_model(m, T=38.86, max_frequency=2, n_recency=3)
    >>> d.values.round(3).tolist()
    [[1.0, nan, nan], [nan, 0.593, 0.754], [nan, 0.532, 0.812]]
    """

    _NAN_OK: ClassVar[tuple[str, ...]] = ("values",)  # impossible cells

    frequency: IntArray
    recency: FloatArray
    T: float
    values: FloatArray
    possible: NDArray[np.bool_]
    model_name: str
    unit: str

    @classmethod
    def from_model(
        cls,
        model: TransactionModel,
        *,
        T: float,
        max_frequency: int,
        n_recency: int = 50,
        unit: str = "periods",
    ) -> ProbabilityAliveDisplay:
        """Evaluate ``model.probability_alive`` on the grid.

        Parameters as :meth:`FrequencyRecencyDisplay.from_model` (without ``t``).
        """
        g = _grid(model, T, max_frequency, n_recency)
        f, r = _grid_inputs(g)
        v = model.probability_alive(frequency=f, recency=r, T=g.T)
        return cls(g.frequency, g.recency, g.T, _on_grid(g, v), g.possible, _name(model), unit)

    def plot(self, ax: Any = None) -> ProbabilityAliveDisplay:
        """Draw the matrix as an image (colour scale 0 .. 1); return a display with ``ax_`` set."""
        ax = new_axes(ax)
        image = _draw_grid(
            ax, self.frequency, self.recency, self.values, cmap="RdYlGn", vmin=0.0, vmax=1.0
        )
        ax.figure.colorbar(image, ax=ax, label="P(alive)")
        ax.set_xlabel(f"recency (time of the last repeat purchase, {self.unit})")
        ax.set_ylabel("frequency (repeat purchases)")
        ax.set_title(
            f"{self.model_name}: probability of being alive\n"
            f"by frequency and recency (customer age T = {self.T:g})"
        )
        return placed(self, ax)


# ----------------------------------------------------------------- period transactions
def _bin_labels(k: int) -> tuple[str, ...]:
    return (*(str(i) for i in range(k)), f"{k}+")


@attrs.frozen(eq=False, repr=False)
class PeriodTransactionsDisplay(Display):
    r"""Customers by number of repeat purchases: observed against the model.

    Bins are ``0, 1, ..., k - 1`` and ``k+`` (``k = max_frequency``). The
    model column is either the expected number of customers,
    :math:`\sum_i P(X(T_i) = n)` from ``model.probability_of_purchases``
    (the last bin takes the rest, :math:`N - \sum_{n<k}`), or the counts of
    one simulated population of the same ages (``model.simulate``).

    Parameters
    ----------
    labels : tuple of str
        ``("0", ..., f"{k-1}", f"{k}+")``.
    observed : ndarray of float64, shape (k + 1,)
        Customers per bin in the data.
    model : ndarray of float64, shape (k + 1,)
        Expected (or simulated) customers per bin; sums to N like ``observed``.
    method : str
        ``"expected"`` or ``"simulated"``.
    model_name : str
        The model's name, for the legend.

    Examples
    --------
    >>> from kamcore.clp import BetaGeo
    >>> m = BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> d = PeriodTransactionsDisplay.from_model(
    ...     m, frequency=[0, 0, 1, 3, 9], T=[30.0, 30.0, 35.0, 38.0, 38.0], max_frequency=3)
    >>> d.labels, d.observed.tolist()
    (('0', '1', '2', '3+'), [2.0, 1.0, 0.0, 2.0])
    >>> round(float(d.model.sum()), 12)
    5.0
    """

    labels: tuple[str, ...]
    observed: FloatArray
    model: FloatArray
    method: str
    model_name: str

    @classmethod
    def from_model(
        cls,
        model: TransactionModel,
        *,
        frequency: ArrayLike,
        T: ArrayLike,
        max_frequency: int = 7,
        method: str = "expected",
        rng: np.random.Generator | None = None,
    ) -> PeriodTransactionsDisplay:
        """Count the customers per bin in the data and under the model.

        Parameters
        ----------
        model : BetaGeo, ModifiedBetaGeo, ParetoNBD or BetaGeoBetaBinom
        frequency : array-like of int, shape (N,), keyword-only
            Observed repeat purchases per customer (>= 0), N >= 1.
        T : float or array-like, shape (N,), keyword-only
            Age of each customer (> 0; whole opportunities for BG/BB).
        max_frequency : int, keyword-only
            ``k``, the first count pooled into the last bin (>= 1).
        method : {"expected", "simulated"}, keyword-only
        rng : numpy.random.Generator, keyword-only
            Required with ``method="simulated"``.

        Raises
        ------
        InvalidParameterError, ShapeMismatchError
            Unsupported model, bad counts or ages, lengths that differ, an
            unknown method, or ``"simulated"`` without a generator.
        """
        check_model(model, _TRANSACTION_MODELS)
        k = check_count(max_frequency, "max_frequency")
        check_choice(method, "method", ("expected", "simulated"))
        x = as_int_array(frequency, "frequency", domain=NONNEGATIVE, ndim=1, allow_empty=False)
        n = x.shape[0]
        age = as_float_array(T, "T", domain=POSITIVE)
        if age.ndim == 0:
            age = np.full(n, float(age))
        if age.shape != x.shape:
            raise ShapeMismatchError(
                f"'T' must be a scalar or have one value per customer ({n}); got shape {age.shape}."
            )
        observed = np.bincount(np.minimum(x, k), minlength=k + 1).astype(np.float64)
        if method == "expected":
            ages, weights = np.unique(age, return_counts=True)
            t_ages: NDArray[Any] = (
                as_int_array(ages, "T") if isinstance(model, BetaGeoBetaBinom) else ages
            )
            pmf = model.probability_of_purchases(n=np.arange(k)[:, None], t=t_ages[None, :])
            head = pmf @ weights.astype(np.float64)
            expected = np.append(head, n - head.sum())
        else:
            if not isinstance(rng, np.random.Generator):
                raise InvalidParameterError(
                    "'rng' must be a numpy.random.Generator with method='simulated'; "
                    f"got {type(rng).__name__}."
                )
            sim_age: ArrayLike = (
                as_int_array(age, "T") if isinstance(model, BetaGeoBetaBinom) else age
            )
            sim_x = model.simulate(n_customers=n, T=sim_age, rng=rng)[0]
            expected = np.bincount(np.minimum(sim_x, k), minlength=k + 1).astype(np.float64)
        return cls(_bin_labels(k), readonly(observed), readonly(expected), method, _name(model))

    def plot(self, ax: Any = None) -> PeriodTransactionsDisplay:
        """Draw side-by-side bars (observed, model); return a display with ``ax_`` set."""
        ax = new_axes(ax)
        pos = np.arange(len(self.labels), dtype=np.float64)
        width = 0.4
        ax.bar(pos - width / 2, self.observed, width, label="observed")
        ax.bar(pos + width / 2, self.model, width, label=f"{self.model_name} ({self.method})")
        ax.set_xticks(pos, self.labels)
        ax.set_xlabel("number of repeat purchases")
        ax.set_ylabel("customers")
        ax.set_title("Frequency of repeat transactions: observed vs model")
        ax.legend()
        return placed(self, ax)


# ----------------------------------------------------------------- calibration vs holdout
@attrs.frozen(eq=False, repr=False)
class CalibrationHoldoutDisplay(Display):
    r"""Mean holdout purchases by calibration frequency: actual against the model.

    Customers are grouped by their calibration repeat purchases (``0 .. k - 1``
    and ``k+``); per group, the mean of the actual holdout purchase occasions
    and the mean of ``model.expected_purchases(t=holdout_length, frequency,
    recency, T)`` over the calibration histories. Groups without customers
    are left out (``n_customers`` > 0 everywhere).

    Parameters
    ----------
    labels : tuple of str
        The groups present.
    n_customers : ndarray of int64, shape (G,)
        Customers in each group.
    actual, predicted : ndarray of float64, shape (G,)
        Mean holdout purchases per customer.
    holdout_length : float
        Length of the holdout period, in the time unit.
    time_unit, model_name : str
        The time unit and the model's name, for the labels.

    Examples
    --------
    >>> from kamcore.clp import BetaGeo
    >>> from kamcore.plotting import CalibrationHoldoutDisplay
    >>> from kamcore.data import load_cdnow
    >>> from kamcore.transactions import calibration_holdout
    >>> split = calibration_holdout(load_cdnow("transactions"), calibration_end="1997-09-30",
    ...                             observation_end="1998-06-30", time_unit="W")
    >>> bg = BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> d = CalibrationHoldoutDisplay.from_model(bg, split, max_frequency=3)
    >>> d.labels, d.n_customers.tolist()
    (('0', '1', '2', '3+'), [1411, 439, 214, 293])
    """

    labels: tuple[str, ...]
    n_customers: IntArray
    actual: FloatArray
    predicted: FloatArray
    holdout_length: float
    time_unit: str
    model_name: str

    @classmethod
    def from_model(
        cls, model: TransactionModel, data: CalibrationHoldout, *, max_frequency: int = 7
    ) -> CalibrationHoldoutDisplay:
        """Group the customers of ``data`` and average actual and predicted holdout purchases.

        Parameters
        ----------
        model : BetaGeo, ModifiedBetaGeo, ParetoNBD or BetaGeoBetaBinom
            Fitted on ``data.calibration`` (same time unit).
        data : CalibrationHoldout
            :func:`kamcore.transactions.calibration_holdout`'s result.
        max_frequency : int, keyword-only
            ``k`` (>= 1).

        Raises
        ------
        InvalidParameterError
            Unsupported model or ``data`` of the wrong type, bad ``max_frequency``.
        """
        check_model(model, _TRANSACTION_MODELS)
        check_model(data, (CalibrationHoldout,), "data")
        k = check_count(max_frequency, "max_frequency")
        cal = data.calibration
        bins = np.minimum(cal.frequency, k)
        count = np.bincount(bins, minlength=k + 1)
        predicted = model.expected_purchases(
            t=data.holdout_length, frequency=cal.frequency, recency=cal.recency, T=cal.T
        )
        keep = count > 0
        n = count[keep]
        actual = np.bincount(bins, weights=data.holdout_frequency, minlength=k + 1)[keep] / n
        pred = np.bincount(bins, weights=predicted, minlength=k + 1)[keep] / n
        labels = tuple(lab for lab, kept in zip(_bin_labels(k), keep, strict=True) if kept)
        return cls(
            labels,
            readonly(n.astype(np.int64)),
            readonly(actual),
            readonly(pred),
            float(data.holdout_length),
            data.time_unit,
            _name(model),
        )

    def plot(self, ax: Any = None) -> CalibrationHoldoutDisplay:
        """Draw actual and predicted means as lines over the groups; return the display."""
        ax = new_axes(ax)
        pos = np.arange(len(self.labels), dtype=np.float64)
        ax.plot(pos, self.actual, marker="o", label="actual")
        ax.plot(pos, self.predicted, marker="s", linestyle="--", label=self.model_name)
        ax.set_xticks(pos, self.labels)
        ax.set_xlabel("purchases in the calibration period (repeat)")
        ax.set_ylabel(f"mean purchases in the holdout ({self.holdout_length:.4g} {self.time_unit})")
        ax.set_title("Calibration vs holdout purchases")
        ax.legend()
        return placed(self, ax)


# ----------------------------------------------------------------- tracking over calendar time
def _occasions(log: TransactionLog, caller: str) -> tuple[IntArray, IntArray]:
    """Return the customer code and day (int) of every occasion (distinct customer-day)."""
    check_model(log, (TransactionLog,), "log")
    days = log.require_dates(caller).astype(np.int64)
    if days.size == 0:
        raise InvalidParameterError(f"'log' must hold at least one transaction for {caller}.")
    _, code = np.unique(log.customer_ids, return_inverse=True)
    span = int(days.max() - days.min()) + 1
    key = np.unique(code.astype(np.int64) * span + (days - days.min()))
    return key // span, key % span + int(days.min())


@attrs.frozen(eq=False, repr=False)
class TransactionTrackingDisplay(Display):
    r"""Repeat transactions over calendar time: actual against the model, cumulative and per period.

    Grid: ``dates[j] = start + floor(j * u)`` days, ``u`` the length of
    ``time_unit`` in days, from the first purchase of the cohort to ``end``.
    Actual: repeat purchase occasions (a customer's distinct purchase days
    after the first) dated on or before ``dates[j]``. Expected:
    :math:`\sum_i E[X((d_j - f_i)/u)]` with ``model.expected_purchases_new``,
    :math:`f_i` customer i's first purchase (0 before it). Customers with
    the same first day are evaluated once (weights).

    Parameters
    ----------
    dates : ndarray of datetime64[D], shape (G,)
        The period start dates.
    actual, expected : ndarray of float64, shape (G,)
        Cumulative repeat transactions.
    actual_incremental, expected_incremental : ndarray of float64, shape (G - 1,)
        Repeat transactions in ``(dates[j-1], dates[j]]``, at ``dates[1:]``.
    calibration_end : datetime64[D] or None
        End of the calibration period, marked on the plot; None for none.
    time_unit, model_name : str
        The time unit and the model's name, for the labels.

    Examples
    --------
    >>> from kamcore.clp import BetaGeo
    >>> from kamcore.plotting import TransactionTrackingDisplay
    >>> from kamcore.data import load_cdnow
    >>> bg = BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> log = load_cdnow("transactions")
    >>> d = TransactionTrackingDisplay.from_model(bg, log, calibration_end="1997-09-30")
    >>> len(d.dates) == len(d.actual) == len(d.expected)
    True
    """

    dates: NDArray[np.datetime64]
    actual: FloatArray
    expected: FloatArray
    actual_incremental: FloatArray
    expected_incremental: FloatArray
    calibration_end: np.datetime64 | None
    time_unit: str
    model_name: str

    @classmethod
    def from_model(
        cls,
        model: BetaGeo | ModifiedBetaGeo | ParetoNBD,
        log: TransactionLog,
        *,
        time_unit: str | float = "W",
        end: Any = None,
        calibration_end: Any = None,
    ) -> TransactionTrackingDisplay:
        """Track the cohort of ``log`` against ``model``.

        Parameters
        ----------
        model : BetaGeo, ModifiedBetaGeo or ParetoNBD
            Fitted with time in ``time_unit``.
        log : TransactionLog
            Transactions with dates.
        time_unit : {"D", "W", "M", "Q", "Y"} or float, keyword-only
            The model's time unit and the grid step.
        end : date, keyword-only
            Last day of the grid (default: the last transaction).
        calibration_end : date, keyword-only
            Drawn as a vertical line when given.

        Raises
        ------
        InvalidParameterError
            Unsupported model, ``log`` not a dated TransactionLog, a bad unit or date,
            ``end`` before the first purchase.
        """
        check_model(model, _CONTINUOUS_MODELS)
        unit = _unit_days(time_unit)
        code, day = _occasions(log, "TransactionTrackingDisplay")
        first_idx = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
        first = day[first_idx]
        repeat = np.ones(day.shape[0], dtype=bool)
        repeat[first_idx] = False
        repeat_days = np.sort(day[repeat])
        start = int(first.min())
        stop = int(day.max()) if end is None else int(_day(end, "end").astype(np.int64))
        if stop <= start:
            raise InvalidParameterError(
                f"'end' must be after the first purchase {np.datetime64(start, 'D')}; "
                f"got {np.datetime64(stop, 'D')}."
            )
        steps = np.arange(int(np.floor((stop - start) / unit)) + 1)
        grid = start + np.floor(steps * unit).astype(np.int64)
        actual = np.searchsorted(repeat_days, grid, side="right").astype(np.float64)
        firsts, weights = np.unique(first, return_counts=True)
        ages = np.maximum(grid[:, None] - firsts[None, :], 0) / unit
        expected = model.expected_purchases_new(ages) @ weights.astype(np.float64)
        cal = None if calibration_end is None else _day(calibration_end, "calibration_end")
        return cls(
            readonly(grid.astype("datetime64[D]")),
            readonly(actual),
            readonly(expected),
            readonly(np.diff(actual)),
            readonly(np.diff(expected)),
            cal,
            _unit_word(time_unit),
            _name(model),
        )

    def plot(self, ax: Any = None, *, kind: str = "cumulative") -> TransactionTrackingDisplay:
        """Draw actual (solid) and expected (dashed) repeat transactions over calendar time.

        Parameters
        ----------
        ax : matplotlib Axes, optional
        kind : {"cumulative", "incremental"}, keyword-only
            Running totals, or the transactions per period.
        """
        check_choice(kind, "kind", ("cumulative", "incremental"))
        ax = new_axes(ax)
        if kind == "cumulative":
            x, a, e = self.dates, self.actual, self.expected
            ylabel, title = "cumulative repeat transactions", "Tracking cumulative transactions"
        else:
            x, a, e = self.dates[1:], self.actual_incremental, self.expected_incremental
            ylabel = f"repeat transactions per period ({self.time_unit})"
            title = "Tracking transactions per period"
        ax.plot(x, a, label="actual")
        ax.plot(x, e, linestyle="--", label=self.model_name)
        if self.calibration_end is not None:
            ax.axvline(
                self.calibration_end, color="grey", linestyle=":", label="end of calibration"
            )
        ax.set_xlabel("date")
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.legend()
        ax.figure.autofmt_xdate()
        return placed(self, ax)


# ----------------------------------------------------------------- one customer's P(alive)
@attrs.frozen(eq=False, repr=False)
class ProbabilityAliveHistoryDisplay(Display):
    r"""How one customer's probability of being alive moved with their purchases.

    For every day ``d`` after the first purchase up to ``end``: ``x(d)`` the
    repeat purchase occasions (distinct days) on or before ``d``, ``t_x(d)``
    the time from the first purchase to the last of them and ``T(d)`` the
    time from the first purchase to ``d`` (in ``time_unit``);
    ``probability[j] = model.probability_alive(x, t_x, T)`` at ``dates[j]``.

    Parameters
    ----------
    dates : ndarray of datetime64[D], shape (G,)
        Each day after the first purchase, to ``end``.
    probability : ndarray of float64, shape (G,)
        The probability of being alive at each grid time.
    purchase_dates : ndarray of datetime64[D], shape (P,)
        The distinct purchase days (the first included).
    model_name : str
        The model's name, for the title.

    Examples
    --------
    >>> from kamcore.clp import BetaGeo
    >>> m = BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> d = ProbabilityAliveHistoryDisplay.from_model(
    ...     m, dates=["2024-01-01", "2024-01-15"], end="2024-03-01", time_unit="W")
    >>> len(d.dates), float(d.probability[0])
    (60, 1.0)
    """

    dates: NDArray[np.datetime64]
    probability: FloatArray
    purchase_dates: NDArray[np.datetime64]
    model_name: str

    @classmethod
    def from_model(
        cls,
        model: BetaGeo | ModifiedBetaGeo | ParetoNBD,
        *,
        dates: ArrayLike,
        end: Any = None,
        time_unit: str | float = "W",
    ) -> ProbabilityAliveHistoryDisplay:
        """Evaluate P(alive) daily from one customer's purchase dates.

        Parameters
        ----------
        model : BetaGeo, ModifiedBetaGeo or ParetoNBD
            Fitted with time in ``time_unit``.
        dates : array-like of dates, shape (M,), keyword-only
            The customer's transaction dates (any order; same-day ones are one occasion).
        end : date, keyword-only
            Last day shown (default: the last purchase); after the first purchase.
        time_unit : {"D", "W", "M", "Q", "Y"} or float, keyword-only

        Raises
        ------
        InvalidParameterError
            Unsupported model, no or bad dates, ``end`` not after the first
            purchase or before the last one.
        """
        check_model(model, _CONTINUOUS_MODELS)
        unit = _unit_days(time_unit)
        raw = np.atleast_1d(np.asarray(dates, dtype=object))
        if raw.ndim != 1 or raw.size == 0:
            raise InvalidParameterError(
                f"'dates' must be a non-empty 1-D sequence of dates; got shape {raw.shape}."
            )
        days = np.unique(
            np.array([_day(v, f"dates[{i}]") for i, v in enumerate(raw)]).astype(np.int64)
        )
        first, last = int(days[0]), int(days[-1])
        stop = last if end is None else int(_day(end, "end").astype(np.int64))
        if stop < last or stop <= first:
            raise InvalidParameterError(
                f"'end' must be on or after the last purchase {np.datetime64(last, 'D')} and "
                f"after the first; got {np.datetime64(stop, 'D')}."
            )
        grid = np.arange(first + 1, stop + 1, dtype=np.int64)
        repeats = days[1:]
        x = np.searchsorted(repeats, grid, side="right")
        last_repeat = np.concatenate(([first], repeats))[x]  # the first purchase when x = 0
        p = model.probability_alive(
            frequency=x, recency=(last_repeat - first) / unit, T=(grid - first) / unit
        )
        return cls(
            readonly(grid.astype("datetime64[D]")),
            readonly(np.asarray(p, dtype=np.float64)),
            readonly(days.astype("datetime64[D]")),
            _name(model),
        )

    def plot(self, ax: Any = None) -> ProbabilityAliveHistoryDisplay:
        """Draw P(alive) over time with a dotted line at each purchase; return the display."""
        ax = new_axes(ax)
        ax.plot(self.dates, self.probability, label="P(alive)")
        for i, d in enumerate(self.purchase_dates):
            ax.axvline(d, color="grey", linestyle=":", label="purchase" if i == 0 else None)
        ax.set_ylim(0.0, 1.05)
        ax.set_xlabel("date")
        ax.set_ylabel("probability of being alive")
        ax.set_title(f"{self.model_name}: history of P(alive)")
        ax.legend(loc="lower left")
        ax.figure.autofmt_xdate()
        return placed(self, ax)


# ----------------------------------------------------------------- heterogeneity
def _mixing(model: TransactionModel, kind: str) -> tuple[Any, str, str]:
    """Return the frozen scipy distribution, its name and the x label."""
    # imported here so that importing kamcore.plotting stays light
    from scipy import stats  # type: ignore[import-untyped]

    if kind == "transaction":
        if isinstance(model, BetaGeoBetaBinom):
            return (
                stats.beta(model.alpha, model.beta),
                f"Beta(alpha={model.alpha:.3g}, beta={model.beta:.3g})",
                "transaction probability p per opportunity",
            )
        return (
            stats.gamma(model.r, scale=1.0 / model.alpha),
            f"Gamma(r={model.r:.3g}, alpha={model.alpha:.3g})",
            "transaction rate lambda (purchases per time unit)",
        )
    if isinstance(model, ParetoNBD):
        return (
            stats.gamma(model.s, scale=1.0 / model.beta),
            f"Gamma(s={model.s:.3g}, beta={model.beta:.3g})",
            "dropout rate mu (per time unit)",
        )
    if isinstance(model, BetaGeoBetaBinom):
        return (
            stats.beta(model.gamma, model.delta),
            f"Beta(gamma={model.gamma:.3g}, delta={model.delta:.3g})",
            "dropout probability theta per opportunity",
        )
    return (
        stats.beta(model.a, model.b),
        f"Beta(a={model.a:.3g}, b={model.b:.3g})",
        "dropout probability p after each purchase",
    )


@attrs.frozen(eq=False, repr=False)
class HeterogeneityDisplay(Display):
    r"""Density of the customers' transaction or dropout rates under the model.

    ================  =====================================  ===================================
    model             ``kind="transaction"``                 ``kind="dropout"``
    ================  =====================================  ===================================
    BG/NBD, MBG/NBD   :math:`\lambda\sim\Gamma(r,\alpha)`    :math:`p\sim B(a, b)`
    Pareto/NBD        :math:`\lambda\sim\Gamma(r,\alpha)`    :math:`\mu\sim\Gamma(s,\beta)`
    BG/BB             :math:`p\sim B(\alpha,\beta)`          :math:`\theta\sim B(\gamma,\delta)`
    ================  =====================================  ===================================

    Gammas are shape/rate. The grid runs over the central 99 % of the
    distribution (its 0.5 % and 99.5 % quantiles), where the density is finite;
    a shape parameter below 1 makes it steep at an end, so :meth:`plot` cuts
    the y axis at 4 times the density at the mean (``density`` keeps every value).

    Parameters
    ----------
    x, density : ndarray of float64, shape (n_points,)
        The grid and the fitted density on it.
    mean : float
        Mean of the distribution (drawn as a vertical line).
    distribution, xlabel, model_name : str
        The distribution's name, the axis label and the model's name.

    Examples
    --------
    >>> from kamcore.clp import BetaGeo
    >>> m = BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> d = HeterogeneityDisplay.from_model(m, kind="dropout")
    >>> d.distribution, round(d.mean, 4)
    ('Beta(a=0.793, b=2.43)', 0.2463)
    """

    x: FloatArray
    density: FloatArray
    mean: float
    distribution: str
    xlabel: str
    model_name: str

    @classmethod
    def from_model(
        cls, model: TransactionModel, *, kind: str = "transaction", n_points: int = 200
    ) -> HeterogeneityDisplay:
        """Evaluate the mixing density of ``kind`` on ``n_points`` (>= 2) points.

        Raises
        ------
        InvalidParameterError
            Unsupported model, unknown ``kind`` or bad ``n_points``.
        """
        check_model(model, _TRANSACTION_MODELS)
        check_choice(kind, "kind", ("transaction", "dropout"))
        n = check_count(n_points, "n_points", low=2)
        dist, label, xlabel = _mixing(model, kind)
        x = np.linspace(float(dist.ppf(0.005)), float(dist.ppf(0.995)), n)
        density = np.asarray(dist.pdf(x), dtype=np.float64)
        return cls(readonly(x), readonly(density), float(dist.mean()), label, xlabel, _name(model))

    def plot(self, ax: Any = None) -> HeterogeneityDisplay:
        """Draw the density and a dashed line at its mean; return the display."""
        ax = new_axes(ax)
        ax.plot(self.x, self.density, label=self.distribution)
        ax.axvline(self.mean, color="grey", linestyle="--", label=f"mean {self.mean:.3g}")
        # a shape below 1 makes the density unbounded at an end of the grid: cut the
        # y axis at 4x the density at the mean so that the body of the curve stays readable
        cap = 4.0 * float(np.interp(self.mean, self.x, self.density))
        top = float(self.density.max())
        ax.set_ylim(0.0, 1.05 * (min(top, cap) if cap > 0 else top))
        ax.set_xlabel(self.xlabel)
        ax.set_ylabel("density")
        ax.set_title(f"{self.model_name}: heterogeneity across customers")
        ax.legend()
        return placed(self, ax)


# ----------------------------------------------------------------- a new customer
@attrs.frozen(eq=False, repr=False)
class ExpectedPurchasesDisplay(Display):
    r"""Expected repeat purchases of a new customer over time, ``model.expected_purchases_new``.

    Parameters
    ----------
    t : ndarray of float64, shape (n,)
        0 .. ``t_max`` (``n_points`` values; the opportunities 0 .. t_max for BG/BB).
    expected : ndarray of float64, shape (n,)
        :math:`E[X(t)]`, 0 at t = 0, increasing.
    model_name, unit : str
        The model's name and the time unit, for the labels.

    Examples
    --------
    >>> from kamcore.clp import BetaGeo
    >>> m = BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> d = ExpectedPurchasesDisplay.from_model(m, t_max=78.0, n_points=3, unit="weeks")
    >>> d.t.tolist(), d.expected.round(4).tolist()
    ([0.0, 39.0, 78.0], [0.0, 1.1967, 1.8605])
    """

    t: FloatArray
    expected: FloatArray
    model_name: str
    unit: str

    @classmethod
    def from_model(
        cls,
        model: TransactionModel,
        *,
        t_max: float,
        n_points: int = 100,
        unit: str = "periods",
    ) -> ExpectedPurchasesDisplay:
        """Evaluate :math:`E[X(t)]` on [0, ``t_max``].

        Raises
        ------
        InvalidParameterError
            Unsupported model, ``t_max`` not > 0 (not a whole number >= 1 for
            BG/BB), bad ``n_points``.
        """
        check_model(model, _TRANSACTION_MODELS)
        if isinstance(model, BetaGeoBetaBinom):
            t = np.arange(check_count(t_max, "t_max") + 1, dtype=np.float64)
        else:
            top = as_float_scalar(t_max, "t_max", domain=POSITIVE)
            t = np.linspace(0.0, top, check_count(n_points, "n_points", low=2))
        expected = np.asarray(model.expected_purchases_new(t), dtype=np.float64)
        return cls(readonly(t), readonly(expected), _name(model), unit)

    def plot(self, ax: Any = None) -> ExpectedPurchasesDisplay:
        """Draw :math:`E[X(t)]` against t; return the display."""
        ax = new_axes(ax)
        ax.plot(self.t, self.expected, label=self.model_name)
        ax.set_xlabel(f"time since the first purchase ({self.unit})")
        ax.set_ylabel("expected repeat purchases")
        ax.set_title(f"{self.model_name}: expected repeat purchases of a new customer")
        ax.legend()
        return placed(self, ax)
