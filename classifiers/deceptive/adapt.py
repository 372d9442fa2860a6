"""Adapt the default deceptive-UI student to a site with the site's own labels.

The cascade (`snarewatch label deceptive-ui --cascade`) asks the LLM about the site's elements
the default student is least sure of. `adapt_default` then trains the same recipe on the
default's shipped data plus those labels (human labels override the LLM's; the LLM's confidence
weighs its label), cross-validated by page for its threshold, and promotes the result.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from classifiers.deceptive.default_student import (
    FOLDS,
    RECIPE,
    RECIPE_VERSION,
    SEED,
    SOURCES,
    TASK,
    positive_labels,
)
from classifiers.deceptive.taxonomy import NOT_DARK
from classifiers.deceptive.training_data import data_sha256, load_corpus
from classifiers.twostage import TwoStageStudent
from snarewatch.config import Settings
from snarewatch.errors import SnarewatchError
from snarewatch.schema import ModelInfo, Promotion, utcnow
from snarewatch.store import Landing, load_pending

MIN_SITE_LABELS = 10


@dataclass
class AdaptResult:
    """The site-adapted model, how many site labels it used and its out-of-fold figures."""

    model: ModelInfo
    site_labels: int
    promoted: bool
    cv: dict[str, Any]
    seconds: float

    def __str__(self) -> str:
        site = self.cv.get("site", {})
        flag = ", promoted" if self.promoted else ""
        return (f"trained {self.model.model_id} on the default's data plus {self.site_labels} "
                f"site labels in {self.seconds:.1f}s: on the site's labels, out of fold, "
                f"F1 {site.get('f1', float('nan')):.3f} (the student before "
                f"{site.get('before_f1', float('nan')):.3f}), threshold "
                f"{self.model.threshold or 0.5:.3f}{flag}")


def _f1(truth: np.ndarray, flag: np.ndarray) -> float:
    from classifiers.metrics import binary_metrics

    return round(binary_metrics(truth, flag)["f1"], 4)


def adapt_default(settings: Settings, *, site_weight: float = 1.0, promote: bool = True,
                  seed: int = SEED) -> AdaptResult:
    """Train default data + the task's current labels, save the student and (by default) promote.

    `site_weight` multiplies each site label's weight (the LLM's probability, or 1 for a person).
    """
    from classifiers.metrics import choose_threshold
    from classifiers.registry import load_model, promoted_model, save_model
    from classifiers.train import load_training_data
    from snarewatch.tasks import resolve_task

    start = time.perf_counter()
    site = load_training_data(settings, resolve_task(TASK))
    if len(site.labels) < MIN_SITE_LABELS:
        raise SnarewatchError(
            f"{TASK} has {len(site.labels)} site labels; need {MIN_SITE_LABELS}: run "
            f"`snarewatch classify {TASK}` then `snarewatch label {TASK} --cascade --budget 100`")
    base = load_corpus()
    texts = base.texts + site.texts
    labels = base.labels + site.labels
    weights = [1.0] * len(base) + [w * site_weight for w in site.weights]
    groups = base.groups + [f"site:{g}" for g in (site.groups or site.item_ids)]
    positive = [c for c in positive_labels() if c in set(labels)]
    from classifiers.cv import cross_validate

    res = cross_validate(lambda: TwoStageStudent(**RECIPE, positive=positive, seed=seed),
                         texts, labels, sample_weight=weights, groups=groups, positive=positive,
                         k=FOLDS, seed=seed)
    score = 1.0 - res.proba[:, res.classes.index(NOT_DARK)]
    truth = np.asarray([v != NOT_DARK for v in labels])
    threshold, _ = choose_threshold(truth, score)
    on_site = np.arange(len(base), len(labels))
    site_truth = truth[on_site]
    # The student the site had before (the default, or an earlier adaptation) on the same rows.
    before = promoted_model(settings, TASK)
    before_f1 = float("nan")
    if before is not None:
        old = load_model(before)
        old_score = old.positive_score(old.predict_proba(site.texts))
        before_f1 = _f1(site_truth, old_score >= (before.threshold or 0.5))
    clf = TwoStageStudent(**RECIPE, positive=positive, threshold=threshold, seed=seed)
    clf.fit(texts, labels, weights)
    cv = {
        "site": {"f1": _f1(site_truth, score[on_site] >= threshold), "n": int(len(on_site)),
                 "positives": int(site_truth.sum()), "before_f1": before_f1,
                 "before_model": before.model_id if before else None},
        "yada": {"f1": _f1(truth[base.where("yada")], score[base.where("yada")] >= threshold)},
    }
    now = utcnow()
    model_id = f"{TASK}-adapted-{now:%Y%m%d%H%M%S}"
    card = {
        "task": TASK, "item_kind": "ui_element", "model_id": model_id, "adapted": True,
        "recipe": {**RECIPE, "version": RECIPE_VERSION, "seed": seed, "site_weight": site_weight},
        "trained_on": {**SOURCES, "site labels": site.sources},
        "default_data_sha256": data_sha256(), "training_data_sha256": site.data_hash,
        "n_labels": len(labels), "site_labels": len(site.labels),
        "label_sources": {"human:yada": len(base.where("yada")),
                          "human:zyte-benign": len(base.where("zyte")), **site.sources},
        "threshold": threshold, "decision": "positive when P(any pattern type) >= threshold",
        "cv": {TwoStageStudent.name: {"f1": cv["site"]["f1"], **cv}},
        "created_at": now.isoformat(),
    }
    info = save_model(settings, clf, card)
    if promote:
        Landing(settings.landing_dir).write([Promotion(task=TASK, model_id=info.model_id)])
    load_pending(settings.db_path, settings.landing_dir)
    return AdaptResult(info, len(site.labels), promote, cv, time.perf_counter() - start)
