r"""The maximum-likelihood machinery shared by every fitted model of kamcore.

One driver, one report:

* :func:`maximize_likelihood` minimises a weighted negative log-likelihood with
  its analytic gradient and returns the estimates with a :class:`FitReport`.
  Strictly positive parameters (the BTYD models) are optimised over their
  logarithms with L-BFGS-B or BFGS; unbounded parameters under linear
  inequality constraints (the attraction-barrier retention model) with SLSQP.
* :class:`FitReport` -- log-likelihood, the (weighted) number of observations,
  convergence details, the parameter covariance in the *natural* parameter
  space, standard errors, Wald confidence intervals, AIC and BIC. Public as
  :class:`kamcore.clp.FitReport`.
* :func:`collapse_rows` / :func:`prepare_fit_data` turn identical input rows
  into one weighted row: the weighted likelihood over the unique rows equals
  the likelihood over all rows, and real data collapse a lot.
* :func:`validate_weights` checks optional per-row weights.

Conventions
-----------
* In log space the optimiser works on :math:`\phi = \log\theta`, so no bounds
  are needed for positivity, and a change of time unit (weeks vs days) only
  shifts :math:`\log\alpha`; no time rescaling is needed for conditioning.
* The objective seen by the optimiser is the negative log-likelihood *divided by
  the total weight* (a per-observation mean), so tolerances do not depend on the
  number of observations.
* The log-likelihood in the report is the weighted sum over observations on the
  original scale of the data.
* The covariance is the inverse Hessian of the negative log-likelihood at the
  optimum with respect to the natural parameters :math:`\theta`. It is computed
  from the analytic gradient by central differences (or from an analytic
  Hessian when the model has one). At the optimum this is the delta-method
  transform of the covariance in the optimiser's log space,
  :math:`\Sigma_\theta = J \Sigma_\phi J^\top` with
  :math:`J = \operatorname{diag}(\theta)`, because the gradient vanishes there.
* A fit that fails, whose estimate runs towards 0 or infinity
  (:math:`|\log\theta| > 20`, :data:`EDGE_BOUND`), or whose Hessian is not
  positive definite raises :class:`~kamcore.errors.ConvergenceError` carrying the
  optimiser's message.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from html import escape
from types import MappingProxyType
from typing import Any, Final

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, special  # type: ignore[import-untyped]

from kamcore._columns import FrozenArrays
from kamcore._optional import require, single_threaded_blas
from kamcore._params import (
    NONNEGATIVE,
    POSITIVE,
    UNIT_OPEN,
    FloatArray,
    as_count,
    as_float_array,
    as_float_scalar,
    check_in,
    fail_where,
    readonly,
    same_length,
)
from kamcore.errors import ConvergenceError, InvalidParameterError, ShapeMismatchError

__all__ = [
    "ACCEPT_GRADIENT",
    "EDGE_BOUND",
    "FIT_METHODS",
    "LOG_BOUND",
    "FitReport",
    "FitSummary",
    "LinearConstraints",
    "check_fit_report",
    "NegLogLikelihood",
    "collapse_rows",
    "maximize_likelihood",
    "model_repr",
    "numerical_hessian",
    "prepare_fit_data",
    "validate_weights",
    "weighted_sum",
]

FIT_METHODS: Final[tuple[str, ...]] = ("L-BFGS-B", "BFGS")
"""Optimisers accepted for strictly positive parameters (log space)."""

CONSTRAINED_METHOD: Final = "SLSQP"
"""Optimiser used for unbounded parameters under linear inequality constraints."""

LOG_BOUND: Final = 25.0
"""Search box for the log-parameters: :math:`|\\log\\theta| \\le 25`."""

EDGE_BOUND: Final = 20.0
"""An estimate with :math:`|\\log\\theta| > 20` is taken as running to 0 or infinity."""

ACCEPT_GRADIENT: Final = 1e-5
"""Largest max-abs gradient (per-observation mean NLL, log-parameters) accepted when
the optimiser stops on a line-search failure rather than a convergence test."""

MAX_CONDITION: Final = 1e12
"""Largest condition number of the Hessian of an unbounded-parameter fit taken as
identified."""

NegLogLikelihood = Callable[[FloatArray], tuple[float, FloatArray]]
"""A function of the natural parameters returning (weighted NLL sum, its gradient)."""


# ----------------------------------------------------------------- fit report
def _mapping(value: Any, name: str) -> Mapping[str, float]:
    if not isinstance(value, Mapping):
        raise InvalidParameterError(
            f"{name!r} must be a mapping of parameter name to number; got {type(value).__name__}."
        )
    out = {str(k): as_float_scalar(v, f"{name}[{k!r}]") for k, v in value.items()}
    return MappingProxyType(out)


def _as_mapping(value: Any) -> Mapping[str, float]:
    return _mapping(value, "standard_errors")


def _as_optional_mapping(value: Any) -> Mapping[str, float] | None:
    return None if value is None else _mapping(value, "estimates")


def _as_matrix(value: Any) -> tuple[tuple[float, ...], ...] | None:
    if value is None:
        return None
    arr = as_float_array(value, "correlation", ndim=2)
    return tuple(tuple(float(v) for v in row) for row in arr)


def _as_labels(value: Any) -> tuple[str, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (Sequence, np.ndarray)):
        raise InvalidParameterError(
            f"'parameters' must be a sequence of names; got {type(value).__name__} {value!r}."
        )
    return tuple(str(v) for v in value)


def _as_constraint_labels(value: Any) -> tuple[str, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (Sequence, np.ndarray)):
        raise InvalidParameterError(
            f"'active_constraints' must be a sequence of labels; got {type(value).__name__}."
        )
    return tuple(str(v) for v in value)


def _report_ll(value: Any) -> float:
    return as_float_scalar(value, "log_likelihood")


def _report_n(value: Any) -> float:
    return as_float_scalar(value, "n", domain=NONNEGATIVE)


def _report_rows(value: Any) -> int:
    return as_count(value, "n_rows")


def _report_iterations(value: Any) -> int:
    return as_count(value, "iterations")


@attrs.frozen(kw_only=True)
class FitReport(FrozenArrays):
    r"""What a maximum-likelihood fit did and how well it did it.

    Every fitted model of kamcore carries one as ``fit_report`` (None for a
    model built from published or hand-picked parameters).

    Parameters
    ----------
    log_likelihood
        Maximised log-likelihood, summed over observations (weights applied)
        on the original scale of the data.
    n
        Total weight of the data: the number of customers (or accounts, or
        observations) the fit stands for.
    n_rows
        Rows the likelihood was evaluated on (after collapsing identical rows).
    standard_errors
        Parameter name -> asymptotic standard error, the square root of the
        diagonal of :attr:`covariance`; the order of the names is the
        parameter order.
    correlation
        Shape ``(k, k)`` correlation matrix of the estimates (nested tuples, in
        the order of ``standard_errors``), or None for a report read from a
        document that stored the standard errors only.
    estimates
        Parameter name -> estimate, or None for a report read from a document
        that did not store them.
    converged
        Whether the optimiser reported success (failures raise, so a stored
        report is always converged).
    iterations
        Optimiser iterations.
    message
        The optimiser's message, plus notes (accepted line-search stops,
        excluded rows) if any.
    method
        Optimiser used (``"L-BFGS-B"``, ``"BFGS"`` or ``"SLSQP"``).
    active_constraints
        Inequality constraints binding at the optimum (constrained fits only);
        when non-empty the standard errors of the parameters involved are not
        reliable.

    Notes
    -----
    With :math:`k` estimated parameters, maximised log-likelihood :math:`\ell`
    and total weight :math:`n`: :math:`\mathrm{AIC} = 2k - 2\ell` and
    :math:`\mathrm{BIC} = k \ln n - 2\ell`. The covariance is
    :math:`\Sigma = D R D`, :math:`D = \operatorname{diag}(\mathrm{se})`.

    Examples
    --------
    >>> rep = FitReport(log_likelihood=-10.0, n=5.0, n_rows=3, standard_errors={"r": 0.1},
    ...                 correlation=[[1.0]], estimates={"r": 2.0}, converged=True,
    ...                 iterations=7, message="ok", method="BFGS")
    >>> rep.aic, rep.n_parameters
    (22.0, 1)
    >>> lo, hi = rep.confidence_intervals(0.95)["r"]
    >>> round(lo, 4), round(hi, 4)
    (1.804, 2.196)
    """

    log_likelihood: float = attrs.field(converter=_report_ll)
    n: float = attrs.field(converter=_report_n)
    n_rows: int = attrs.field(converter=_report_rows)
    standard_errors: Mapping[str, float] = attrs.field(converter=_as_mapping)
    correlation: tuple[tuple[float, ...], ...] | None = attrs.field(converter=_as_matrix)
    estimates: Mapping[str, float] | None = attrs.field(converter=_as_optional_mapping)
    converged: bool = attrs.field(converter=bool)
    iterations: int = attrs.field(converter=_report_iterations)
    message: str = attrs.field(converter=str)
    method: str = attrs.field(converter=str)
    active_constraints: tuple[str, ...] = attrs.field(default=(), converter=_as_constraint_labels)

    def __attrs_post_init__(self) -> None:
        # the converters refuse non-finite numbers and negative counts by name
        for name, se in self.standard_errors.items():
            if not (math.isfinite(se) and se >= 0.0):
                raise InvalidParameterError(
                    f"'standard_errors' must hold finite values >= 0; got {se!r} for {name!r}."
                )
        for name, value in (self.estimates or {}).items():
            if not math.isfinite(value):
                raise InvalidParameterError(
                    f"'estimates' must hold finite values; got {value!r} for {name!r}."
                )
        if self.correlation is not None and not all(
            math.isfinite(v) and -1.0 <= v <= 1.0 for row in self.correlation for v in row
        ):
            raise InvalidParameterError("'correlation' must hold finite values in [-1, 1].")
        names = tuple(self.standard_errors)
        k = len(names)
        if self.correlation is not None and (
            len(self.correlation) != k or any(len(row) != k for row in self.correlation)
        ):
            raise InvalidParameterError(
                f"'correlation' must be a {k} x {k} matrix (one row and column per standard "
                f"error); got {len(self.correlation)} rows."
            )
        if self.estimates is not None and tuple(self.estimates) != names:
            raise InvalidParameterError(
                "'estimates' must name the parameters of 'standard_errors' in the same order "
                f"{names}; got {tuple(self.estimates)}."
            )

    @property
    def parameter_names(self) -> tuple[str, ...]:
        """Names of the estimated parameters, in the optimiser's order."""
        return tuple(self.standard_errors)

    @property
    def n_parameters(self) -> int:
        """Number of estimated parameters ``k``."""
        return len(self.standard_errors)

    @property
    def covariance(self) -> FloatArray:
        r"""Shape ``(k, k)`` read-only covariance of the estimates, natural parameter space.

        The inverse Hessian of the negative log-likelihood at the optimum
        (parameter order of :attr:`parameter_names`).

        Raises
        ------
        InvalidParameterError
            For a report read from a document that stored the standard errors
            only (``correlation`` is None).
        """
        if self.correlation is None:
            raise InvalidParameterError(
                "'correlation' must be stored to give the covariance; got None (a report "
                "read from a document that stored the standard errors only)."
            )
        se = np.array(list(self.standard_errors.values()), dtype=np.float64)
        corr = np.array(self.correlation, dtype=np.float64).reshape(se.size, se.size)
        return readonly(corr * np.outer(se, se))

    def confidence_intervals(self, level: float = 0.95) -> dict[str, tuple[float, float]]:
        r"""Return Wald confidence intervals, name -> ``(low, high)``.

        :math:`\hat\theta \pm z_{(1+\text{level})/2}\,\mathrm{se}(\hat\theta)`, the
        normal approximation of the maximum-likelihood estimate (symmetric in
        the natural parameter space; a bound of a positive parameter may fall
        below 0 when its standard error is large).

        Parameters
        ----------
        level
            Coverage, in (0, 1).

        Raises
        ------
        InvalidParameterError
            ``level`` outside (0, 1), or a report that does not carry the
            estimates (read from a document that did not store them).
        """
        lvl = as_float_scalar(level, "level", domain=UNIT_OPEN)
        if self.estimates is None:
            raise InvalidParameterError(
                "'estimates' must be stored to give confidence intervals; got None (a report "
                "read from a document that did not store them)."
            )
        z = float(special.ndtri(0.5 + 0.5 * lvl))
        return {
            name: (est - z * self.standard_errors[name], est + z * self.standard_errors[name])
            for name, est in self.estimates.items()
        }

    @property
    def aic(self) -> float:
        r"""Akaike information criterion :math:`2k - 2\ell`."""
        return 2.0 * self.n_parameters - 2.0 * self.log_likelihood

    @property
    def bic(self) -> float:
        r"""Bayesian information criterion :math:`k \ln n - 2\ell` (n = total weight)."""
        return self.n_parameters * math.log(self.n) - 2.0 * self.log_likelihood


