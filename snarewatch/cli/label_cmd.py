"""`snarewatch label`: LLM labels on a sample, calibrated, with a word on how far to trust them."""

from __future__ import annotations

import json
from dataclasses import asdict
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

LABEL_EXAMPLES = """\
Examples:

  snarewatch labels seed wildlife --out seed.csv      # first: 40 items to label by hand
  snarewatch labels import wildlife seed.csv --annotator me
  snarewatch label wildlife --plan                    # items, tokens, cost, time; one prompt
  snarewatch label wildlife --budget 300              # embedded model, diversity sample
  snarewatch label wildlife --method lts --budget 500 # Thompson sampling over clusters
  snarewatch label deceptive-ui --backend openai --max-cost 2.50
  snarewatch label wildlife --backend gguf:~/models/my-model.gguf
  snarewatch label wildlife --method uncertainty --budget 100   # after a student exists
  snarewatch label wildlife --knn 4 --variants 2      # kNN few-shot from human labels, 2 prompts
  snarewatch label wildlife --fudd                    # notes on what tells labels apart
  snarewatch label wildlife --abstain                 # unsure answers go to a review queue
  snarewatch label wildlife --cascade --budget 200    # only items the student is unsure of

How answers become labels: the teacher answers yes or no (`--answer`), and its probabilities
are calibrated before they decide: on your seed labels when there are some of both kinds,
otherwise on the answers of the run itself. The summary shows the calibration, how often the
teacher agrees with your seed labels, and the share of positives. A run whose decisions
collapse to one side exits with status 1 and says what to do.

Teacher quality: `--knn K` adds the K most similar human-labelled items as examples, `--fudd`
adds differential notes the model writes once per task (cached), `--variants N` averages N
prompt variants (self-consistency; N times slower). `--abstain` stores answers whose calibrated
confidence is below thresholds set on the seed labels as abstentions: never trained on, listed
by `labels export --uncertain`.

A rerun with the same options resumes: stored answers are reused at no cost. Labels land in the
`labels` table; `current_labels` prefers human labels over LLM ones.
"""


class Method(StrEnum):
    """Sampling methods."""

    diversity = "diversity"
    random = "random"
    lts = "lts"
    uncertainty = "uncertainty"


class Answer(StrEnum):
    """How the teacher answers."""

    yesno = "yesno"
    letters = "letters"
    names = "names"


def _report(summary: Any, backend: Any, task: Any, fmt: OutputFormat) -> None:
    """Print the run summary, then say plainly how far to trust it; raise if it misleads."""
    from labeler.seeds import thin_seed_advice
    from snarewatch.errors import LLMError, UntrustworthyResultError

    row: dict[str, Any] = {k: v for k, v in asdict(summary).items()
                           if k not in {"by_value", "errors", "advice", "calibrator",
                                         "seed_disputes"}}
    row.update(status=summary.status, cost_usd=round(summary.cost_usd, 4),
               seconds=round(summary.seconds, 1),
               labels_per_min=round(summary.labels_per_minute, 1),
               seed_agreement=None if summary.seed_agreement is None
               else round(summary.seed_agreement, 3),
               positive_rate=None if summary.positive_rate is None
               else round(summary.positive_rate, 3),
               by_value=json.dumps(summary.by_value), errors=json.dumps(summary.errors))
    print_rows([row], fmt, title=f"label {task.name}")
    if summary.status == "failed":
        where = getattr(backend, "base_url", None)
        kinds = ", ".join(f"{k} {v}" for k, v in summary.errors.items())
        raise LLMError(f"every call to the teacher failed ({kinds})"
                       + (f" at {where}" if where else "")
                       + ": check that the model server is running and reachable "
                         "(SNAREWATCH_LLM_BASE_URL), or use the embedded model "
                         "(--backend embedded); nothing was labelled")
    if fmt is OutputFormat.json:
        pass
    elif summary.status == "partial":
        err_console.print(f"{summary.failed} of {summary.failed + summary.labelled} calls "
                          f"failed ({json.dumps(summary.errors)}); they are stored with their "
                          "error and asked again by the next run", markup=False)
    if summary.stopped == "max_cost" and fmt is not OutputFormat.json:
        err_console.print("stopped before exceeding --max-cost; rerun with a higher limit to "
                          "continue where it stopped", markup=False)
    if not summary.seed_labels and fmt is not OutputFormat.json:
        err_console.print(
            f"note: {task.name} has no hand labels yet, so these labels were calibrated on the "
            "teacher's own answers and nobody has checked them. For flags you can trust, label "
            f"40 items by hand: `snarewatch labels seed {task.name} --out seed.csv`, then "
            f"`snarewatch labels import {task.name} seed.csv --annotator NAME`.", markup=False)
    elif summary.seed_agreement is not None and fmt is not OutputFormat.json:
        err_console.print(f"the teacher agrees with {summary.seed_agreement:.0%} of your "
                          f"{summary.seed_labels} seed labels (weighted); "
                          f"{summary.calibration}", markup=False)
        for line in summary.dispute_lines():
            err_console.print(line, markup=False)
    advice = thin_seed_advice(task, summary.seed_labels, summary.seed_positive)
    if advice and fmt is not OutputFormat.json:
        err_console.print(f"note: {advice}", markup=False)
    if summary.collapsed:
        raise UntrustworthyResultError(
            f"the labelling run collapsed: {summary.collapsed}. Its labels are stored, but a "
            f"student trained on them would mislead; {summary.advice}")


