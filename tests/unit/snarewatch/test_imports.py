"""`snarewatch import`: bad rows are reported with line numbers, good rows kept, re-import adds nothing."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from snarewatch.errors import ImportDataError
from snarewatch.imports import parse_mapping, read_import

CSV = (
    "item_id,name,body,price,seller,colour\n"
    '1,Carved ivory bangle,"old piece, heavy","$1,200.50",bob,white\n'
    "2,,,,,\n"
    '3,Sofa,"nice, comfy",€45,50,x,extra\n'
    '4,Parrot,"African grey ""talking""",abc,anna,grey\n'
    '5,Lamp,"two\nlines",12,joe,\n'
)


def test_csv_reports_bad_rows_by_line_and_keeps_good_ones(tmp_path):
    path = tmp_path / "ads.csv"
    path.write_text(CSV)
    report = read_import(path, "ads", mapping=parse_mapping(["title=name", "description=body"]),
                         id_column="item_id", site="shop")
    assert report.rows == 5
    assert [(b.line, b.reason) for b in report.bad] == [
        (3, "needs a title or a description"),
        (4, "7 fields, header has 6"),
        (5, "price 'abc' has no number"),
    ]
    titles = {r.title: r for r in report.records}  # type: ignore[attr-defined]
    assert set(titles) == {"Carved ivory bangle", "Lamp"}
    assert titles["Carved ivory bangle"].price == 1200.5
    assert titles["Carved ivory bangle"].extra == {"colour": "white"}
    assert titles["Lamp"].description == "two\nlines"


def test_jsonl_and_parquet_and_stable_ids(tmp_path):
    rows = [{"title": "Tiger balm", "price": "AU$ 8,50"}, {"title": "Rhino horn cup", "price": "900"}]
    jsonl = tmp_path / "ads.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in rows) + "\n{not json\n[1]\n")
    report = read_import(jsonl, "ads", site="x")
    assert [r.price for r in report.records] == [8.5, 900.0]  # type: ignore[attr-defined]
    assert [(b.line, b.reason.split(":")[0]) for b in report.bad] == [(3, "invalid JSON"), (4, "not a JSON object")]
    parquet = tmp_path / "ads.parquet"
    pq.write_table(pa.Table.from_pylist(rows), parquet)
    again = read_import(parquet, "ads", site="x")
    assert [r.ad_id for r in again.records] == [r.ad_id for r in report.records]  # type: ignore[attr-defined]


def test_elements_need_text(tmp_path):
    path = tmp_path / "ui.csv"
    path.write_text("string,page\nOnly 2 left in stock!,p1\n,p2\nNo thanks,p3\n")
    report = read_import(path, "elements", mapping={"text": "string"}, site="shop")
    assert [e.text for e in report.records] == ["Only 2 left in stock!", "No thanks"]  # type: ignore[attr-defined]
    assert [b.line for b in report.bad] == [3]


def test_unusable_input_is_a_clear_error(tmp_path):
    with pytest.raises(ImportDataError, match="no such file"):
        read_import(tmp_path / "missing.csv", "ads")
    weird = tmp_path / "ads.xlsx"
    weird.write_bytes(b"PK")
    with pytest.raises(ImportDataError, match="format"):
        read_import(weird, "ads")
    with pytest.raises(ImportDataError, match="FIELD=COLUMN"):
        parse_mapping(["title"])
    csv = tmp_path / "a.csv"
    csv.write_text("a\n1\n")
    with pytest.raises(ImportDataError, match="unknown field"):
        read_import(csv, "ads", mapping={"colour": "a"})
    bad_parquet = tmp_path / "x.parquet"
    bad_parquet.write_bytes(b"nope")
    with pytest.raises(ImportDataError, match="Parquet"):
        read_import(bad_parquet, "ads")
