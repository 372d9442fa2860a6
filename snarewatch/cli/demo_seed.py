"""The demo's seed set: 40 ads with known labels, standing in for a researcher's hand labels.

A researcher using snarewatch labels 30-50 items by hand before trusting the LLM with the rest
(docs/labeler.md). The demo does the same with 40 random ads whose labels come from the demo
site's ground truth: they are stored as human labels (so students train on them and they win
over the LLM's), the teacher is asked about them, and its answers set the abstention thresholds
the rest of the labelling runs under. The demo's scores against ground truth count these ads too;
they are 40 of 1,600.
"""

from __future__ import annotations

import random
from typing import Any
from urllib.parse import urlsplit

from snarewatch.cli._common import console
from snarewatch.config import Settings

SEED_SIZE = 40
ANNOTATOR = "demo-ground-truth"


def seed_teaching(s: Settings, task: Any, backend: Any, seed: int) -> tuple[Any, Any]:
    """Store the seed ads' labels as human labels and calibrate the teacher on them.

    Returns (Teaching with the calibration, the backend object), or (None, backend) when there
    are too few ads of the demo site to draw a seed set from.
    """
    from labeler.llm import make_backend
    from labeler.run import Teaching
    from labeler.strategy import Strategy
    from labeler.teach import calibrate_on, run_gold
    from snarewatch.demo_site.truth import ground_truth
    from snarewatch.schema import Label, stable_id, utcnow
    from snarewatch.store import Landing, load_pending, query_records

    llm = backend if backend is not None and not isinstance(backend, str) else \
        make_backend(s, backend)
    wildlife = {ad["url"]: bool(ad["is_wildlife"]) for ad in ground_truth()["ads"]}
    ads = [a for a in query_records(s.db_path, "SELECT ad_id, url, title, description FROM ads "
                                               "ORDER BY ad_id")
           if urlsplit(a["url"] or "").path in wildlife]
    if len(ads) < SEED_SIZE:
        return None, llm
    picked = random.Random(seed).sample(ads, SEED_SIZE)
    positive, negative = task.positive[0], next(n for n in task.label_names
                                                if n not in task.positive)
    gold = [positive if wildlife[urlsplit(a["url"]).path] else negative for a in picked]
    now = utcnow()
    Landing(s.landing_dir).write([
        Label(label_id=stable_id(task.name, a["ad_id"], ANNOTATOR), task=task.name,
              item_id=a["ad_id"], item_kind=task.item_kind, value=g, probability=1.0,
              source=f"human:{ANNOTATOR}", created_at=now)
        for a, g in zip(picked, gold, strict=True)])
    load_pending(s.db_path, s.landing_dir)
    run = run_gold(task, llm, picked, Strategy(), ids=[a["ad_id"] for a in picked])
    calibration = calibrate_on(task, gold, run)
    right = sum(p == g for p, g in zip(run.pred, gold, strict=True))
    shown = ", ".join(f"{k} {v:.2f}" for k, v in sorted(calibration.thresholds.items()))
    console.print(f"seed set: {SEED_SIZE} ads with labels from the demo's ground truth, standing "
                  f"in for a researcher's hand labels ({gold.count(positive)} wildlife); the "
                  f"teacher agrees on {right} of {SEED_SIZE}; it abstains below P {shown} "
                  f"(default {calibration.default:.2f})", highlight=False)
    return Teaching(calibration=calibration), llm
