"""The ``kamcore`` command line: ``main(argv) -> int``.

Sub-commands
------------
``kamcore report``
    The key-account report: on the generated demo data without arguments,
    or on your files (``--accounts`` plus optional ``--transactions``,
    ``--surveys``, ``--contacts``, ``--switching``, ``--complaints``,
    ``--grades``; CSV, Parquet or JSON Lines; columns mapped with ``--map`` or
    ``--map-file``). Printed for the terminal, or as ``--format json`` /
    ``markdown``; ``--html FILE`` writes one self-contained page and ``--out
    DIR`` every table as CSV or Parquet.
``kamcore demo``
    Summarise the embedded demo portfolio: accounts, relationship types,
    lifecycle stages and revenue concentration.
``kamcore summarize LOG.csv``
    Summarise a transaction log (CSV with ``customer_id,date,amount`` columns)
    into per-customer repeat-buying columns, written as CSV to stdout.

Errors
------
Bad input (every :class:`~kamcore.errors.KamcoreError`, a missing or
unreadable file, a malformed CSV, a value that does not parse) ends with one
line ``kamcore: error: ...`` on stderr and exit status 2; an unexpected
internal error ends with a short message and exit status 1. ``--debug`` shows
the traceback instead.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import math
import os
import pathlib
import sys
from collections.abc import Sequence
from typing import Any, NoReturn, TextIO

import numpy as np
from numpy.typing import NDArray

from kamcore._params import unknown_column
from kamcore._version import __version__
from kamcore.errors import InvalidParameterError, KamcoreError
from kamcore.transactions import TIME_UNITS

__all__ = ["main"]


class _UsageError(Exception):
    """A command-line usage error (unknown option, bad choice): exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors that suggest the closest option."""

    def error(self, message: str) -> NoReturn:
        if message.startswith("unrecognized arguments:"):
            known = [o for a in self._actions for o in a.option_strings]
            for sub in self._subparsers._group_actions if self._subparsers else []:
                for p in getattr(sub, "choices", {}).values():
                    known += [o for a in p._actions for o in a.option_strings]
            bad = [w for w in message.split(":", 1)[1].split() if w.startswith("-")]
            if bad:
                close = difflib.get_close_matches(bad[0].split("=")[0], known, n=1)
                if close:
                    message += f". Did you mean {close[0]}?"
        raise _UsageError(
            f"{message} (see kamcore {self.prog.split()[-1]} --help)"
            if " " in self.prog
            else f"{message} (see kamcore --help)"
        )


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kamcore",
        description="kamcore: the key-account-management domain model.",
    )
    parser.add_argument("--version", action="version", version=f"kamcore {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the full traceback when an error occurs"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    _add_report(sub)
    demo = sub.add_parser(
        "demo", help="one-screen summary of the 40-account sample, optionally as a role sees it"
    )
    demo.add_argument(
        "--role",
        default=None,
        help="show only what this role may see (default policy: sales, account_manager, "
        "executive); default: everything",
    )
    demo.add_argument(
        "--access-policy", default=None, help="a policy TOML file (default: the built-in one)"
    )
    summ = sub.add_parser("summarize", help="summarise a transaction log CSV per customer")
    summ.add_argument("path", help="CSV file with customer_id,date,amount columns")
    summ.add_argument(
        "--time-unit",
        default="D",
        help="D (days), W (7 days), M, Q, Y (365.25/12, /4, /1 days) or days; default D",
    )
    summ.add_argument("--observation-end", default=None, help="ISO date; default: last date")
    return parser


def _add_report(sub: Any) -> None:
    rep = sub.add_parser(
        "report",
        help="the key-account report (demo data, or your files with --accounts)",
        description="The key-account report. Without --accounts it runs on the generated demo "
        "data. Files may be CSV, Parquet or JSON Lines; see docs/report.md for the columns.",
    )
    files = rep.add_argument_group("input files (CSV, Parquet or JSON Lines)")
    files.add_argument("--accounts", metavar="FILE", help="one row per account (id, ...)")
    files.add_argument("--transactions", metavar="FILE", help="customer_id, date, amount")
    files.add_argument("--surveys", metavar="FILE", help="customer_id, p_q1..p_q22, e_q1..e_q22")
    files.add_argument("--contacts", metavar="FILE", help="customer_id, role, ...")
    files.add_argument("--switching", metavar="FILE", help="customer_id, facet, strength, ...")
    files.add_argument("--complaints", metavar="FILE", help="customer_id, received, resolved")
    files.add_argument("--grades", metavar="FILE", help="grade history: as_of, customer_id, grade")
    files.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="NAME=COLUMN,...",
        help="map the library's column names to your file's, e.g. id=AccountId,date=OrderDate",
    )
    files.add_argument("--map-file", metavar="FILE", help="the mapping as a TOML file")
    files.add_argument("--encoding", default="utf-8", help="text encoding of the files (utf-8)")
    files.add_argument(
        "--as-of", default=None, metavar="DATE", help="ISO date the report describes"
    )
    files.add_argument("--seed", type=int, default=None, help="demo data seed (demo only)")
    outs = rep.add_argument_group("output")
    outs.add_argument(
        "--format",
        choices=("terminal", "json", "markdown"),
        default="terminal",
        help="what goes to standard output (default terminal)",
    )
    outs.add_argument("--html", metavar="FILE", help="also write a self-contained HTML report")
    outs.add_argument("--out", metavar="DIR", help="also write every table to DIR")
    outs.add_argument(
        "--out-format", choices=("csv", "parquet"), default="csv", help="table files (csv)"
    )
    outs.add_argument(
        "--unsafe-csv",
        action="store_true",
        help="keep text cells starting with = + - @ as they are (default: neutralised)",
    )
    outs.add_argument("--no-color", action="store_true", help="no colour, even on a terminal")
    outs.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")


def _labels(labels: NDArray[np.str_] | None) -> NDArray[np.str_]:
    if labels is None:  # the built-in rubric and pareto scorers always label
        raise KamcoreError("the scorer returned no labels")
    return labels


def _demo(out: TextIO, role: str | None = None, policy_path: str | None = None) -> int:
    from kamcore.access import AccessPolicy
    from kamcore.clp import stage_lifetime_profit
    from kamcore.data import load_demo_portfolio
    from kamcore.domain import MANAGEMENT_FOCUS, LifecycleStage
    from kamcore.metrics import gini, top_share
    from kamcore.scoring import get_scorer

    p = load_demo_portfolio()
    sales = p["sales_last_year"]
    profit = p["profit_last_year"]
    cur = p.currency("sales_last_year")
    # Grades and classes are computed on the whole account, as the firm does;
    # what is printed follows the role's view (profit and CLP are confidential).
    show_profit = True
    view_line = None
    if role is not None or policy_path is not None:
        if policy_path is None:
            policy = AccessPolicy.default()
        else:
            policy = AccessPolicy.from_toml(pathlib.Path(policy_path))
        if role is None:
            raise InvalidParameterError("'--role' must be given with '--access-policy'.")
        visible = policy.visible_columns(p, role)
        show_profit = "profit_last_year" in visible
        hidden = [c for c in p.column_names if c not in visible]
        view_line = f"view: role {role!r}; columns withheld: {', '.join(hidden) or 'none'}"
    print(f"kamcore {__version__} - demo portfolio", file=out)
    if view_line is not None:
        print(view_line, file=out)
    print(f"accounts: {len(p)}", file=out)
    names, counts = np.unique(p["relationship_type"], return_counts=True)
    parts = ", ".join(f"{n} {c}" for n, c in zip(names.tolist(), counts.tolist(), strict=True))
    print(f"relationship types: {parts}", file=out)
    print("lifecycle stages (and the management focus now):", file=out)
    for stage in LifecycleStage:
        n = int(np.count_nonzero(p["stage"] == stage.value))
        focus = MANAGEMENT_FOCUS.get(stage, "")
        print(f"  {stage.value:<12} {n:>3}  {focus}", file=out)
    profit_total = f"; profit: {profit.sum():,.0f} {cur}" if show_profit else ""
    print(f"sales last year: {sales.sum():,.0f} {cur}{profit_total}", file=out)
    profit_share = f" and {top_share(profit, 0.2):.0%} of profit" if show_profit else ""
    print(
        f"concentration: top 20% of accounts bring {top_share(sales, 0.2):.0%} of sales"
        f"{profit_share}; Gini of sales {gini(sales):.2f}",
        file=out,
    )
    grades = _labels(get_scorer("rubric").score(p).grades)
    abc = _labels(get_scorer("pareto", column="profit_last_year").score(p).classes)
    tables = [("rubric grades", grades)]
    if show_profit:
        tables.append(("ABC by profit (Pareto, not the five classes)", abc))
    for title, labels in tables:
        levels, counts = np.unique(labels, return_counts=True)
        dist = ", ".join(f"{g} {c}" for g, c in zip(levels.tolist(), counts.tolist(), strict=True))
        print(f"{title}: {dist}", file=out)
    # illustrative: the default stage profile scaled by each account's profit
    clp = stage_lifetime_profit(p["stage"], 0.1, scale=profit)
    if show_profit:
        print(
            f"customer equity (stage-shaped CLP, default profile, d = 10%): {clp.sum():,.0f} {cur}",
            file=out,
        )
    print("largest accounts:", file=out)
    for i in np.argsort(sales)[::-1][:5].tolist():
        extra = f"  ABC {abc[i]}" if show_profit else ""
        money = f"  CLP {clp[i]:>12,.0f} {cur}" if show_profit else f" {cur}"
        print(
            f"  {p.ids[i]}  {p['name'][i]:<20} grade {grades[i]}{extra}  "
            f"{p['stage'][i]:<11} sales {sales[i]:>12,.0f}{money}",
            file=out,
        )
    return 0


def _time_unit(value: str) -> str | float:
    """Return a named time unit (D, W, M, Q, Y) or a number of days parsed from ``--time-unit``."""
    if value in TIME_UNITS:
        return value
    try:
        days = float(value)
    except ValueError:
        days = math.nan
    if not math.isfinite(days):
        hint = f" Did you mean {value.upper()!r}?" if value.upper() in TIME_UNITS else ""
        raise InvalidParameterError(
            f"'--time-unit' must be one of {', '.join(TIME_UNITS)} or a positive number of days; "
            f"got {value!r}.{hint}"
        )
    return days


def _read_log(path: str) -> tuple[list[str], list[str], list[float]]:
    """Read the ``customer_id,date,amount`` columns of a CSV transaction log."""
    needed = ("customer_id", "date", "amount")
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            header = list(reader.fieldnames or [])
            missing = [c for c in needed if c not in header]
            if missing:
                raise unknown_column(
                    missing[0],
                    header,
                    lead=f"{path}: missing columns {missing}",
                    remedy="The log needs the columns customer_id, date and amount.",
                )
            rows = list(reader)
    except UnicodeDecodeError as exc:
        raise InvalidParameterError(f"{path}: not a UTF-8 text file ({exc}).") from None
    except csv.Error as exc:
        raise InvalidParameterError(f"{path}: not a readable CSV file ({exc}).") from None
    ids, dates, amounts = [], [], []
    for line, row in enumerate(rows, start=2):  # line 1 is the header
        values = [row.get(c) for c in needed]
        if any(v is None for v in values):
            raise InvalidParameterError(
                f"{path}, line {line}: every row needs customer_id, date and amount; "
                f"got {list(row.values())!r}."
            )
        cid, day, amount = (str(v) for v in values)
        try:
            amounts.append(float(amount))
        except ValueError:
            raise InvalidParameterError(
                f"{path}, line {line}: 'amount' must be a number; got {amount!r}."
            ) from None
        ids.append(cid)
        dates.append(day)
    return ids, dates, amounts


def _summarize(path: str, time_unit: str, end: str | None, out: TextIO) -> int:
    from kamcore.transactions import summarize_transactions

    unit = _time_unit(time_unit)
    ids, dates, amounts = _read_log(path)
    s = summarize_transactions(
        ids,
        dates,
        amounts,
        observation_end=end,
        time_unit=unit,
    )
    cols = s.columns()
    writer = csv.writer(out)
    writer.writerow(["customer_id", *cols])
    for i in range(len(s)):
        writer.writerow([s.ids[i], *(cols[k][i] for k in cols)])
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``kamcore`` command; return the process exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name; ``sys.argv[1:]`` when None.

    Returns
    -------
    int
        The exit status: 0 on success, 2 when the input is refused (a
        :class:`~kamcore.errors.KamcoreError` or an unreadable file; its message
        is printed on one line).

    Raises
    ------
    SystemExit
        From the argument parser, for ``--help``, ``--version`` and unknown
        options (as every command-line program does).

    Examples
    --------
    >>> main(["demo"])  # doctest: +ELLIPSIS
    kamcore ... - demo portfolio
    accounts: 40
    ...
    0
    """
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except _UsageError as exc:
        print(f"kamcore: error: {exc}", file=sys.stderr)
        return 2
    out = sys.stdout
    try:
        if args.command == "report":
            from kamcore.cli._report import run_report

            return run_report(args, out, sys.stderr)
        if args.command == "demo":
            return _demo(out, args.role, args.access_policy)
        if args.command == "summarize":
            return _summarize(args.path, args.time_unit, args.observation_end, out)
    except BrokenPipeError:  # e.g. `kamcore demo | head`: the reader left, not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except (KamcoreError, OSError) as exc:  # bad input: one line, no traceback
        if args.debug:
            raise
        print(f"kamcore: error: {_describe(exc)}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug in kamcore, not in the input
        if args.debug:
            raise
        print(
            f"kamcore: internal error: {type(exc).__name__}: {exc} "
            "(rerun with --debug for the traceback and please report it)",
            file=sys.stderr,
        )
        return 1
    parser.print_help(out)
    return 0


def _describe(exc: BaseException) -> str:
    """Return the one-line message of an input error (files named as the OS reports them)."""
    if isinstance(exc, OSError) and exc.strerror and exc.filename is not None:
        return f"{exc.filename}: {exc.strerror}"
    return str(exc)
