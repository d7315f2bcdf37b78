"""Barrier aggregators: how the facet strengths of an account combine into one index."""

from __future__ import annotations

from typing import Any, Final, Protocol, runtime_checkable

import attrs
import numpy as np

from kamcore._params import (
    NONNEGATIVE,
    FloatArray,
    as_float_array,
)
from kamcore.errors import (
    InvalidParameterError,
    ShapeMismatchError,
)


# --------------------------------------------------------------------------- aggregators
@runtime_checkable
class BarrierAggregator(Protocol):
    """Contract of a barrier aggregator.

    ``aggregator(facet_strengths)`` takes a float64 array of shape (N, K) with
    values in [0, 1] (accounts x facets; 0 = no barrier on that facet) and
    returns shape (N,) in [0, 1]. It must not decrease when any entry grows,
    must not write into its input, and must give 0 for an all-zero row.
    :func:`barrier_index` checks the shape and range of what it returns.

    Examples
    --------
    >>> import numpy as np
    >>> from kamcore.switching import Maximum, NoisyOr
    >>> strengths = np.array([[0.5, 0.4, 0.0]])
    >>> NoisyOr()(strengths).round(2).tolist(), Maximum()(strengths).tolist()
    ([0.7], [0.5])
    """

    def __call__(self, facet_strengths: FloatArray, /) -> FloatArray:
        """Aggregate facet strengths (N, K) into a barrier index (N,)."""
        ...


def _weights(value: Any, name: str) -> tuple[float, ...] | None:
    if value is None:
        return None
    arr = as_float_array(value, name, domain=NONNEGATIVE, ndim=1, allow_empty=False)
    return tuple(float(v) for v in arr)


def _weights_converter(value: Any) -> tuple[float, ...] | None:
    return _weights(value, "weights")


def _check_weight_count(weights: tuple[float, ...], s: FloatArray, who: str) -> FloatArray:
    if s.shape[-1] != len(weights):
        raise ShapeMismatchError(
            f"{who} has {len(weights)} weights but the strengths have {s.shape[-1]} columns."
        )
    return np.asarray(weights, dtype=np.float64)


@attrs.frozen
class NoisyOr:
    r"""Noisy-OR aggregation (the default): each facet is an independent chance to hold.

    .. math:: B = 1 - \prod_k (1 - S_k)^{w_k}

    The index is the probability that at least one barrier holds when facet
    *k* holds with probability :math:`S_k` (raised to an optional importance
    exponent :math:`w_k \ge 0`, default 1). It is 0 with no barrier, 1 when
    any facet is absolute, never decreases when a facet grows or a component
    is added, and - with the exponential money saturation - turns money-only
    costs into :math:`1 - e^{-\text{total}/c}` however the money is split.

    Parameters
    ----------
    weights : sequence of float, optional
        Exponents :math:`w_k \ge 0`, one per facet column.

    Examples
    --------
    >>> NoisyOr()(np.array([[0.5, 0.5, 0.0], [0.0, 0.0, 0.0]]))
    array([0.75, 0.  ])
    """

    weights: tuple[float, ...] | None = attrs.field(default=None, converter=_weights_converter)

    def __call__(self, facet_strengths: FloatArray, /) -> FloatArray:
        """Return the weighted noisy-OR along the last axis."""
        s = np.asarray(facet_strengths, dtype=np.float64)
        logs = np.negative(s)
        with np.errstate(divide="ignore"):
            np.log1p(logs, out=logs)
        if self.weights is not None:
            w = _check_weight_count(self.weights, s, "NoisyOr")
            with np.errstate(invalid="ignore"):
                logs = np.where(w > 0, logs * w, 0.0)  # 0 * log(0) counts as 0
        return np.asarray(0.0 - np.expm1(logs.sum(axis=-1)), dtype=np.float64)


@attrs.frozen
class WeightedMean:
    r"""Weighted mean of the facet strengths.

    .. math:: B = \frac{\sum_k w_k S_k}{\sum_k w_k}

    Reads as "how much of the possible barrier is in place". Unlike noisy-OR a
    single absolute facet does not make the index 1, and splitting one facet
    into finer columns changes its weight. Weights default to equal.

    Parameters
    ----------
    weights : sequence of float, optional
        Weights :math:`w_k \ge 0` with a positive sum, one per facet column.

    Examples
    --------
    >>> WeightedMean((3.0, 1.0))(np.array([[1.0, 0.0]]))
    array([0.75])
    """

    weights: tuple[float, ...] | None = attrs.field(default=None, converter=_weights_converter)

    def __attrs_post_init__(self) -> None:
        if self.weights is not None and sum(self.weights) <= 0:
            raise InvalidParameterError(
                f"'weights' must have a positive sum; got {self.weights!r}."
            )

    def __call__(self, facet_strengths: FloatArray, /) -> FloatArray:
        """Return the weighted mean along the last axis."""
        s = np.asarray(facet_strengths, dtype=np.float64)
        if self.weights is None:
            if s.shape[-1] == 0:
                return np.zeros(s.shape[:-1])
            return np.asarray(s.mean(axis=-1), dtype=np.float64)
        w = _check_weight_count(self.weights, s, "WeightedMean")
        return np.asarray(np.clip(s @ (w / w.sum()), 0.0, 1.0), dtype=np.float64)


@attrs.frozen
class Maximum:
    """The strongest facet alone: ``B = max_k S_k`` (a "weakest link" reading inverted).

    Examples
    --------
    >>> Maximum()(np.array([[0.2, 0.7, 0.1]]))
    array([0.7])
    """

    def __call__(self, facet_strengths: FloatArray, /) -> FloatArray:
        """Return the maximum along the last axis (0 for no columns)."""
        s = np.asarray(facet_strengths, dtype=np.float64)
        if s.shape[-1] == 0:
            return np.zeros(s.shape[:-1])
        return np.asarray(s.max(axis=-1), dtype=np.float64)


_DEFAULT: Final = NoisyOr()
