"""The kamcore command: demo, summarize, --version, errors."""

from __future__ import annotations

import subprocess
import sys

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
