"""`snarewatch sql` exports of the analyst views and `snarewatch report` from the shell."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from report_store import DemoStore

from snarewatch.store import query_records


def sw(*args: str, data_dir: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SNAREWATCH_CONFIG": str(cwd / "absent.toml"),
           "SNAREWATCH_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "snarewatch", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


SELLERS_SQL = "select seller, ads, flagged_ads, sites from sellers order by seller"


@pytest.mark.parametrize("fmt", ["parquet", "csv", "json"])
def test_sql_exports_a_view(demo_store: DemoStore, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"sellers.{fmt}"
    done = sw("sql", SELLERS_SQL, "--format", fmt, "--out", str(out), data_dir=demo_store.data_dir,
              cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    expected = query_records(demo_store.db_path, SELLERS_SQL)
    if fmt == "parquet":
        rows = pq.read_table(out).to_pylist()
        assert rows == expected
    elif fmt == "json":
        rows = json.loads(out.read_text(encoding="utf-8"))
        assert [(r["seller"], r["flagged_ads"]) for r in rows] == [
            (r["seller"], r["flagged_ads"]) for r in expected]
    else:
        with out.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert [(r["seller"], int(r["flagged_ads"])) for r in rows] == [
            (r["seller"], r["flagged_ads"]) for r in expected]


@pytest.mark.parametrize("view", ["wildlife_ads", "deceptive_elements", "sellers",
                                  "repost_clusters", "sites", "findings"])
def test_every_view_exports_to_parquet(demo_store: DemoStore, tmp_path: Path, view: str) -> None:
    from snarewatch.store.query import export_table, run_query

    table = run_query(demo_store.db_path, f"select * from {view}")
    export_table(table, tmp_path / "v.parquet", "parquet")
    assert pq.read_table(tmp_path / "v.parquet").num_rows == table.num_rows > 0


def test_report_command_writes_the_file(demo_store: DemoStore, tmp_path: Path) -> None:
    done = sw("report", "--out", "r.html", "--budget-curve", str(demo_store.budget_curve),
              "--format", "json", data_dir=demo_store.data_dir, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    [summary] = json.loads(done.stdout)
    assert summary["sections"] == "where, prices, who, patterns, tasks, models"
    assert summary["empty_store"] is False
    assert Path(summary["path"]) == (tmp_path / "r.html").resolve()
    assert "budget curve" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_report_command_on_an_empty_store(tmp_path: Path) -> None:
    done = sw("report", "--task", "wildlife", data_dir=tmp_path / "data", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "store is empty" in done.stdout and "snarewatch demo" in done.stdout
    assert "Nothing to report yet" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_report_help_teaches_with_examples(tmp_path: Path) -> None:
    done = sw("report", "--help", data_dir=tmp_path, cwd=tmp_path)
    assert done.returncode == 0 and "snarewatch report --task wildlife" in done.stdout


def test_csv_export_writes_lists_as_json(demo_store: DemoStore, tmp_path: Path) -> None:
    out = tmp_path / "sites.csv"
    done = sw("sql", "select seller, sites from sellers limit 1", "--out", str(out),
              data_dir=demo_store.data_dir, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    with out.open(encoding="utf-8", newline="") as fh:
        [row] = list(csv.DictReader(fh))
    assert json.loads(row["sites"]) == ["demo"]
