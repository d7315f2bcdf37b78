"""Text renderers of a :class:`~kamcore.report.Report`: terminal, Markdown and JSON."""

from __future__ import annotations

import json
import math
import textwrap
from importlib import resources
from typing import Any, Final

import numpy as np

from kamcore._version import __version__
from kamcore.errors import InvalidParameterError
from kamcore.report._model import Report, Table, check_report, check_rows
from kamcore.report._wording import plural

__all__ = ["json_document", "json_schema", "render_json", "render_markdown", "render_terminal"]

_WIDTH: Final = 100
_ROWS: Final = 12
_BOLD: Final = "\x1b[1m"
_DIM: Final = "\x1b[2m"
_CYAN: Final = "\x1b[36m"
_RESET: Final = "\x1b[0m"
#: a float column whose name holds one of these is money: whole units with separators
_MONEY_COLUMNS: Final = ("clp", "sales", "profit", "equity")


def _cell(value: Any, column: str) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "-"
        if round(value, 2) == 0:
            value = 0.0  # no "-0.00"
        if any(k in column for k in ("share", "risk", "gap", "strength", "barrier", "p_alive")):
            return f"{value:.2f}" if "share" not in column else f"{value:.1%}"
        if abs(value) >= 1000 or any(k in column for k in _MONEY_COLUMNS):
            return f"{value:,.0f}"
        return f"{value:.2f}"
    return str(value)


def _numeric(values: np.ndarray[Any, Any]) -> bool:
    return values.dtype.kind in "biuf"


