"""Stage-shaped lifetime profit: CLP from a relationship's lifecycle stage.

The profit a customer brings depends on *where* the relationship is in its
lifecycle.

1. **From the lifecycle stage.** A :class:`StageProfile` holds, per live stage
   (exploration -> formation -> stability -> decline), the expected number of
   periods spent in the stage, the margin per period and the per-period
   retention (probability the relationship goes on). The stage sojourn is
   geometric, so the model is memoryless: the current stage alone determines
   the expected discounted profit of the remaining path, which makes a
   per-customer stage column enough. Each period a relationship in stage ``s``

   - ends with probability ``1 - r_s``;
   - otherwise moves on with probability ``a_s = 1 / D_s`` (``D_s`` = expected
     duration in periods; ``D_s = inf`` never moves on) or stays put;
   - moving on from decline ends the relationship, except a fraction
     ``redevelopment`` that goes back into formation.

   With ``Q`` the resulting 4 x 4 sub-stochastic matrix over live stages and
   ``m`` the margin vector, the value of each stage (``timing="start"``: the
   current period's margin now) is
   ``V = sum_{t>=0} (Q/(1+d))^t m``, found by solving ``(I - Q/(1+d)) V = m``;
   ``"end"`` is ``V - m`` and ``"end_certain"`` is ``V / (1 + d)``, exactly as in
   :mod:`kamcore.clp._closed_form` (a single stage with ``D = inf`` reproduces
   ``m r/(1+d-r)``). ``ENDED`` is worth 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final

import attrs
import numpy as np
from numpy.typing import ArrayLike

from kamcore._params import (
    NONNEGATIVE,
    PROBABILITY,
    FloatArray,
    IntArray,
    Interval,
    as_float_array,
    as_float_scalar,
    as_int_array,
    fail_where,
    readonly,
)
from kamcore.clp._closed_form import (
    DISCOUNT_RATE,
    Timing,
    _check_timing,
    _finite_result,
    _matrix_geometric_sum,
)
from kamcore.domain._enums import LifecycleStage
from kamcore.errors import InvalidParameterError, ShapeMismatchError, UnknownNameError

STAGES: Final[tuple[LifecycleStage, ...]] = tuple(LifecycleStage)
"""All lifecycle stages in code order (the code of a stage is its index here)."""

LIVE_STAGES: Final[tuple[LifecycleStage, ...]] = (
    LifecycleStage.EXPLORATION,
    LifecycleStage.FORMATION,
    LifecycleStage.STABILITY,
    LifecycleStage.DECLINE,
)
"""The four live stages, in the order of the growth path."""

_DURATION: Final = Interval(1.0, math.inf)


# ----------------------------------------------------------------- stage table
def _real(value: Any, name: str) -> float:
    """Return a real number as float; refuse text, booleans and other objects (no conversion)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise InvalidParameterError(
            f"{name!r} must be a real number; got {type(value).__name__} {value!r}."
        )
    return float(value)


def _real_duration(value: Any) -> float:
    return _real(value, "duration")


def _real_margin(value: Any) -> float:
    return _real(value, "margin")


def _real_retention(value: Any) -> float:
    return _real(value, "retention")


def _real_redevelopment(value: Any) -> float:
    return as_float_scalar(value, "redevelopment", domain=PROBABILITY)


@attrs.frozen
class StageParameters:
    """Per-stage parameters of the stage-shaped profit model.

    Parameters
    ----------
    duration
        Expected number of periods spent in the stage if the relationship does not
        end early, ``D >= 1``; ``math.inf`` for a stage never left by progression.
    margin
        Margin per period while in the stage (currency units, or a relative level
        scaled per customer by ``scale`` in :func:`stage_lifetime_profit`).
    retention
        Probability in [0, 1] that the relationship goes on from one period to the next.

    Raises
    ------
    InvalidParameterError
        A value outside its domain, NaN, or an infinite margin/retention.

    Examples
    --------
    >>> from kamcore.clp import StageParameters
    >>> p = StageParameters(duration=2.0, margin=1500.0, retention=0.9)
    >>> p.duration, p.margin, p.retention
    (2.0, 1500.0, 0.9)
    """

    duration: float = attrs.field(converter=_real_duration)
    margin: float = attrs.field(converter=_real_margin)
    retention: float = attrs.field(converter=_real_retention)

    def __attrs_post_init__(self) -> None:
        if math.isnan(self.duration):
            raise InvalidParameterError("'duration' must be a number >= 1; got nan.")
        _DURATION.check(np.asarray(self.duration), "duration")
        as_float_scalar(self.margin, "margin")
        as_float_scalar(self.retention, "retention", domain=PROBABILITY)

    @property
    def progression(self) -> float:
        """Per-period probability ``1 / D`` of moving on, given the relationship goes on."""
        return 0.0 if math.isinf(self.duration) else 1.0 / self.duration


