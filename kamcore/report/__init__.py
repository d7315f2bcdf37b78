"""The key-account report: computed once into plain data, rendered at the edge.

- :func:`build_report` turns :class:`ReportInput` tables into a frozen
  :class:`Report` of :class:`Section` objects (findings, headline figures,
  :class:`Table` and :class:`Chart` objects); every number comes from the
  library's calculators.
- Renderers: :func:`render_terminal`, :func:`render_markdown`,
  :func:`render_json` (a versioned document; its JSON schema is
  :func:`json_schema`), :func:`render_html` (one self-contained page with the
  charts inline as SVG) and :func:`write_tables` (every table as CSV or
  Parquet).
"""

from __future__ import annotations

from kamcore.report._build import ReportInput, build_report
from kamcore.report._html import neutralise, render_html, write_tables
from kamcore.report._model import SCHEMA_VERSION, Chart, Report, Section, Table
from kamcore.report._render import (
    json_document,
    json_schema,
    render_json,
    render_markdown,
    render_terminal,
)

__all__ = [
    "SCHEMA_VERSION",
    "Chart",
    "Report",
    "ReportInput",
    "Section",
    "Table",
    "build_report",
    "json_document",
    "json_schema",
    "neutralise",
    "render_html",
    "render_json",
    "render_markdown",
    "render_terminal",
    "write_tables",
]
