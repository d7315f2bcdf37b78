"""Loyalty: share of wallet, cross-selling, delivered value, attraction-barrier retention.

Everything here is vectorised over accounts and takes plain array-likes (a
:class:`~kamcore.Portfolio` column works as is):

- :func:`share_of_wallet`, :func:`cross_sell_ratio`, :func:`repeat_ratio` -
  the quantitative loyalty indicators of DOMAIN.md section 5;
- :func:`customer_delivered_value` - Kotler's CDV = total customer value
  (product, service, personnel, image) - total customer cost (money, time,
  effort, psychic);
- :class:`RetentionModel` - the attraction-barrier retention model, a
  logistic curve that never decreases in attraction or barrier over its
  declared domain, with :meth:`RetentionModel.fit` (maximum likelihood);
  its output is a plain float64 array in [0, 1] that plugs straight into the
  CLP calculators as the retention input;
- :func:`attraction_barrier_matrix` (Jones & Sasser 1995) and
  :func:`attitude_behaviour_matrix` (Dick & Basu 1994) - the loyalty
  matrices, with configurable split points.

See ``docs/loyalty.md`` for the formulas and the reasons behind the defaults.
"""

from __future__ import annotations

import enum
import math
from typing import Any, Final, Literal

import attrs
import numpy as np
import scipy.optimize  # type: ignore[import-untyped]
import scipy.special  # type: ignore[import-untyped]
from numpy.typing import ArrayLike, NDArray

from kamcore._params import (
    NONNEGATIVE,
    PROBABILITY,
    FloatArray,
    Interval,
    as_float_array,
    as_float_scalar,
    broadcast,
    check_in,
    fail_where,
    readonly,
)
from kamcore.errors import ConvergenceError, InvalidParameterError, ShapeMismatchError

__all__ = [
    "DickBasu",
    "JonesSasser",
    "LoyaltyMatrix",
    "RetentionFit",
    "RetentionModel",
    "attitude_behaviour_matrix",
    "attraction_barrier_matrix",
    "cross_sell_ratio",
    "customer_delivered_value",
    "repeat_ratio",
    "share_of_wallet",
]

Threshold = Literal["mean", "median"] | float


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
    out = np.full(p.shape, fill, dtype=np.float64)
    np.divide(p, w, out=out, where=~zero)
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


# --------------------------------------------------------------------------- CDV
_VALUE_PARTS: Final = ("product", "service", "personnel", "image")
_COST_PARTS: Final = ("money", "time", "effort", "psychic")


