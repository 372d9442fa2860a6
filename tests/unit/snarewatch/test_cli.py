"""The CLI's contract: fast help, exit codes, config sources, SQL and import from the shell."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def sw(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "SNAREWATCH_CONFIG": str(cwd / "snarewatch.toml"), **(env or {})}
    return subprocess.run([sys.executable, "-m", "snarewatch", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=120)


def test_help_does_not_load_heavy_stages():
    code = ("import sys; from snarewatch.cli import app; "
            "heavy = [m for m in ('torch', 'playwright', 'llama_cpp', 'sentence_transformers', "
            "'sklearn', 'celery', 'crawler', 'labeler', 'classifiers') if m in sys.modules]; "
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_config_show_reports_sources(tmp_path):
    (tmp_path / "snarewatch.toml").write_text('user_agent = "my-crawler/1.0"\n')
    out = sw("config", "show", "--format", "json", cwd=tmp_path, env={"SNAREWATCH_DATA_DIR": "elsewhere"})
    assert out.returncode == 0, out.stderr
    rows = {r["setting"]: r for r in json.loads(out.stdout)}
    assert rows["data_dir"]["value"] == "elsewhere" and rows["data_dir"]["source"] == "env"
    assert rows["user_agent"]["source"].endswith("snarewatch.toml")
    assert rows["llm_backend"]["source"] == "default"


@pytest.mark.parametrize("toml, message", [
    ("llm_backend = 'gpt9'", "llm_backend"),
    ("no_such_setting = 1", "no_such_setting"),
    ("data_dir = [", "not valid TOML"),
])
def test_bad_config_is_exit_1_with_a_message(tmp_path, toml, message):
    (tmp_path / "snarewatch.toml").write_text(toml)
    out = sw("config", "show", cwd=tmp_path)
    assert out.returncode == 1
    assert message in out.stderr and "Traceback" not in out.stderr


def test_usage_error_is_exit_2(tmp_path):
    assert sw("sql", "--format", "xml", "select 1", cwd=tmp_path).returncode == 2


def test_import_then_sql_round_trip(tmp_path):
    (tmp_path / "ads.csv").write_text("id,title,price\n1,Radiated tortoise hatchling,350\n2,,\n")
    out = sw("import", "ads", "ads.csv", "--id-column", "id", "--site", "forum", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "1 ads imported" in out.stdout and "1 bad rows" in out.stdout
    out = sw("sql", "select site, title, price from ads", "--format", "json", cwd=tmp_path)
    assert json.loads(out.stdout) == [{"site": "forum", "title": "Radiated tortoise hatchling", "price": 350.0}]
    refused = sw("sql", "drop table ads", cwd=tmp_path)
    assert refused.returncode == 1 and "DROP" in refused.stderr
    out = sw("sql", "select * from ads", "--out", "ads.parquet", cwd=tmp_path)
    assert out.returncode == 0 and (tmp_path / "ads.parquet").exists()


def test_run_app_passes_on_exit_codes():
    import typer

    from snarewatch.cli._common import run_app
    from snarewatch.errors import SnarewatchError

    def app_with(body):  # a one-command app whose command runs `body`
        app = typer.Typer()

        @app.command()
        def main() -> None:
            body()

        return app

    def exit_3() -> None:
        raise typer.Exit(3)

    def fail() -> None:
        raise SnarewatchError("no such task")

    def interrupt() -> None:
        raise KeyboardInterrupt

    assert run_app(app_with(lambda: None), []) == 0
    assert run_app(app_with(exit_3), []) == 3
    assert run_app(app_with(fail), []) == 1
    assert run_app(app_with(interrupt), []) in (1, 130)  # never 0: the work did not finish
