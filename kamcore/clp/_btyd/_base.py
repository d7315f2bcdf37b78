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

__all__ = [
    "ParametricModel",
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

    @property
    def params(self) -> dict[str, float]:
        """Parameters as a name -> value mapping, in ``PARAMETER_NAMES`` order."""
        return {name: float(getattr(self, name)) for name in self.PARAMETER_NAMES}