def _stage_key(stage: LifecycleStage | str) -> LifecycleStage:
    if isinstance(stage, LifecycleStage):
        return stage
    try:
        return LifecycleStage(stage)
    except ValueError:
        names = ", ".join(repr(s.value) for s in STAGES)
        raise UnknownNameError(f"'stage' must be one of {names}; got {stage!r}.") from None


@attrs.frozen
class StageProfile:
    """Stage-shaped profit table: per live stage, duration, margin and retention.

    The default values (:data:`DEFAULT_STAGE_PROFILE`, periods = years, margins as
    a level relative to the stability margin) are illustrative, not estimates:
    exploration 1 year at 0.2 with retention 0.6; formation 2 years at 0.6, 0.85;
    stability 5 years at 1.0, 0.92; decline 2 years at 0.5, 0.7. Override them
    with :meth:`with_stage` or :meth:`from_mapping`.

    Parameters
    ----------
    exploration, formation, stability, decline
        :class:`StageParameters` of each live stage.
    redevelopment
        Probability in [0, 1] that a relationship completing decline is re-developed
        (back into formation) instead of ending. Default 0.

    Examples
    --------
    >>> profile = DEFAULT_STAGE_PROFILE.with_stage("stability", margin=2.0)
    >>> profile["stability"].margin
    2.0
    >>> only = StageProfile.constant(margin=100.0, retention=0.8)
    >>> print(round(float(only.values(0.1)[0]), 6))   # = 100 * 0.8 / 0.3, any live stage
    266.666667
    """

    exploration: StageParameters
    formation: StageParameters
    stability: StageParameters
    decline: StageParameters
    redevelopment: float = attrs.field(default=0.0, converter=_real_redevelopment)

    def __attrs_post_init__(self) -> None:
        for stage in LIVE_STAGES:
            value = getattr(self, stage.value)
            if not isinstance(value, StageParameters):
                raise InvalidParameterError(
                    f"{stage.value!r} must be a StageParameters; got {type(value).__name__}."
                )
        as_float_scalar(self.redevelopment, "redevelopment", domain=PROBABILITY)

    # ------------------------------------------------------------ construction
    @classmethod
    def from_mapping(
        cls,
        table: Mapping[LifecycleStage | str, StageParameters | Mapping[str, float]],
        *,
        redevelopment: float = 0.0,
    ) -> StageProfile:
        """Build a profile from ``{stage: StageParameters or dict of fields}``.

        Stages missing from ``table`` keep their :data:`DEFAULT_STAGE_PROFILE` values.

        Raises
        ------
        UnknownNameError
            A key that is not a live lifecycle stage.
        InvalidParameterError
            Invalid parameter values.
        """
        if not isinstance(table, Mapping):
            raise InvalidParameterError(
                f"'table' must be a mapping of stage to StageParameters or to a mapping of "
                f"duration, margin and retention; got {type(table).__name__}."
            )
        profile = attrs.evolve(DEFAULT_STAGE_PROFILE, redevelopment=redevelopment)
        for key, params in table.items():
            if not isinstance(params, (StageParameters, Mapping)):
                raise InvalidParameterError(
                    f"'table'[{key!r}] must be a StageParameters or a mapping of duration, "
                    f"margin and retention; got {type(params).__name__}."
                )
            stage = _stage_key(key)
            if isinstance(params, StageParameters):
                profile = profile._replace(stage, params)
            else:
                profile = profile.with_stage(stage, **dict(params))
        return profile

    @classmethod
    def constant(cls, *, margin: float, retention: float) -> StageProfile:
        """Return a profile whose every stage has the same margin and retention, never left."""
        p = StageParameters(duration=math.inf, margin=margin, retention=retention)
        return cls(exploration=p, formation=p, stability=p, decline=p)

    def _replace(self, stage: LifecycleStage, params: StageParameters) -> StageProfile:
        if stage is LifecycleStage.ENDED:
            raise UnknownNameError("'stage' must be a live stage; 'ended' has no parameters.")
        changes: dict[str, Any] = {stage.value: params}
        return attrs.evolve(self, **changes)

    def with_stage(self, stage: LifecycleStage | str, **changes: float) -> StageProfile:
        """Return a copy with some parameters of one stage changed.

        Parameters
        ----------
        stage
            A live :class:`~kamcore.domain.LifecycleStage` or its string value.
        **changes
            New values for ``duration``, ``margin`` and/or ``retention``.

        Raises
        ------
        UnknownNameError
            Unknown stage, ``ended``, or an unknown field name.
        """
        key = _stage_key(stage)
        unknown = sorted(set(changes) - {"duration", "margin", "retention"})
        if unknown:
            raise UnknownNameError(
                f"stage parameters are 'duration', 'margin', 'retention'; got {unknown[0]!r}."
            )
        current = self[key]
        return self._replace(key, attrs.evolve(current, **changes))

    def __getitem__(self, stage: LifecycleStage | str) -> StageParameters:
        """Return the parameters of a live stage (enum member or string value)."""
        key = _stage_key(stage)
        if key is LifecycleStage.ENDED:
            raise UnknownNameError("'stage' must be a live stage; 'ended' has no parameters.")
        value: StageParameters = getattr(self, key.value)
        return value

    # ------------------------------------------------------------ model
    def transition_matrix(self) -> FloatArray:
        """Return the 4 x 4 sub-stochastic one-period matrix ``Q`` over the live stages.

        Rows/columns in :data:`LIVE_STAGES` order; row ``s`` sums to ``r_s`` except
        decline, which leaks the share of relationships that end by completing decline.
        """
        q = np.zeros((4, 4))
        for i, stage in enumerate(LIVE_STAGES):
            p = self[stage]
            a = p.progression
            q[i, i] = p.retention * (1.0 - a)
            if i < 3:
                q[i, i + 1] = p.retention * a
            else:
                q[i, 1] += p.retention * a * self.redevelopment
        return readonly(q)

    def margins(self) -> FloatArray:
        """Return the margin per period of each live stage, shape ``(4,)``."""
        return readonly(np.array([self[s].margin for s in LIVE_STAGES]))

    def values(
        self, discount_rate: float, *, timing: Timing = "end", n_periods: int | None = None
    ) -> FloatArray:
        r"""Return the expected discounted profit from each stage, shape ``(5,)``.

        .. math:: V^{\mathrm{start}}_T = \sum_{t=0}^{T-1} (Q/(1+d))^t\, m, \qquad
                  V^{\mathrm{start}}_\infty = (I - Q/(1+d))^{-1} m \text{ (solved)},

        ``V^end = V^start - m`` (finite ``T``: the ``T`` cash flows at times
        ``1..T``) and ``V^end_certain = V^start / (1 + d)``. Entries follow
        ``LifecycleStage`` order; ``ENDED`` is 0.

        Parameters
        ----------
        discount_rate
            ``d > -1`` per period.
        timing
            ``"end"`` (default), ``"start"`` or ``"end_certain"``.
        n_periods
            Number of cash flows counted, ``None`` for an infinite horizon.

        Raises
        ------
        InvalidParameterError
            Bad discount rate, timing or n_periods, or a divergent infinite-horizon value
            (spectral radius of ``Q`` at least ``1 + d``).
        """
        _check_timing(timing)
        d = as_float_scalar(discount_rate, "discount_rate", domain=DISCOUNT_RATE)
        h = (
            None
            if n_periods is None
            else int(as_int_array(n_periods, "n_periods", domain=NONNEGATIVE, ndim=0))
        )
        return readonly(_stage_values(self.transition_matrix(), self.margins(), d, timing, h))


