"""Train a task's student from its current labels: cross-validate, pick, threshold, save, card.

`train_task` reads `current_labels ⋈ items` (human labels override the LLM's and weigh more),
scores each candidate student by page/site-grouped cross-validation and, when the task has a
hand-labelled seed set, on the seed labels out of fold (`classifiers.seedcheck`) against a
few-shot baseline trained on the seed alone. It fits the winner, saves it with a card that says
what it learnt from and how far to trust it, and promotes it only when it passes the guards
(enough positives, an F1 above the floor); `force` overrides them.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from classifiers.base import BaseStudent, StudentError
from classifiers.cv import CVResult, cross_validate
from classifiers.registry import save_model, student_class
from classifiers.trust import range_note
from snarewatch.config import Settings
from snarewatch.schema import ModelInfo, Promotion, utcnow
from snarewatch.store import Landing
from snarewatch.store.model_reads import promoted_model_of
from snarewatch.store.reads import LabelledText, labelled_texts, last_label_run_stats, seed_weights
from snarewatch.tasks import resolve_task
from snarewatch.taskspec import TaskSpec

log = logging.getLogger(__name__)

# `auto` weighs only students that train in seconds on a few hundred labels; finetune is opt-in.
AUTO_CANDIDATES = ("tfidf", "embed", "hybrid")  # fastest first
# How much better (CV F1) a slower student must be before `auto` gives up the faster one.
AUTO_MARGIN = 0.01
MIN_LABELS = 10
MIN_POSITIVES = 10
"""Fewer positive labels than this teach a student too little to flag anything reliably."""
MIN_F1 = 0.6
"""A student below this F1 (on the seed labels, else cross-validated) is not promoted."""
HUMAN_WEIGHT = 3.0
"""A hand label weighs as much as three confident LLM labels."""
BASELINE = "setfit"
"""The few-shot student trained on the seed labels alone: the baseline to beat."""


@dataclass
class TrainingData:
    """The labelled items of one task as parallel lists."""

    item_ids: list[str]
    texts: list[str]
    labels: list[str]
    weights: list[float]
    groups: list[str] | None
    sources: dict[str, int] = field(default_factory=dict)
    human: list[bool] = field(default_factory=list)

    @property
    def data_hash(self) -> str:
        """A sha256 over (item, label, weight) triples: same labels, same hash."""
        h = hashlib.sha256()
        for row in sorted(zip(self.item_ids, self.labels, self.weights, strict=True)):
            h.update(f"{row[0]}\x1f{row[1]}\x1f{row[2]:.4f}\n".encode())
        return h.hexdigest()


@dataclass
class TrainResult:
    """What `train_task` did: the saved model, every candidate's metrics and why it chose."""

    model: ModelInfo
    student: str
    reason: str
    threshold: float
    cv: dict[str, dict[str, Any]]
    n_labels: int
    promoted: bool
    seconds: float
    positives: int = 0
    seed: dict[str, dict[str, Any]] = field(default_factory=dict)  # student → seed figures
    refused: list[str] = field(default_factory=list)  # why it was not promoted (guards)
    verdict: str = ""  # which won against the seed-only baseline, and by how much
    kept: str = ""  # why the task's promoted model stays in place of this one

    @property
    def trust(self) -> dict[str, Any]:
        """The figures a user needs beside the flags: labels, positives, F1 and on what."""
        on_seed = self.seed.get(self.student)
        return {"labels": self.n_labels, "positives": self.positives,
                "cv_f1": self.cv.get(self.student, {}).get("f1"),
                "seed_labels": on_seed["n"] if on_seed else 0,
                "seed_f1": on_seed["f1"] if on_seed else None,
                "seed_f1_range": on_seed.get("f1_range") if on_seed else None,
                "seed_precision": on_seed["precision"] if on_seed else None,
                "seed_recall": on_seed["recall"] if on_seed else None}

    @property
    def doubt(self) -> str:
        """Why the F1 on the seed labels says little, and how to firm it up; empty when its range
        stays above the promotion floor (a figure this loose must not pass for a measurement)."""
        on_seed = self.seed.get(self.student) or {}
        low = (on_seed.get("f1_range") or [1.0])[0]
        if low >= MIN_F1:
            return ""
        task = self.model.task
        return (f"the hand labels hold {on_seed.get('positives')} positive of "
                f"{on_seed.get('n')}, so the student's F1 may be as low as {low:.2f}. Label "
                f"more by hand to know: snarewatch labels seed {task} --out more.csv (or, once "
                f"it classifies, labels export {task} --closest)")

    def __str__(self) -> str:
        m = self.cv.get(self.student, {})
        flag = ", promoted" if self.promoted else ", NOT promoted"
        seed = self.seed.get(self.student)
        on_seed = (f"; on {seed['n']} seed labels F1 {seed['f1']:.3f}" + range_note(
            seed, f"P {seed['precision']:.3f}, R {seed['recall']:.3f}")) if seed else ""
        return (f"trained {self.model.model_id} on {self.n_labels} labels ({self.positives} "
                f"positive) in {self.seconds:.1f}s: CV F1 {m.get('f1', float('nan')):.3f} "
                f"(P {m.get('precision', float('nan')):.3f}, R {m.get('recall', float('nan')):.3f})"
                f"{on_seed}, threshold {self.threshold:.3f}{flag}; why: {self.reason}")


