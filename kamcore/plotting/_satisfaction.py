"""Satisfaction charts: the SERVQUAL gap with the zone of tolerance, and the IPA map."""

from __future__ import annotations

from typing import Any, Final

import attrs
import numpy as np

from kamcore._params import FloatArray, IntArray, readonly
from kamcore.errors import InvalidParameterError
from kamcore.plotting._base import Display, check_model, new_axes, placed
from kamcore.satisfaction import (
    ImportancePerformance,
    IpaQuadrant,
    SatisfactionResult,
    ZoneOfToleranceResult,
)

__all__ = ["ImportancePerformanceDisplay", "ServqualGapDisplay"]


def _dimension_scores(result: SatisfactionResult, name: str) -> FloatArray:
    missing = [
        d
        for d, n in zip(result.instrument.dimensions, result.dimension_count.tolist(), strict=True)
        if n == 0
    ]
    if missing:
        raise InvalidParameterError(
            f"{name!r} must have a score for every dimension; no respondent answered {missing!r}."
        )
    return np.array(result.dimension, dtype=np.float64)


@attrs.frozen(eq=False, repr=False)
class ServqualGapDisplay(Display):
    r"""SERVQUAL gap (P - E) by dimension, with the zone of tolerance when given.

    The zone is drawn in the same units as the gap, relative to the perceived
    service P: from MSS = P - desired (bottom) to MSA = P - adequate (top).
    The zero line is the perceived service itself, so a dimension whose band
    straddles zero is *within* the zone, a band entirely below zero means P
    is below the adequate level (MSA < 0) and a band entirely above zero
    means P exceeds the desired level (MSS >= 0) - the rule of
    :meth:`~kamcore.satisfaction.ZoneOfToleranceResult.dimension_position`.

    Parameters
    ----------
    dimensions : tuple of str
        D dimension names, in the instrument's order.
    gap : ndarray of float64, shape (D,)
        ``result.dimension`` (P - E).
    n_respondents : ndarray of int64, shape (D,)
        Respondents behind each gap.
    zone_low, zone_high : ndarray of float64, shape (D,), or None
        MSS and MSA per dimension (None without a zone).

    Examples
    --------
    >>> import numpy as np
    >>> from kamcore.satisfaction import Instrument, SatisfactionModel, SurveyResponses
    >>> inst = Instrument(["a", "b", "c"], ["x", "x", "y"], dimensions=["x", "y"])
    >>> r = SurveyResponses(inst, ["C1", "C1", "C2"],
    ...                     perception=[[5, 6, 4], [4, np.nan, 6], [7, 7, 3]],
    ...                     expectation=[[6, 6, 6], [6, 6, 6], [6, 6, 6]])
    >>> ServqualGapDisplay.from_result(SatisfactionModel().evaluate(r)).gap.tolist()
    [-0.5, -1.6666666666666667]
    """

    dimensions: tuple[str, ...]
    gap: FloatArray
    n_respondents: IntArray
    zone_low: FloatArray | None = None
    zone_high: FloatArray | None = None

    @classmethod
    def from_result(
        cls, result: SatisfactionResult, *, zone: ZoneOfToleranceResult | None = None
    ) -> ServqualGapDisplay:
        """Take the dimension gaps of a SERVQUAL evaluation (and the zone of the same instrument).

        Parameters
        ----------
        result : SatisfactionResult
            ``SatisfactionModel.evaluate(...)`` (variant ``"servqual"``).
        zone : ZoneOfToleranceResult, optional, keyword-only
            ``SatisfactionModel.evaluate_zone(...)`` on the same instrument.

        Raises
        ------
        InvalidParameterError
            Wrong types, another variant, a dimension without answers, or a zone
            of other dimensions.
        """
        check_model(result, (SatisfactionResult,), "result")
        if result.variant != "servqual":
            raise InvalidParameterError(
                f"'result' must be a SERVQUAL evaluation (variant 'servqual', P - E); "
                f"got variant {result.variant!r}."
            )
        gap = _dimension_scores(result, "result")
        dims = result.instrument.dimensions
        low = high = None
        if zone is not None:
            check_model(zone, (ZoneOfToleranceResult,), "zone")
            if zone.adequacy.instrument.dimensions != dims:
                raise InvalidParameterError(
                    f"'zone' must cover the dimensions {dims!r}; "
                    f"got {zone.adequacy.instrument.dimensions!r}."
                )
            high = readonly(_dimension_scores(zone.adequacy, "zone"))
            low = readonly(_dimension_scores(zone.superiority, "zone"))
        return cls(
            dims,
            readonly(gap),
            readonly(np.array(result.dimension_count, dtype=np.int64)),
            low,
            high,
        )

    def plot(self, ax: Any = None) -> ServqualGapDisplay:
        """Draw the zone bands (if any) behind the gap bars; return the display."""
        ax = new_axes(ax)
        pos = np.arange(len(self.dimensions), dtype=np.float64)
        if self.zone_low is not None and self.zone_high is not None:
            ax.bar(
                pos,
                self.zone_high - self.zone_low,
                0.6,
                bottom=self.zone_low,
                color="#c6dbef",
                label="zone of tolerance (P - desired .. P - adequate)",
            )
        ax.bar(pos, self.gap, 0.3, color="#08519c", label="SERVQUAL gap (P - E)")
        ax.axhline(0.0, color="black", linewidth=0.8)
        ax.set_xticks(pos, self.dimensions)
        ax.set_xlabel("dimension")
        ax.set_ylabel("score relative to the perceived service P")
        ax.set_title("SERVQUAL gap by dimension")
        ax.legend()
        return placed(self, ax)


