r"""Predictions over a frequency x recency grid (the classic BTYD heat-map matrices).

For customers of one age ``T`` the probability of being alive and the expected
purchases in the next ``t`` depend on the history only through
``(frequency, recency)``; :func:`frequency_recency_matrix` evaluates a model on
the grid ``frequency = 0 .. max_frequency`` x ``recency = linspace(0, T, n_recency)``
in one vectorised call and returns the values with their axes.

A customer without repeat purchases has recency 0 by definition, so row 0 of
the matrix holds the value of that one history, repeated across the recency
columns (not an extrapolation: every column of row 0 is the same customer).
A customer *with* repeat purchases cannot have recency 0 (the last repeat
purchase comes after the first purchase), so column 0 of the other rows holds
the limit :math:`t_x \to 0^+`, evaluated at :math:`t_x = 10^{-12}\,T` (the
predictions are continuous in :math:`t_x`; the difference is of order
:math:`10^{-12}` relative).
"""

from __future__ import annotations

from typing import Any, Final

import attrs
import numpy as np

from kamcore._columns import FrozenArrays
from kamcore._params import (
    NONNEGATIVE,
    POSITIVE,
    FloatArray,
    IntArray,
    Interval,
    as_float_scalar,
    as_int_array,
    check_in,
    frozen_floats,
    readonly,
)
from kamcore.errors import InvalidParameterError, ShapeMismatchError

__all__ = ["GRID_QUANTITIES", "FrequencyRecencyMatrix", "frequency_recency_matrix"]

GRID_QUANTITIES: Final[tuple[str, ...]] = ("probability_alive", "expected_purchases")
"""Quantities :func:`frequency_recency_matrix` can tabulate."""

MAX_GRID_CELLS: Final = 10**7
"""Most cells a frequency x recency matrix holds (80 MB of float64)."""
_FREQUENCIES: Final = Interval(1.0, float(MAX_GRID_CELLS))
_RECENCIES: Final = Interval(2.0, float(MAX_GRID_CELLS))
_JUST_AFTER_FIRST: Final = 1e-12
"""Recency (as a fraction of T) standing for the limit t_x -> 0+ in column 0."""


def _frozen_counts(value: Any) -> IntArray:
    return readonly(np.array(as_int_array(value, "frequency", domain=NONNEGATIVE, ndim=1)))


def _optional_window(value: Any) -> float | None:
    return None if value is None else as_float_scalar(value, "t", domain=NONNEGATIVE)


def _conv_values(value: Any) -> FloatArray:
    return frozen_floats(value, "values", ndim=2)


def _conv_recency(value: Any) -> FloatArray:
    return frozen_floats(value, "recency", domain=NONNEGATIVE, ndim=1)


def _conv_age(value: Any) -> float:
    return as_float_scalar(value, "T", domain=POSITIVE)


@attrs.frozen(eq=False, repr=False)
class FrequencyRecencyMatrix(FrozenArrays):
    """A model's prediction on a frequency x recency grid for customers of age ``T``.

    Parameters
    ----------
    values
        Shape ``(len(frequency), len(recency))`` read-only float64 matrix:
        ``values[i, j]`` is the prediction for frequency ``frequency[i]`` and
        recency ``recency[j]`` (row 0: the customer without repeat purchases).
    frequency
        Shape ``(F,)`` int64 axis ``0 .. max_frequency``.
    recency
        Shape ``(R,)`` float64 axis from 0 to ``T``.
    quantity
        ``"probability_alive"`` or ``"expected_purchases"``.
    T
        Customer age shared by the grid.
    t
        Prediction window of ``"expected_purchases"`` (None for P(alive)).

    Examples
    --------
    >>> from kamcore.clp import BetaGeo, frequency_recency_matrix
    >>> bg = BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> g = frequency_recency_matrix(bg, T=38.86, max_frequency=2, n_recency=3)
    >>> g.values.shape
    (3, 3)
    """

    values: FloatArray = attrs.field(converter=_conv_values)
    frequency: IntArray = attrs.field(converter=_frozen_counts)
    recency: FloatArray = attrs.field(converter=_conv_recency)
    quantity: str = attrs.field()
    T: float = attrs.field(converter=_conv_age)
    t: float | None = attrs.field(default=None, converter=_optional_window)

    def __attrs_post_init__(self) -> None:
        check_in(self.quantity, "quantity", GRID_QUANTITIES)
        want = (self.frequency.shape[0], self.recency.shape[0])
        if self.values.shape != want:
            raise ShapeMismatchError(
                f"'values' must have shape (len(frequency), len(recency)) = {want}; got "
                f"{self.values.shape}."
            )


