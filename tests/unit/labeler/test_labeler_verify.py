"""Verified findings: the teacher re-checks the student's flags; rejected flags leave `findings`."""

from __future__ import annotations

import pytest
from conftest import AD_TITLES, hashed_embeddings, load

from labeler.llm.fake import FakeBackend
from labeler.verify import unverified_flags, verify_flags
from snarewatch.schema import Label, Prediction
from snarewatch.store import Landing, query_records
from snarewatch.tasks import load_task

WILD = ("ivory", "rhino", "parrot", "pangolin", "bear bile", "hawksbill")


def _flag_everything(store) -> None:  # type: ignore[no-untyped-def]
    """A careless student: every ad flagged."""
    Landing(store.landing_dir).write([
        Prediction(task="wildlife", item_id=f"ad{i:02d}", item_kind="ad", model_id="m1",
                   label="wildlife_product", score=0.9, threshold=0.5, positive=True)
        for i in range(len(AD_TITLES))])
    load(store)


def _seed(store) -> None:  # type: ignore[no-untyped-def]
    seeds = {"ad00": True, "ad01": True, "ad04": True, "ad02": False, "ad03": False,
             "ad05": False}
    Landing(store.landing_dir).write([
        Label(label_id=f"s{i}", task="wildlife", item_id=i, item_kind="ad",
              value="wildlife_product" if pos else "not_wildlife", source="human:me",
              p_positive=float(pos)) for i, pos in seeds.items()])
    load(store)


def _teacher() -> FakeBackend:
    return FakeBackend({"rules": [[w, "wildlife_product", 0.9] for w in WILD],
                        "default": "not_wildlife"})


def test_without_a_seed_the_teacher_rejects_what_it_calls_negative(store, monkeypatch):
    monkeypatch.setattr("labeler.verify.embed_texts", hashed_embeddings)
    _flag_everything(store)
    task = load_task("wildlife")
    assert len(unverified_flags(store, task)) == 12
    summary = verify_flags(store, task, backend=_teacher())
    load(store)
    assert summary.verified == 12 and summary.confirmed == 6 and summary.rejected == 6
    assert summary.seed_asked == 0 and summary.time_text().endswith("s a flag")
    found = query_records(store.db_path, "SELECT item_id, verification, verified_by FROM findings")
    assert len(found) == 6 and {r["verification"] for r in found} == {"confirmed"}
    assert {r["verified_by"] for r in found} == {"llm:fake"}
    flags = query_records(store.db_path, "SELECT verification, count(*) AS n FROM flags GROUP BY 1")
    assert {r["verification"]: r["n"] for r in flags} == {"confirmed": 6, "rejected": 6}
    assert unverified_flags(store, task) == []  # nothing asked twice
    assert verify_flags(store, task, backend=_teacher()).verified == 0


def test_a_human_label_overrules_the_flag_and_the_teacher(store, monkeypatch):
    monkeypatch.setattr("labeler.verify.embed_texts", hashed_embeddings)
    _flag_everything(store)
    # ad02 is Tiger Balm: a person says no; ad00 (ivory) a person says yes.
    Landing(store.landing_dir).write([
        Label(label_id="h1", task="wildlife", item_id="ad02", item_kind="ad",
              value="not_wildlife", source="human:alice", p_positive=0.0),
        Label(label_id="h2", task="wildlife", item_id="ad00", item_kind="ad",
              value="wildlife_product", source="human:alice", p_positive=1.0)])
    load(store)
    task = load_task("wildlife")
    flags = {i for i, _ in unverified_flags(store, task)}
    assert "ad02" not in flags and "ad00" not in flags
    found = {r["item_id"]: r for r in query_records(store.db_path, "SELECT * FROM findings")}
    assert "ad02" not in found and found["ad00"]["verified_by"] == "human:alice"


@pytest.fixture
def seeded_flags(store, monkeypatch):  # type: ignore[no-untyped-def]
    """Six hand labels (three of each side) and every ad flagged; yields the task."""
    monkeypatch.setattr("labeler.verify.embed_texts", hashed_embeddings)
    monkeypatch.setattr("labeler.teach.embed_texts", hashed_embeddings)
    _seed(store)
    _flag_everything(store)
    return load_task("wildlife")


