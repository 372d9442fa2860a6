"""How sure the models are: model-card metrics, the latest gold evaluation, the budget curve.

Gold evaluations are read from any of: a `runs` row whose kind contains "eval" with the
evaluation report in its stats (`dataclasses.asdict(EvalReport)`); an `eval*.json` file beside a
model in the registry (`data_dir/models/<model_id>/`); or `data_dir/eval-<model_id>.json` (beside
the PR-curve PNG `snarewatch eval` draws). Each holds a classification report with `classes` and a
`confusion` matrix (rows = gold), possibly nested (e.g. under `student`).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from classifiers.trust import trust_line

log = logging.getLogger(__name__)

BUDGET_CURVE_FILE = "budget_curve.json"
_METRIC_KEYS = ("precision", "recall", "f1", "average_precision", "accuracy", "macro_f1_classes")


@dataclass
class ModelCard:
    """One trained student as the report shows it."""

    model_id: str
    task: str
    student: str
    promoted: bool
    threshold: float | None
    created_at: Any
    n_labels: int | None
    metrics: dict[str, float] = field(default_factory=dict)
    label_counts: dict[str, int] = field(default_factory=dict)
    why: str = ""
    positives: int | None = None  # positive labels it learnt from
    seed: dict[str, float] = field(default_factory=dict)  # its figures on the hand labels
    guards: list[str] = field(default_factory=list)  # why it was refused promotion, if it was
    baseline: str = ""  # how it did against the seed-only baseline
    trust: str = ""  # one line on how far to trust its flags (classifiers.trust)

@dataclass
class GoldEvaluation:
    """The confusion matrix and headline metrics of one gold evaluation."""

    task: str
    model_id: str | None
    when: datetime | None
    classes: list[str]
    confusion: list[list[int]]
    metrics: dict[str, float] = field(default_factory=dict)
    source: str = ""
    teacher_metrics: dict[str, float] = field(default_factory=dict)


def model_cards(models: list[dict[str, Any]]) -> list[ModelCard]:
    """Cards of the stored models, metrics taken from the chosen student's cross-validation."""
    cards = []
    for m in models:
        card = m.get("card") or {}
        cv = card.get("cv") or {}
        chosen = cv.get(card.get("student") or m.get("student")) or {}
        metrics = {k: float(v) for k, v in chosen.items()
                   if k in _METRIC_KEYS and isinstance(v, int | float)}
        if not metrics:  # cards written by other tools may keep metrics at the top level
            metrics = {k: float(v) for k, v in (card.get("metrics") or card).items()
                       if k in _METRIC_KEYS and isinstance(v, int | float)}
        student = card.get("student") or m.get("student")
        cards.append(ModelCard(
            model_id=m["model_id"], task=m["task"], student=m["student"],
            promoted=bool(m.get("promoted")), threshold=m.get("threshold"),
            created_at=m.get("created_at"), n_labels=card.get("n_labels"), metrics=metrics,
            label_counts=dict(card.get("label_counts") or {}), why=str(card.get("why") or ""),
            positives=card.get("positives"),
            seed={k: float(v) for k, v in ((card.get("seed") or {}).get(student) or {}).items()
                  if isinstance(v, int | float)},
            guards=list(card.get("guards") or []), baseline=str(card.get("baseline") or ""),
            trust=trust_line(card, student),
        ))
    return cards


def find_classification_report(obj: Any) -> dict[str, Any] | None:
    """The first dict with `classes` and a square `confusion` matrix inside `obj` (depth first)."""
    if isinstance(obj, dict):
        confusion = obj.get("confusion") or obj.get("confusion_matrix")
        classes = obj.get("classes") or obj.get("labels")
        if (isinstance(confusion, list) and isinstance(classes, list) and classes
                and len(confusion) == len(classes)
                and all(isinstance(r, list) and len(r) == len(classes) for r in confusion)):
            return obj
        # Prefer the student's report over the teacher's when both are present.
        for key in ("student", "report", "metrics", *obj.keys()):
            if key in obj:
                found = find_classification_report(obj[key])
                if found is not None:
                    return found
    elif isinstance(obj, list):
        for item in obj:
            found = find_classification_report(item)
            if found is not None:
                return found
    return None


def _headline(report: dict[str, Any]) -> dict[str, float]:
    out: dict[str, float] = {}
    binary = report.get("binary") or {}
    for key in ("precision", "recall", "f1", "average_precision"):
        if isinstance(binary.get(key), int | float):
            out[key] = float(binary[key])
    if isinstance(report.get("accuracy"), int | float):
        out["accuracy"] = float(report["accuracy"])
    macro = report.get("macro") or {}
    if isinstance(macro.get("f1"), int | float):
        out["macro_f1"] = float(macro["f1"])
    if isinstance(report.get("n"), int | float):
        out["n"] = float(report["n"])
    return out


def _evaluation(task: str, model_id: str | None, when: datetime | None, doc: dict[str, Any],
                source: str) -> GoldEvaluation | None:
    report = find_classification_report(doc)
    if report is None:
        return None
    teacher = doc.get("teacher") if isinstance(doc.get("teacher"), dict) else None
    return GoldEvaluation(
        task=task, model_id=model_id, when=when,
        classes=[str(c) for c in report.get("classes") or report.get("labels") or []],
        confusion=[[int(v) for v in row] for row in report.get("confusion")
                   or report.get("confusion_matrix") or []],
        metrics=_headline(report), source=source,
        teacher_metrics=_headline(teacher) if teacher else {},
    )


