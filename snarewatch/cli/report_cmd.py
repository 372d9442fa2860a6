"""`snarewatch report`: one offline HTML file with the findings, charts and model quality."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from snarewatch.cli._common import OutputFormat, console, err_console, esc, print_rows, settings

EXAMPLES = """\
Examples:

  snarewatch report                       # everything -> report.html
  snarewatch report --task wildlife --out wildlife.html
  snarewatch report --task deceptive-ui --out patterns.html
  snarewatch report --budget-curve other/budget_curve.json
  snarewatch report --format json         # what was written, for scripts

The file has no network references (charts are embedded SVG): mail it or open it offline.
The same figures come from SQL views, e.g.
  snarewatch sql "select * from sellers order by flagged_ads desc limit 20"
"""


def register(app: typer.Typer) -> None:
    """Add the `report` command."""

    @app.command("report", epilog=EXAMPLES)
    def report(
        task: Annotated[str | None, typer.Option(
            "--task", "-t", help="Only this task's sections and models (wildlife, deceptive-ui, or "
            "your own in ./tasks)."
        )] = None,
        out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")] = Path(
            "report.html"),
        budget_curve: Annotated[Path | None, typer.Option(
            "--budget-curve",
            help="budget_curve.json, as `snarewatch loop --gold` writes it "
                 "(default: the one in the data dir).",
        )] = None,
        fmt: Annotated[OutputFormat, typer.Option(
            "--format", "-f", help="How to print the summary of what was written."
        )] = OutputFormat.table,
    ) -> None:
        """Write one offline HTML report of the findings, with plots.

        Flags by site, category and time, prices, sellers, repost clusters, deceptive patterns
        by site, model cards, the budget curve and the latest gold evaluation.
        """
        from snarewatch.report import build_report

        s = settings()
        with err_console.status("drawing the report…"):
            result = build_report(s.db_path, out, task=task, registry_dir=s.registry_dir,
                                  data_dir=s.data_dir, budget_curve=budget_curve,
                                  blobs_dir=s.blobs_dir)
        summary = {"path": str(result.path.resolve()), "bytes": result.bytes,
                   "sections": ", ".join(result.sections), "empty_store": result.empty}
        if fmt is not OutputFormat.table:
            print_rows([summary], fmt)
            return
        if result.empty:
            console.print("[yellow]the store is empty:[/yellow] the report says what to run "
                          "first (try `snarewatch demo`).")
        console.print(f"wrote {esc(result.path)} ({result.bytes / 1024:.0f} KiB; sections: "
                      f"{summary['sections']})")