def load_training_data(settings: Settings, task: TaskSpec) -> TrainingData:
    """Current labels of the task joined to their items' text, abstentions and errors dropped."""
    known = set(task.label_names)
    rows = [r for r in labelled_texts(settings.db_path, task.name, task.item_kind)
            if r.value in known]
    # UI elements share a page: grouping by URL keeps one page's near-duplicate strings out of
    # both sides of a fold. Ads are their own page, so they are grouped by nothing.
    groups = [r.url or r.site or "" for r in rows] if task.item_kind == "ui_element" else None
    sources = Counter(r.source.split(":")[0] for r in rows)
    return TrainingData(
        item_ids=[r.item_id for r in rows],
        texts=[r.text for r in rows],
        labels=[r.value for r in rows],
        weights=[_weight(r) for r in rows],
        groups=groups,
        sources=dict(sources),
        human=[r.human for r in rows],
    )


def _weight(row: LabelledText) -> float:
    """A hand label weighs HUMAN_WEIGHT; an LLM label its calibrated confidence, stretched so
    that a coin toss (0.5) counts for next to nothing and a sure answer (1.0) fully."""
    if row.human:
        return HUMAN_WEIGHT
    if row.probability is None:
        return 1.0
    return max(0.05, 2.0 * float(row.probability) - 1.0)


def _choose(results: dict[str, CVResult], target: str) -> tuple[str, str]:
    key = "recall" if target == "precision" else "f1"
    ranked = sorted(results.values(), key=lambda r: -r.metrics[key])
    best = ranked[0]
    order = [n for n in AUTO_CANDIDATES if n in results] + [n for n in results
                                                             if n not in AUTO_CANDIDATES]
    scores = ", ".join(f"{r.student} {key} {r.metrics[key]:.3f}" for r in ranked)
    # The fastest student within the margin of the best wins: throughput matters on millions.
    for name in order:
        if best.metrics[key] - results[name].metrics[key] < AUTO_MARGIN:
            if name == best.student:
                return name, f"{name}: highest out-of-fold {key} ({scores})"
            return name, (f"{name}: within {AUTO_MARGIN} {key} of the best and faster "
                          f"({scores}, out-of-fold)")
    return best.student, f"{best.student}: highest out-of-fold {key} ({scores})"