def _stage_values(
    q: FloatArray, m: FloatArray, d: float, timing: str, n_periods: int | None
) -> FloatArray:
    """Kernel of :meth:`StageProfile.values` (inputs trusted)."""
    qd = q / (1.0 + d)
    if n_periods is None:
        radius = float(np.max(np.abs(np.linalg.eigvals(q))))
        if radius >= 1.0 + d:
            raise InvalidParameterError(
                f"'discount_rate' must exceed the stage chain's spectral radius - 1 "
                f"({radius - 1.0:g}) for an infinite horizon (the series diverges); got {d!r}."
            )
        v_start = np.linalg.solve(np.eye(4) - qd, m)
        v_end = qd @ v_start
    else:
        # V_T(start) = sum_{t<T} qd^t m, V_T(end) = sum_{1<=t<=T} qd^t m; the matrix
        # sum in O(log T) products (binary doubling), never a loop over the periods
        with np.errstate(over="ignore", invalid="ignore"):
            v_start = _matrix_geometric_sum(qd, n_periods) @ m
            v_end = qd @ v_start
        _finite_result(np.concatenate((v_start, v_end)), "stage values")
    if timing == "start":
        live = v_start
    elif timing == "end":
        live = v_end
    else:
        live = v_start / (1.0 + d)
    out = np.zeros(len(STAGES))
    out[: len(LIVE_STAGES)] = live
    return out