def customer_delivered_value(
    *,
    product: ArrayLike = 0.0,
    service: ArrayLike = 0.0,
    personnel: ArrayLike = 0.0,
    image: ArrayLike = 0.0,
    money: ArrayLike = 0.0,
    time: ArrayLike = 0.0,
    effort: ArrayLike = 0.0,
    psychic: ArrayLike = 0.0,
) -> FloatArray:
    r"""Return customer delivered value (Kotler): total value - total cost.

    .. math::

        \mathrm{CDV} = (V_\text{product} + V_\text{service} + V_\text{personnel}
        + V_\text{image}) - (C_\text{money} + C_\text{time} + C_\text{effort}
        + C_\text{psychic})

    All eight parts must be expressed in one unit (a currency, or a common
    score scale) and be >= 0; parts left out count as 0. The result can be
    used as the *attraction* of :class:`RetentionModel` (declare its range).

    Parameters
    ----------
    product, service, personnel, image
        Value parts, each a scalar or array broadcastable to (N,); >= 0.
    money, time, effort, psychic
        Cost parts, each a scalar or array broadcastable to (N,); >= 0.

    Returns
    -------
    numpy.ndarray of float64
        The broadcast shape of the parts; any real value.

    Raises
    ------
    InvalidParameterError
        A negative, NaN or infinite part (named in the message).
    ShapeMismatchError
        Parts that do not broadcast.

    Examples
    --------
    >>> customer_delivered_value(product=[60.0, 40.0], service=20.0, money=[50.0, 70.0], time=5.0)
    array([ 25., -15.])
    """
    given = {
        "product": product,
        "service": service,
        "personnel": personnel,
        "image": image,
        "money": money,
        "time": time,
        "effort": effort,
        "psychic": psychic,
    }
    arrays = {k: as_float_array(v, k, domain=NONNEGATIVE) for k, v in given.items()}
    parts = dict(zip(arrays, broadcast(arrays), strict=True))
    value = parts["product"] + parts["service"] + parts["personnel"] + parts["image"]
    cost = parts["money"] + parts["time"] + parts["effort"] + parts["psychic"]
    return np.asarray(value - cost, dtype=np.float64)


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

    Raises
    ------
    InvalidParameterError
        Non-finite coefficients, bad ranges, or coefficients that would make
        retention decrease somewhere in the declared box.

    Examples
    --------
    >>> model = RetentionModel()
    >>> model.retention([-3.0, 0.0, 3.0], [0.8, 0.5, 0.2]).round(3)
    array([0.769, 0.818, 0.905])

    The retention array is the CLP input as is, e.g. Gupta & Lehmann's margin
    multiple m r / (1 + d - r) with margin 100 and discount rate 0.1:

    >>> from kamcore.clp._closed_form import margin_multiple
    >>> r = model.retention([0.0, 2.0], [0.5, 0.9])
    >>> margin_multiple(100.0, r, 0.1).round(1)
    array([289.5, 611.1])
    """

    b0: float = attrs.field(default=0.5, converter=float, validator=_finite_float("b0"))
    b1: float = attrs.field(default=0.5, converter=float, validator=_finite_float("b1"))
    b2: float = attrs.field(default=2.0, converter=float, validator=_finite_float("b2"))
    b3: float = attrs.field(default=-0.25, converter=float, validator=_finite_float("b3"))
    attraction_range: tuple[float, float] = attrs.field(
        default=(-6.0, 6.0), kw_only=True, converter=_range_converter, validator=_check_range
    )
    barrier_range: tuple[float, float] = attrs.field(
        default=(0.0, 1.0), kw_only=True, converter=_range_converter, validator=_check_range
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

    @property
    def coefficients(self) -> tuple[float, float, float, float]:
        """``(b0, b1, b2, b3)``."""
        return (self.b0, self.b1, self.b2, self.b3)

    def _inputs(self, attraction: ArrayLike, barrier: ArrayLike) -> tuple[FloatArray, FloatArray]:
        a = as_float_array(attraction, "attraction", domain=Interval(*self.attraction_range))
        s = as_float_array(barrier, "barrier", domain=Interval(*self.barrier_range))
        a, s = broadcast({"attraction": a, "barrier": s})
        return a, s

    def logit(self, attraction: ArrayLike, barrier: ArrayLike) -> FloatArray:
        """Return the log-odds of retention, broadcast over the inputs (see class formula)."""
        a, s = self._inputs(attraction, barrier)
        return _logit_kernel(self.coefficients, a, s)

    def retention(self, attraction: ArrayLike, barrier: ArrayLike) -> FloatArray:
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
        attraction: ArrayLike,
        barrier: ArrayLike,
        retained: ArrayLike,
        *,
        weights: ArrayLike | None = None,
        attraction_range: tuple[float, float] = (-6.0, 6.0),
        barrier_range: tuple[float, float] = (0.0, 1.0),
        interaction: bool = True,
        maxiter: int = 500,
    ) -> RetentionFit:
        r"""Fit the coefficients to observed outcomes by constrained maximum likelihood.

        Maximises the (weighted) Bernoulli log-likelihood

        .. math:: \ell(b) = \sum_i w_i \left[y_i \eta_i - \log(1 + e^{\eta_i})\right],
            \qquad \eta_i = b_0 + b_1 a_i + b_2 s_i + b_3 a_i s_i

        subject to the linear monotonicity constraints of the class, with
        SLSQP and the analytic gradient :math:`X^\top w (y - p)`. Standard
        errors come from the observed information
        :math:`X^\top \operatorname{diag}(w p (1 - p)) X`; they are the usual
        asymptotic ones when no constraint is active (see
        :attr:`RetentionFit.active_constraints`).

        Parameters
        ----------
        attraction, barrier
            Shape (N,); values within the declared ranges.
        retained
            Shape (N,); 1/True = retained, 0/False = lost. Proportions in
            [0, 1] are accepted with ``weights`` = number of accounts behind
            each row (grouped data).
        weights
            Shape (N,); frequency weights >= 0 (default 1).
        attraction_range, barrier_range
            Declared domains, as in the class.
        interaction
            Whether to estimate ``b3``; if false, ``b3`` is fixed at 0.
        maxiter
            Iteration limit of the optimiser.

        Returns
        -------
        RetentionFit
            The fitted model with log-likelihood, standard errors and covariance.

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
        >>> y = rng.random(4000) < truth.retention(a, s)
        >>> result = RetentionModel.fit(a, s, y)
        >>> result.converged, len(result.standard_errors)
        (True, 4)
        >>> bool(abs(result.model.b1 - 0.4) < 4 * result.standard_errors[1])
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
        if not isinstance(maxiter, int) or isinstance(maxiter, bool) or maxiter < 1:
            raise InvalidParameterError(f"'maxiter' must be an integer >= 1; got {maxiter!r}.")
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
        return _fit(probe, a, s, y, w, ybar, interaction=bool(interaction), maxiter=maxiter)


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
    maxiter: int,
) -> RetentionFit:
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
    total = float(w.sum())
    wy = w * y

    def nll(beta: FloatArray) -> tuple[float, FloatArray]:
        eta = X @ beta
        val = float(np.dot(w, np.logaddexp(0.0, eta)) - np.dot(wy, eta)) / total
        grad = X.T @ (w * scipy.special.expit(eta) - wy) / total
        return val, np.asarray(grad, dtype=np.float64)

    x0 = np.zeros(k)
    x0[0] = math.log(ybar / (1.0 - ybar))
    with np.errstate(all="ignore"):
        res = scipy.optimize.minimize(
            nll,
            x0,
            jac=True,
            method="SLSQP",
            constraints=[{"type": "ineq", "fun": lambda b: A @ b, "jac": lambda _b: A}],
            options={"maxiter": maxiter, "ftol": 1e-13},
        )
    beta = np.asarray(res.x, dtype=np.float64)
    if not res.success or not np.all(np.isfinite(beta)):
        raise ConvergenceError(
            f"RetentionModel.fit did not converge after {res.nit} iterations: {res.message}",
            optimizer_message=str(res.message),
        )
    full = np.zeros(4)
    full[:k] = beta
    # Repair rounding-level constraint slack so the model validates exactly.
    full[1] = max(full[1], -(full[3] * s_lo), -(full[3] * s_hi))
    full[2] = max(full[2], -(full[3] * a_lo), -(full[3] * a_hi))
    beta = full[:k]
    eta = X @ beta
    p = scipy.special.expit(eta)
    info = (X * (w * p * (1.0 - p))[:, None]).T @ X
    try:
        chol = np.linalg.cholesky(info)
        cond = np.linalg.cond(info)
    except np.linalg.LinAlgError:
        chol, cond = None, math.inf
    if chol is None or not math.isfinite(cond) or cond > 1e12:
        raise ConvergenceError(
            "RetentionModel.fit: the information matrix is singular (condition number "
            f"{cond:.3g}); the coefficients are not identified (constant inputs, too few "
            "accounts, or outcomes perfectly separated by attraction and barrier)."
        )
    cov = np.linalg.solve(info, np.eye(k))
    se = np.sqrt(np.diag(cov))
    loglik = -float(np.dot(w, np.logaddexp(0.0, eta)) - np.dot(wy, eta))
    slack = A @ beta
    tol = 1e-7 * (1.0 + np.abs(beta).max())
    active = tuple(lab for lab, sl in zip(labels, slack, strict=True) if sl <= tol)
    model = RetentionModel(
        *full, attraction_range=probe.attraction_range, barrier_range=probe.barrier_range
    )
    names = _COEF_NAMES[:k]
    cov = readonly(cov)
    return RetentionFit(
        model=model,
        parameter_names=names,
        standard_errors=tuple(float(v) for v in se),
        covariance=cov,
        log_likelihood=loglik,
        n_obs=int(a.shape[0]),
        n_iter=int(res.nit),
        converged=True,
        active_constraints=active,
        message=str(res.message),
    )