_QUADRANT_CORNERS: Final = {
    IpaQuadrant.CONCENTRATE_HERE: (0.02, 0.98, "left", "top"),
    IpaQuadrant.KEEP_UP_THE_GOOD_WORK: (0.98, 0.98, "right", "top"),
    IpaQuadrant.LOW_PRIORITY: (0.02, 0.02, "left", "bottom"),
    IpaQuadrant.POSSIBLE_OVERKILL: (0.98, 0.02, "right", "bottom"),
}


@attrs.frozen(eq=False, repr=False)
class ImportancePerformanceDisplay(Display):
    """The importance-performance map (Martilla & James): performance across, importance up.

    Split lines at the result's thresholds, centred in the axes (each axis
    spans 1.4 times the largest distance of a point from its split); the four
    quadrant names in the corners (concentrate here top left, keep up the good work top right, low
    priority bottom left, possible overkill bottom right); every attribute
    labelled with its name.

    Parameters
    ----------
    names : tuple of str
        Attribute names.
    importance, performance : ndarray of float64, shape (A,)
        Each attribute's importance and performance.
    importance_split, performance_split : float
        Where the grid is split.
    codes : ndarray of int64, shape (A,)
        :attr:`~kamcore.satisfaction.IpaQuadrant.code` of each attribute.

    Examples
    --------
    >>> from kamcore.satisfaction import importance_performance
    >>> ipa = importance_performance([0.4, 0.3, 0.2, 0.1], [-1.5, -0.2, -1.0, 0.1],
    ...                              names=["rel", "resp", "tang", "emp"])
    >>> ImportancePerformanceDisplay.from_result(ipa).performance_split
    -0.65
    """

    names: tuple[str, ...]
    importance: FloatArray
    performance: FloatArray
    importance_split: float
    performance_split: float
    codes: IntArray

    @classmethod
    def from_result(cls, result: ImportancePerformance) -> ImportancePerformanceDisplay:
        """Take the points and splits of :func:`kamcore.satisfaction.importance_performance`.

        Raises
        ------
        InvalidParameterError
            ``result`` is not an ImportancePerformance.
        """
        check_model(result, (ImportancePerformance,), "result")
        return cls(
            result.names,
            readonly(np.array(result.importance, dtype=np.float64)),
            readonly(np.array(result.performance, dtype=np.float64)),
            float(result.importance_split),
            float(result.performance_split),
            readonly(np.array(result.codes, dtype=np.int64)),
        )

    def plot(self, ax: Any = None) -> ImportancePerformanceDisplay:
        """Draw the points, split lines, quadrant names and labels; return the display."""
        ax = new_axes(ax)
        ax.scatter(self.performance, self.importance, c=self.codes, cmap="tab10", vmin=0, vmax=9)
        for name, x, y in zip(self.names, self.performance, self.importance, strict=True):
            ax.annotate(name, (x, y), textcoords="offset points", xytext=(4, 4))
        # centre the splits and leave a margin, so the corner names clear the points
        for split, values, set_lim in (
            (self.performance_split, self.performance, ax.set_xlim),
            (self.importance_split, self.importance, ax.set_ylim),
        ):
            half = float(np.abs(values - split).max()) * 1.4 or 1.0
            set_lim(split - half, split + half)
        ax.axvline(self.performance_split, color="grey", linestyle="--")
        ax.axhline(self.importance_split, color="grey", linestyle="--")
        for quadrant, (x, y, ha, va) in _QUADRANT_CORNERS.items():
            ax.text(
                x,
                y,
                quadrant.value.replace("_", " "),
                transform=ax.transAxes,
                ha=ha,
                va=va,
                color="grey",
                bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none"},
            )
        ax.set_xlabel("performance")
        ax.set_ylabel("importance")
        ax.set_title("Importance-performance analysis")
        return placed(self, ax)
