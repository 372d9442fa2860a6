"""The default `deceptive-ui` student: trained at set-up from the shipped public data.

`install_default(settings)` trains it (seconds, CPU, no network), saves it in the registry with a
card that says exactly what it learnt from, and is idempotent: the same data and recipe give the
same model id, which is installed once. It is not promoted: `promoted_model` falls back to it for
`deceptive-ui` until a site-adapted (or any other) student is promoted.

Recipe (chosen by page-grouped CV in benchmarks/default_student.py): a two-stage student whose
body is the TF-IDF student reading digits as 0; its threshold is the one that maximises F1 on
out-of-fold scores of all training rows, the hand-checked benign UI strings included, so a
false alarm on an ordinary shop string costs as much as a missed pattern.
"""

from __future__ import annotations

import functools
import logging
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from classifiers.deceptive.taxonomy import NOT_DARK, TYPES
from classifiers.deceptive.training_data import (
    BENIGN_FILE,
    YADA_FILE,
    Corpus,
    data_sha256,
    load_corpus,
)
from classifiers.twostage import TwoStageStudent
from snarewatch.config import Settings
from snarewatch.schema import ModelInfo, utcnow
from snarewatch.store import load_pending
from snarewatch.store.model_reads import models_matching

log = logging.getLogger(__name__)

TASK = "deceptive-ui"
RECIPE_VERSION = 1
"""Bump when the recipe below changes: a new version installs a new model beside the old one."""
RECIPE: dict[str, Any] = {"body": "tfidf", "mask_digits": True, "negative": NOT_DARK}
FOLDS = 5
SEED = 0

SOURCES = {
    YADA_FILE: ("Yada et al. 2022, 'Dark patterns in e-commerce: a dataset and its baseline "
                "evaluations' (IEEE BigData), github.com/yamanalab/ec-darkpattern, Apache-2.0: "
                "1,900 strings from 993 shopping pages, 938 dark; Pattern Category mapped to "
                "level-2 types by wording (classifiers/deceptive/data/README.md)"),
    BENIGN_FILE: ("visible UI strings of 24 real product pages (18 shops) of Zyte's product-"
                  "extraction benchmark, MIT, read by hand; strings that are dark patterns "
                  "dropped; labelled not_dark_pattern"),
}


def positive_labels() -> list[str]:
    """The level-2 types of the taxonomy: every positive label of the `deceptive-ui` task."""
    return list(TYPES)


def default_model_id() -> str:
    """The id the current data and recipe install under (same inputs, same id)."""
    return f"{TASK}-default-v{RECIPE_VERSION}-{data_sha256()[:10]}"


@dataclass
class InstallResult:
    """What `install_default` did."""

    model: ModelInfo
    installed: bool  # False: the same model was already installed
    seconds: float

    def __str__(self) -> str:
        card = self.model.card
        if not self.installed:
            return f"default {TASK} student {self.model.model_id} is already installed"
        cv = card.get("cv", {}).get(self.model.student, {})
        return (f"installed default {TASK} student {self.model.model_id} in {self.seconds:.1f}s: "
                f"{card.get('n_labels')} labels, page-grouped CV F1 on Yada "
                f"{cv.get('f1', float('nan')):.3f}, threshold {self.model.threshold or 0.5:.3f}")


def cv_figures(corpus: Corpus, proba: np.ndarray, classes: tuple[str, ...],
               threshold: float) -> dict[str, Any]:
    """Out-of-fold figures at `threshold`: F1/P/R on Yada's rows, share of benign rows flagged."""
    from classifiers.metrics import average_precision, binary_metrics

    score = 1.0 - proba[:, classes.index(NOT_DARK)]
    truth = np.asarray([label != NOT_DARK for label in corpus.labels])
    yada = np.asarray(corpus.where("yada"))
    zyte = np.asarray(corpus.where("zyte"))
    m = binary_metrics(truth[yada], score[yada] >= threshold)
    return {
        "f1": round(m["f1"], 4), "precision": round(m["precision"], 4),
        "recall": round(m["recall"], 4),
        "average_precision": round(average_precision(truth[yada], score[yada]), 4),
        "scope": "Yada rows (dark vs not), out of fold",
        "benign_flagged_share": round(float((score[zyte] >= threshold).mean()), 4)
        if len(zyte) else None,
        "folds": FOLDS, "grouped_by": "page",
    }


@functools.lru_cache(maxsize=1)  # deterministic; one process may install into several stores
def train_default(seed: int = SEED) -> tuple[TwoStageStudent, dict[str, Any]]:
    """Cross-validate the recipe for its threshold, fit it on all shipped data; (student, card)."""
    from classifiers.cv import cross_validate

    corpus = load_corpus()
    positive = [c for c in positive_labels() if c in set(corpus.labels)]
    res = cross_validate(lambda: TwoStageStudent(**RECIPE, positive=positive, seed=seed),
                         corpus.texts, corpus.labels, groups=corpus.groups, positive=positive,
                         k=FOLDS, seed=seed)
    clf = TwoStageStudent(**RECIPE, positive=positive, threshold=res.threshold, seed=seed)
    clf.fit(corpus.texts, corpus.labels)
    counts: dict[str, int] = {}
    for label in corpus.labels:
        counts[label] = counts.get(label, 0) + 1
    card = {
        "task": TASK, "item_kind": "ui_element", "default": True,
        "recipe": {**RECIPE, "version": RECIPE_VERSION, "seed": seed},
        "trained_on": SOURCES,
        "n_labels": len(corpus), "label_counts": dict(sorted(counts.items())),
        "label_sources": {"human:yada": len(corpus.where("yada")),
                          "human:zyte-benign": len(corpus.where("zyte"))},
        "training_data_sha256": data_sha256(),
        "threshold": res.threshold,
        "threshold_rule": ("maximises F1 on out-of-fold scores of every training row (Yada and "
                           "the benign strings), page-grouped 5-fold CV"),
        "decision": "positive when P(any pattern type) >= threshold",
        "cv": {TwoStageStudent.name: cv_figures(corpus, res.proba, res.classes, res.threshold)},
        "notes": ("Text only: state and styling patterns (preselection, visual interference, "
                  "sneaking, drip pricing) are left to the page checks. English strings."),
    }
    return clf, card


def installed_default(settings: Settings, task: str = TASK) -> ModelInfo | None:
    """The newest default model of a task in the store, or None."""
    from classifiers.registry import default_model

    return default_model(settings, task)


def install_default(settings: Settings, *, force: bool = False) -> InstallResult:
    """Train and register the default student unless this exact one is installed already."""
    from classifiers.registry import save_model

    start = time.perf_counter()
    model_id = default_model_id()
    if not force:
        done = [m for m in models_matching(settings.db_path, model_id) if m.model_id == model_id]
        if done and (settings.registry_dir / model_id).is_dir():
            return InstallResult(done[0], False, time.perf_counter() - start)
    clf, card = train_default()
    card = {**card, "model_id": model_id, "created_at": utcnow().isoformat()}
    info = save_model(settings, clf, card)
    load_pending(settings.db_path, settings.landing_dir)
    log.info("installed default %s student %s", TASK, model_id)
    return InstallResult(info, True, time.perf_counter() - start)