@attrs.frozen(eq=False)
class RetentionFit:
    """The result of :meth:`RetentionModel.fit`.

    Parameters
    ----------
    model
        The fitted :class:`RetentionModel` (``b3 = 0`` when fitted without interaction).
    parameter_names
        Names of the estimated coefficients, e.g. ``("b0", "b1", "b2", "b3")``.
    standard_errors
        Asymptotic standard errors, aligned with ``parameter_names``.
    covariance
        Shape (k, k) read-only covariance matrix of the estimates.
    log_likelihood
        Maximised (weighted) log-likelihood, natural log.
    n_obs
        Number of rows fitted.
    n_iter
        Optimiser iterations.
    converged
        Always true (failures raise :class:`~kamcore.errors.ConvergenceError`).
    active_constraints
        Monotonicity constraints binding at the optimum; when non-empty the
        standard errors of the coefficients involved are not reliable.
    message
        The optimiser's message.
    """

    model: RetentionModel
    parameter_names: tuple[str, ...]
    standard_errors: tuple[float, ...]
    covariance: NDArray[np.float64] = attrs.field(repr=False)
    log_likelihood: float
    n_obs: int
    n_iter: int
    converged: bool
    active_constraints: tuple[str, ...]
    message: str

    def standard_error(self, name: str) -> float:
        """Return the standard error of coefficient ``name`` (``'b0'`` .. ``'b3'``)."""
        check_in(name, "name", self.parameter_names)
        return self.standard_errors[self.parameter_names.index(name)]


