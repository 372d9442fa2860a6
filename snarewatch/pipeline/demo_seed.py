"""The demo's seed set: 40 ads labelled from the site's ground truth, as a researcher would by hand.

A researcher starts a task with `snarewatch labels seed` (40 items drawn half among those most
like the positive definition, half from the rest), labels them by hand and imports them. The
demo draws its seed set the same way and takes the labels from the demo site's ground truth
instead of a person. From then on the pipeline treats them as any hand labels: they calibrate
the teacher, train and judge the student, and let the teacher verify the student's flags. The
demo's scores against ground truth count these ads too; they are 40 of 1,600.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from snarewatch.config import Settings
from snarewatch.pipeline.hooks import QUIET, Hooks

SEED_SIZE = 40
ANNOTATOR = "demo-ground-truth"


def seed_from_truth(s: Settings, task: Any, seed: int, hooks: Hooks = QUIET) -> int:
    """Draw the seed set, store its ground-truth labels as human labels; returns its size."""
    from demo_site.truth import ground_truth
    from labeler.seeds import choose_seed
    from snarewatch.schema import Label, stable_id
    from snarewatch.store import Landing

    wildlife = {ad["url"]: bool(ad["is_wildlife"]) for ad in ground_truth()["ads"]}
    items, _ = choose_seed(s, task, SEED_SIZE, seed=seed)
    known = [i for i in items if urlsplit(i.get("url") or "").path in wildlife]
    if not known:
        return 0
    negative = next(n for n in task.label_names if n not in task.positive)
    truth = [wildlife[urlsplit(i["url"]).path] for i in known]
    Landing(s.landing_dir).write([
        Label(label_id=stable_id(task.name, i["item_id"], ANNOTATOR), task=task.name,
              item_id=i["item_id"], item_kind=task.item_kind,
              value=task.positive[0] if pos else negative, probability=1.0,
              source=f"human:{ANNOTATOR}", p_positive=float(pos))
        for i, pos in zip(known, truth, strict=True)])
    hooks.load(s)
    hooks.say(f"seed set: {len(known)} ads drawn as `snarewatch labels seed` draws them, "
              f"labelled from the demo's ground truth in place of a researcher "
              f"({sum(truth)} wildlife)")
    return len(known)
