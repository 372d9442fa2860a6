"""Train a task's student from its current labels: cross-validate, pick, threshold, save, card.

`train_task` reads `current_labels ⋈ items` (human labels override the LLM's), scores each
candidate student by page/site-grouped cross-validation, fits the winner on every label, and saves
it with a card that says what it learnt from and how good it is.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from classifiers.base import BaseStudent, StudentError
from classifiers.cv import CVResult, cross_validate
from classifiers.registry import save_model, student_class
from snarewatch.config import Settings
from snarewatch.errors import ConfigError
from snarewatch.schema import ModelInfo, Promotion, utcnow
from snarewatch.store import Landing, query_records
from snarewatch.taskspec import TaskSpec

log = logging.getLogger(__name__)

# `auto` weighs only students that train in seconds on a few hundred labels; finetune is opt-in.
AUTO_CANDIDATES = ("tfidf", "embed", "hybrid")  # fastest first
# How much better (CV F1) a slower student must be before `auto` gives up the faster one.
AUTO_MARGIN = 0.01
MIN_LABELS = 10


@dataclass
class TrainingData:
    """The labelled items of one task as parallel lists."""

    item_ids: list[str]
    texts: list[str]
    labels: list[str]
    weights: list[float]
    groups: list[str] | None
    sources: dict[str, int] = field(default_factory=dict)

    @property
    def data_hash(self) -> str:
        """A sha256 over (item, label, weight) triples: same labels, same hash."""
        h = hashlib.sha256()
        for row in sorted(zip(self.item_ids, self.labels, self.weights, strict=True)):
            h.update(f"{row[0]}\x1f{row[1]}\x1f{row[2]:.4f}\n".encode())
        return h.hexdigest()


@dataclass
class TrainResult:
    """What `train_task` did: the saved model, every candidate's CV metrics and why it chose."""

    model: ModelInfo
    student: str
    reason: str
    threshold: float
    cv: dict[str, dict[str, Any]]
    n_labels: int
    promoted: bool
    seconds: float

    def __str__(self) -> str:
        m = self.cv.get(self.student, {})
        flag = ", promoted" if self.promoted else ""
        return (f"trained {self.model.model_id} on {self.n_labels} labels in {self.seconds:.1f}s: "
                f"CV F1 {m.get('f1', float('nan')):.3f} (P {m.get('precision', float('nan')):.3f}, "
                f"R {m.get('recall', float('nan')):.3f}), threshold {self.threshold:.3f}{flag}; "
                f"why: {self.reason}")


def load_training_data(settings: Settings, task: TaskSpec) -> TrainingData:
    """Current labels of the task joined to their items' text, abstentions and errors dropped."""
    rows = query_records(
        settings.db_path,
        "SELECT l.item_id, l.value, l.probability, l.source, i.text, i.site, i.url "
        "FROM current_labels l JOIN items i USING (item_id) "
        "WHERE l.task = ? AND l.value IS NOT NULL AND i.item_kind = ? ORDER BY l.item_id",
        [task.name, task.item_kind],
    )
    known = set(task.label_names)
    rows = [r for r in rows if r["value"] in known]
    # UI elements share a page: grouping by URL keeps one page's near-duplicate strings out of
    # both sides of a fold. Ads are their own page, so they are grouped by nothing.
    groups = [r["url"] or r["site"] for r in rows] if task.item_kind == "ui_element" else None
    sources = Counter(str(r["source"]).split(":")[0] for r in rows)
    return TrainingData(
        item_ids=[r["item_id"] for r in rows],
        texts=[r["text"] or "" for r in rows],
        labels=[r["value"] for r in rows],
        # The teacher's confidence weighs its label; a human's label counts fully.
        weights=[1.0 if r["probability"] is None or str(r["source"]).startswith("human:")
                 else float(r["probability"]) for r in rows],
        groups=groups,
        sources=dict(sources),
    )


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


def resolve_task(task: TaskSpec | str) -> TaskSpec:
    """A TaskSpec as is, or one found by name: ./tasks/NAME.toml, then the bundled specs.

    Specs are data files; reading the bundled ones does not import the labeler stage.
    """
    if isinstance(task, TaskSpec):
        return task
    from importlib.util import find_spec

    candidates = [Path(task)] if task.endswith(".toml") else [Path("tasks") / f"{task}.toml"]
    spec = find_spec("labeler")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidates.append(Path(folder) / "taskspecs" / f"{task}.toml")
    for path in candidates:
        if path.is_file():
            return TaskSpec.from_path(path)
    raise ConfigError(f"unknown task {task!r}: no {task}.toml in ./tasks or the bundled specs")


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
) -> TrainResult:
    """Train, choose and save a student for `task`; promote it if the task has no model yet."""
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
        cls = student_class(name)
        results[name] = cross_validate(
            lambda cls=cls: cls(positive=positive, seed=seed),  # type: ignore[misc]
            data.texts, data.labels, sample_weight=data.weights, groups=data.groups,
            positive=positive, k=3 if name == "finetune" else folds, seed=seed,
            target=target, min_precision=min_precision)
        log.info("%s CV: %s", name, results[name].metrics)
    if student == "auto":
        chosen, reason = _choose(results, target)
    else:
        chosen, reason = student, f"{student}: asked for with --student"
    cv = results[chosen]
    clf: BaseStudent = student_class(chosen)(positive=positive, threshold=cv.threshold, seed=seed)
    clf.fit(data.texts, data.labels, data.weights)
    card = {
        "task": task.name, "item_kind": task.item_kind, "student": chosen,
        "label_counts": dict(sorted(counts.items())), "label_sources": data.sources,
        "n_labels": len(data.labels), "training_data_sha256": data.data_hash,
        "target": target, "min_precision": min_precision, "threshold": cv.threshold,
        "decision": "positive when P(positive classes) >= threshold",
        "cv": {name: {**r.metrics, "seconds": round(r.seconds, 2)} for name, r in results.items()},
        "why": reason, "seed": seed, "created_at": utcnow().isoformat(),
    }
    info = save_model(settings, clf, card)
    promoted = False
    if promote_if_first and not _has_promoted(settings, task.name):
        Landing(settings.landing_dir).write([Promotion(task=task.name, model_id=info.model_id)])
        promoted = True
    return TrainResult(model=info, student=chosen, reason=reason, threshold=cv.threshold,
                       cv=card["cv"], n_labels=len(data.labels), promoted=promoted,
                       seconds=time.perf_counter() - start)


def _has_promoted(settings: Settings, task: str) -> bool:
    return bool(query_records(settings.db_path,
                              "SELECT 1 FROM promoted_models WHERE task = ? LIMIT 1", [task]))


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

