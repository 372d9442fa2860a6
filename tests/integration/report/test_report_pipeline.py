"""Cross-stage: a real student trained on demo labels; its flags and gold evaluation reported."""

from __future__ import annotations

import csv
import json
from dataclasses import asdict
from pathlib import Path

import pytest
from report_store import build_demo_store

from snarewatch.report import build_report
from snarewatch.store import load_pending, query_records


@pytest.mark.slow
def test_report_over_a_trained_and_evaluated_student(settings, tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from classifiers.classify import classify_task
    from classifiers.evaluate import evaluate
    from classifiers.registry import load_model, promoted_model
    from classifiers.train import train_task

    store = build_demo_store(settings.data_dir, with_model=False)
    trained = train_task(settings, "wildlife", student="tfidf", folds=3)
    load_pending(settings.db_path, settings.landing_dir)
    classify_task(settings, "wildlife")
    load_pending(settings.db_path, settings.landing_dir)

    # Gold = the truth for ads the teacher never labelled; saved where the report looks for it.
    gold = tmp_path / "gold.csv"
    with gold.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["item_id", "label"])
        for t in store.truth:
            if t["id"] not in store.labelled:
                writer.writerow([store.ad_ids[t["id"]],
                                 "wildlife_product" if t["is_wildlife"] else "not_wildlife"])
    info = promoted_model(settings, "wildlife")
    assert info is not None and info.model_id == trained.model.model_id
    report = evaluate(settings, "wildlife", load_model(info), info.model_id, gold)
    (settings.data_dir / f"eval-{info.model_id}.json").write_text(
        json.dumps(asdict(report), default=str), encoding="utf-8")

    flagged = query_records(settings.db_path, "SELECT count(*) AS n FROM wildlife_ads "
                                              "WHERE positive")[0]["n"]
    positives = query_records(settings.db_path, "SELECT count(*) AS n FROM current_predictions "
                                                "WHERE task = 'wildlife' AND positive")[0]["n"]
    by_seller = query_records(settings.db_path, "SELECT sum(flagged_ads) AS n FROM sellers")[0]["n"]
    assert flagged == positives == by_seller > 0

    result = build_report(settings.db_path, tmp_path / "r.html", registry_dir=settings.registry_dir,
                          data_dir=settings.data_dir, budget_curve=store.budget_curve)
    text = result.path.read_text(encoding="utf-8")
    assert info.model_id in text
    assert 'alt="confusion matrix wildlife"' in text and f"eval-{info.model_id}.json" in text
    assert "No trained models yet" not in text


def test_views_and_report_over_a_real_crawl_of_the_demo_site(settings, tmp_path: Path) -> None:
    from crawler.run import run_crawl
    from demo_site.server import serve_in_thread
    from demo_site.truth import ground_truth

    with serve_in_thread() as base_url:
        crawl = run_crawl(settings, "demo", base_url=base_url, max_pages=120)
    load_pending(settings.db_path, settings.landing_dir)
    assert crawl.ads > 0
    truth = {t["url"]: t for t in ground_truth()["ads"]}
    rows = query_records(settings.db_path, "SELECT * FROM wildlife_ads")
    assert len(rows) == crawl.ads
    for row in rows:
        t = truth[row["url"].removeprefix(base_url)]
        assert str(row["posted_date"]) == t["posted_date"]
        assert row["seller"] == t["seller"] and row["positive"] is False
    [site] = query_records(settings.db_path, "SELECT * FROM sites")
    assert (site["ads"], site["crawls"]) == (crawl.ads, 1) and site["last_crawl"] is not None
    result = build_report(settings.db_path, tmp_path / "r.html", data_dir=settings.data_dir)
    text = result.path.read_text(encoding="utf-8")
    assert "none is classified yet" in text and "No trained models yet" in text
