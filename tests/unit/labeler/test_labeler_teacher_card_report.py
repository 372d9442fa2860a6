"""The report's teacher-card block reads data_dir/teacher-card-*.json."""

from __future__ import annotations

import json

from snarewatch.report.teacher_cards import load_teacher_cards, teacher_cards_html


def test_teacher_cards_block(tmp_path) -> None:
    assert teacher_cards_html(tmp_path) == ""  # optional: nothing shown without cards
    card = {"task": "wildlife", "model": "qwen", "strategy": {"knn": 4, "fudd": False,
                                                               "variants": 2},
            "n": 40, "agreement": 0.9, "precision": 0.88, "recall": 0.93, "f1": 0.9043,
            "abstention_rate": 0.15, "seconds_per_label": 0.4, "created_at": "2026-11-26T23:00"}
    (tmp_path / "teacher-card-wildlife.json").write_text(json.dumps(card))
    (tmp_path / "teacher-card-broken.json").write_text("{not json")
    assert [c["task"] for c in load_teacher_cards(tmp_path)] == ["wildlife"]
    html = teacher_cards_html(tmp_path)
    assert "knn4+sc2" in html and "0.904" in html and "15%" in html
    assert teacher_cards_html(tmp_path, task="deceptive-ui") == ""
