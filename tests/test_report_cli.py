"""``kamcore report``: the demo, user files with column mapping, outputs, and every bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import kamcore
from kamcore.cli import main
from kamcore.data import demo

# a CRM export's column names (Salesforce-style) for the library's own
SF_ACCOUNTS = {
    "id": "AccountId",
    "name": "Account Name",
    "sales_last_year": "Revenue_LY__c",
    "profit_last_year": "Profit_LY__c",
    "expected_sales": "Forecast__c",
    "stage": "Lifecycle_Stage__c",
    "relationship_type": "Type",
    "account_manager": "Owner",
    "relationship_start": "Customer_Since__c",
}
SF_TX = {"customer_id": "AccountId", "date": "OrderDate", "amount": "TotalAmount"}


def _write(frame, path: Path) -> Path:
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    elif path.suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_json(path, orient="records", lines=True, date_format="iso")
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The demo tables written as files with the library's own column names."""
    pytest.importorskip("pandas")
    d = tmp_path_factory.mktemp("demo")
    f = demo().frames()
    f["accounts"]["churned_on"] = f["accounts"]["churned_on"].dt.strftime("%Y-%m-%d").fillna("")
    out = {
        "accounts": _write(f["accounts"], d / "accounts.csv"),
        "transactions": _write(f["transactions"], d / "transactions.parquet"),
        "surveys": _write(f["surveys"], d / "surveys.jsonl"),
        "contacts": _write(f["contacts"], d / "contacts.csv"),
        "switching": _write(f["switching"], d / "switching.csv"),
        "complaints": _write(f["complaints"], d / "complaints.csv"),
        "grades": _write(f["grade_history"], d / "grades.csv"),
    }
    return out


