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
some, else cross-validated); otherwise `train` says why and exits with status 1. A later model
that passes the same guards takes over when it learnt from more hand labels than the promoted
one (after `labels import`); otherwise it waits for `snarewatch models promote`.
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
as many. After each run it names the hand labels to add: its closest calls on both sides of
the cut (`labels export --closest`), which find false flags and missed positives alike, or,
when it flags more items than your seed allows, the least sure findings (`--flags`).
Re-running is cheap: items this model already scored are skipped. Then:
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
    from snarewatch.tasks import load_task

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
        from snarewatch.cli.hooks import ConsoleHooks
        from snarewatch.pipeline.jobs import TrainJob
        from snarewatch.pipeline.train import run

        job = TrainJob(task=task, student=student.value, min_precision=min_precision,
                       folds=folds, seed=seed, force=force)
        result = run(settings(), job, ConsoleHooks())
        _report_training(result, _load_task(task), fmt)

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
        from snarewatch.cli.hooks import ConsoleHooks
        from snarewatch.pipeline.classify import run
        from snarewatch.pipeline.jobs import ClassifyJob

        job = ClassifyJob(task=task, model_id=model, since=since, verify=verify,
                          verify_budget=verify_budget, backend=backend)
        done = run(settings(), job, ConsoleHooks(quiet=fmt is OutputFormat.json))
        print_rows([done.row()], fmt)
        for error in done.summary.errors[:10]:
            err_console.print(f"failed {error}", markup=False)
        done.check_rate()
        rate = done.rate
        if rate is not None and rate.expected is not None and fmt is not OutputFormat.json:
            err_console.print(rate.line(), markup=False)
        if rate is not None and (rate.findings or rate.too_low) \
                and fmt is not OutputFormat.json:
            # The small teacher confirms the errors it shares with the student: a person's
            # look at the least sure findings (or, when flags are few, at the closest calls)
            # is what removes them.
            err_console.print(f"next: {rate.advice(task)}", markup=False)


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
                     "trust": result.trust, "doubt": result.doubt}], fmt)
    else:
        print_rows(rows, fmt, title=f"{spec.name}: out-of-fold metrics on "
                                    f"{result.n_labels} labels ({result.positives} positive)")
        if result.seed:
            print_rows([{"student": n, **{k: m.get(k) for k in
                                           ("f1", "precision", "recall", "n", "positives")},
                         "f1 on all items": "-".join(f"{v:.2f}" for v in m.get("f1_range") or [])}
                        for n, m in result.seed.items()], fmt,
                       title="on the seed labels, out of fold (weighted by stratum; the range "
                             "holds the true F1 9 times in 10)")
        console.print(f"saved {result.model.model_id} (threshold {result.threshold:.3f}"
                      f"{', promoted' if result.promoted else ''})", markup=False)
        console.print(f"why: {result.reason}", markup=False)
        if result.verdict:
            console.print(f"baseline: {result.verdict}", markup=False)
        if result.kept:
            console.print(f"not promoted: {result.kept}", markup=False)
        if result.doubt:
            err_console.print(f"warning: {result.doubt}", markup=False)
    if result.refused and not result.promoted:
        raise UntrustworthyResultError(
            f"{result.model.model_id} was saved but not promoted: "
            f"{'; '.join(result.refused)}. Label more (`snarewatch label {spec.name} "
            f"--budget 300`, or hand labels: `snarewatch labels seed {spec.name}`), then "
            f"train again; or promote it anyway with `snarewatch train {spec.name} --force`")
