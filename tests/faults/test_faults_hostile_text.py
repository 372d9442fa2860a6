"""Hostile crawled text never reaches a spreadsheet as a formula or a terminal as markup."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")


def _unsafe_cells(text: str, numeric_columns: set[str] = frozenset()) -> list[str]:
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert rows, text
    bad = []
    for row in rows:
        for column, cell in row.items():
            if not cell or not cell.startswith(DANGEROUS_FIRST):
                continue
            if column in numeric_columns:
                float(cell)  # a real number (-3.5) may keep its sign
                continue
            bad.append(f"{column}={cell!r}")
    return bad


def test_labels_export_neutralises_formulas(hostile_store, cli, tmp_path: Path):
    out = cli("labels", "export", "wildlife", "--out", "review.csv")
    assert out.returncode == 0, out.stderr
    text = (tmp_path / "review.csv").read_text(encoding="utf-8")
    assert _unsafe_cells(text, {"llm_probability"}) == []
    # The text survives, behind the quote a spreadsheet shows as text.
    assert "'=HYPERLINK(" in text and "'+cmd|" in text and "'@SUM(" in text


@pytest.mark.parametrize("how", ["stdout", "out-file"])
def test_sql_csv_neutralises_formulas_but_keeps_numbers(hostile_store, cli, tmp_path: Path, how):
    query = "select title, description, price from ads order by title"
    if how == "stdout":
        out = cli("sql", query, "--format", "csv")
        assert out.returncode == 0, out.stderr
        text = out.stdout
    else:
        out = cli("sql", query, "--out", "ads.csv")
        assert out.returncode == 0, out.stderr
        text = (tmp_path / "ads.csv").read_text(encoding="utf-8")
    assert _unsafe_cells(text, {"price"}) == []
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert {r["price"] for r in rows} == {"-3.5"}  # a number stays a number
    # Text that merely looks like a number is text.
    assert {r["description"] for r in rows} == {"'-5 off today"}
    titles = {r["title"] for r in rows}
    assert "'-2+3" in titles and "'\t=1+1 tab first" in titles


def test_sql_table_prints_crawled_markup_as_text(hostile_store, cli):
    out = cli("sql", "select title from ads order by title")
    assert out.returncode == 0, out.stderr
    assert "[/b]" in out.stdout
    assert "[white on white]invisible pangolin scales[/white on white]" in out.stdout
    assert "\x1b" not in out.stdout and "\u202e" not in out.stdout  # no terminal control codes


def test_sql_table_headers_print_as_text(hostile_store, cli):
    out = cli("sql", 'select 1 as "[bold red]x[/]"')
    assert out.returncode == 0, out.stderr
    assert "[bold red]x[/]" in out.stdout


def test_error_messages_print_verbatim(cli):
    out = cli("tasks", "new", "My Question")
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert "'^[a-z0-9][a-z0-9_\\-]*$'" in lines[0]


def test_sql_errors_print_verbatim(hostile_store, cli):
    out = cli("sql", 'select "[white on white]hidden" from ads')
    assert out.returncode == 1
    assert "[white on white]" in out.stderr and "Traceback" not in out.stderr
