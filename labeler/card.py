"""The teacher card: how far to trust one model's labels on one task, measured on human labels.

Agreement with the human seed set on the answers it did not abstain on, per-label precision and
recall, abstention rate, seconds per label, the prompting strategy and the calibration. Written to
`data_dir/teacher-card-<task>.json` for the report and read back by `snarewatch label --abstain`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from labeler.calibrate import Calibration
from labeler.evaluate import prf, roc_auc
from snarewatch.errors import ConfigError
from snarewatch.schema import utcnow
from snarewatch.taskspec import TaskSpec


@dataclass
class TeacherCard:
    """Quality of one teacher (model + strategy) on one task's human-labelled seed set."""

    task: str
    model: str
    strategy: dict[str, Any]
    n: int
    answered: int
    failed: int
    abstention_rate: float
    agreement: float  # exact-label accuracy on answered items
    agreement_all: float  # accuracy counting abstentions and failures as wrong
    precision: float  # positive vs rest, answered items
    recall: float
    f1: float
    ranking_auc: float | None = None  # ROC AUC of P(positive) on all answers (0.5 = chance)
    per_label: dict[str, dict[str, float]] = field(default_factory=dict)
    seconds_per_label: float = 0.0
    calibration: dict[str, Any] | None = None
    notes: dict[str, str] = field(default_factory=dict)
    created_at: str = ""

    def to_json(self) -> str:
        """The card as pretty JSON."""
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"


def compute_card(task: TaskSpec, model: str, gold: Sequence[str], pred: Sequence[str | None],
                 prob: Sequence[float | None], *, strategy: dict[str, Any] | None = None,
                 calibration: Calibration | None = None, failed: int = 0, seconds: float = 0.0,
                 notes: dict[str, str] | None = None,
                 positive_prob: Sequence[float | None] | None = None) -> TeacherCard:
    """Score the teacher's answers (None = failed) against gold labels; abstain by `calibration`.

    `positive_prob` (the teacher's P(positive) per item) adds the ranking AUC: how well any
    threshold could separate the classes, i.e. how much calibration can do for this teacher.
    """
    n = len(gold)
    kept = [(g, p) for g, p, q in zip(gold, pred, prob, strict=True)
            if p is not None and not (calibration and calibration.abstains(p, q))]
    answered_failed = sum(p is None for p in pred)
    abstained = n - len(kept) - answered_failed
    precision, recall, f1 = prf([task.is_positive(g) for g, _ in kept],
                                [task.is_positive(p) for _, p in kept])
    per_label: dict[str, dict[str, float]] = {}
    for label in task.label_names:
        support = sum(g == label for g, _ in kept)
        predicted = sum(p == label for _, p in kept)
        if not support and not predicted:
            continue
        lp, lr, lf = prf([g == label for g, _ in kept], [p == label for _, p in kept])
        per_label[label] = {"precision": round(lp, 4), "recall": round(lr, 4), "f1": round(lf, 4),
                            "support": support, "predicted": predicted}
    return TeacherCard(
        task=task.name, model=model, strategy=dict(strategy or {}), n=n, answered=len(kept),
        failed=max(failed, answered_failed), abstention_rate=abstained / n if n else 0.0,
        agreement=sum(g == p for g, p in kept) / len(kept) if kept else 0.0,
        agreement_all=sum(g == p for g, p in kept) / n if n else 0.0,
        precision=precision, recall=recall, f1=f1, per_label=per_label,
        ranking_auc=None if positive_prob is None else roc_auc(
            [task.is_positive(g) for g in gold], positive_prob),
        seconds_per_label=seconds / n if n else 0.0,
        calibration=calibration.to_dict() if calibration else None, notes=dict(notes or {}),
        created_at=utcnow().isoformat(),
    )


def card_path(data_dir: Path, task: str) -> Path:
    """Where the card of a task lives."""
    return Path(data_dir) / f"teacher-card-{task}.json"


def write_card(data_dir: Path, card: TeacherCard) -> Path:
    """Write the card (atomically) and return its path."""
    path = card_path(data_dir, card.task)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(card.to_json(), encoding="utf-8")
    tmp.replace(path)
    return path


def read_card(data_dir: Path, task: str) -> dict[str, Any] | None:
    """The stored card of a task as a dict, or None if there is none."""
    path = card_path(data_dir, task)
    if not path.exists():
        return None
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError, ValueError) as exc:
        raise ConfigError(f"cannot read teacher card {path}: {exc}") from exc


def calibration_from_card(data_dir: Path, task: str) -> Calibration:
    """The calibration stored in a task's card; ConfigError telling how to make one."""
    card = read_card(data_dir, task)
    if not card or not card.get("calibration"):
        raise ConfigError(f"no calibrated teacher card for {task!r}: run `snarewatch eval-teacher "
                          f"{task} --gold SEED.csv --calibrate` first")
    return Calibration.from_dict(card["calibration"])