def train_task(
    settings: Settings,
    task: TaskSpec | str,
    *,
    student: str = "auto",
    target: str = "f1",
    min_precision: float | None = None,
    seed: int = 0,
    folds: int = 5,
    promote_if_first: bool = True,
    force: bool = False,
    baseline: bool = True,
) -> TrainResult:
    """Train, choose and save a student for `task`.

    It is promoted when it passes the guards (or `force`) and the task has no promoted model
    yet or it learnt from more hand labels than the promoted one (`_kept_instead`).
    With a seed set, students are chosen and thresholded on the seed labels, and the seed-only
    baseline (`baseline`) competes with them.
    """
    start = time.perf_counter()
    task = resolve_task(task)
    data = load_training_data(settings, task)
    counts = Counter(data.labels)
    if len(data.labels) < MIN_LABELS or len(counts) < 2:
        raise StudentError(
            f"task {task.name!r} has {len(data.labels)} usable labels in {len(counts)} class(es); "
            f"need at least {MIN_LABELS} in two classes: run `snarewatch label {task.name}` first"
        )
    if target == "precision" and min_precision is None:
        min_precision = 0.9
    candidates = AUTO_CANDIDATES if student == "auto" else (student,)
    positive = [c for c in task.positive if c in counts] or list(task.positive)
    results: dict[str, CVResult] = {}
    for name in candidates:
        if name == BASELINE:
            continue
        cls = student_class(name)
        results[name] = cross_validate(
            lambda cls=cls: cls(positive=positive, seed=seed),  # type: ignore[misc]
            data.texts, data.labels, sample_weight=data.weights, groups=data.groups,
            positive=positive, k=3 if name == "finetune" else folds, seed=seed,
            target=target, min_precision=min_precision)
        log.info("%s CV: %s", name, results[name].metrics)
    checks = _seed_checks(settings, task, data, positive, candidates, seed, min_precision,
                          baseline and student == "auto")
    if checks:
        chosen, reason = _choose_on_seed(checks, data)
        threshold = _pooled_threshold(results[chosen], checks[chosen], data, min_precision) \
            if chosen in results else checks[chosen].threshold
    elif student == "auto":
        chosen, reason = _choose(results, target)
        threshold = results[chosen].threshold
    else:
        chosen, reason = student, f"{student}: asked for with --student"
        threshold = results[chosen].threshold
    rows = [i for i, h in enumerate(data.human) if h] if chosen == BASELINE else \
        list(range(len(data.labels)))
    clf: BaseStudent = student_class(chosen)(positive=positive, threshold=threshold, seed=seed)
    clf.fit([data.texts[i] for i in rows], [data.labels[i] for i in rows],
            [data.weights[i] for i in rows])
    positives = sum(1 for v in data.labels if v in task.positive)
    seed_figures = {n: {**c.metrics, "n": c.n, "positives": c.positives,
                        "seconds": round(c.seconds, 2)} for n, c in checks.items()}
    refused = _guards(positives, results.get(chosen), checks.get(chosen))
    if not checks:
        # Without hand labels that can check the student (none, or too few of one side) nothing
        # else can tell that the teacher guessed: its warning stands.
        warned = _labelling_warning(settings, task.name)
        if warned:
            refused.append(f"its labels come from a labelling run that warned: {warned}")
    verdict = _baseline_verdict(checks, chosen)
    card = {
        "task": task.name, "item_kind": task.item_kind, "student": chosen,
        "label_counts": dict(sorted(counts.items())), "label_sources": data.sources,
        "n_labels": len(data.labels), "positives": positives,
        "training_data_sha256": data.data_hash,
        "target": target, "min_precision": min_precision, "threshold": threshold,
        "propose_threshold": threshold,
        "decision": "positive when P(positive classes) >= threshold; with a teacher to verify, "
                    "each flag stands unless the teacher is confident it is wrong",
        "cv": {name: {**r.metrics, "seconds": round(r.seconds, 2)} for name, r in results.items()},
        "seed": seed_figures, "baseline": verdict, "guards": refused,
        "why": reason, "seed_value": seed, "created_at": utcnow().isoformat(),
    }
    info = save_model(settings, clf, card)
    promoted, kept = False, ""
    if promote_if_first and (force or not refused):
        kept = _kept_instead(settings, task.name, sum(data.human)) if not force else ""
        if not kept:
            Landing(settings.landing_dir).write([Promotion(task=task.name,
                                                           model_id=info.model_id)])
            promoted = True
    return TrainResult(model=info, student=chosen, reason=reason, threshold=threshold,
                       cv=card["cv"], n_labels=len(data.labels), promoted=promoted,
                       seconds=time.perf_counter() - start, positives=positives,
                       seed=seed_figures, refused=refused, verdict=verdict, kept=kept)