# ----------------------------------------------------------------- summary and repr
FRAME_BACKENDS: Final[tuple[str, ...]] = ("pandas", "polars", "pyarrow")
"""Frame libraries :meth:`FitSummary.to_frame` can build."""


def check_fit_report(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Attrs validator of a model's ``fit_report`` field: a :class:`FitReport` or None.

    Raises
    ------
    InvalidParameterError
        Anything else (a number, a mapping, NaN), naming the field.
    """
    if value is not None and not isinstance(value, FitReport):
        raise InvalidParameterError(
            f"{attribute.name!r} must be a FitReport or None; got {type(value).__name__}."
        )


def _summary_column(value: Any, name: str) -> tuple[float, ...]:
    arr = _to_float_column(value, name)
    fail_where(np.isinf(arr), arr, name, "be finite or NaN (not available)")
    return tuple(float(v) for v in arr)


def _to_float_column(value: Any, name: str) -> FloatArray:
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError(f"{name!r} must be a 1-D sequence of numbers; {exc}") from None
    if arr.dtype.kind not in "biuf" or arr.dtype.kind == "b" or arr.ndim != 1:
        raise InvalidParameterError(
            f"{name!r} must be a 1-D sequence of numbers; got dtype {arr.dtype}, shape {arr.shape}."
        )
    return arr.astype(np.float64)


def _summary_estimates(value: Any) -> tuple[float, ...]:
    return _summary_column(value, "estimates")


def _summary_se(value: Any) -> tuple[float, ...]:
    return _summary_column(value, "standard_errors")


def _summary_lower(value: Any) -> tuple[float, ...]:
    return _summary_column(value, "lower")


def _summary_upper(value: Any) -> tuple[float, ...]:
    return _summary_column(value, "upper")


def _summary_stat(value: Any, name: str) -> float:
    if isinstance(value, (float, np.floating)) and math.isnan(value):
        return math.nan
    return as_float_scalar(value, name)


def _summary_level(value: Any) -> float:
    return as_float_scalar(value, "level", domain=UNIT_OPEN)


def _summary_ll(value: Any) -> float:
    return _summary_stat(value, "log_likelihood")


def _summary_aic(value: Any) -> float:
    return _summary_stat(value, "aic")


def _summary_bic(value: Any) -> float:
    return _summary_stat(value, "bic")


def _summary_n(value: Any) -> float:
    return _summary_stat(value, "n")


def _floats(value: Any) -> tuple[float, ...]:
    return tuple(float(v) for v in value)


def _count(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4g}"


def model_repr(
    name: str, params: Mapping[str, float], report: FitReport | None, unit: str = "customers"
) -> str:
    """Concise repr of a model: rounded parameters and what the fit did (or that none was done).

    Examples
    --------
    >>> model_repr("BetaGeo", {"r": 0.24313, "alpha": 4.41359}, None)
    'BetaGeo(r=0.2431, alpha=4.414; given parameters, not fitted)'
    """
    values = ", ".join(f"{k}={v:.4g}" for k, v in params.items())
    if report is None:
        return f"{name}({values}; given parameters, not fitted)"
    state = "converged" if report.converged else "not converged"
    return (
        f"{name}({values}; fitted on {_count(report.n)} {unit}, "
        f"LL {report.log_likelihood:,.2f}, {state})"
    )


@attrs.frozen(kw_only=True, repr=False)
class FitSummary(FrozenArrays):
    r"""A fitted model's parameter table and fit statistics, as returned by ``model.summary()``.

    Parameters
    ----------
    model
        Model name, e.g. ``"BetaGeo"``.
    parameters
        Parameter names, in the model's order.
    estimates
        One estimate per parameter.
    standard_errors, lower, upper
        Asymptotic standard error and Wald interval bounds
        :math:`\hat\theta \pm z_{(1+\text{level})/2}\,\mathrm{se}` per parameter
        (NaN for a model built from given parameters).
    level
        Coverage of the intervals (0.95 by default).
    log_likelihood, aic, bic, n
        Fit statistics of the :class:`FitReport` (NaN when not fitted).
    fitted
        Whether the model came from a fit (False: given parameters).
    unit
        What the observations are (``"customers"``, ``"accounts"``), for the text.

    Examples
    --------
    >>> rep = FitReport(log_likelihood=-10.0, n=5.0, n_rows=3, standard_errors={"r": 0.1},
    ...                 correlation=[[1.0]], estimates={"r": 2.0}, converged=True,
    ...                 iterations=7, message="ok", method="BFGS")
    >>> s = FitSummary.from_report("Toy", {"r": 2.0}, rep)
    >>> print(s)
    Toy: fitted on 5 observations, LL -10.00, AIC 22.00, BIC 21.61
    parameter  estimate  std. error  95% low  95% high
    r            2.0000      0.1000   1.8040    2.1960
    >>> s.to_frame("pandas").columns.tolist()
    ['parameter', 'estimate', 'standard_error', 'lower', 'upper']
    """

    model: str = attrs.field(converter=str)
    parameters: tuple[str, ...] = attrs.field(converter=_as_labels)
    estimates: tuple[float, ...] = attrs.field(converter=_summary_estimates)
    standard_errors: tuple[float, ...] = attrs.field(converter=_summary_se)
    lower: tuple[float, ...] = attrs.field(converter=_summary_lower)
    upper: tuple[float, ...] = attrs.field(converter=_summary_upper)
    level: float = attrs.field(default=0.95, converter=_summary_level)
    log_likelihood: float = attrs.field(default=math.nan, converter=_summary_ll)
    aic: float = attrs.field(default=math.nan, converter=_summary_aic)
    bic: float = attrs.field(default=math.nan, converter=_summary_bic)
    n: float = attrs.field(default=math.nan, converter=_summary_n)
    fitted: bool = attrs.field(default=False)
    unit: str = attrs.field(default="observations", converter=str)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.fitted, (bool, np.bool_)):
            raise InvalidParameterError(
                f"'fitted' must be True or False; got {type(self.fitted).__name__} {self.fitted!r}."
            )
        k = len(self.parameters)
        columns = {
            "estimates": self.estimates,
            "standard_errors": self.standard_errors,
            "lower": self.lower,
            "upper": self.upper,
        }
        for name, col in columns.items():
            if len(col) != k:
                raise ShapeMismatchError(
                    f"{name!r} must have one value per parameter ({k}); got {len(col)}."
                )
        if not all(math.isfinite(v) for v in self.estimates):
            raise InvalidParameterError("'estimates' must be finite (no NaN or infinity).")
        # a fitted model has every number; for one built from given parameters the fit's
        # numbers may be NaN (not available)
        rest = {
            "standard_errors": self.standard_errors,
            "lower": self.lower,
            "upper": self.upper,
            "log_likelihood": (self.log_likelihood,),
            "aic": (self.aic,),
            "bic": (self.bic,),
            "n": (self.n,),
        }
        for name, values in rest.items():
            if self.fitted and not all(math.isfinite(v) for v in values):
                raise InvalidParameterError(
                    f"{name!r} must be finite for a fitted model (fitted=True); got {values}."
                )

    @classmethod
    def from_report(
        cls,
        model: str,
        params: Mapping[str, float],
        report: FitReport | None,
        level: float = 0.95,
        unit: str = "observations",
    ) -> FitSummary:
        """Build the summary of a model from its parameters and fit report (None: not fitted)."""
        lvl = as_float_scalar(level, "level", domain=UNIT_OPEN)
        if not isinstance(params, Mapping):
            raise InvalidParameterError(
                f"'params' must be a mapping of parameter name to value; got "
                f"{type(params).__name__}."
            )
        if report is not None and not isinstance(report, FitReport):
            raise InvalidParameterError(
                f"'report' must be a FitReport or None; got {type(report).__name__}."
            )
        names = tuple(params)
        est = [as_float_scalar(v, f"params[{k!r}]") for k, v in params.items()]
        if report is None:
            nan = [math.nan] * len(names)
            return cls(
                model=model,
                parameters=names,
                estimates=est,
                standard_errors=nan,
                lower=nan,
                upper=nan,
                level=lvl,
                unit=unit,
            )
        z = float(special.ndtri(0.5 + 0.5 * lvl))
        se = [float(report.standard_errors.get(name, math.nan)) for name in names]
        return cls(
            model=model,
            parameters=names,
            estimates=est,
            standard_errors=se,
            lower=[e - z * s for e, s in zip(est, se, strict=True)],
            upper=[e + z * s for e, s in zip(est, se, strict=True)],
            level=lvl,
            log_likelihood=report.log_likelihood,
            aic=report.aic,
            bic=report.bic,
            n=report.n,
            fitted=True,
            unit=unit,
        )

    def _columns(self) -> dict[str, list[Any]]:
        return {
            "parameter": list(self.parameters),
            "estimate": list(self.estimates),
            "standard_error": list(self.standard_errors),
            "lower": list(self.lower),
            "upper": list(self.upper),
        }

    def _headline(self) -> str:
        if not self.fitted:
            return f"{self.model}: given parameters, not fitted"
        return (
            f"{self.model}: fitted on {_count(self.n)} {self.unit}, "
            f"LL {self.log_likelihood:,.2f}, AIC {self.aic:,.2f}, BIC {self.bic:,.2f}"
        )

    def _header(self) -> list[str]:
        pct = f"{100 * self.level:g}%"
        return ["parameter", "estimate", "std. error", f"{pct} low", f"{pct} high"]

    def _cells(self) -> list[list[str]]:
        return [
            [name, *(f"{v:.4f}" for v in (e, s, lo, hi))]
            for name, e, s, lo, hi in zip(
                self.parameters,
                self.estimates,
                self.standard_errors,
                self.lower,
                self.upper,
                strict=True,
            )
        ]

    def to_frame(self, backend: str = "pandas") -> Any:
        """Return the parameter table as a data frame.

        Columns ``parameter, estimate, standard_error, lower, upper``, one row
        per parameter; the fit statistics are attributes of this object.

        Parameters
        ----------
        backend
            ``"pandas"`` (a ``DataFrame``), ``"polars"`` (a ``DataFrame``) or
            ``"pyarrow"`` (a ``Table``); the library is imported only now.

        Raises
        ------
        InvalidParameterError
            Unknown backend.
        MissingOptionalDependencyError
            The library is not installed (the message has the pip command).
        """
        check_in(backend, "backend", FRAME_BACKENDS)
        cols = self._columns()
        if backend == "pandas":
            return require("pandas").DataFrame(cols)
        if backend == "polars":
            return require("polars").DataFrame(cols)
        return require("pyarrow").table(cols)

    def __repr__(self) -> str:
        rows = [self._header(), *self._cells()]
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines = [
            "  ".join(
                cell.ljust(w) if i == 0 else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(r, widths, strict=True))
            ).rstrip()
            for r in rows
        ]
        return "\n".join([self._headline(), *lines])

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{escape(h)}</th>" for h in self._header())
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
            for row in self._cells()
        )
        return (
            f"<table><caption>{escape(self._headline())}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )


@attrs.frozen
class LinearConstraints:
    """Linear inequality constraints ``matrix @ theta >= 0`` with a label per row.

    Parameters
    ----------
    matrix
        Shape ``(m, k)``.
    labels
        ``m`` human-readable descriptions (reported when a constraint binds).
    """

    matrix: FloatArray
    labels: tuple[str, ...]


# ----------------------------------------------------------------- input checks
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


def _covariance(
    gradient: Callable[[FloatArray], FloatArray],
    theta: FloatArray,
    hessian: Callable[[FloatArray], FloatArray] | None,
) -> tuple[FloatArray, FloatArray, str]:
    """Return (standard errors, correlation, note); the note is empty when all is well."""
    k = theta.size
    hess = numerical_hessian(gradient, theta) if hessian is None else hessian(theta)
    nan = np.full(k, np.nan), np.full((k, k), np.nan)
    if not np.all(np.isfinite(hess)):
        return *nan, "Hessian not finite"
    try:
        chol = np.linalg.cholesky(hess)
    except np.linalg.LinAlgError:
        return *nan, "Hessian not positive definite"
    inv_chol = np.linalg.solve(chol, np.eye(k))
    cov = inv_chol.T @ inv_chol
    se = np.sqrt(np.diag(cov))
    corr = cov / np.outer(se, se)
    np.fill_diagonal(corr, 1.0)
    return se, corr, ""


def _check_start(theta0: FloatArray, names: Sequence[str]) -> FloatArray:
    """Refuse a start vector without exactly one value per parameter."""
    if theta0.size != len(names):
        raise InvalidParameterError(
            f"'start' must hold one value per parameter {tuple(names)}; got {theta0.size} values."
        )
    return theta0


def maximize_likelihood(
    objective: NegLogLikelihood,
    start: Sequence[float] | FloatArray,
    names: Sequence[str],
    *,
    n: float,
    n_rows: int,
    method: str = "L-BFGS-B",
    max_iterations: int = 2000,
    model: str = "model",
    constraints: LinearConstraints | None = None,
    hessian: Callable[[FloatArray], FloatArray] | None = None,
    adjust: Callable[[FloatArray], FloatArray] | None = None,
    penalizer: float = 0.0,
) -> tuple[dict[str, float], FitReport]:
    r"""Maximise a weighted likelihood; return the estimates and a :class:`FitReport`.

    Without ``constraints`` the parameters are strictly positive and the driver
    minimises :math:`f(\phi) = \mathrm{NLL}(e^\phi) / n` with gradient
    :math:`\nabla_\phi f = e^\phi \odot \nabla_\theta \mathrm{NLL} / n` with
    :func:`scipy.optimize.minimize` (``jac=True``) inside the box
    :math:`|\phi| \le 25` (:data:`LOG_BOUND`). With ``constraints`` the parameters
    are unbounded and :math:`\mathrm{NLL}(\theta) / n` is minimised with SLSQP
    subject to ``constraints.matrix @ theta >= 0``.

    Parameters
    ----------
    objective
        ``objective(theta) -> (nll, grad)``: the weighted negative log-likelihood
        summed over observations at natural parameters ``theta`` (shape ``(k,)``)
        and its gradient with respect to ``theta`` (shape ``(k,)``). It must
        return finite values for every ``theta`` in the search space.
    start
        Starting natural parameters, shape ``(k,)`` (all > 0 without constraints).
    names
        Parameter names, length ``k`` (keys of the returned mapping).
    n
        Total weight of the data (used for scaling and in the report).
    n_rows
        Number of rows the objective evaluates (for the report).
    method
        ``"L-BFGS-B"`` (default) or ``"BFGS"``; ignored (SLSQP) with ``constraints``.
    max_iterations
        Optimiser iteration limit.
    model
        Model name used in error messages.
    constraints
        Linear inequality constraints; switches to unbounded parameters and SLSQP.
    hessian
        Optional analytic Hessian of the NLL sum, ``theta -> (k, k)``; default
        central differences of the analytic gradient (:func:`numerical_hessian`).
    adjust
        Optional map applied to the optimum before the report is computed (e.g.
        to repair rounding-level constraint slack).
    penalizer
        L2 penalty :math:`\lambda \ge 0` on the squared log-parameters
        (positive parameters only): the optimiser minimises
        :math:`\mathrm{NLL}(\theta) + \lambda n \sum_i (\ln\theta_i)^2`. The
        report's log-likelihood is the unpenalised one at the penalised
        estimate and its covariance the inverse Hessian of the penalised
        objective; the message says the penalty was applied. 0 (default) is
        plain maximum likelihood, the same code path as before.

    Returns
    -------
    params : dict
        Name -> estimate.
    report : FitReport
        Log-likelihood, covariance, standard errors and convergence details.

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
    >>> params, report = maximize_likelihood(nll, [0.3], ["rate"], n=3, n_rows=3)
    >>> round(params["rate"], 6), report.converged, round(report.standard_errors["rate"], 4)
    (1.0, True, 0.5774)
    """
    if constraints is not None:
        return _maximize_constrained(
            objective,
            start,
            names,
            n=n,
            n_rows=n_rows,
            max_iterations=max_iterations,
            model=model,
            constraints=constraints,
            hessian=hessian,
            adjust=adjust,
        )
    check_in(method, "method", FIT_METHODS)
    theta0 = _check_start(as_float_array(start, "start", domain=POSITIVE, ndim=1), names)
    scale = 1.0 / float(n)
    lam = as_float_scalar(penalizer, "penalizer", domain=NONNEGATIVE)
    likelihood = objective
    if lam > 0:
        weight = lam * float(n)

        def objective(theta: FloatArray) -> tuple[float, FloatArray]:
            value, grad = likelihood(theta)
            log_theta = np.log(theta)
            return (
                float(value) + weight * float(np.sum(log_theta**2)),
                np.asarray(grad, dtype=np.float64) + 2.0 * weight * log_theta / theta,
            )

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
    if adjust is not None:
        theta = adjust(theta)
    nll, _ = likelihood(theta)
    if lam > 0:
        hessian = None  # an analytic Hessian is of the unpenalised likelihood
        note += f"; penalised: L2 penalty {lam:g} on the squared log-parameters"
    with np.errstate(all="ignore"):
        se, corr, se_note = _covariance(lambda th: objective(th)[1], theta, hessian)
    if se_note:
        raise ConvergenceError(
            f"{model} fit did not converge to a proper maximum: {se_note} at the end point "
            f"({', '.join(f'{n}={v:.4g}' for n, v in zip(names, theta, strict=True))}); the "
            f"parameters are not identified by these data ({opt_message}).",
            optimizer_message=opt_message,
        )
    return _result(
        names, theta, se, corr, nll, n, n_rows, converged, int(res.nit), opt_message + note, method
    )


def _result(  # noqa: PLR0917
    names: Sequence[str],
    theta: FloatArray,
    se: FloatArray,
    corr: FloatArray,
    nll: float,
    n: float,
    n_rows: int,
    converged: bool,
    iterations: int,
    message: str,
    method: str,
    active: tuple[str, ...] = (),
) -> tuple[dict[str, float], FitReport]:
    params = {str(name): float(v) for name, v in zip(names, theta, strict=True)}
    report = FitReport(
        log_likelihood=-float(nll),
        n=float(n),
        n_rows=int(n_rows),
        standard_errors=dict(zip(params, se.tolist(), strict=True)),
        correlation=corr.tolist(),
        estimates=params,
        converged=converged,
        iterations=iterations,
        message=message,
        method=method,
        active_constraints=active,
    )
    return params, report


def _maximize_constrained(
    objective: NegLogLikelihood,
    start: Sequence[float] | FloatArray,
    names: Sequence[str],
    *,
    n: float,
    n_rows: int,
    max_iterations: int,
    model: str,
    constraints: LinearConstraints,
    hessian: Callable[[FloatArray], FloatArray] | None,
    adjust: Callable[[FloatArray], FloatArray] | None,
) -> tuple[dict[str, float], FitReport]:
    """SLSQP over unbounded parameters with ``A @ theta >= 0`` (see :func:`maximize_likelihood`)."""
    theta0 = _check_start(as_float_array(start, "start", ndim=1), names)
    scale = 1.0 / float(n)
    A = np.asarray(constraints.matrix, dtype=np.float64)

    def fun(theta: FloatArray) -> tuple[float, FloatArray]:
        value, grad = objective(theta)
        return float(value) * scale, np.asarray(grad, dtype=np.float64) * scale

    with np.errstate(all="ignore"), single_threaded_blas():
        res = optimize.minimize(
            fun,
            theta0,
            jac=True,
            method=CONSTRAINED_METHOD,
            constraints=[{"type": "ineq", "fun": lambda b: A @ b, "jac": lambda _b: A}],
            options={"maxiter": int(max_iterations), "ftol": 1e-13},
        )
    opt_message = str(res.message)
    theta = np.asarray(res.x, dtype=np.float64)
    if not res.success or not np.all(np.isfinite(theta)):
        raise ConvergenceError(
            f"{model}.fit did not converge after {res.nit} iterations: {opt_message}",
            optimizer_message=opt_message,
        )
    if adjust is not None:
        theta = adjust(theta)
    with np.errstate(all="ignore"):
        hess = (
            numerical_hessian(lambda th: objective(th)[1], theta)
            if hessian is None
            else hessian(theta)
        )
        cond = float(np.linalg.cond(hess)) if np.all(np.isfinite(hess)) else math.inf
        se, corr, se_note = _covariance(lambda th: objective(th)[1], theta, lambda _t: hess)
    if se_note or not math.isfinite(cond) or cond > MAX_CONDITION:
        raise ConvergenceError(
            f"{model}.fit: the information matrix is singular (condition number "
            f"{cond:.3g}); the parameters are not identified by these data.",
            optimizer_message=opt_message,
        )
    nll, _ = objective(theta)
    slack = A @ theta
    tol = 1e-7 * (1.0 + np.abs(theta).max())
    active = tuple(label for label, s in zip(constraints.labels, slack, strict=True) if s <= tol)
    return _result(
        names,
        theta,
        se,
        corr,
        nll,
        n,
        n_rows,
        True,
        int(res.nit),
        opt_message,
        CONSTRAINED_METHOD,
        active,
    )


def weighted_sum(w: NDArray[Any], v: NDArray[Any]) -> float:
    r"""Return :math:`\sum_i w_i v_i` for 1-D arrays, without BLAS.

    ``w @ v`` goes to a multi-threaded BLAS ``ddot`` whose thread wake-ups cost
    milliseconds on a busy machine (and dominate a likelihood evaluation that
    calls it a dozen times); ``numpy.einsum`` sums in one pass on the calling
    thread with no such outliers.
    """
    return float(np.einsum("i,i->", w, v))
