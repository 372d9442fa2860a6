"""The demo's seed set: 40 ads labelled from the site's ground truth, as a researcher would by hand.

A researcher starts a task with `snarewatch labels seed` (40 items drawn half among those most
like the positive definition, half from the rest), labels them by hand and imports them. The
demo draws its seed set the same way and takes the labels from the demo site's ground truth
instead of a person. From then on the pipeline treats them as any hand labels: they calibrate
the teacher, train and judge the student, and let the teacher verify the student's flags. The
demo's scores against ground truth count these ads too; they are 40 of 1,600.

Then the researcher reads the findings: the demo labels the 40 least sure of them the same way
(`review_from_truth`), and the student is trained again on what the review said.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from snarewatch.config import Settings
from snarewatch.pipeline.hooks import QUIET, Hooks

SEED_SIZE = 40
REVIEW_SIZE = 40
ANNOTATOR = "demo-ground-truth"


def seed_from_truth(s: Settings, task: Any, seed: int, hooks: Hooks = QUIET) -> int:
    """Draw the seed set, store its ground-truth labels as human labels; returns its size."""
    from labeler.seeds import choose_seed

    items, _ = choose_seed(s, task, SEED_SIZE, seed=seed)
    truth = _label_from_truth(s, task, items, hooks)
    if truth:
        hooks.say(f"seed set: {len(truth)} ads drawn as `snarewatch labels seed` draws them, "
                  f"labelled from the demo's ground truth in place of a researcher "
                  f"({sum(truth)} wildlife)")
    return len(truth)


def review_from_truth(s: Settings, task: Any, size: int, hooks: Hooks = QUIET) -> list[bool]:
    """Label the `size` least sure findings, as `labels export --flags` lists them, from the
    ground truth in place of a researcher; returns whether each was true."""
    from snarewatch.store.review_reads import findings_for_review

    queue = findings_for_review(s.db_path, task.name, task.item_kind)[:size]
    return _label_from_truth(s, task, [r.model_dump() for r in queue], hooks)


def _label_from_truth(s: Settings, task: Any, items: list[dict[str, Any]],
                      hooks: Hooks) -> list[bool]:
    from demo_site.truth import ground_truth
    from snarewatch.schema import Label, stable_id
    from snarewatch.store import Landing

    wildlife = {ad["url"]: bool(ad["is_wildlife"]) for ad in ground_truth()["ads"]}
    known = [i for i in items if urlsplit(i.get("url") or "").path in wildlife]
    if not known:
        return []
    negative = next(n for n in task.label_names if n not in task.positive)
    truth = [wildlife[urlsplit(i["url"]).path] for i in known]
    Landing(s.landing_dir).write([
        Label(label_id=stable_id(task.name, i["item_id"], ANNOTATOR), task=task.name,
              item_id=i["item_id"], item_kind=task.item_kind,
              value=task.positive[0] if pos else negative, probability=1.0,
              source=f"human:{ANNOTATOR}", p_positive=float(pos))
        for i, pos in zip(known, truth, strict=True)])
    hooks.load(s)
    return truth
