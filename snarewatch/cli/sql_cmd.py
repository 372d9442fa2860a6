"""`snarewatch sql`: read-only SQL over the store, printed or exported."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from snarewatch.cli._common import OutputFormat, console, esc, print_rows, settings

EXAMPLES = """\
Examples:

  snarewatch sql "select count(*) from ads"
  snarewatch sql "select site, count(*) n from findings group by site order by n desc"
  snarewatch sql "select * from findings where task = 'wildlife'" --format csv --out flags.csv
  snarewatch sql            # interactive prompt; end statements with ';', quit with .quit
"""


class SqlFormat(str, Enum):
    """Formats `snarewatch sql` can print or export."""

    table = "table"
    csv = "csv"
    json = "json"
    parquet = "parquet"


def register(app: typer.Typer) -> None:
    """Add the `sql` command."""

    @app.command("sql", epilog=EXAMPLES)
    def sql(
        query: str = typer.Argument(None, help="A SELECT statement; omit for an interactive prompt."),
        fmt: SqlFormat = typer.Option(SqlFormat.table, "--format", "-f", help="Output format."),
        out: Path = typer.Option(None, "--out", "-o", help="Write the result to this file."),
        max_rows: int = typer.Option(200, "--max-rows", help="Rows printed in table format."),
    ) -> None:
        """Query the store read-only with SQL (DuckDB dialect). Writes and file access are refused.

        Tables: ads, ui_elements, page_captures, crawls, labels, predictions, models, samples,
        runs, page_findings. Views: items, findings, current_labels, current_predictions,
        promoted_models; for analysts (docs/report.md): wildlife_ads, deceptive_elements,
        sellers, repost_clusters, sites.
        """
        from snarewatch.store.query import run_query

        s = settings()
        if query is None:
            _interactive(s.db_path)
            return
        result = run_query(s.db_path, query)
        if out is not None:
            from snarewatch.store.query import export_table

            export_table(result, out, fmt.value if fmt is not SqlFormat.table else _guess(out))
            console.print(f"wrote {result.num_rows} rows to {esc(out)}")
            return
        if fmt is SqlFormat.parquet:
            raise typer.BadParameter("--format parquet needs --out FILE")
        rows = result.to_pylist()
        shown = rows[:max_rows] if fmt is SqlFormat.table else rows
        print_rows(shown, OutputFormat(fmt.value))
        if fmt is SqlFormat.table and len(rows) > max_rows:
            console.print(f"[dim]… {len(rows) - max_rows} more rows (use --format csv or --out)[/dim]")


def _guess(out: Path) -> str:
    suffix = out.suffix.lower().lstrip(".")
    return suffix if suffix in {"csv", "json", "parquet"} else "csv"


def _interactive(db_path: Path) -> None:
    from snarewatch.errors import SnarewatchError
    from snarewatch.store.query import run_query

    console.print("snarewatch SQL (read-only). End a statement with ';'. Type .quit to leave.")
    buffer: list[str] = []
    while True:
        try:
            line = input("sql> " if not buffer else "...> ")
        except EOFError:
            break
        if not buffer and line.strip() in {".quit", ".exit", "quit", "exit"}:
            break
        buffer.append(line)
        if not line.rstrip().endswith(";"):
            continue
        statement = "\n".join(buffer)
        buffer.clear()
        try:
            print_rows(run_query(db_path, statement).to_pylist()[:200])
        except SnarewatchError as exc:
            console.print(f"[red]error:[/red] {esc(exc)}")