def _register_label(app: typer.Typer) -> None:
    @app.command("label", epilog=LABEL_EXAMPLES)
    def label(
        task_name: str = typer.Argument(..., metavar="TASK", help="Task name or .toml path."),
        budget: int = typer.Option(None, "--budget", "-n", help="Items to label (default: the task's)."),
        method: Method = typer.Option(Method.diversity, "--method", help="Sampling method."),
        backend: str = typer.Option(None, "--backend", "-b",
                                    help="embedded | openai | gguf:PATH | fake:SCRIPT (default: settings)."),
        plan: bool = typer.Option(False, "--plan", help="Estimate items, cost and time and show "
                                  "one prompt (a local model is timed on 3 items; a paid API "
                                  "is not called)."),
        max_cost: float = typer.Option(None, "--max-cost", help="Stop before spending more (USD)."),
        seed: int = typer.Option(0, "--seed", help="Sampling seed (recorded)."),
        answer: Answer = typer.Option(Answer.yesno, "--answer",
                                      help="How the teacher answers: yes/no on the positive "
                                           "side, option letters, or label names."),
        knn: int = typer.Option(0, "--knn", help="Similar human-labelled examples per item."),
        fudd: bool = typer.Option(False, "--fudd", help="Add notes on confusable labels."),
        variants: int = typer.Option(1, "--variants", help="Prompt variants to average (1-3)."),
        abstain: bool = typer.Option(False, "--abstain",
                                     help="Abstain below thresholds set on the seed labels."),
        cascade: bool = typer.Option(False, "--cascade",
                                     help="Only items the promoted student is unsure about."),
        band: tuple[float, float] = typer.Option((0.2, 0.8), "--band",
                                                 help="Student P(positive) band that is unsure."),
        fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
    ) -> None:
        """Label a diverse sample of a task's items with the LLM (pseudo-labels for students)."""
        from snarewatch.cli.hooks import ConsoleHooks
        from snarewatch.pipeline.jobs import LabelJob
        from snarewatch.pipeline.label import run

        job = LabelJob(task=task_name, budget=budget, method=method.value, backend=backend,
                       plan=plan, max_cost=max_cost, seed=seed, answer=answer.value, knn=knn,
                       fudd=fudd, variants=variants, abstain=abstain, cascade=cascade, band=band)
        done = run(settings(), job, ConsoleHooks(quiet=fmt is OutputFormat.json))
        if done.plan is not None:
            print_plan(done.plan, done.task.name, fmt)
            return
        _report(done.summary, done.backend, done.task, fmt)


def print_plan(p: Any, task_name: str, fmt: OutputFormat) -> None:
    """Print a label plan: items, tokens, cost, time, and one rendered prompt."""
    if fmt is OutputFormat.json:
        print_rows([asdict(p)], fmt)
        return
    row = {k: v for k, v in asdict(p).items() if k != "example_prompt"}
    row["est_cost_usd"] = "unknown: set SNAREWATCH_LLM_USD_PER_1K_INPUT/OUTPUT" \
        if p.est_cost_usd is None else round(p.est_cost_usd, 4)
    row["est_seconds"] = round(p.est_seconds, 1)
    print_rows([row], fmt, title=f"plan: label {task_name}")
    console.print("[bold]one rendered prompt:[/bold]")
    console.print(p.example_prompt, markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    """Add `label`."""
    _register_label(app)
