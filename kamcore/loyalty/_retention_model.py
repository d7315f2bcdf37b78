"""The attraction-barrier retention model.

A logistic curve in attraction and barrier that never decreases in either over
its declared domain, fitted by maximum likelihood.
"""

from __future__ import annotations

import math
from typing import Any, Final

import attrs
import numpy as np
import scipy.special  # type: ignore[import-untyped]
from numpy.typing import ArrayLike

from kamcore._fitting import (
    FitReport,
    FitSummary,
    LinearConstraints,
    check_fit_report,
    maximize_likelihood,
    model_repr,
    prepare_fit_data,
)
from kamcore._params import (
    NONNEGATIVE,
    PROBABILITY,
    FloatArray,
    Interval,
    as_float_array,
    as_float_scalar,
    broadcast,
)
from kamcore.errors import InvalidParameterError, ShapeMismatchError

# --------------------------------------------------------------------------- retention model
_COEF_NAMES: Final = ("b0", "b1", "b2", "b3")


def _finite_float(name: str) -> Any:
    def check(_inst: Any, _attr: Any, value: Any) -> None:
        as_float_scalar(value, name)

    return check


def _range_converter(value: Any) -> Any:
    """Turn a (low, high) pair into floats; leave anything else for the validator."""
    try:
        pair = tuple(value)
    except TypeError:
        return value
    if len(pair) == 2 and all(_is_real(v) for v in pair):
        return (float(pair[0]), float(pair[1]))
    return pair


def _is_real(x: Any) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool)


