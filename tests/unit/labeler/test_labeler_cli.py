"""The labeler's commands end to end with the scripted backend."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner


@pytest.fixture
def cli(store, monkeypatch, tmp_path):
    """Invoke `snarewatch` in a temp cwd with the test store's settings."""
    import snarewatch.cli._common as common
    from snarewatch.cli import app

    monkeypatch.setattr(common, "_settings", store)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def run(*args: str):
        result = runner.invoke(app, list(args), catch_exceptions=False)
        return result

    return run


def test_tasks_list_show_and_new(cli, tmp_path):
    listed = json.loads(cli("tasks", "--format", "json").stdout)
    assert {t["name"] for t in listed} >= {"wildlife", "deceptive-ui"}
    assert "Answer with exactly one label name" in cli("tasks", "show", "wildlife").stdout
    assert cli("tasks", "new", "shark-teeth").exit_code == 0
    assert (tmp_path / "tasks" / "shark-teeth.toml").exists()
    listed = json.loads(cli("tasks", "--format", "json").stdout)
    assert "shark-teeth" in {t["name"] for t in listed}


def test_label_plan_then_label_then_export(cli, tmp_path):
    plan = cli("label", "wildlife", "--plan", "--budget", "4", "--backend", "fake:first")
    assert plan.exit_code == 0 and "Label:" in plan.stdout
    done = cli("label", "wildlife", "--budget", "4", "--backend", "fake:not_wildlife",
               "--format", "json")
    row = json.loads(done.stdout)[0]
    assert row["labelled"] == 4 and row["failed"] == 0
    out = tmp_path / "review.csv"
    assert cli("labels", "export", "wildlife", "--out", str(out)).exit_code == 0
    assert len(out.read_text().splitlines()) == 5
    summary = json.loads(cli("labels", "summary", "wildlife", "--format", "json").stdout)
    assert summary == [{"value": "not_wildlife", "source": "llm", "n": 4}]


def test_eval_teacher_and_teacher_info(cli, tmp_path):
    gold = tmp_path / "gold.csv"
    gold.write_text("title,label\nivory bangle,wildlife_product\nshark vacuum,not_wildlife\n")
    out = cli("eval-teacher", "wildlife", "--gold", str(gold), "--backend", "fake:not_wildlife",
              "--format", "json")
    report = json.loads(out.stdout)[0]
    assert report["n"] == 2 and report["accuracy"] == 0.5
    info = json.loads(cli("teacher", "info", "--format", "json").stdout)[0]
    assert info["model"].startswith("qwen2.5") and info["parts_found"].endswith("/22")
