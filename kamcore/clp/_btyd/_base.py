r"""Shared pieces of the buy-till-you-die (BTYD) models.

* :func:`validate_rfm` checks a (frequency, recency, T) customer summary with
  :mod:`kamcore._params`, so that a bad value raises a
  :class:`~kamcore.errors.KamcoreError` naming the field, the rule and the first
  offender.
* :func:`to_float_parameter` / :func:`check_positive_parameter` are the attrs
  converter and validator of the models' (strictly positive) parameters.
* :class:`ParametricModel` derives ``params`` from ``PARAMETER_NAMES``.

The maximum-likelihood driver, the fit report and row collapsing are shared with
the other fitted models of kamcore and live in :mod:`kamcore._fitting`.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
import numpy as np
from numpy.typing import ArrayLike

from kamcore._fitting import FitSummary, collapse_rows, model_repr
from kamcore._params import (
    NONNEGATIVE,
    POSITIVE,
    FloatArray,
    IntArray,
    as_float_array,
    as_float_scalar,
    as_int_array,
    broadcast,
    fail_where,
    same_length,
)
from kamcore.clp._intervals import PredictionInterval, delta_interval
from kamcore.clp._predictions import CustomerPredictions, customer_summary
from kamcore.errors import InvalidParameterError, ShapeMismatchError
from kamcore.transactions import CalibrationHoldout

__all__ = [
    "ParametricModel",
    "PredictionIntervals",
    "SpendPredictions",
    "check_positive_parameter",
    "to_float_parameter",
    "validate_rfm",
]


def to_float_parameter(value: Any) -> Any:
    """Attrs converter for model parameters: real numbers (numpy scalars too) -> ``float``.

    Anything else (strings, booleans, arrays) is passed through unchanged so that
    :func:`check_positive_parameter` can reject it with a message naming the field.
    """
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    ):
        return float(value)
    return value


def check_positive_parameter(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Attrs validator: the parameter is a finite real number > 0.

    Raises
    ------
    InvalidParameterError
        Naming the parameter, e.g. ``'alpha' must be > 0; got -1.0.``
    """
    as_float_scalar(value, attribute.name, domain=POSITIVE)


# ----------------------------------------------------------------- input checks
def validate_rfm(
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    *,
    for_fit: bool = False,
) -> tuple[IntArray, FloatArray, FloatArray]:
    r"""Check a (frequency, recency, T) customer summary and return numpy arrays.

    Rules: ``frequency`` (repeat purchases :math:`x`) whole numbers :math:`\ge 0`;
    ``recency`` (:math:`t_x`, time of the last repeat purchase) :math:`\ge 0` and
    :math:`\le T`; ``T`` (age of the customer) :math:`> 0`; a customer with no
    repeat purchase has recency 0. Time is in any one unit (days, weeks).

    Parameters
    ----------
    frequency, recency, T
        Array-likes. With ``for_fit=True`` they must be 1-D, non-empty and of the
        same length; otherwise they are broadcast against each other (numpy rules)
        and may be scalars.
    for_fit
        Apply the fitting shape rules.

    Returns
    -------
    tuple of numpy.ndarray
        ``(x int64, t_x float64, T float64)``, of one common shape.

    Raises
    ------
    InvalidParameterError
        A value breaks a rule (message names the field and the first offender).
    ShapeMismatchError
        Lengths differ (fit) or shapes cannot be broadcast.
    """
    ndim = 1 if for_fit else None
    x = as_int_array(frequency, "frequency", domain=NONNEGATIVE, ndim=ndim, allow_empty=not for_fit)
    tx = as_float_array(recency, "recency", domain=NONNEGATIVE, ndim=ndim, allow_empty=not for_fit)
    age = as_float_array(T, "T", domain=POSITIVE, ndim=ndim, allow_empty=not for_fit)
    if for_fit:
        same_length({"frequency": x, "recency": tx, "T": age})
    else:
        x, tx, age = broadcast({"frequency": x, "recency": tx, "T": age})
    fail_where(tx > age, tx, "recency", "be <= T (the customer's age)")
    fail_where((x == 0) & (tx != 0), tx, "recency", "be 0 when frequency is 0")
    return x, tx, age


