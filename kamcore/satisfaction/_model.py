"""The SERVQUAL model: gaps per item, dimension and overall; per respondent and customer.

Notation: N respondents, K items, D dimensions, M customers. For the SERVQUAL
variant the item score is the gap ``g_ij = P_ij - E_ij`` (scale points, after
reverse scoring); the zone-of-tolerance variant uses ``MSA = P - adequate``
and ``MSS = P - desired``; SERVPERF uses ``P`` alone. Then

- respondent dimension score ``g_id = mean of g_ij over the answered items j
  of dimension d`` (missing when none is answered);
- respondent overall ``mean_d g_id`` and weighted ``sum_d w_id g_id`` (missing
  unless every dimension is present: :attr:`SatisfactionResult.respondent_complete`);
- survey dimension score ``G_d = mean of g_id over the respondents who answered d``;
- survey overall (unweighted SERVQUAL) ``mean_d G_d``;
- survey weighted SERVQUAL ``sum_d W_d G_d`` for dimension-level weights, or,
  with per-respondent importance points, the mean of the respondents'
  weighted scores (Zeithaml, Parasuraman & Berry 1990, steps 3-5);
- per customer: the same formulas over that customer's respondents.

Weights (``SatisfactionModel(weights=...)``): ``"equal"`` (1/D each, the
default); a mapping dimension -> points or a sequence of D points (normalised
to sum 1); ``"points"``: each respondent's importance points normalised per
respondent (``w_id = points_id / sum_d points_id``); ``"regression"``: the
slopes of an ordinary least-squares fit of the overall rating on the D
respondent dimension scores (with intercept), normalised; ``"correlation"``:
Pearson correlations of each dimension score with the overall rating,
normalised. Derived weights must come out >= 0 with a positive total;
otherwise the model raises instead of clipping (pass weights explicitly). The
one exception is rounding noise: a derived coefficient whose size is at most
``ZERO_TOLERANCE`` (1e-10) times the largest coefficient's size is a zero
that least squares returned as, say, ``-3e-17``; it is set to exactly 0 (the
dimension then weighs nothing). Anything more negative is refused.

Missing values: in arrays a missing figure is NaN and always comes with a
count or mask next to it (``*_count``, ``respondent_complete``); in scalars
and summaries it is ``None``. A missing answer never counts as zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Final

import attrs
import numpy as np
from numpy.typing import NDArray

from kamcore._columns import CustomerColumns
from kamcore._params import FloatArray, IntArray, as_array, check_fields, readonly
from kamcore._portfolio import Portfolio
from kamcore.domain._coerce import coerce_text
from kamcore.domain._customer import FrozenMap
from kamcore.domain._satisfaction_summary import SatisfactionSummary
from kamcore.errors import InvalidParameterError, UnknownNameError
from kamcore.satisfaction._instrument import Instrument
from kamcore.satisfaction._ipa import ImportancePerformance, importance_performance
from kamcore.satisfaction._responses import SurveyResponses

__all__ = [
    "SatisfactionModel",
    "SatisfactionResult",
    "WeightDerivation",
    "ZoneOfToleranceResult",
]

_NAMED: Final = ("equal", "points", "regression", "correlation")

#: Derived coefficients within this share of the largest one (in size) are
#: rounding noise around zero and become exactly 0.
ZERO_TOLERANCE: Final = 1e-10


def _zero_noise(raw: FloatArray) -> FloatArray:
    """Set coefficients with ``|c| <= ZERO_TOLERANCE * max|c|`` to exactly 0."""
    scale = float(np.abs(raw).max()) if raw.size else 0.0
    return np.where(np.abs(raw) <= ZERO_TOLERANCE * scale, 0.0, raw)


# ---------------------------------------------------------------------- kernels


def _item_scores(responses: SurveyResponses, minuend: str, subtrahend: str | None) -> FloatArray:
    """(N, K) item scores, reverse scoring applied per column; NaN where either side is missing."""
    inst = responses.instrument
    p = responses.section(minuend)
    rev_p = set(inst.reversed_columns(minuend).tolist())
    s = 0.0 if inst.scale is None else inst.scale.low + inst.scale.high
    if subtrahend is None:
        out = np.array(p)
        cols = sorted(rev_p)
        if cols:
            out[:, cols] = s - p[:, cols]
        return out
    e = responses.section(subtrahend)
    rev_e = set(inst.reversed_columns(subtrahend).tolist())
    out = np.subtract(p, e)
    for j in sorted(rev_p | rev_e):  # a handful of columns
        pj = s - p[:, j] if j in rev_p else p[:, j]
        ej = s - e[:, j] if j in rev_e else e[:, j]
        out[:, j] = pj - ej
    return out


def _divide(sums: FloatArray, counts: FloatArray) -> FloatArray:
    """Divide ``sums / counts``, NaN (missing) where ``counts == 0``."""
    out = np.full(sums.shape, np.nan)
    np.divide(sums, counts, out=out, where=counts > 0)
    return out


def _group_mean(values: FloatArray, codes: IntArray, m: int) -> tuple[FloatArray, FloatArray]:
    """Mean of the non-NaN ``values`` per group code, and their count (as float)."""
    valid = ~np.isnan(values)
    sums = np.bincount(codes, weights=np.where(valid, values, 0.0), minlength=m)
    counts = np.bincount(codes, weights=valid, minlength=m)
    sums_f: FloatArray = sums.astype(np.float64)
    counts_f: FloatArray = counts.astype(np.float64)
    return _divide(sums_f, counts_f), counts_f


def _normalise(raw: Sequence[float], dims: tuple[str, ...], what: str) -> FloatArray:
    w = np.asarray(raw, dtype=np.float64)
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise InvalidParameterError(
            f"{what} must be finite and >= 0 for every dimension; got {float(w[j])!r} for "
            f"{dims[j]!r}."
        )
    total = float(w.sum())
    if not total > 0:
        raise InvalidParameterError(f"{what} must have a positive total; got {total!r}.")
    return w / total


@attrs.frozen
class WeightDerivation:
    """How data-derived dimension weights were obtained.

    Parameters
    ----------
    method : str
        ``"regression"`` or ``"correlation"``.
    coefficients : tuple of float
        Slopes or correlations per dimension (before normalising), with
        rounding noise around zero set to exactly 0 (see ``ZERO_TOLERANCE``).
    r_squared : float
        Share of the overall rating's variance explained (the fit's R^2; for
        ``"correlation"``, that of the same OLS fit, for reference).
    n_used : int
        Respondents used: every dimension present and an overall rating given.

    Examples
    --------
    >>> import numpy as np
    >>> from kamcore.satisfaction import Instrument, SatisfactionModel, SurveyResponses
    >>> inst = Instrument(["a", "b"], ["x", "y"], dimensions=["x", "y"])
    >>> rng = np.random.default_rng(0)
    >>> gaps = rng.integers(-3, 1, size=(40, 2)).astype(float)
    >>> overall = 5 + gaps @ [1.0, 0.5] + rng.normal(0, 0.3, 40)
    >>> r = SurveyResponses(inst, ["C"] * 40, 5 + gaps, expectation=np.full((40, 2), 5.0),
    ...                     overall=overall)
    >>> d = SatisfactionModel(weights="regression").evaluate(r).derivation
    >>> d.method, d.n_used, [round(c, 1) for c in d.coefficients]
    ('regression', 40, [1.0, 0.5])
    """

    #: fields whose NaN is a documented "no value" marker
    _NAN_OK: ClassVar[tuple[str, ...]] = ()

    def __attrs_post_init__(self) -> None:
        check_fields(self, nan_ok=self._NAN_OK)

    method: str
    coefficients: tuple[float, ...]
    r_squared: float
    n_used: int


def _derive(
    method: str, dims: tuple[str, ...], scores: FloatArray, overall: FloatArray
) -> tuple[FloatArray, WeightDerivation]:
    rows = ~np.isnan(scores).any(axis=1) & ~np.isnan(overall)
    x, y = scores[rows], overall[rows]
    d = len(dims)
    n = int(x.shape[0])
    if n < d + 2:
        raise InvalidParameterError(
            f"weights={method!r} needs at least {d + 2} respondents with every dimension and an "
            f"overall rating; got {n}."
        )
    design = np.column_stack([np.ones(n), x])
    coef, _, rank, _ = np.linalg.lstsq(design, y, rcond=None)
    if rank < d + 1:
        raise InvalidParameterError(
            f"weights={method!r}: the dimension scores are collinear (rank {int(rank)} < {d + 1}); "
            "give the weights explicitly."
        )
    resid = y - design @ coef
    yc = y - y.mean()
    sst = float(yc @ yc)
    if not sst > 0:
        raise InvalidParameterError(
            f"weights={method!r}: the overall rating does not vary across the {n} respondents used."
        )
    r2 = 1.0 - float(resid @ resid) / sst
    if method == "regression":
        raw = coef[1:]
    else:
        xc = x - x.mean(axis=0)
        sx = np.sqrt((xc * xc).sum(axis=0))
        flat = np.flatnonzero(sx == 0)
        if flat.size:
            raise InvalidParameterError(
                f"weights='correlation': dimension {dims[int(flat[0])]!r} does not vary."
            )
        raw = (xc.T @ yc) / (sx * np.sqrt(sst))
    raw = _zero_noise(np.asarray(raw, dtype=np.float64))
    neg = np.flatnonzero(raw < 0)
    if neg.size:
        j = int(neg[0])
        raise InvalidParameterError(
            f"weights={method!r} derived a negative importance for dimension {dims[j]!r} "
            f"({float(raw[j])!r}); weights must be >= 0, so give them explicitly."
        )
    w = _normalise(raw.tolist(), dims, f"weights={method!r}")
    return w, WeightDerivation(method, tuple(float(c) for c in raw), r2, n)


# ---------------------------------------------------------------------- results
def _instrument_repr(instrument: Instrument) -> str:
    return f"<Instrument: {instrument.n_items} items, {instrument.n_dimensions} dimensions>"


@attrs.frozen(eq=False)
class SatisfactionResult(CustomerColumns):
    """Gap scores of one variant: per item, dimension and overall; per respondent and customer.

    Arrays are read-only; NaN marks a missing figure and always sits next to a
    count or mask that says so. Shapes: N respondents, K items, D dimensions,
    M customers (sorted ids).

    Parameters
    ----------
    variant : str
        ``"servqual"`` (P - E), ``"msa"`` (P - adequate), ``"mss"`` (P -
        desired) or ``"servperf"`` (P).
    instrument : Instrument
        The survey's instrument.
    item_scores : ndarray (N, K)
        Per respondent and item (NaN = not answered on either side).
    item_mean : ndarray (K,)
        Mean over answering respondents.
    item_count : ndarray of int (K,)
        Respondents answering each item.
    respondent_dimension : ndarray (N, D)
        Mean of each respondent's answered items per dimension.
    respondent_dimension_count : ndarray of int (N, D)
        Items answered per respondent and dimension.
    respondent_complete : ndarray of bool (N,)
        True when the respondent has every dimension.
    respondent_overall, respondent_weighted : ndarray (N,)
        Unweighted mean of the dimension scores and weighted sum; NaN unless
        complete (and, for ``"points"``, points given).
    respondent_weights : ndarray (N, D)
        Normalised weights used per respondent (NaN rows when no points).
    respondent_has_weights : ndarray of bool (N,)
        Whether the respondent gave importance points (``"points"``).
    dimension : ndarray (D,)
        Survey dimension scores.
    dimension_count : ndarray of int (D,)
        Respondents behind each dimension score.
    dimension_weights : ndarray (D,)
        Survey-level normalised weights (sum 1); for ``"points"`` the mean of
        the respondents' normalised weights.
    weight_source : str
        ``"equal"``, ``"given"``, ``"points"``, ``"regression"`` or ``"correlation"``.
    derivation : WeightDerivation or None
        For data-derived weights.
    overall, weighted_overall : float or None
        Survey-level unweighted and weighted overall scores; None when a
        dimension has no score.
    customer_ids : ndarray of str (M,)
        Sorted unique customer ids.
    customer_respondents : ndarray of int (M,)
        Respondents per customer.
    customer_dimension : ndarray (M, D)
        Per-customer dimension scores.
    customer_dimension_count : ndarray of int (M, D)
        Respondents behind each per-customer dimension score.
    customer_overall, customer_weighted : ndarray (M,)
        Per-customer unweighted and weighted overall (NaN when missing).
    customer_weighted_count : ndarray of int (M,)
        Respondents behind the weighted score for ``"points"``, else the
        customer's respondent count when present.
    as_of : datetime.date or None
        The survey date.

    Examples
    --------
    >>> from kamcore.satisfaction import Instrument, SatisfactionModel, SurveyResponses
    >>> inst = Instrument(["a", "b", "c"], ["x", "x", "y"], dimensions=["x", "y"])
    >>> r = SurveyResponses(inst, ["C1", "C2"], perception=[[5, 6, 4], [7, 7, 3]],
    ...                     expectation=[[6, 6, 6], [6, 6, 6]])
    >>> res = SatisfactionModel().evaluate(r)
    >>> res.variant, res.dimension.tolist(), res.customer_ids.tolist()
    ('servqual', [0.25, -2.5], ['C1', 'C2'])
    """

    #: fields whose NaN is a documented "no value" marker
    _NAN_OK: ClassVar[tuple[str, ...]] = (
        "item_scores",
        "item_mean",
        "respondent_dimension",
        "respondent_overall",
        "respondent_weighted",
        "dimension",
        "customer_dimension",
        "customer_overall",
        "customer_weighted",
    )

    def __attrs_post_init__(self) -> None:
        check_fields(self, nan_ok=self._NAN_OK)

    variant: str
    instrument: Instrument = attrs.field(repr=_instrument_repr)
    item_scores: FloatArray = attrs.field(repr=False)
    item_mean: FloatArray = attrs.field(repr=False)
    item_count: IntArray = attrs.field(repr=False)
    respondent_dimension: FloatArray = attrs.field(repr=False)
    respondent_dimension_count: IntArray = attrs.field(repr=False)
    respondent_complete: NDArray[np.bool_] = attrs.field(repr=False)
    respondent_overall: FloatArray = attrs.field(repr=False)
    respondent_weighted: FloatArray = attrs.field(repr=False)
    respondent_weights: FloatArray = attrs.field(repr=False)
    respondent_has_weights: NDArray[np.bool_] = attrs.field(repr=False)
    dimension: FloatArray = attrs.field(repr=False)
    dimension_count: IntArray = attrs.field(repr=False)
    dimension_weights: FloatArray = attrs.field(repr=False)
    weight_source: str
    derivation: WeightDerivation | None
    overall: float | None
    weighted_overall: float | None
    customer_ids: NDArray[np.str_] = attrs.field(repr=False)
    customer_respondents: IntArray = attrs.field(repr=False)
    customer_dimension: FloatArray = attrs.field(repr=False)
    customer_dimension_count: IntArray = attrs.field(repr=False)
    customer_overall: FloatArray = attrs.field(repr=False)
    customer_weighted: FloatArray = attrs.field(repr=False)
    customer_weighted_count: IntArray = attrs.field(repr=False)
    as_of: dt.date | None = None

    # ------------------------------------------------------------ views
    @property
    def ids(self) -> NDArray[np.str_]:
        """Customer ids, shape (M,): :attr:`customer_ids` (the customer level)."""
        return self.customer_ids

    def columns(self) -> dict[str, NDArray[Any]]:
        """Return the customer-level columns, shape (M,) each, keyed by :attr:`ids`.

        ``respondents``, ``overall``, ``weighted``, ``weighted_count``, then
        ``dimension.<name>`` and ``dimension_count.<name>`` for every dimension.
        """
        cols: dict[str, NDArray[Any]] = {
            "respondents": self.customer_respondents,
            "overall": self.customer_overall,
            "weighted": self.customer_weighted,
            "weighted_count": self.customer_weighted_count,
        }
        for j, name in enumerate(self.instrument.dimensions):
            cols[f"dimension.{name}"] = self.customer_dimension[:, j]
        for j, name in enumerate(self.instrument.dimensions):
            cols[f"dimension_count.{name}"] = self.customer_dimension_count[:, j]
        return cols

    def dimension_scores(self) -> dict[str, float | None]:
        """Survey score per dimension name (``None`` = nobody answered it)."""
        return {
            name: (None if c == 0 else float(v))
            for name, v, c in zip(
                self.instrument.dimensions, self.dimension, self.dimension_count, strict=True
            )
        }

    def item_scores_by_name(self) -> dict[str, float | None]:
        """Mean score per item name (``None`` = nobody answered it)."""
        return {
            name: (None if c == 0 else float(v))
            for name, v, c in zip(
                self.instrument.items, self.item_mean, self.item_count, strict=True
            )
        }

    def _customer_index(self, customer_id: str) -> int:
        coerce_text(customer_id, "customer_id")
        i = int(np.searchsorted(self.customer_ids, customer_id))
        if i >= self.customer_ids.size or self.customer_ids[i] != customer_id:
            raise UnknownNameError(f"customer {customer_id!r} has no respondents in this survey.")
        return i

    def _as_of(self, as_of: dt.date | None) -> dt.date:
        day = as_of if as_of is not None else self.as_of
        if day is None:
            raise InvalidParameterError(
                "'as_of' is needed for a SatisfactionSummary: pass as_of=... or give the "
                "survey an as_of date."
            )
        return day

    def summary(self, customer_id: str, *, as_of: dt.date | None = None) -> SatisfactionSummary:
        """Return one customer's :class:`SatisfactionSummary` (missing figures are ``None``)."""
        return self._summary(self._customer_index(customer_id), self._as_of(as_of))

    def _summary(self, i: int, day: dt.date) -> SatisfactionSummary:
        dims = self.instrument.dimensions
        cdim, ccount = self.customer_dimension[i], self.customer_dimension_count[i]
        gaps = FrozenMap(
            {name: (None if ccount[d] == 0 else float(cdim[d])) for d, name in enumerate(dims)}
        )
        ov = float(self.customer_overall[i])
        wv = float(self.customer_weighted[i])
        return SatisfactionSummary(
            customer_id=str(self.customer_ids[i]),
            as_of=day,
            overall_gap=None if np.isnan(ov) else ov,
            weighted_gap=None if np.isnan(wv) else wv,
            dimension_gaps=gaps,
            respondents=int(self.customer_respondents[i]),
            variant=self.variant,
        )

    def summaries(self, *, as_of: dt.date | None = None) -> tuple[SatisfactionSummary, ...]:
        """One :class:`SatisfactionSummary` per customer, in ``customer_ids`` order."""
        day = self._as_of(as_of)
        return tuple(self._summary(i, day) for i in range(self.customer_ids.size))

    def customer_columns(self, *, prefix: str | None = None) -> dict[str, NDArray[Any]]:
        """Per-customer columns ready to join into a Portfolio.

        Keys (``p`` = ``prefix``, default the variant name): ``"customer_id"``,
        ``f"{p}_gap"``, ``f"{p}_weighted_gap"``, ``f"{p}_gap_{dimension}"`` for
        every dimension (NaN = missing), ``f"{p}_respondents"`` and
        ``f"{p}_respondents_{dimension}"`` (int counts behind each figure).
        """
        p = self.variant if prefix is None else prefix
        cols: dict[str, NDArray[Any]] = {
            "customer_id": self.customer_ids,
            f"{p}_gap": self.customer_overall,
            f"{p}_weighted_gap": self.customer_weighted,
            f"{p}_respondents": self.customer_respondents,
        }
        for d, name in enumerate(self.instrument.dimensions):
            cols[f"{p}_gap_{name}"] = self.customer_dimension[:, d]
            cols[f"{p}_respondents_{name}"] = self.customer_dimension_count[:, d]
        return cols

    def join(self, portfolio: Portfolio, *, prefix: str | None = None) -> Portfolio:
        """Return ``portfolio`` with the per-customer columns added, aligned on its ids.

        Customers of the portfolio without respondents get NaN scores and 0
        counts (the score columns are declared nullable).

        Raises
        ------
        UnknownNameError
            When respondents belong to customers that are not in the portfolio
            (they are never dropped quietly).
        """
        if not isinstance(portfolio, Portfolio):
            raise InvalidParameterError(
                f"'portfolio' must be a Portfolio; got {type(portfolio).__name__}."
            )
        ids = portfolio.ids
        cols = self.customer_columns(prefix=prefix)
        del cols["customer_id"]
        m = self.customer_ids.size
        pos = np.searchsorted(self.customer_ids, ids)
        pos_c = np.minimum(pos, max(m - 1, 0))
        found = (pos < m) & (self.customer_ids[pos_c] == ids) if m else np.zeros(ids.size, bool)
        present = np.zeros(m, dtype=bool)
        present[pos_c[found]] = True
        if not present.all():
            missing = self.customer_ids[~present]
            raise UnknownNameError(
                f"{missing.size} surveyed customer(s) are not in the portfolio (first: "
                f"{str(missing[0])!r})."
            )
        out: dict[str, NDArray[Any]] = {}
        nullable = []
        for name, col in cols.items():
            if col.dtype.kind == "f":
                full = np.full(ids.size, np.nan)
                nullable.append(name)
            else:
                full = np.zeros(ids.size, dtype=col.dtype)
            full[found] = col[pos_c[found]]
            out[name] = full
        return portfolio.with_columns(out, nullable=nullable)

    def importance_performance(
        self,
        *,
        importance_split: float | None = None,
        performance_split: float | None = None,
    ) -> ImportancePerformance:
        """Importance-performance grid of the dimensions.

        Importance = :attr:`dimension_weights`, performance = :attr:`dimension`
        (the gap, or the perception mean for SERVPERF); splits default to the
        means over dimensions.

        Raises
        ------
        InvalidParameterError
            When a dimension has no score.
        """
        empty = np.flatnonzero(self.dimension_count == 0)
        if empty.size:
            raise InvalidParameterError(
                f"importance-performance needs every dimension; "
                f"{self.instrument.dimensions[int(empty[0])]!r} has no answers."
            )
        return importance_performance(
            self.dimension_weights,
            self.dimension,
            names=self.instrument.dimensions,
            importance_split=importance_split,
            performance_split=performance_split,
        )


