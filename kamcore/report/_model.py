"""The plain-data report: sections of tables and charts, computed once, no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

import attrs
import numpy as np
from numpy.typing import NDArray

from kamcore._columns import FrozenArrays
from kamcore.errors import InvalidParameterError

__all__ = ["SCHEMA_VERSION", "Chart", "Report", "Section", "Table"]

#: Version of the JSON document (major.minor; a new minor only adds keys).
SCHEMA_VERSION: Final = "1.0"


def _frozen_columns(value: Mapping[str, Any]) -> Mapping[str, NDArray[Any]]:
    out: dict[str, NDArray[Any]] = {}
    for name, col in value.items():
        arr = np.array(col, copy=True)
        arr.flags.writeable = False
        out[str(name)] = arr
    return MappingProxyType(out)


@attrs.frozen(eq=False, repr=False)
class Table(FrozenArrays):
    """A table of a report section: named columns of one length.

    Parameters
    ----------
    key : str
        Stable key (JSON key, file name under ``--out``).
    title : str
        Heading shown to readers.
    columns : mapping of str to array_like
        The columns in display order; each is copied into a read-only array
        (held in a read-only mapping). A per-customer table starts with
        ``customer_id``.
    note : str
        One line shown under the table (may be empty).

    Examples
    --------
    >>> from kamcore.report import Table
    >>> t = Table("top", "Top accounts", {"customer_id": ["A1", "A2"], "clp": [950.0, 410.5]})
    >>> t.n_rows, t.per_customer
    (2, True)
    >>> t.rows()
    [['A1', 950.0], ['A2', 410.5]]
    """

    key: str
    title: str
    columns: Mapping[str, NDArray[Any]] = attrs.field(converter=_frozen_columns)
    note: str = ""

    @property
    def n_rows(self) -> int:
        """Number of rows."""
        return int(next(iter(self.columns.values())).shape[0]) if self.columns else 0

    @property
    def per_customer(self) -> bool:
        """True when the first column is ``customer_id``."""
        return bool(self.columns) and next(iter(self.columns)) == "customer_id"

    def rows(self, limit: int | None = None, *, start: int = 0) -> list[list[Any]]:
        """Return rows ``start`` .. ``start + limit`` as plain Python values (no numpy scalars)."""
        for name, value in (("limit", limit), ("start", start)):
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0
            ):
                raise InvalidParameterError(
                    f"{name!r} must be a non-negative integer; got {value!r}."
                )
        stop = self.n_rows if limit is None else min(start + limit, self.n_rows)
        cols = [_plain(v[start:stop]) for v in self.columns.values()]
        return [list(r) for r in zip(*cols, strict=True)] if cols else []


def _plain(arr: NDArray[Any]) -> list[Any]:
    if arr.dtype.kind == "M":
        return [None if np.isnat(v) else str(v) for v in arr]
    if arr.dtype.kind == "f":
        return [None if not np.isfinite(v) else float(v) for v in arr.tolist()]
    return list(arr.tolist())


@attrs.frozen(eq=False, repr=False)
class Chart(FrozenArrays):
    """A chart of a report section: a Display object of :mod:`kamcore.plotting`.

    The HTML renderer draws it as inline SVG; the text renderers name it.

    Parameters
    ----------
    key : str
        Stable key (``data-chart`` attribute of its HTML figure).
    title : str
        Caption shown to readers.
    display : object
        The Display object of :mod:`kamcore.plotting` that draws the chart
        (for example a :class:`~kamcore.plotting.LorenzCurveDisplay`).

    Examples
    --------
    >>> import datetime as dt
    >>> from kamcore.report import ReportInput, build_report
    >>> report = build_report(ReportInput(
    ...     accounts={"id": ["A1", "A2", "A3"], "sales_last_year": [120.0, 80.0, 30.0]},
    ...     as_of=dt.date(2024, 12, 31)))
    >>> chart = report.section("concentration").charts[0]
    >>> chart.key, chart.title
    ('lorenz_sales', 'Lorenz curve of sales')
    """

    key: str
    title: str
    display: Any


@attrs.frozen(eq=False, repr=False)
class Section(FrozenArrays):
    """One section of the report.

    Parameters
    ----------
    key, title : str
        Stable key and heading.
    lines : tuple of str
        The section's findings, one sentence each.
    figures : dict
        Headline numbers by stable key (float, int, str or None).
    tables, charts : tuple
        :class:`Table` and :class:`Chart` objects.
    skipped : str or None
        Why the section could not be computed (then it holds no tables).

    Examples
    --------
    >>> import datetime as dt
    >>> from kamcore.report import ReportInput, build_report
    >>> report = build_report(ReportInput(
    ...     accounts={"id": ["A1", "A2", "A3"], "sales_last_year": [120.0, 80.0, 30.0]},
    ...     source="three accounts", as_of=dt.date(2024, 12, 31)))
    >>> overview = report.section("overview")
    >>> overview.figures["accounts"], overview.figures["sales_last_year"]
    (3, 230.0)
    >>> all(isinstance(line, str) for line in overview.lines)
    True

    Without a transaction log the repeat-buying section says why it is empty:

    >>> section = report.section("repeat_buying")
    >>> section.skipped is not None, section.tables
    (True, ())
    """

    key: str
    title: str
    lines: tuple[str, ...] = ()
    figures: dict[str, Any] = attrs.field(factory=dict)
    tables: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()
    skipped: str | None = None


@attrs.frozen(eq=False, repr=False)
class Report(FrozenArrays):
    """A key-account report: every number computed once, ready for any renderer.

    Made by :func:`build_report`; rendered by :func:`render_terminal`,
    :func:`render_markdown`, :func:`render_json`, :func:`render_html` and
    :func:`write_tables`.

    Parameters
    ----------
    title : str
        The report's heading.
    source : str
        Where the data came from (the demo or the input files).
    as_of : str
        ISO date the report describes (the end of the observation).
    currency : str or None
        Currency of the money figures.
    n_accounts : int
        Accounts in the input.
    sections : tuple of Section
        In reading order.
    accounts : Table
        One row per account (``customer_id`` first): every per-account result.
    schema_version : str
        Version of the JSON document (:data:`SCHEMA_VERSION`).

    Examples
    --------
    >>> import datetime as dt
    >>> from kamcore.report import ReportInput, build_report
    >>> report = build_report(ReportInput(
    ...     accounts={"id": ["A1", "A2", "A3"], "sales_last_year": [120.0, 80.0, 30.0]},
    ...     source="three accounts", as_of=dt.date(2024, 12, 31)))
    >>> report.n_accounts, report.as_of
    (3, '2024-12-31')
    >>> [s.key for s in report.sections][:3]
    ['overview', 'concentration', 'grades']
    >>> report.accounts.columns["customer_id"].tolist()
    ['A1', 'A2', 'A3']
    """

    title: str
    source: str
    as_of: str
    currency: str | None
    n_accounts: int
    sections: tuple[Section, ...]
    accounts: Table
    schema_version: str = SCHEMA_VERSION

    def section(self, key: str) -> Section:
        """Return the section with this key.

        Raises
        ------
        UnknownNameError
            No such section (the message lists the keys).
        """
        for s in self.sections:
            if s.key == key:
                return s
        from kamcore._params import unknown_column

        raise unknown_column(
            key, [s.key for s in self.sections], lead=f"the report has no section {key!r}"
        )

    def tables(self) -> list[Table]:
        """Return every table: the per-account table first, then each section's."""
        return [self.accounts, *(t for s in self.sections for t in s.tables)]


def check_report(report: Any) -> Report:
    """Return ``report`` if it is a :class:`Report`, else raise naming the type given."""
    if not isinstance(report, Report):
        raise InvalidParameterError(
            f"'report' must be a kamcore.report.Report (from build_report); "
            f"got {type(report).__name__}."
        )
    return report


def check_rows(rows: Any) -> int:
    """Return ``rows`` (rows shown per table) if it is an integer >= 1, else raise."""
    if isinstance(rows, bool) or not isinstance(rows, int | np.integer) or rows < 1:
        raise InvalidParameterError(f"'rows' must be an integer >= 1; got {rows!r}.")
    return int(rows)
