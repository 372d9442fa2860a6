"""`snarewatch import`: one bad row never loses the good ones, and nothing bad goes unreported."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from snarewatch.imports import read_import
from snarewatch.store import query_records

GOOD = "1,Carved ivory bangle,old piece\n3,Pangolin scales,dried\n"


def _titles(tmp_path: Path) -> set[str]:
    return {r["title"] for r in query_records(tmp_path / "data" / "snarewatch.duckdb",
                                              "SELECT title FROM ads")}


def test_a_field_over_128_kb_imports(cli, tmp_path: Path):
    long_description = "tusk " * 50_000  # 250 KB, over the csv module's default limit
    (tmp_path / "ads.csv").write_text(
        f'id,title,description\n{GOOD}2,Rhino horn cup,"{long_description}"\n', encoding="utf-8")
    out = cli("import", "ads", "ads.csv", "--id-column", "id")
    assert out.returncode == 0, out.stderr
    assert "3 ads imported" in out.stdout and "0 bad rows" in out.stdout
    assert _titles(tmp_path) == {"Carved ivory bangle", "Pangolin scales", "Rhino horn cup"}


def test_a_field_over_the_limit_is_a_bad_row_and_the_rest_import(cli, tmp_path: Path):
    huge = "x" * (11 * 1024 * 1024)
    (tmp_path / "ads.csv").write_text(
        f'id,title,description\n1,Carved ivory bangle,old\n2,Huge,"{huge}"\n3,Pangolin scales,x\n',
        encoding="utf-8")
    out = cli("import", "ads", "ads.csv", "--id-column", "id")
    assert out.returncode == 0, out.stderr
    assert "2 ads imported" in out.stdout and "1 bad rows" in out.stdout
    assert "field larger than" in out.stdout
    assert _titles(tmp_path) == {"Carved ivory bangle", "Pangolin scales"}


def test_tsv_is_read_with_tabs(cli, tmp_path: Path):
    (tmp_path / "ads.tsv").write_text(
        "id\ttitle\tdescription\n1\tCarved ivory bangle, heavy\told\n2\tPangolin scales\tdried\n",
        encoding="utf-8")
    out = cli("import", "ads", "ads.tsv", "--id-column", "id")
    assert out.returncode == 0, out.stderr
    assert "2 ads imported" in out.stdout and "0 bad rows" in out.stdout
    assert _titles(tmp_path) == {"Carved ivory bangle, heavy", "Pangolin scales"}


def test_semicolon_csv_is_sniffed(tmp_path: Path):
    path = tmp_path / "ads.csv"
    path.write_text("id;title;price\n1;Ivory bangle, carved;1.200,50\n2;Parrot;30\n",
                    encoding="utf-8")
    report = read_import(path, "ads", id_column="id")
    assert [(r.title, r.price) for r in report.records] == [  # type: ignore[attr-defined]
        ("Ivory bangle, carved", 1200.5), ("Parrot", 30.0)]
    assert report.bad == []


def test_undecodable_bytes_are_kept_and_reported_by_line(cli, tmp_path: Path):
    data = (b"id,title\n1,Carved ivory bangle\n" + b"2,Caf\xe9 tiger skin\n"
            + b"3,Pangolin scales\n4,Tortue \xff\xfe shell\n")
    (tmp_path / "ads.csv").write_bytes(data)
    report = read_import(tmp_path / "ads.csv", "ads", id_column="id")
    assert report.imported == 4 and report.bad == []
    assert report.undecodable == [3, 5]
    assert "Caf\ufffd tiger skin" in {r.title for r in report.records}  # type: ignore[attr-defined]
    out = cli("import", "ads", "ads.csv", "--id-column", "id")
    assert out.returncode == 0, out.stderr
    assert "4 ads imported" in out.stdout
    assert "2 rows had bytes that are not UTF-8" in out.stdout and "lines 3, 5" in out.stdout


def test_undecodable_jsonl_lines_are_reported(tmp_path: Path):
    path = tmp_path / "ads.jsonl"
    path.write_bytes(b'{"title": "Ivory"}\n{"title": "Caf\xe9 skin"}\n')
    report = read_import(path, "ads")
    assert report.imported == 2 and report.undecodable == [2]


def test_parquet_nested_columns_are_lists_or_json_not_reprs(cli, tmp_path: Path):
    rows = [{"title": "Ivory carving", "description": ["old", "heavy"],
             "image_urls": ["http://a.test/1.jpg", "http://a.test/2.jpg"],
             "seller": {"name": "bob", "rating": 4}, "tags": ["x", "y"]}]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "ads.parquet")
    out = cli("import", "ads", "ads.parquet")
    assert out.returncode == 0, out.stderr
    (ad,) = query_records(tmp_path / "data" / "snarewatch.duckdb",
                          "SELECT description, seller, image_urls, extra FROM ads")
    assert json.loads(ad["description"]) == ["old", "heavy"]
    assert json.loads(ad["seller"]) == {"name": "bob", "rating": 4}
    assert ad["image_urls"] == ["http://a.test/1.jpg", "http://a.test/2.jpg"]
    assert json.loads(ad["extra"]) == {"tags": ["x", "y"]}


def test_a_file_where_every_row_is_bad_is_a_failure(cli, tmp_path: Path):
    (tmp_path / "ads.csv").write_text("id,title\n1,\n2,\n", encoding="utf-8")
    out = cli("import", "ads", "ads.csv", "--id-column", "id")
    assert out.returncode == 1
    assert "none of the 2 rows" in out.stderr and "Traceback" not in out.stderr
