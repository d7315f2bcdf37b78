"""Scale reliability: Cronbach's alpha per dimension, with the usual rule-of-thumb bands.

For a block of k items answered by n respondents (an (n, k) matrix),

    alpha = k / (k - 1) * (1 - sum_j var(item_j) / var(total)),

where ``total`` is each respondent's sum over the k items and ``var`` is the
sample variance (``ddof=1``; the ddof cancels in the ratio). Alpha is 1 when
all items are identical (and vary), and it can be negative when the items
are negatively correlated.

Bands (George & Mallery's rule of thumb): > .9 excellent, > .8 good,
> .7 acceptable, > .6 questionable, > .5 poor, otherwise unacceptable.

Missing answers: :func:`cronbach_alpha` requires a complete matrix (or
``missing="listwise"`` to drop incomplete respondents, reporting how many were
used through :func:`reliability`); it never fills a gap with a number.
"""

from __future__ import annotations

import enum
from typing import ClassVar, Literal

import attrs
import numpy as np
from numpy.typing import ArrayLike

from kamcore._params import FloatArray, as_array, check_fields, check_in
from kamcore.errors import InvalidParameterError, ShapeMismatchError
from kamcore.satisfaction._responses import SurveyResponses

__all__ = ["AlphaBand", "DimensionReliability", "alpha_band", "cronbach_alpha", "reliability"]


class AlphaBand(enum.Enum):
    """Rule-of-thumb band of a Cronbach's alpha, best first.

    Examples
    --------
    >>> [member.name for member in AlphaBand]
    ['EXCELLENT', 'GOOD', 'ACCEPTABLE', 'QUESTIONABLE', 'POOR', 'UNACCEPTABLE']
    >>> AlphaBand['EXCELLENT']
    <AlphaBand.EXCELLENT: 'excellent'>
    """

    EXCELLENT = "excellent"
    """alpha > 0.9"""
    GOOD = "good"
    """0.8 < alpha <= 0.9"""
    ACCEPTABLE = "acceptable"
    """0.7 < alpha <= 0.8"""
    QUESTIONABLE = "questionable"
    """0.6 < alpha <= 0.7"""
    POOR = "poor"
    """0.5 < alpha <= 0.6"""
    UNACCEPTABLE = "unacceptable"
    """alpha <= 0.5"""


_BANDS = (
    (0.9, AlphaBand.EXCELLENT),
    (0.8, AlphaBand.GOOD),
    (0.7, AlphaBand.ACCEPTABLE),
    (0.6, AlphaBand.QUESTIONABLE),
    (0.5, AlphaBand.POOR),
)


def alpha_band(alpha: float) -> AlphaBand:
    """Return the band of ``alpha`` (strictly above each threshold).

    Parameters
    ----------
    alpha : float
        Cronbach's alpha.

    Returns
    -------
    AlphaBand
        EXCELLENT above 0.9, GOOD above 0.8, ACCEPTABLE above 0.7, QUESTIONABLE
        above 0.6, POOR above 0.5, else UNACCEPTABLE.

    Raises
    ------
    InvalidParameterError
        ``alpha`` is NaN or not a number.

    Examples
    --------
    >>> alpha_band(0.85), alpha_band(0.9), alpha_band(0.2)
    (<AlphaBand.GOOD: 'good'>, <AlphaBand.GOOD: 'good'>, <AlphaBand.UNACCEPTABLE: 'unacceptable'>)
    """
    real = isinstance(alpha, (int, float, np.floating)) and not isinstance(alpha, bool)
    if not real or not np.isfinite(alpha):
        raise InvalidParameterError(f"'alpha' must be a finite real number; got {alpha!r}.")
    for threshold, band in _BANDS:
        if alpha > threshold:
            return band
    return AlphaBand.UNACCEPTABLE


def _alpha_kernel(x: FloatArray) -> float | None:
    """Alpha of a complete (n, k) matrix; None when undefined (k < 2, n < 2, var(total) = 0)."""
    n, k = x.shape
    if k < 2 or n < 2:
        return None
    item_var = x.var(axis=0, ddof=1).sum()
    total_var = x.sum(axis=1).var(ddof=1)
    if not total_var > 0:
        return None
    return float(k / (k - 1) * (1.0 - item_var / total_var))


