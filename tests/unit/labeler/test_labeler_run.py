"""label_items with a scripted backend: records, cache, human override, failures, cost cap, plan."""

from __future__ import annotations

import pytest
from conftest import load

from labeler.llm.fake import FakeBackend
from labeler.plan import plan_labels
from labeler.run import label_items
from snarewatch.store import query_records
from snarewatch.tasks import load_task


def labels(settings, where="TRUE"):
    return query_records(settings.db_path, f"SELECT * FROM labels WHERE {where} ORDER BY item_id")


def test_labels_and_samples_are_written(store, wildlife_script):
    task = load_task("wildlife")
    backend = FakeBackend(wildlife_script)
    summary = label_items(store, task, budget=8, backend=backend, seed=1)
    load(store)
    rows = labels(store)
    assert summary.sampled == 8 == summary.labelled == len(rows) == backend.calls
    assert {r["source"] for r in rows} == {"llm:fake"} and all(r["prompt_hash"] for r in rows)
    ivory = [r for r in rows if r["item_id"] == "ad00"]
    assert not ivory or ivory[0]["value"] == "wildlife_product"
    samples = query_records(store.db_path, "SELECT * FROM samples")
    assert len(samples) == 8 and {s["method"] for s in samples} == {"diversity"}
    assert samples[0]["seed"] == 1 and '"allocation"' in samples[0]["params"]
    run = query_records(store.db_path, "SELECT * FROM runs WHERE kind = 'label'")
    assert run[0]["status"] == "done"


def test_rerun_reuses_answers_without_calling_the_model(store, wildlife_script):
    task = load_task("wildlife")
    label_items(store, task, budget=6, backend=FakeBackend(wildlife_script))
    # Not loaded yet on purpose: answers still in landing count for resuming.
    again = FakeBackend(wildlife_script)
    summary = label_items(store, task, budget=6, backend=again)
    assert again.calls == 0 and summary.cached == 6 and summary.labelled == 0
    load(store)
    assert len(labels(store)) == 6


def test_human_labels_are_not_rebought_and_win(store, wildlife_script, tmp_path):
    from labeler.humans import import_labels

    task = load_task("wildlife")
    sheet = tmp_path / "review.csv"
    sheet.write_text("item_id,human_label\nad02,wildlife_product\nad03,\nad04,bogus\n")
    report = import_labels(store.landing_dir, task, sheet, "alice")
    assert report.imported == 1 and report.blank == 1 and len(report.invalid) == 1
    backend = FakeBackend(wildlife_script)
    summary = label_items(store, task, budget=12, backend=backend)
    assert summary.human == 1 and backend.calls == 11
    load(store)
    current = query_records(store.db_path, "SELECT * FROM current_labels WHERE item_id = 'ad02'")
    assert current[0]["source"] == "human:alice" and current[0]["value"] == "wildlife_product"


def test_failures_are_recorded_counted_and_retried_next_time(store, wildlife_script):
    task = load_task("wildlife")
    script = dict(wildlife_script, fail={"vacuum": "error", "lego": "transient"})
    summary = label_items(store, task, budget=12, backend=FakeBackend(script))
    assert summary.failed == 2 and summary.labelled == 10
    assert summary.errors == {"LLMError": 1, "LLMTransientError": 1}
    load(store)
    failed = labels(store, "error IS NOT NULL")
    assert {r["item_id"] for r in failed} == {"ad03", "ad08"} and failed[0]["value"] is None
    fixed = FakeBackend(wildlife_script)
    again = label_items(store, task, budget=12, backend=fixed)
    assert fixed.calls == 2 and again.cached == 10 and again.failed == 0


def test_max_cost_is_never_exceeded_and_a_rerun_continues(store, wildlife_script):
    task = load_task("wildlife")
    pricey = FakeBackend(wildlife_script, usd_per_1k_input=1.0, usd_per_1k_output=1.0)
    first = label_items(store, task, budget=12, backend=pricey, max_cost=4.0)
    assert first.stopped == "max_cost" and 0 < first.labelled < 12 and first.cost_usd <= 4.0
    load(store)
    rest = FakeBackend(wildlife_script, usd_per_1k_input=1.0, usd_per_1k_output=1.0)
    second = label_items(store, task, budget=12, backend=rest, max_cost=100.0)
    assert second.cached == first.labelled and second.labelled == 12 - first.labelled
    assert second.stopped is None


def test_lts_labels_inside_rounds(store, wildlife_script):
    task = load_task("wildlife")
    backend = FakeBackend(wildlife_script)
    summary = label_items(store, task, budget=9, method="lts", backend=backend,
                          sampling_params={"n_clusters": 3, "rounds": 3})
    assert summary.sampled == 9 == backend.calls
    load(store)
    rounds = {r["round"] for r in query_records(store.db_path, "SELECT round FROM samples")}
    assert len(rounds) >= 2


def test_ui_elements_and_progress_callback(store):
    task = load_task("deceptive-ui")
    seen = []
    summary = label_items(store, task, budget=5, backend="fake:not_dark_pattern",
                          on_progress=lambda **kw: seen.append(kw))
    assert summary.labelled == 5 and seen[-1]["done"] == 5 and seen[-1]["total"] == 5
    assert summary.by_value == {"not_dark_pattern": 5}


def test_plan_calls_nothing_and_renders_a_prompt(store):
    backend = FakeBackend(usd_per_1k_input=0.5)
    plan = plan_labels(store, load_task("wildlife"), budget=5, backend=backend)
    assert backend.calls == 0 and plan.items == 12 and plan.to_label == 5
    assert plan.est_cost_usd > 0 and plan.example_prompt.endswith("Answer:")
    assert "Antique elephant ivory bangle" in plan.example_prompt


def test_no_items_is_an_error_that_says_what_to_do(settings):
    from snarewatch.errors import NothingToDoError

    with pytest.raises(NothingToDoError, match="no ads to label.*snarewatch crawl"):
        label_items(settings, load_task("wildlife"), budget=5, backend="fake:first")


def test_plan_counts_variants_knn_and_fudd(store):
    from labeler.strategy import Strategy

    task, backend = load_task("wildlife"), FakeBackend(usd_per_1k_input=0.5)
    plain = plan_labels(store, task, budget=5, backend=backend)
    richer = plan_labels(store, task, budget=5, backend=backend,
                         strategy=Strategy(knn=4, fudd=True, variants=2))
    assert backend.calls == 0
    assert richer.est_tokens_in > 2 * plain.est_tokens_in
    assert richer.est_seconds == pytest.approx(plain.est_seconds * 2 * 3)
    assert "a similar human-labelled example" in richer.example_prompt
    assert "How to tell similar labels apart" in richer.example_prompt