# --------------------------------------------------------------------------- loyalty matrices
class JonesSasser(enum.Enum):
    """Attraction x barrier segments (after Jones & Sasser 1995); value = code."""

    LOYAL = 0
    """High attraction, high barrier: stays and would stay anyway (apostle)."""
    MERCENARY = 1
    """High attraction, low barrier: satisfied but free to leave for a better deal."""
    HOSTAGE = 2
    """Low attraction, high barrier: captive - stays because leaving costs too much."""
    DEFECTOR = 3
    """Low attraction, low barrier: nothing keeps it."""


class DickBasu(enum.Enum):
    """Relative attitude x repeat patronage segments (Dick & Basu 1994); value = code."""

    TRUE = 0
    """High attitude, high patronage: true loyalty."""
    LATENT = 1
    """High attitude, low patronage: latent loyalty."""
    SPURIOUS = 2
    """Low attitude, high patronage: spurious loyalty (inertia, barriers)."""
    NONE = 3
    """Low attitude, low patronage: no loyalty."""


_SEGMENT_LABELS: Final = {
    "jones_sasser": tuple(m.name.lower() for m in JonesSasser),
    "dick_basu": tuple(m.name.lower() for m in DickBasu),
}


@attrs.frozen(eq=False)
class LoyaltyMatrix:
    """Accounts placed in a 2 x 2 loyalty matrix.

    ``codes[i] = 2 * (x_i < x_threshold) + (y_i < y_threshold)``, so code 0 is
    high-high, 1 high-x/low-y, 2 low-x/high-y, 3 low-low; a value equal to its
    threshold counts as high.

    Parameters
    ----------
    scheme
        ``"jones_sasser"`` (x = attraction, y = barrier) or ``"dick_basu"``
        (x = relative attitude, y = repeat patronage).
    codes
        Shape (N,) read-only int8 segment codes (the enum values).
    x_threshold, y_threshold
        The split points actually used.
    """

    scheme: str
    codes: NDArray[np.int8] = attrs.field(repr=False)
    x_threshold: float
    y_threshold: float

    @property
    def labels(self) -> tuple[str, ...]:
        """Segment labels in code order."""
        return _SEGMENT_LABELS[self.scheme]

    def segments(self) -> NDArray[np.str_]:
        """Return the segment label of each account, shape (N,)."""
        return np.asarray(self.labels)[self.codes]

    def counts(self) -> dict[str, int]:
        """Return the number of accounts in each segment (all four, in code order)."""
        c = np.bincount(self.codes, minlength=4)
        return {lab: int(n) for lab, n in zip(self.labels, c, strict=True)}

    def members(self, segment: JonesSasser | DickBasu | str) -> NDArray[np.int64]:
        """Return the indices of the accounts in ``segment`` (a member or a label)."""
        label = segment.name.lower() if isinstance(segment, enum.Enum) else segment
        check_in(label, "segment", self.labels)
        return np.flatnonzero(self.codes == self.labels.index(label)).astype(np.int64)

    def __len__(self) -> int:
        return int(self.codes.shape[0])


def _threshold(values: FloatArray, spec: Threshold, name: str) -> float:
    if isinstance(spec, str):
        check_in(spec, name, ("mean", "median"))
        if values.size == 0:
            raise InvalidParameterError(f"{name!r} = {spec!r} needs at least one account; got 0.")
        ordered = np.sort(values)  # order-free: the split cannot depend on row order
        return float(ordered.mean() if spec == "mean" else np.median(ordered))
    return as_float_scalar(spec, name)