def cronbach_alpha(scores: ArrayLike, *, missing: Literal["raise", "listwise"] = "raise") -> float:
    """Return Cronbach's alpha of a block of items.

    Parameters
    ----------
    scores : array-like of float, shape (n, k)
        Respondents x items, k >= 2. NaN = missing answer.
    missing : {"raise", "listwise"}
        ``"raise"`` (default) rejects any NaN; ``"listwise"`` drops the
        respondents with a missing item.

    Returns
    -------
    float
        ``k/(k-1) * (1 - sum var(item) / var(total))``.

    Raises
    ------
    ShapeMismatchError
        Not 2-D.
    InvalidParameterError
        Infinite values, NaN with ``missing="raise"``, fewer than 2 items or 2
        (complete) respondents, or a total score with zero variance (alpha
        undefined).

    Examples
    --------
    >>> round(cronbach_alpha([[1, 2, 2], [2, 3, 3], [4, 4, 5], [5, 5, 5]]), 4)
    0.9801
    """
    check_in(missing, "missing", ("raise", "listwise"))
    arr = as_array(scores, "scores")
    if arr.dtype.kind not in "biuf":
        raise InvalidParameterError(f"'scores' must be numeric; got dtype {arr.dtype}.")
    x = arr.astype(np.float64)
    if x.ndim != 2:
        raise ShapeMismatchError(
            f"'scores' must be 2-dimensional (respondents, items); got shape {x.shape}."
        )
    if np.isinf(x).any():
        raise InvalidParameterError("'scores' must be finite or NaN (missing); got an infinity.")
    nan_rows = np.isnan(x).any(axis=1)
    if nan_rows.any():
        if missing == "raise":
            i = int(np.flatnonzero(nan_rows)[0])
            raise InvalidParameterError(
                f"'scores' must be complete with missing='raise'; {int(nan_rows.sum())} "
                f"respondent(s) have a missing item (first: respondent {i})."
            )
        x = x[~nan_rows]
    n, k = x.shape
    if k < 2:
        raise InvalidParameterError(f"Cronbach's alpha needs at least 2 items; got {k}.")
    if n < 2:
        raise InvalidParameterError(
            f"Cronbach's alpha needs at least 2 complete respondents; got {n}."
        )
    alpha = _alpha_kernel(x)
    if alpha is None:
        raise InvalidParameterError(
            "Cronbach's alpha is undefined: the total score has zero variance across respondents."
        )
    return alpha


@attrs.frozen
class DimensionReliability:
    """Reliability of one dimension's items.

    Parameters
    ----------
    dimension : str
        The dimension's name.
    alpha : float or None
        Cronbach's alpha; ``None`` when undefined (fewer than 2 items, fewer
        than 2 complete respondents, or a constant total score).
    band : AlphaBand or None
        Band of ``alpha`` (``None`` with it).
    n_items : int
        The dimension's item count k.
    n_respondents : int
        Respondents with every item of the dimension answered (listwise).

    Examples
    --------
    >>> from kamcore.satisfaction import Instrument, SurveyResponses, reliability
    >>> inst = Instrument(["a", "b", "c"], ["x", "x", "y"], dimensions=["x", "y"])
    >>> r = SurveyResponses(inst, ["C1", "C2", "C3"], [[1, 2, 4], [3, 3, 5], [6, 7, 5]])
    >>> d = reliability(r)[0]
    >>> d.dimension, round(d.alpha, 3), d.band.value
    ('x', 0.987, 'excellent')
    """

    #: fields whose NaN is a documented "no value" marker
    _NAN_OK: ClassVar[tuple[str, ...]] = ()

    def __attrs_post_init__(self) -> None:
        check_fields(self, nan_ok=self._NAN_OK)

    dimension: str
    alpha: float | None
    band: AlphaBand | None
    n_items: int
    n_respondents: int


def reliability(
    responses: SurveyResponses, *, section: str = "perception", gap_with: str | None = None
) -> tuple[DimensionReliability, ...]:
    """Return Cronbach's alpha of every dimension of a survey (listwise per dimension).

    Parameters
    ----------
    responses : SurveyResponses
        The survey answers.
    section : str
        The score matrix to assess (reverse-scored items reversed first):
        ``"perception"`` (default), ``"expectation"``, ``"adequate"`` or
        ``"desired"``.
    gap_with : str, optional
        When given, assess the gap ``section - gap_with`` (e.g. the SERVQUAL
        gap with ``gap_with="expectation"``).

    Returns
    -------
    tuple of DimensionReliability
        One per dimension, in instrument order.

    Raises
    ------
    InvalidParameterError
        An unknown ``section`` or ``gap_with``, or a section the survey has no
        scores for.

    Examples
    --------
    >>> import numpy as np
    >>> from kamcore.satisfaction import Instrument, SurveyResponses
    >>> inst = Instrument(["a", "b", "c"], ["x", "x", "y"], dimensions=["x", "y"])
    >>> r = SurveyResponses(inst, ["C1", "C2", "C3"], [[1, 2, 4], [3, 3, 5], [6, 7, 5]])
    >>> [(d.dimension, round(d.alpha, 3) if d.alpha is not None else None) for d in reliability(r)]
    [('x', 0.987), ('y', None)]
    """
    if not isinstance(responses, SurveyResponses):
        raise InvalidParameterError(
            f"'responses' must be a SurveyResponses; got {type(responses).__name__}."
        )
    x = responses.scored(section)
    if gap_with is not None:
        x = x - responses.scored(gap_with)
    inst = responses.instrument
    codes = inst.dimension_codes
    out = []
    for d, name in enumerate(inst.dimensions):
        cols = np.flatnonzero(codes == d)
        block = x[:, cols]
        block = block[~np.isnan(block).any(axis=1)]
        alpha = _alpha_kernel(block)
        out.append(
            DimensionReliability(
                dimension=name,
                alpha=alpha,
                band=None if alpha is None else alpha_band(alpha),
                n_items=int(cols.size),
                n_respondents=int(block.shape[0]),
            )
        )
    return tuple(out)
