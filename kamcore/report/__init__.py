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
from kamcore.report._model import SCHEMA_VERSION, Chart, Report, Section, Table

__all__ = [
    "SCHEMA_VERSION",
    "Chart",
    "Report",
    "ReportInput",
    "Section",
    "Table",
    "build_report",
]