def _run(capsys, *argv):
    code = main(["report", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_report_on_the_demo_without_arguments(capsys):
    code, out, err = _run(capsys)
    assert code == 0
    assert err == ""  # no progress when stderr is not a terminal
    assert out.startswith("kamcore key-account report")
    assert "1. Portfolio overview" in out
    assert "11. Top and bottom accounts: what to do next" in out
    assert max(len(line) for line in out.splitlines()) <= 100
    assert "\x1b[" not in out


def test_report_on_user_files_equals_the_demo_report(files, capsys):
    code, demo_json, _ = _run(capsys, "--format", "json")
    assert code == 0
    args = [f"--{k}={v}" for k, v in files.items()]
    code, user_json, err = _run(capsys, *args, "--as-of", "2024-12-31", "--format", "json")
    assert code == 0, err
    a, b = json.loads(demo_json), json.loads(user_json)
    assert a["source"] != b["source"]
    assert b["source"].startswith("accounts.csv, transactions.parquet, surveys.jsonl")
    assert a["sections"] == b["sections"]


def test_a_crm_export_works_through_the_column_mapping(files, tmp_path, capsys):
    import pandas as pd

    acc = pd.read_csv(files["accounts"], keep_default_na=False)
    acc = acc.rename(columns=SF_ACCOUNTS)
    acc["Unrelated Field"] = "x"  # extra export columns are ignored
    tx = pd.read_parquet(files["transactions"]).rename(columns=SF_TX)
    acc_path = _write(acc, tmp_path / "sf_accounts.csv")
    tx_path = _write(tx, tmp_path / "sf_orders.jsonl")
    pairs = ",".join(f"{k}={v}" for k, v in SF_ACCOUNTS.items() if k != "id")
    code, out, err = _run(
        capsys,
        "--accounts",
        str(acc_path),
        "--transactions",
        str(tx_path),
        "--map",
        "accounts.id=AccountId,transactions.customer_id=AccountId",
        "--map",
        pairs,
        "--map",
        "date=OrderDate,amount=TotalAmount",
        "--format",
        "json",
    )
    assert code == 0, err
    doc = json.loads(out)
    rb = next(s for s in doc["sections"] if s["key"] == "repeat_buying")
    assert rb["skipped"] is None
    assert rb["figures"]["model"] == "BG/NBD"
    # the same mapping as a TOML file
    toml = tmp_path / "mapping.toml"
    lines = [f'{k} = "{v}"' for k, v in SF_ACCOUNTS.items() if k != "id"]
    lines += ["[accounts]", 'id = "AccountId"', "[transactions]"]
    lines += [f'{k} = "{v}"' for k, v in SF_TX.items()]
    toml.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out2, err = _run(
        capsys,
        "--accounts",
        str(acc_path),
        "--transactions",
        str(tx_path),
        "--map-file",
        str(toml),
        "--format",
        "json",
    )
    assert code == 0, err
    assert json.loads(out2)["sections"] == doc["sections"]


def test_html_out_and_markdown_outputs(tmp_path, capsys):
    html = tmp_path / "report.html"
    code, out, err = _run(
        capsys, "--html", str(html), "--out", str(tmp_path / "tables"), "--format", "markdown"
    )
    assert code == 0
    assert out.startswith("# kamcore key-account report")
    assert f"kamcore: wrote {html}" in err
    page = html.read_text(encoding="utf-8")
    assert page.count('<figure data-chart="') == 6
    assert (
        (tmp_path / "tables" / "accounts.csv")
        .read_text(encoding="utf-8")
        .startswith("customer_id,")
    )
    code, out, err = _run(
        capsys, "--quiet", "--out", str(tmp_path / "pq"), "--out-format", "parquet"
    )
    assert code == 0
    assert err == ""
    assert (tmp_path / "pq" / "accounts.parquet").exists()


def test_seed_gives_another_demo(capsys):
    code, a, _ = _run(capsys, "--format", "json", "--seed", "3")
    assert code == 0
    assert "seed 3" in json.loads(a)["source"]


def test_progress_is_shown_on_a_terminal_only(monkeypatch, capsys):
    import io

    from kamcore.cli._report import Progress

    class Tty(io.StringIO):
        def isatty(self):
            return True

    err = Tty()
    p = Progress(err, enabled=True)
    p.step("fitting")
    p.rows("transactions")(2_000_000)
    p.step("done")
    text = err.getvalue()
    assert "kamcore: fitting ..." in text
    assert "reading transactions: 2,000,000 rows" in text
    assert text.endswith("\r")
    quiet = Tty()
    Progress(quiet, enabled=False).step("x")
    assert quiet.getvalue() == ""


# --------------------------------------------------------------------------- bad input: exit 2
def _csv(tmp_path, name, text, *, raw=None):
    p = tmp_path / name
    if raw is not None:
        p.write_bytes(raw)
    else:
        p.write_text(text, encoding="utf-8")
    return str(p)


ACC = "id,sales_last_year\nA1,100\nA2,50\n"


@pytest.mark.parametrize(
    ("accounts", "raw", "extra", "message"),
    [
        ("id,sales_last_yaer\nA1,1\n", None, [], "has no column 'sales_last_year'"),
        ("id,sales_last_yaer\nA1,1\n", None, [], "Did you mean 'sales_last_yaer'?"),
        ("id,sales_last_yaer\nA1,1\n", None, [], "--map sales_last_year=sales_last_yaer"),
        (
            "id,sales_last_year\nA1,1\nA2,ten\n",
            None,
            [],
            "line 3: column 'sales_last_year' must be a number; got 'ten'",
        ),
        (
            "id,sales_last_year,relationship_start\nA1,1,2024-02-30\n",
            None,
            [],
            "line 2: column 'relationship_start' must be a date like 2024-03-31; got '2024-02-30'",
        ),
        (
            "id,sales_last_year\nA1,1\nA2,2\nA1,3\n",
            None,
            [],
            "line 4: duplicate account id 'A1' (first at line 2)",
        ),
        ("", None, [], "the file is empty"),
        ("id,sales_last_year\n", None, [], "the file has a header but no rows"),
        (
            None,
            b"id,name,sales_last_year\nA1,M\xfcller,1\n",
            [],
            "not valid utf-8 text (byte 0xfc at byte offset 28)",
        ),
        (None, b"id,sales_last_year\nA1\x00,1\n", [], "contains a NUL byte at byte offset 21"),
        (ACC, None, ["--map", "id"], "'--map' must be name=Column pairs"),
        (ACC, None, ["--map", "idd=AccountId"], "the mapping names 'idd', which is not a column"),
        (ACC, None, ["--map", "id=AccountId"], "has no column 'id' (mapped to 'AccountId')"),
        (ACC, None, ["--as-of", "31/12/2024"], "'--as-of' must be an ISO date"),
        (ACC, None, ["--encoding", "klingon"], "'--encoding' 'klingon' is not a known encoding"),
        (ACC, None, ["--seed", "3"], "'--seed' applies to the demo data only"),
        (
            "id,sales_last_year\nA1,-5\n",
            None,
            [],
            "'sales_last_year' must be >= 0 (a sales figure)",
        ),
        (
            "id,sales_last_year,stage\nA1,5,Closed Won\n",
            None,
            [],
            (
                "'stage' must be one of exploration, formation, stability, decline, ended; "
                "got 'Closed Won' for account 'A1'"
            ),
        ),
    ],
    ids=[
        "misspelt-column",
        "misspelt-column-suggestion",
        "misspelt-column-remedy",
        "bad-number",
        "bad-date",
        "duplicate-id",
        "empty-file",
        "header-only",
        "latin-1-bytes",
        "nul-byte",
        "map-syntax",
        "map-unknown-name",
        "map-missing-column",
        "bad-as-of",
        "unknown-encoding",
        "seed-with-files",
        "calculator-refuses",
        "unknown-stage",
    ],
)
def test_bad_accounts_input_exits_2_with_one_line(tmp_path, capsys, accounts, raw, extra, message):
    path = _csv(tmp_path, "acc.csv", accounts, raw=raw)
    code, out, err = _run(capsys, "--accounts", path, *extra)
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("kamcore: error: ")
    assert message in lines[0]
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tx.csv", "customer_id,date,amout\nA1,2024-01-01,1\n", "Did you mean 'amout'?"),
        (
            "tx.csv",
            "customer_id,date,amount\nA1,2024-01-01,1\nZZ,2024-01-02,1\n",
            "names 1 row of customers that are not in the accounts table (first at row 2: 'ZZ')",
        ),
        (
            "tx.csv",
            "customer_id,date,amount\nA1,01/02/2024,1\n",
            "line 2: column 'date' must be a date like 2024-03-31; got '01/02/2024'",
        ),
        (
            "tx.csv",
            "customer_id,date,amount\nA1,2024-01-01,1\nA1,20240101,1\n",
            "line 3: column 'date' must be a date like 2024-03-31; got '20240101'",
        ),
        (
            "tx.csv",
            "customer_id,date,amount\nA1,1,1\n",
            "line 2: column 'date' must be a date like 2024-03-31; got '1'",
        ),
        ("tx.xlsx", "whatever", "unknown file type '.xlsx'"),
        ("tx.parquet", "not parquet at all", "not a readable Parquet file"),
        (
            "tx.jsonl",
            '{"customer_id": "A1", "date": "2024-01-01", "amount": 1}\n{oops\n',
            "not a readable JSONL file",
        ),
    ],
    ids=[
        "misspelt",
        "unknown-customer",
        "us-date",
        "compact-date",
        "bare-year",
        "xlsx",
        "bad-parquet",
        "bad-jsonl",
    ],
)
def test_bad_transactions_exit_2(tmp_path, capsys, name, content, message):
    acc = _csv(tmp_path, "acc.csv", ACC)
    tx = _csv(tmp_path, name, content)
    code, out, err = _run(capsys, "--accounts", acc, "--transactions", tx)
    assert code == 2
    assert out == ""
    assert err.startswith("kamcore: error: ")
    assert err.count("\n") == 1
    assert message in err


