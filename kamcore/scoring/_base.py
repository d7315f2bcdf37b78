"""The scorer protocol, the frozen :class:`ScoreResult` and shared kernel helpers.

A *scorer* turns a :class:`~kamcore.Portfolio` into one score per
account (higher is better), optionally with a grade (an ordered label such as
A/B/C/D) and a class (a role label such as "core" or "potential"). Scorers are
frozen objects whose parameters are fields; they never write into the
portfolio.

Helpers here are shared by the built-in strategies: reading a value column
under a NaN policy, tie-consistent population cut points ("thresholds") and
vectorised classification against them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol, runtime_checkable

import attrs
import numpy as np
from numpy.typing import NDArray

from kamcore._columns import CustomerColumns
from kamcore._params import FloatArray, as_array, as_id_array, fail_where, readonly
from kamcore.domain._coerce import coerce_mapping, coerce_text, shown
from kamcore.errors import InvalidParameterError, SchemaError, ShapeMismatchError

if TYPE_CHECKING:
    from kamcore._portfolio import Portfolio
    from kamcore.scoring._history import Grading

__all__ = [
    "optional_threshold",
    "scorer_params",
    "NAN_POLICIES",
    "NanPolicy",
    "ScoreResult",
    "Scorer",
]

NanPolicy = Literal["raise", "last"]
#: The accepted values of every scorer's ``nan_policy``.
NAN_POLICIES: Final[tuple[str, ...]] = ("raise", "last")

DateLike = dt.date | str | np.datetime64


# --------------------------------------------------------------------------- protocol
@runtime_checkable
class Scorer(Protocol):
    """What kamcore needs from a scoring strategy (structural: no subclassing).

    Attributes
    ----------
    name : str
        The registry name of the strategy (e.g. ``"rubric"``).
    params : Mapping[str, Any]
        The strategy's parameters, recorded in every result.

    Notes
    -----
    ``score(portfolio, *, as_of=None)`` returns a :class:`ScoreResult` with one
    score per account of ``portfolio`` in the same order (higher is better).

    A strategy whose scores or labels depend on the whole population (ranks,
    quantiles, means) may also offer ``freeze(portfolio, *, as_of=None)``: a scorer
    with those population cut points fixed, so that each account is then scored
    on its own (and chunks of a portfolio can be scored separately).
    :func:`kamcore.testing.check_scorer` uses it for its chunk-invariance check.

    Examples
    --------
    >>> from kamcore.scoring import Scorer, get_scorer
    >>> scorer = get_scorer("pareto")
    >>> isinstance(scorer, Scorer), scorer.name
    (True, 'pareto')
    """

    @property
    def name(self) -> str:
        """Registry name of the strategy."""
        ...

    @property
    def params(self) -> Mapping[str, Any]:
        """Parameters of the strategy (recorded in results)."""
        ...

    def score(self, portfolio: Portfolio, *, as_of: DateLike | None = None) -> ScoreResult:
        """Score every account of ``portfolio``."""
        ...


# --------------------------------------------------------------------------- result
def _as_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        raise InvalidParameterError(f"'as_of' must be a date, not a datetime; got {value!r}.")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            raise InvalidParameterError("'as_of' must be a date; got NaT.")
        value = str(value.astype("datetime64[D]"))
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise InvalidParameterError(
                f"'as_of' must be an ISO 8601 date (YYYY-MM-DD); got {value!r}."
            ) from None
    raise InvalidParameterError(
        f"'as_of' must be a date, an ISO string or a datetime64; got {type(value).__name__} "
        f"{value!r}."
    )


def resolve_as_of(value: DateLike | None) -> dt.date:
    """Return the as-of date of a scoring run (today when not given)."""
    d = _as_date(value)
    return dt.date.today() if d is None else d


def _ro(arr: NDArray[Any]) -> NDArray[Any]:
    """Return a read-only copy (a result never aliases the caller's array)."""
    return readonly(np.array(arr, copy=True))


def _freeze_value(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return _ro(value)
    if isinstance(value, Mapping):
        return MappingProxyType({k: _freeze_value(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze_value(v) for v in value)
    return value


def _mapping(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    if value is not None:
        coerce_mapping(value, "params/extras")
    return MappingProxyType({str(k): _freeze_value(v) for k, v in (value or {}).items()})


def _levels(value: Sequence[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidParameterError(f"levels must be a sequence of labels; got {value!r}.")
    out = tuple(value)
    for v in out:
        if not isinstance(v, str) or not v.strip():
            raise InvalidParameterError(f"levels must be non-blank strings; got {v!r}.")
    if len(set(out)) != len(out):
        raise InvalidParameterError(f"levels must be distinct; got {out!r}.")
    return out


def _str_array(value: Any) -> NDArray[np.str_]:
    return as_id_array(value, "ids")


def _float_array(value: Any) -> FloatArray:
    arr = as_array(value, "scores")
    if arr.dtype.kind not in "biuf":
        raise InvalidParameterError(f"'scores' must be real numbers; got dtype {arr.dtype}.")
    arr = arr.astype(np.float64)
    fail_where(arr == np.inf, arr, "scores", "not be +inf (-inf ranks an account last)")
    return arr


@attrs.frozen(eq=False, repr=False)
class ScoreResult(CustomerColumns):
    r"""The frozen outcome of one scoring run.

    Parameters
    ----------
    strategy : str
        Name of the strategy that produced it.
    ids : array of str, shape (N,)
        Account ids, in the order of the scored portfolio.
    scores : array of float64, shape (N,)
        One score per account; higher is better. Never NaN (``-inf`` marks an
        account ranked last because its value was not recorded, when the
        strategy was run with ``nan_policy="last"``).
    grade_codes : array of int, shape (N,), optional
        Index into ``grade_levels`` (0 = best grade).
    grade_levels : sequence of str
        Grade labels, best first (e.g. ``("A", "B", "C", "D")``).
    class_codes : array of int, shape (N,), optional
        Index into ``class_levels``.
    class_levels : sequence of str
        Class labels, in the strategy's documented order (best/most valuable first).
    params : mapping
        The strategy's parameters.
    as_of : datetime.date, optional
        The date the scores refer to.
    extras : mapping
        Strategy-specific arrays and figures (fired signals, Lorenz curve, ...).

    Raises
    ------
    ShapeMismatchError
        Arrays of different lengths or not 1-D.
    InvalidParameterError
        NaN scores, codes outside their levels.

    Examples
    --------
    >>> r = ScoreResult("demo", ["a", "b"], [2.0, 1.0], grade_codes=[0, 1],
    ...                 grade_levels=("A", "B"), as_of="2025-01-01")
    >>> r.grades.tolist(), len(r)
    (['A', 'B'], 2)
    """

    strategy: str
    ids: NDArray[np.str_] = attrs.field(converter=_str_array)
    scores: FloatArray = attrs.field(converter=_float_array)
    grade_codes: NDArray[Any] | None = attrs.field(default=None, kw_only=True)
    grade_levels: tuple[str, ...] = attrs.field(default=(), converter=_levels, kw_only=True)
    class_codes: NDArray[Any] | None = attrs.field(default=None, kw_only=True)
    class_levels: tuple[str, ...] = attrs.field(default=(), converter=_levels, kw_only=True)
    params: Mapping[str, Any] = attrs.field(factory=dict, converter=_mapping, kw_only=True)
    as_of: dt.date | None = attrs.field(default=None, converter=_as_date, kw_only=True)
    extras: Mapping[str, Any] = attrs.field(factory=dict, converter=_mapping, kw_only=True)

    def __attrs_post_init__(self) -> None:
        coerce_text(self.strategy, "strategy")
        if self.ids.ndim != 1 or self.scores.ndim != 1:
            raise ShapeMismatchError(
                f"'ids' and 'scores' must be 1-D; got shapes {self.ids.shape}, {self.scores.shape}."
            )
        n = self.ids.shape[0]
        if self.scores.shape[0] != n:
            raise ShapeMismatchError(
                f"'scores' must have one value per id ({n}); got {self.scores.shape[0]}."
            )
        fail_where(np.isnan(self.scores), self.scores, "scores", "not be NaN")
        object.__setattr__(self, "ids", _ro(self.ids))
        object.__setattr__(self, "scores", _ro(self.scores))
        for field, levels_field in (
            ("grade_codes", "grade_levels"),
            ("class_codes", "class_levels"),
        ):
            codes = getattr(self, field)
            levels: tuple[str, ...] = getattr(self, levels_field)
            if codes is None:
                if levels:
                    raise InvalidParameterError(f"{levels_field!r} given without {field!r}.")
                continue
            arr = np.asarray(codes)
            if arr.dtype.kind not in "iu":
                raise InvalidParameterError(f"{field!r} must be integers; got dtype {arr.dtype}.")
            if arr.shape != (n,):
                raise ShapeMismatchError(f"{field!r} must have shape ({n},); got {arr.shape}.")
            if not levels:
                raise InvalidParameterError(f"{field!r} given without {levels_field!r}.")
            fail_where((arr < 0) | (arr >= len(levels)), arr, field, f"be in [0, {len(levels)})")
            object.__setattr__(self, field, _ro(arr))

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    def columns(self) -> dict[str, NDArray[Any]]:
        """Return the per-account columns: ``scores``, then ``grades`` and ``classes`` if set."""
        cols: dict[str, NDArray[Any]] = {"scores": self.scores}
        if self.grades is not None:
            cols["grades"] = self.grades
        if self.classes is not None:
            cols["classes"] = self.classes
        return cols

    @property
    def grades(self) -> NDArray[np.str_] | None:
        """Grade label of each account, shape (N,), or None."""
        if self.grade_codes is None:
            return None
        out: NDArray[np.str_] = np.asarray(self.grade_levels)[self.grade_codes]
        return out

    @property
    def classes(self) -> NDArray[np.str_] | None:
        """Class label of each account, shape (N,), or None."""
        if self.class_codes is None:
            return None
        out: NDArray[np.str_] = np.asarray(self.class_levels)[self.class_codes]
        return out

    def ranking(self) -> NDArray[np.int64]:
        """Return row positions, best score first (ties keep portfolio order)."""
        return np.argsort(-self.scores, kind="stable").astype(np.int64)

    def to_grading(self) -> Grading:
        """Return the grades as a dated :class:`~kamcore.scoring.Grading`.

        Raises
        ------
        InvalidParameterError
            The result has no grades or no as-of date.
        """
        from kamcore.scoring._history import Grading

        if self.grade_codes is None:
            raise InvalidParameterError(f"strategy {self.strategy!r} produced no grades.")
        if self.as_of is None:
            raise InvalidParameterError("a Grading needs a date; the result has no 'as_of'.")
        grades = self.grades
        assert grades is not None
        return Grading(
            self.as_of, self.ids, grades, levels=self.grade_levels, strategy=self.strategy
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ScoreResult):
            return NotImplemented
        if (
            self.strategy != other.strategy
            or self.as_of != other.as_of
            or self.grade_levels != other.grade_levels
            or self.class_levels != other.class_levels
            or set(self.params) != set(other.params)
            or set(self.extras) != set(other.extras)
            or not np.array_equal(self.ids, other.ids)
            or not np.array_equal(self.scores, other.scores)
        ):
            return False
        for a, b in ((self.grade_codes, other.grade_codes), (self.class_codes, other.class_codes)):
            if a is None or b is None:
                if a is not b:
                    return False
            elif not np.array_equal(a, b):
                return False
        return _same(self.params, other.params) and _same(self.extras, other.extras)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        parts = [f"strategy={self.strategy!r}", f"n={len(self)}", f"as_of={self.as_of}"]
        if self.grade_levels:
            parts.append(f"grades={self.grade_levels}")
        if self.class_levels:
            parts.append(f"classes={self.class_levels}")
        return f"ScoreResult({', '.join(parts)})"


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return bool(
            np.shape(a) == np.shape(b)
            and np.array_equal(a, b, equal_nan=np.asarray(a).dtype.kind == "f")
        )
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return set(a) == set(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return bool(a == b)


# --------------------------------------------------------------------------- helpers
def scorer_params(scorer: Any) -> dict[str, Any]:
    """Return an attrs scorer's fields by name (its ``params``)."""
    return {f.name: getattr(scorer, f.name) for f in attrs.fields(type(scorer))}


def optional_threshold(value: Any, name: str) -> float | None:
    """Return a finite real threshold as float, or None; refuse anything else."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InvalidParameterError(f"{name!r} must be a real number or None; got {value!r}.")
    v = float(value)
    if not math.isfinite(v):
        raise InvalidParameterError(f"{name!r} must be finite; got {value!r}.")
    return v


def check_nan_policy(value: str) -> None:
    """Raise unless ``value`` is ``"raise"`` or ``"last"``."""
    if value not in NAN_POLICIES:
        raise InvalidParameterError(f"'nan_policy' must be 'raise' or 'last'; got {value!r}.")


def check_column_name(value: Any, field: str) -> str:
    """Return ``value`` if it is a non-empty string (a column name)."""
    if not isinstance(value, str) or not value:
        raise InvalidParameterError(
            f"{field!r} must be a column name (non-empty str); got {value!r}."
        )
    return value


def check_portfolio(portfolio: Any) -> None:
    """Refuse anything but a :class:`~kamcore.Portfolio` (the one check every scorer runs)."""
    from kamcore._portfolio import Portfolio

    if not isinstance(portfolio, Portfolio):
        raise InvalidParameterError(
            f"'portfolio' must be a kamcore.Portfolio; got {type(portfolio).__name__} "
            f"{shown(portfolio)}."
        )


def read_values(
    portfolio: Portfolio, name: str, *, nan_policy: str
) -> tuple[FloatArray, NDArray[np.bool_] | None]:
    """Read a numeric column as float64 under a NaN policy.

    Returns
    -------
    values : array of float64, shape (N,)
        The column; NaN where not recorded (only when ``nan_policy="last"``).
    missing : array of bool, shape (N,), or None
        Where the value is not recorded; None when every value is recorded.

    Raises
    ------
    UnknownNameError
        No such column (raised by :meth:`Portfolio.column <kamcore.Portfolio.column>`).
    SchemaError
        The column is not numeric.
    InvalidParameterError
        NaN with ``nan_policy="raise"``.
    """
    check_portfolio(portfolio)
    col = portfolio.column(name)
    if col.dtype.kind not in "biuf":
        raise SchemaError(f"column {name!r} must be numeric; got dtype {col.dtype}.")
    values = col.astype(np.float64, copy=False)
    if col.dtype.kind != "f" or name not in portfolio.nullable:
        # the Portfolio validated its non-nullable columns once: no NaN there
        return values, None
    missing = np.isnan(values)
    if not missing.any():
        return values, None
    if nan_policy == "raise":
        fail_where(
            missing,
            values,
            f"column {name}",
            "be recorded (no NaN); pass nan_policy='last' to rank missing values last",
        )
    return values, missing


def sorted_finite(values: FloatArray, missing: NDArray[np.bool_] | None) -> FloatArray:
    """Return the recorded values sorted ascending (a permutation-free statistic base)."""
    v = values if missing is None else values[~missing]
    return np.sort(v)


def ordered_sum(sorted_values: FloatArray) -> float:
    """Sum of values already sorted: the same float for any order of the input."""
    return float(np.sum(sorted_values))


def suffix_thresholds(
    sorted_values: FloatArray, stat: NDArray[Any], cuts: Sequence[float]
) -> tuple[float, ...]:
    """Lowest value whose statistic is below each cut.

    ``stat`` must be non-increasing along ``sorted_values`` (ascending), so the
    values with ``stat < cut`` form a suffix; the threshold is its first value
    (``+inf`` when the suffix is empty). Classifying with
    :func:`classify_desc` then reproduces the statistic-based classes exactly
    and consistently for ties.
    """
    n = sorted_values.shape[0]
    out = []
    for c in cuts:
        k = n - int(np.count_nonzero(stat < c))
        out.append(float(sorted_values[k]) if k < n else math.inf)
    return tuple(out)


def classify_desc(values: FloatArray, thresholds: Sequence[float]) -> NDArray[np.int8]:
    """Class codes against non-increasing thresholds: code = #{k : value < t_k}.

    Code 0 is the best class (value >= t_0); ``-inf`` lands in the last class.
    """
    codes = np.zeros(values.shape, dtype=np.int8)
    for t in thresholds:
        codes += values < t
    return codes


def grade_codes_for(scores: FloatArray, cutoffs: Sequence[float]) -> NDArray[np.int8]:
    """Grade codes from descending minimum scores: code = #{k : score < cutoff_k}."""
    return classify_desc(scores, cutoffs)


def last_if_missing(values: FloatArray, missing: NDArray[np.bool_] | None) -> FloatArray:
    """Replace not-recorded values by ``-inf`` (ranked last); returns a new array."""
    out = np.array(values, dtype=np.float64, copy=True)
    if missing is not None:
        out[missing] = -math.inf
    return out


def as_threshold_tuple(value: Any, name: str, length: int) -> tuple[float, ...] | None:
    """Validate optional fixed thresholds: ``length`` non-increasing reals (inf allowed)."""
    if value is None:
        return None
    arr = None
    if not isinstance(value, str):
        raw = as_array(value, name)
        arr = raw.astype(np.float64) if raw.dtype.kind in "biuf" else None
    if arr is None or arr.shape != (length,):
        raise InvalidParameterError(f"{name!r} must be {length} numbers; got {value!r}.")
    fail_where(np.isnan(arr), arr, name, "not be NaN")
    fail_where(np.diff(arr) > 0, arr[1:], name, "be non-increasing (best class first)")
    return tuple(float(x) for x in arr)


def as_shares(value: Any, name: str) -> tuple[float, ...]:
    """Validate class shares: >= 2 positive fractions summing to 1 (1e-9)."""
    if isinstance(value, str):
        raise InvalidParameterError(f"{name!r} must be a sequence of fractions; got {value!r}.")
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidParameterError(
            f"{name!r} must be a sequence of fractions; got {value!r}."
        ) from None
    if arr.ndim != 1 or arr.size < 2:
        raise InvalidParameterError(f"{name!r} must hold at least 2 fractions; got {value!r}.")
    fail_where(~np.isfinite(arr) | (arr <= 0), arr, name, "be positive fractions")
    total = float(arr.sum())
    if abs(total - 1.0) > 1e-9:
        raise InvalidParameterError(f"{name!r} must sum to 1; got {total!r} from {value!r}.")
    return tuple(float(x) for x in arr)


def cumulative_cuts(shares: Sequence[float]) -> tuple[float, ...]:
    """Cumulative shares without the final 1, rounded to 12 decimals."""
    c = np.round(np.cumsum(shares)[:-1], 12)
    return tuple(float(x) for x in c)
