r"""Markov migration model of customer lifetime value (Pfeifer & Carraway 2000).

A customer is in one of ``S`` states (recency classes, grades A-D plus an
absorbing *lost* state, ...). From one period to the next it moves with the
row-stochastic transition matrix ``P`` and, while in state ``s``, brings the
reward ``R_s`` (e.g. margin minus contact cost when it buys, ``-contact cost``
otherwise, 0 when lost). With discount rate ``d`` the expected discounted value
of a customer starting in each state is

.. math::

    V_T = \sum_{t=0}^{T} \left(\frac{P}{1+d}\right)^t R, \qquad
    V_\infty = \left(I - \frac{P}{1+d}\right)^{-1} R,

the reward at ``t = 0`` included. ``V_infinity`` is found by *solving* the
linear system, never by inverting. ``P`` itself can be estimated from observed
migrations (pairs of consecutive gradings) by maximum likelihood: row-normalised
transition counts.

Validation of ``P``: square, finite, entries in [0, 1] and every row summing to
1 within :data:`ROW_SUM_TOLERANCE` (absolute). Rows that break a rule are named.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, Literal

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from kamcore._columns import FrozenArrays
from kamcore._params import (
    NONNEGATIVE,
    FloatArray,
    IntArray,
    as_float_array,
    as_float_scalar,
    as_id_array,
    as_int_array,
    check_in,
    readonly,
    same_length,
)
from kamcore.clp._closed_form import DISCOUNT_RATE, _finite_result, _matrix_geometric_sum
from kamcore.errors import InvalidParameterError, ShapeMismatchError

__all__ = [
    "EMPTY_ROW_POLICIES",
    "ROW_SUM_TOLERANCE",
    "MarkovChain",
    "TransitionEstimate",
    "estimate_transition_matrix",
    "transition_from_counts",
]

ROW_SUM_TOLERANCE: Final = 1e-8
"""Largest accepted ``|sum(row) - 1|`` of a transition matrix row (absolute)."""

EmptyRowPolicy = Literal["absorbing", "raise", "uniform", "prior"]
EMPTY_ROW_POLICIES: Final[tuple[str, ...]] = ("absorbing", "raise", "uniform", "prior")
"""Accepted policies for states never observed as a *from* state."""


# ----------------------------------------------------------------- validation helpers
def _state_names(
    states: Sequence[Any] | NDArray[Any] | None, size: int, name: str
) -> tuple[str, ...]:
    if states is None:
        return tuple(str(i) for i in range(size))
    names = tuple(as_id_array(_flat_labels(states), name, integers=True).tolist())
    if not names:
        raise InvalidParameterError(f"{name!r} must name at least one state; got none.")
    if len(names) != size:
        raise ShapeMismatchError(f"{name!r} must name {size} states; got {len(names)}.")
    if any(not n for n in names):
        raise InvalidParameterError(f"{name!r} must be non-empty strings; got {names!r}.")
    if len(set(names)) != len(names):
        dup = next(n for i, n in enumerate(names) if n in names[:i])
        raise InvalidParameterError(f"{name!r} must be unique; got {dup!r} twice.")
    return names


def _flat_labels(values: Any) -> Any:
    """Flatten a nested list or array of labels; 1-D input is returned as it is."""
    if isinstance(values, np.ndarray):
        return values.reshape(-1)
    if isinstance(values, (list, tuple)) and any(isinstance(v, (list, tuple)) for v in values):
        return np.asarray(values, dtype=object).reshape(-1)
    return values


def _state_labels(values: ArrayLike, field: str) -> tuple[NDArray[np.str_], bool]:
    """Validate observed state labels (one id rule); -> text labels, whether integers."""
    try:
        shape: tuple[int, ...] | None = np.shape(values)
    except ValueError:  # ragged: as_id_array names it
        shape = None
    if shape is not None and len(shape) != 1:
        raise ShapeMismatchError(f"{field!r} must be 1-dimensional; got shape {shape}.")
    labels = as_id_array(values, field, integers=True)
    raw = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)
    return labels, bool(labels.size) and isinstance(raw.flat[0], (int, np.integer))


def _square(arr: NDArray[Any], name: str) -> int:
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise ShapeMismatchError(f"{name!r} must be a square matrix; got shape {arr.shape}.")
    if arr.shape[0] == 0:
        raise InvalidParameterError(f"{name!r} must not be empty; got shape {arr.shape}.")
    return int(arr.shape[0])


def _row_label(i: int, names: tuple[str, ...] | None) -> str:
    return f"row {i}" if names is None else f"row {i} ({names[i]!r})"


def _check_stochastic(p: FloatArray, name: str, names: tuple[str, ...] | None = None) -> None:
    """Raise unless ``p`` is a valid row-stochastic matrix (already square and finite)."""
    neg = (p < 0.0) | (p > 1.0)
    if neg.any():
        rows = np.flatnonzero(neg.any(axis=1))
        i = int(rows[0])
        j = int(np.flatnonzero(neg[i])[0])
        raise InvalidParameterError(
            f"{name!r} entries must be probabilities in [0, 1]; got {rows.size} bad "
            f"row{'s' if rows.size > 1 else ''} (first {_row_label(i, names)}, column {j}: "
            f"{float(p[i, j])!r})."
        )
    sums = p.sum(axis=1)
    off = np.abs(sums - 1.0) > ROW_SUM_TOLERANCE
    if off.any():
        rows = np.flatnonzero(off)
        i = int(rows[0])
        raise InvalidParameterError(
            f"{name!r} rows must sum to 1 (tolerance {ROW_SUM_TOLERANCE:g}); got {rows.size} bad "
            f"row{'s' if rows.size > 1 else ''} (first {_row_label(i, names)} sums to "
            f"{float(sums[i])!r})."
        )


def _to_transition(value: ArrayLike) -> FloatArray:
    arr = as_float_array(value, "transition")
    _square(arr, "transition")
    _check_stochastic(arr, "transition")
    return readonly(np.array(arr, dtype=np.float64))


def _to_rewards(value: ArrayLike) -> FloatArray:
    arr = as_float_array(value, "rewards", ndim=1, allow_empty=False)
    return readonly(np.array(arr, dtype=np.float64))


def _to_rate(value: Any) -> float:
    return as_float_scalar(value, "discount_rate", domain=DISCOUNT_RATE)


def _to_states(value: Sequence[Any] | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(str(s) for s in value)


def _arrays_equal(a: NDArray[Any], b: NDArray[Any]) -> bool:
    return bool(np.array_equal(a, b))


# ----------------------------------------------------------------- the model
@attrs.frozen(repr=False)
class MarkovChain(FrozenArrays):
    r"""A customer migration model: transition matrix, rewards and discount rate.

    Parameters
    ----------
    transition
        One-period transition matrix ``P``, shape ``(S, S)``, row-stochastic
        (entries in [0, 1], rows summing to 1 within :data:`ROW_SUM_TOLERANCE`).
        ``P[i, j]`` = probability of moving from state ``i`` to state ``j``.
    rewards
        Reward ``R_s`` per period in each state (currency units), shape ``(S,)``.
    discount_rate
        ``d > -1`` per period (an infinite horizon needs ``d > 0``).
    states
        Optional state names (e.g. ``("A", "B", "C", "D", "lost")``); default
        ``"0" .. "S-1"``.

    Raises
    ------
    InvalidParameterError
        Non-finite values, entries outside [0, 1], rows not summing to 1 (the row is
        named), a bad discount rate, or empty/duplicate state names.
    ShapeMismatchError
        ``P`` not square, or rewards/states of another length.

    Examples
    --------
    Active/lost with retention 0.8, margin 100 and 10 % discounting; the reward
    of the current period is included, so the active value is ``100 * 1.1 / 0.3``:

    >>> chain = MarkovChain([[0.8, 0.2], [0.0, 1.0]], [100.0, 0.0], 0.1,
    ...                     states=("active", "lost"))
    >>> chain.value()
    array([366.667,   0.   ])
    >>> chain.value(n_periods=1)                    # 100 + 0.8 * 100 / 1.1
    array([172.727,   0.   ])
    >>> chain.customer_value(["lost", "active", "active"])
    array([  0.   , 366.667, 366.667])
    """

    transition: FloatArray = attrs.field(
        converter=_to_transition, eq=attrs.cmp_using(eq=_arrays_equal), hash=False, repr=False
    )
    rewards: FloatArray = attrs.field(
        converter=_to_rewards, eq=attrs.cmp_using(eq=_arrays_equal), hash=False
    )
    discount_rate: float = attrs.field(converter=_to_rate)
    states: tuple[str, ...] = attrs.field(default=None, converter=_to_states)

    def __attrs_post_init__(self) -> None:
        size = self.transition.shape[0]
        if self.rewards.shape != (size,):
            raise ShapeMismatchError(
                f"'rewards' must have one value per state ({size}); got shape {self.rewards.shape}."
            )
        object.__setattr__(self, "states", _state_names(self.states, size, "states"))

    # ------------------------------------------------------------ constructors
    @classmethod
    def from_counts(
        cls,
        counts: ArrayLike,
        rewards: ArrayLike,
        discount_rate: float,
        *,
        states: Sequence[Any] | None = None,
        policy: EmptyRowPolicy = "absorbing",
        prior: ArrayLike | None = None,
    ) -> MarkovChain:
        """Build a chain from an ``(S, S)`` migration count matrix (maximum likelihood).

        See :func:`transition_from_counts` for ``policy`` and ``prior``.
        """
        est = transition_from_counts(counts, states=states, policy=policy, prior=prior)
        return cls(est.transition, rewards, discount_rate, states=est.states)

    # ------------------------------------------------------------ values
    @property
    def size(self) -> int:
        """Number of states ``S``."""
        return int(self.transition.shape[0])

    def value(self, n_periods: int | None = None) -> FloatArray:
        r"""Return the expected discounted value per starting state, shape ``(S,)``.

        .. math:: V_T = \sum_{t=0}^{T} (P/(1+d))^t R \quad\text{(binary doubling, }
                  O(\log T)\text{ products)}, \qquad (I - P/(1+d)) V_\infty = R.

        Parameters
        ----------
        n_periods
            Last period ``T >= 0`` counted (``T + 1`` rewards, ``t = 0..T``); ``None``
            for an infinite horizon.

        Raises
        ------
        InvalidParameterError
            A negative or non-integral n_periods, or an infinite horizon with
            ``discount_rate <= 0`` (``P`` has spectral radius 1, the sum diverges).
        """
        d = self.discount_rate
        if n_periods is None:
            if d <= 0.0:
                raise InvalidParameterError(
                    "'discount_rate' must be > 0 for an infinite horizon (a stochastic matrix "
                    f"has spectral radius 1, so the series diverges); got {d!r}."
                )
            v = np.linalg.solve(np.eye(self.size) - self.transition / (1.0 + d), self.rewards)
            return readonly(v)
        h = int(as_int_array(n_periods, "n_periods", ndim=0, domain=NONNEGATIVE))
        # rows summing to 1 exactly (they do within ROW_SUM_TOLERANCE), so that the
        # doubling can hold every row of P^k to its exact sum over 10**15 periods
        p = self.transition / self.transition.sum(axis=1, keepdims=True)
        pd = p / (1.0 + d)
        # S_{T+1} R in O(log T) matrix products (binary doubling), never a loop over T
        with np.errstate(over="ignore", invalid="ignore"):
            v = _matrix_geometric_sum(pd, h + 1, stochastic_discount=d) @ self.rewards
        _finite_result(v, "value")
        return readonly(v)

    def state_index(self, states: ArrayLike) -> IntArray:
        """Map state names (or their string forms) to indices, vectorised.

        Raises
        ------
        InvalidParameterError
            Unknown state names (count and first offender) or an empty input.
        """
        return _codes(states, self.states, "current_states")

    def customer_value(
        self, current_states: ArrayLike, *, n_periods: int | None = None
    ) -> FloatArray:
        """Return each customer's value from its current state: ``V[state_i]``.

        Parameters
        ----------
        current_states
            State name per customer, any shape.
        n_periods
            As in :meth:`value`.

        Returns
        -------
        numpy.ndarray of float64
            Same shape as ``current_states``.
        """
        codes = self.state_index(current_states)
        out: FloatArray = self.value(n_periods)[codes]
        return out


def _codes(values: ArrayLike, names: tuple[str, ...], field: str) -> IntArray:
    """Vectorised lookup of labels (compared as strings) in ``names``; -> int codes."""
    try:
        arr = np.asarray(values)
    except (TypeError, ValueError) as exc:  # ragged rows and the like
        raise InvalidParameterError(f"{field!r} must be an array of state labels; {exc}") from None
    if arr.size == 0:
        raise InvalidParameterError(f"{field!r} must not be empty; got 0 values.")
    labels = arr.astype(str)
    table = np.asarray(names)
    order = np.argsort(table, kind="stable")
    sorted_names = table[order]
    pos = np.searchsorted(sorted_names, labels)
    clipped = np.minimum(pos, sorted_names.size - 1)
    found = sorted_names[clipped] == labels
    if not found.all():
        bad = ~found
        first = int(np.flatnonzero(bad.ravel())[0])
        raise InvalidParameterError(
            f"{field!r} must be known states ({', '.join(repr(n) for n in names)}); got "
            f"{int(bad.sum())} bad value{'s' if bad.sum() > 1 else ''} (first at flat index "
            f"{first}: {labels.ravel()[first].item()!r})."
        )
    return order[clipped].astype(np.int64)


# ----------------------------------------------------------------- estimation
def _transition_eq(a: NDArray[Any], b: NDArray[Any]) -> bool:
    return bool(np.array_equal(a, b))


@attrs.frozen(repr=False)
class TransitionEstimate(FrozenArrays):
    """Maximum-likelihood transition matrix estimated from migration counts.

    Parameters
    ----------
    states
        State names, length ``S``.
    counts
        Observed migrations, shape ``(S, S)``: ``counts[i, j]`` customers went from
        state ``i`` to state ``j`` in one period.
    transition
        Estimated ``P``, shape ``(S, S)``: ``counts[i] / counts[i].sum()`` for
        observed rows, the ``policy`` row for rows never observed.
    policy
        The policy applied to rows with no observations.
    unobserved
        Names of the states never observed as a *from* state.

    Examples
    --------
    >>> from kamcore.clp import transition_from_counts
    >>> est = transition_from_counts([[8, 2], [1, 9]], states=["active", "lapsed"])
    >>> est.transition.tolist()
    [[0.8, 0.2], [0.1, 0.9]]
    """

    states: tuple[str, ...]
    counts: IntArray = attrs.field(eq=attrs.cmp_using(eq=_transition_eq), hash=False)
    transition: FloatArray = attrs.field(eq=attrs.cmp_using(eq=_transition_eq), hash=False)
    policy: str
    unobserved: tuple[str, ...]

    def __attrs_post_init__(self) -> None:
        counts = as_int_array(self.counts, "counts", domain=NONNEGATIVE, ndim=2)
        _square(counts, "counts")
        size = counts.shape[0]
        names = _state_names(self.states, size, "states")
        transition = as_float_array(self.transition, "transition", ndim=2)
        _square(transition, "transition")
        if transition.shape != counts.shape:
            raise ShapeMismatchError(
                f"'transition' must have the shape of 'counts' {counts.shape}; got "
                f"{transition.shape}."
            )
        _check_stochastic(transition, "transition")
        check_in(self.policy, "policy", EMPTY_ROW_POLICIES)
        given: Any = self.unobserved
        if not isinstance(given, (tuple, list)):
            raise InvalidParameterError(
                f"'unobserved' must be a sequence of state names; got {type(given).__name__}."
            )
        unknown = [u for u in given if str(u) not in names]
        if unknown:
            raise InvalidParameterError(
                f"'unobserved' must name states of 'states'; got {len(unknown)} unknown "
                f"(first: {unknown[0]!r})."
            )
        object.__setattr__(self, "states", names)
        object.__setattr__(self, "counts", readonly(np.array(counts)))
        object.__setattr__(self, "transition", readonly(np.array(transition)))
        object.__setattr__(self, "unobserved", tuple(str(u) for u in given))

    def to_chain(self, rewards: ArrayLike, discount_rate: float) -> MarkovChain:
        """Return a :class:`MarkovChain` with this transition matrix and the given rewards."""
        return MarkovChain(self.transition, rewards, discount_rate, states=self.states)


def transition_from_counts(
    counts: ArrayLike,
    *,
    states: Sequence[Any] | None = None,
    policy: EmptyRowPolicy = "absorbing",
    prior: ArrayLike | None = None,
) -> TransitionEstimate:
    r"""Estimate ``P`` from an ``(S, S)`` migration count matrix.

    .. math:: \hat P_{ij} = \frac{n_{ij}}{\sum_k n_{ik}}

    (the maximum-likelihood estimate of a multinomial row). A row with no
    observations (a state never left or never seen) follows ``policy``:

    - ``"absorbing"`` (default): the state keeps its customers, ``P[i, i] = 1``;
    - ``"raise"``: :class:`~kamcore.errors.InvalidParameterError` naming the state;
    - ``"uniform"``: ``P[i, j] = 1 / S``;
    - ``"prior"``: row ``i`` of the row-stochastic ``prior`` matrix.

    Parameters
    ----------
    counts
        Non-negative whole numbers, shape ``(S, S)`` (e.g. from two gradings).
    states
        State names, length ``S``; default ``"0" .. "S-1"``.
    policy
        Policy for empty rows, see above.
    prior
        ``(S, S)`` row-stochastic matrix, required with ``policy="prior"`` only.

    Returns
    -------
    TransitionEstimate
        The maximum-likelihood matrix with the migration counts it came from.

    Raises
    ------
    InvalidParameterError
        Negative or non-integral counts, an unknown policy, a missing or invalid
        prior, or an empty row with ``policy="raise"``.
    ShapeMismatchError
        Non-square counts, or a prior/states of another size.

    Examples
    --------
    >>> est = transition_from_counts([[8, 2], [0, 0]], states=["active", "lost"])
    >>> est.transition
    array([[0.8, 0.2],
           [0. , 1. ]])
    >>> est.unobserved
    ('lost',)
    """
    check_in(policy, "policy", EMPTY_ROW_POLICIES)
    n = as_int_array(counts, "counts", domain=NONNEGATIVE)
    size = _square(n, "counts")
    names = _state_names(states, size, "states")
    prior_arr: FloatArray | None = None
    if policy == "prior":
        if prior is None:
            raise InvalidParameterError("'prior' must be given with policy='prior'; got None.")
        prior_arr = as_float_array(prior, "prior")
        if prior_arr.shape != (size, size):
            raise ShapeMismatchError(
                f"'prior' must have shape ({size}, {size}); got {prior_arr.shape}."
            )
        _check_stochastic(prior_arr, "prior", names)
    elif prior is not None:
        raise InvalidParameterError(f"'prior' is only used with policy='prior'; got {policy!r}.")
    totals = n.sum(axis=1)
    empty = totals == 0
    if policy == "raise" and empty.any():
        rows = np.flatnonzero(empty)
        raise InvalidParameterError(
            f"'counts' must have at least one observation per state with policy='raise'; got "
            f"{rows.size} empty row{'s' if rows.size > 1 else ''} (first: state "
            f"{names[int(rows[0])]!r})."
        )
    p = n / np.where(empty, 1, totals)[:, None]
    if empty.any():
        if policy == "absorbing":
            fill = np.eye(size)
        elif policy == "uniform":
            fill = np.full((size, size), 1.0 / size)
        else:
            assert prior_arr is not None
            fill = prior_arr
        p = np.where(empty[:, None], fill, p)
    unobserved = tuple(names[int(i)] for i in np.flatnonzero(empty))
    return TransitionEstimate(
        states=names,
        counts=readonly(np.array(n, dtype=np.int64)),
        transition=readonly(p.astype(np.float64)),
        policy=str(policy),
        unobserved=unobserved,
    )


def estimate_transition_matrix(
    from_states: ArrayLike,
    to_states: ArrayLike,
    states: Sequence[Any] | None = None,
    *,
    policy: EmptyRowPolicy = "absorbing",
    prior: ArrayLike | None = None,
) -> TransitionEstimate:
    """Estimate ``P`` from observed one-period migrations ``from_states[i] -> to_states[i]``.

    Counts are built with one :func:`numpy.bincount` (no loop over customers),
    then :func:`transition_from_counts` applies maximum likelihood and ``policy``.
    Labels are compared by their string form (``1`` and ``"1"`` are the same state).

    Parameters
    ----------
    from_states, to_states
        State of each customer at the start and the end of a period, shape ``(n,)``,
        ``n >= 1``.
    states
        All state names in the order wanted for ``P``; default the sorted distinct
        labels observed. A state listed but never observed gets the ``policy`` row.
    policy, prior
        See :func:`transition_from_counts`.

    Returns
    -------
    TransitionEstimate
        The maximum-likelihood matrix with the migration counts it came from.

    Raises
    ------
    InvalidParameterError
        Empty inputs, labels not in ``states``, or as :func:`transition_from_counts`.
    ShapeMismatchError
        Inputs of different lengths or not 1-D.

    Examples
    --------
    >>> est = estimate_transition_matrix(["A", "A", "B", "B"], ["A", "B", "B", "lost"],
    ...                                  states=["A", "B", "lost"])
    >>> est.counts
    array([[1, 1, 0],
           [0, 1, 1],
           [0, 0, 0]])
    >>> est.transition[0]
    array([0.5, 0.5, 0. ])
    """
    # labels follow the one id rule: no None, NaN, bool, NUL or surrounding
    # whitespace, and integers and strings never mix (1 and "1" would merge)
    f, f_int = _state_labels(from_states, "from_states")
    t, t_int = _state_labels(to_states, "to_states")
    for name, arr in (("from_states", f), ("to_states", t)):
        if arr.size == 0:
            raise InvalidParameterError(f"{name!r} must not be empty; got 0 values.")
    same_length({"from_states": f, "to_states": t})
    if f_int != t_int:
        raise InvalidParameterError(
            "'from_states' and 'to_states' must both be strings or both integers, not a mix "
            f"(1 and '1' would merge); got {'integers' if f_int else 'strings'} and "
            f"{'integers' if t_int else 'strings'}."
        )
    if states is None:
        names = tuple(np.unique(np.concatenate((f, t))).tolist())
    else:
        names = _state_names(states, len(states), "states")
    size = len(names)
    fc = _codes(f, names, "from_states")
    tc = _codes(t, names, "to_states")
    counts = np.bincount(fc * size + tc, minlength=size * size).reshape(size, size)
    return transition_from_counts(counts, states=names, policy=policy, prior=prior)