def _matrix(  # noqa: PLR0917
    x: ArrayLike,
    y: ArrayLike,
    x_name: str,
    y_name: str,
    x_split: Threshold,
    y_split: Threshold,
    scheme: str,
) -> LoyaltyMatrix:
    xa = as_float_array(x, x_name, ndim=1)
    ya = as_float_array(y, y_name, ndim=1)
    if xa.shape != ya.shape:
        raise ShapeMismatchError(
            f"arrays must have the same length; got {x_name}: {xa.shape[0]}, "
            f"{y_name}: {ya.shape[0]}."
        )
    tx = _threshold(xa, x_split, f"{x_name}_threshold")
    ty = _threshold(ya, y_split, f"{y_name}_threshold")
    codes = (2 * (xa < tx) + (ya < ty)).astype(np.int8)
    codes = readonly(codes)
    return LoyaltyMatrix(scheme=scheme, codes=codes, x_threshold=tx, y_threshold=ty)


def attraction_barrier_matrix(
    attraction: ArrayLike,
    barrier: ArrayLike,
    *,
    attraction_threshold: Threshold = "mean",
    barrier_threshold: Threshold = "mean",
) -> LoyaltyMatrix:
    r"""Place each account in the attraction x barrier loyalty matrix (Jones & Sasser).

    ======================  =================  =================
    \                       barrier high       barrier low
    ======================  =================  =================
    **attraction high**     loyal (0)          mercenary (1)
    **attraction low**      hostage (2)        defector (3)
    ======================  =================  =================

    Parameters
    ----------
    attraction
        Shape (N,); e.g. satisfaction gap or delivered value.
    barrier
        Shape (N,); e.g. the switching-cost barrier index.
    attraction_threshold, barrier_threshold
        ``"mean"`` (default) or ``"median"`` of the given accounts, or a
        number. A value equal to the threshold counts as high. The mean is
        computed over the sorted values, so it does not depend on row order.

    Returns
    -------
    LoyaltyMatrix
        Codes are :class:`JonesSasser` values.

    Raises
    ------
    InvalidParameterError
        NaN/infinite inputs or an unknown threshold rule.
    ShapeMismatchError
        Arrays of different lengths or not 1-D.

    Examples
    --------
    >>> m = attraction_barrier_matrix([2.0, 1.5, -1.0, -2.5], [0.9, 0.1, 0.8, 0.2])
    >>> m.segments().tolist()
    ['loyal', 'mercenary', 'hostage', 'defector']
    >>> m.x_threshold, m.y_threshold
    (0.0, 0.5)
    """
    return _matrix(
        attraction,
        barrier,
        "attraction",
        "barrier",
        attraction_threshold,
        barrier_threshold,
        "jones_sasser",
    )


def attitude_behaviour_matrix(
    attitude: ArrayLike,
    behaviour: ArrayLike,
    *,
    attitude_threshold: Threshold = "mean",
    behaviour_threshold: Threshold = "mean",
) -> LoyaltyMatrix:
    r"""Place each account in the relative attitude x repeat patronage matrix (Dick & Basu).

    ======================  =================  =================
    \                       patronage high     patronage low
    ======================  =================  =================
    **attitude high**       true (0)           latent (1)
    **attitude low**        spurious (2)       none (3)
    ======================  =================  =================

    Parameters
    ----------
    attitude
        Shape (N,); relative attitude, e.g. satisfaction or a survey score.
    behaviour
        Shape (N,); repeat patronage, e.g. :func:`share_of_wallet` or
        :func:`repeat_ratio`.
    attitude_threshold, behaviour_threshold
        As in :func:`attraction_barrier_matrix`.

    Returns
    -------
    LoyaltyMatrix
        Codes are :class:`DickBasu` values.

    Raises
    ------
    InvalidParameterError, ShapeMismatchError
        As :func:`attraction_barrier_matrix`.

    Examples
    --------
    >>> m = attitude_behaviour_matrix([6, 6, 2, 2], [0.9, 0.2, 0.8, 0.1],
    ...                               attitude_threshold=4.0, behaviour_threshold=0.5)
    >>> m.counts()
    {'true': 1, 'latent': 1, 'spurious': 1, 'none': 1}
    """
    return _matrix(
        attitude,
        behaviour,
        "attitude",
        "behaviour",
        attitude_threshold,
        behaviour_threshold,
        "dick_basu",
    )
