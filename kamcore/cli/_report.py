"""``kamcore report``: read the inputs, build the report once, render it."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import pathlib
import time
from typing import Any, TextIO

from kamcore.errors import InvalidParameterError

__all__ = ["run_report"]

_SIDE_TABLES = (
    ("transactions", "transactions"),
    ("surveys", "surveys"),
    ("contacts", "contacts"),
    ("switching", "switching"),
    ("complaints", "complaints"),
    ("grades", "grades"),
)


class Progress:
    """Progress lines on stderr: one updating line on a terminal, nothing when piped or quiet.

    Plain stderr lines rather than rich or tqdm: the report's steps are few
    and long, so a step name and a row count say all there is to say, and the
    command stays free of another dependency.
    """

    def __init__(self, err: TextIO, enabled: bool) -> None:
        self._err = err
        self.enabled = enabled
        self._start = time.monotonic()
        self._width = 0

    def _show(self, text: str) -> None:
        if not self.enabled:
            return
        line = f"kamcore: {text} ({time.monotonic() - self._start:.1f}s)"
        self._err.write("\r" + line.ljust(self._width))
        self._err.flush()
        self._width = len(line)

    def step(self, name: str) -> None:
        """Show the step that starts."""
        if name == "done":
            self.clear()
        else:
            self._show(name + " ...")

    def rows(self, what: str) -> Any:
        """Return a callback showing the rows read of ``what``."""
        from kamcore.report._wording import plural

        return lambda n: self._show(f"reading {what}: {plural(n, 'row')}")

    def clear(self) -> None:
        """Erase the progress line."""
        if self.enabled and self._width:
            self._err.write("\r" + " " * self._width + "\r")
            self._err.flush()
            self._width = 0


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def run_report(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``kamcore report`` with parsed arguments; return the exit status."""
    from kamcore.report import (
        ReportInput,
        build_report,
        render_html,
        render_json,
        render_markdown,
        render_terminal,
        write_tables,
    )

    progress = Progress(err, enabled=not args.quiet and _isatty(err))
    as_of = None
    if args.as_of is not None:
        try:
            as_of = dt.date.fromisoformat(args.as_of)
        except ValueError:
            raise InvalidParameterError(
                f"'--as-of' must be an ISO date like 2024-12-31; got {args.as_of!r}."
            ) from None
    given = [flag for flag, _ in _SIDE_TABLES if getattr(args, flag) is not None]
    if args.accounts is None:
        if given or args.map or args.map_file:
            raise InvalidParameterError(
                f"'--{given[0] if given else 'map'}' needs '--accounts FILE' (without input "
                "files the report runs on the demo data)."
            )
        from kamcore.data import DEFAULT_SEED, demo

        progress.step("generating the demo data")
        seed = DEFAULT_SEED if args.seed is None else args.seed
        inputs = ReportInput.from_demo(demo(seed))
        if as_of is not None:
            import attrs

            inputs = attrs.evolve(inputs, as_of=as_of)
    else:
        if args.seed is not None:
            raise InvalidParameterError("'--seed' applies to the demo data only.")
        from kamcore.io.tables import parse_mapping, read_mapping_file, read_table

        mapping = read_mapping_file(args.map_file) if args.map_file else {}
        for key, value in parse_mapping(args.map).items():
            mapping[key] = value
        tables: dict[str, Any] = {}
        for flag, kind in (("accounts", "accounts"), *_SIDE_TABLES):
            path = getattr(args, flag)
            if path is None:
                continue
            tables[kind] = read_table(
                path,
                kind,
                mapping=mapping,
                encoding=args.encoding,
                progress=progress.rows(kind) if progress.enabled else None,
            )
        sources = ", ".join(
            os.path.basename(getattr(args, f))
            for f, _ in (("accounts", ""), *_SIDE_TABLES)
            if getattr(args, f) is not None
        )
        inputs = ReportInput(source=sources, as_of=as_of, **tables)
    report = build_report(inputs, progress=progress.step)
    if args.html:
        progress.step("drawing the charts")
        html = render_html(report)
        pathlib.Path(args.html).write_text(html, encoding="utf-8")
    if args.out:
        progress.step("writing the tables")
        write_tables(report, args.out, fmt=args.out_format, safe=not args.unsafe_csv)
    progress.clear()
    if args.format == "json":
        out.write(render_json(report))
    elif args.format == "markdown":
        out.write(render_markdown(report))
    else:
        color = not args.no_color and "NO_COLOR" not in os.environ and _isatty(out)
        out.write(render_terminal(report, color=color))
    if args.html and not args.quiet:
        print(f"kamcore: wrote {args.html}", file=err)
    if args.out and not args.quiet:
        print(f"kamcore: wrote {len(report.tables())} tables to {args.out}", file=err)
    return 0
