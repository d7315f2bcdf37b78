r"""Shared pieces of the buy-till-you-die (BTYD) models.

* :func:`validate_rfm` checks a (frequency, recency, T) customer summary with
  :mod:`kamcore._params`, so that a bad value raises a
  :class:`~kamcore.errors.KamcoreError` naming the field, the rule and the first
  offender; :func:`check_history` holds the rules an observable history obeys
  (every model's history passes through it, BG/BB's discrete ones too).
* :func:`to_float_parameter` / :func:`check_positive_parameter` are the attrs
  converter and validator of the models' (strictly positive) parameters.
* :class:`ParametricModel` derives ``params`` from ``PARAMETER_NAMES``.

The maximum-likelihood driver, the fit report and row collapsing are shared with
the other fitted models of kamcore and live in :mod:`kamcore._fitting`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Final

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special  # type: ignore[import-untyped]

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
    "LARGE_PARAMETER",
    "MAX_SIMULATED_CUSTOMERS",
    "MAX_SIMULATED_PURCHASES",
    "ParametricModel",
    "PredictionIntervals",
    "SpendPredictions",
    "check_history",
    "check_n_customers",
    "check_positive_parameter",
    "log_beta_ratio",
    "log_gamma_ratio",
    "log_gamma_step",
    "poisson_counts",
    "to_float_parameter",
    "validate_rfm",
]


MAX_SIMULATED_CUSTOMERS: Final = 10**7
"""Most customers one ``simulate`` call draws (each costs a few float64 values)."""

MAX_SIMULATED_PURCHASES: Final = 1e12
r"""Largest expected number of purchases per simulated customer (:math:`E[\lambda] T`).

numpy's Poisson sampler refuses means above about :math:`9 \times 10^{18}`; the
limit leaves a margin of :math:`10^6` for the spread of the drawn rates.
"""


def check_n_customers(n_customers: Any, *, minimum: int = 1) -> int:
    """Return ``n_customers`` as an int in ``[minimum, MAX_SIMULATED_CUSTOMERS]``.

    Raises
    ------
    InvalidParameterError
        Not a whole number, below ``minimum``, or above
        :data:`MAX_SIMULATED_CUSTOMERS` (simulate in batches for more).
    """
    if isinstance(n_customers, (bool, np.bool_)) or not isinstance(n_customers, (int, np.integer)):
        raise InvalidParameterError(
            f"'n_customers' must be a whole number >= {minimum}; got {n_customers!r}."
        )
    size = int(n_customers)
    if size < minimum:
        raise InvalidParameterError(
            f"'n_customers' must be a whole number >= {minimum}; got {size}."
        )
    if size > MAX_SIMULATED_CUSTOMERS:
        raise InvalidParameterError(
            f"'n_customers' must be <= {MAX_SIMULATED_CUSTOMERS:,} per call (simulate "
            f"larger populations in batches); got {size:,}."
        )
    return size


def poisson_counts(mean: FloatArray, rng: np.random.Generator) -> IntArray:
    """Draw Poisson counts with the given means, refusing means numpy cannot sample.

    Raises
    ------
    InvalidParameterError
        A drawn mean above :data:`MAX_SIMULATED_PURCHASES` times :math:`10^6`
        (names ``T``, the only input that scales it).
    """
    limit = MAX_SIMULATED_PURCHASES * 1e6
    fail_where(
        mean > limit,
        mean,
        "T",
        f"keep each simulated customer's expected purchase count below {limit:g} (numpy's "
        "Poisson sampler limit)",
    )
    return np.asarray(rng.poisson(mean), dtype=np.int64)


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
    ids: Sequence[Any] | NDArray[Any] | None = None,
) -> tuple[IntArray, FloatArray, FloatArray]:
    r"""Check a (frequency, recency, T) customer summary and return numpy arrays.

    Rules: ``frequency`` (repeat purchases :math:`x`) whole numbers :math:`\ge 0`;
    ``recency`` (:math:`t_x`, time of the last repeat purchase) :math:`\ge 0` and
    :math:`\le T`; ``T`` (age of the customer) :math:`> 0`; and the history rules
    of :func:`check_history` (recency 0 exactly when there is no repeat
    purchase). Time is in any one unit (days, weeks).

    Parameters
    ----------
    frequency, recency, T
        Array-likes. With ``for_fit=True`` they must be 1-D, non-empty and of the
        same length; otherwise they are broadcast against each other (numpy rules)
        and may be scalars.
    for_fit
        Apply the fitting shape rules.
    ids
        Optional customer ids (1-D histories), named in the message of a refused history.

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
    check_history(x, tx, age, ids=ids)
    return x, tx, age


