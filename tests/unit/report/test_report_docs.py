"""Every SQL example in docs/report.md runs on a demo store through the guarded `sql` path."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from report_store import DemoStore

from snarewatch.store.query import run_query

DOC = Path(__file__).resolve().parents[3] / "docs" / "report.md"


def _examples() -> list[str]:
    if not DOC.is_file():
        return []
    return re.findall(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.parametrize("sql", _examples() or [pytest.param("", marks=pytest.mark.skip(
    reason="docs/report.md not found"))])
def test_documented_query_runs(demo_store: DemoStore, sql: str) -> None:
    table = run_query(demo_store.db_path, sql)
    assert table.num_columns > 0


def test_docs_hold_the_examples() -> None:
    assert len(_examples()) >= 8
