"""`snarewatch db …`: migrate, load landing batches, show table counts."""

from __future__ import annotations

import typer

from snarewatch.cli._common import OutputFormat, console, esc, print_rows, settings

EXAMPLES = """\
Examples:

  snarewatch db info                # rows per table, pending batches, the file
  snarewatch db info --format json
  snarewatch db load                # ingest what workers or the API left
  snarewatch db migrate             # create the store or bring it up to date

load and migrate write the database; to read it, use `snarewatch sql` (read-only).
"""


def register(app: typer.Typer) -> None:
    """Add the `db` command group."""
    group = typer.Typer(help="Manage the DuckDB store (data/snarewatch.duckdb).",
                        no_args_is_help=True, epilog=EXAMPLES)

    @group.command("load", epilog=EXAMPLES)
    def load() -> None:
        """Ingest pending Parquet batches from the landing folder (each exactly once)."""
        from snarewatch.store import load_pending

        s = settings()
        report = load_pending(s.db_path, s.landing_dir)
        console.print(
            f"loaded {report.batches} batches, {report.rows} rows in {report.seconds:.2f}s"
            + (f"; skipped {report.skipped} already loaded" if report.skipped else "")
        )
        for batch, reason in report.failed.items():
            console.print(f"[red]failed[/red] {esc(batch)}: {esc(reason)} "
                          "(moved to landing/_failed)")

    @group.command("migrate", epilog=EXAMPLES)
    def migrate_cmd() -> None:
        """Create the store or apply new migrations."""
        from snarewatch.store import migrate

        applied = migrate(settings().db_path)
        console.print(f"applied: {', '.join(applied)}" if applied else "store is up to date")

    @group.command("info", epilog=EXAMPLES)
    def info(
        fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="Output format."),
    ) -> None:
        """Row counts per table, pending batches and where the data lives."""
        from snarewatch.schema import RECORDS_BY_TABLE
        from snarewatch.store import Landing, connect_readonly

        s = settings()
        with connect_readonly(s.db_path) as conn:
            rows = [
                {"table": t, "rows": conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]}  # type: ignore[index]
                for t in RECORDS_BY_TABLE
            ]
        print_rows(rows, fmt, title=str(s.db_path))
        pending = len(Landing(s.landing_dir).pending())
        if pending and fmt is OutputFormat.table:
            console.print(f"{pending} batches pending: run `snarewatch db load`")

    app.add_typer(group, name="db")
