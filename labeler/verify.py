"""Verified findings: the teacher takes a second look at each of the student's flags.

Flags are few next to all items, so asking the teacher about each costs little. The teacher
sees the item's full text and, when the task has hand labels, the most similar of them as
examples (kNN). Its answers are calibrated among the flags: the teacher is asked about every
seed item the same way (each never sees itself as an example) and a two-group mixture is fitted
to the flags' answers with the seed items' groups fixed by their hand labels
(`labeler.decisions.fit_semi`), which gives each flag a probability of being a true positive.
A flag is rejected when that probability is under `REJECT_BELOW`: the teacher vetoes the flags
it is confident are wrong rather than confirming each, because the student often ranks better
than the teacher; the seed's weighted precision and recall at that cut are reported beside it.
Without a seed set the mixture is fitted to the flags' answers alone. Every verdict is a
`Verification` record; the `findings` view leaves out rejected flags.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from labeler.decisions import Calibrator, fit_batch, fit_semi
from labeler.embed import embed_texts
from labeler.evaluate import positive_share
from labeler.llm import LLMBackend, make_backend
from labeler.seeds import SeedRow, seed_rows
from labeler.session import AskSession
from labeler.strategy import Strategy
from labeler.teach import pool_from_rows
from snarewatch.config import Settings
from snarewatch.metrics import binary_metrics
from snarewatch.schema import Verification, stable_id, utcnow
from snarewatch.store import Landing
from snarewatch.store.reads import flag_models, item_fields, last_label_run_stats
from snarewatch.taskspec import TaskSpec

FULL_TEXT_CHARS = 2000
"""The verifier reads this much of each item (labelling reads the spec's `max_input_chars`)."""

KNN = 4
"""Hand-labelled examples shown with each flag (when the task has a seed set)."""

REJECT_BELOW = 0.1
"""A flag is rejected when the calibrated teacher gives it less than this chance of being true.

The student's flags stand unless the teacher is confident (9 to 1) they are wrong: on real
questions the student, trained on hundreds of labels, often ranks items better than the teacher
does one at a time, so a teacher that had to confirm each flag threw true flags away.
"""



@dataclass
class VerifySummary:
    """What a verification pass did, and what it cost."""

    task: str
    verifier: str
    flags: int = 0  # unverified flags found
    verified: int = 0
    confirmed: int = 0
    rejected: int = 0
    failed: int = 0
    skipped: int = 0  # over --verify-budget or --max-cost
    threshold: float = 0.5
    calibration: str = ""
    seed_precision: float | None = None  # on the seed labels, at the threshold (weighted)
    seed_recall: float | None = None
    seconds: float = 0.0
    cost_usd: float = 0.0
    errors: dict[str, int] = field(default_factory=dict)
    seed_asked: int = 0  # seed items the teacher answered first, to check itself on them

    @property
    def seconds_per_flag(self) -> float:
        """Teacher seconds per verified flag (the seed items asked first included)."""
        return self.seconds / self.verified if self.verified else 0.0

    def time_text(self) -> str:
        """The teacher's time per flag, saying when it also paid for the seed questions: with
        few flags those dominate (80 seed items asked for 4 flags)."""
        text = f"{self.seconds_per_flag:.2f} s a flag"
        return text + (f", counting the {self.seed_asked} seed items asked first"
                       if self.seed_asked else "")


def unverified_flags(settings: Settings, task: TaskSpec) -> list[tuple[str, float]]:
    """(item id, student score) of the task's flags nobody has checked yet, surest first."""
    return [(i, score) for i, _, score in flag_models(settings.db_path, task.name,
                                                      unverified_only=True)]


def _last_calibrator(settings: Settings, task: TaskSpec) -> Calibrator:
    stats = last_label_run_stats(settings.db_path, task.name)
    return Calibrator.from_dict(stats.get("calibrator") or {})


class _Verifier:
    """How the teacher is asked to verify: full text, kNN seed examples, a calibrated cut."""

    def __init__(self, settings: Settings, task: TaskSpec, backend: LLMBackend,
                 seeds: Sequence[SeedRow], run_id: str, max_cost: float | None) -> None:
        self.task = task.model_copy(update={"max_input_chars": max(task.max_input_chars,
                                                                   FULL_TEXT_CHARS)})
        self.settings, self.seeds = settings, list(seeds)
        both = len({r.positive for r in seeds}) == 2
        strategy = Strategy(knn=KNN if both else 0)
        self.session = AskSession(settings, self.task, backend, strategy, run_id=run_id,
                                  max_cost=max_cost)
        self.pool = None
        self.vectors: dict[str, np.ndarray] = {}
        self.seed_raw: dict[str, float] = {}  # the verifier's raw answers on the seed items
        if both:
            rows = [{**r.item, "label": r.label} for r in seeds]
            self.pool = pool_from_rows(self.task, rows, settings.cache_dir,
                                       ids=[r.item_id for r in seeds])

    def _shots(self, item: dict[str, Any]) -> list[tuple[str, str]]:
        vec = self.vectors.get(str(item["item_id"]))
        if self.pool is None or vec is None:
            return []
        return self.pool.nearest(vec, KNN, exclude_id=item["item_id"],
                                 exclude_text=self.task.render(item))

    def ask_seed(self) -> None:
        """The teacher's answers on the seed items, each with its nearest other hand labels as
        examples (asked once; kept in `seed_raw`)."""
        if self.seed_raw:
            return
        answers = self.raw([r.item for r in self.seeds])
        self.seed_raw = {r.item_id: p for r, p in zip(self.seeds, answers, strict=True)
                         if p is not None}

    def seed_auc(self) -> float | None:
        """How well the teacher, asked as a verifier, ranks the hand labels (weighted ROC AUC;
        None without answers on both sides)."""
        from sklearn.metrics import roc_auc_score

        self.ask_seed()
        kept = [r for r in self.seeds if r.item_id in self.seed_raw]
        if len({r.positive for r in kept}) < 2:
            return None
        return float(roc_auc_score([r.positive for r in kept],
                                   [self.seed_raw[r.item_id] for r in kept],
                                   sample_weight=[r.weight for r in kept]))

    def raw(self, items: Sequence[dict[str, Any]]) -> list[float | None]:
        """The teacher's raw P(positive) per item (None where the call failed or was skipped)."""
        if self.pool is not None and items:
            emb = embed_texts([self.task.render(i) for i in items],
                              cache_dir=self.settings.cache_dir)
            self.vectors.update({str(i["item_id"]): emb[n] for n, i in enumerate(items)})
        asked = self.session.ask(items, shots=self._shots)
        return [positive_share(self.task, a.choice.probabilities or {}) if a.choice else None
                for a in asked]


def verify_flags(
    settings: Settings, task: TaskSpec, *, backend: LLMBackend | str | None = None,
    budget: int | None = None, max_cost: float | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> VerifySummary:
    """Ask the teacher about every unverified flag of the task (up to `budget`, surest first)
    and land a `Verification` per flag."""
    llm = backend if backend is not None and not isinstance(backend, str) else \
        make_backend(settings, backend)
    started = time.monotonic()
    run_id = stable_id("verify", task.name, utcnow().isoformat())
    summary = VerifySummary(task=task.name, verifier=f"llm:{llm.name}")
    flags = unverified_flags(settings, task)
    summary.flags = len(flags)
    todo = flags if budget is None else flags[:budget]
    summary.skipped = len(flags) - len(todo)
    if not todo:
        return summary
    seeds = seed_rows(settings, task)
    verifier = _Verifier(settings, task, llm, seeds, run_id, max_cost)
    if verifier.pool is not None:
        auc = verifier.seed_auc()
        if auc is not None and auc <= 0.5:
            # A teacher that ranks the hand labels no better than chance would veto at random:
            # the flags stay as the student made them, and its time is not spent on them.
            summary.calibration = (f"not checked: the teacher ranks your seed labels no better "
                                   f"than chance (AUC {auc:.2f}), so its verdicts would be "
                                   "noise; the flags stay unverified")
            summary.skipped = len(flags)
            summary.seconds = time.monotonic() - started
            return summary
    by_id = {i["item_id"]: i for i in item_fields(settings.db_path, task.item_kind,
                                                 [i for i, _ in todo])}
    items = [by_id[i] for i, _ in todo if i in by_id]
    raw: list[float | None] = []
    for lo in range(0, len(items), 25):
        raw += verifier.raw(items[lo:lo + 25])
        if on_progress is not None:
            on_progress(min(lo + 25, len(items)), len(items))
    calibrator = _calibrate(settings, task, verifier, seeds, [r for r in raw if r is not None],
                            summary)
    summary.threshold = REJECT_BELOW
    if calibrator.method not in ("batch", "semi"):
        # Not fitted among these flags: its probabilities are not the flags' own, so the
        # teacher's own answer decides (true when it thinks so more likely than not).
        summary.threshold = 0.5
    if seeds:
        _seed_figures(verifier, seeds, calibrator, summary)
    summary.seed_asked = len(verifier.seed_raw)
    model_ids = _flagging_models(settings, task)
    records = [_verdict(task, item["item_id"], model_ids.get(item["item_id"], ""), summary, r,
                        calibrator, summary.threshold, run_id)
               for item, r in zip(items, raw, strict=True)]
    verifier.session.flush()
    Landing(settings.landing_dir).write(records)
    summary.skipped += len(items) - summary.verified - summary.failed
    summary.cost_usd = verifier.session.spent
    summary.seconds = time.monotonic() - started
    return summary


def _calibrate(settings: Settings, task: TaskSpec, verifier: _Verifier, seeds: Sequence[SeedRow],
               flag_raw: Sequence[float], summary: VerifySummary) -> Calibrator:
    """The verifier's answers calibrated among the flags: with the seed's hand labels fixing
    the seed items' groups when there are both kinds, else on the flags' answers alone."""
    calibrator: Calibrator | None = None
    if len({r.positive for r in seeds}) == 2:
        verifier.ask_seed()
        kept = [r for r in seeds if r.item_id in verifier.seed_raw]
        calibrator = fit_semi(flag_raw, [verifier.seed_raw[r.item_id] for r in kept],
                              [r.positive for r in kept])
    if calibrator is None or calibrator.method == "raw":
        calibrator = fit_batch(flag_raw)
    if calibrator.method == "raw":
        calibrator = _last_calibrator(settings, task)
        summary.calibration = f"as the last labelling run: {calibrator.describe()}"
    else:
        summary.calibration = calibrator.describe() + (f", kNN {KNN} seed examples"
                                                       if verifier.pool is not None else "")
    return calibrator


def _seed_figures(verifier: _Verifier, seeds: Sequence[SeedRow], calibrator: Calibrator,
                  summary: VerifySummary) -> None:
    """Weighted precision and recall of the verdicts on the seed items (as if each were a flag)."""
    kept = [r for r in seeds if r.item_id in verifier.seed_raw]
    if not kept:
        return
    cal = calibrator([verifier.seed_raw[r.item_id] for r in kept])
    m = binary_metrics([r.positive for r in kept], np.asarray(cal) >= summary.threshold,
                       [r.weight for r in kept])
    summary.seed_precision, summary.seed_recall = m["precision"], m["recall"]


def _verdict(task: TaskSpec, item_id: str, model_id: str, summary: VerifySummary,
             raw: float | None, calibrator: Calibrator, threshold: float,
             run_id: str) -> Verification:
    if raw is None:
        summary.failed += 1
        return Verification(verification_id=stable_id(task.name, item_id, run_id), task=task.name,
                            item_id=item_id, model_id=model_id, verifier=summary.verifier,
                            verdict="failed", error="the teacher gave no answer", run_id=run_id)
    p = float(calibrator([raw])[0])
    confirmed = p >= threshold
    summary.verified += 1
    summary.confirmed += confirmed
    summary.rejected += not confirmed
    return Verification(verification_id=stable_id(task.name, item_id, run_id), task=task.name,
                        item_id=item_id, model_id=model_id, verifier=summary.verifier,
                        verdict="confirmed" if confirmed else "rejected", p_positive=round(p, 6),
                        threshold=round(threshold, 6), run_id=run_id)


def _flagging_models(settings: Settings, task: TaskSpec) -> dict[str, str]:
    return {i: m for i, m, _ in flag_models(settings.db_path, task.name)}
