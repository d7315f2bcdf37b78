"""Stage-shaped lifetime profit: CLP from a relationship's lifecycle stage or margin paths.

Two doors, one idea: the profit a customer brings depends on *where* the
relationship is (DOMAIN.md section 3) and on how margins evolve over time.

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

2. **From margin paths.** :func:`matrix_lifetime_profit` values an arbitrary
   customers x periods margin matrix with per-customer, per-period or full
   retention, and :func:`curve_lifetime_profit` a per-customer level times a
   per-period curve (``m_it = level_i * curve_t``). Both run over row chunks
   (or a single matrix-vector product), so no ``n x T`` temporary is ever
   allocated; the result does not depend on the chunk size.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

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
)
from kamcore.domain._enums import LifecycleStage
from kamcore.errors import InvalidParameterError, ShapeMismatchError, UnknownNameError

__all__ = [
    "DEFAULT_STAGE_PROFILE",
    "LIVE_STAGES",
    "StageParameters",
    "StageProfile",
    "curve_lifetime_profit",
    "matrix_lifetime_profit",
    "stage_codes",
    "stage_lifetime_profit",
]

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
    """

    duration: float = attrs.field(converter=float)
    margin: float = attrs.field(converter=float)
    retention: float = attrs.field(converter=float)

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
    redevelopment: float = attrs.field(default=0.0, converter=float)

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
        profile = attrs.evolve(DEFAULT_STAGE_PROFILE, redevelopment=redevelopment)
        for key, params in table.items():
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
        self, discount_rate: float, *, timing: Timing = "end", horizon: int | None = None
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
        horizon
            Number of cash flows counted, ``None`` for an infinite horizon.

        Raises
        ------
        InvalidParameterError
            Bad discount rate, timing or horizon, or a divergent infinite-horizon value
            (spectral radius of ``Q`` at least ``1 + d``).
        """
        _check_timing(timing)
        d = as_float_scalar(discount_rate, "discount_rate", domain=DISCOUNT_RATE)
        h = (
            None
            if horizon is None
            else int(as_int_array(horizon, "horizon", domain=NONNEGATIVE, ndim=0))
        )
        return readonly(_stage_values(self.transition_matrix(), self.margins(), d, timing, h))


def _stage_values(
    q: FloatArray, m: FloatArray, d: float, timing: str, horizon: int | None
) -> FloatArray:
    """Kernel of :meth:`StageProfile.values` (inputs trusted)."""
    qd = q / (1.0 + d)
    if horizon is None:
        radius = float(np.max(np.abs(np.linalg.eigvals(q))))
        if radius >= 1.0 + d:
            raise InvalidParameterError(
                f"'discount_rate' must exceed the stage chain's spectral radius - 1 "
                f"({radius - 1.0:g}) for an infinite horizon (the series diverges); got {d!r}."
            )
        v_start = np.linalg.solve(np.eye(4) - qd, m)
        v_end = qd @ v_start
    else:
        # V_T(start) = sum_{t<T} qd^t m, V_T(end) = sum_{1<=t<=T} qd^t m; Horner over t.
        v_start = np.zeros(4)
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(horizon):
                v_start = m + qd @ v_start
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
    arr = np.asarray(stages)
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
    horizon: int | None = None,
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
    horizon
        Number of cash flows counted, ``None`` for an infinite horizon.

    Returns
    -------
    numpy.ndarray of float64
        Broadcast shape of ``stages`` and ``scale``.

    Raises
    ------
    InvalidParameterError
        Unknown stages, non-finite scales, bad rate/timing/horizon, divergence.
    ShapeMismatchError
        ``scale`` does not broadcast with ``stages``.

    Examples
    --------
    >>> stage_lifetime_profit(["stability", "ended"], 0.1, scale=[1000.0, 1000.0])
    array([2392.674,    0.   ])
    """
    codes = stage_codes(stages)
    s = as_float_array(scale, "scale")
    try:
        shape = np.broadcast_shapes(codes.shape, s.shape)
    except ValueError:
        raise ShapeMismatchError(
            f"arrays cannot be broadcast together; got stages: {codes.shape}, scale: {s.shape}."
        ) from None
    values = profile.values(discount_rate, timing=timing, horizon=horizon)
    return np.broadcast_to(values[codes] * s, shape).astype(np.float64)


# ----------------------------------------------------------------- margin paths
_DEFAULT_CHUNK: Final = 8192