DEFAULT_STAGE_PROFILE: Final = StageProfile(
    exploration=StageParameters(duration=1.0, margin=0.2, retention=0.6),
    formation=StageParameters(duration=2.0, margin=0.6, retention=0.85),
    stability=StageParameters(duration=5.0, margin=1.0, retention=0.92),
    decline=StageParameters(duration=2.0, margin=0.5, retention=0.7),
)
"""Illustrative defaults (periods = years, margins relative to the stability level)."""


# ----------------------------------------------------------------- stage arrays
def stage_codes(stages: ArrayLike | LifecycleStage | str) -> IntArray:
    """Convert lifecycle stages (enum members or string values) to integer codes.

    The code of a stage is its position in ``LifecycleStage`` (exploration 0 ...
    ended 4). Vectorised: one comparison per stage, never a loop over customers.

    Parameters
    ----------
    stages
        A stage or an array-like of stages, any shape.

    Returns
    -------
    numpy.ndarray of int64
        Same shape as ``stages``.

    Raises
    ------
    InvalidParameterError
        A value that is neither a ``LifecycleStage`` nor one of its string values
        (count and first offender named), or an empty input.

    Examples
    --------
    >>> stage_codes(["formation", LifecycleStage.ENDED])
    array([1, 4])
    """
    if isinstance(stages, LifecycleStage):
        stages = stages.value
    try:
        arr = np.asarray(stages)
    except (TypeError, ValueError) as exc:  # ragged rows and the like
        raise InvalidParameterError(f"'stages' must be an array of stages; {exc}") from None
    if arr.size == 0:
        raise InvalidParameterError("'stages' must not be empty; got 0 values.")
    codes = np.full(arr.shape, -1, dtype=np.int64)
    if arr.dtype.kind in "US":
        keys: list[Any] = [s.value for s in STAGES]
        for code, key in enumerate(keys):
            codes[arr == key] = code
    elif arr.dtype.kind == "O":
        for code, stage in enumerate(STAGES):
            hit = np.asarray(arr == stage, dtype=bool) | np.asarray(arr == stage.value, dtype=bool)
            codes[hit] = code
    bad = codes < 0
    if bad.any():
        fail_where(
            bad,
            arr.astype(object),  # python objects so the offender prints as 'growth'
            "stages",
            "be lifecycle stages ('exploration', 'formation', 'stability', 'decline', 'ended')",
        )
    return codes


def stage_lifetime_profit(
    stages: ArrayLike | LifecycleStage | str,
    discount_rate: float,
    *,
    profile: StageProfile = DEFAULT_STAGE_PROFILE,
    scale: ArrayLike = 1.0,
    timing: Timing = "end",
    n_periods: int | None = None,
) -> FloatArray:
    r"""Return the expected discounted profit of the remaining lifecycle path per customer.

    .. math:: \mathrm{CLP}_i = \mathrm{scale}_i \cdot V_{s_i}

    where ``V`` is :meth:`StageProfile.values` (4 solves of a 4 x 4 system, done
    once) and ``s_i`` the current stage of customer ``i``.

    Parameters
    ----------
    stages
        Current stage per customer: ``LifecycleStage`` members or their string
        values, shape ``(n,)`` (or any shape).
    discount_rate
        ``d > -1`` per period.
    profile
        Stage table; :data:`DEFAULT_STAGE_PROFILE` by default.
    scale
        Per-customer multiplier of the profile margins (e.g. each account's
        stability-level margin in currency units), broadcast against ``stages``.
    timing
        ``"end"`` (default), ``"start"`` or ``"end_certain"``.
    n_periods
        Number of cash flows counted, ``None`` for an infinite horizon.

    Returns
    -------
    numpy.ndarray of float64
        Broadcast shape of ``stages`` and ``scale``.

    Raises
    ------
    InvalidParameterError
        Unknown stages, non-finite scales, bad rate/timing/n_periods, divergence.
    ShapeMismatchError
        ``scale`` does not broadcast with ``stages``.

    Examples
    --------
    >>> stage_lifetime_profit(["stability", "ended"], 0.1, scale=[1000.0, 1000.0])
    array([2392.674,    0.   ])
    """
    if not isinstance(profile, StageProfile):
        raise InvalidParameterError(
            f"'profile' must be a StageProfile; got {type(profile).__name__} {profile!r}."
        )
    codes = stage_codes(stages)
    s = as_float_array(scale, "scale")
    try:
        shape = np.broadcast_shapes(codes.shape, s.shape)
    except ValueError:
        raise ShapeMismatchError(
            f"arrays cannot be broadcast together; got stages: {codes.shape}, scale: {s.shape}."
        ) from None
    values = profile.values(discount_rate, timing=timing, n_periods=n_periods)
    return np.broadcast_to(values[codes] * s, shape).astype(np.float64)