def check_history(
    x: NDArray[Any],
    tx: NDArray[Any],
    age: NDArray[Any],
    *,
    discrete: bool = False,
    ids: Sequence[Any] | NDArray[Any] | None = None,
) -> None:
    r"""Refuse impossible repeat-buying histories: the one set of rules of every BTYD model.

    A history is ``frequency`` :math:`x` (repeat purchases), ``recency``
    :math:`t_x` (time of the last one) and ``T`` (age), already converted and
    broadcast to one shape, each within its own domain. The rules:

    * :math:`t_x \le T` -- the last purchase lies in the observed window;
    * :math:`t_x = 0` when :math:`x = 0` -- no repeat purchase, no recency;
    * :math:`t_x > 0` when :math:`x > 0` -- a repeat purchase comes after the first;
    * discrete opportunities (BG/BB): :math:`x \le t_x` -- at most one
      transaction per opportunity, the last at opportunity :math:`t_x`.

    Parameters
    ----------
    x, tx, age
        The history arrays, one common shape.
    discrete
        Apply the discrete-opportunity rule.
    ids
        Customer ids in the order of the (1-D) history, named in the message.

    Raises
    ------
    InvalidParameterError
        Naming the field, the rule and the first offender (index, value and,
        when ``ids`` are given, the customer id).

    Examples
    --------
    >>> import numpy as np
    >>> check_history(np.array([0, 2]), np.array([0.0, 0.0]), np.array([5.0, 5.0]), ids=["a", "b"])
    Traceback (most recent call last):
    ...
    kamcore.errors.InvalidParameterError: 'recency' must be > 0 when frequency is > 0 ...
    """
    span = "opportunities observed" if discrete else "customer's age"
    rules: list[tuple[NDArray[np.bool_], NDArray[Any], str, str]] = [
        (tx > age, tx, "recency", f"be <= T (the {span})"),
        ((x == 0) & (tx != 0), tx, "recency", "be 0 when frequency is 0"),
        (
            (x > 0) & (tx == 0),
            tx,
            "recency",
            "be > 0 when frequency is > 0 (a repeat purchase comes after the first purchase)",
        ),
    ]
    if discrete:
        rules.append(
            (
                x > tx,
                x,
                "frequency",
                "be <= recency (one transaction per opportunity at most, the last at recency)",
            )
        )
    for bad, values, name, rule in rules:
        if ids is None or not bad.any():
            fail_where(bad, values, name, rule)
            continue
        first = int(np.flatnonzero(bad.ravel())[0])
        try:
            fail_where(bad, values, name, rule)
        except InvalidParameterError as exc:
            raise InvalidParameterError(
                f"{str(exc).rstrip('.')}; customer id {_shown_id(ids, first)}."
            ) from None


def _shown_id(ids: Sequence[Any] | NDArray[Any], index: int) -> str:
    return repr(str(ids[index])) if 0 <= index < len(ids) else "unknown"


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

    def _check_history(
        self,
        *,
        frequency: ArrayLike,
        recency: ArrayLike,
        T: ArrayLike,
        ids: Sequence[Any] | NDArray[Any] | None = None,
    ) -> None:
        """Refuse impossible histories in the caller's row order (before any collapsing)."""
        validate_rfm(frequency, recency, T, ids=ids)

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


# ----------------------------------------------------------------- log-gamma ratios
_STIRLING_MIN: Final = 20.0
"""Stirling's series (five terms) is used from here on: its truncation error is below 1e-17."""
_STIRLING: Final = (1.0 / 12.0, -1.0 / 360.0, 1.0 / 1260.0, -1.0 / 1680.0, 1.0 / 1188.0)
_DIRECT_STEPS: Final = 20


def _log1pmx(u: FloatArray) -> FloatArray:
    """Return ln(1 + u) - u for |u| < 0.1 without cancelling (its Taylor series, 18 terms)."""
    series = np.zeros_like(u)
    for k in range(18, 1, -1):  # Horner: sum_k (-1)^(k+1) u^k / k
        series = u * (((-1.0) ** (k + 1)) / k + series)
    return np.asarray(u * series, dtype=np.float64)


