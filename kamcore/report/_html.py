"""The HTML report (one self-contained page, charts inline as SVG) and the table files."""

from __future__ import annotations

import csv
import html
import io
import pathlib
import textwrap
from typing import Any, Final

from kamcore._optional import require
from kamcore._version import __version__
from kamcore.errors import InvalidParameterError
from kamcore.report._model import Report, Table, check_report, check_rows
from kamcore.report._render import _cell, _numeric
from kamcore.report._wording import SHORT_TITLES, plural

__all__ = ["chart_svg", "neutralise", "render_html", "write_tables"]

_CSS: Final = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2733;
background:#f5f7fa}
header{background:#1f3a5f;color:#fff;padding:24px 40px}header h1{margin:0 0 6px;font-size:26px}
header p{margin:2px 0;opacity:.85}nav{padding:10px 40px;background:#e6ebf2;font-size:14px}
nav a{margin-right:14px;white-space:nowrap;color:#1f3a5f;text-decoration:none}
main{max-width:1180px;margin:0 auto;padding:10px 40px 40px}
section{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.08);
margin:18px 0;padding:18px 24px}
h2{margin:0 0 10px;font-size:20px;color:#1f3a5f}ul.lines{margin:0 0 10px;padding-left:20px}
table{border-collapse:collapse;margin:4px 0 6px;font-size:13px}
.row{display:flex;flex-wrap:wrap;gap:22px;align-items:flex-start}
.tbl h3{font-size:14px;margin:6px 0 2px;color:#33414f}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0 0}
.card{background:#fff;color:#1d2733;border-radius:8px;padding:10px 16px;min-width:128px;
box-shadow:0 1px 3px rgba(0,0,0,.08)}.card b{display:block;font-size:20px;color:#1f3a5f}
.card span{font-size:12px;color:#52606d}
th,td{padding:4px 10px;border-bottom:1px solid #e3e7ee;text-align:left;vertical-align:top}
td:not(:last-child){white-space:nowrap}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}th{background:#f0f3f7}
.skipped{color:#7a8696;font-style:italic}.charts{display:flex;flex-wrap:wrap;gap:16px}
figure{margin:0}figcaption{font-size:13px;color:#52606d}figure svg{max-width:540px;height:auto}
footer{text-align:center;color:#7a8696;font-size:12px;padding:20px}
"""


def _tidy(ax: Any, display: Any, currency: str | None) -> None:
    """Write a chart's numbers as the tables do: separators, no 1e6 offsets, money with currency."""
    ticker = require("matplotlib.ticker")
    for axis in (ax.xaxis, ax.yaxis):
        lo, hi = axis.get_view_interval()
        if max(abs(lo), abs(hi)) >= 10_000:
            axis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    unit = f" {currency}" if currency else ""
    if all(hasattr(display, k) for k in ("total", "mean", "median", "label")):
        ax.set_title(f"Distribution of {display.label} (total {display.total:,.0f}{unit})")
        ax.set_xlabel(f"{display.label} per account{unit and f' ({currency})'}")
        ax.set_ylabel("accounts")
        lines = ax.get_lines()[:2]  # the mean and median lines, in that order
        labels = [f"mean {display.mean:,.0f}{unit}", f"median {display.median:,.0f}{unit}"]
        ax.legend(lines, labels)
    for axis_label, most in ((ax.xaxis.label, 60), (ax.yaxis.label, 34)):
        text = axis_label.get_text()
        if len(text) > most:  # a long label would be cut at the figure's edge
            axis_label.set_text(textwrap.fill(text, most - 4))


def chart_svg(
    display: Any, *, width: float = 6.0, height: float = 3.8, currency: str | None = None
) -> str:
    """Draw a Display with matplotlib (no pyplot, no GUI) and return the ``<svg>`` element.

    Axis ticks of 10,000 and more get thousands separators (no "1e6" offset);
    a distribution of money states its total, mean and median in whole
    ``currency`` units; a y-axis label longer than 34 characters (x: 60) wraps.
    """
    figure_mod = require("matplotlib.figure")
    fig = figure_mod.Figure(figsize=(width, height), layout="constrained")
    ax = fig.add_subplot()
    display.plot(ax=ax)
    _tidy(ax, display, currency)
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    start = text.find("<svg")
    return text[start:] if start >= 0 else text


def _html_table(table: Table, limit: int) -> str:
    names = list(table.columns)
    numeric = [_numeric(table.columns[c]) for c in names]
    head = "".join(
        f'<th class="num">{html.escape(c)}</th>' if k else f"<th>{html.escape(c)}</th>"
        for c, k in zip(names, numeric, strict=True)
    )
    body = []
    for r in table.rows(limit):
        cells = "".join(
            f'<td class="num">{html.escape(_cell(v, c))}</td>'
            if k
            else f"<td>{html.escape(_cell(v, c))}</td>"
            for v, c, k in zip(r, names, numeric, strict=True)
        )
        body.append(f"<tr>{cells}</tr>")
    more = (
        f'<p class="skipped">{plural(table.n_rows - limit, "more row")} '
        "in the table files (--out).</p>"
        if table.n_rows > limit
        else ""
    )
    return (
        f'<div class="tbl"><h3>{html.escape(table.title)}</h3>'
        f'<table data-table="{html.escape(table.key)}">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}</div>"
    )


def _cards(report: Report) -> str:
    """Return the headline figures as cards (those the report has)."""
    figs: dict[str, Any] = {}
    for s in report.sections:
        for k, v in s.figures.items():
            figs[f"{s.key}.{k}"] = v
    cur = f" {report.currency}" if report.currency else ""
    wanted = [
        ("overview.active_accounts", "active accounts", "{:,}"),
        ("overview.sales_last_year", "sales last year", "{:,.0f}" + cur),
        ("overview.profit_last_year", "profit last year", "{:,.0f}" + cur),
        ("concentration.top20_share_of_sales", "of sales from the top 20%", "{:.0%}"),
        ("clp.customer_equity", "customer equity (sum of CLP)", "{:,.0f}" + cur),
        ("satisfaction.overall_gap", "satisfaction gap (perceived - expected)", "{:+.2f}"),
    ]
    cards = [
        f'<div class="card"><b>{html.escape(fmt.format(figs[key]))}</b>'
        f"<span>{html.escape(label)}</span></div>"
        for key, label, fmt in wanted
        if figs.get(key) is not None
    ]
    risk = figs.get("churn_risk.risk_levels")
    if isinstance(risk, dict) and "high" in risk:
        cards.append(
            f'<div class="card"><b>{int(risk["high"]):,}</b>'
            "<span>active accounts at high churn risk</span></div>"
        )
    return f'<div class="cards">{"".join(cards)}</div>'


def _short(key: str, title: str) -> str:
    """Return the short title of a section for the navigation bar."""
    return SHORT_TITLES.get(key, title)


def render_html(report: Report, *, rows: int = 20) -> str:
    """Return the report as one self-contained HTML page (inline CSS and SVG; no scripts).

    Every section is a ``<section id="KEY">``; every chart a
    ``<figure data-chart="KEY">`` holding an inline ``<svg>`` drawn with
    matplotlib (without pyplot). Text from the input is HTML-escaped.

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
        The page, ``<!DOCTYPE html>`` first.

    Raises
    ------
    InvalidParameterError
        ``report`` is not a :class:`Report` or ``rows`` is not an integer >= 1.
    MissingOptionalDependencyError
        The report has a chart and matplotlib is not installed.

    Examples
    --------
    >>> import datetime as dt
    >>> from kamcore.report import ReportInput, build_report, render_html
    >>> report = build_report(ReportInput(
    ...     accounts={"id": ["A1", "A2", "A3"], "sales_last_year": [120.0, 80.0, 30.0]},
    ...     source="three accounts", as_of=dt.date(2024, 12, 31)))
    >>> page = render_html(report)
    >>> page.startswith("<!DOCTYPE html>"), '<section id="concentration">' in page
    (True, True)
    >>> '<figure data-chart="lorenz_sales">' in page, "<script" in page
    (True, False)
    """
    check_report(report)
    check_rows(rows)
    nav = "".join(
        f'<a href="#{s.key}">{html.escape(_short(s.key, s.title))}</a>' for s in report.sections
    )
    parts = []
    for s in report.sections:
        inner = [f"<h2>{html.escape(s.title)}</h2>"]
        if s.skipped:
            inner.append(f'<p class="skipped">Skipped: {html.escape(s.skipped)}</p>')
        else:
            inner.append(
                '<ul class="lines">'
                + "".join(f"<li>{html.escape(line)}</li>" for line in s.lines)
                + "</ul>"
            )
            figs = [
                f'<figure data-chart="{html.escape(c.key)}">'
                f"{chart_svg(c.display, currency=report.currency)}"
                f"<figcaption>{html.escape(c.title)}</figcaption></figure>"
                for c in s.charts
            ]
            tabs = [_html_table(t, rows) for t in s.tables if t.n_rows]
            inner.append(f'<div class="row">{"".join(figs + tabs)}</div>')
        parts.append(f'<section id="{html.escape(s.key)}">{"".join(inner)}</section>')
    cur = f"; money in {html.escape(report.currency)}" if report.currency else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(report.title)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{html.escape(report.title)}</h1>"
        f"<p>Data: {html.escape(report.source)}</p>"
        f"<p>As of {html.escape(report.as_of)}; {report.n_accounts:,} accounts{cur}</p>"
        f"{_cards(report)}</header>"
        f"<nav>{nav}</nav><main>{''.join(parts)}</main>"
        f"<footer>kamcore {html.escape(__version__)}</footer></body></html>\n"
    )


#: rows converted to Python values at a time when writing CSV
_CSV_ROWS: Final = 50_000

_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Return a text cell a spreadsheet would run as a formula with a leading apostrophe.

    Text beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return is
    prefixed with ``'``; numbers and other text are returned unchanged.
    :func:`write_tables` applies it to every CSV cell unless ``safe=False``.

    Parameters
    ----------
    value : object
        A table cell.

    Returns
    -------
    object
        ``value``, or ``"'" + value`` for text a spreadsheet would run as a
        formula.

    Raises
    ------
    None
        Any value is accepted.

    Examples
    --------
    >>> from kamcore.report import neutralise
    >>> neutralise("=HYPERLINK(1)"), neutralise("-5"), neutralise(-5.0), neutralise("Acme")
    ("'=HYPERLINK(1)", "'-5", -5.0, 'Acme')
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_tables(
    report: Report, directory: str | pathlib.Path, *, fmt: str = "csv", safe: bool = True
) -> list[pathlib.Path]:
    """Write every table of the report to ``directory`` (one file per table key).

    ``accounts`` holds one row per account, keyed by ``customer_id``; the
    section tables follow. CSV text cells that a spreadsheet would run as a
    formula are neutralised unless ``safe=False`` (see :func:`neutralise`);
    Parquet keeps the column types. Existing files of the same names are
    replaced.

    Parameters
    ----------
    report : Report
        The report, from :func:`build_report`.
    directory : str or pathlib.Path
        Folder for the files; created (with its parents) when missing.
    fmt : {"csv", "parquet"}
        File format: UTF-8 CSV with a header row, or Parquet (needs pyarrow).
    safe : bool
        Prefix CSV text cells that start like a spreadsheet formula with an
        apostrophe.

    Returns
    -------
    list of pathlib.Path
        The files written: ``accounts`` first, then each section's tables in
        reading order.

    Raises
    ------
    InvalidParameterError
        ``report`` is not a :class:`Report` or ``fmt`` is neither ``"csv"``
        nor ``"parquet"``.
    MissingOptionalDependencyError
        ``fmt="parquet"`` and pyarrow is not installed.
    OSError
        The folder cannot be created or a file cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> import datetime as dt
    >>> from kamcore.report import ReportInput, build_report, write_tables
    >>> report = build_report(ReportInput(
    ...     accounts={"id": ["A1", "A2", "A3"], "sales_last_year": [120.0, 80.0, 30.0]},
    ...     source="three accounts", as_of=dt.date(2024, 12, 31)))
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     paths = write_tables(report, folder)
    ...     header = paths[0].read_text(encoding="utf-8").splitlines()[0]
    >>> [p.name for p in paths][:3]
    ['accounts.csv', 'abc_classes.csv', 'pyramid.csv']
    >>> header.split(",")[:3]
    ['customer_id', 'name', 'sales_last_year']
    """
    check_report(report)
    if fmt not in ("csv", "parquet"):
        raise InvalidParameterError(f"'fmt' must be 'csv' or 'parquet'; got {fmt!r}.")
    out = pathlib.Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for table in report.tables():
        path = out / f"{table.key}.{fmt}"
        if fmt == "parquet":
            pa = require("pyarrow")
            pq = require("pyarrow.parquet")
            pq.write_table(pa.table(dict(table.columns.items())), path)
        else:
            with path.open("w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(list(table.columns))
                for start in range(0, table.n_rows, _CSV_ROWS):  # bounded memory
                    rows = table.rows(_CSV_ROWS, start=start)
                    if safe:
                        rows = [[neutralise(v) for v in row] for row in rows]
                    writer.writerows(rows)
        written.append(path)
    return written