class ParametricModel:
    """Mixin for the frozen model classes: ``params`` derived from ``PARAMETER_NAMES``.

    Each model declares its parameters once, as attrs fields and in the
    ``PARAMETER_NAMES`` class variable (the order the fit driver uses).
    """

    __slots__ = ()

    PARAMETER_NAMES: ClassVar[tuple[str, ...]] = ()

    UNIT: ClassVar[str] = "customers"

    @property
    def params(self) -> dict[str, float]:
        """Parameters as a name -> value mapping, in ``PARAMETER_NAMES`` order."""
        return {name: float(getattr(self, name)) for name in self.PARAMETER_NAMES}

    def _report(self) -> Any:
        return getattr(self, "fit_report", None)

    def __repr__(self) -> str:
        """Return rounded parameters and what the fit did (models declare ``repr=False``)."""
        return model_repr(type(self).__name__, self.params, self._report(), self.UNIT)

    def summary(self, level: float = 0.95) -> FitSummary:
        """Return the parameter table (estimate, standard error, Wald interval) and fit statistics.

        Parameters
        ----------
        level
            Coverage of the intervals, in (0, 1).

        Returns
        -------
        kamcore.clp.FitSummary
            With ``to_frame(backend)``, an aligned text ``repr`` and an HTML table
            for notebooks; standard errors and bounds are NaN for a model built
            from given parameters.
        """
        return FitSummary.from_report(
            type(self).__name__, self.params, self._report(), level, unit=self.UNIT
        )


