"""`snarewatch tasks | labels`: task specs, and labelling by hand (seed set, review, import)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from snarewatch.cli._common import OutputFormat, console, err_console, print_rows, settings

TASKS_EXAMPLES = """\
Examples:

  snarewatch tasks                       # bundled specs and those in ./tasks/
  snarewatch tasks --format json
  snarewatch tasks show wildlife         # the full prompt prefix the LLM sees
  snarewatch tasks new shark-teeth       # writes tasks/shark-teeth.toml to edit
"""

LABELS_EXAMPLES = """\
Examples:

  snarewatch labels seed wildlife --out seed.csv       # 40 items to label by hand first
  snarewatch labels export wildlife --out review.csv   # open in a spreadsheet, fill human_label
  snarewatch labels export wildlife --uncertain --out queue.csv   # abstained items only
  snarewatch labels export wildlife --flags --out flags.csv   # the student's findings to check
  snarewatch labels export wildlife --closest --out calls.csv # its closest calls, both sides
  snarewatch labels import wildlife review.csv --annotator alice
  snarewatch labels summary wildlife
"""


def _task(name: str) -> Any:
    from snarewatch.tasks import load_task

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
        from snarewatch.tasks import list_tasks, task_paths

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


def _register_labels(app: typer.Typer) -> None:
    group = typer.Typer(help="Label by hand: a seed set to start with, review, import, summary.",
                        no_args_is_help=True)

    @group.command("seed", epilog=LABELS_EXAMPLES)
    def seed(task_name: str = typer.Argument(..., metavar="TASK"),
             out: Path = typer.Option(..., "--out", "-o", help="CSV to fill in, or .jsonl."),
             size: int = typer.Option(40, "--size", "-n", min=4, help="Items to draw."),
             seed_value: int = typer.Option(0, "--seed", help="Sampling seed (recorded).")) -> None:
        """Draw a small, diverse seed set to label by hand: the first step of a new task.

        Half the items come from those most like the task's positive definition
        (so the seed holds positives even for rare questions), half from the
        rest; each item keeps the weight of its half, so estimates on the seed
        stay honest. Run it again for more: the next set skips what is labelled
        and ranks "most like" by your hand labels too.

        Fill `human_label` with the task's label names, then `labels import`
        the file. With seed labels of both kinds, `label` calibrates the teacher
        on them, `train` sets the student's threshold and reports its precision
        on them, and `classify` verifies flags against them.
        """
        from labeler.humans import write_export
        from labeler.seeds import choose_seed
        from snarewatch.store import load_pending
        from snarewatch.store.review_reads import ReviewRow

        s = settings()
        task = _task(task_name)
        load_pending(s.db_path, s.landing_dir)
        items, draw = choose_seed(s, task, size, seed=seed_value)
        load_pending(s.db_path, s.landing_dir)
        if not items:
            from snarewatch.errors import NothingToDoError

            raise NothingToDoError(f"no unlabelled {task.item_kind} items for {task.name!r}: "
                                   "crawl or import some first")
        rows = [ReviewRow(item_id=i["item_id"], site=i.get("site"), url=i.get("url"),
                          text=task.render(i), human_label="", note="") for i in items]
        write_export(rows, out)
        similar = draw.strata.count("similar")
        like = ("your hand labels and the definition make look most positive"
                if draw.similar_by == "hand labels" else "most like the positive definition")
        console.print(f"wrote {len(rows)} items to {out} ({similar} drawn among the items {like}, "
                      "the rest across everything else).")
        console.print(f"Fill `human_label` with one of: {', '.join(task.label_names)} (leave a "
                      "row blank to skip it), then:")
        console.print(f"  snarewatch labels import {task.name} {out} --annotator YOUR_NAME",
                      markup=False)

    @group.command("export", epilog=LABELS_EXAMPLES)
    def export(task_name: str = typer.Argument(..., metavar="TASK"),
               out: Path = typer.Option(..., "--out", "-o", help="CSV, or .jsonl for JSON lines."),
               all_items: bool = typer.Option(False, "--all", help="Also unlabelled items."),
               uncertain: bool = typer.Option(False, "--uncertain",
                                              help="Only the review queue: abstained items."),
               flags: bool = typer.Option(False, "--flags",
                                          help="The student's findings nobody has labelled by "
                                               "hand, with its score (least sure first)."),
               closest: bool = typer.Option(False, "--closest",
                                            help="The student's closest calls nobody has "
                                                 "labelled by hand, in turn from both sides of "
                                                 "its cut: least sure findings and the unflagged "
                                                 "items it scored highest.")) -> None:
        """Write items with the LLM's label and probability (least sure first) for review."""
        from labeler.humans import write_export
        from snarewatch.store.review_reads import (
            closest_calls_for_review,
            findings_for_review,
            labelled_for_review,
            uncertain_for_review,
        )

        s = settings()
        if uncertain + flags + closest > 1:
            from snarewatch.errors import ConfigError

            raise ConfigError("choose one of --uncertain, --flags and --closest; "
                              "run `snarewatch labels export --help` for what each writes")
        task = _task(task_name)
        if closest:
            rows = closest_calls_for_review(s.db_path, task.name, task.item_kind)
        elif flags:
            rows = findings_for_review(s.db_path, task.name, task.item_kind)
        elif uncertain:
            rows = uncertain_for_review(s.db_path, task.name, task.item_kind)
        else:
            rows = labelled_for_review(s.db_path, task.name, task.item_kind,
                                       only_llm=not all_items)
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
        from labeler.seeds import human_labels, thin_seed_advice
        from snarewatch.store import load_pending

        s = settings()
        task = _task(task_name)
        report = import_labels(s.landing_dir, task, path, annotator, column)
        load_pending(s.db_path, s.landing_dir)
        console.print(f"imported {report.imported} human labels ({report.blank} blank, "
                      f"{len(report.invalid)} invalid)")
        for problem in report.invalid[:20]:
            err_console.print(f"  {problem}")
        labels = human_labels(s, task)
        advice = thin_seed_advice(task, len(labels),
                                  sum(v in task.positive for v in labels.values()))
        if advice:
            err_console.print(f"note: {advice}", markup=False)

    @group.command("summary", epilog=LABELS_EXAMPLES)
    def summary(task_name: str = typer.Argument(..., metavar="TASK"),
                fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f")) -> None:
        """Count current labels per value and source."""
        from snarewatch.store.reads import label_counts

        counts = label_counts(settings().db_path, _task(task_name).name)
        print_rows([c.model_dump() for c in counts], fmt)

    app.add_typer(group, name="labels")


def register(app: typer.Typer) -> None:
    """Add `tasks` and `labels`."""
    _register_tasks(app)
    _register_labels(app)
