r"""Prediction intervals from the parameter covariance of a fitted model (delta method).

A prediction :math:`f(\theta)` of a fitted model (expected purchases, P(alive),
lifetime profit) is uncertain because :math:`\hat\theta` is. With
:math:`\Sigma` the asymptotic covariance of :math:`\hat\theta` (the inverse
Hessian in the :class:`~kamcore.clp.FitReport`), the delta method gives

.. math::

    \operatorname{se}\bigl(g(f(\hat\theta))\bigr) \approx
    |g'(f)|\,\sqrt{\nabla_\theta f^\top\, \Sigma\, \nabla_\theta f},
    \qquad
    \bigl[g^{-1}(g(\hat f) - z\,\mathrm{se}),\; g^{-1}(g(\hat f) + z\,\mathrm{se})\bigr],

with :math:`z = \Phi^{-1}((1 + \text{level})/2)` and a link :math:`g` that keeps
the interval in the quantity's range: the logit for probabilities, the log for
positive quantities (expected purchases), the identity for lifetime profit
(which may be negative). The gradient is taken by central differences in the
log-parameters, :math:`\theta_i e^{\pm h}` with :math:`h = 10^{-5}`: ``2k``
vectorised evaluations of the prediction for ``k`` parameters, whatever the
number of customers. Models independent of each other (a transaction model
and a spend model fitted separately) add their variances.

The interval covers the prediction *at the true parameters*, i.e. parameter
uncertainty only; it is not an interval for the customer's realised future
purchases (which also carry Poisson noise).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, Final

import attrs
import numpy as np
from numpy.typing import NDArray
from scipy import special  # type: ignore[import-untyped]

from kamcore._columns import CustomerColumns
from kamcore._params import (
    NONNEGATIVE,
    UNIT_OPEN,
    FloatArray,
    as_float_scalar,
    as_id_array,
    check_in,
    frozen_floats,
    readonly,
)
from kamcore.errors import InvalidParameterError, ShapeMismatchError

__all__ = ["LINKS", "PredictionInterval", "delta_interval", "delta_variance"]

LINKS: Final[tuple[str, ...]] = ("identity", "log", "logit")
"""Scales on which the normal approximation is applied."""

_STEP: Final = 1e-5


def _frozen_ids(value: Any) -> NDArray[np.str_] | None:
    return None if value is None else readonly(as_id_array(value, "ids"))


def _conv_estimate(value: Any) -> FloatArray:
    return frozen_floats(value, "estimate")


def _conv_lower(value: Any) -> FloatArray:
    return frozen_floats(value, "lower")


def _conv_upper(value: Any) -> FloatArray:
    return frozen_floats(value, "upper")


def _conv_standard_error(value: Any) -> FloatArray:
    return frozen_floats(value, "standard_error", domain=NONNEGATIVE)


def _conv_level(value: Any) -> float:
    return as_float_scalar(value, "level", domain=UNIT_OPEN)


@attrs.frozen(eq=False, repr=False)
class PredictionInterval(CustomerColumns):
    r"""A prediction with a delta-method interval from the parameter covariance.

    Parameters
    ----------
    estimate
        The prediction at the fitted parameters (read-only float64 array).
    lower, upper
        Interval bounds, same shape.
    standard_error
        Delta-method standard error of the estimate on its natural scale
        (:math:`|\\partial f / \\partial g|` times the link-scale error).
    level
        Nominal coverage.
    ids
        Customer ids, shape ``(n,)``, when the prediction is per customer of a
        summary (:func:`~kamcore.clp.customer_lifetime_profit_interval` given
        one, or ids); then ``to_frame(backend)`` gives a frame keyed by id
        with the columns ``estimate, lower, upper, standard_error``. None for
        predictions from plain arrays (any shape), whose ``to_frame`` raises.

    Examples
    --------
    >>> import numpy as np
    >>> from kamcore.clp import BetaGeo
    >>> truth = BetaGeo(r=0.5, alpha=5.0, a=0.8, b=2.5)
    >>> x, tx, T = truth.simulate(n_customers=2000, T=39.0, rng=np.random.default_rng(1))
    >>> m = BetaGeo.fit(frequency=x, recency=tx, T=T)
    >>> point, lower, upper = m.probability_alive_interval(frequency=[2], recency=[30.0], T=39.0)
    >>> bool(lower[0] < point[0] < upper[0])
    True
    """

    estimate: FloatArray = attrs.field(converter=_conv_estimate)
    lower: FloatArray = attrs.field(converter=_conv_lower)
    upper: FloatArray = attrs.field(converter=_conv_upper)
    standard_error: FloatArray = attrs.field(converter=_conv_standard_error)
    level: float = attrs.field(converter=_conv_level)
    ids: NDArray[np.str_] | None = attrs.field(default=None, kw_only=True, converter=_frozen_ids)

    def __attrs_post_init__(self) -> None:
        shapes = {f: getattr(self, f).shape for f in ("estimate", "lower", "upper")}
        shapes["standard_error"] = self.standard_error.shape
        if len(set(shapes.values())) > 1:
            raise ShapeMismatchError(
                f"'estimate', 'lower', 'upper' and 'standard_error' must have one shape; got "
                f"{shapes}."
            )
        if self.ids is not None and self.ids.shape != self.estimate.shape:
            raise ShapeMismatchError(
                f"'ids' must have one id per estimate ({self.estimate.shape}); "
                f"got shape {self.ids.shape}."
            )

    def columns(self) -> dict[str, FloatArray]:
        """Return ``estimate, lower, upper, standard_error`` by name (ids excluded).

        Flattened (C order) when the prediction is not 1-D.
        """
        cols = {
            "estimate": self.estimate,
            "lower": self.lower,
            "upper": self.upper,
            "standard_error": self.standard_error,
        }
        if self.estimate.ndim == 1:
            return cols
        return {k: readonly(np.ravel(v)) for k, v in cols.items()}

    def __iter__(self) -> Any:
        """Unpack as ``point, lower, upper``."""
        return iter((self.estimate, self.lower, self.upper))


def _covariance(model: Any, name: str) -> tuple[tuple[str, ...], FloatArray]:
    report = getattr(model, "fit_report", None)
    if report is None:
        raise InvalidParameterError(
            f"'{name}' must be a fitted model (its fit report carries the parameter "
            f"covariance); got {type(model).__name__} built from given parameters."
        )
    return report.parameter_names, np.asarray(report.covariance, dtype=np.float64)


def delta_variance(
    model: Any, predict: Callable[[Any], FloatArray], base: FloatArray, name: str = "model"
) -> FloatArray:
    r"""Return :math:`\nabla f^\top \Sigma \nabla f` per element of ``predict(model)``.

    ``predict`` maps a model (the fitted one with one parameter moved) to an
    array of the shape of ``base``; the parameters are moved by
    :math:`\theta_i e^{\pm h}` (all models' parameters are > 0).
    """
    names, cov = _covariance(model, name)
    grads = []
    for pname in names:
        theta = float(getattr(model, pname))
        up = attrs.evolve(model, **{pname: theta * math.exp(_STEP)})
        down = attrs.evolve(model, **{pname: theta * math.exp(-_STEP)})
        diff = np.asarray(predict(up), dtype=np.float64) - np.asarray(
            predict(down), dtype=np.float64
        )
        grads.append(diff / (theta * 2.0 * math.sinh(_STEP)))
    g = np.stack(grads, axis=-1) if grads else np.zeros((*base.shape, 0))
    return np.asarray(np.maximum(np.einsum("...i,ij,...j->...", g, cov, g), 0.0), np.float64)


def delta_interval(
    models: Sequence[tuple[Any, Callable[[Any], FloatArray], str]],
    base: FloatArray,
    *,
    level: float,
    link: str,
) -> PredictionInterval:
    """Combine the delta-method variances of independent models into an interval.

    ``models`` lists ``(model, predict, name)``: each ``predict`` re-evaluates
    the quantity with that model replaced (the others held at their estimates).
    """
    lvl = as_float_scalar(level, "level", domain=UNIT_OPEN)
    check_in(link, "link", LINKS)
    base = np.asarray(base, dtype=np.float64)
    var = np.zeros(base.shape)
    for model, predict, name in models:
        var = var + delta_variance(model, predict, base, name)
    se = np.sqrt(var)
    z = float(special.ndtri(0.5 + 0.5 * lvl))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if link == "identity":
            lo, hi = base - z * se, base + z * se
        elif link == "log":
            s = np.where(base > 0, se / base, 0.0)
            lo, hi = base * np.exp(-z * s), base * np.exp(z * s)
        else:
            inside = (base > 0) & (base < 1)
            s = np.where(inside, se / (base * (1.0 - base)), 0.0)
            lg = special.logit(np.where(inside, base, 0.5))
            lo = np.where(inside, special.expit(lg - z * s), base)
            hi = np.where(inside, special.expit(lg + z * s), base)
    return PredictionInterval(estimate=base, lower=lo, upper=hi, standard_error=se, level=lvl)
