"""The train / classify / models / eval / loop commands from the shell, on a small store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from snarewatch.config import Settings
from snarewatch.schema import Element, Label
from snarewatch.store import Landing, load_pending, query_records

TASK = "deceptive-ui"


def sw(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SNAREWATCH_CONFIG": str(cwd / "absent.toml"),
           "SNAREWATCH_DATA_DIR": str(cwd / "data"), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "snarewatch", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def _fill(tmp_path: Path, texts: list[str], labels: list[str], n_labelled: int) -> Settings:
    s = Settings(data_dir=tmp_path / "data")
    names = {"dark": "low_stock_message", "not_dark": "not_dark_pattern"}
    landing = Landing(s.landing_dir)
    landing.write([Element(element_id=f"e{i:03d}", site="shop.test", source="import", idx=i,
                           url=f"https://shop.test/p{i % 10}", text=t)
                   for i, t in enumerate(texts)])
    landing.write([Label(label_id=f"l{i}", task=TASK, item_id=f"e{i:03d}", item_kind="ui_element",
                         value=names[y], probability=0.8, source="llm:fake")
                   for i, y in enumerate(labels[:n_labelled])])
    load_pending(s.db_path, s.landing_dir)
    return s


def test_train_classify_models_eval(tmp_path, labelled_texts):
    texts, labels = labelled_texts
    s = _fill(tmp_path, texts, labels, 60)

    out = sw("train", TASK, "--student", "tfidf", "--format", "json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    trained = json.loads(out.stdout)[0]
    assert trained["student"] == "tfidf" and trained["promoted"] is True
    assert trained["cv"]["tfidf"]["grouped"] is True

    out = sw("classify", TASK, "--format", "json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)[0]["predicted"] == 80
    found = query_records(s.db_path, "SELECT label, text FROM findings")
    assert found and {f["label"] for f in found} == {"low_stock_message"}
    again = sw("classify", TASK, cwd=tmp_path)  # for people: what to do with the findings
    assert again.returncode == 0, again.stderr
    assert f"snarewatch labels export {TASK} --closest" in " ".join(again.stderr.split())

    out = sw("models", "list", "--format", "json", cwd=tmp_path)
    rows = json.loads(out.stdout)
    assert len(rows) == 1 and rows[0]["promoted"] is True and rows[0]["labels"] == 60
    model_id = rows[0]["model_id"]
    out = sw("models", "show", model_id[:-3], cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    card = json.loads(out.stdout)
    assert card["label_counts"] == {"low_stock_message": 30, "not_dark_pattern": 30}
    assert card["why"].startswith("tfidf")

    gold = tmp_path / "gold.csv"
    gold.write_text("text,label\nOnly 2 left in stock!,low_stock_message\n"
                    "Privacy policy,not_dark_pattern\nAdd to cart,not_dark_pattern\n")
    out = sw("eval", TASK, "--gold", str(gold), "--pr-curve", str(tmp_path / "pr.png"),
             cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "confusion matrix" in out.stdout and (tmp_path / "pr.png").exists()


def test_errors_are_one_line(tmp_path):
    out = sw("classify", TASK, cwd=tmp_path)
    assert out.returncode == 1 and "snarewatch train" in out.stderr
    assert "Traceback" not in out.stderr
    out = sw("models", "show", "nope", cwd=tmp_path)
    assert out.returncode == 1 and "models list" in out.stderr


def test_loop_with_scripted_teacher(tmp_path, labelled_texts):
    texts, labels = labelled_texts
    _fill(tmp_path, texts, labels, 0)
    script = tmp_path / "teacher.json"
    script.write_text(json.dumps({"rules": [[w, "low_stock_message", 0.9] for w in
                                            ("left", "hurry", "viewing", "ends", "sold", "gone",
                                             "expires", "bought", "limited", "miss")],
                                  "default": "not_dark_pattern"}))
    out = sw("loop", TASK, "--rounds", "3", "--per-round", "20", "--min-gain", "-1",
             "--backend", f"fake:{script}", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "round 1: diversity" in out.stdout and "round 2: uncertainty" in out.stdout
    assert "final model" in out.stdout