@attrs.frozen(eq=False)
class ZoneOfToleranceResult:
    """Zone-of-tolerance scores (Parasuraman, Zeithaml & Berry 1994).

    Parameters
    ----------
    adequacy : SatisfactionResult
        Measure of service adequacy, MSA = P - adequate (>= 0: inside or above
        the zone).
    superiority : SatisfactionResult
        Measure of service superiority, MSS = P - desired (>= 0: at or above
        the desired level).

    Examples
    --------
    >>> from kamcore.satisfaction import Instrument, SatisfactionModel, SurveyResponses
    >>> inst = Instrument(["a", "b"], ["x", "y"], dimensions=["x", "y"])
    >>> r = SurveyResponses(inst, ["C1", "C2"], [[5, 6], [4, 7]], adequate=[[4, 4], [4, 4]],
    ...                     desired=[[6, 6], [6, 6]])
    >>> z = SatisfactionModel().evaluate_zone(r)
    >>> z.adequacy.dimension.tolist(), z.superiority.dimension.tolist()
    ([0.5, 2.5], [-1.5, 0.5])
    """

    #: fields whose NaN is a documented "no value" marker
    _NAN_OK: ClassVar[tuple[str, ...]] = ()

    def __attrs_post_init__(self) -> None:
        check_fields(self, nan_ok=self._NAN_OK)

    adequacy: SatisfactionResult
    superiority: SatisfactionResult

    @property
    def dimension_zone(self) -> FloatArray:
        """Width of the zone per dimension, ``MSA - MSS`` = desired - adequate, shape (D,)."""
        return self.adequacy.dimension - self.superiority.dimension

    def dimension_position(self) -> dict[str, str | None]:
        """Where the perceived service of each dimension sits.

        ``"below"`` (MSA < 0), ``"within"`` (MSA >= 0 and MSS < 0) or
        ``"above"`` (MSS >= 0) the zone; ``None`` when missing.
        """
        out: dict[str, str | None] = {}
        a, s = self.adequacy, self.superiority
        for d, name in enumerate(a.instrument.dimensions):
            if a.dimension_count[d] == 0 or s.dimension_count[d] == 0:
                out[name] = None
            elif a.dimension[d] < 0:
                out[name] = "below"
            elif s.dimension[d] < 0:
                out[name] = "within"
            else:
                out[name] = "above"
        return out