def _survival_exponent_shift(timing: str) -> tuple[int, int]:
    """Return (survival shift, discount shift): column t uses r^(t-a), (1+d)^-(t-b)."""
    if timing == "end":
        return 0, 0
    if timing == "start":
        return 1, 1
    return 1, 0


def _period_weights(r_period: FloatArray, d: float, timing: str) -> FloatArray:
    """Weights ``w_t = S_t (1+d)^-tau_t`` for a per-period retention vector, shape (T,)."""
    t = np.arange(1, r_period.size + 1, dtype=np.float64)
    s_shift, d_shift = _survival_exponent_shift(timing)
    cum = np.cumprod(r_period)
    survival = cum if s_shift == 0 else np.concatenate(([1.0], cum[:-1]))
    return survival * (1.0 + d) ** -(t - d_shift)


def _chunk_weights(r_chunk: FloatArray, d: float, timing: str, periods: int) -> FloatArray:
    """Weights for per-customer (shape (k,)) or full (shape (k, T)) retention."""
    t = np.arange(1, periods + 1, dtype=np.float64)
    s_shift, d_shift = _survival_exponent_shift(timing)
    discount = (1.0 + d) ** -(t - d_shift)
    if r_chunk.ndim == 1:  # per customer: r^t by a running product (faster than power)
        r_chunk = np.broadcast_to(r_chunk[:, None], (r_chunk.size, periods))
    if s_shift:  # S_t = prod_{j<t} r_j
        survival = np.empty(r_chunk.shape, dtype=np.float64)
        survival[:, 0] = 1.0
        np.cumprod(r_chunk[:, :-1], axis=1, out=survival[:, 1:])
    else:  # S_t = prod_{j<=t} r_j
        survival = np.cumprod(r_chunk, axis=1, dtype=np.float64)
    survival *= discount
    return survival


def _check_chunk(
    block: NDArray[Any],
    offset: int,
    *,
    name: str,
    domain: Interval | None,
    source: Callable[[int, int], NDArray[Any]],
    n: int,
    chunk: int,
) -> None:
    """Validate one chunk; on failure count offenders over the remaining chunks too."""

    def bad_of(b: NDArray[Any]) -> NDArray[np.bool_]:
        bad = ~np.isfinite(b)
        if domain is not None:
            with np.errstate(invalid="ignore"):
                bad |= (b < domain.low) | (b > domain.high)
        return np.asarray(bad, dtype=bool)

    bad = bad_of(block)
    if not bad.any():
        return
    first = np.unravel_index(int(np.flatnonzero(bad.ravel())[0]), bad.shape)
    value = float(block[first])
    count = int(bad.sum())
    start = offset + block.shape[0]
    while start < n:
        stop = min(start + chunk, n)
        count += int(bad_of(np.asarray(source(start, stop), dtype=np.float64)).sum())
        start = stop
    index = (offset + int(first[0]), *(int(i) for i in first[1:]))
    rule = (
        "be finite (no NaN or infinity)"
        if domain is None
        else (f"be finite and {domain.describe()[3:]}")
    )
    noun = "value" if count == 1 else "values"
    raise InvalidParameterError(
        f"{name!r} must {rule}; got {count} bad {noun} (first at index {index}: {value!r})."
    )


