"""`snarewatch models | eval | loop`: inspect and promote students, score them, active learning."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from snarewatch.cli._common import OutputFormat, console, esc, print_rows, settings
from snarewatch.cli.train_cmd import StudentChoice

MODELS_EXAMPLES = """\
Examples:

  snarewatch models list
  snarewatch models list --task wildlife --format json
  snarewatch models show wildlife-tfidf-20261126    # the card: labels, CV metrics, threshold, why
  snarewatch models promote wildlife-embed-20261127
"""

EVAL_EXAMPLES = """\
Examples:

  snarewatch eval deceptive-ui --gold gold.csv     # columns: item_id,label  (or text,label)
  snarewatch eval wildlife --gold gold.tsv --model wildlife-embed-2026 --pr-curve pr.png

Scores the student on every gold row and, on the rows the teacher labelled, the teacher too.
"""

LOOP_EXAMPLES = """\
Examples:

  snarewatch loop wildlife --rounds 5 --per-round 100
  snarewatch loop wildlife --rounds 5 --per-round 50 --gold gold.csv   # and a budget curve
  snarewatch loop deceptive-ui --rounds 4 --per-round 50 --backend fake:not_dark_pattern

Round 1 samples for diversity; later rounds alternate uncertainty (what the student is least sure
of) and diversity. Stops early when cross-validated F1 gains less than --min-gain. With --gold,
each round's student is scored on the gold file and the points go to budget_curve.json in the
data dir, which `snarewatch report` draws.
"""


def _model_row(info: Any, promoted: set[str]) -> dict[str, Any]:
    cv = (info.card.get("cv") or {}).get(info.student, {})
    return {"model_id": info.model_id, "task": info.task, "student": info.student,
            "labels": info.card.get("n_labels"), "cv_f1": cv.get("f1"),
            "precision": cv.get("precision"), "recall": cv.get("recall"),
            "threshold": None if info.threshold is None else round(info.threshold, 4),
            "promoted": info.model_id in promoted, "created_at": info.created_at}


def register(app: typer.Typer) -> None:
    """Add `models`, `eval` and `loop`."""
    models = typer.Typer(help="List, inspect and promote trained students.", no_args_is_help=True)
    app.add_typer(models, name="models")

    @models.command("list", epilog=MODELS_EXAMPLES)
    def models_list(
        task: str = typer.Option(None, "--task", "-t", help="Only this task's models."),
        fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f",
                                         help="Output format."),
    ) -> None:
        """Trained models, newest first, with their CV metrics and whether they are promoted."""
        from classifiers.registry import list_models, promoted_ids

        s = settings()
        promoted = promoted_ids(s)
        print_rows([_model_row(m, promoted) for m in list_models(s, task)], fmt, title="models")

    @models.command("show", epilog=MODELS_EXAMPLES)
    def models_show(
        model_id: str = typer.Argument(..., help="Model id or a unique prefix."),
    ) -> None:
        """Print a model's card (JSON): labels, sources, CV metrics, threshold, why chosen."""
        from classifiers.registry import get_model

        info = get_model(settings(), model_id)
        console.print_json(json.dumps({"path": info.path, **info.card}, default=str))

    @models.command("promote", epilog=MODELS_EXAMPLES)
    def models_promote(
        model_id: str = typer.Argument(..., help="Model id or a unique prefix."),
    ) -> None:
        """Make a model the one `classify` and the API use for its task."""
        from classifiers.registry import promote
        from snarewatch.store import load_pending

        s = settings()
        info = promote(s, model_id)
        load_pending(s.db_path, s.landing_dir)
        console.print(f"promoted {esc(info.model_id)} for task {esc(info.task)}")

    @app.command("eval", epilog=EVAL_EXAMPLES)
    def evaluate_cmd(
        task: str = typer.Argument(..., help="Task name."),
        gold: Path = typer.Option(..., "--gold", "-g", exists=True, dir_okay=False,
                                  help="CSV/TSV/JSONL with label and item_id or text."),
        model: str = typer.Option(None, "--model", "-m", help="Model id (default: promoted)."),
        pr_curve: Path = typer.Option(None, "--pr-curve", help="PNG of the precision-recall curve "
                                      "(default: eval-<model>.png in the data dir)."),
        fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f",
                                         help="Output format."),
    ) -> None:
        """Precision, recall, F1 per class and macro, the confusion matrix; student vs teacher."""
        from classifiers.evaluate import evaluate
        from classifiers.registry import ModelNotFoundError, get_model, load_model, promoted_model

        s = settings()
        info = get_model(s, model) if model else promoted_model(s, task)
        if info is None:
            raise ModelNotFoundError(f"task {task!r} has no model: run `snarewatch train {task}`")
        png = pr_curve or s.data_dir / f"eval-{info.model_id}.png"
        report = evaluate(s, task, load_model(info), info.model_id, gold, pr_png=png)
        if fmt is OutputFormat.json:
            from dataclasses import asdict

            print_rows([asdict(report)], fmt)
            return
        _print_report(report)

    @app.command("loop", epilog=LOOP_EXAMPLES)
    def loop(
        task: str = typer.Argument(..., help="Task name."),
        rounds: int = typer.Option(5, "--rounds", "-r", min=1, help="Rounds at most."),
        per_round: int = typer.Option(100, "--per-round", "-n", min=1, help="Labels per round."),
        student: StudentChoice = typer.Option(StudentChoice.tfidf, "--student", "-s",
                                              help="Student trained each round."),
        backend: str = typer.Option(None, "--backend", "-b",
                                    help="LLM backend (default: settings)."),
        min_gain: float = typer.Option(0.005, "--min-gain", help="Stop when CV F1 gains less."),
        plan: bool = typer.Option(False, "--plan", help="Estimate items, cost and time of all "
                                  "the rounds' labels and show one prompt; label nothing."),
        max_cost: float = typer.Option(None, "--max-cost",
                                       help="Stop before the teacher spends more (USD, all "
                                            "rounds)."),
        seed: int = typer.Option(0, "--seed", help="Sampling and training seed."),
        gold: Path = typer.Option(None, "--gold", "-g", exists=True, dir_okay=False,
                                  help="Gold file: score each round's student on it and write "
                                       "the budget curve (budget_curve.json in the data dir)."),
    ) -> None:
        """Active learning: label what the student is unsure of, retrain, repeat."""
        from snarewatch.cli.hooks import ConsoleHooks
        from snarewatch.pipeline.jobs import LoopJob
        from snarewatch.pipeline.loop import RoundReport, run

        def show(r: RoundReport) -> None:
            f1 = "-" if r.cv_f1 is None else f"{r.cv_f1:.3f}"
            on_gold = "" if r.gold_f1 is None else f", gold F1 {r.gold_f1:.3f}"
            console.print(f"round {r.round + 1}: {r.method:<11} +{r.chosen} labels "
                          f"(total {r.labels}), CV F1 {f1}{on_gold}")

        job = LoopJob(task=task, rounds=rounds, per_round=per_round, student=student.value,
                      backend=backend, min_gain=min_gain, seed=seed, max_cost=max_cost,
                      gold=gold, plan=plan)
        summary = run(settings(), job, ConsoleHooks(), on_round=show)
        if summary.plan is not None:
            from snarewatch.cli.label_cmd import print_plan

            print_plan(summary.plan, summary.task, OutputFormat.table)
            return
        console.print(f"stopped: {summary.stopped}")
        if summary.final is not None:
            console.print(f"final model {esc(summary.final.model.model_id)} (promoted)")
        if summary.curve is not None:
            console.print(f"budget curve: {esc(summary.curve.path)} "
                          f"({len(summary.curve.points)} points; `snarewatch report` draws it)")