# ---------------------------------------------------------------------- model
def _convert_weights(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return FrozenMap(value)
    if isinstance(value, (list, tuple, np.ndarray)):
        return tuple(as_array(value, "weights").tolist())
    return value


def _check_weights(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    del instance
    if isinstance(value, str):
        if value not in _NAMED:
            raise InvalidParameterError(
                f"{attribute.name!r} must be one of {', '.join(map(repr, _NAMED))}, a mapping "
                f"dimension -> points or a sequence of points; got {value!r}."
            )
        return
    if isinstance(value, FrozenMap):
        names, vals = list(value.keys()), list(value.values())
    elif isinstance(value, tuple):
        names, vals = [str(i) for i in range(len(value))], list(value)
    else:
        raise InvalidParameterError(
            f"{attribute.name!r} must be a name, a mapping dimension -> points or a sequence of "
            f"points; got {value!r}."
        )
    for n, v in zip(names, vals, strict=True):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not np.isfinite(v) or v < 0:
            raise InvalidParameterError(
                f"{attribute.name!r} must give a finite number >= 0 per dimension; got {v!r} "
                f"for {n!r}."
            )
    if not sum(vals) > 0:
        raise InvalidParameterError(f"{attribute.name!r} must have a positive total; got {vals!r}.")


@attrs.frozen
class SatisfactionModel:
    """SERVQUAL gap model (PS - ES) with optional importance weights.

    Parameters
    ----------
    weights : str, mapping or sequence
        ``"equal"`` (default, 1/D each), ``"points"`` (the respondents'
        importance points, normalised per respondent), ``"regression"`` or
        ``"correlation"`` (derived from the overall rating, see the module
        docs), a mapping dimension -> points (every dimension, normalised) or a
        sequence of D points in instrument order.

    Examples
    --------
    >>> import numpy as np
    >>> from kamcore.satisfaction import Instrument, SurveyResponses
    >>> inst = Instrument(["a", "b", "c"], ["x", "x", "y"], dimensions=["x", "y"])
    >>> r = SurveyResponses(inst, ["C1", "C1", "C2"],
    ...                     perception=[[5, 6, 4], [4, np.nan, 6], [7, 7, 3]],
    ...                     expectation=[[6, 6, 6], [6, 6, 6], [6, 6, 6]])
    >>> res = SatisfactionModel(weights={"x": 75, "y": 25}).evaluate(r)
    >>> res.dimension_scores()
    {'x': -0.5, 'y': -1.6666666666666667}
    >>> round(res.overall, 4), round(res.weighted_overall, 4)
    (-1.0833, -0.7917)
    >>> res.customer_ids.tolist(), res.customer_overall.tolist()
    (['C1', 'C2'], [-1.125, -1.0])
    """

    weights: str | FrozenMap[str, float] | tuple[float, ...] = attrs.field(
        default="equal", converter=_convert_weights, validator=_check_weights
    )

    # ------------------------------------------------------------ public
    def evaluate(self, responses: SurveyResponses) -> SatisfactionResult:
        """SERVQUAL: gaps ``P - E`` per item, dimension and overall.

        Raises
        ------
        InvalidParameterError
            The survey has no expectation scores; weights that do not fit the
            instrument or cannot be derived.
        """
        codes, ids = self._codes(responses)
        return self._run(responses, ("perception", "expectation"), "servqual", (codes, ids))

    def evaluate_servperf(self, responses: SurveyResponses) -> SatisfactionResult:
        """SERVPERF (Cronin & Taylor 1992): perception scores only, same aggregation."""
        codes, ids = self._codes(responses)
        return self._run(responses, ("perception", None), "servperf", (codes, ids))

    def evaluate_zone(self, responses: SurveyResponses) -> ZoneOfToleranceResult:
        """Zone of tolerance: MSA = P - adequate and MSS = P - desired.

        Raises
        ------
        InvalidParameterError
            The survey lacks adequate or desired scores.
        """
        codes, ids = self._codes(responses)
        responses.section("adequate")
        responses.section("desired")
        return ZoneOfToleranceResult(
            adequacy=self._run(responses, ("perception", "adequate"), "msa", (codes, ids)),
            superiority=self._run(responses, ("perception", "desired"), "mss", (codes, ids)),
        )

    # ------------------------------------------------------------ internals
    @staticmethod
    def _codes(responses: SurveyResponses) -> tuple[IntArray, NDArray[np.str_]]:
        if not isinstance(responses, SurveyResponses):
            raise InvalidParameterError(
                f"'responses' must be a SurveyResponses; got {type(responses).__name__}."
            )
        ids, codes = np.unique(responses.customer_ids, return_inverse=True)
        ids = readonly(ids)
        return codes.astype(np.int64).reshape(-1), ids

    def _fixed_weights(self, inst: Instrument) -> FloatArray | None:
        dims = inst.dimensions
        w = self.weights
        if isinstance(w, str):
            return np.full(len(dims), 1.0 / len(dims)) if w == "equal" else None
        if isinstance(w, FrozenMap):
            unknown = [k for k in w if k not in dims]
            if unknown:
                raise UnknownNameError(
                    f"'weights' names unknown dimension {unknown[0]!r}; declared: "
                    f"{', '.join(dims)}."
                )
            absent = [d for d in dims if d not in w]
            if absent:
                raise InvalidParameterError(
                    f"'weights' must give every dimension; {absent[0]!r} is missing."
                )
            return _normalise([float(w[d]) for d in dims], dims, "'weights'")
        if len(w) != len(dims):
            raise InvalidParameterError(
                f"'weights' must have one value per dimension ({len(dims)}); got {len(w)}."
            )
        return _normalise([float(v) for v in w], dims, "'weights'")

    def _run(
        self,
        responses: SurveyResponses,
        sections: tuple[str, str | None],
        variant: str,
        groups: tuple[IntArray, NDArray[np.str_]],
    ) -> SatisfactionResult:
        minuend, subtrahend = sections
        codes, customer_ids = groups
        inst = responses.instrument
        n, d, m = responses.n_respondents, inst.n_dimensions, int(customer_ids.size)
        fixed = self._fixed_weights(inst)
        g = _item_scores(responses, minuend, subtrahend)

        # item and respondent-dimension sums in one pass: zero the holes, matmul, restore.
        missing = np.isnan(g)
        item_count = n - np.count_nonzero(missing, axis=0).astype(np.int64)
        g[missing] = 0.0
        item_sum = g.sum(axis=0)
        dim_sum = g @ inst.membership
        g[missing] = np.nan
        dim_codes = inst.dimension_codes
        dim_count = np.empty((n, d), dtype=np.int64)
        for k in range(d):  # D dimensions, not respondents
            cols = np.flatnonzero(dim_codes == k)
            dim_count[:, k] = cols.size - np.count_nonzero(missing[:, cols], axis=1)
        del missing
        rdim = _divide(dim_sum, dim_count.astype(np.float64))
        complete: NDArray[np.bool_] = np.asarray((dim_count > 0).all(axis=1))
        r_overall = rdim.mean(axis=1)  # NaN unless complete

        derivation: WeightDerivation | None = None
        if fixed is None and self.weights == "points":
            if responses.importance is None:
                raise InvalidParameterError(
                    "weights='points' needs importance points: pass importance=... to "
                    "SurveyResponses."
                )
            pts = responses.importance
            r_weights = pts / pts.sum(axis=1, keepdims=True)
            has_w = ~np.isnan(pts[:, 0])
            if not has_w.any():
                raise InvalidParameterError(
                    "weights='points' but no respondent gave importance points."
                )
            survey_w = r_weights[has_w].mean(axis=0)
            source = "points"
        else:
            if fixed is None:
                method = str(self.weights)
                if responses.overall is None:
                    raise InvalidParameterError(
                        f"weights={method!r} needs an overall rating: pass overall=... to "
                        "SurveyResponses."
                    )
                fixed, derivation = _derive(method, inst.dimensions, rdim, responses.overall)
                source = method
            else:
                source = "equal" if self.weights == "equal" else "given"
            survey_w = fixed
            r_weights = np.broadcast_to(fixed, (n, d))
            has_w = np.ones(n, dtype=bool)
        r_weighted = (rdim * r_weights).sum(axis=1)  # NaN unless complete and weighted

        # survey level
        dim_valid = dim_count > 0
        s_count = dim_valid.sum(axis=0).astype(np.int64)
        s_dim = _divide(np.where(dim_valid, rdim, 0.0).sum(axis=0), s_count.astype(np.float64))
        s_overall = None if (s_count == 0).any() else float(s_dim.mean())
        if source == "points":
            ok = ~np.isnan(r_weighted)
            s_weighted = float(r_weighted[ok].mean()) if ok.any() else None
        else:
            s_weighted = None if (s_count == 0).any() else float(s_dim @ survey_w)

        # customer level: bincount over sorted customer codes (no loop over customers)
        c_resp = np.bincount(codes, minlength=m).astype(np.int64)
        c_dim = np.empty((m, d))
        c_count = np.empty((m, d), dtype=np.int64)
        for k in range(d):
            mean, cnt = _group_mean(rdim[:, k], codes, m)
            c_dim[:, k] = mean
            c_count[:, k] = cnt.astype(np.int64)
        c_overall = c_dim.mean(axis=1)
        if source == "points":
            c_weighted, wcnt = _group_mean(r_weighted, codes, m)
            c_wcount = wcnt.astype(np.int64)
        else:
            c_weighted = c_dim @ survey_w
            c_wcount = np.where(np.isnan(c_weighted), 0, c_resp).astype(np.int64)

        item_mean = _divide(item_sum, item_count.astype(np.float64))
        r_weights_out = np.array(r_weights)
        r_weights_out[~has_w] = np.nan
        survey_w_out = np.array(survey_w)
        return SatisfactionResult(
            variant=variant,
            instrument=inst,
            item_scores=readonly(g),
            item_mean=readonly(item_mean),
            item_count=readonly(item_count),
            respondent_dimension=readonly(rdim),
            respondent_dimension_count=readonly(dim_count),
            respondent_complete=readonly(complete),
            respondent_overall=readonly(r_overall),
            respondent_weighted=readonly(r_weighted),
            respondent_weights=readonly(r_weights_out),
            respondent_has_weights=readonly(has_w),
            dimension=readonly(s_dim),
            dimension_count=readonly(s_count),
            dimension_weights=readonly(survey_w_out),
            weight_source=source,
            derivation=derivation,
            overall=s_overall,
            weighted_overall=s_weighted,
            customer_ids=customer_ids,
            customer_respondents=readonly(c_resp),
            customer_dimension=readonly(c_dim),
            customer_dimension_count=readonly(c_count),
            customer_overall=readonly(c_overall),
            customer_weighted=readonly(c_weighted),
            customer_weighted_count=readonly(c_wcount),
            as_of=responses.as_of,
        )
