"""train → classify → findings on a small store of UI elements labelled by a (scripted) teacher."""

from __future__ import annotations

import pytest

from snarewatch.schema import Element, Label
from snarewatch.store import Landing, load_pending, query_records
from snarewatch.taskspec import LabelDef, TaskSpec


@pytest.fixture
def task() -> TaskSpec:
    """A two-label UI task."""
    return TaskSpec(
        name="dark-demo", description="Is this shopping-page text a dark pattern?",
        item_kind="ui_element", input_template="{text}",
        labels=[LabelDef(name="dark", definition="pressure"),
                LabelDef(name="not_dark", definition="plain")],
        positive=["dark"],
    )


@pytest.fixture
def store(settings, task, labelled_texts):
    """60 labelled elements on 12 pages plus 20 unlabelled ones, loaded."""
    texts, labels = labelled_texts
    landing = Landing(settings.landing_dir)
    elements, rows = [], []
    for i, (text, label) in enumerate(zip(texts, labels, strict=True)):
        eid = f"e{i:03d}"
        elements.append(Element(element_id=eid, site="shop.test", url=f"https://shop.test/p{i % 12}",
                                source="import", idx=i, text=text))
        if i < 60:
            rows.append(Label(label_id=f"l{i:03d}", task=task.name, item_id=eid,
                              item_kind="ui_element", value=label, probability=0.9,
                              source="llm:fake"))
    landing.write(elements)
    landing.write(rows)
    load_pending(settings.db_path, settings.landing_dir)
    return settings


def test_train_classify_findings(store, task):
    from classifiers.classify import classify_task
    from classifiers.registry import list_models, promoted_model
    from classifiers.train import train_task

    result = train_task(store, task, student="tfidf")
    assert result.promoted and result.n_labels == 60
    card = result.model.card
    assert card["label_counts"] == {"dark": 30, "not_dark": 30}
    assert card["label_sources"] == {"llm": 60}
    assert card["cv"]["tfidf"]["grouped"] is True
    assert 0.0 <= result.threshold <= 1.0 and len(card["training_data_sha256"]) == 64
    load_pending(store.db_path, store.landing_dir)
    assert promoted_model(store, task.name).model_id == result.model.model_id
    assert [m.model_id for m in list_models(store, task.name)] == [result.model.model_id]

    summary = classify_task(store, task)
    assert summary.predicted == summary.total == 80 and summary.failed == 0
    load_pending(store.db_path, store.landing_dir)
    again = classify_task(store, task.name)  # idempotent: nothing new to score
    assert again.predicted == 0 and again.skipped == 80

    findings = query_records(store.db_path, "SELECT * FROM findings WHERE task = ?", [task.name])
    assert 30 <= len(findings) <= 50
    assert all(f["label"] == "dark" and f["score"] >= f["threshold"] for f in findings)
    assert {f["model_id"] for f in findings} == {result.model.model_id}
    flagged = {f["text"] for f in findings}
    assert "Hurry! Only 5 left in stock" in flagged and "Privacy policy" not in flagged


def test_train_refuses_without_labels(settings, task):
    from classifiers.base import StudentError
    from classifiers.train import train_task

    with pytest.raises(StudentError, match="snarewatch label"):
        train_task(settings, task)


def test_auto_says_why(store, task):
    from classifiers.train import train_task

    result = train_task(store, task, student="auto")
    assert set(result.cv) == {"tfidf", "embed", "hybrid"}
    assert result.student in result.reason and "out-of-fold" in result.reason


def test_evaluate_student_and_teacher(store, task, tmp_path):
    from classifiers.evaluate import evaluate
    from classifiers.registry import load_model
    from classifiers.train import train_task

    info = train_task(store, task, student="tfidf").model
    gold = tmp_path / "gold.csv"
    gold.write_text("item_id,label\n" + "".join(
        f"e{i:03d},{'dark' if (i % 20) < 10 else 'not_dark'}\n" for i in range(0, 80, 3)))
    report = evaluate(store, task.name, load_model(info), info.model_id, gold,
                      pr_png=tmp_path / "pr.png")
    assert report.student["n"] == 27 and report.student["binary"]["f1"] > 0.8
    assert report.teacher is not None and report.teacher["binary"]["f1"] == 1.0
    assert report.teacher["n"] == report.student_same_rows["n"] == 20
    assert (tmp_path / "pr.png").stat().st_size > 1000


def _relabel(settings, task, item_ids, value, source, prefix):  # type: ignore[no-untyped-def]
    Landing(settings.landing_dir).write([
        Label(label_id=f"{prefix}{i}", task=task.name, item_id=i, item_kind="ui_element",
              value=value, probability=1.0 if source.startswith("human:") else 0.9,
              source=source, p_positive=float(value == "dark")) for i in item_ids])
    load_pending(settings.db_path, settings.landing_dir)


