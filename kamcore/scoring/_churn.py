r"""Churn-risk early warning from named warning-signal columns (registry ``"churn_risk"``).

Each signal reads one column and *fires* when its value crosses a threshold
(the warning indicators of decline; defaults in :data:`CHURN_SIGNALS`):

==================  ======================  ========  =========================================
signal              default column          fires if  meaning of the column
==================  ======================  ========  =========================================
falling_orders      ``order_volume_change``  <= -0.10  relative change of order volume
longer_cycle        ``order_cycle_change``   >= 0.20   relative change of the order cycle length
falling_sow         ``sow_change``           <= -0.05  change of our share of wallet (fraction)
satisfaction_gap    ``satisfaction_gap``     < 0       perceived minus expected service (PS-ES)
complaints          ``complaints``           >= 1      complaints in the period
late_payment        ``days_late``            >= 30     days the payments are overdue
==================  ======================  ========  =========================================

The risk is the weighted share of fired signals,
:math:`\rho = \sum_s w_s \,[\text{signal } s \text{ fired}] \in [0, 1]`
(equal weights over the signals in use unless given; weights must sum to 1
unless ``normalize=True``). Because scores are "higher is better", the score
is :math:`1 - \rho`; the risk itself is in ``extras["risk"]`` and the fired
signals in ``extras["signals"]`` (bool, shape (N, k)) with
``extras["signal_names"]``. Classes: ``"high"`` when :math:`\rho \ge 0.5`,
``"medium"`` when :math:`\rho \ge 0.25`, else ``"low"`` (configurable).

A signal whose column is absent must be skipped explicitly with
``columns={"signal": None}``; a missing value (NaN) is rejected, or counts as
fired with ``nan_policy="last"``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np

from kamcore._columns import FrozenArrays
from kamcore._params import unknown_column
from kamcore.domain._coerce import coerce_key
from kamcore.errors import InvalidParameterError, UnknownNameError
from kamcore.scoring._base import (
    DateLike,
    ScoreResult,
    check_nan_policy,
    check_portfolio,
    read_values,
    resolve_as_of,
)

if TYPE_CHECKING:
    from kamcore._portfolio import Portfolio

__all__ = ["CHURN_SIGNALS", "ChurnRiskScorer", "RISK_LEVELS"]

#: signal name -> (default column, comparison, default threshold).
CHURN_SIGNALS: Final[Mapping[str, tuple[str, str, float]]] = MappingProxyType(
    {
        "falling_orders": ("order_volume_change", "<=", -0.10),
        "longer_cycle": ("order_cycle_change", ">=", 0.20),
        "falling_sow": ("sow_change", "<=", -0.05),
        "satisfaction_gap": ("satisfaction_gap", "<", 0.0),
        "complaints": ("complaints", ">=", 1.0),
        "late_payment": ("days_late", ">=", 30.0),
    }
)

#: Risk classes, lowest risk (best) first.
RISK_LEVELS: Final[tuple[str, ...]] = ("low", "medium", "high")

_OPS: Final[Mapping[str, Callable[[Any, Any], Any]]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
}
_TOL: Final = 1e-12


def _known(mapping: Mapping[str, Any] | None, field: str) -> dict[str, Any]:
    if mapping is not None and not isinstance(mapping, Mapping):
        raise InvalidParameterError(
            f"{field!r} must be a mapping of signal name -> value; got "
            f"{type(mapping).__name__} {mapping!r}."
        )
    out = dict(mapping or {})
    unknown = sorted(set(out) - set(CHURN_SIGNALS))
    if unknown:
        raise UnknownNameError(
            f"{field!r} names unknown signals {unknown}; known signals: {sorted(CHURN_SIGNALS)}."
        )
    return out


def _real(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InvalidParameterError(f"{name!r} must be a real number; got {value!r}.")
    v = float(value)
    if not np.isfinite(v):
        raise InvalidParameterError(f"{name!r} must be finite; got {value!r}.")
    return v


@attrs.frozen
class ChurnRiskScorer(FrozenArrays):
    """Early-warning churn risk from warning signals (registry name ``"churn_risk"``).

    Parameters
    ----------
    columns : mapping of signal name to column name or None, optional
        Override a signal's column; None skips the signal. Unlisted signals use
        their default column (see :data:`CHURN_SIGNALS`).
    thresholds : mapping of signal name to float, optional
        Override the firing thresholds.
    weights : mapping of signal name to float, optional
        Weight per signal in use (all of them); equal weights when None.
    normalize : bool
        Rescale weights that do not sum to 1.
    risk_cutoffs : (float, float)
        Minimum risk of "medium" and of "high"; default (0.25, 0.5).
    nan_policy : {"raise", "last"}
        NaN: reject, or count the signal as fired.

    Raises
    ------
    UnknownNameError
        Unknown signal names.
    InvalidParameterError
        Bad thresholds or weights, no signal in use.

    Examples
    --------
    >>> from kamcore._portfolio import Portfolio
    >>> p = Portfolio.from_columns(["a", "b"], {
    ...     "order_volume_change": [-0.3, 0.1], "complaints": [2, 0]})
    >>> s = ChurnRiskScorer(columns={"longer_cycle": None, "falling_sow": None,
    ...                              "satisfaction_gap": None, "late_payment": None})
    >>> r = s.score(p, as_of="2025-01-01")
    >>> r.extras["risk"].tolist(), r.classes.tolist(), r.extras["signal_names"]
    ([1.0, 0.0], ['high', 'low'], ('falling_orders', 'complaints'))
    """

    columns: Mapping[str, str | None] = attrs.field(factory=dict, kw_only=True)
    thresholds: Mapping[str, float] = attrs.field(factory=dict, kw_only=True)
    weights: Mapping[str, float] | None = attrs.field(default=None, kw_only=True)
    normalize: bool = attrs.field(default=False, kw_only=True)
    risk_cutoffs: tuple[float, float] = attrs.field(default=(0.25, 0.5), kw_only=True)
    nan_policy: str = attrs.field(default="raise", kw_only=True)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.normalize, bool):
            raise InvalidParameterError(
                f"'normalize' must be True or False; got {self.normalize!r}."
            )
        check_nan_policy(self.nan_policy)
        cols = _known(self.columns, "columns")
        for k, v in cols.items():
            if v is not None and (not isinstance(v, str) or not v):
                raise InvalidParameterError(
                    f"column of signal {k!r} must be a column name or None; got {v!r}."
                )
        thr = {
            k: _real(v, f"threshold of {k}")
            for k, v in _known(self.thresholds, "thresholds").items()
        }
        active = tuple(s for s in CHURN_SIGNALS if cols.get(s, CHURN_SIGNALS[s][0]) is not None)
        if not active:
            raise InvalidParameterError("churn_risk needs at least one signal; all were skipped.")
        if self.weights is None:
            w = {s: 1.0 / len(active) for s in active}
        else:
            given = {
                k: _real(v, f"weight of {k}") for k, v in _known(self.weights, "weights").items()
            }
            skipped = sorted(set(given) - set(active))
            if skipped:
                raise InvalidParameterError(f"'weights' name skipped signals {skipped}.")
            absent = [s for s in active if s not in given]
            if absent:
                raise InvalidParameterError(
                    f"'weights' must give every signal in use; missing {absent}."
                )
            if any(v < 0 for v in given.values()):
                raise InvalidParameterError(f"'weights' must be >= 0; got {given}.")
            total = sum(given.values())
            if self.normalize:
                if total <= 0:
                    raise InvalidParameterError(
                        "'weights' must have a positive sum to be normalised."
                    )
                given = {k: v / total for k, v in given.items()}
            elif abs(total - 1.0) > 1e-9:
                raise InvalidParameterError(
                    f"'weights' must sum to 1; got {total!r} (pass normalize=True to rescale them)."
                )
            w = {s: given[s] for s in active}
        cutoffs = self.risk_cutoffs
        if isinstance(cutoffs, (str, bytes)) or not isinstance(cutoffs, (tuple, list)):
            raise InvalidParameterError(
                f"'risk_cutoffs' must be a pair (medium, high); got {cutoffs!r}."
            )
        if len(cutoffs) != 2:
            raise InvalidParameterError(
                f"'risk_cutoffs' must be a pair (medium, high); got {len(cutoffs)} values."
            )
        lo, hi = (_real(x, "risk_cutoffs") for x in cutoffs)
        if not 0 < lo < hi <= 1:
            raise InvalidParameterError(
                f"'risk_cutoffs' must satisfy 0 < medium < high <= 1; got {self.risk_cutoffs!r}."
            )
        object.__setattr__(self, "columns", MappingProxyType(cols))
        object.__setattr__(self, "thresholds", MappingProxyType(thr))
        object.__setattr__(self, "weights", MappingProxyType(w))
        object.__setattr__(self, "risk_cutoffs", (lo, hi))

    @property
    def name(self) -> str:
        """Registry name: ``"churn_risk"``."""
        return "churn_risk"

    @property
    def signal_names(self) -> tuple[str, ...]:
        """The signals in use, in :data:`CHURN_SIGNALS` order."""
        assert self.weights is not None
        return tuple(self.weights)

    def column_of(self, signal: str) -> str:
        """Return the column read by ``signal`` (in use)."""
        col: str | None = self.columns.get(signal, coerce_key(CHURN_SIGNALS, signal, "signal")[0])
        assert col is not None
        return col

    def threshold_of(self, signal: str) -> float:
        """Return the firing threshold of ``signal``."""
        return float(self.thresholds.get(signal, coerce_key(CHURN_SIGNALS, signal, "signal")[2]))

    @property
    def params(self) -> Mapping[str, Any]:
        """Signals in use with column, rule and weight; risk cut-offs; NaN policy."""
        assert self.weights is not None
        sig = {
            s: {
                "column": self.column_of(s),
                "fires_if": f"{CHURN_SIGNALS[s][1]} {self.threshold_of(s)!r}",
                "weight": self.weights[s],
            }
            for s in self.signal_names
        }
        return {"signals": sig, "risk_cutoffs": self.risk_cutoffs, "nan_policy": self.nan_policy}

    def score(self, portfolio: Portfolio, *, as_of: DateLike | None = None) -> ScoreResult:
        """Evaluate the warning signals of every account of ``portfolio``."""
        check_portfolio(portfolio)
        day = resolve_as_of(as_of)
        assert self.weights is not None
        names = self.signal_names
        for s in names:
            col = self.column_of(s)
            if col not in portfolio:
                raise unknown_column(
                    col,
                    portfolio.column_names,
                    lead=f"signal {s!r} reads column {col!r}, which the portfolio lacks",
                    remedy=(
                        f"Pass columns={{{s!r}: None}} to skip the signal or name another column."
                    ),
                )
        n = len(portfolio)
        fired = np.empty((n, len(names)), dtype=bool, order="F")
        risk = np.zeros(n, dtype=np.float64)
        for j, s in enumerate(names):
            values, missing = read_values(portfolio, self.column_of(s), nan_policy=self.nan_policy)
            hit = _OPS[CHURN_SIGNALS[s][1]](values, self.threshold_of(s))
            if missing is not None:
                hit |= missing
            fired[:, j] = hit
            risk += self.weights[s] * hit
        lo, hi = self.risk_cutoffs
        codes = (risk >= lo - _TOL).astype(np.int8) + (risk >= hi - _TOL)
        return ScoreResult(
            self.name,
            portfolio.ids,
            1.0 - risk,
            class_codes=codes,
            class_levels=RISK_LEVELS,
            params=self.params,
            as_of=day,
            extras={"risk": risk, "signals": fired, "signal_names": names},
        )
