"""`snarewatch sql`: read-only SQL over the store, printed or exported."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Literal

import typer

from snarewatch.cli._common import OutputFormat, console, esc, print_rows, settings

EXAMPLES = """\
Examples:

  snarewatch sql "select count(*) from ads"
  snarewatch sql "select site, count(*) n from findings group by site order by n desc"
  snarewatch sql "select * from findings where task = 'wildlife'" --format csv --out flags.csv
  snarewatch sql            # interactive prompt; end statements with ';', quit with .quit

At the prompt: .tables, .schema [TABLE], .help, .quit (as in the DuckDB shell).
"""


class SqlFormat(StrEnum):
    """Formats `snarewatch sql` can print or export."""

    table = "table"
    csv = "csv"
    json = "json"
    parquet = "parquet"


def register(app: typer.Typer) -> None:
    """Add the `sql` command."""

    @app.command("sql", epilog=EXAMPLES)
    def sql(
        query: str = typer.Argument(None,
                                    help="A SELECT statement; omit for an interactive prompt."),
        fmt: SqlFormat = typer.Option(SqlFormat.table, "--format", "-f", help="Output format."),
        out: Path = typer.Option(None, "--out", "-o", help="Write the result to this file."),
        max_rows: int = typer.Option(200, "--max-rows", help="Rows printed in table format."),
    ) -> None:
        """Query the store read-only with SQL (DuckDB dialect). Writes and file access are refused.

        Tables: ads, ui_elements, page_captures, crawls, labels, predictions, models, samples,
        runs, page_findings. Views: items, findings, current_labels, current_predictions,
        promoted_models; for analysts (docs/report.md): wildlife_ads, deceptive_elements,
        sellers, repost_clusters, sites, and for every task: task_items, task_overview and
        the macros task_ads('TASK'), task_sellers('TASK'), task_repost_clusters('TASK'),
        task_elements('TASK'), task_sites('AD_TASK', 'ELEMENT_TASK').
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
            console.print(f"[dim]… {len(rows) - max_rows} more rows "
                          "(use --format csv or --out)[/dim]")


def _guess(out: Path) -> str:
    suffix = out.suffix.lower().lstrip(".")
    return suffix if suffix in {"csv", "json", "parquet"} else "csv"


DOT_HELP = """\
.tables            tables and views of the store
.schema [TABLE]    columns and types (of every table, or of TABLE)
.help              this list
.quit, .exit       leave (Ctrl-D too)
Anything else is SQL (DuckDB dialect), ended with ';'."""

_TABLES_SQL = """
SELECT table_name AS name, CASE table_type WHEN 'VIEW' THEN 'view' ELSE 'table' END AS kind
FROM information_schema.tables
WHERE table_schema = 'main' AND table_name NOT LIKE '\\_%' ESCAPE '\\'
ORDER BY kind, name"""

_SCHEMA_SQL = """
SELECT table_name AS "table", column_name AS "column", data_type AS type
FROM information_schema.columns
WHERE table_schema = 'main' AND table_name NOT LIKE '\\_%' ESCAPE '\\' {where}
ORDER BY table_name, ordinal_position"""


@dataclass(frozen=True)
class DotCommand:
    """What a DuckDB-shell dot-command means here."""

    action: Literal["quit", "say", "sql"]
    text: str = ""
    """The message to print (say) or the read-only query to run (sql)."""
    if_empty: str = ""
    """What to print when the query returns no rows."""


def dot_command(line: str) -> DotCommand:
    """Map `.tables`, `.schema [TABLE]`, `.help`, `.quit`/`.exit` onto what the prompt does.

    `.tables` and `.schema` become read-only queries that go through the same guard as any SQL.
    """
    name, _, arg = line.strip().partition(" ")
    arg = arg.strip().rstrip(";").strip().strip('"')
    if name in {".quit", ".exit", ".q"}:
        return DotCommand("quit")
    if name in {".help", ".h"}:
        return DotCommand("say", DOT_HELP)
    if name == ".tables":
        return DotCommand("sql", _TABLES_SQL, "the store has no tables yet")
    if name == ".schema":
        where = "AND table_name = '" + arg.replace("'", "''") + "'" if arg else ""
        return DotCommand("sql", _SCHEMA_SQL.format(where=where),
                          f"no table or view named {arg!r}: .tables lists them")
    return DotCommand("say", f"unknown command {name}: .help lists the ones there are")


def _interactive(db_path: Path) -> None:
    from snarewatch.errors import SnarewatchError
    from snarewatch.store.query import run_query

    console.print("snarewatch SQL (read-only). End a statement with ';'. "
                  "Type .help for commands, .quit to leave.")
    buffer: list[str] = []
    while True:
        try:
            line = input("sql> " if not buffer else "...> ")
        except EOFError:
            break
        if not buffer and line.strip() in {"quit", "exit"}:
            break
        if_empty = ""
        if not buffer and line.strip().startswith("."):
            command = dot_command(line)
            if command.action == "quit":
                break
            if command.action == "say":
                console.print(esc(command.text), highlight=False)
                continue
            statement, if_empty = command.text, command.if_empty
        else:
            buffer.append(line)
            if not line.rstrip().endswith(";"):
                continue
            statement = "\n".join(buffer)
            buffer.clear()
        try:
            rows = run_query(db_path, statement).to_pylist()
        except SnarewatchError as exc:
            console.print(f"[red]error:[/red] {esc(exc)}")
            continue
        if not rows and if_empty:
            console.print(esc(if_empty), highlight=False)
            continue
        print_rows(rows[:200])
