"""Evaluate a student (and the teacher's labels, on the same rows) against a gold file.

A gold file is CSV, TSV or JSON Lines with a `label` column and either `item_id` (items in the
store) or `text` (free text). Rows the teacher never labelled are scored for the student only;
the side-by-side comparison uses the rows both have.
"""

from __future__ import annotations

import csv
import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from classifiers.base import BaseStudent
from classifiers.classify import predict_texts
from classifiers.metrics import average_precision, binary_metrics, classification_report
from snarewatch.config import Settings
from snarewatch.errors import SnarewatchError
from snarewatch.store.reads import labels_of, texts_of

log = logging.getLogger(__name__)


class GoldFileError(SnarewatchError):
    """The gold file cannot be read or lacks the columns evaluation needs."""


@dataclass
class EvalReport:
    """Student and teacher metrics on gold rows."""

    task: str
    model_id: str
    n_gold: int
    student: dict[str, Any]
    teacher: dict[str, Any] | None
    student_same_rows: dict[str, Any] | None
    pr_curve: str | None = None
    skipped: dict[str, int] = field(default_factory=dict)


def read_gold(path: Path) -> list[dict[str, str]]:
    """Rows of a gold file (csv, tsv or jsonl), each with `label` and `item_id` or `text`."""
    try:
        if path.suffix.lower() in {".jsonl", ".ndjson"}:
            rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
                    if line.strip()]
        else:
            delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
            with path.open(encoding="utf-8", newline="") as fh:
                rows = list(csv.DictReader(fh, delimiter=delimiter))
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise GoldFileError(f"cannot read gold file {path}: {exc}") from exc
    if not rows:
        raise GoldFileError(f"gold file {path} has no rows")
    if "label" not in rows[0] or not ({"item_id", "text"} & set(rows[0])):
        raise GoldFileError(f"gold file {path} needs a `label` column and `item_id` or `text`; "
                            f"it has {sorted(rows[0])}")
    return [{k: "" if v is None else str(v) for k, v in r.items()} for r in rows]


def task_labels(task: str, clf: BaseStudent) -> list[str]:
    """The labels gold rows may use: the task spec's, plus any the model was trained on."""
    from snarewatch.tasks import resolve_task

    try:
        names = list(resolve_task(task).label_names)
    except SnarewatchError as exc:
        log.info("no task spec for %s (%s): checking gold labels against the model's", task, exc)
        names = []
    return names + [c for c in clf.classes_ if c not in names]


def check_gold_labels(gold: list[dict[str, str]], task: str, known: list[str]) -> None:
    """GoldFileError naming the gold labels that are not the task's: metrics on them would all be
    0.0, reported and stored as if the model had failed."""
    unknown = sorted({r["label"] for r in gold} - set(known))
    if unknown:
        raise GoldFileError(
            f"gold labels not in task {task!r}: {', '.join(repr(u) for u in unknown)}; "
            f"the task's labels are {', '.join(known)} (rename them in the gold file)")


def _metrics(clf_positive: tuple[str, ...], truth: list[str], pred: list[str],
             score: list[float] | None, classes: list[str]) -> dict[str, Any]:
    report = classification_report(truth, pred, classes)
    t = [y in clf_positive for y in truth]
    report["binary"] = binary_metrics(t, [y in clf_positive for y in pred])
    if score is not None:
        report["binary"]["average_precision"] = average_precision(t, score)
    return report


def evaluate(
    settings: Settings, task: str, clf: BaseStudent, model_id: str, gold_path: Path,
    *, pr_png: Path | None = None,
) -> EvalReport:
    """Score the student on gold rows and, on rows it labelled, the teacher (current labels).

    Raises GoldFileError, before scoring or storing anything, if a gold label is not the task's.
    """
    gold = read_gold(gold_path)
    check_gold_labels(gold, task, task_labels(task, clf))
    texts: dict[int, str] = {}
    missing = 0
    ids = [r.get("item_id", "") for r in gold if r.get("item_id")]
    stored: dict[str, str] = {}
    teacher: dict[str, str] = {}
    if ids:
        stored = texts_of(settings.db_path, ids)
        teacher = labels_of(settings.db_path, task, ids)
    for i, r in enumerate(gold):
        if r.get("text"):
            texts[i] = r["text"]
        elif r.get("item_id") in stored:
            texts[i] = stored[r["item_id"]]
        else:
            missing += 1
    rows = sorted(texts)
    if not rows:
        raise GoldFileError(f"none of the {len(gold)} gold rows has a text or a known item_id")
    preds = predict_texts(clf, [texts[i] for i in rows])
    truth = [gold[i]["label"] for i in rows]
    pred = [p[0] for p in preds]
    score = [p[1] for p in preds]
    classes = sorted(set(truth) | set(pred) | set(clf.classes_))
    student = _metrics(clf.positive_, truth, pred, score, classes)
    same = [k for k, i in enumerate(rows) if gold[i].get("item_id") in teacher]
    teacher_report = student_same = None
    if same:
        t_truth = [truth[k] for k in same]
        t_pred = [teacher[gold[rows[k]]["item_id"]] for k in same]
        teacher_report = _metrics(clf.positive_, t_truth, t_pred, None, classes)
        student_same = _metrics(clf.positive_, t_truth, [pred[k] for k in same],
                                [score[k] for k in same], classes)
    png = None
    if pr_png is not None:
        png = str(plot_pr_curve([y in clf.positive_ for y in truth], score, pr_png,
                                title=f"{task}: {model_id}"))
    report = EvalReport(task=task, model_id=model_id, n_gold=len(gold), student=student,
                        teacher=teacher_report, student_same_rows=student_same, pr_curve=png,
                        skipped={"no_text": missing})
    save_report(report, settings.data_dir / f"eval-{model_id}.json")
    return report


def save_report(report: EvalReport, path: Path) -> Path:
    """Write the report as JSON (`snarewatch report` shows the newest one per task)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(report), indent=2, default=str), encoding="utf-8")
    tmp.replace(path)
    return path


def plot_pr_curve(y_true: list[bool], score: list[float], out: Path, title: str = "") -> Path:
    """Draw the precision-recall curve of P(positive) to a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import precision_recall_curve

    out.parent.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(5, 4), dpi=100)
    if any(y_true) and not all(y_true):
        precision, recall, _ = precision_recall_curve(np.asarray(y_true), np.asarray(score))
        ax.plot(recall, precision, lw=2)
    ax.set(xlabel="recall", ylabel="precision", xlim=(0, 1), ylim=(0, 1.02), title=title)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)
    return out