def _text_table(table: Table, width: int, limit: int | None) -> list[str]:
    names = list(table.columns)
    rows = [[_cell(v, c) for v, c in zip(r, names, strict=True)] for r in table.rows(limit)]
    widths = [max([len(c), *(len(r[j]) for r in rows)]) for j, c in enumerate(names)]
    numeric = [_numeric(table.columns[c]) for c in names]
    last = len(names) - 1
    # a text column at the end wraps onto continuation lines instead of being cut
    wrap_last = last > 0 and not numeric[last]
    if wrap_last:
        room = width - sum(widths[:last]) - 2 * last
        widths[last] = max(min(widths[last], room), 24)
    # shrink the widest other text columns until the table fits
    while sum(widths) + 2 * (len(widths) - 1) > width:
        text_cols = [
            j
            for j in range(len(widths))
            if not numeric[j] and widths[j] > 6 and not (wrap_last and j == last)
        ]
        if not text_cols:
            break
        j = max(text_cols, key=lambda k: widths[k])
        widths[j] -= 1

    def fit(s: str, w: int) -> str:
        return s if len(s) <= w else s[: max(w - 1, 0)] + "…"

    def line(cells: list[str]) -> str:
        parts = [
            fit(s, w).rjust(w) if numeric[j] else fit(s, w).ljust(w)
            for j, (s, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    out = [line(names), line(["-" * w for w in widths])]
    for r in rows:
        if wrap_last and len(r[last]) > widths[last]:
            pieces = textwrap.wrap(r[last], widths[last]) or [""]
            out.append(line([*r[:last], pieces[0]]))
            out += [line([""] * last + [p]) for p in pieces[1:]]
        else:
            out.append(line(r))
    if limit is not None and table.n_rows > limit:
        out.append(f"... {plural(table.n_rows - limit, 'more row')}")
    return out


def render_terminal(
    report: Report, *, color: bool = False, width: int = _WIDTH, rows: int = _ROWS
) -> str:
    """Return the report as plain text for a terminal (``color``: ANSI bold headings).

    Lines are at most ``width`` characters: a table's last text column wraps onto
    continuation lines, other long text cells are cut with "…". A skipped
    section shows why; a chart is named (it is drawn in the HTML report).

    Parameters
    ----------
    report : Report
        The report, from :func:`build_report`.
    color : bool
        Bold and coloured headings with ANSI escape codes (for a terminal that
        shows them).
    width : int
        Maximum line length in characters (at least 40).
    rows : int
        Rows shown per table (at least 1); longer tables end with a line
        counting the rows left out (every row is in :func:`write_tables`).

    Returns
    -------
    str
        The text, ending with a newline.

    Raises
    ------
    InvalidParameterError
        ``report`` is not a :class:`Report`, ``rows`` is not an integer >= 1
        or ``width`` is not an integer >= 40.

    Examples
    --------
    >>> import datetime as dt
    >>> from kamcore.report import ReportInput, build_report, render_terminal
    >>> report = build_report(ReportInput(
    ...     accounts={"id": ["A1", "A2", "A3"], "sales_last_year": [120.0, 80.0, 30.0]},
    ...     source="three accounts", as_of=dt.date(2024, 12, 31)))
    >>> text = render_terminal(report, width=60)
    >>> text.splitlines()[0].startswith(report.title)
    True
    >>> max(len(line) for line in text.splitlines()) <= 60
    True
    """
    check_report(report)
    check_rows(rows)
    if isinstance(width, bool) or not isinstance(width, int) or width < 40:
        raise InvalidParameterError(f"'width' must be an integer >= 40; got {width!r}.")

    def head(text: str, style: str = "", indent: str = "") -> list[str]:
        lines = textwrap.wrap(
            text, width, initial_indent=indent, subsequent_indent=indent + "  "
        ) or [indent]
        return [f"{style}{line}{_RESET}" if color and style else line for line in lines]

    out = [
        *head(f"{report.title} (kamcore {__version__})", _BOLD),
        *head(f"data: {report.source}"),
        *head(
            f"as of {report.as_of}; {report.n_accounts:,} accounts"
            + (f"; money in {report.currency}" if report.currency else "")
        ),
    ]
    for n, section in enumerate(report.sections, start=1):
        out += ["", *head(f"{n}. {section.title}", _BOLD + _CYAN)]
        if section.skipped:
            out += head(f"skipped: {section.skipped}", _DIM, "   ")
            continue
        for line in section.lines:
            out += head(line, "", "   ")
        for table in section.tables:
            if table.n_rows == 0:
                continue
            out += ["", *head(table.title, _BOLD, "   ")]
            out += [f"   {r}" for r in _text_table(table, width - 3, rows)]
            if table.note:
                out += head(table.note, "", "   ")
        if section.charts:
            names = ", ".join(c.title for c in section.charts)
            out += head(f"chart in the HTML report: {names}", _DIM, "   ")
    return "\n".join(out) + "\n"


def render_markdown(report: Report, *, rows: int = 20) -> str:
    """Return the report as GitHub-flavoured Markdown (tables as pipe tables).

    One ``##`` heading per section; findings as a list; each table under its
    bold title; a skipped section says why in italics.

    Parameters
    ----------
    report : Report
        The report, from :func:`build_report`.
    rows : int
        Rows shown per table (at least 1); longer tables end with a line
        counting the rows left out (every row is in :func:`write_tables`).

    Returns
    -------
    str
        The Markdown text, ending with a newline.

    Raises
    ------
    InvalidParameterError
        ``report`` is not a :class:`Report` or ``rows`` is not an integer >= 1.

    Examples
    --------
    >>> import datetime as dt
    >>> from kamcore.report import ReportInput, build_report, render_markdown
    >>> report = build_report(ReportInput(
    ...     accounts={"id": ["A1", "A2", "A3"], "sales_last_year": [120.0, 80.0, 30.0]},
    ...     source="three accounts", as_of=dt.date(2024, 12, 31)))
    >>> text = render_markdown(report)
    >>> text.splitlines()[0] == "# " + report.title
    True
    >>> f"## {report.sections[0].title}" in text
    True
    """
    check_report(report)
    check_rows(rows)

    def esc(s: str) -> str:
        return s.replace("|", "\\|").replace("\n", " ")

    out = [
        f"# {report.title}",
        "",
        f"*Data: {esc(report.source)}. As of {report.as_of}; {report.n_accounts:,} accounts"
        + (f"; money in {report.currency}" if report.currency else "")
        + f". kamcore {__version__}.*",
    ]
    for section in report.sections:
        out += ["", f"## {section.title}", ""]
        if section.skipped:
            out.append(f"*Skipped: {esc(section.skipped)}*")
            continue
        out += [f"- {esc(line)}" for line in section.lines]
        for table in section.tables:
            if table.n_rows == 0:
                continue
            names = list(table.columns)
            numeric = [_numeric(table.columns[c]) for c in names]
            out += ["", f"**{esc(table.title)}**", ""]
            out.append("| " + " | ".join(esc(c) for c in names) + " |")
            out.append("|" + "|".join("---:" if k else "---" for k in numeric) + "|")
            for r in table.rows(rows):
                cells = [esc(_cell(v, c)) for v, c in zip(r, names, strict=True)]
                out.append("| " + " | ".join(cells) + " |")
            if table.n_rows > rows:
                out.append(f"\n*... {plural(table.n_rows - rows, 'more row')}*")
    return "\n".join(out) + "\n"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def json_document(report: Report) -> dict[str, Any]:
    """Return the report as a JSON-ready dict (see :func:`json_schema`).

    Plain Python values only (str, int, float, bool, None, list, dict): every
    table row in full, non-finite numbers as None, dates as ISO strings.
    :func:`render_json` is this dict as text.

    Parameters
    ----------
    report : Report
        The report, from :func:`build_report`.

    Returns
    -------
    dict
        The document: ``schema`` (``"kamcore.report"``), ``schema_version``,
        ``kamcore_version``, ``title``, ``source``, ``as_of``, ``currency``,
        ``n_accounts`` and ``sections`` (each with its ``key``, ``title``,
        ``skipped``, ``lines``, ``figures``, ``tables`` and ``charts``).

    Raises
    ------
    InvalidParameterError
        ``report`` is not a :class:`Report`.

    Examples
    --------
    >>> import datetime as dt
    >>> from kamcore.report import ReportInput, build_report, json_document
    >>> report = build_report(ReportInput(
    ...     accounts={"id": ["A1", "A2", "A3"], "sales_last_year": [120.0, 80.0, 30.0]},
    ...     source="three accounts", as_of=dt.date(2024, 12, 31)))
    >>> doc = json_document(report)
    >>> doc["schema"], doc["schema_version"], doc["n_accounts"]
    ('kamcore.report', '1.0', 3)
    >>> table = doc["sections"][1]["tables"][0]
    >>> table["columns"], table["rows"][0]
    (['abc_class', 'accounts', 'sales_share'], ['ABC-A', 2, 0.8695652173913043])
    """
    check_report(report)
    sections = [
        {
            "key": s.key,
            "title": s.title,
            "skipped": s.skipped,
            "lines": list(s.lines),
            "figures": _jsonable(s.figures),
            "tables": [
                {
                    "key": t.key,
                    "title": t.title,
                    "note": t.note,
                    "columns": list(t.columns),
                    "rows": _jsonable(t.rows()),
                }
                for t in s.tables
            ],
            "charts": [{"key": c.key, "title": c.title} for c in s.charts],
        }
        for s in report.sections
    ]
    return {
        "schema": "kamcore.report",
        "schema_version": report.schema_version,
        "kamcore_version": __version__,
        "title": report.title,
        "source": report.source,
        "as_of": report.as_of,
        "currency": report.currency,
        "n_accounts": report.n_accounts,
        "sections": sections,
    }


def render_json(report: Report) -> str:
    """Return the report as a JSON document (stable keys; schema :func:`json_schema`).

    The text of :func:`json_document`, indented by two spaces, UTF-8 characters
    kept as they are.

    Parameters
    ----------
    report : Report
        The report, from :func:`build_report`.

    Returns
    -------
    str
        The JSON text, ending with a newline.

    Raises
    ------
    InvalidParameterError
        ``report`` is not a :class:`Report`.

    Examples
    --------
    >>> import json
    >>> import datetime as dt
    >>> from kamcore.report import ReportInput, build_report, render_json
    >>> report = build_report(ReportInput(
    ...     accounts={"id": ["A1", "A2", "A3"], "sales_last_year": [120.0, 80.0, 30.0]},
    ...     source="three accounts", as_of=dt.date(2024, 12, 31)))
    >>> doc = json.loads(render_json(report))
    >>> doc["source"], doc["as_of"], doc["currency"]
    ('three accounts', '2024-12-31', None)
    """
    return json.dumps(json_document(report), indent=2, ensure_ascii=False) + "\n"


def json_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of :func:`render_json` documents.

    A validator such as ``jsonschema`` checks a stored report against it; the
    schema's version follows :data:`SCHEMA_VERSION`.

    Returns
    -------
    dict
        The schema, a fresh dict on each call.

    Examples
    --------
    >>> from kamcore.report import json_schema
    >>> schema = json_schema()
    >>> schema["$schema"]
    'https://json-schema.org/draft/2020-12/schema'
    >>> "sections" in schema["required"]
    True
    """
    text = resources.files("kamcore.report").joinpath("report.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