def _check_range(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    name = attribute.name
    ok = (
        isinstance(value, tuple)
        and len(value) == 2
        and all(isinstance(v, float) for v in value)
        and math.isfinite(value[0])
        and math.isfinite(value[1])
        and value[0] < value[1]
    )
    if not ok:
        raise InvalidParameterError(
            f"{name!r} must be a pair (low, high) of finite numbers with low < high; got {value!r}."
        )


def _monotone_violations(
    b1: float, b2: float, b3: float, a_range: tuple[float, float], b_range: tuple[float, float]
) -> list[str]:
    """Return the monotonicity constraints that the coefficients break (exact checks).

    The logit's slopes are linear in the other input, so they are >= 0 over a
    box iff they are >= 0 at the box's two ends:
    d/da = b1 + b3*b for b in b_range, d/db = b2 + b3*a for a in a_range.
    """
    bad = []
    for label, slope in (
        (f"b1 + b3*{b_range[0]:g}", b1 + b3 * b_range[0]),
        (f"b1 + b3*{b_range[1]:g}", b1 + b3 * b_range[1]),
        (f"b2 + b3*{a_range[0]:g}", b2 + b3 * a_range[0]),
        (f"b2 + b3*{a_range[1]:g}", b2 + b3 * a_range[1]),
    ):
        if slope < 0:
            bad.append(f"{label} = {slope!r}")
    return bad


def _real(value: Any, name: str) -> float:
    """Return a real number as float; refuse text, booleans and other objects."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise InvalidParameterError(
            f"{name!r} must be a real number; got {type(value).__name__} {value!r}."
        )
    return float(value)


def _real_b0(value: Any) -> float:
    return _real(value, "b0")


def _real_b1(value: Any) -> float:
    return _real(value, "b1")


def _real_b2(value: Any) -> float:
    return _real(value, "b2")


def _real_b3(value: Any) -> float:
    return _real(value, "b3")


@attrs.frozen
class RetentionModel:
    r"""Attraction-barrier retention: P(retain) rises with attraction and with barrier.

    .. math::

        \operatorname{logit} r = b_0 + b_1 a + b_2 s + b_3 a s,
        \qquad r = \frac{1}{1 + e^{-(b_0 + b_1 a + b_2 s + b_3 a s)}}

    with *a* the attraction (a satisfaction gap P - E, or delivered value) and
    *s* the barrier (the switching-cost index of :mod:`kamcore.switching`).
    Retention is non-decreasing in *a* and in *s* over the declared box
    ``attraction_range x barrier_range`` exactly when

    .. math::

        b_1 + b_3 s \ge 0 \text{ at both ends of barrier\_range},\quad
        b_2 + b_3 a \ge 0 \text{ at both ends of attraction\_range},

    which the constructor enforces. A negative :math:`b_3` lets barriers matter
    most when satisfaction is low (Jones, Mothersbaugh & Beatty 2000).

    The defaults are *illustrative*, not estimates: on a SERVQUAL gap scale
    (P - E in [-6, 6] on 7-point items) and a barrier index in [0, 1], they give
    r = 0.62 at a neutral gap with no barrier, a barrier worth 2 logits at a
    neutral gap, 3.5 logits at gap -6 and 0.5 logits at gap +6. Fit the model to
    your own retained/lost outcomes with :meth:`fit`.

    Parameters
    ----------
    b0, b1, b2, b3
        Logit coefficients (intercept, attraction, barrier, interaction).
    attraction_range, barrier_range
        The declared domains ``(low, high)`` of the two inputs; finite. Inputs
        outside them are rejected (monotonicity is only promised inside).
    fit_report
        Keyword-only; the :class:`~kamcore.clp.FitReport` of :meth:`fit`, None
        for a model built from chosen coefficients. Not part of equality.

    Raises
    ------
    InvalidParameterError
        Non-finite coefficients, bad ranges, or coefficients that would make
        retention decrease somewhere in the declared box.

    Examples
    --------
    >>> model = RetentionModel()
    >>> model.retention(attraction=[-3.0, 0.0, 3.0], barrier=[0.8, 0.5, 0.2]).round(3)
    array([0.769, 0.818, 0.905])

    The retention array is the CLP input as is, e.g. Gupta & Lehmann's margin
    multiple m r / (1 + d - r) with margin 100 and discount rate 0.1:

    >>> from kamcore.clp._closed_form import margin_multiple
    >>> r = model.retention(attraction=[0.0, 2.0], barrier=[0.5, 0.9])
    >>> margin_multiple(100.0, r, 0.1).round(1)
    array([289.5, 611.1])
    """

    b0: float = attrs.field(default=0.5, converter=_real_b0, validator=_finite_float("b0"))
    b1: float = attrs.field(default=0.5, converter=_real_b1, validator=_finite_float("b1"))
    b2: float = attrs.field(default=2.0, converter=_real_b2, validator=_finite_float("b2"))
    b3: float = attrs.field(default=-0.25, converter=_real_b3, validator=_finite_float("b3"))
    attraction_range: tuple[float, float] = attrs.field(
        default=(-6.0, 6.0), kw_only=True, converter=_range_converter, validator=_check_range
    )
    barrier_range: tuple[float, float] = attrs.field(
        default=(0.0, 1.0), kw_only=True, converter=_range_converter, validator=_check_range
    )
    fit_report: FitReport | None = attrs.field(
        default=None, eq=False, hash=False, repr=False, kw_only=True, validator=check_fit_report
    )

    def __attrs_post_init__(self) -> None:
        bad = _monotone_violations(
            self.b1, self.b2, self.b3, self.attraction_range, self.barrier_range
        )
        if bad:
            raise InvalidParameterError(
                "RetentionModel coefficients must keep retention non-decreasing in "
                "attraction and barrier over the declared ranges (each slope >= 0); "
                f"got {'; '.join(bad)}."
            )

    def __repr__(self) -> str:
        return model_repr("RetentionModel", self._params(), self.fit_report, "accounts")

    def _params(self) -> dict[str, float]:
        return dict(zip(("b0", "b1", "b2", "b3"), self.coefficients, strict=True))

    def summary(self, level: float = 0.95) -> FitSummary:
        """Return the coefficient table (estimate, standard error, interval) and fit statistics.

        A :class:`kamcore.clp.FitSummary`; standard errors and bounds are NaN
        for a model built from chosen coefficients. ``level`` in (0, 1).
        """
        return FitSummary.from_report(
            "RetentionModel", self._params(), self.fit_report, level, unit="accounts"
        )

    @property
    def coefficients(self) -> tuple[float, float, float, float]:
        """``(b0, b1, b2, b3)``."""
        return (self.b0, self.b1, self.b2, self.b3)

    def _inputs(self, attraction: ArrayLike, barrier: ArrayLike) -> tuple[FloatArray, FloatArray]:
        a = as_float_array(attraction, "attraction", domain=Interval(*self.attraction_range))
        s = as_float_array(barrier, "barrier", domain=Interval(*self.barrier_range))
        a, s = broadcast({"attraction": a, "barrier": s})
        return a, s

    def logit(self, *, attraction: ArrayLike, barrier: ArrayLike) -> FloatArray:
        """Return the log-odds of retention, broadcast over the inputs (see class formula)."""
        a, s = self._inputs(attraction, barrier)
        return _logit_kernel(self.coefficients, a, s)

    def retention(self, *, attraction: ArrayLike, barrier: ArrayLike) -> FloatArray:
        """Return the retention probability for each account.

        Parameters
        ----------
        attraction
            Shape (N,) or broadcastable; values in ``attraction_range``.
        barrier
            Shape (N,) or broadcastable; values in ``barrier_range``.

        Returns
        -------
        numpy.ndarray of float64
            The broadcast shape; probabilities in [0, 1], the retention input
            of the CLP calculators.

        Raises
        ------
        InvalidParameterError
            NaN, infinite or out-of-range inputs.
        ShapeMismatchError
            Inputs that do not broadcast.
        """
        a, s = self._inputs(attraction, barrier)
        return np.asarray(scipy.special.expit(_logit_kernel(self.coefficients, a, s)))

    @classmethod
    def fit(
        cls,
        *,
        attraction: ArrayLike,
        barrier: ArrayLike,
        retained: ArrayLike,
        weights: ArrayLike | None = None,
        attraction_range: tuple[float, float] = (-6.0, 6.0),
        barrier_range: tuple[float, float] = (0.0, 1.0),
        interaction: bool = True,
        collapse: bool = True,
        max_iterations: int = 500,
    ) -> RetentionModel:
        r"""Fit the coefficients to observed outcomes; return the fitted model.

        Maximises the (weighted) Bernoulli log-likelihood

        .. math:: \ell(b) = \sum_i w_i \left[y_i \eta_i - \log(1 + e^{\eta_i})\right],
            \qquad \eta_i = b_0 + b_1 a_i + b_2 s_i + b_3 a_i s_i

        subject to the linear monotonicity constraints of the class, with
        SLSQP and the analytic gradient :math:`X^\top w (y - p)`, through the
        maximum-likelihood driver shared by every fitted model of kamcore.
        The covariance in the fit report is the inverse of the observed
        information :math:`X^\top \operatorname{diag}(w p (1 - p)) X`; it is
        the usual asymptotic one when no constraint is active (see
        ``fit_report.active_constraints``).

        Parameters
        ----------
        attraction, barrier
            Shape (N,); values within the declared ranges. Keyword-only.
        retained
            Shape (N,); 1/True = retained, 0/False = lost. Proportions in
            [0, 1] are accepted with ``weights`` = number of accounts behind
            each row (grouped data). Keyword-only.
        weights
            Shape (N,); frequency weights >= 0 (default 1).
        attraction_range, barrier_range
            Declared domains, as in the class.
        interaction
            Whether to estimate ``b3``; if false, ``b3`` is fixed at 0.
        collapse
            Collapse identical rows into weights first (same estimates).
        max_iterations
            Iteration limit of the optimiser.

        Returns
        -------
        RetentionModel
            With :attr:`fit_report` (a :class:`~kamcore.clp.FitReport`:
            log-likelihood, ``n`` = total weight, covariance, standard errors,
            confidence intervals, binding constraints); ``b3 = 0`` when fitted
            without interaction.

        Raises
        ------
        InvalidParameterError
            Bad inputs, or outcomes that are all retained or all lost.
        ShapeMismatchError
            Arrays of different lengths.
        ConvergenceError
            The optimiser fails, or the coefficients are not identified
            (singular information, e.g. separated outcomes or a constant input).

        Examples
        --------
        >>> rng = np.random.default_rng(7)
        >>> a = rng.uniform(-6, 6, 4000)
        >>> s = rng.uniform(0, 1, 4000)
        >>> truth = RetentionModel(0.2, 0.4, 1.5, -0.15)
        >>> y = rng.random(4000) < truth.retention(attraction=a, barrier=s)
        >>> model = RetentionModel.fit(attraction=a, barrier=s, retained=y)
        >>> model.fit_report.converged, model.fit_report.n_parameters
        (True, 4)
        >>> bool(abs(model.b1 - 0.4) < 4 * model.fit_report.standard_errors["b1"])
        True
        """
        probe = cls(
            0.0, 0.0, 0.0, 0.0, attraction_range=attraction_range, barrier_range=barrier_range
        )
        a_dom = Interval(*probe.attraction_range)
        s_dom = Interval(*probe.barrier_range)
        a = as_float_array(attraction, "attraction", domain=a_dom, ndim=1)
        s = as_float_array(barrier, "barrier", domain=s_dom, ndim=1)
        y = as_float_array(retained, "retained", domain=PROBABILITY, ndim=1)
        arrays = {"attraction": a, "barrier": s, "retained": y}
        if weights is None:
            w = np.ones_like(y)
        else:
            w = as_float_array(weights, "weights", domain=NONNEGATIVE, ndim=1)
            arrays["weights"] = w
        lengths = {k: v.shape[0] for k, v in arrays.items()}
        if len(set(lengths.values())) > 1:
            desc = ", ".join(f"{k}: {n}" for k, n in lengths.items())
            raise ShapeMismatchError(f"arrays must have the same length; got {desc}.")
        if (
            not isinstance(max_iterations, int)
            or isinstance(max_iterations, bool)
            or max_iterations < 1
        ):
            raise InvalidParameterError(
                f"'max_iterations' must be an integer >= 1; got {max_iterations!r}."
            )
        total = float(w.sum())
        if total <= 0:
            raise InvalidParameterError(
                f"'weights' must have a positive sum; got {total!r} over {w.size} values."
            )
        ybar = float(np.dot(w, y)) / total
        if ybar <= 0.0 or ybar >= 1.0:
            raise InvalidParameterError(
                "'retained' must contain both retained and lost outcomes (with positive "
                f"weight); got a weighted retained share of {ybar!r}."
            )
        (a, s, y), w = prepare_fit_data(a, s, y, weights=w, collapse=bool(collapse))
        return _fit(
            probe, a, s, y, w, ybar, interaction=bool(interaction), max_iterations=max_iterations
        )


def _logit_kernel(
    b: tuple[float, float, float, float] | FloatArray, a: FloatArray, s: FloatArray
) -> FloatArray:
    """Kernel: ``b0 + a*(b1 + b3*s) + b2*s`` (no validation)."""
    return np.asarray(b[0] + a * (b[1] + b[3] * s) + b[2] * s, dtype=np.float64)


def _fit(  # noqa: PLR0917
    probe: RetentionModel,
    a: FloatArray,
    s: FloatArray,
    y: FloatArray,
    w: FloatArray,
    ybar: float,
    *,
    interaction: bool,
    max_iterations: int,
) -> RetentionModel:
    a_lo, a_hi = probe.attraction_range
    s_lo, s_hi = probe.barrier_range
    cols = [np.ones_like(a), a, s, a * s] if interaction else [np.ones_like(a), a, s]
    X = np.stack(cols, axis=1)
    k = X.shape[1]
    if interaction:
        A = np.array(
            [
                [0.0, 1.0, 0.0, s_lo],
                [0.0, 1.0, 0.0, s_hi],
                [0.0, 0.0, 1.0, a_lo],
                [0.0, 0.0, 1.0, a_hi],
            ]
        )
        labels: tuple[str, ...] = (
            f"b1 + b3*{s_lo:g} >= 0",
            f"b1 + b3*{s_hi:g} >= 0",
            f"b2 + b3*{a_lo:g} >= 0",
            f"b2 + b3*{a_hi:g} >= 0",
        )
    else:
        A = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
        labels = ("b1 >= 0", "b2 >= 0")
    wy = w * y

    def nll(beta: FloatArray) -> tuple[float, FloatArray]:
        eta = X @ beta
        val = float(np.dot(w, np.logaddexp(0.0, eta)) - np.dot(wy, eta))
        grad = X.T @ (w * scipy.special.expit(eta) - wy)
        return val, np.asarray(grad, dtype=np.float64)

    def information(beta: FloatArray) -> FloatArray:
        p = scipy.special.expit(X @ beta)
        return np.asarray((X * (w * p * (1.0 - p))[:, None]).T @ X, dtype=np.float64)

    def repair(beta: FloatArray) -> FloatArray:
        # Repair rounding-level constraint slack so the model validates exactly.
        full = np.zeros(4)
        full[:k] = beta
        full[1] = max(full[1], -(full[3] * s_lo), -(full[3] * s_hi))
        full[2] = max(full[2], -(full[3] * a_lo), -(full[3] * a_hi))
        return full[:k]

    x0 = np.zeros(k)
    x0[0] = math.log(ybar / (1.0 - ybar))
    params, report = maximize_likelihood(
        nll,
        x0,
        _COEF_NAMES[:k],
        n=float(w.sum()),
        n_rows=int(a.shape[0]),
        max_iterations=max_iterations,
        model="RetentionModel",
        constraints=LinearConstraints(A, labels),
        hessian=information,
        adjust=repair,
    )
    coefficients = [params.get(name, 0.0) for name in _COEF_NAMES]
    return RetentionModel(
        *coefficients,
        attraction_range=probe.attraction_range,
        barrier_range=probe.barrier_range,
        fit_report=report,
    )