def test_utf8_and_utf16_byte_order_marks_are_read(tmp_path, capsys):
    text = "id,sales_last_year\nA1,100\nA2,50\n"
    for i, raw in enumerate([b"\xef\xbb\xbf" + text.encode(), text.encode("utf-16")]):
        path = _csv(tmp_path, f"bom{i}.csv", None, raw=raw)
        code, out, err = _run(capsys, "--accounts", path, "--format", "json")
        assert code == 0, err
        assert json.loads(out)["n_accounts"] == 2
    latin = _csv(
        tmp_path, "latin.csv", None, raw="id,name,sales_last_year\nA1,Müller,1\n".encode("cp1252")
    )
    code, out, err = _run(capsys, "--accounts", latin, "--encoding", "cp1252", "--format", "json")
    assert code == 0, err


def test_side_file_without_accounts_and_missing_files(tmp_path, capsys):
    code, _, err = _run(capsys, "--transactions", "x.csv")
    assert code == 2
    assert err == (
        "kamcore: error: '--transactions' needs '--accounts FILE' (without input files the "
        "report runs on the demo data).\n"
    )
    code, _, err = _run(capsys, "--accounts", str(tmp_path / "nope.csv"))
    assert code == 2
    assert err == f"kamcore: error: {tmp_path / 'nope.csv'}: No such file or directory\n"


def test_unknown_option_suggests_the_closest_and_exits_2(capsys):
    assert main(["report", "--formt", "json"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kamcore: error: unrecognized arguments: --formt json")
    assert "Did you mean --format?" in err
    assert err.count("\n") == 1
    assert main(["report", "--format", "pdf"]) == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'pdf'" in err
    assert err.count("\n") == 1


def test_debug_shows_the_traceback_and_internal_errors_exit_1(tmp_path, monkeypatch, capsys):
    from kamcore.errors import SchemaError

    empty = _csv(tmp_path, "e.csv", "")
    with pytest.raises(SchemaError, match="the file is empty"):
        main(["--debug", "report", "--accounts", empty])
    import kamcore.report._build as build

    def broken(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(build, "_next_actions", broken)
    assert main(["report"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kamcore: internal error: ZeroDivisionError: boom")
    assert "Traceback" not in err


def test_installed_entry_point_runs_the_report(tmp_path):
    exe = shutil.which("kamcore") or str(Path(sys.executable).with_name("kamcore"))
    if not Path(exe).exists():
        pytest.skip("the kamcore console script is not installed")
    env = {**os.environ, "PYTHONPATH": str(Path(kamcore.__file__).resolve().parents[1])}
    out = subprocess.run(
        [exe, "report", "--format", "json", "--html", str(tmp_path / "r.html")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["n_accounts"] == 300
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert out.stderr == f"kamcore: wrote {tmp_path / 'r.html'}\n"  # piped: no progress
    bad = tmp_path / "acc.csv"
    bad.write_text("id,sales_last_year\nA1,x\n", encoding="utf-8")
    out = subprocess.run(
        [exe, "report", "--accounts", str(bad)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr == (
        f"kamcore: error: {bad}, line 2: column 'sales_last_year' must be a number; got 'x'.\n"
    )
    _ = np  # numpy is imported for the fixtures' frames
