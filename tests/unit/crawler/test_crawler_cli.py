"""`snarewatch crawl` and `snarewatch sites` from the shell."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from faultserver import write_profile


def sw(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SNAREWATCH_CONFIG": str(cwd / "absent.toml"),
           "SNAREWATCH_DATA_DIR": str(cwd / "data")}
    return subprocess.run([sys.executable, "-m", "snarewatch", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_sites_lists_profiles_as_json(tmp_path: Path) -> None:
    out = sw("sites", "--format", "json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    names = {row["name"] for row in json.loads(out.stdout)}
    assert {"demo", "generic"} <= names


def test_crawl_then_sql_and_resume_of_a_finished_crawl(tmp_path: Path, fault_site: str) -> None:
    profile = write_profile(tmp_path / "faults.toml",
                            seeds='["{base}/product/1", "{base}/err500", "{base}/private/x"]',
                            extra="[patterns]\nskip = ['/$']")
    out = sw("crawl", str(profile), "--base-url", fault_site, "--format", "json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    (summary,) = json.loads(out.stdout)
    assert summary["ads"] == 1 and summary["errors_by_kind"] == {"server_error": 1, "robots": 1}
    sql = sw("sql", "select title, price from ads", "--format", "json", cwd=tmp_path)
    assert json.loads(sql.stdout) == [{"title": "Antique ivory carving", "price": 450.0}]
    again = sw("crawl", str(profile), "--resume", summary["crawl_id"], "--format", "json",
               cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)[0]["fetched"] == 0  # nothing left to fetch


def test_crawl_errors_are_one_line_messages(tmp_path: Path) -> None:
    out = sw("crawl", "demo", cwd=tmp_path)
    assert out.returncode == 1 and "--base-url" in out.stderr and "Traceback" not in out.stderr
    out = sw("crawl", "nowhere", cwd=tmp_path)
    assert out.returncode == 1 and "unknown site" in out.stderr
    out = sw("crawl", "demo", "--resume", "nope", "--base-url", "http://127.0.0.1:1", cwd=tmp_path)
    assert out.returncode == 1 and "no crawl" in out.stderr
    out = sw("crawl", "demo", "--engine", "warp", "--base-url", "http://127.0.0.1:1", cwd=tmp_path)
    assert out.returncode == 1 and "engine" in out.stderr