def _pooled_threshold(cv: CVResult, check: Any, data: TrainingData,
                      min_precision: float | None) -> float:
    """The cut that maximises weighted F1 (or recall at `min_precision`) on out-of-fold scores of
    every label: the seed items' from the seed check, the others' from cross-validation.

    Forty seed items alone leave wide gaps between their scores, so they choose the student but
    place its cut only together with the other labels; when every label is a hand label, this
    is the seed check's own cut.
    """
    from classifiers.metrics import choose_threshold

    assert cv.truth is not None
    scores = cv.score.copy()
    scores[[i for i, h in enumerate(data.human) if h]] = check.scores
    return choose_threshold(cv.truth, scores, min_precision=min_precision,
                            weights=data.weights)[0]


def _seed_checks(settings: Settings, task: TaskSpec, data: TrainingData, positive: list[str],
                 candidates: tuple[str, ...], seed: int, min_precision: float | None,
                 with_baseline: bool) -> dict[str, Any]:
    """Every candidate (and the baseline) scored on the seed labels, if there are enough."""
    from classifiers.seedcheck import MIN_PER_SIDE, check_on_seed

    rows = [i for i, h in enumerate(data.human) if h]
    sides = [data.labels[i] in positive for i in rows]
    if sum(sides) < MIN_PER_SIDE or len(sides) - sum(sides) < MIN_PER_SIDE:
        return {}
    weights_by_item = seed_weights(settings.db_path, task.name)
    mean = float(np.mean(list(weights_by_item.values()))) if weights_by_item else 1.0
    seed_w = [weights_by_item.get(data.item_ids[i], mean) for i in rows]
    names = [n for n in candidates if n != BASELINE] + ([BASELINE] if with_baseline else [])
    checks = {}
    for name in names:
        cls = student_class(name)
        checks[name] = check_on_seed(
            lambda cls=cls: cls(positive=positive, seed=seed),  # type: ignore[misc]
            data.texts, data.labels, data.weights, rows, seed_w, positive,
            seed_only=name == BASELINE, seed=seed, min_precision=min_precision,
            k=3 if name == BASELINE else 5)  # the baseline fine-tunes MiniLM per fold
        log.info("%s on the seed: %s", name, checks[name].metrics)
    return checks


def _choose_on_seed(checks: dict[str, Any], data: TrainingData) -> tuple[str, str]:
    """The student to fit, from every candidate's out-of-fold F1 on the seed labels, and why.

    The LLM labels must earn their place: a student on them is chosen only when it beats the
    seed-only baseline by at least `AUTO_MARGIN`; a tie goes to the student that learnt from
    people alone. Among those that beat it, the fastest within `AUTO_MARGIN` of the best wins.
    """
    ranked = sorted(checks.values(), key=lambda c: -c.metrics["f1"])
    scores = ", ".join(f"{c.student} {c.metrics['f1']:.3f}" for c in ranked)
    if BASELINE in checks:
        base = checks[BASELINE].metrics["f1"]
        ranked = [c for c in ranked if c.student != BASELINE
                  and c.metrics["f1"] - base >= AUTO_MARGIN - 1e-9]
        if not ranked:
            return BASELINE, (f"{BASELINE}: no student on LLM labels beat the seed-only "
                              f"baseline by {AUTO_MARGIN} F1 on the seed labels ({scores})")
        checks = {c.student: c for c in ranked}
    best = ranked[0]
    order = [n for n in AUTO_CANDIDATES if n in checks] + [n for n in checks
                                                            if n not in AUTO_CANDIDATES]
    for name in order:
        if best.metrics["f1"] - checks[name].metrics["f1"] < AUTO_MARGIN:
            how = "highest" if name == best.student else \
                f"within {AUTO_MARGIN} of the best and faster:"
            return name, f"{name}: {how} F1 on the seed labels, out of fold ({scores})"
    return best.student, f"{best.student}: highest F1 on the seed labels ({scores})"