def _ylog1pmx_change(u0: FloatArray, u1: FloatArray, m: FloatArray) -> FloatArray:
    r"""Return :math:`y_1\,\ell(e/y_1) - y_0\,\ell(e/y_0)`, :math:`\ell(u) = \ln(1+u) - u`.

    ``u0 = e/y0``, ``u1 = e/y1``, ``m = y1 - y0``, :math:`|u| < 0.1`. From
    :math:`y\,\ell(e/y) = \sum_{k\ge2} (-1)^{k+1} e^k / (k\,y^{k-1})`, the
    difference is :math:`m \sum_{k\ge2} (-1)^k h_k / k` with
    :math:`h_k = \sum_{i=0}^{k-2} u_0^{i+1} u_1^{k-1-i}` (no subtraction of
    nearly equal terms however small ``m`` is against ``y``).
    """
    h = u0 * u1
    power = u0 * u0  # u0^k for the next step
    total = h / 2.0
    for k in range(3, 20):
        h = u1 * h + power * u1
        power = power * u0
        total = total + (-1.0) ** k * h / k
    return np.asarray(m * total, dtype=np.float64)


def _stirling_change(y: FloatArray, e: FloatArray) -> FloatArray:
    r"""Return s(y + e) - s(y), s(z) = ln Gamma(z) - [(z - 1/2) ln z - z + ln(2 pi)/2], y >= 20.

    Each term :math:`c_k((y+e)^{1-2k} - y^{1-2k})` is formed without subtracting
    (the first as :math:`-e/(12\,y(y+e))`, the others through ``expm1``).
    """
    out = -e / (12.0 * y * (y + e))
    log_ratio = np.log1p(e / y)
    for k, coef in enumerate(_STIRLING[1:], start=2):
        # (y+e)^(1-2k) - y^(1-2k), relative to y^(1-2k), without subtracting
        out = out + coef * y ** (1 - 2 * k) * np.expm1((1 - 2 * k) * log_ratio)
    return np.asarray(out, dtype=np.float64)


def log_gamma_step(x: ArrayLike, m: ArrayLike, e: ArrayLike) -> FloatArray:
    r"""Return :math:`\sum_{j=0}^{m-1} \ln(1 + e/(x+j))` for whole ``m >= 0``, to a few ulps.

    This is :math:`\ln\frac{\Gamma(x+m+e)\,\Gamma(x)}{\Gamma(x+m)\,\Gamma(x+e)}`, the
    change of the log-gamma ratio :math:`\ln\Gamma(x+e) - \ln\Gamma(x)` over ``m``
    steps of ``x``; as a difference of four ``gammaln`` values it loses all its
    digits where they are large (near :math:`10^7` at :math:`x = 10^6`) and it is small.
    Summed term by term for ``m <= 20``; beyond, after shifting ``x`` past 20 by
    20 terms, from Stirling's series written so that nothing cancels:

    .. math::

        \ln\frac{\Gamma(y+e)}{\Gamma(y)} = y\,\ell(e/y) - \tfrac12\ln(1+e/y) + e\ln(y+e)
          + s(y+e) - s(y),\qquad \ell(u) = \ln(1+u) - u,

    (:math:`s` the Stirling correction), whose difference over ``y = x`` and
    ``y = x + m`` has the exact middle term :math:`e\ln(1 + m/(x+e))`.
    Broadcasts; needs ``x > 0`` and ``x + e > 0``.
    """
    x_, m_, e_ = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (x, m, e)))
    out = np.zeros(x_.shape, dtype=np.float64)
    direct = m_ <= _DIRECT_STEPS
    if direct.any():
        xd, md, ed = x_[direct], m_[direct], e_[direct]
        acc = np.zeros_like(xd)
        for j in range(int(np.max(md))):
            acc += np.where(md > j, np.log1p(ed / (xd + j)), 0.0)
        out[direct] = acc
    far = ~direct
    if far.any():
        xf, mf, ef = x_[far], m_[far], e_[far]
        low = xf < _STIRLING_MIN
        shift = np.where(low, float(_DIRECT_STEPS), 0.0)
        head = np.zeros_like(xf)
        if low.any():
            xl, el = xf[low], ef[low]
            acc = np.zeros_like(xl)
            for j in range(_DIRECT_STEPS):
                acc += np.log1p(el / (xl + j))
            head[low] = acc
        y0 = xf + shift
        y1 = y0 + (mf - shift)

        small = np.abs(ef / y0) < 0.1
        u0, u1 = ef / y0, ef / y1
        mm = y1 - y0
        # ln((1 + u1) / (1 + u0)), formed without subtracting
        log_q = np.log1p(-ef * mm / (y1 * (y0 + ef)))
        # y ln(1 + e/y) - e at y1 minus at y0 (the -e cancels exactly): for small
        # e/y as y (ln(1+u) - u), else as m ln(1 + u1) + y0 ln((1 + u1) / (1 + u0))
        y_log = np.where(
            small,
            _ylog1pmx_change(np.where(small, u0, 0.0), np.where(small, u1, 0.0), mm),
            mm * np.log1p(u1) + y0 * log_q,
        )
        body = (
            y_log
            - 0.5 * log_q
            + ef * np.log1p(mm / (y0 + ef))
            + (_stirling_change(y1, ef) - _stirling_change(y0, ef))
        )
        out[far] = head + body
    return out


