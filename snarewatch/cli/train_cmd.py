"""`snarewatch train | classify`: students from labels, flags (verified) for every item."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import typer

from snarewatch.cli._common import (
    OutputFormat,
    console,
    err_console,
    print_rows,
    progress,
    settings,
)

TRAIN_EXAMPLES = """\
Examples:

  snarewatch train wildlife                        # auto: cross-validates the students; says why
  snarewatch train deceptive-ui --student embed
  snarewatch train wildlife --min-precision 0.9    # threshold for >= 90% precision, most recall
  snarewatch train deceptive-ui --student finetune # MiniLM fine-tuned on the CPU (minutes)
  snarewatch train wildlife --force                # promote even if the guards say no

With a seed set (`snarewatch labels seed`), every student is also scored on your hand labels out
of fold, against a few-shot student trained on the seed alone (the baseline to beat); the
threshold is chosen on the seed labels. The first model of a task is promoted automatically if
it has at least 10 positive labels and an F1 of 0.6 or more (on the seed labels when there are
some, else cross-validated); otherwise `train` says why and exits with status 1. Later models
wait for `snarewatch models promote`.
"""

CLASSIFY_EXAMPLES = """\
Examples:

  snarewatch classify wildlife                     # every ad, with the promoted model
  snarewatch classify deceptive-ui --since 2026-11-01
  snarewatch classify wildlife --model wildlife-tfidf-20261126  # a unique id prefix is enough
  snarewatch classify wildlife --no-verify         # the student's word alone
  snarewatch classify wildlife --verify-budget 200 # the teacher checks the 200 surest flags

With a seed set, the teacher re-checks every flag before it becomes a finding (`--verify` is
then the default): the student proposes at high recall, the teacher, shown the full text and
your most similar hand labels, confirms or rejects. `classify` prints its flag rate beside the
positive rate your labels suggest, and exits with status 1 when it flags more than three times
as many. Re-running is cheap: items this model already scored are skipped. Then:
  snarewatch sql "select site, label, score, verification, text from findings
                  where task = 'wildlife' order by score desc"
"""

class StudentChoice(StrEnum):
    """Students `train` can fit."""

    auto = "auto"
    tfidf = "tfidf"
    embed = "embed"
    hybrid = "hybrid"
    finetune = "finetune"


def _load_task(name: str) -> Any:
    from labeler.taskspecs import load_task

    return load_task(name)


def register(app: typer.Typer) -> None:
    """Add `train` and `classify`."""

    @app.command("train", epilog=TRAIN_EXAMPLES)
    def train(
        task: str = typer.Argument(..., help="Task name (see `snarewatch tasks`) or a .toml spec."),
        student: StudentChoice = typer.Option(StudentChoice.auto, "--student", "-s",
                                              help="auto picks tfidf, embed or hybrid by "
                                                   "cross-validation."),
        min_precision: float = typer.Option(None, "--min-precision", min=0.0, max=1.0,
                                            help="Set the threshold for this precision floor "
                                                 "(most recall above it) instead of best F1."),
        folds: int = typer.Option(5, "--folds", min=2, help="Cross-validation folds."),
        seed: int = typer.Option(0, "--seed", help="Seed of folds and students."),
        force: bool = typer.Option(False, "--force", help="Promote even if the guards refuse."),
        fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f",
                                         help="Output format."),
    ) -> None:
        """Train a student on the task's current labels (human over LLM) and save it with a card.

        Cross-validation is grouped by page for UI texts, so a page's strings never sit on both
        sides of a fold. The card records the labels, CV metrics, threshold and why.
        """
        from classifiers.train import train_task
        from snarewatch.store import load_pending

        s = settings()
        spec = _load_task(task)
        with progress(transient=True) as bar:
            bar.add_task(f"training {spec.name} ({student.value})", total=None, status="")
            result = train_task(s, spec, student=student.value, seed=seed, folds=folds,
                                target="precision" if min_precision is not None else "f1",
                                min_precision=min_precision, force=force)
        load_pending(s.db_path, s.landing_dir)
        _report_training(result, spec, fmt)

    @app.command("classify", epilog=CLASSIFY_EXAMPLES)
    def classify(
        task: str = typer.Argument(..., help="Task name or .toml spec."),
        model: str = typer.Option(None, "--model", "-m", help="Model id (default: promoted)."),
        since: datetime = typer.Option(None, "--since", help="Only items captured since (ISO)."),
        verify: bool = typer.Option(None, "--verify/--no-verify",
                                    help="Have the teacher re-check each flag (default: when "
                                         "the task has hand labels of both kinds)."),
        verify_budget: int = typer.Option(None, "--verify-budget", min=0,
                                          help="Re-check at most this many flags, surest first."),
        backend: str = typer.Option(None, "--backend", "-b", help="Teacher for --verify."),
        fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f",
                                         help="Output format."),
    ) -> None:
        """Classify every item of the task's kind; positives appear in the `findings` view."""
        from dataclasses import asdict

        from classifiers.classify import classify_task
        from labeler.seeds import seed_rows
        from snarewatch.store import load_pending

        s = settings()
        spec = _load_task(task)
        load_pending(s.db_path, s.landing_dir)
        if verify is None:
            verify = len({r.positive for r in seed_rows(s, spec)}) == 2
        with progress() as bar:
            job = bar.add_task(f"classifying {spec.name}", total=None, status="")

            def show(done: int, total: int) -> None:
                bar.update(job, completed=done, total=total)

            summary = classify_task(s, spec, model_id=model, since=since, on_progress=show,
                                    propose=verify)
        load_pending(s.db_path, s.landing_dir)
        row = {k: v for k, v in asdict(summary).items() if k != "errors"}
        row["items_per_s"] = round(summary.items_per_s)
        checked = _verify(s, spec, backend, verify_budget, fmt) if verify else None
        if checked is not None:
            row.update(verified=checked.verified, confirmed=checked.confirmed,
                       rejected=checked.rejected, verify_failed=checked.failed,
                       unverified=checked.skipped, teacher_seconds=round(checked.seconds, 1),
                       teacher_s_per_flag=round(checked.seconds_per_flag, 2))
        rate = _flag_rate(s, spec, row)
        print_rows([row], fmt)
        for error in summary.errors[:10]:
            err_console.print(f"failed {error}", markup=False)
        _check_rate(spec, rate, fmt)

    def _verify(s: Any, spec: Any, backend: str | None, budget: int | None,
                fmt: OutputFormat) -> Any:
        from labeler.verify import verify_flags
        from snarewatch.store import load_pending

        with progress() as bar:
            job = bar.add_task(f"teacher re-checks {spec.name} flags", total=None, status="")
            checked = verify_flags(s, spec, backend=backend, budget=budget,
                                   on_progress=lambda d, t: bar.update(job, completed=d, total=t))
        load_pending(s.db_path, s.landing_dir)
        if fmt is not OutputFormat.json and checked.verified:
            err_console.print(f"verified {checked.verified} flags: {checked.confirmed} confirmed,"
                              f" {checked.rejected} rejected ({checked.calibration}; "
                              f"{checked.seconds_per_flag:.2f} s a flag)", markup=False)
        return checked

