"""Shared CLI plumbing: settings, error handling, output formats, progress bars."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from snarewatch.config import Settings, load_settings
from snarewatch.errors import SnarewatchError

console = Console()
err_console = Console(stderr=True)

# Models load offline only; a hub name would otherwise stall for ~50 s before failing.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

_settings: Settings | None = None


def settings() -> Settings:
    """The settings, built once per process."""
    global _settings
    if _settings is None:
        _settings = load_settings()
    return _settings


class OutputFormat(str, Enum):
    """How listing commands print rows."""

    table = "table"
    csv = "csv"
    json = "json"


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


VERTICAL_ABOVE = 5
"""A single row with more columns than this is printed as field/value lines."""


def print_rows(
    rows: Sequence[dict[str, Any]], fmt: OutputFormat = OutputFormat.table, title: str | None = None
) -> None:
    """Print rows as a rich table, CSV or JSON (a list of objects)."""
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps([{k: _jsonable(v) for k, v in r.items()} for r in rows],
                                    ensure_ascii=False, indent=2, default=str) + "\n")
        return
    columns = list(rows[0].keys()) if rows else []
    if fmt is OutputFormat.csv:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _jsonable(v) for k, v in row.items()})
        sys.stdout.write(buf.getvalue())
        return
    table = Table(title=title, show_lines=False)
    if len(rows) == 1 and len(columns) > VERTICAL_ABOVE:
        # One wide record (a plan, a run summary, a card) reads better as field/value lines
        # than as columns folded to a few characters each.
        table.add_column("field", style="bold")
        table.add_column("value", overflow="fold")
        for key, value in rows[0].items():
            table.add_row(str(key), "" if value is None else str(_jsonable(value)))
        console.print(table)
        return
    for col in columns:
        table.add_column(str(col), overflow="fold")
    for row in rows:
        table.add_row(*("" if v is None else str(_jsonable(v)) for v in row.values()))
    console.print(table)
    if not rows:
        console.print("[dim](no rows)[/dim]")


def progress(transient: bool = False) -> Progress:
    """A rich progress bar with count, rate-friendly columns and ETA (to stderr)."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=transient,
    )


def iter_with_progress(items: Iterable[Any], total: int, description: str) -> Iterable[Any]:
    """Yield items while showing a progress bar."""
    with progress() as bar:
        task = bar.add_task(description, total=total, status="")
        for item in items:
            yield item
            bar.advance(task)


def run_app(app: typer.Typer | Callable[..., Any], args: Sequence[str] | None = None) -> int:
    """Run a Typer app on `args` (default: the command line), mapping SnarewatchError to a
    one-line message and exit status 1."""
    try:
        # Non-standalone click returns the command's value, or 1 after an Abort (Ctrl-C at a prompt).
        rc = app(args=args, standalone_mode=False)  # type: ignore[call-arg]
    except SnarewatchError as exc:
        err_console.print(f"[bold red]error:[/bold red] {exc}", highlight=False)
        return 1
    except KeyboardInterrupt:
        err_console.print("interrupted")
        return 130
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except typer.Abort:
        err_console.print("aborted")
        return 1
    except typer.TyperException as exc:  # usage errors arrive here in non-standalone mode
        show = getattr(exc, "show", None)
        if show is None:
            raise
        show()
        return int(getattr(exc, "exit_code", 2))
    return rc if isinstance(rc, int) else 0