def test_with_a_seed_the_cut_is_set_on_the_hand_labels(store, seeded_flags):
    task = seeded_flags
    teacher = _teacher()
    summary = verify_flags(store, task, backend=teacher)
    assert "calibrated on 6 seed labels" in summary.calibration
    assert summary.seed_precision == 1.0 and summary.seed_recall == 1.0
    # The 6 seed items were asked once for calibration; the 6 other flags once to verify.
    assert teacher.calls == 12 and summary.verified == 6
    assert summary.confirmed == 3  # parrot... pangolin, bear bile, hawksbill
    # The time a flag says what else it paid for.
    assert summary.seed_asked == 6 and "counting the 6 seed items asked first" in \
        summary.time_text()


def test_a_teacher_that_ranks_the_seed_backwards_vetoes_nothing(store, seeded_flags):
    task = seeded_flags
    backwards = FakeBackend({"rules": [[w, "not_wildlife", 0.9] for w in WILD],
                             "default": "wildlife_product"})
    summary = verify_flags(store, task, backend=backwards)
    assert "no better than chance" in summary.calibration and "AUC 0.00" in summary.calibration
    # Only the seed was asked; the flags keep their standing and stay open for a better check.
    assert backwards.calls == 6 and summary.verified == 0 and summary.skipped == 6
    load(store)
    assert len(unverified_flags(store, task)) == 6
    assert query_records(store.db_path, "SELECT count(*) AS n FROM findings")[0]["n"] == 9


def test_the_flags_review_queue_holds_findings_nobody_checked_by_hand(store, monkeypatch, tmp_path):
    from labeler.humans import import_labels, write_export
    from snarewatch.store.review_reads import findings_for_review

    monkeypatch.setattr("labeler.verify.embed_texts", hashed_embeddings)
    _flag_everything(store)
    task = load_task("wildlife")
    verify_flags(store, task, backend=_teacher())
    load(store)
    queue = findings_for_review(store.db_path, task.name, task.item_kind)
    # The teacher's 6 vetoes are not findings; the 6 it confirmed are, each with who checked it.
    assert len(queue) == 6 and {r.note for r in queue} == {"confirmed by llm:fake"}
    assert [r.llm_probability for r in queue] == sorted(r.llm_probability for r in queue)

    # A reviewer says the first is wrong: it leaves the findings and the queue.
    queue[0].human_label = "not_wildlife"
    path = tmp_path / "flags.csv"
    write_export(queue, path)
    assert import_labels(store.landing_dir, task, path, "alice").imported == 1
    load(store)
    found = {r["item_id"] for r in query_records(store.db_path, "SELECT item_id FROM findings")}
    assert queue[0].item_id not in found and len(found) == 5
    assert len(findings_for_review(store.db_path, task.name, task.item_kind)) == 5


def test_the_closest_calls_queue_takes_both_sides_of_the_cut_in_turn(store, tmp_path):
    from labeler.humans import import_labels, write_export
    from snarewatch.store.review_reads import closest_calls_for_review

    # Scores fall from ad00 (0.95) to ad11 (0.40); the cut at 0.7 flags ad00..ad05.
    scores = {f"ad{i:02d}": round(0.95 - 0.05 * i, 2) for i in range(len(AD_TITLES))}
    Landing(store.landing_dir).write([
        Prediction(task="wildlife", item_id=i, item_kind="ad", model_id="m1",
                   label="wildlife_product" if s >= 0.7 else "not_wildlife", score=s,
                   threshold=0.7, positive=s >= 0.7) for i, s in scores.items()])
    load(store)
    task = load_task("wildlife")
    queue = closest_calls_for_review(store.db_path, task.name, task.item_kind)
    # Least sure flag, surest non-flag, next least sure flag, next surest non-flag, ...
    assert [r.item_id for r in queue[:4]] == ["ad05", "ad06", "ad04", "ad07"]
    assert queue[0].note.startswith("flagged") and queue[1].note == "not flagged"
    assert len(queue) == 12

    # A person says the surest non-flag is wildlife after all: it leaves the queue.
    queue[1].human_label = "wildlife_product"
    path = tmp_path / "closest.csv"
    write_export(queue[:2], path)
    assert import_labels(store.landing_dir, task, path, "alice").imported == 1
    load(store)
    again = [r.item_id for r in closest_calls_for_review(store.db_path, task.name, "ad")]
    assert "ad06" not in again and again[:2] == ["ad05", "ad07"]
