"""Lifecycle stage detection: propose each account's phase from its revenue or profit series.

The KAM model describes four relationship phases by the shape of the volume curve:
*exploration* (first deals, low volume), *formation* (volume rising),
*stability* (volume high and flat) and *decline* (volume falling).
:func:`detect_stages` reads that shape from an accounts x periods matrix, one
numpy pass over all accounts, and attaches the management focus of each
phase (:data:`kamcore.domain.MANAGEMENT_FOCUS`).

Rules
-----
For account i with series x_i1 .. x_iP (oldest first; leading zeros mean "not
yet a customer"):

- history h_i = periods since the first non-zero value;
- the fit window is the last k_i = min(``window``, h_i) periods;
- level L_i = mean of the window, scale A_i = mean of ``|x|`` over the window;
- slope b_i = least-squares slope of x against period number over the window
  (0 when k_i < 2), relative slope r_i = b_i / A_i (0 when A_i = 0);
- peak M_i = the largest value of the whole series.

The stage is the first rule that applies:

1. h_i < ``min_history`` -> EXPLORATION (young or no history);
2. r_i >= ``growth`` -> FORMATION (rising; also a re-developed account);
3. r_i <= -``decline`` -> DECLINE (falling);
4. M_i > 0 and L_i < ``peak_ratio`` x M_i -> DECLINE (flat, but far below its peak);
5. ``min_level`` is set and L_i < ``min_level`` -> EXPLORATION (flat at trial volume);
6. otherwise STABILITY (flat and high).

The detector never proposes ENDED: ending a relationship is a recorded
decision, not a shape of the curve.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Final

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from kamcore._columns import CustomerColumns
from kamcore._params import (
    NONNEGATIVE,
    FloatArray,
    IntArray,
    Interval,
    as_float_array,
    as_float_scalar,
    as_id_array,
    check_fields,
    fail_where,
    readonly,
)
from kamcore.domain._enums import LifecycleStage
from kamcore.domain._transitions import MANAGEMENT_FOCUS, TRANSITIONS
from kamcore.errors import InvalidParameterError, ShapeMismatchError

__all__ = ["DETECTED_STAGES", "StageDetection", "StageRules", "detect_stages"]

#: The stages the detector proposes, in code order (``StageDetection.codes``).
DETECTED_STAGES: Final[tuple[LifecycleStage, ...]] = (
    LifecycleStage.EXPLORATION,
    LifecycleStage.FORMATION,
    LifecycleStage.STABILITY,
    LifecycleStage.DECLINE,
)
_EXPLORATION, _FORMATION, _STABILITY, _DECLINE = range(4)


def _positive_int(name: str) -> Any:
    def check(_: Any, __: attrs.Attribute[Any], value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise InvalidParameterError(f"{name!r} must be a positive integer; got {value!r}.")

    return check


def _real_in(name: str, domain: Interval) -> Any:
    def check(_: Any, __: attrs.Attribute[Any], value: Any) -> None:
        as_float_scalar(value, name, domain=domain)

    return check


def _optional_real(_: Any, __: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        as_float_scalar(value, "min_level")


@attrs.frozen
class StageRules:
    """Thresholds of :func:`detect_stages` (see the module docstring for the rules).

    Parameters
    ----------
    window : int
        Periods in the trend window (>= 2 for a slope to exist).
    min_history : int
        Periods of history below which an account is in exploration.
    growth : float
        Relative slope (fraction of the window's mean ``|value|`` per period)
        at or above which an account is forming, >= 0.
    decline : float
        Relative slope at or below ``-decline`` is decline, >= 0.
    peak_ratio : float
        A flat account whose level is below this fraction of its peak is in
        decline, in [0, 1] (0 switches the rule off).
    min_level : float or None
        A flat account whose level is below this (currency units) is still in
        exploration; ``None`` switches the rule off.

    Examples
    --------
    >>> StageRules(window=6, growth=0.1)
    StageRules(window=6, min_history=3, growth=0.1, decline=0.05, peak_ratio=0.5, min_level=None)
    """

    window: int = attrs.field(default=4, validator=_positive_int("window"))
    min_history: int = attrs.field(default=3, validator=_positive_int("min_history"))
    growth: float = attrs.field(default=0.05, validator=_real_in("growth", NONNEGATIVE))
    decline: float = attrs.field(default=0.05, validator=_real_in("decline", NONNEGATIVE))
    peak_ratio: float = attrs.field(
        default=0.5, validator=_real_in("peak_ratio", Interval(0.0, 1.0))
    )
    min_level: float | None = attrs.field(default=None, validator=_optional_real)


# the five-stage legal-move table as a boolean matrix (staying put is allowed)
_ALL: Final[tuple[LifecycleStage, ...]] = tuple(LifecycleStage)
_LEGAL: Final[NDArray[np.bool_]] = np.array(
    [[a is b or b in TRANSITIONS[a] for b in _ALL] for a in _ALL], dtype=bool
)
_DETECTED_IN_ALL: Final[IntArray] = np.array([_ALL.index(s) for s in DETECTED_STAGES])


@attrs.frozen(eq=False, repr=False)
class StageDetection(CustomerColumns):
    """Proposed lifecycle stage per account; every array has shape (N,).

    Parameters
    ----------
    codes : ndarray of int8
        Index into :data:`DETECTED_STAGES` (0 exploration, 1 formation,
        2 stability, 3 decline).
    levels : ndarray of float64
        Mean value over the fit window (currency units per period).
    slopes : ndarray of float64
        Least-squares slope over the window (currency units per period).
    relative_slopes : ndarray of float64
        ``slopes`` / mean ``|value|`` over the window (per period).
    history : ndarray of int64
        Periods since the first non-zero value.
    peaks : ndarray of float64
        Largest value of each series.
    rules : StageRules
        The thresholds used.
    ids : ndarray or None
        Account ids, when given.
    focus : Mapping[LifecycleStage, str]
        Management focus per stage.

    Examples
    --------
    >>> from kamcore.lifecycle import detect_stages
    >>> d = detect_stages([[10, 20, 40, 80, 120, 150, 160, 165, 160, 150, 120, 90]], ids=["acme"])
    >>> d.ids.tolist(), d.stages.shape
    (['acme'], (1,))
    """

    #: fields whose NaN is a documented "no value" marker
    _NAN_OK: ClassVar[tuple[str, ...]] = ()

    def __attrs_post_init__(self) -> None:
        check_fields(self, nan_ok=self._NAN_OK)

    codes: NDArray[np.int8]
    levels: FloatArray
    slopes: FloatArray
    relative_slopes: FloatArray
    history: IntArray
    peaks: FloatArray
    rules: StageRules
    ids: NDArray[Any] | None = None
    focus: Mapping[LifecycleStage, str] = MANAGEMENT_FOCUS

    def __len__(self) -> int:
        return int(self.codes.shape[0])

    def columns(self) -> dict[str, NDArray[Any]]:
        """Return the per-account columns: ``stage`` (its value as text), then the figures.

        :meth:`to_frame` needs the ``ids`` given to :func:`detect_stages`.
        """
        labels = np.array([s.value for s in DETECTED_STAGES])[self.codes]
        return {
            "stage": labels,
            "level": self.levels,
            "slope": self.slopes,
            "relative_slope": self.relative_slopes,
            "history": self.history,
            "peak": self.peaks,
        }

    @property
    def stages(self) -> NDArray[np.object_]:
        """Stage of each account as :class:`~kamcore.domain.LifecycleStage` (object array)."""
        table = np.empty(len(DETECTED_STAGES), dtype=object)
        table[:] = DETECTED_STAGES
        return table[self.codes]

    @property
    def account_focus(self) -> NDArray[np.str_]:
        """The management focus text of each account's stage, shape (N,)."""
        return np.array([self.focus[s] for s in DETECTED_STAGES])[self.codes]

    def counts(self) -> dict[LifecycleStage, int]:
        """Return the number of accounts in each detected stage (all four listed)."""
        n = np.bincount(self.codes, minlength=len(DETECTED_STAGES))
        return {s: int(n[i]) for i, s in enumerate(DETECTED_STAGES)}

    def legal_from(self, previous: ArrayLike) -> NDArray[np.bool_]:
        """Check each proposed stage against the account's recorded stage.

        Parameters
        ----------
        previous : array-like of LifecycleStage or str, shape (N,)
            The current recorded stage of each account (enum members or their values).

        Returns
        -------
        ndarray of bool, shape (N,)
            True where staying or moving to the proposed stage is legal under
            :data:`kamcore.domain.TRANSITIONS` (e.g. EXPLORATION ->
            STABILITY is not: growth cannot skip formation).

        Raises
        ------
        InvalidParameterError
            Unknown stage names; ShapeMismatchError for a wrong length.
        """
        prev = np.asarray(previous, dtype=object)
        if prev.shape != self.codes.shape:
            raise ShapeMismatchError(
                f"'previous' must have shape {self.codes.shape}; got {prev.shape}."
            )
        names = np.array([s.value for s in _ALL])
        as_text = np.array(
            [p.value if isinstance(p, LifecycleStage) else p for p in prev.tolist()],
            dtype=object,
        )
        known = np.isin(as_text, names)
        fail_where(~known, prev, "previous", f"be a lifecycle stage ({', '.join(names.tolist())})")
        order = np.argsort(names)
        prev_idx = order[np.searchsorted(names[order], as_text.astype(str))]
        return _LEGAL[prev_idx, _DETECTED_IN_ALL[self.codes]]


def _detect_kernel(
    x: FloatArray, rules: StageRules
) -> tuple[NDArray[np.int8], FloatArray, FloatArray, FloatArray, IntArray, FloatArray]:
    """Vectorised detection over an (N, P) matrix; trusts its inputs."""
    N, P = x.shape
    nz = x != 0
    has = nz.any(axis=1)
    first = np.where(has, nz.argmax(axis=1), P)
    history = (P - first).astype(np.int64)
    w = min(rules.window, P)
    k = np.minimum(history, w)
    kf = k.astype(np.float64)
    tail = x[:, P - w :]
    pos = np.arange(w, dtype=np.float64)
    inwin = pos[None, :] >= (w - kf)[:, None]
    safe_k = np.maximum(kf, 1.0)
    level = np.where(inwin, tail, 0.0).sum(axis=1) / safe_k
    scale = np.where(inwin, np.abs(tail), 0.0).sum(axis=1) / safe_k
    xbar = w - (kf + 1.0) / 2.0
    centred = np.where(inwin, pos[None, :] - xbar[:, None], 0.0)
    sxy = (centred * tail).sum(axis=1)
    sxx = kf * (kf * kf - 1.0) / 12.0
    slope = np.divide(sxy, sxx, out=np.zeros(N), where=k >= 2)
    rel = np.divide(slope, scale, out=np.zeros(N), where=scale > 0)
    peak = x.max(axis=1) if P else np.zeros(N)

    code = np.full(N, _STABILITY, dtype=np.int8)
    if rules.min_level is not None:
        code[level < rules.min_level] = _EXPLORATION
    code[(peak > 0) & (level < rules.peak_ratio * peak)] = _DECLINE
    code[rel <= -rules.decline] = _DECLINE
    code[rel >= rules.growth] = _FORMATION
    code[history < rules.min_history] = _EXPLORATION
    return code, level, slope, rel, history, peak


def detect_stages(
    values: ArrayLike,
    *,
    ids: ArrayLike | None = None,
    rules: StageRules | None = None,
) -> StageDetection:
    r"""Propose each account's lifecycle phase from its revenue or profit series.

    Parameters
    ----------
    values : array-like of float, shape (N, P)
        Revenue or profit per account (rows) and period (columns, oldest
        first, equally spaced), e.g. :func:`kamcore.metrics.period_values`
        ``(...).values``. Leading zeros mean the relationship had not started.
    ids : array-like, shape (N,), optional
        Account ids carried into the result.
    rules : StageRules, optional
        Thresholds; ``StageRules()`` by default.

    Returns
    -------
    StageDetection
        Codes, stages, levels, slopes and the management focus per stage.
        Rows are independent: permuting accounts permutes the result.

    Raises
    ------
    InvalidParameterError
        NaN or infinite values, no accounts, no periods.
    ShapeMismatchError
        ``values`` not 2-D, or ``ids`` of the wrong length.

    Notes
    -----
    Over the last k periods with positions :math:`t` and values :math:`x_t`,
    the slope is :math:`\sum (t - \bar t) x_t / \sum (t - \bar t)^2` and the
    relative slope divides it by :math:`\frac1k \sum |x_t|`; 0.05 means the
    series moves by 5 % of its typical size per period.

    Examples
    --------
    >>> d = detect_stages(
    ...     [[0, 0, 0, 0, 0, 5],        # first deal last period
    ...      [10, 20, 30, 40, 50, 60],  # rising
    ...      [50, 52, 49, 51, 50, 50],  # high and flat
    ...      [60, 55, 45, 30, 20, 10]], # falling
    ...     ids=["new", "up", "flat", "down"],
    ... )
    >>> [s.value for s in d.stages]
    ['exploration', 'formation', 'stability', 'decline']
    >>> str(d.account_focus[3])
    'retention and win-back: warning signs, churn causes, retention plan by grade, evaluation'
    """
    rules = StageRules() if rules is None else rules
    if not isinstance(rules, StageRules):
        raise InvalidParameterError(f"'rules' must be a StageRules; got {type(rules).__name__}.")
    x = as_float_array(values, "values", ndim=2)
    if x.shape[0] == 0 or x.shape[1] == 0:
        raise InvalidParameterError(
            f"'values' must have at least one account and one period; got shape {x.shape}."
        )
    id_arr = None
    if ids is not None:
        id_arr = as_id_array(ids, "ids")
        if id_arr.shape != (x.shape[0],):
            raise ShapeMismatchError(
                f"'ids' must have shape ({x.shape[0]},) to match 'values'; got {id_arr.shape}."
            )
        id_arr = readonly(id_arr)
    code, level, slope, rel, history, peak = _detect_kernel(x, rules)
    return StageDetection(
        codes=readonly(code),
        levels=readonly(level),
        slopes=readonly(slope),
        relative_slopes=readonly(rel),
        history=readonly(history),
        peaks=readonly(np.asarray(peak, dtype=np.float64)),
        rules=rules,
        ids=id_arr,
    )