def test_a_student_with_too_few_positives_is_saved_but_not_promoted(store, task):
    from classifiers.registry import promoted_model
    from classifiers.train import train_task

    darks = [r["item_id"] for r in query_records(
        store.db_path, "SELECT item_id FROM current_labels WHERE value = 'dark' ORDER BY 1")]
    _relabel(store, task, darks[4:], "not_dark", "llm:fake", "n")  # 4 positives left
    result = train_task(store, task, student="tfidf")
    load_pending(store.db_path, store.landing_dir)
    assert not result.promoted and promoted_model(store, task.name) is None
    assert any("only 4 positive labels" in r for r in result.refused)
    assert result.model.card["guards"] == result.refused
    forced = train_task(store, task, student="tfidf", force=True)
    assert forced.promoted


def test_labels_of_a_run_that_warned_are_not_promoted_without_hand_labels_to_check(store, task):
    from datetime import UTC, datetime

    from classifiers.registry import promoted_model
    from classifiers.train import train_task
    from snarewatch.schema import Run

    warning = "the teacher's answers do not split into a clear 'yes' and a clear 'no' group"
    now = datetime.now(UTC)
    Landing(store.landing_dir).write([Run(
        run_id="label-1", kind="label", started_at=now, finished_at=now, status="suspect",
        params={"task": task.name}, stats={"collapsed": warning})])
    load_pending(store.db_path, store.landing_dir)
    result = train_task(store, task, student="tfidf")
    load_pending(store.db_path, store.landing_dir)
    assert not result.promoted and promoted_model(store, task.name) is None
    assert any(warning in r for r in result.refused)
    # Hand labels holding one positive cannot check the student: the warning still stands.
    rows = query_records(store.db_path, "SELECT item_id, value FROM current_labels ORDER BY 1")
    darks = [r for r in rows if r["value"] == "dark"]
    for r in darks[:1] + [r for r in rows if r["value"] == "not_dark"][:6]:
        _relabel(store, task, [r["item_id"]], r["value"], "human:me", "h")
    assert any(warning in r for r in train_task(store, task, student="tfidf").refused)
    # Hand labels of both kinds check the teacher: the seed's figures decide, not the warning.
    for r in darks[1:6]:
        _relabel(store, task, [r["item_id"]], r["value"], "human:me", "h")
    assert not any(warning in r for r in train_task(store, task, student="tfidf").refused)


def test_hand_labels_weigh_more_and_are_the_students_exam(store, task):
    from classifiers.train import HUMAN_WEIGHT, load_training_data, train_task

    rows = query_records(store.db_path, "SELECT item_id, value FROM current_labels ORDER BY 1")
    seed = [r for r in rows if r["value"] == "dark"][:6] + \
        [r for r in rows if r["value"] == "not_dark"][:6]
    for r in seed:
        _relabel(store, task, [r["item_id"]], r["value"], "human:me", "h")
    data = load_training_data(store, task)
    weights = dict(zip(data.item_ids, data.weights, strict=True))
    assert weights[seed[0]["item_id"]] == HUMAN_WEIGHT and sum(data.human) == 12
    assert max(w for i, w in weights.items() if i not in {r["item_id"] for r in seed}) < 1.0
    result = train_task(store, task, student="auto", baseline=False)
    assert set(result.seed) == {"tfidf", "embed", "hybrid"}
    on_seed = result.seed[result.student]
    assert on_seed["n"] == 12 and on_seed["positives"] == 6 and 0 <= on_seed["f1"] <= 1
    assert "seed labels" in result.reason and result.trust["seed_labels"] == 12
    assert result.model.card["propose_threshold"] <= result.threshold
    # Six positives pin F1 down loosely: the range reaches well below it and `train` says so.
    low, high = on_seed["f1_range"]
    assert low < on_seed["f1"] and high <= 1.0 and high - low > 0.1
    assert result.trust["seed_f1_range"] == [low, high]
    assert (f"as low as {low:.2f}" in result.doubt) == (low < 0.6)
    assert f"on all items likely {low:.2f}-{high:.2f}" in str(result)


def test_a_later_student_takes_over_only_when_it_learnt_from_more_hand_labels(store, task):
    from classifiers.registry import promoted_model
    from classifiers.train import train_task

    first = train_task(store, task, student="tfidf")
    load_pending(store.db_path, store.landing_dir)
    again = train_task(store, task, student="tfidf")  # same labels: the first one stays
    load_pending(store.db_path, store.landing_dir)
    assert first.promoted and not again.promoted and first.model.model_id in again.kept
    assert promoted_model(store, task.name).model_id == first.model.model_id

    # A person reviews three flags: the student that learnt from them takes over.
    rows = query_records(store.db_path, "SELECT item_id FROM current_labels ORDER BY 1 LIMIT 3")
    _relabel(store, task, [r["item_id"] for r in rows], "not_dark", "human:alice", "h")
    reviewed = train_task(store, task, student="tfidf")
    load_pending(store.db_path, store.landing_dir)
    assert reviewed.promoted and not reviewed.kept
    assert promoted_model(store, task.name).model_id == reviewed.model.model_id
