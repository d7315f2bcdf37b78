"""The kamcore command: demo, summarize, --version, errors."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import kamcore
from kamcore.cli import main


def test_version_flag(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"kamcore {kamcore.__version__}"


def test_python_dash_m_runs_the_same_command():
    out = subprocess.run(
        [sys.executable, "-m", "kamcore", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"kamcore {kamcore.__version__}"


def test_demo_summarises_the_embedded_portfolio(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "accounts: 40" in out
    assert "relationship types: ordinary 30, partnership 7, strategic 3" in out
    assert "stability     15" in out
    assert "top 20% of accounts bring" in out
    assert "rubric grades:" in out
    assert out.count("KA0") == 5


def test_summarize_writes_one_row_per_customer(tmp_path, capsys):
    log = tmp_path / "log.csv"
    log.write_text(
        "customer_id,date,amount\na,2024-01-01,10\na,2024-01-15,20\nb,2024-01-08,7\n",
        encoding="utf-8",
    )
    assert main(["summarize", str(log), "--time-unit", "W", "--observation-end", "2024-01-29"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("customer_id,frequency,recency,T,monetary_value")
    assert lines[1].startswith("a,1,2.0,4.0,20.0")
    assert lines[2].startswith("b,0,0.0,3.0,0.0")


def test_summarize_in_months(tmp_path, capsys):
    log = tmp_path / "log.csv"
    log.write_text("customer_id,date,amount\na,2024-01-01,10\na,2024-03-01,20\n", encoding="utf-8")
    assert main(["summarize", str(log), "--time-unit", "M", "--observation-end", "2024-03-01"]) == 0
    row = capsys.readouterr().out.strip().splitlines()[1].split(",")
    # 60 days between the purchases, a month being 365.25 / 12 days
    assert float(row[2]) == pytest.approx(60 / (365.25 / 12))


def test_bad_input_exits_2_with_a_message(tmp_path, capsys):
    log = tmp_path / "log.csv"
    log.write_text("customer_id,date,amount\na,2024-01-01,-5\n", encoding="utf-8")
    assert main(["summarize", str(log)]) == 2
    assert "'amounts' must be >= 0" in capsys.readouterr().err
    assert main(["summarize", str(tmp_path / "missing.csv")]) == 2
    bad = tmp_path / "cols.csv"
    bad.write_text("id,when\n", encoding="utf-8")
    assert main(["summarize", str(bad)]) == 2
    assert "missing columns" in capsys.readouterr().err


def test_no_command_prints_help(capsys):
    assert main([]) == 0
    assert "usage: kamcore" in capsys.readouterr().out


# --------------------------------------------------------------------------- errors: one line, exit 2
_LOG = "customer_id,date,amount\na,2024-01-01,10\n"


@pytest.mark.parametrize(
    ("content", "extra", "message"),
    [
        (_LOG, ["--time-unit", "X"], "'--time-unit' must be one of D, W, M, Q, Y or a positive"),
        (_LOG, ["--time-unit", "nan"], "'--time-unit' must be one of D, W"),
        (_LOG, ["--time-unit", "-2"], "'time_unit' must be a positive number of days"),
        (_LOG, ["--observation-end", "2024-13-01"], "'observation_end' must be dates"),
        ("customer_id,date,amount\na,2024-01-01,ten\n", [], "line 2: 'amount' must be a number"),
        ("customer_id,date,amount\na,2024-01-xx,1\n", [], "'dates' must be dates"),
        ("customer_id,date,amount\na,2024-01-01\n", [], "line 2: every row needs"),
        ("customer_id,date,amout\na,2024-01-01,1\n", [], "Did you mean 'amout'?"),
        ("", [], "missing columns ['customer_id', 'date', 'amount']"),
        (b"\xd0\xff\x00garbage", [], "not a UTF-8 text file"),
    ],
    ids=[
        "time-unit-letter",
        "time-unit-nan",
        "time-unit-negative",
        "bad-end",
        "non-numeric-amount",
        "bad-date",
        "short-row",
        "misspelt-column",
        "empty-file",
        "binary-file",
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exit_2(tmp_path, capsys, content, extra, message):
    log = tmp_path / "log.csv"
    if isinstance(content, bytes):
        log.write_bytes(content)
    else:
        log.write_text(content, encoding="utf-8")
    assert main(["summarize", str(log), *extra]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("kamcore: error: ")
    assert message in lines[0]
    assert "Traceback" not in captured.err


def test_missing_file_and_directory_exit_2(tmp_path, capsys):
    assert main(["summarize", str(tmp_path / "nope.csv")]) == 2
    err = capsys.readouterr().err
    assert err == f"kamcore: error: {tmp_path / 'nope.csv'}: No such file or directory\n"
    assert main(["summarize", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("kamcore: error: ")


def test_missing_columns_are_unknown_name_errors_under_debug(tmp_path):
    from kamcore.errors import UnknownNameError

    bad = tmp_path / "cols.csv"
    bad.write_text("id,when\n", encoding="utf-8")
    with pytest.raises(UnknownNameError, match="missing columns"):
        main(["--debug", "summarize", str(bad)])


def test_debug_shows_the_traceback(tmp_path):
    from kamcore.errors import InvalidParameterError

    log = tmp_path / "log.csv"
    log.write_text(_LOG, encoding="utf-8")
    with pytest.raises(InvalidParameterError, match="'--time-unit'"):
        main(["--debug", "summarize", str(log), "--time-unit", "X"])


def test_internal_errors_exit_1_with_a_short_message(monkeypatch, tmp_path, capsys):
    import kamcore.cli as cli

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(cli, "_summarize", broken)
    assert main(["summarize", str(tmp_path / "x.csv")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kamcore: internal error: ZeroDivisionError: division by zero")
    assert "--debug" in err
    assert "Traceback" not in err
    with pytest.raises(ZeroDivisionError):
        main(["--debug", "summarize", str(tmp_path / "x.csv")])


def test_installed_entry_point_reports_bad_input_without_traceback(tmp_path):
    import os
    import shutil
    from pathlib import Path

    exe = shutil.which("kamcore") or str(Path(sys.executable).with_name("kamcore"))
    if not Path(exe).exists():
        pytest.skip("the kamcore console script is not installed")
    log = tmp_path / "log.csv"
    log.write_text("customer_id,date,amount\na,2024-01-01,ten\n", encoding="utf-8")
    # run the entry point against this checkout's package, whatever the install points at
    env = {**os.environ, "PYTHONPATH": str(Path(kamcore.__file__).resolve().parents[1])}
    out = subprocess.run(
        [exe, "summarize", str(log), "--time-unit", "X"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr.startswith("kamcore: error: '--time-unit' must be one of D, W, M, Q, Y")
    assert "Traceback" not in out.stderr
    out = subprocess.run(
        [exe, "summarize", str(log)], capture_output=True, text=True, env=env, check=False
    )
    assert out.returncode == 2
    assert out.stderr == f"kamcore: error: {log}, line 2: 'amount' must be a number; got 'ten'.\n"


# --------------------------------------------------------------------------- access roles
def _profit_strings() -> list[str]:
    """Every profit-derived figure the full demo prints, as printed."""
    from kamcore.clp import stage_lifetime_profit
    from kamcore.data import load_demo_portfolio

    p = load_demo_portfolio()
    profit = p["profit_last_year"]
    clp = stage_lifetime_profit(p["stage"], 0.1, scale=profit)
    figures = [f"{profit.sum():,.0f}", f"{clp.sum():,.0f}"]
    figures += [f"{v:,.0f}" for v in clp[np.argsort(p["sales_last_year"])[::-1][:5]]]
    return figures


def test_demo_for_a_role_prints_no_withheld_figure(capsys):
    figures = _profit_strings()
    assert main(["demo"]) == 0
    full = capsys.readouterr().out
    assert all(f in full for f in figures)  # the search finds them when they are shown
    assert main(["demo", "--role", "sales"]) == 0
    out = capsys.readouterr().out
    assert "view: role 'sales'; columns withheld: profit_last_year" in out
    assert not [f for f in figures if f in out]
    assert "profit" not in out.replace("columns withheld: profit_last_year", "")
    assert "grade A" in out  # the grade is a KPI the role sees


def test_demo_for_a_role_that_sees_everything(capsys):
    assert main(["demo", "--role", "executive"]) == 0
    out = capsys.readouterr().out
    assert "columns withheld: none" in out
    assert all(f in out for f in _profit_strings())


def test_demo_with_an_unknown_role_or_policy_file(tmp_path, capsys):
    assert main(["demo", "--role", "intern"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kamcore: error: 'role' must be one of the policy's roles")
    assert main(["demo", "--access-policy", str(tmp_path / "missing.toml"), "--role", "x"]) == 2
    assert "missing.toml" in capsys.readouterr().err


def test_help_lists_the_report_first(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "report" in out
    assert out.index("report") < out.index("demo")


def test_time_unit_in_lower_case_suggests_the_letter(tmp_path, capsys):
    log = tmp_path / "log.csv"
    log.write_text(_LOG, encoding="utf-8")
    assert main(["summarize", str(log), "--time-unit", "m"]) == 2
    assert capsys.readouterr().err.endswith("got 'm'. Did you mean 'M'?\n")


def test_an_unknown_option_is_one_line_with_the_closest_option(capsys):
    assert main(["summarize", "x.csv", "--time-unti", "M"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kamcore: error: unrecognized arguments: --time-unti M")
    assert "Did you mean --time-unit?" in err
    assert err.count("\n") == 1
