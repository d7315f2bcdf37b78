"""Input tables (kamcore.io.tables) and the renderers' edge cases."""

from __future__ import annotations

import numpy as np
import pytest

from kamcore.errors import InvalidParameterError, SchemaError, UnknownNameError
from kamcore.io.tables import TABLE_KINDS, parse_mapping, read_mapping_file, read_table
from kamcore.report import (
    ReportInput,
    build_report,
    render_html,
    render_markdown,
    render_terminal,
)

pytest.importorskip("pandas")


def test_parse_mapping_accepts_one_string_and_refuses_bad_pairs():
    assert parse_mapping("id=A") == {"id": "A"}
    assert parse_mapping(["id=A,", " , date = D "]) == {"id": "A", "date": "D"}
    assert parse_mapping(["transactions.customer_id=Acc"]) == {"transactions.customer_id": "Acc"}
    with pytest.raises(InvalidParameterError, match="'items' must be name=Column strings; got int"):
        parse_mapping(3)
    with pytest.raises(InvalidParameterError, match=r"pairs \(text\); got int"):
        parse_mapping([3])
    with pytest.raises(InvalidParameterError, match="got 'id='"):
        parse_mapping(["id="])
    with pytest.raises(InvalidParameterError, match="gives 'id' twice"):
        parse_mapping(["id=A", "id=B"])
    with pytest.raises(
        UnknownNameError, match=r"unknown table 'acounts';.*Did you mean 'accounts'"
    ):
        parse_mapping(["acounts.id=A"])
    with pytest.raises(UnknownNameError, match=r"'amout', which is not a column.*'amount'"):
        parse_mapping(["amout=Total"])


def test_mapping_files(tmp_path):
    good = tmp_path / "m.toml"
    good.write_text('id = "AccountId"\n[transactions]\ncustomer_id = "Acc"\n', encoding="utf-8")
    assert read_mapping_file(good) == {"id": "AccountId", "transactions.customer_id": "Acc"}
    bad = tmp_path / "bad.toml"
    bad.write_text("id = \n", encoding="utf-8")
    with pytest.raises(SchemaError, match="not a valid TOML mapping file"):
        read_mapping_file(bad)
    bad.write_text("id = 3\n", encoding="utf-8")
    with pytest.raises(SchemaError, match="'id' must map to a column name"):
        read_mapping_file(bad)
    bad.write_bytes(b'id = "\xff"\n')
    with pytest.raises(SchemaError, match="not a UTF-8 text file"):
        read_mapping_file(bad)


def test_read_table_kinds_formats_and_progress(tmp_path):
    assert TABLE_KINDS[0] == "accounts"
    f = tmp_path / "c.csv"
    f.write_text(
        "customer_id,received,resolved,Extra\na,2024-01-02,,x\nb,2024-02-03,2024-02-10,y\n"
    )
    seen = []
    t = read_table(f, "complaints", chunk_rows=1, progress=seen.append)
    assert seen == [1, 2]
    assert list(t) == ["customer_id", "received", "resolved"]
    assert np.isnat(t["resolved"][0])
    assert str(t["resolved"][1]) == "2024-02-10"
    with pytest.raises(UnknownNameError, match="unknown table kind 'orders'"):
        read_table(f, "orders")


def test_read_table_value_errors_name_the_place(tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("id,sales_last_year,loyalty\na,1,2\n ,2,3\n")
    with pytest.raises(InvalidParameterError, match=r"a.csv, line 3: column 'id' is empty"):
        read_table(f, "accounts")
    f.write_text("id,sales_last_year,loyalty\na,1,7\n")
    with pytest.raises(
        InvalidParameterError, match=r"column 'loyalty' must be a level code 1\.\.4"
    ):
        read_table(f, "accounts")
    f.write_text("AccId,sales_last_year\na,inf\n")
    with pytest.raises(
        InvalidParameterError, match=r"column 'AccId' \(mapped to id\)|'sales_last_year' must be"
    ):
        read_table(f, "accounts", mapping={"id": "AccId"})
    j = tmp_path / "t.jsonl"
    j.write_text("not json\n")
    with pytest.raises(SchemaError, match="line 1: not a JSON object"):
        read_table(j, "transactions")
    j.write_text('{"customer_id": "a", "date": "2024-01-01", "amount": 1}\n{"customer_id": "b"}\n')
    with pytest.raises(InvalidParameterError, match=r"t.jsonl, line 2: column 'date'"):
        read_table(j, "transactions")
    p = tmp_path / "t.parquet"
    import pandas as pd

    pd.DataFrame({"customer_id": ["a"], "date": [None], "amount": [1.0]}).to_parquet(p)
    with pytest.raises(InvalidParameterError, match=r"t.parquet, row 1: column 'date'"):
        read_table(p, "transactions")


def test_renderers_show_skipped_sections_notes_and_cut_tables():
    acc = {
        "id": np.array([f"A{i:02d}" for i in range(30)]),
        "sales_last_year": np.arange(30, dtype=float),
    }
    r = build_report(ReportInput(accounts=acc))
    text = render_terminal(r, rows=3, width=60)
    assert "   skipped: no transaction log was given (--transactions)." in text
    assert "... 27 more rows" in text or "more rows" in text
    assert max(len(line) for line in text.splitlines()) <= 60
    md = render_markdown(r, rows=2)
    assert "*Skipped: no survey file was given (--surveys).*" in md
    assert "more rows*" in md
    page = render_html(r, rows=2)
    assert "more rows in the table files (--out)" in page
    with pytest.raises(InvalidParameterError, match="'width' must be an integer >= 40"):
        render_terminal(r, width=10)
    with pytest.raises(InvalidParameterError, match="'rows' must be an integer >= 1"):
        render_markdown(r, rows=0)
    with pytest.raises(InvalidParameterError, match=r"'report' must be a kamcore\.report\.Report"):
        render_html({})
    with pytest.raises(InvalidParameterError, match="'start' must be a non-negative integer"):
        r.accounts.rows(2, start=-1)
    with pytest.raises(UnknownNameError, match=r"no section 'overveiw'.*Did you mean 'overview'"):
        r.section("overveiw")


def test_terminal_cells_and_narrow_tables():
    from kamcore.report import Report, Section, Table

    t = Table(
        "t",
        "A wide table",
        {
            "customer_id": np.array(["a", "b"]),
            "flag": np.array([True, False]),
            "value": np.array([np.nan, 1234567.0]),
            "long_text_one": np.array(["x" * 60, "y"]),
            "long_text_two": np.array(["z" * 60, "w"]),
            "amount": np.array([1.5, 2.5]),
        },
        note="A note under the table.",
    )
    r = Report("T", "src", "2024-12-31", None, 2, (Section("overview", "S", tables=(t,)),), t)
    text = render_terminal(r, width=60)
    assert max(len(line) for line in text.splitlines()) <= 60
    assert "yes" in text
    assert " no " in text or text.count("no") >= 1
    assert "1,234,567" in text
    assert "A note under the table." in text
    assert "…" in text  # the widest text column not at the end is cut
    row_a = next(line for line in text.splitlines() if line.strip().startswith("a "))
    assert " - " in row_a  # NaN shows as a dash