class PredictionIntervals:
    """Mixin for the transaction models: delta-method intervals of their predictions.

    See :mod:`kamcore.clp._intervals` for the method. Identical histories are
    evaluated once.
    """

    __slots__ = ()

    def _interval(
        self, method: str, args: dict[str, Any], level: float, link: str
    ) -> PredictionInterval:
        point = np.asarray(getattr(self, method)(**args), dtype=np.float64)  # validates
        shape = point.shape
        cols = [np.broadcast_to(np.asarray(v), shape).ravel() for v in args.values()]
        unique, _, inverse = collapse_rows(*cols, return_inverse=True)
        kw = dict(zip(args, unique, strict=True))

        def predict(model: Any) -> FloatArray:
            return np.asarray(getattr(model, method)(**kw), dtype=np.float64)

        res = delta_interval([(self, predict, "model")], predict(self), level=level, link=link)
        return PredictionInterval(
            estimate=point,
            lower=res.lower[inverse].reshape(shape),
            upper=res.upper[inverse].reshape(shape),
            standard_error=res.standard_error[inverse].reshape(shape),
            level=res.level,
        )

    def expected_purchases_interval(
        self,
        *,
        t: ArrayLike,
        frequency: ArrayLike,
        recency: ArrayLike,
        T: ArrayLike,
        level: float = 0.9,
    ) -> PredictionInterval:
        r"""Return the expected purchases in :math:`(T, T+t]` with a delta-method interval.

        The point is :meth:`expected_purchases`; the interval is
        :math:`\hat E \exp(\pm z\,\mathrm{se}/\hat E)` (normal on the log scale,
        so the bounds stay > 0), with the standard error from the gradient of
        the prediction with respect to the parameters and the fit's parameter
        covariance. Needs a fitted model (``fit_report`` set).

        Returns
        -------
        PredictionInterval
            ``estimate, lower, upper, standard_error`` of the broadcast shape;
            unpacks as ``point, lower, upper``.

        Raises
        ------
        InvalidParameterError
            A model built from given parameters, ``level`` outside (0, 1), or
            bad inputs.
        """
        args = {"t": t, "frequency": frequency, "recency": recency, "T": T}
        return self._interval("expected_purchases", args, level, "log")

    def probability_alive_interval(
        self, *, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike, level: float = 0.9
    ) -> PredictionInterval:
        r"""Return P(alive) with a delta-method interval, normal on the logit scale.

        The bounds stay in [0, 1]; a probability that is exactly 0 or 1 at
        every parameter value (e.g. BG/NBD's 1 for customers without repeat
        purchases) gets a zero-width interval. Needs a fitted model; see
        :meth:`expected_purchases_interval`.
        """
        args = {"frequency": frequency, "recency": recency, "T": T}
        return self._interval("probability_alive", args, level, "logit")

    def predict(
        self, data: Any, *, t: ArrayLike | None = None, level: float | None = None
    ) -> CustomerPredictions:
        r"""Return expected purchases and P(alive) per customer of a summary, keyed by id.

        The id-keyed counterpart of :meth:`expected_purchases` and
        :meth:`probability_alive` (which take and return arrays).

        Parameters
        ----------
        data
            A :class:`~kamcore.transactions.TransactionSummary`, or a
            :class:`~kamcore.transactions.CalibrationHoldout` (its calibration
            summary is used), in the time unit the model was fitted in.
        t
            Horizon of ``expected_purchases`` (purchases in :math:`(T, T+t]`),
            a scalar or one value per customer; default, for a
            ``CalibrationHoldout``, its ``holdout_length``.
        level
            With a coverage in (0, 1), adds delta-method intervals
            ``expected_purchases_lower/_upper`` and
            ``probability_alive_lower/_upper`` (needs a fitted model; see
            :meth:`expected_purchases_interval`).

        Returns
        -------
        CustomerPredictions
            Columns ``expected_purchases`` and ``probability_alive`` (plus the
            interval columns), shape ``(n,)`` each, in the summary's id order;
            ``to_frame(backend)`` gives a frame keyed by id.

        Raises
        ------
        InvalidParameterError
            ``data`` is not a summary, ``t`` is missing (only a
            ``CalibrationHoldout`` supplies one), or bad values.
        """
        summary = customer_summary(data)
        if t is None:
            if isinstance(data, CalibrationHoldout):
                t = data.holdout_length
            else:
                raise InvalidParameterError(
                    "'t' (the prediction horizon) is required for a TransactionSummary; "
                    "only a CalibrationHoldout supplies one (its holdout_length)."
                )
        n = len(summary)
        horizon = as_float_array(t, "t", domain=NONNEGATIVE)
        if horizon.ndim == 0:
            horizon = np.full(n, float(horizon))
        elif horizon.shape != (n,):
            raise ShapeMismatchError(
                f"'t' must be a scalar or have one value per customer ({n}); "
                f"got shape {horizon.shape}."
            )
        hist = {"frequency": summary.frequency, "recency": summary.recency, "T": summary.T}
        model: Any = self
        cols: dict[str, FloatArray] = {
            "expected_purchases": np.asarray(model.expected_purchases(t=horizon, **hist)),
            "probability_alive": np.asarray(model.probability_alive(**hist)),
        }
        if level is not None:
            e = self.expected_purchases_interval(t=horizon, level=level, **hist)
            a = self.probability_alive_interval(level=level, **hist)
            cols |= {
                "expected_purchases_lower": e.lower,
                "expected_purchases_upper": e.upper,
                "probability_alive_lower": a.lower,
                "probability_alive_upper": a.upper,
            }
        t_out = float(horizon[0]) if n and np.all(horizon == horizon[0]) else None
        return CustomerPredictions(
            ids=summary.ids,
            values=cols,
            model=type(self).__name__,
            t=t_out,
            level=None if level is None else float(level),
        )


class SpendPredictions:
    """Mixin for spend models: the id-keyed :meth:`predict` over a customer summary."""

    __slots__ = ()

    def predict(self, data: Any) -> CustomerPredictions:
        r"""Return each customer's expected spend per purchase, keyed by id.

        The id-keyed counterpart of ``conditional_expected_average_spend``:
        ``frequency`` and ``average_spend`` are the summary's ``frequency`` and
        ``monetary_value``.

        Parameters
        ----------
        data
            A :class:`~kamcore.transactions.TransactionSummary` or a
            :class:`~kamcore.transactions.CalibrationHoldout`.

        Returns
        -------
        CustomerPredictions
            One column, ``expected_spend``, in the summary's id order.
        """
        summary = customer_summary(data)
        model: Any = self
        spend = model.conditional_expected_average_spend(
            frequency=summary.frequency, average_spend=summary.monetary_value
        )
        return CustomerPredictions(
            ids=summary.ids, values={"expected_spend": spend}, model=type(self).__name__
        )