def _as_utc(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str):
        try:
            return _as_utc(datetime.fromisoformat(value))
        except ValueError:
            return None
    return None


def _eval_files(registry_dir: Path | None, data_dir: Path | None,
                models: list[dict[str, Any]]) -> list[tuple[str | None, Path]]:
    """(model_id, path) of every evaluation file in the registry folders and the data dir."""
    found: list[tuple[str | None, Path]] = []
    if registry_dir is not None:
        for m in models:
            folder = Path(registry_dir) / m["model_id"]
            if folder.is_dir():
                found += [(m["model_id"], p) for p in sorted(folder.glob("eval*.json"))]
    if data_dir is not None and Path(data_dir).is_dir():
        found += [(p.stem.removeprefix("eval-") or None, p)
                  for p in sorted(Path(data_dir).glob("eval-*.json"))]
    return found


def latest_evaluations(eval_runs: list[dict[str, Any]], registry_dir: Path | None,
                       models: list[dict[str, Any]],
                       data_dir: Path | None = None) -> dict[str, GoldEvaluation]:
    """The newest gold evaluation per task, from eval runs and evaluation files."""
    found: list[GoldEvaluation] = []
    for run in eval_runs:
        stats, params = run.get("stats") or {}, run.get("params") or {}
        task = stats.get("task") or params.get("task")
        if not task:
            continue
        ev = _evaluation(str(task), stats.get("model_id") or params.get("model_id"),
                         _as_utc(run.get("finished_at") or run.get("started_at")), stats,
                         f"run {run['run_id']}")
        if ev is not None:
            found.append(ev)
    task_of = {m["model_id"]: m["task"] for m in models}
    for model_id, path in _eval_files(registry_dir, data_dir, models):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            log.warning("skipping unreadable evaluation %s: %s", path, exc)
            continue
        if not isinstance(doc, dict):
            continue
        model_id = doc.get("model_id") or model_id
        task = doc.get("task") or task_of.get(str(model_id))
        if not task:
            continue
        when = _as_utc(doc.get("created_at")) or datetime.fromtimestamp(path.stat().st_mtime, UTC)
        ev = _evaluation(str(task), model_id, when, doc, str(path))
        if ev is not None:
            found.append(ev)
    latest: dict[str, GoldEvaluation] = {}
    epoch = datetime.min.replace(tzinfo=UTC)
    for ev in sorted(found, key=lambda e: e.when or epoch):
        latest[ev.task] = ev
    return latest


def budget_curve_candidates(data_dir: Path | None) -> list[Path]:
    """Where a budget curve is looked for: the data dir, then the checkout's benchmarks/out."""
    paths = []
    if data_dir is not None:
        paths.append(Path(data_dir) / BUDGET_CURVE_FILE)
    paths.append(Path(__file__).resolve().parents[2] / "benchmarks" / "out" / BUDGET_CURVE_FILE)
    return paths


def load_budget_curve(
    path: Path | None, data_dir: Path | None = None
) -> tuple[dict[str, Any] | None, Path | None]:
    """The budget-curve benchmark's JSON (first found) and its path, or (None, None)."""
    for candidate in [path] if path is not None else budget_curve_candidates(data_dir):
        if candidate.is_file():
            try:
                return json.loads(candidate.read_text(encoding="utf-8")), candidate
            except ValueError as exc:
                log.warning("ignoring unreadable budget curve %s: %s", candidate, exc)
    return None, None


def budget_series(doc: dict[str, Any]) -> dict[str, list[tuple[float, float]]]:
    """Series of (budget, score) points per line, from the benchmark's JSON in any common shape.

    Accepts `{"points": [{"budget": .., "f1": .., "method": ..}, ...]}` (one line per method or
    task), `{"curves": {name: [{"budget":..,"f1":..}]}}`, or `{name: {budget: f1}}`.
    """
    series: dict[str, list[tuple[float, float]]] = {}

    def metric_of(point: dict[str, Any]) -> float | None:
        for key in ("f1", "macro_f1", "average_precision", "accuracy", "score"):
            if isinstance(point.get(key), int | float):
                return float(point[key])
        return None

    def add_points(name: str, points: Any) -> None:
        if isinstance(points, dict):
            for budget, value in points.items():
                if isinstance(value, int | float):
                    try:
                        series.setdefault(name, []).append((float(budget), float(value)))
                    except ValueError:
                        continue
            return
        for p in points if isinstance(points, list) else []:
            if not isinstance(p, dict) or not isinstance(p.get("budget"), int | float):
                continue
            value = metric_of(p)
            if value is None:
                continue
            label = "/".join(str(p[k]) for k in ("task", "method", "student") if p.get(k)) or name
            series.setdefault(label, []).append((float(p["budget"]), value))

    for key in ("points", "results", "rows"):
        if isinstance(doc.get(key), list):
            add_points("f1", doc[key])
    curves = doc.get("curves")
    if isinstance(curves, dict):
        for name, points in curves.items():
            add_points(str(name), points)
    if not series:
        for name, value in doc.items():
            if name != "machine" and isinstance(value, dict | list):
                add_points(str(name), value)
    return {k: sorted(v) for k, v in series.items() if v}
