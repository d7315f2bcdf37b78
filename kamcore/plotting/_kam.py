"""Key-account charts: Lorenz curve, grades and their migration, lifecycle, loyalty, CLP."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Final

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from kamcore._params import NONNEGATIVE, FloatArray, IntArray, as_float_array, readonly
from kamcore.clp import CustomerProfit
from kamcore.domain import LifecycleStage, Relationship
from kamcore.errors import InvalidParameterError, ShapeMismatchError
from kamcore.loyalty import LoyaltyMatrix, attitude_behaviour_matrix, attraction_barrier_matrix
from kamcore.metrics import gini, lorenz_curve
from kamcore.plotting._base import (
    Display,
    check_choice,
    check_count,
    check_label,
    check_model,
    new_axes,
    placed,
)
from kamcore.scoring import GradeHistory, Grading, MigrationMatrix, ScoreResult
from kamcore.transactions._log import check_date

__all__ = [
    "ClpDistributionDisplay",
    "GradeDistributionDisplay",
    "GradeMigrationDisplay",
    "LifecycleDisplay",
    "LorenzCurveDisplay",
    "LoyaltyMatrixDisplay",
]


def _day(value: Any, name: str) -> np.datetime64:
    """Return a date, ISO string or datetime64 as ``datetime64[D]``."""
    if isinstance(value, dt.datetime):
        raise InvalidParameterError(f"{name!r} must be a date, not a datetime; got {value!r}.")
    return check_date(value, name)  # the one date rule (ISO 8601, years 1 to 9999)


# ----------------------------------------------------------------- Lorenz curve
@attrs.frozen(eq=False, repr=False)
class LorenzCurveDisplay(Display):
    """The Lorenz curve of a value column: share of accounts vs share of value.

    Parameters
    ----------
    account_share : ndarray, shape (N + 1,)
        Cumulative share of accounts, 0 .. 1, accounts sorted by ascending value.
    value_share : ndarray, shape (N + 1,)
        Cumulative share of value at each point.
    gini : float
        ``1 - sum (du_k)(v_k + v_{k-1})`` over the curve
        (:func:`kamcore.metrics.gini`; the curve is :func:`kamcore.metrics.lorenz_curve`).
    label : str
        Name of the value (axis label).

    Examples
    --------
    >>> d = LorenzCurveDisplay.from_values([1.0, 1.0, 1.0, 1.0])
    >>> round(d.gini, 12)
    0.0
    >>> round(LorenzCurveDisplay.from_values([0.0, 0.0, 0.0, 5.0]).gini, 12)
    0.75
    """

    account_share: NDArray[np.float64]
    value_share: NDArray[np.float64]
    gini: float
    label: str = "value"

    @classmethod
    def from_values(cls, values: ArrayLike, *, label: str = "value") -> LorenzCurveDisplay:
        """Compute the curve from non-negative values, shape (N,), N >= 1, positive total.

        Raises
        ------
        InvalidParameterError
            Negative, non-finite or empty values, or a zero total.
        """
        label = check_label(label)
        v = as_float_array(values, label, domain=NONNEGATIVE, ndim=1, allow_empty=False)
        total = v.sum()
        if total <= 0:
            raise InvalidParameterError(f"{label!r} must have a positive total; got {total!r}.")
        u, cum = lorenz_curve(v)
        return cls(readonly(u), readonly(cum), gini(v), label)

    def plot(self, ax: Any = None) -> LorenzCurveDisplay:
        """Draw the curve and the line of equality; return a display with ``ax_`` set."""
        ax = new_axes(ax)
        ax.plot(self.account_share, self.value_share, label=f"Lorenz curve (Gini {self.gini:.2f})")
        ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="equality")
        ax.set_xlabel("share of accounts (ascending value)")
        ax.set_ylabel(f"share of {self.label}")
        ax.set_title(f"Concentration of {self.label}")
        ax.legend(loc="upper left")
        return placed(self, ax)


# ----------------------------------------------------------------- grades
@attrs.frozen(eq=False, repr=False)
class GradeDistributionDisplay(Display):
    """Accounts per grade, for one grading or each grading of a history.

    Parameters
    ----------
    levels : tuple of str
        L grade labels, best first.
    dates : tuple of str
        One label per grading (its ISO date; ``""`` for an undated score result).
    counts : ndarray of int64, shape (n_gradings, L)
        Accounts per grading and grade.

    Examples
    --------
    >>> from kamcore.scoring import Grading
    >>> g = Grading("2024-12-31", ["acme", "bolt", "cord"], ["A", "C", "A"],
    ...             levels=("A", "B", "C", "D"))
    >>> GradeDistributionDisplay.from_grading(g).counts.tolist()
    [[2, 0, 1, 0]]
    """

    levels: tuple[str, ...]
    dates: tuple[str, ...]
    counts: IntArray

    @classmethod
    def from_grading(cls, grading: Grading) -> GradeDistributionDisplay:
        """Count the accounts per grade of one :class:`~kamcore.scoring.Grading`."""
        check_model(grading, (Grading,), "grading")
        counts = np.array([list(grading.counts().values())], dtype=np.int64)
        return cls(grading.levels, (grading.as_of.isoformat(),), readonly(counts))

    @classmethod
    def from_score_result(cls, result: ScoreResult) -> GradeDistributionDisplay:
        """Count the accounts per grade of a :class:`~kamcore.scoring.ScoreResult`.

        Raises
        ------
        InvalidParameterError
            Not a ScoreResult, or a result without grades.
        """
        check_model(result, (ScoreResult,), "result")
        if result.grade_codes is None:
            raise InvalidParameterError(
                f"'result' must carry grades; strategy {result.strategy!r} produced none."
            )
        levels = result.grade_levels
        counts = np.bincount(np.asarray(result.grade_codes, dtype=np.int64), minlength=len(levels))
        date = "" if result.as_of is None else result.as_of.isoformat()
        return cls(levels, (date,), readonly(counts[None, :].astype(np.int64)))

    @classmethod
    def from_history(cls, history: GradeHistory) -> GradeDistributionDisplay:
        """Count the accounts per grade of every grading of a history (oldest first).

        Raises
        ------
        InvalidParameterError
            Not a GradeHistory, an empty one, or gradings on different grade levels.
        """
        check_model(history, (GradeHistory,), "history")
        if len(history) == 0:
            raise InvalidParameterError("'history' must hold at least one grading; got 0.")
        levels = history.gradings[0].levels
        for g in history.gradings:
            if g.levels != levels:
                raise InvalidParameterError(
                    f"'history' must use one set of grade levels; {g.as_of} has "
                    f"{g.levels!r}, the first grading {levels!r}."
                )
        counts = np.array([list(g.counts().values()) for g in history.gradings], dtype=np.int64)
        dates = tuple(g.as_of.isoformat() for g in history.gradings)
        return cls(levels, dates, readonly(counts))

    def plot(self, ax: Any = None) -> GradeDistributionDisplay:
        """Draw one bar group per grade, one bar per grading; return the display."""
        ax = new_axes(ax)
        pos = np.arange(len(self.levels), dtype=np.float64)
        n = len(self.dates)
        width = 0.8 / n
        for i, date in enumerate(self.dates):
            offset = (i - (n - 1) / 2) * width
            ax.bar(pos + offset, self.counts[i], width, label=date or None)
        ax.set_xticks(pos, self.levels)
        ax.set_xlabel("grade")
        ax.set_ylabel("accounts")
        ax.set_title("Grade distribution")
        if any(self.dates):
            ax.legend(title="graded on")
        return placed(self, ax)


@attrs.frozen(eq=False, repr=False)
class GradeMigrationDisplay(Display):
    """Grade migration between two gradings as a heat map, rows = from, columns = to.

    ``values`` are the counts, or with ``normalize="row"`` each row's shares
    (rows without accounts - always the ``"lost"`` row, which nobody starts
    in - are NaN and drawn blank).

    Parameters
    ----------
    labels : tuple of str
        ``("new", *levels, "lost")``.
    counts : ndarray of int64, shape (S, S)
        Accounts moving from each grade (row) to each grade (column).
    values : ndarray of float64, shape (S, S)
        The values drawn: the counts or their row shares.
    normalize : str
        ``"none"`` or ``"row"``.
    start, end : str
        ISO dates of the two gradings.

    Examples
    --------
    >>> from kamcore.scoring import Grading, migration_counts
    >>> a = Grading("2023-12-31", ["x", "y"], ["A", "B"], levels=("A", "B"))
    >>> b = Grading("2024-12-31", ["x", "z"], ["B", "A"], levels=("A", "B"))
    >>> d = GradeMigrationDisplay.from_matrix(migration_counts(a, b))
    >>> d.labels, d.counts.tolist()
    (('new', 'A', 'B', 'lost'), [[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]])
    """

    _NAN_OK: ClassVar[tuple[str, ...]] = ("values",)  # impossible cells

    labels: tuple[str, ...]
    counts: IntArray
    values: FloatArray
    normalize: str
    start: str
    end: str

    @classmethod
    def from_matrix(
        cls, matrix: MigrationMatrix, *, normalize: str = "none"
    ) -> GradeMigrationDisplay:
        """Take the counts of a :class:`~kamcore.scoring.MigrationMatrix`.

        Raises
        ------
        InvalidParameterError
            Not a MigrationMatrix, or ``normalize`` not ``"none"``/``"row"``.
        """
        check_model(matrix, (MigrationMatrix,), "matrix")
        check_choice(normalize, "normalize", ("none", "row"))
        counts = np.array(matrix.counts, dtype=np.int64)
        values = counts.astype(np.float64)
        if normalize == "row":
            rows = counts.sum(axis=1, keepdims=True).astype(np.float64)
            values = np.divide(values, rows, out=np.full(values.shape, np.nan), where=rows > 0)
        return cls(
            matrix.labels,
            readonly(counts),
            readonly(values),
            normalize,
            matrix.start.isoformat(),
            matrix.end.isoformat(),
        )

    @classmethod
    def from_history(
        cls,
        history: GradeHistory,
        *,
        start: Any = None,
        end: Any = None,
        normalize: str = "none",
    ) -> GradeMigrationDisplay:
        """Migration between the gradings on ``start`` and ``end`` (default the last two).

        Raises
        ------
        InvalidParameterError, UnknownNameError
            As :meth:`kamcore.scoring.GradeHistory.migration`.
        """
        check_model(history, (GradeHistory,), "history")
        return cls.from_matrix(history.migration(start, end), normalize=normalize)

    def plot(self, ax: Any = None) -> GradeMigrationDisplay:
        """Draw the heat map with the value in every cell; return the display."""
        ax = new_axes(ax)
        image = ax.imshow(self.values, cmap="Blues")
        ax.figure.colorbar(
            image, ax=ax, label="share of the row" if self.normalize == "row" else "accounts"
        )
        top = np.nanmax(self.values) if np.isfinite(self.values).any() else 0.0
        for i in range(self.values.shape[0]):
            for j in range(self.values.shape[1]):
                v = self.values[i, j]
                text = (
                    "-" if np.isnan(v) else (f"{v:.0%}" if self.normalize == "row" else f"{int(v)}")
                )
                color = "white" if np.isfinite(v) and v > top / 2 else "black"
                ax.text(j, i, text, ha="center", va="center", color=color)
        ticks = np.arange(len(self.labels))
        ax.set_xticks(ticks, self.labels)
        ax.set_yticks(ticks, self.labels)
        ax.set_xlabel(f"grade on {self.end}")
        ax.set_ylabel(f"grade on {self.start}")
        ax.set_title("Grade migration")
        return placed(self, ax)


# ----------------------------------------------------------------- lifecycle
_STAGES: Final = tuple(LifecycleStage)


@attrs.frozen(eq=False, repr=False)
class LifecycleDisplay(Display):
    """An account's lifecycle stages over time as a step chart, optionally with its sales.

    Parameters
    ----------
    dates : ndarray of datetime64[D], shape (C + 1,)
        The C stage-change dates, then ``until``.
    stages : ndarray of int64, shape (C + 1,)
        Stage code of each step (position in ``stage_names``); the last
        repeats the current stage so the step reaches ``until``.
    stage_names : tuple of str
        All lifecycle stages in order (exploration .. ended).
    sales_dates : ndarray of datetime64[D] or None
        Dates of the sales series; None without one.
    sales : ndarray of float64 or None
        Drawn on a second y axis (``sales_ax_`` after :meth:`plot`).
    relationship_id : str
        The relationship drawn, for the title.

    Examples
    --------
    >>> import datetime as dt
    >>> from kamcore.domain import LifecycleStage, Relationship
    >>> r = Relationship.start("r1", "c-001", account_manager="amy", on=dt.date(2023, 1, 9))
    >>> r = r.move_to(LifecycleStage.FORMATION, on=dt.date(2023, 6, 1))
    >>> d = LifecycleDisplay.from_relationship(r, until=dt.date(2024, 1, 1))
    >>> [str(x) for x in d.dates], d.stages.tolist()
    (['2023-01-09', '2023-06-01', '2024-01-01'], [0, 1, 1])
    """

    dates: NDArray[np.datetime64]
    stages: IntArray
    stage_names: tuple[str, ...]
    sales_dates: NDArray[np.datetime64] | None
    sales: FloatArray | None
    relationship_id: str
    sales_ax_: Any = attrs.field(default=None, init=False, repr=False)

    @classmethod
    def from_relationship(
        cls,
        relationship: Relationship,
        *,
        until: Any = None,
        sales_dates: ArrayLike | None = None,
        sales: ArrayLike | None = None,
    ) -> LifecycleDisplay:
        """Step through the relationship's dated history.

        Parameters
        ----------
        relationship : kamcore.domain.Relationship
        until : date, keyword-only
            Where the last step ends (default: the last change); not before it.
        sales_dates, sales : array-like, shape (M,), keyword-only
            A sales series to draw alongside (both or neither; finite values).

        Raises
        ------
        InvalidParameterError, ShapeMismatchError
            Not a Relationship, ``until`` before the last change, bad or
            unpaired sales.
        """
        check_model(relationship, (Relationship,), "relationship")
        changes = np.array([np.datetime64(c.on, "D") for c in relationship.history])
        codes = [_STAGES.index(c.stage) for c in relationship.history]
        end = changes[-1] if until is None else _day(until, "until")
        if end < changes[-1]:
            raise InvalidParameterError(
                f"'until' must be on or after the last stage change {changes[-1]}; got {end}."
            )
        s_dates = s_vals = None
        if (sales_dates is None) != (sales is None):
            raise InvalidParameterError("'sales_dates' and 'sales' must be given together.")
        if sales_dates is not None and sales is not None:
            s_vals = as_float_array(sales, "sales", ndim=1)
            raw = np.atleast_1d(np.asarray(sales_dates, dtype=object))
            s_dates = np.array(
                [_day(v, f"sales_dates[{i}]") for i, v in enumerate(raw)], dtype="datetime64[D]"
            )
            if s_dates.shape != s_vals.shape:
                raise ShapeMismatchError(
                    f"'sales_dates' and 'sales' must have the same length; got "
                    f"{s_dates.shape[0]} and {s_vals.shape[0]}."
                )
            s_dates, s_vals = readonly(s_dates), readonly(s_vals.copy())
        return cls(
            readonly(np.append(changes, end).astype("datetime64[D]")),
            readonly(np.array([*codes, codes[-1]], dtype=np.int64)),
            tuple(s.value for s in _STAGES),
            s_dates,
            s_vals,
            relationship.id,
        )

    def plot(self, ax: Any = None) -> LifecycleDisplay:
        """Draw the stage steps (and the sales on a twin axis); return the display."""
        ax = new_axes(ax)
        ax.step(self.dates, self.stages, where="post", color="#08519c", label="stage")
        ax.set_yticks(np.arange(len(self.stage_names)), self.stage_names)
        ax.set_ylim(-0.5, len(self.stage_names) - 0.5)
        ax.set_xlabel("date")
        ax.set_ylabel("lifecycle stage")
        ax.set_title(f"Lifecycle of relationship {self.relationship_id}")
        twin = None
        if self.sales is not None and self.sales_dates is not None:
            twin = ax.twinx()
            twin.plot(self.sales_dates, self.sales, color="#e6550d", marker="o", label="sales")
            twin.set_ylabel("sales")
            lines = ax.get_lines() + twin.get_lines()
            ax.legend(lines, [line.get_label() for line in lines], loc="upper left")
        ax.figure.autofmt_xdate()
        return placed(self, ax, sales_ax_=twin)


# ----------------------------------------------------------------- loyalty matrix
_AXIS_NAMES: Final = {
    "jones_sasser": ("attraction", "barrier"),
    "dick_basu": ("relative attitude", "repeat patronage"),
}
# code -> (x, y) corner in axes coordinates: 0 high-high, 1 high x / low y, 2 low x / high y
_CORNERS: Final = ((0.98, 0.98), (0.98, 0.02), (0.02, 0.98), (0.02, 0.02))


@attrs.frozen(eq=False, repr=False)
class LoyaltyMatrixDisplay(Display):
    """A 2 x 2 loyalty matrix: accounts as points, split lines, segment names with counts.

    Parameters
    ----------
    x, y : ndarray of float64, shape (N,)
        Attraction and barrier (Jones & Sasser) or relative attitude and
        repeat patronage (Dick & Basu).
    codes : ndarray of int64, shape (N,)
        Segment code of each account (``LoyaltyMatrix.codes``).
    labels : tuple of str
        The four segment names in code order.
    x_threshold, y_threshold : float
        Where the matrix is split on each axis.
    scheme : str
        The loyalty matrix drawn (its quadrant names).

    Examples
    --------
    >>> d = LoyaltyMatrixDisplay.from_values([2.0, 1.5, -1.0, -2.5], [0.9, 0.1, 0.8, 0.2])
    >>> d.labels, d.codes.tolist()
    (('loyal', 'mercenary', 'hostage', 'defector'), [0, 1, 2, 3])
    """

    x: FloatArray
    y: FloatArray
    codes: IntArray
    labels: tuple[str, ...]
    x_threshold: float
    y_threshold: float
    scheme: str

    @classmethod
    def from_values(
        cls,
        x: ArrayLike,
        y: ArrayLike,
        *,
        scheme: str = "jones_sasser",
        x_threshold: Any = "mean",
        y_threshold: Any = "mean",
    ) -> LoyaltyMatrixDisplay:
        """Place the accounts in the matrix of ``scheme`` and draw them.

        ``"jones_sasser"`` uses :func:`~kamcore.loyalty.attraction_barrier_matrix`
        (x = attraction, y = barrier), ``"dick_basu"``
        :func:`~kamcore.loyalty.attitude_behaviour_matrix` (x = relative
        attitude, y = repeat patronage); thresholds as those functions take them.
        """
        check_choice(scheme, "scheme", tuple(_AXIS_NAMES))
        if scheme == "jones_sasser":
            matrix = attraction_barrier_matrix(
                x, y, attraction_threshold=x_threshold, barrier_threshold=y_threshold
            )
        else:
            matrix = attitude_behaviour_matrix(
                x, y, attitude_threshold=x_threshold, behaviour_threshold=y_threshold
            )
        return cls.from_matrix(matrix, x=x, y=y)

    @classmethod
    def from_matrix(
        cls, matrix: LoyaltyMatrix, *, x: ArrayLike, y: ArrayLike
    ) -> LoyaltyMatrixDisplay:
        """Draw an existing matrix with the values it was built from.

        Raises
        ------
        InvalidParameterError, ShapeMismatchError
            Not a LoyaltyMatrix, values of another length, or values that do
            not give the matrix's segments at its thresholds.
        """
        check_model(matrix, (LoyaltyMatrix,), "matrix")
        xa = as_float_array(x, "x", ndim=1).copy()
        ya = as_float_array(y, "y", ndim=1).copy()
        if xa.shape != (len(matrix),) or ya.shape != (len(matrix),):
            raise ShapeMismatchError(
                f"'x' and 'y' must have one value per account of the matrix ({len(matrix)}); "
                f"got {xa.shape[0]} and {ya.shape[0]}."
            )
        codes = 2 * (xa < matrix.x_threshold) + (ya < matrix.y_threshold)
        if not np.array_equal(codes, matrix.codes):
            first = int(np.flatnonzero(codes != matrix.codes)[0])
            raise InvalidParameterError(
                f"'x' and 'y' must be the values the matrix was built from; account at index "
                f"{first} ({xa[first]!r}, {ya[first]!r}) falls in another segment."
            )
        return cls(
            readonly(xa),
            readonly(ya),
            readonly(codes.astype(np.int64)),
            matrix.labels,
            float(matrix.x_threshold),
            float(matrix.y_threshold),
            matrix.scheme,
        )

    def plot(self, ax: Any = None) -> LoyaltyMatrixDisplay:
        """Draw one scatter per segment (code order), split lines and corner names."""
        ax = new_axes(ax)
        for code, label in enumerate(self.labels):
            members = self.codes == code
            ax.scatter(self.x[members], self.y[members], label=label)
            cx, cy = _CORNERS[code]
            ax.text(
                cx,
                cy,
                f"{label} ({int(members.sum())})",
                transform=ax.transAxes,
                ha="right" if cx > 0.5 else "left",
                va="top" if cy > 0.5 else "bottom",
                color="grey",
                bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none"},
            )
        ax.axvline(self.x_threshold, color="grey", linestyle="--")
        ax.axhline(self.y_threshold, color="grey", linestyle="--")
        x_name, y_name = _AXIS_NAMES[self.scheme]
        ax.set_xlabel(x_name)
        ax.set_ylabel(y_name)
        ax.set_title(f"Loyalty matrix: {x_name} x {y_name}")
        return placed(self, ax)


# ----------------------------------------------------------------- CLP distribution
@attrs.frozen(eq=False, repr=False)
class ClpDistributionDisplay(Display):
    """Histogram of per-customer lifetime profit, with its mean and median.

    Parameters
    ----------
    edges : ndarray of float64, shape (B + 1,)
        Bin edges of the histogram.
    counts : ndarray of int64, shape (B,)
        ``numpy.histogram`` of the values over ``edges``.
    mean, median, total : float
        Of the values (``total`` is the customer equity).
    label : str
        What the values are, for the axis label.

    Examples
    --------
    >>> d = ClpDistributionDisplay.from_values([-10.0, 5.0, 20.0, 25.0], bins=2)
    >>> d.edges.tolist(), d.counts.tolist(), d.total
    ([-10.0, 7.5, 25.0], [2, 2], 40.0)
    """

    edges: FloatArray
    counts: IntArray
    mean: float
    median: float
    total: float
    label: str = "CLP"

    @classmethod
    def from_values(
        cls, values: ArrayLike, *, bins: int = 30, label: str = "CLP"
    ) -> ClpDistributionDisplay:
        """Bin N >= 1 finite values (any sign) into ``bins`` (>= 1) equal-width bins.

        Raises
        ------
        InvalidParameterError, ShapeMismatchError
            Empty, non-finite or not 1-D values; bad ``bins``.
        """
        label = check_label(label)
        v = as_float_array(values, label, ndim=1, allow_empty=False)
        span = float(v.max()) - float(v.min())
        if not np.isfinite(span):
            raise InvalidParameterError(
                f"{label!r} must span a finite range to be binned; got values from "
                f"{float(v.min())!r} to {float(v.max())!r}."
            )
        lo, hi = float(v.min()), float(v.max())
        if span == 0.0:  # one value: a window around it wide enough to split into bins
            half = max(0.5, abs(lo) * 1e-6)
            lo, hi = lo - half, hi + half
        counts, edges = np.histogram(v, bins=check_count(bins, "bins"), range=(lo, hi))
        return cls(
            readonly(edges.astype(np.float64)),
            readonly(counts.astype(np.int64)),
            float(v.mean()),
            float(np.median(v)),
            float(v.sum()),
            label,
        )

    @classmethod
    def from_profit(cls, profit: CustomerProfit, *, bins: int = 30) -> ClpDistributionDisplay:
        """Bin the ``clp`` of a :class:`~kamcore.clp.CustomerProfit`."""
        check_model(profit, (CustomerProfit,), "profit")
        return cls.from_values(profit.clp, bins=bins, label="CLP")

    def plot(self, ax: Any = None) -> ClpDistributionDisplay:
        """Draw the bars and dashed lines at the mean and the median; return the display."""
        ax = new_axes(ax)
        ax.bar(
            self.edges[:-1], self.counts, width=np.diff(self.edges), align="edge", edgecolor="white"
        )
        ax.axvline(self.mean, color="black", linestyle="--", label=f"mean {self.mean:,.4g}")
        ax.axvline(self.median, color="grey", linestyle=":", label=f"median {self.median:,.4g}")
        ax.set_xlabel(self.label)
        ax.set_ylabel("customers")
        ax.set_title(f"Distribution of {self.label} (total {self.total:,.4g})")
        ax.legend()
        return placed(self, ax)
