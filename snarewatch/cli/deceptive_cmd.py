"""`snarewatch audit` (one page, end to end, for a site owner) and `snarewatch detect` (the page
detectors over stored captures): adapters over the audit and detect use cases."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import typer

from snarewatch.cli._common import (
    OutputFormat,
    console,
    err_console,
    esc,
    print_rows,
    settings,
)

AUDIT_EXAMPLES = """\
Examples:

  snarewatch audit https://shop.example/product/42
  snarewatch audit https://shop.example/product/42 --out report.html
  snarewatch audit http://127.0.0.1:8300/shop/weighted-blanket --format json > findings.json
  snarewatch audit URL --no-checkout --wait 1      # quicker: no cart/checkout, shorter wait

The page is loaded, read again after --wait seconds, reloaded twice and (unless --no-checkout)
followed through add-to-cart to checkout. Findings land in the store (table page_findings):
  snarewatch sql "select l2, verified_deceptive, explanation from page_findings"
"""

DETECT_EXAMPLES = """\
Examples:

  snarewatch detect                # every stored capture with an element map, not yet checked
  snarewatch detect --site tradepost --limit 100
  snarewatch detect --force --format json # re-check captures that already have findings

Stored captures hold one visit, so timers and stock counts cannot be compared across reloads
here: such claims come out as verified "unknown". Use `snarewatch audit URL` for the full checks.
"""


def _print_audit(result: dict[str, Any], fmt: OutputFormat) -> None:
    from snarewatch.pipeline.audit import verdict_line

    for note in result["notes"]:
        err_console.print(f"[yellow]note:[/yellow] {esc(note)}", highlight=False)
    if fmt is OutputFormat.table and result.get("verdict"):
        style = "bold red" if result["verdict"]["deceptive"] else "bold green"
        console.print(f"[{style}]{esc(verdict_line(result['verdict']))}[/{style}]", highlight=False)
    rows = [
        {
            "#": i,
            "verified": f["verified_deceptive"],
            "type": f["l2_name"],
            "L1": f["l1"],
            "check": f["check"],
            "text": f["text"][:50],
            "why": f["explanation"],
        }
        for i, f in enumerate(result["findings"], start=1)
    ]
    print_rows(rows, fmt, title=f"Deceptive patterns on {result['url']}")
    if fmt is not OutputFormat.table:
        return
    for f in result["cleared"]:
        console.print(
            f"[green]checked, honest:[/green] {esc(f['l2_name'])}: {esc(f['explanation'])}",
            highlight=False
        )
    console.print(
        f"[dim]{len(result['findings'])} findings in {result['seconds']} s "
        f"(visits: {esc(', '.join(result['visits']))})[/dim]"
    )


def register(app: typer.Typer) -> None:
    """Add the `audit` and `detect` commands."""

    @app.command("audit", epilog=AUDIT_EXAMPLES)
    def audit(
        url: str = typer.Argument(..., help="The page to audit (http/https)."),
        out: Path = typer.Option(
            None, "--out", "-o", help="Write a self-contained HTML report here."
        ),
        fmt: OutputFormat = typer.Option(
            OutputFormat.table, "--format", "-f", help="table (human) or json (machine)."
        ),
        wait: float = typer.Option(
            2.0, "--wait", min=0, help="Seconds between the first two reads."
        ),
        checkout: bool = typer.Option(
            True, "--checkout/--no-checkout", help="Follow add-to-cart to checkout (drip pricing)."
        ),
        screenshot_out: Path = typer.Option(
            None, "--png", help="Also save the annotated screenshot."
        ),
        store: bool = typer.Option(
            True, "--store/--no-store", help="Keep the findings in the store."
        ),
        site: str = typer.Option(
            None, "--site", help="Name the site (default: the name its host already has)."
        ),
    ) -> None:
        """Audit one page for deceptive design, for its owner.

        Each finding comes with its type, verification, evidence and a recommendation,
        drawn on an annotated screenshot.

        Works offline: without a trained deceptive-ui text student the page detectors
        run alone, and the output says so.
        """
        if urlsplit(url).scheme not in {"http", "https"}:
            raise typer.BadParameter("give a full http(s) URL", param_hint="URL")
        from snarewatch.cli.audit_html import render_audit_html
        from snarewatch.cli.hooks import ConsoleHooks
        from snarewatch.pipeline.audit import run
        from snarewatch.pipeline.jobs import AuditJob

        job = AuditJob(urls=[url], wait_s=wait, follow_checkout=checkout, store=store, site=site)
        first = run(settings(), job, ConsoleHooks()).results[0]
        if isinstance(first, Exception):
            raise first
        result = first
        png = result.pop("annotated_png")
        if out is not None:
            out.write_text(
                render_audit_html(url, result["findings"], result["cleared"], png, result),
                encoding="utf-8",
            )
            err_console.print(f"wrote {esc(out)}")
        if screenshot_out is not None and png:
            screenshot_out.write_bytes(png)
        if fmt is OutputFormat.json:
            sys.stdout.write(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n")
        else:
            _print_audit(result, fmt)

    @app.command("detect", epilog=DETECT_EXAMPLES)
    def detect(
        site: str = typer.Option(None, "--site", help="Only captures of this site."),
        limit: int = typer.Option(None, "--limit", min=1, help="At most this many captures."),
        force: bool = typer.Option(
            False, "--force", help="Also captures that already have findings."
        ),
        no_student: bool = typer.Option(
            False, "--no-student", help="Page detectors only, even when a student is promoted."
        ),
        fmt: OutputFormat = typer.Option(
            OutputFormat.table, "--format", "-f", help="Output format."
        ),
    ) -> None:
        """Run the deceptive-UI page detectors over stored captures.

        The promoted deceptive-ui text student joins in when there is one. Writes PageFinding
        records and annotated screenshots.
        """
        from snarewatch.cli.hooks import ConsoleHooks
        from snarewatch.pipeline.detect import run
        from snarewatch.pipeline.jobs import DetectJob

        job = DetectJob(site=site, limit=limit, force=force, student=not no_student)
        summary = run(settings(), job, ConsoleHooks())
        if fmt is OutputFormat.json:
            sys.stdout.write(json.dumps(summary, indent=2, default=str) + "\n")
            return
        for note in summary.pop("notes"):
            err_console.print(f"[yellow]note:[/yellow] {esc(note)}", highlight=False)
        print_rows(summary.pop("by_type"), fmt, title="Findings by type")
        console.print(esc(", ".join(f"{k}: {v}" for k, v in summary.items())))
