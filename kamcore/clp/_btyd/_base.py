r"""Shared fitting infrastructure of the buy-till-you-die (BTYD) models.

Every model in :mod:`kamcore.clp._btyd` is fitted by maximum likelihood with the
same three pieces, which live here so that all models behave alike:

1. **Input checks** -- :func:`validate_rfm` (frequency / recency / T summaries)
   and :func:`validate_weights`, both built on :mod:`kamcore._params`, so that a
   bad value raises a :class:`~kamcore.errors.KamcoreError` naming the field,
   the rule and the first offender.
2. **Row collapsing** -- :func:`collapse_rows` turns identical input rows into
   one row with a weight (the number of customers, or the sum of their weights).
   A weighted likelihood over the unique rows equals the likelihood over all
   rows, and real data (integer frequencies, recencies and ages on a day or
   week grid) collapse a lot.
3. **The fit driver** -- :func:`maximize_likelihood` minimises a weighted
   negative log-likelihood with its analytic gradient over the *logarithms* of
   the (positive) parameters with :func:`scipy.optimize.minimize`, then computes
   standard errors from the numerical Hessian of the negative log-likelihood in
   the *natural* parameter space (central differences of the analytic
   gradient), and returns the estimates with a :class:`FitReport`.

Conventions
-----------
* All parameters handled by the driver are strictly positive; the optimiser works
  on :math:`\phi = \log\theta`, so no bounds are needed for positivity, and a
  change of time unit (weeks vs days) only shifts :math:`\log\alpha`; no time
  rescaling is therefore needed for conditioning.
* The objective seen by the optimiser is the negative log-likelihood *divided by
  the total weight* (a per-customer mean), so tolerances do not depend on the
  number of customers.
* The log-likelihood in the report is the weighted sum over customers on the
  original time scale of the data.
* A fit that fails, or whose estimate runs towards 0 or infinity
  (:math:`|\log\theta| > 20`, :data:`EDGE_BOUND`: the MLE is on the boundary), raises
  :class:`~kamcore.errors.ConvergenceError` carrying the optimiser's message.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, ClassVar, Final

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize  # type: ignore[import-untyped]

from kamcore._optional import single_threaded_blas
from kamcore._params import (
    NONNEGATIVE,
    POSITIVE,
    FloatArray,
    IntArray,
    as_float_array,
    as_float_scalar,
    as_int_array,
    broadcast,
    check_in,
    fail_where,
    same_length,
)
from kamcore.errors import ConvergenceError, InvalidParameterError

__all__ = [
    "FIT_METHODS",
    "ACCEPT_GRADIENT",
    "EDGE_BOUND",
    "LOG_BOUND",
    "FitReport",
    "check_positive_parameter",
    "to_float_parameter",
    "NegLogLikelihood",
    "collapse_rows",
    "maximize_likelihood",
    "numerical_hessian",
    "prepare_fit_data",
    "validate_rfm",
    "validate_weights",
    "weighted_sum",
]

FIT_METHODS: Final[tuple[str, ...]] = ("L-BFGS-B", "BFGS")
"""Optimisers accepted by :func:`maximize_likelihood`."""

LOG_BOUND: Final = 25.0
"""Search box for the log-parameters: :math:`|\\log\\theta| \\le 25`."""

EDGE_BOUND: Final = 20.0
"""An estimate with :math:`|\\log\\theta| > 20` is taken as running to 0 or infinity."""

ACCEPT_GRADIENT: Final = 1e-5
"""Largest max-abs gradient (per-customer mean NLL, log-parameters) accepted when the
optimiser stops on a line-search failure rather than a convergence test."""

NegLogLikelihood = Callable[[FloatArray], tuple[float, FloatArray]]
"""A function of the natural parameters returning (weighted NLL sum, its gradient)."""


# ----------------------------------------------------------------- fit report
def _as_mapping(value: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType({str(k): float(v) for k, v in value.items()})


@attrs.frozen
class FitReport:
    """What a maximum-likelihood fit did and how well it did it.

    Parameters
    ----------
    log_likelihood
        Maximised log-likelihood, summed over customers (weights applied) on the
        original time scale of the data.
    standard_errors
        Parameter name -> asymptotic standard error, the square root of the
        diagonal of the inverse Hessian of the negative log-likelihood at the
        optimum in the natural parameter space (a fit whose Hessian is not
        positive definite raises instead).
    converged
        Whether the optimiser reported success.
    iterations
        Optimiser iterations.
    n_customers
        Total weight (number of customers represented).
    n_unique
        Rows the likelihood was evaluated on (after collapsing identical rows).
    message
        The optimiser's message, plus notes on the Hessian if any.
    method
        Optimiser used (``"L-BFGS-B"`` or ``"BFGS"``).

    Examples
    --------
    >>> rep = FitReport(log_likelihood=-10.0, standard_errors={"r": 0.1}, converged=True,
    ...                 iterations=7, n_customers=5.0, n_unique=3, message="ok", method="BFGS")
    >>> rep.aic
    22.0
    """

    log_likelihood: float = attrs.field(converter=float)
    standard_errors: Mapping[str, float] = attrs.field(converter=_as_mapping)
    converged: bool = attrs.field(converter=bool)
    iterations: int = attrs.field(converter=int)
    n_customers: float = attrs.field(converter=float)
    n_unique: int = attrs.field(converter=int)
    message: str = attrs.field(converter=str)
    method: str = attrs.field(converter=str)

    @property
    def n_parameters(self) -> int:
        """Number of estimated parameters."""
        return len(self.standard_errors)

    @property
    def aic(self) -> float:
        r"""Akaike information criterion :math:`2k - 2\ell`."""
        return 2.0 * self.n_parameters - 2.0 * self.log_likelihood

    @property
    def bic(self) -> float:
        r"""Bayesian information criterion :math:`k \ln n - 2\ell` (n = total weight)."""
        return self.n_parameters * math.log(self.n_customers) - 2.0 * self.log_likelihood


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


def validate_weights(weights: ArrayLike | None, n: int) -> FloatArray | None:
    """Check optional per-row weights: 1-D, length ``n``, finite, >= 0, positive sum.

    Returns
    -------
    numpy.ndarray of float64 or None
        ``None`` when ``weights`` is None (every row counts once).

    Raises
    ------
    InvalidParameterError, ShapeMismatchError
        Bad values, wrong length, or all weights zero.
    """
    if weights is None:
        return None
    w = as_float_array(weights, "weights", domain=NONNEGATIVE, ndim=1)
    same_length({"rows": np.empty(n), "weights": w})
    if n and not w.sum() > 0:
        raise InvalidParameterError("'weights' must have a positive sum; got all zeros.")
    return w


# ----------------------------------------------------------------- collapsing
def collapse_rows(
    *columns: NDArray[Any],
    weights: NDArray[Any] | None = None,
    return_inverse: bool = False,
) -> Any:
    """Collapse identical rows of parallel 1-D columns into weighted unique rows.

    Rows are sorted lexicographically (``numpy.lexsort``, equivalent to
    ``numpy.unique(..., axis=0)`` on the stacked columns but without building a
    2-D copy); each run of equal rows becomes one row whose weight is the sum
    of the run's weights (its count when ``weights`` is None).

    Parameters
    ----------
    *columns
        1-D numpy arrays of equal length ``n`` (already validated), any numeric
        dtypes; each output column keeps its input dtype.
    weights
        Optional per-row weights, shape ``(n,)``.
    return_inverse
        Also return ``inverse``, shape ``(n,)``: the unique row of every input row,
        so that ``unique[k][inverse] == columns[k]``.

    Returns
    -------
    (unique_columns, weights) or (unique_columns, weights, inverse)
        ``unique_columns`` is a tuple of arrays of shape ``(m,)``; ``weights`` is
        float64 of shape ``(m,)`` summing to the total input weight.

    Examples
    --------
    >>> (x, t), w = collapse_rows(np.array([1, 0, 1]), np.array([2.0, 0.0, 2.0]))
    >>> x.tolist(), t.tolist(), w.tolist()
    ([0, 1], [0.0, 2.0], [1.0, 2.0])
    """
    n = columns[0].shape[0] if columns else 0
    if n == 0:
        unique = tuple(c[:0] for c in columns)
        empty_w = np.zeros(0)
        if return_inverse:
            return unique, empty_w, np.zeros(0, dtype=np.int64)
        return unique, empty_w
    order = np.lexsort(columns[::-1])
    change = np.zeros(n, dtype=bool)
    change[0] = True
    for col in columns:
        s = col[order]
        change[1:] |= s[1:] != s[:-1]
    group_sorted = np.cumsum(change) - 1
    first = order[change]
    unique = tuple(col[first] for col in columns)
    w_sorted = None if weights is None else np.asarray(weights, dtype=np.float64)[order]
    counts = np.bincount(group_sorted, weights=w_sorted, minlength=first.size).astype(np.float64)
    if not return_inverse:
        return unique, counts
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = group_sorted
    return unique, counts, inverse


def prepare_fit_data(
    *columns: NDArray[Any],
    weights: FloatArray | None,
    collapse: bool,
) -> tuple[tuple[NDArray[Any], ...], FloatArray]:
    """Collapse (when asked) validated columns and return ``(columns, weights)``.

    Rows with weight 0 are kept out of the likelihood. The returned weights are
    float64 and never None (ones when no weights were given and ``collapse`` is
    false).
    """
    n = columns[0].shape[0]
    if collapse:
        unique, w = collapse_rows(*columns, weights=weights)
    else:
        unique, w = columns, (np.ones(n) if weights is None else weights)
    keep = w > 0
    if not keep.all():
        unique = tuple(c[keep] for c in unique)
        w = w[keep]
    return tuple(unique), np.asarray(w, dtype=np.float64)


# ----------------------------------------------------------------- fit driver
def numerical_hessian(
    gradient: Callable[[FloatArray], FloatArray], theta: FloatArray
) -> FloatArray:
    r"""Hessian by central differences of an analytic gradient, symmetrised.

    Steps are relative: :math:`h_i = \epsilon^{1/3} \max(|\theta_i|, 10^{-8})`.

    Parameters
    ----------
    gradient
        Function returning the gradient, shape ``(k,)``, at a point of shape ``(k,)``.
    theta
        Point, shape ``(k,)``; all coordinates must stay in the function's domain
        after a relative step of about ``6e-6``.

    Returns
    -------
    numpy.ndarray
        Shape ``(k, k)``.
    """
    k = theta.size
    hess = np.empty((k, k))
    steps = np.cbrt(np.finfo(float).eps) * np.maximum(np.abs(theta), 1e-8)
    for i in range(k):
        up = theta.copy()
        down = theta.copy()
        up[i] += steps[i]
        down[i] -= steps[i]
        hess[:, i] = (gradient(up) - gradient(down)) / (2.0 * steps[i])
    return 0.5 * (hess + hess.T)


def _standard_errors(objective: NegLogLikelihood, theta: FloatArray) -> tuple[FloatArray, str]:
    hess = numerical_hessian(lambda th: objective(th)[1], theta)
    if not np.all(np.isfinite(hess)):
        return np.full(theta.size, np.nan), "Hessian not finite"
    try:
        chol = np.linalg.cholesky(hess)
    except np.linalg.LinAlgError:
        return np.full(theta.size, np.nan), "Hessian not positive definite"
    inv_chol = np.linalg.solve(chol, np.eye(theta.size))
    cov_diag = np.sum(inv_chol**2, axis=0)
    return np.sqrt(cov_diag), ""


def maximize_likelihood(
    objective: NegLogLikelihood,
    start: Sequence[float] | FloatArray,
    names: Sequence[str],
    *,
    n_customers: float,
    n_unique: int,
    method: str = "L-BFGS-B",
    max_iterations: int = 2000,
    model: str = "model",
) -> tuple[dict[str, float], FitReport]:
    r"""Maximise a likelihood over strictly positive parameters.

    Minimises :math:`f(\phi) = \mathrm{NLL}(e^\phi) / n` with gradient
    :math:`\nabla_\phi f = e^\phi \odot \nabla_\theta \mathrm{NLL} / n`, where
    ``n = n_customers``, with :func:`scipy.optimize.minimize` (``jac=True``),
    inside the box :math:`|\phi| \le 25` (:data:`LOG_BOUND`).

    Parameters
    ----------
    objective
        ``objective(theta) -> (nll, grad)``: the weighted negative log-likelihood
        summed over customers at natural parameters ``theta`` (shape ``(k,)``, all
        > 0) and its gradient with respect to ``theta`` (shape ``(k,)``). It must
        return finite values for every ``theta`` in the box.
    start
        Starting natural parameters, shape ``(k,)``, all > 0.
    names
        Parameter names, length ``k`` (keys of the returned mapping).
    n_customers
        Total weight of the data (used for scaling and in the report).
    n_unique
        Number of rows the objective evaluates (for the report).
    method
        ``"L-BFGS-B"`` (default) or ``"BFGS"``.
    max_iterations
        Optimiser iteration limit.
    model
        Model name used in error messages.

    Returns
    -------
    params : dict
        Name -> estimate.
    report : FitReport
        Log-likelihood, standard errors and convergence details.

    Raises
    ------
    ConvergenceError
        The optimiser did not converge, produced a non-finite value, an
        estimate ran towards 0 or infinity, or the Hessian at the end point is
        not positive definite (parameters not identified by the data);
        ``optimizer_message`` carries the optimiser's message.
    InvalidParameterError
        Unknown ``method`` or a non-positive start value.

    Examples
    --------
    Exponential rate by maximum likelihood (NLL = λ Σy - n log λ):

    >>> y = np.array([0.5, 1.0, 1.5])
    >>> def nll(th):
    ...     lam = th[0]
    ...     return lam * y.sum() - y.size * np.log(lam), np.array([y.sum() - y.size / lam])
    >>> params, report = maximize_likelihood(nll, [0.3], ["rate"], n_customers=3, n_unique=3)
    >>> round(params["rate"], 6), report.converged
    (1.0, True)
    """
    check_in(method, "method", FIT_METHODS)
    theta0 = as_float_array(start, "start", domain=POSITIVE, ndim=1)
    scale = 1.0 / float(n_customers)

    def fun(phi: FloatArray) -> tuple[float, FloatArray]:
        theta = np.exp(phi)
        value, grad = objective(theta)
        return float(value) * scale, np.asarray(grad, dtype=np.float64) * theta * scale

    bounds = [(-LOG_BOUND, LOG_BOUND)] * theta0.size if method == "L-BFGS-B" else None
    options: dict[str, Any] = {"maxiter": int(max_iterations)}
    if method == "L-BFGS-B":
        options.update(ftol=1e-14, gtol=1e-9, maxls=50)
    else:
        options.update(gtol=1e-9)
    phi0 = np.clip(np.log(theta0), -LOG_BOUND + 1.0, LOG_BOUND - 1.0)
    with np.errstate(all="ignore"), single_threaded_blas():
        try:
            res = optimize.minimize(
                fun, phi0, jac=True, method=method, bounds=bounds, options=options
            )
            if not res.success and res.nit < max_iterations and np.all(np.isfinite(res.x)):
                # L-BFGS-B's line search can stall near an optimum that is flat to
                # rounding; one restart from where it stopped usually finishes the job.
                res2 = optimize.minimize(
                    fun, res.x, jac=True, method=method, bounds=bounds, options=options
                )
                if res2.success or res2.fun <= res.fun:
                    res2.nit += res.nit
                    res = res2
        except (ValueError, FloatingPointError, OverflowError, ArithmeticError) as exc:
            raise ConvergenceError(
                f"{model} fit failed: the optimiser raised {exc!r}.", optimizer_message=str(exc)
            ) from None
    opt_message = str(res.message)
    phi = np.asarray(res.x, dtype=np.float64)
    value, grad_phi = fun(phi)
    finite = math.isfinite(value) and bool(np.all(np.isfinite(grad_phi)))
    if not finite:
        raise ConvergenceError(
            f"{model} fit failed: non-finite log-likelihood or gradient at the end "
            f"({opt_message}).",
            optimizer_message=opt_message,
        )
    converged = bool(res.success)
    note = ""
    if not converged:
        # L-BFGS-B stops with ABNORMAL line-search messages at optima that are flat
        # to machine precision; accept those when the gradient is negligible.
        gmax = float(np.max(np.abs(grad_phi)))
        if gmax <= ACCEPT_GRADIENT:
            converged = True
            note = f" (accepted: max |gradient| {gmax:.2e} in log-parameters)"
        else:
            raise ConvergenceError(
                f"{model} fit did not converge after {int(res.nit)} iterations: {opt_message} "
                f"(max |gradient| {gmax:.3g}).",
                optimizer_message=opt_message,
            )
    edge = np.abs(phi) > EDGE_BOUND
    if edge.any():
        i = int(np.flatnonzero(edge)[0])
        raise ConvergenceError(
            f"{model} fit did not converge: parameter {names[i]!r} ran to "
            f"{math.exp(phi[i]):.3g}, the edge of the search space (the maximum likelihood "
            f"estimate is at 0 or infinity for these data).",
            optimizer_message=opt_message,
        )
    theta = np.exp(phi)
    nll, _ = objective(theta)
    with np.errstate(all="ignore"):
        se, se_note = _standard_errors(objective, theta)
    if se_note:
        raise ConvergenceError(
            f"{model} fit did not converge to a proper maximum: {se_note} at the end point "
            f"({', '.join(f'{n}={v:.4g}' for n, v in zip(names, theta, strict=True))}); the "
            f"parameters are not identified by these data ({opt_message}).",
            optimizer_message=opt_message,
        )
    message = opt_message + note
    params = {str(n): float(v) for n, v in zip(names, theta, strict=True)}
    report = FitReport(
        log_likelihood=-float(nll),
        standard_errors=dict(zip(names, se.tolist(), strict=True)),
        converged=converged,
        iterations=int(res.nit),
        n_customers=float(n_customers),
        n_unique=int(n_unique),
        message=message,
        method=method,
    )
    return params, report


def weighted_sum(w: NDArray[Any], v: NDArray[Any]) -> float:
    r"""Return :math:`\sum_i w_i v_i` for 1-D arrays, without BLAS.

    ``w @ v`` goes to a multi-threaded BLAS ``ddot`` whose thread wake-ups cost
    milliseconds on a busy machine (and dominate a likelihood evaluation that
    calls it a dozen times); ``numpy.einsum`` sums in one pass on the calling
    thread with no such outliers.
    """
    return float(np.einsum("i,i->", w, v))


class ParametricModel:
    """Mixin for the frozen model classes: ``params`` derived from ``PARAMETER_NAMES``.

    Each model declares its parameters once, as attrs fields and in the
    ``PARAMETER_NAMES`` class variable (the order the fit driver uses).
    """

    __slots__ = ()

    PARAMETER_NAMES: ClassVar[tuple[str, ...]] = ()

    @property
    def params(self) -> dict[str, float]:
        """Parameters as a name -> value mapping, in ``PARAMETER_NAMES`` order."""
        return {name: float(getattr(self, name)) for name in self.PARAMETER_NAMES}
