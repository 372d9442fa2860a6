"""The pipeline chain on real workers: crawl -> load -> classify new items -> load."""

from __future__ import annotations

from pathlib import Path

from worker_env import Env, wait_for
from worker_shop import serve_shop, write_profile

from snarewatch.schema import Label, stable_id
from snarewatch.store import Landing, load_pending, query_records


def _train_wildlife_student(env: Env, profile: Path) -> str:
    """Crawl one shop in-process, label its ads by hand, train and promote a tf-idf student."""
    from classifiers.train import train_task
    from crawler.run import run_crawl

    s = env.settings()
    with serve_shop(n_ads=24) as base:
        run_crawl(s, str(profile), base_url=base, crawl_id="training")
    load_pending(s.db_path, s.landing_dir)
    ads = query_records(s.db_path, "SELECT ad_id, title FROM ads")
    Landing(s.landing_dir).write([
        Label(label_id=stable_id("test", a["ad_id"]), task="wildlife", item_id=a["ad_id"],
              item_kind="ad", source="human:test",
              value="wildlife_product" if "ivory" in a["title"] else "not_wildlife")
        for a in ads])
    load_pending(s.db_path, s.landing_dir)
    result = train_task(s, "wildlife", student="tfidf")
    load_pending(s.db_path, s.landing_dir)
    assert result.promoted
    return result.model.model_id


def test_pipeline_classifies_the_new_ads_with_the_promoted_model(fs_env: Env) -> None:
    env = fs_env
    profile = write_profile(env.root)
    model_id = _train_wildlife_student(env, profile)
    s = env.settings()
    env.worker("load")
    env.worker("crawl,ml", concurrency=2)
    app = env.app()
    # Another shop (another port): 16 ads the store has never seen.
    with serve_shop(n_ads=16) as base:
        started = app.send_task("snarewatch.pipeline",
                                kwargs={"site": str(profile), "task": "wildlife",
                                        "base_url": base}, queue="ml").get(timeout=60)
        crawl_id = started["crawl_id"]
        wait_for(lambda: len(query_records(
            s.db_path, "SELECT 1 FROM runs WHERE kind = 'classify' AND status = 'done'")) >= 1,
            120, "the pipeline's classify step to be loaded")
    new_ads = {r["ad_id"] for r in query_records(
        s.db_path, "SELECT ad_id FROM ads WHERE crawl_id = ?", [crawl_id])}
    assert len(new_ads) == 16
    predicted = query_records(s.db_path, "SELECT item_id, model_id, positive FROM predictions")
    # Only the ads captured by this pipeline run were classified, all with the promoted model.
    assert {p["item_id"] for p in predicted} == new_ads
    assert {p["model_id"] for p in predicted} == {model_id}
    findings = query_records(s.db_path, "SELECT text FROM findings WHERE task = 'wildlife'")
    assert findings and all("ivory" in f["text"] for f in findings)
    # `snarewatch status` counts them as new findings.
    from snarewatch.worker_status import collect_status

    new = collect_status(s).findings
    assert [(f["task"], f["site"], f["new_findings"]) for f in new] == [
        ("wildlife", "testshop", len(findings))]
