"""Finding gold evaluations, reading model cards and budget curves in the shapes tools write."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from snarewatch.report.evaluations import (
    budget_series,
    find_classification_report,
    latest_evaluations,
    load_budget_curve,
    model_cards,
)
from snarewatch.report.html import esc, table

REPORT = {"classes": ["a", "b"], "confusion": [[3, 1], [0, 4]], "accuracy": 0.875,
          "binary": {"precision": 0.8, "recall": 1.0, "f1": 0.89}}


def test_finds_nested_report_and_prefers_the_student() -> None:
    doc = {"teacher": {**REPORT, "confusion": [[4, 0], [0, 4]]}, "student": REPORT}
    assert find_classification_report(doc) is REPORT
    assert find_classification_report({"x": [1, {"y": REPORT}]}) is REPORT
    assert find_classification_report({"classes": ["a"], "confusion": [[1, 2]]}) is None


def test_latest_evaluation_per_task_from_runs_and_registry(tmp_path: Path) -> None:
    older = datetime(2025, 1, 1, tzinfo=UTC)
    runs = [
        {"run_id": "r1", "finished_at": older, "params": {"task": "wildlife"},
         "stats": {"model_id": "m1", "student": REPORT}},
        {"run_id": "r2", "finished_at": older, "params": {}, "stats": {"nothing": 1}},
    ]
    folder = tmp_path / "m2"
    folder.mkdir()
    (folder / "eval-gold.json").write_text(json.dumps(
        {"created_at": "2025-03-01T00:00:00+00:00",
         "student": {**REPORT, "confusion": [[4, 0], [1, 3]]}}))
    models = [{"model_id": "m2", "task": "wildlife"}, {"model_id": "m3", "task": "deceptive-ui"}]
    latest = latest_evaluations(runs, tmp_path, models)
    assert set(latest) == {"wildlife"}
    ev = latest["wildlife"]
    assert ev.model_id == "m2" and ev.confusion == [[4, 0], [1, 3]]
    assert ev.metrics["f1"] == 0.89 and ev.metrics["accuracy"] == 0.875
    only_runs = latest_evaluations(runs, None, models)["wildlife"]
    assert only_runs.source == "run r1"


def test_model_cards_take_the_chosen_students_cv_metrics() -> None:
    card = {"student": "embedding", "n_labels": 120,
            "cv": {"tfidf": {"f1": 0.5}, "embedding": {"f1": 0.8, "precision": 0.9, "n": 120}}}
    [c] = model_cards([{"model_id": "m", "task": "t", "student": "embedding", "card": card,
                        "promoted": True, "threshold": 0.4}])
    assert c.metrics == {"f1": 0.8, "precision": 0.9} and c.promoted and c.n_labels == 120
    [bare] = model_cards([{"model_id": "m", "task": "t", "student": "x",
                           "card": {"metrics": {"f1": 0.7}}}])
    assert bare.metrics == {"f1": 0.7}


def test_budget_series_accepts_common_shapes(tmp_path: Path) -> None:
    points = {"points": [{"budget": 100, "f1": 0.7, "method": "diversity"},
                         {"budget": 50, "f1": 0.6, "method": "diversity"},
                         {"budget": 50, "macro_f1": 0.3, "method": "random"}]}
    assert budget_series(points) == {"diversity": [(50.0, 0.6), (100.0, 0.7)],
                                     "random": [(50.0, 0.3)]}
    assert budget_series({"curves": {"wildlife": [{"budget": 10, "f1": 0.2}]}}) == {
        "wildlife": [(10.0, 0.2)]}
    assert budget_series({"machine": {}, "wildlife": {"10": 0.2, "20": 0.4}}) == {
        "wildlife": [(10.0, 0.2), (20.0, 0.4)]}
    path = tmp_path / "budget_curve.json"
    path.write_text(json.dumps(points))
    doc, found = load_budget_curve(None, tmp_path)
    assert found == path and doc == points
    assert load_budget_curve(tmp_path / "absent.json") == (None, None)


def test_tables_escape_html() -> None:
    html = table([{"title": "<script>alert(1)</script>", "n": 1234}])
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<td class="num">1,234</td>' in html
    assert esc(None) == "" and esc(True) == "yes" and esc(0.25) == "0.25"


def test_evaluation_file_in_the_data_dir_as_eval_writes_it(tmp_path: Path) -> None:
    # The shape of dataclasses.asdict(classifiers.evaluate.EvalReport).
    doc = {"task": "deceptive-ui", "model_id": "dui-7", "n_gold": 8, "student": REPORT,
           "teacher": None, "student_same_rows": None, "pr_curve": None, "skipped": {}}
    (tmp_path / "eval-dui-7.json").write_text(json.dumps(doc))
    (tmp_path / "eval-broken.json").write_text("{not json")
    latest = latest_evaluations([], None, [], data_dir=tmp_path)
    assert list(latest) == ["deceptive-ui"]
    assert latest["deceptive-ui"].model_id == "dui-7"
    assert latest["deceptive-ui"].confusion == REPORT["confusion"]
