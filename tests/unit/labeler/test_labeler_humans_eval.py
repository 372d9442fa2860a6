"""Export for review, import of human labels, and teacher metrics against gold."""

from __future__ import annotations

import json

import pytest
from conftest import load

from labeler.evaluate import prf, score
from labeler.humans import import_labels, write_export
from labeler.llm.fake import FakeBackend
from labeler.run import label_items
from labeler.strategy import Strategy
from labeler.teach import run_gold
from snarewatch.errors import ConfigError
from snarewatch.store import query_records
from snarewatch.store.review_reads import labelled_for_review
from snarewatch.tasks import load_task


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_export_review_import_round_trip(store, wildlife_script, tmp_path, suffix):
    task = load_task("wildlife")
    label_items(store, task, budget=12, backend=FakeBackend(wildlife_script))
    load(store)
    rows = labelled_for_review(store.db_path, task.name, task.item_kind)
    assert len(rows) == 12 and rows[0].llm_label and rows[0].llm_probability is not None
    out = tmp_path / f"review{suffix}"
    write_export(rows, out)
    # The reviewer overturns the LLM on the first row and leaves the rest blank.
    if suffix == ".csv":
        lines = out.read_text().splitlines()
        fields = lines[1].split(",")
        flipped = "not_wildlife" if rows[0].llm_label == "wildlife_product" else "wildlife_product"
        fields[7] = flipped
        lines[1] = ",".join(fields)
        out.write_text("\n".join(lines) + "\n")
    else:
        data = [json.loads(line) for line in out.read_text().splitlines()]
        flipped = "not_wildlife" if data[0]["llm_label"] == "wildlife_product" else "wildlife_product"
        data[0]["human_label"] = flipped
        out.write_text("".join(json.dumps(d) + "\n" for d in data))
    report = import_labels(store.landing_dir, task, out, "bob")
    load(store)
    assert report.imported == 1 and report.blank == 11
    current = query_records(store.db_path, "SELECT value, source FROM current_labels "
                            "WHERE item_id = ?", [rows[0].item_id])
    assert current == [{"value": flipped, "source": "human:bob"}]
    again = labelled_for_review(store.db_path, task.name, task.item_kind)
    assert {r.item_id: r.human_label for r in again}[rows[0].item_id] == flipped


def test_import_needs_the_columns(store, tmp_path):
    sheet = tmp_path / "x.csv"
    sheet.write_text("id,label\n1,yes\n")
    with pytest.raises(ConfigError, match="item_id"):
        import_labels(store.landing_dir, load_task("wildlife"), sheet, "c")


def test_metrics():
    assert prf([True, True, False, False], [True, False, True, False]) == (0.5, 0.5, 0.5)
    task = load_task("deceptive-ui")
    m = score(task, ["low_stock_message", "countdown_timer", "not_dark_pattern"],
              ["high_demand_message", "countdown_timer", "not_dark_pattern"])
    assert m["accuracy"] == pytest.approx(2 / 3)
    assert m["group_accuracy"] == 1.0 and m["binary_accuracy"] == 1.0 and m["f1"] == 1.0


def test_evaluate_teacher_counts_failures_as_wrong():
    task = load_task("wildlife")
    gold = [{"title": "ivory bangle", "label": "wildlife_product"},
            {"text": "shark vacuum", "label": "not_wildlife"},
            {"title": "broken lego", "label": "not_wildlife"}]
    backend = FakeBackend({"rules": [["ivory", "wildlife_product", 0.9]],
                           "default": "not_wildlife", "fail": {"lego": "error"}})
    run = run_gold(task, backend, gold, Strategy())
    assert run.failed == 1 and run.pred[2] is None
    m = score(task, [r["label"] for r in gold], run.pred)
    assert m["n"] == 3 and m["accuracy"] == pytest.approx(2 / 3)
    assert m["precision"] == 1.0 and m["recall"] == 1.0