def _print_report(report: Any) -> None:
    def table(title: str, r: dict[str, Any]) -> None:
        rows = [{"class": c, **{k: round(v, 3) if isinstance(v, float) else v
                                for k, v in m.items()}} for c, m in r["per_class"].items()]
        rows.append({"class": "macro", **{k: round(v, 3) for k, v in r["macro"].items()},
                     "support": r["n"]})
        b = r["binary"]
        rows.append({"class": "positive (any)", "precision": round(b["precision"], 3),
                     "recall": round(b["recall"], 3), "f1": round(b["f1"], 3),
                     "support": b["support"]})
        print_rows(rows, title=title)
        confusion = [{"truth \\ predicted": c, **dict(zip(r["classes"], row, strict=True))}
                     for c, row in zip(r["classes"], r["confusion"], strict=True)]
        print_rows(confusion, title="confusion matrix")

    table(f"student {report.model_id} on {report.student['n']} gold rows", report.student)
    if report.teacher is not None:
        table(f"teacher labels on the {report.teacher['n']} gold rows it labelled", report.teacher)
        same = report.student_same_rows
        console.print(f"same rows: student F1 {same['binary']['f1']:.3f} vs teacher "
                      f"{report.teacher['binary']['f1']:.3f} (positive vs not)")
    if report.skipped.get("no_text"):
        console.print(f"[yellow]{report.skipped['no_text']} gold rows skipped: unknown item_id "
                      "and no text[/yellow]")
    if report.pr_curve:
        console.print(f"precision-recall curve: {esc(report.pr_curve)}")