def frequency_recency_matrix(
    model: Any,
    *,
    T: float,
    max_frequency: int,
    quantity: str = "probability_alive",
    t: float | None = None,
    n_recency: int = 40,
) -> FrequencyRecencyMatrix:
    """Tabulate ``model.probability_alive`` or ``model.expected_purchases`` over a grid.

    Parameters
    ----------
    model
        A repeat-buying model with the keyword methods ``probability_alive(
        frequency=, recency=, T=)`` and ``expected_purchases(t=, frequency=,
        recency=, T=)`` (BG/NBD, MBG/NBD, Pareto/NBD).
    T
        Customer age (> 0), in the model's time unit.
    max_frequency
        Largest frequency on the grid (whole number >= 1); the grid holds at most
        ``10**7`` cells.
    quantity
        ``"probability_alive"`` (default) or ``"expected_purchases"``.
    t
        Prediction window (>= 0), required for ``"expected_purchases"`` only.
    n_recency
        Number of recency points from 0 to ``T`` inclusive (>= 2).

    Returns
    -------
    FrequencyRecencyMatrix
        The model's prediction on the grid, with its frequency and recency axes.

    Raises
    ------
    InvalidParameterError
        Bad arguments, or ``t`` missing (or given) for the quantity.

    Examples
    --------
    >>> from kamcore.clp import BetaGeo
    >>> m = BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> g = frequency_recency_matrix(m, T=38.86, max_frequency=3, n_recency=3)
    >>> g.recency.tolist(), g.values.shape
    ([0.0, 19.43, 38.86], (4, 3))
    >>> g.values.round(3)
    array([[1.   , 1.   , 1.   ],
           [0.152, 0.593, 0.754],
           [0.025, 0.532, 0.812],
           [0.003, 0.447, 0.848]])
    """
    needed = "probability_alive" if quantity == "probability_alive" else "expected_purchases"
    if not callable(getattr(model, needed, None)):
        raise InvalidParameterError(
            f"'model' must be a repeat-buying model with {needed}(...) (e.g. "
            f"kamcore.clp.BetaGeo); got {type(model).__name__}."
        )
    age = as_float_scalar(T, "T", domain=POSITIVE)
    fmax = int(as_int_array(max_frequency, "max_frequency", domain=_FREQUENCIES, ndim=0))
    nrec = int(as_int_array(n_recency, "n_recency", domain=_RECENCIES, ndim=0))
    if (fmax + 1) * nrec > MAX_GRID_CELLS:
        raise InvalidParameterError(
            f"'max_frequency' and 'n_recency' must give at most {MAX_GRID_CELLS:,} cells "
            f"((max_frequency + 1) * n_recency); got {(fmax + 1) * nrec:,}."
        )
    check_in(quantity, "quantity", GRID_QUANTITIES)
    freq = np.arange(fmax + 1, dtype=np.int64)
    rec = np.linspace(0.0, age, nrec)
    x = np.repeat(freq[:, None], nrec, axis=1)
    # recency 0 with repeat purchases is no history: its column is the limit t_x -> 0+
    tx = np.where(x > 0, np.maximum(rec[None, :], _JUST_AFTER_FIRST * age), 0.0)
    if quantity == "probability_alive":
        if t is not None:
            raise InvalidParameterError(
                "'t' is only used with quantity 'expected_purchases'; got it with "
                "'probability_alive'."
            )
        values = model.probability_alive(frequency=x, recency=tx, T=age)
        window = None
    else:
        if t is None:
            raise InvalidParameterError(
                "'t' (the prediction window) is required with quantity 'expected_purchases'."
            )
        window = as_float_scalar(t, "t", domain=NONNEGATIVE)
        values = model.expected_purchases(t=window, frequency=x, recency=tx, T=age)
    return FrequencyRecencyMatrix(
        values=np.asarray(values, dtype=np.float64),
        frequency=freq,
        recency=rec,
        quantity=quantity,
        T=age,
        t=window,
    )
