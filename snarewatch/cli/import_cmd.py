"""`snarewatch import ads|elements FILE`: bring existing data into the pipeline."""

from __future__ import annotations

from pathlib import Path

import typer

from snarewatch.cli._common import console, esc, print_rows, settings

EXAMPLES = """\
Examples:

  snarewatch import ads listings.csv --site ebay-au --id-column item_id
  snarewatch import ads export.jsonl --map title=name --map description=body --map price=cost
  snarewatch import elements ui_texts.parquet --map text=string --site shop-x

Columns named like the fields (title, description, price, currency, seller, location, posted_at,
url, image_urls; for elements text, tag, role, url, x, y, width, height, ...) are taken as they
are; other columns are kept in `extra`. Bad rows are listed with their line number and skipped;
rows with bytes that are not UTF-8 are kept and listed. A .tsv file is read with tabs, a .csv file
with the delimiter its header uses (comma, semicolon, tab or |).
"""

MAX_LINES_LISTED = 20
"""Line numbers listed in the summary before it says "…"."""


def _import(kind: str, path: Path, maps: list[str], id_column: str | None, site: str,
            fmt: str | None, show_bad: int) -> None:
    from snarewatch.errors import ImportDataError
    from snarewatch.imports import parse_mapping, read_import
    from snarewatch.schema import Run, stable_id, utcnow
    from snarewatch.store import Landing, load_pending

    s = settings()
    started = utcnow()
    report = read_import(path, kind,  # type: ignore[arg-type]
                         mapping=parse_mapping(maps), id_column=id_column, site=site, fmt=fmt)
    landing = Landing(s.landing_dir)
    for start in range(0, len(report.records), 50_000):
        landing.write(report.records[start:start + 50_000])
    stats = {"rows": report.rows, "imported": report.imported, "bad": len(report.bad),
             "undecodable": len(report.undecodable)}
    failed = report.imported == 0 and bool(report.bad)
    landing.write([Run(run_id=stable_id("import", path.resolve(), started), kind=f"import-{kind}",
                       started_at=started, finished_at=utcnow(),
                       status="failed" if failed else "done",
                       params={"file": str(path), "site": site}, stats=stats)])
    load = load_pending(s.db_path, s.landing_dir)
    console.print(f"{esc(path)}: {report.rows} rows read, {report.imported} {kind} imported, "
                  f"{len(report.bad)} bad rows; store now loaded ({load.rows} rows written).")
    if report.undecodable:
        shown = ", ".join(str(n) for n in report.undecodable[:MAX_LINES_LISTED])
        more = ", …" if len(report.undecodable) > MAX_LINES_LISTED else ""
        console.print(f"[yellow]{len(report.undecodable)} rows had bytes that are not "
                      f"UTF-8[/yellow] (kept, with \ufffd in their place; lines {shown}{more}): "
                      "re-save the file as UTF-8 and import it again to replace them.",
                      highlight=False)
    if report.bad:
        print_rows([{"line": b.line, "reason": b.reason} for b in report.bad[:show_bad]],
                   title="bad rows (skipped)")
        if len(report.bad) > show_bad:
            console.print(f"… and {len(report.bad) - show_bad} more")
    if failed:
        raise ImportDataError(f"none of the {report.rows} rows of {path} could be imported "
                              "(see the bad rows above): check the columns and --map")


def register(app: typer.Typer) -> None:
    """Add the `import` command group."""
    group = typer.Typer(help="Import ads or UI texts from CSV, JSONL or Parquet.",
                        no_args_is_help=True)
    maps_opt = typer.Option([], "--map", "-m", help="FIELD=COLUMN, repeatable.")
    id_opt = typer.Option(None, "--id-column",
                          help="Column with a stable id (else the content is the id).")
    fmt_opt = typer.Option(None, "--format",
                           help="csv, jsonl or parquet (default: from the suffix).")
    site_help = "Site name for rows without a site column."
    bad_opt = typer.Option(20, "--show-bad", help="How many bad rows to list.")

    @group.command("ads", epilog=EXAMPLES)
    def ads(path: Path = typer.Argument(..., help="CSV, JSONL or Parquet file."),
            maps: list[str] = maps_opt, id_column: str = id_opt,
            site: str = typer.Option("imported", "--site", help=site_help),
            fmt: str = fmt_opt, show_bad: int = bad_opt) -> None:
        """Import marketplace ads (title, description, price, seller, ...)."""
        _import("ads", path, maps, id_column, site, fmt, show_bad)

    @group.command("elements", epilog=EXAMPLES)
    def elements(path: Path = typer.Argument(..., help="CSV, JSONL or Parquet file."),
                 maps: list[str] = maps_opt, id_column: str = id_opt,
                 site: str = typer.Option("imported", "--site", help=site_help),
                 fmt: str = fmt_opt, show_bad: int = bad_opt) -> None:
        """Import UI element texts (e.g. dark-pattern strings) for the deceptive-ui task."""
        _import("elements", path, maps, id_column, site, fmt, show_bad)

    app.add_typer(group, name="import")
