"""Assembling a `Teaching` (kNN pool, FuDD notes, calibration) and running it over gold rows.

Shared by `snarewatch label`, `snarewatch eval-teacher` and benchmarks/teacher.py, so the three
ask the teacher in exactly the same way.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from labeler.calibrate import Calibration, fit_calibration
from labeler.decisions import fit_batch
from labeler.embed import embed_texts
from labeler.evaluate import gold_item, positive_probability
from labeler.fudd import confusable_pairs, differential_notes
from labeler.items import human_labelled
from labeler.knn import ExamplePool
from labeler.llm.base import Choice, LLMBackend
from labeler.strategy import Strategy, decide, prompts_for
from snarewatch.config import Settings
from snarewatch.errors import LLMError
from snarewatch.taskspec import TaskSpec


@dataclass
class GoldRun:
    """The teacher's answers on gold rows (None where the call failed) and the time they took."""

    pred: list[str | None]
    prob: list[float | None]
    choices: list[Choice | None]
    seconds: float
    failed: int


def pool_from_rows(task: TaskSpec, rows: Sequence[dict[str, Any]], cache_dir: Path | None,
                   *, label_column: str = "label", ids: Sequence[str] | None = None) -> ExamplePool:
    """A kNN pool from labelled rows (gold file rows or stored items with a `label`)."""
    texts = [task.render(gold_item(task, r)) for r in rows]
    labels = [str(r[label_column]) for r in rows]
    emb = embed_texts(texts, cache_dir=cache_dir) if texts else np.zeros((0, 1), np.float32)
    return ExamplePool(texts, labels, emb, ids=list(ids) if ids is not None else [])


def pool_from_store(settings: Settings, task: TaskSpec) -> ExamplePool | None:
    """The task's human-labelled items as a kNN pool (None if nobody labelled any yet)."""
    rows = human_labelled(settings.db_path, task)
    if not rows:
        return None
    return pool_from_rows(task, rows, settings.cache_dir, ids=[r["item_id"] for r in rows])


def run_gold(task: TaskSpec, backend: LLMBackend, rows: Sequence[dict[str, Any]],
             strategy: Strategy, *, pool: ExamplePool | None = None,
             notes: dict[str, str] | None = None, cache_dir: Path | None = None,
             ids: Sequence[str] | None = None) -> GoldRun:
    """Ask the teacher about every row under `strategy` (kNN shots exclude the row itself)."""
    items = [gold_item(task, r) for r in rows]
    texts = [task.render(i) for i in items]
    ids = list(ids) if ids is not None else [f"row{n}" for n in range(len(rows))]
    shots: list[list[tuple[str, str]]] = [[] for _ in rows]
    if strategy.knn and pool is not None and len(pool):
        emb = embed_texts(texts, cache_dir=cache_dir)
        shots = [pool.nearest(emb[n], strategy.knn, exclude_id=ids[n], exclude_text=texts[n])
                 for n in range(len(rows))]
    prompt_sets = [prompts_for(task, item, strategy, notes=notes, shots=s)
                   for item, s in zip(items, shots, strict=True)]
    started = time.monotonic()
    outcomes = decide(backend, strategy.question(task), prompt_sets)
    seconds = time.monotonic() - started
    choices = [None if isinstance(o, LLMError) else o for o in outcomes]
    return GoldRun(pred=[c.label if c else None for c in choices],
                   prob=[c.probability if c else None for c in choices], choices=choices,
                   seconds=seconds, failed=sum(c is None for c in choices))


def fudd_notes(backend: LLMBackend, task: TaskSpec, cache_dir: Path,
               seed_rows: Sequence[dict[str, Any]] = (), k: int = 3) -> dict[str, str]:
    """FuDD notes for the task's most confusable label pairs.

    A binary task has one pair. Otherwise the pairs come from the teacher's top-two options on
    the seed rows (asked with the plain prompt), or, without seed rows, from the spec's groups.
    """
    if len(task.labels) == 2 or not seed_rows:
        pairs = default_pairs(task, k)
    else:
        run = run_gold(task, backend, seed_rows, Strategy())
        pairs = confusable_pairs(task, [c for c in run.choices if c is not None], k)
    return differential_notes(backend, task, pairs, cache_dir)


def default_pairs(task: TaskSpec, k: int = 3) -> list[tuple[str, str]]:
    """The FuDD pairs without answers to learn from: a binary task's one pair, otherwise each of
    the first `k` positive labels with the first negative one."""
    if len(task.labels) == 2:
        return confusable_pairs(task, [], k)
    negative = next(name for name in task.label_names if name not in task.positive)
    return [tuple(sorted((p, negative))) for p in task.positive[:k]]  # type: ignore[misc]


def calibrated_run(task: TaskSpec, run: GoldRun) -> GoldRun:
    """The run's answers as `label` would decide them without seed labels: calibrated on the
    batch of answers itself (`labeler.decisions.fit_batch`), one label per side.

    `prob` becomes the calibrated confidence of the decided side; where yes/no settled only
    the side of a task with several positive labels, the first positive label stands for it.
    """
    raw = [positive_probability(task, c) for c in run.choices]
    calibrator = fit_batch([r for r in raw if r is not None])
    negative = next(n for n in task.label_names if n not in task.positive)
    pred: list[str | None] = []
    prob: list[float | None] = []
    for choice, r in zip(run.choices, raw, strict=True):
        if choice is None or r is None:
            pred.append(None)
            prob.append(None)
            continue
        p = float(calibrator([r])[0])
        if p >= 0.5:
            fine = max((k for k in (choice.probabilities or {}) if k in task.positive),
                       key=lambda k: (choice.probabilities or {})[k], default=task.positive[0])
            pred.append(fine)
            prob.append(p)
        else:
            fine = max((k for k in (choice.probabilities or {})
                        if k in task.label_names and k not in task.positive),
                       key=lambda k: (choice.probabilities or {})[k], default=negative)
            pred.append(fine)
            prob.append(1 - p)
    return GoldRun(pred=pred, prob=prob, choices=run.choices, seconds=run.seconds,
                   failed=run.failed)


def calibrate_on(task: TaskSpec, gold: Sequence[str], run: GoldRun, *,
                 target_precision: float = 0.9, max_abstain: float = 0.2) -> Calibration:
    """Per-side thresholds from a seed set's gold labels and the teacher's answers on it."""
    return fit_calibration(gold, run.pred, run.prob, target_precision=target_precision,
                           max_abstain=max_abstain, positive=task.positive)