def _path_profit(
    margin_rows: Callable[[int, int], NDArray[Any]],
    n: int,
    periods: int,
    *,
    retention: ArrayLike,
    discount_rate: float,
    timing: str,
    acquisition_cost: ArrayLike,
    cost_to_serve: ArrayLike,
    chunk_size: int,
    validate_margins: bool,
    rank_one: tuple[FloatArray, FloatArray] | None = None,
) -> FloatArray:
    """Shared chunked kernel of the margin-path functions (validates row chunks lazily)."""
    _check_timing(timing)
    d = as_float_scalar(discount_rate, "discount_rate", domain=DISCOUNT_RATE)
    chunk = int(as_int_array(chunk_size, "chunk_size", ndim=0, domain=Interval(1.0, math.inf)))
    a = _per_customer(acquisition_cost, "acquisition_cost", n)
    c = _per_customer(cost_to_serve, "cost_to_serve", n)
    r_raw = np.asarray(retention)
    mode, r = _retention_mode(r_raw, n, periods)
    out = np.empty(n, dtype=np.float64)
    w_period: FloatArray | None = None
    if mode in {"scalar", "period"}:
        vec = np.full(periods, float(r)) if mode == "scalar" else r.reshape(-1)
        with np.errstate(over="ignore", invalid="ignore"):
            w_period = _period_weights(vec, d, timing)
            w_sum = float(w_period.sum())
        if rank_one is not None:  # m_it = level_i * curve_t: no matrix at all
            level, curve = rank_one
            with np.errstate(over="ignore", invalid="ignore"):
                result = level * float(curve @ w_period) - c * w_sum - a
            _finite_result(result, "lifetime_profit")
            return result
    with np.errstate(over="ignore", invalid="ignore"):
        for start in range(0, n, chunk):
            stop = min(start + chunk, n)
            block = np.asarray(margin_rows(start, stop), dtype=np.float64)
            if validate_margins:
                _check_chunk(
                    block, start, name="margins", domain=None, source=margin_rows, n=n, chunk=chunk
                )
            if w_period is not None:
                out[start:stop] = block @ w_period - c[start:stop] * w_sum
                continue
            if mode == "customer":
                r_chunk = r[start:stop]
            else:
                r_chunk = np.asarray(r[start:stop], dtype=np.float64)
                _check_chunk(
                    r_chunk,
                    start,
                    name="retention",
                    domain=PROBABILITY,
                    source=lambda i, j: np.asarray(r[i:j]),
                    n=n,
                    chunk=chunk,
                )
            w = _chunk_weights(r_chunk, d, timing, periods)
            out[start:stop] = np.einsum("ij,ij->i", block, w) - c[start:stop] * w.sum(axis=1)
    out -= a
    _finite_result(out, "lifetime_profit")
    return out


def _per_customer(value: ArrayLike, name: str, n: int) -> FloatArray:
    arr = as_float_array(value, name, domain=NONNEGATIVE)
    if arr.ndim == 0:
        return np.broadcast_to(arr, (n,))
    if arr.shape != (n,):
        raise ShapeMismatchError(
            f"{name!r} must be a scalar or have shape ({n},); got {arr.shape}."
        )
    return arr


def _retention_mode(r: NDArray[Any], n: int, periods: int) -> tuple[str, Any]:
    """Classify retention as scalar, per-customer (n,), per-period (1, T) or full (n, T)."""
    if r.dtype.kind not in "biuf":
        raise InvalidParameterError(f"'retention' must be numeric; got dtype {r.dtype}.")
    if r.ndim == 0:
        return "scalar", as_float_array(r, "retention", domain=PROBABILITY)
    if r.shape in {(n,), (n, 1)}:
        return "customer", as_float_array(r.reshape(n), "retention", domain=PROBABILITY)
    if r.shape == (1, periods):
        return "period", as_float_array(r, "retention", domain=PROBABILITY)
    if r.shape == (n, periods):
        return "full", r  # validated chunk by chunk
    raise ShapeMismatchError(
        f"'retention' must be a scalar or have shape ({n},), ({n}, 1), (1, {periods}) or "
        f"({n}, {periods}); got {r.shape}."
    )