def _flag_rate(s: Any, spec: Any, row: dict[str, Any]) -> dict[str, Any]:
    """Findings per classified item beside the positive rate the labels suggest (into `row`)."""
    from labeler.seeds import estimated_positive_rate
    from snarewatch.store import query_records

    counts = query_records(s.db_path, """
        SELECT (SELECT count(*) FROM findings WHERE task = $task) AS findings,
               (SELECT count(*) FROM current_predictions WHERE task = $task) AS scored""",
                           {"task": spec.name})[0]
    expected, source = estimated_positive_rate(s, spec)
    flag_rate = counts["findings"] / counts["scored"] if counts["scored"] else 0.0
    row.update(findings=counts["findings"], flag_rate=round(flag_rate, 4),
               labelled_positive_rate=None if expected is None else round(expected, 4))
    return {"flag_rate": flag_rate, "expected": expected, "source": source,
            "findings": counts["findings"], "scored": counts["scored"]}


def _check_rate(spec: Any, rate: dict[str, Any], fmt: OutputFormat) -> None:
    """Say how the flag rate compares with the labels; exit 1 when it is over three times it."""
    from snarewatch.errors import UntrustworthyResultError

    expected, flag_rate = rate["expected"], rate["flag_rate"]
    if expected is None:
        return
    line = (f"flag rate {flag_rate:.1%} ({rate['findings']} of {rate['scored']}) against a "
            f"positive rate of {expected:.1%} in {rate['source']}")
    if expected > 0 and flag_rate > 3 * expected:
        raise UntrustworthyResultError(
            f"{line}: over three times as many flags as the labels suggest, so most flags are "
            f"likely false. Label a seed set by hand (`snarewatch labels seed {spec.name}`) and "
            f"retrain, or verify flags with the teacher (`snarewatch classify {spec.name} "
            "--verify`)")
    if fmt is not OutputFormat.json:
        low = expected > 0 and flag_rate < expected / 3
        err_console.print(line + ("; far fewer flags than the labels suggest: the student may "
                                  "miss many positives" if low else ""), markup=False)


def _report_training(result: Any, spec: Any, fmt: OutputFormat) -> None:
    """Print what `train` did; raise when the student was refused promotion."""
    from snarewatch.errors import UntrustworthyResultError

    rows = [{"student": name, **{k: m.get(k) for k in ("f1", "precision", "recall",
                                                      "average_precision", "folds", "grouped",
                                                      "seconds")}}
            for name, m in result.cv.items()]
    if fmt is OutputFormat.json:
        print_rows([{"model_id": result.model.model_id, "student": result.student,
                     "why": result.reason, "threshold": result.threshold,
                     "labels": result.n_labels, "positives": result.positives,
                     "promoted": result.promoted, "refused": result.refused,
                     "baseline": result.verdict, "cv": result.cv, "seed": result.seed,
                     "trust": result.trust}], fmt)
    else:
        print_rows(rows, fmt, title=f"{spec.name}: out-of-fold metrics on "
                                    f"{result.n_labels} labels ({result.positives} positive)")
        if result.seed:
            print_rows([{"student": n, **{k: m.get(k) for k in
                                           ("f1", "precision", "recall", "n", "positives")}}
                        for n, m in result.seed.items()], fmt,
                       title="on the seed labels, out of fold (weighted by stratum)")
        console.print(f"saved {result.model.model_id} (threshold {result.threshold:.3f}"
                      f"{', promoted' if result.promoted else ''})", markup=False)
        console.print(f"why: {result.reason}", markup=False)
        if result.verdict:
            console.print(f"baseline: {result.verdict}", markup=False)
    if result.refused and not result.promoted:
        raise UntrustworthyResultError(
            f"{result.model.model_id} was saved but not promoted: "
            f"{'; '.join(result.refused)}. Label more (`snarewatch label {spec.name} "
            f"--budget 300`, or hand labels: `snarewatch labels seed {spec.name}`), then "
            f"train again; or promote it anyway with `snarewatch train {spec.name} --force`")
