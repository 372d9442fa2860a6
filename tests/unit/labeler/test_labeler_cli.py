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
    assert plan.exit_code == 0 and "Answer:" in plan.stdout and "yes/no" in plan.stdout
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
    assert report["n"] == 2 and report["agreement"] == 0.5
    info = json.loads(cli("teacher", "info", "--format", "json").stdout)[0]
    assert info["model"].startswith("qwen2.5") and info["parts_found"].endswith("/22")


def test_eval_teacher_calibrates_then_label_abstains_and_export_uncertain(cli, store, tmp_path):
    script = tmp_path / "script.json"
    # Sure about ivory (right), unsure about rhino and tiger (wrong on the tiger balm).
    script.write_text(json.dumps({"rules": [["ivory", "wildlife_product", 0.97],
                                            ["rhino", "wildlife_product", 0.6],
                                            ["tiger", "wildlife_product", 0.55]],
                                  "default": "not_wildlife"}))
    seed = tmp_path / "seed.csv"
    rows = ["title,label"] + [f"ivory item {i},wildlife_product" for i in range(5)] + \
        [f"tiger balm {i},not_wildlife" for i in range(2)] + \
        [f"plain thing {i},not_wildlife" for i in range(5)]
    seed.write_text("\n".join(rows) + "\n")
    out = cli("eval-teacher", "wildlife", "--gold", str(seed), "--backend", f"fake:{script}",
              "--calibrate", "--max-abstain", "0.5", "--knn", "2", "--format", "json")
    assert out.exit_code == 0, out.stdout
    card = json.loads(out.stdout)[0]
    assert card["n"] == 12 and card["strategy"]["knn"] == 2
    assert card["calibration"]["thresholds"]["(positive)"] > 0.6  # thresholds are per side
    assert (store.data_dir / "teacher-card-wildlife.json").exists()
    shown = json.loads(cli("eval-teacher", "wildlife", "--card", "--format", "json").stdout)[0]
    assert shown["calibration"] == card["calibration"]

    done = cli("label", "wildlife", "--budget", "12", "--method", "random", "--backend",
               f"fake:{script}", "--abstain", "--format", "json")
    row = json.loads(done.stdout)[0]
    assert row["abstained"] >= 2  # rhino cup and tiger balm (and tiger set) fall below it
    queue = tmp_path / "queue.csv"
    assert cli("labels", "export", "wildlife", "--uncertain", "--out", str(queue)).exit_code == 0
    lines = queue.read_text().splitlines()
    assert len(lines) == 1 + row["abstained"] and "abstain: p=" in lines[1]
    flags = tmp_path / "flags.csv"
    assert cli("labels", "export", "wildlife", "--flags", "--out", str(flags)).exit_code == 0
    assert flags.read_text().splitlines()[0].startswith("item_id,")  # no student yet: no rows
    calls = tmp_path / "calls.csv"
    assert cli("labels", "export", "wildlife", "--closest", "--out", str(calls)).exit_code == 0
    assert calls.read_text().splitlines() == flags.read_text().splitlines()


def test_labels_export_takes_one_queue(cli, tmp_path):
    from snarewatch.errors import ConfigError

    for pair in (["--uncertain", "--flags"], ["--flags", "--closest"]):
        with pytest.raises(ConfigError, match="choose one of --uncertain, --flags and --closest"):
            cli("labels", "export", "wildlife", *pair, "--out", str(tmp_path / "q.csv"))


def test_label_cascade_without_a_student_says_what_to_do(cli):
    from snarewatch.errors import ConfigError

    with pytest.raises(ConfigError, match="no student predictions"):
        cli("label", "wildlife", "--cascade", "--backend", "fake:first")


def test_label_cascade_labels_only_what_the_student_is_unsure_of(cli, store):
    from snarewatch.schema import Prediction
    from snarewatch.store import Landing, load_pending

    scores = [0.99, 0.5, 0.01, 0.4] + [0.02] * 8  # ad01 and ad03 are unsure
    Landing(store.landing_dir).write([
        Prediction(task="wildlife", item_id=f"ad{i:02d}", item_kind="ad", model_id="m1",
                   label="not_wildlife", score=s, threshold=0.5, positive=s >= 0.5)
        for i, s in enumerate(scores)])
    load_pending(store.db_path, store.landing_dir)
    done = cli("label", "wildlife", "--cascade", "--budget", "10", "--backend", "fake:first",
               "--format", "json")
    assert json.loads(done.stdout)[0]["labelled"] == 2