def _guards(positives: int, cv: CVResult | None, on_seed: Any | None) -> list[str]:
    """Why a student should not be promoted (empty: it may be)."""
    refused = []
    if positives < MIN_POSITIVES:
        refused.append(f"only {positives} positive labels (at least {MIN_POSITIVES} needed)")
    if on_seed is not None:
        if on_seed.metrics["f1"] < MIN_F1:
            refused.append(f"F1 {on_seed.metrics['f1']:.2f} on the seed labels is under "
                           f"{MIN_F1}")
    elif cv is not None and cv.metrics["f1"] < MIN_F1:
        refused.append(f"cross-validated F1 {cv.metrics['f1']:.2f} is under {MIN_F1}")
    return refused


def _labelling_warning(settings: Settings, task: str) -> str | None:
    """What the task's latest labelling run warned of (answers collapsed to one side, or no
    clear yes and no groups), or None."""
    return last_label_run_stats(settings.db_path, task).get("collapsed") or None


def _baseline_verdict(checks: dict[str, Any], chosen: str) -> str:
    if BASELINE not in checks or len(checks) < 2:
        return ""
    base = checks[BASELINE].metrics["f1"]
    best_llm = max((c for n, c in checks.items() if n != BASELINE),
                   key=lambda c: c.metrics["f1"])
    gap = best_llm.metrics["f1"] - base
    if chosen == BASELINE:
        how = "won" if gap < 0 else f"kept (a student on LLM labels must beat it by {AUTO_MARGIN})"
        return (f"the seed-only baseline ({BASELINE}) {how}: F1 {base:.3f} on the seed against "
                f"{best_llm.metrics['f1']:.3f} for the best student on LLM labels "
                f"({best_llm.student}); the LLM labels did not help")
    return (f"{best_llm.student} on LLM and seed labels beat the seed-only baseline by "
            f"{gap:+.3f} F1 on the seed ({best_llm.metrics['f1']:.3f} vs {base:.3f})")


def _kept_instead(settings: Settings, task: str, hand_labels: int) -> str:
    """Why the task's promoted model stays in place of a new one that passed the guards
    (empty: promote the new one).

    A new student takes over when the task has no promoted model yet, or when it learnt from
    more hand labels than the promoted one: a person's labels (a seed set, reviewed flags) are
    the strongest evidence a task has, and a researcher who has just labelled flags expects the
    next `classify` to use them. Otherwise the promoted model stays until `models promote`.
    """
    current = promoted_model_of(settings.db_path, task)
    if current is None:
        return ""
    before = int((current.card.get("label_sources") or {}).get("human", 0))
    if hand_labels > before:
        return ""
    return (f"the promoted model {current.model_id} stays: it learnt from as many hand labels "
            f"({before}); `snarewatch models promote ID` uses the new one instead")


def fit_student(
    name: str, texts: list[str], labels: list[str], *, weights: list[float] | None = None,
    positive: list[str] | None = None, groups: list[str] | None = None, seed: int = 0,
    folds: int = 5, target: str = "f1", min_precision: float | None = None,
) -> tuple[BaseStudent, CVResult]:
    """Cross-validate a student for its threshold, then fit it on everything (no store needed)."""
    cls = student_class(name)
    cv = cross_validate(lambda: cls(positive=positive, seed=seed), texts, labels,
                        sample_weight=weights, groups=groups, positive=positive, k=folds,
                        seed=seed, target=target, min_precision=min_precision)
    clf = cls(positive=positive, threshold=cv.threshold, seed=seed).fit(texts, labels, weights)
    return clf, cv