def matrix_lifetime_profit(
    margins: ArrayLike,
    retention: ArrayLike,
    discount_rate: float,
    *,
    timing: Timing = "end",
    acquisition_cost: ArrayLike = 0.0,
    cost_to_serve: ArrayLike = 0.0,
    chunk_size: int = _DEFAULT_CHUNK,
) -> FloatArray:
    r"""Return the CLP of arbitrary per-period margin paths, chunked over customers.

    Column ``t = 1..T`` of the margin matrix is the margin of the ``t``-th future
    cash flow. With survival ``S_it`` and cash time ``tau_t``:

    .. math:: \mathrm{CLP}_i = \sum_{t=1}^{T} (m_{it} - c_i)\, S_{it}\,(1+d)^{-\tau_t} - A_i

    ========================  ===========================  ===========
    ``timing``                ``S_it``                     ``tau_t``
    ========================  ===========================  ===========
    ``"end"``                 ``prod_{j <= t} r_ij``        ``t``
    ``"start"``               ``prod_{j < t} r_ij``         ``t - 1``
    ``"end_certain"``         ``prod_{j < t} r_ij``         ``t``
    ========================  ===========================  ===========

    so constant inputs give exactly :func:`~kamcore.clp.lifetime_profit`
    with ``horizon=T``. Under ``"start"``/``"end_certain"`` the last retention
    column is not used.

    Rows are processed ``chunk_size`` at a time (scalar or per-period retention:
    one matrix-vector product), so memory beyond the input is
    ``O(chunk_size * T)``; the result does not depend on ``chunk_size``. The input
    may be any array supporting row slicing (a memmap, a broadcast view) and is
    validated chunk by chunk.

    Parameters
    ----------
    margins
        Margin per customer and period, shape ``(n, T)``, finite, ``n, T >= 1``.
    retention
        Probability in [0, 1]: a scalar, per customer ``(n,)`` or ``(n, 1)``, per
        period ``(1, T)``, or per customer and period ``(n, T)``.
    discount_rate
        ``d > -1`` per period (scalar).
    timing
        ``"end"`` (default), ``"start"`` or ``"end_certain"``.
    acquisition_cost, cost_to_serve
        ``>= 0``, scalar or shape ``(n,)``; cost to serve is per period.
    chunk_size
        Rows per chunk (>= 1).

    Returns
    -------
    numpy.ndarray of float64
        Shape ``(n,)``.

    Raises
    ------
    InvalidParameterError
        Non-finite margins, retention outside [0, 1], bad costs/rate/timing/chunk
        size, or an empty matrix.
    ShapeMismatchError
        ``margins`` not 2-D or a retention/cost shape that does not fit.

    Examples
    --------
    >>> m = [[100.0, 100.0], [0.0, 50.0]]
    >>> matrix_lifetime_profit(m, 0.8, 0.1)
    array([125.620,  26.446])
    """
    arr = margins if isinstance(margins, np.ndarray) else np.asarray(margins)
    if arr.dtype.kind not in "biuf":
        raise InvalidParameterError(f"'margins' must be numeric; got dtype {arr.dtype}.")
    if arr.ndim != 2:
        raise ShapeMismatchError(f"'margins' must be 2-dimensional; got shape {arr.shape}.")
    n, periods = arr.shape
    if n == 0 or periods == 0:
        raise InvalidParameterError(f"'margins' must not be empty; got shape {arr.shape}.")
    return _path_profit(
        lambda i, j: arr[i:j],
        n,
        periods,
        retention=retention,
        discount_rate=discount_rate,
        timing=timing,
        acquisition_cost=acquisition_cost,
        cost_to_serve=cost_to_serve,
        chunk_size=chunk_size,
        validate_margins=True,
    )


def curve_lifetime_profit(
    level: ArrayLike,
    curve: ArrayLike,
    retention: ArrayLike,
    discount_rate: float,
    *,
    timing: Timing = "end",
    acquisition_cost: ArrayLike = 0.0,
    cost_to_serve: ArrayLike = 0.0,
    chunk_size: int = _DEFAULT_CHUNK,
) -> FloatArray:
    r"""Return the CLP of margin paths ``m_it = level_i * curve_t`` without an n x T matrix.

    Same model and conventions as :func:`matrix_lifetime_profit` with
    ``margins = level[:, None] * curve[None, :]``; the product is only ever formed
    one chunk of rows at a time (and not at all with scalar or per-period
    retention, where ``CLP_i = level_i * (curve . w) - c_i * sum(w) - A_i``).

    Parameters
    ----------
    level
        Margin level per customer, shape ``(n,)``, finite (currency units).
    curve
        Relative margin per period, shape ``(T,)``, finite (e.g. a stage-shaped ramp).
    retention
        As in :func:`matrix_lifetime_profit`.
    discount_rate
        ``d > -1`` per period.
    timing
        ``"end"`` (default), ``"start"`` or ``"end_certain"``.
    acquisition_cost, cost_to_serve
        ``>= 0``, scalar or shape ``(n,)``.
    chunk_size
        Rows per chunk (>= 1).

    Returns
    -------
    numpy.ndarray of float64
        Shape ``(n,)``.

    Raises
    ------
    InvalidParameterError, ShapeMismatchError
        As :func:`matrix_lifetime_profit`.

    Examples
    --------
    >>> curve_lifetime_profit([100.0, 0.0], [1.0, 1.0], 0.8, 0.1)
    array([125.620,   0.   ])
    """
    lv = as_float_array(level, "level", ndim=1, allow_empty=False)
    cv = as_float_array(curve, "curve", ndim=1, allow_empty=False)
    return _path_profit(
        lambda i, j: lv[i:j, None] * cv[None, :],
        lv.size,
        cv.size,
        retention=retention,
        discount_rate=discount_rate,
        timing=timing,
        acquisition_cost=acquisition_cost,
        cost_to_serve=cost_to_serve,
        chunk_size=chunk_size,
        validate_margins=False,
        rank_one=(lv, cv),
    )