LARGE_PARAMETER: Final = 1e3
"""From here on a model parameter makes ``gammaln`` differences lose digits that matter."""


def log_gamma_ratio(y: ArrayLike, e: ArrayLike) -> FloatArray:
    r"""Return :math:`\ln\Gamma(y+e) - \ln\Gamma(y)` for ``y > 0``, ``y + e > 0``, to a few ulps.

    Stirling's series written as in :func:`log_gamma_step` (``y`` shifted past 20
    by 20 terms of :math:`\ln(1 + e/(y+j))` where ``y`` or ``y + e`` is below 20):
    the difference of two ``gammaln`` values near :math:`1.4 \times 10^7`
    (:math:`y = 10^6`) keeps only about 9 digits of a result near 1. Where every
    ``y`` is below :data:`LARGE_PARAMETER` that difference is accurate enough and used.
    """
    y_, e_ = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (y, e)))
    if np.max(y_, initial=0.0) < LARGE_PARAMETER:
        return np.asarray(special.gammaln(y_ + e_) - special.gammaln(y_), dtype=np.float64)
    low = np.minimum(y_, y_ + e_) < _STIRLING_MIN
    head = np.zeros(y_.shape, dtype=np.float64)
    if low.any():
        for j in range(_DIRECT_STEPS):
            head -= np.where(low, np.log1p(e_ / (y_ + j)), 0.0)
    ys = np.where(low, y_ + _DIRECT_STEPS, y_)
    u = e_ / ys
    small = np.abs(u) < 0.1
    with np.errstate(divide="ignore", invalid="ignore"):
        y_ell = np.where(small, ys * _log1pmx(np.where(small, u, 0.0)), ys * np.log1p(u) - e_)
    body = y_ell - 0.5 * np.log1p(u) + e_ * np.log(ys + e_) + _stirling_change(ys, e_)
    return np.asarray(head + body, dtype=np.float64)


def log_beta_ratio(a: float, b: float, x: ArrayLike, y: ArrayLike) -> FloatArray:
    r"""Return :math:`\ln B(a+x, b+y) - \ln B(a, b)` for parameters ``a, b > 0``.

    ``x`` and ``y`` are >= 0, whole numbers where below 20. With ordinary
    parameters (both below :data:`LARGE_PARAMETER`) it is the difference of
    :func:`scipy.special.betaln` values; beyond, where those values are large and
    their difference is not, it is :math:`-S(a, x; b) - S(b, y; a+x)` with
    :math:`S(u, m; e) = \sum_{j<m}\ln(1 + e/(u+j))` (:func:`log_gamma_step`),
    exact to a few ulps: :math:`B(a+x, b+y)/B(a, b) =
    \prod_{j<x}\frac{a+j}{a+b+j}\prod_{j<y}\frac{b+j}{a+b+x+j}`.
    """
    if max(a, b) < LARGE_PARAMETER:
        x_ = np.asarray(x, dtype=np.float64)
        y_ = np.asarray(y, dtype=np.float64)
        return np.asarray(special.betaln(a + x_, b + y_) - special.betaln(a, b), dtype=np.float64)
    x_, y_ = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
    return np.asarray(-log_gamma_step(a, x_, b) - log_gamma_step(b, y_, a + x_), dtype=np.float64)
