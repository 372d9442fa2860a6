"""`snarewatch crawl` and `snarewatch sites`: capture ads and pages into the store."""

from __future__ import annotations

from pathlib import Path

import typer

from snarewatch.cli._common import (
    OutputFormat,
    console,
    err_console,
    print_rows,
    progress,
    settings,
)

CRAWL_EXAMPLES = """\
Examples:

  snarewatch crawl demo --base-url http://127.0.0.1:8000            # the demo marketplace
  snarewatch crawl demo --base-url http://127.0.0.1:8000 --keywords crawler/keywords/cites.txt
  snarewatch crawl https://shop.example.org/ --max-pages 200         # any site: generic profile
  snarewatch crawl mysite.toml --engine browser --screenshots        # your own profile
  snarewatch crawl demo --resume 3f2a9c1b7e40                        # continue after Ctrl-C

Records (page captures, ads, UI elements) are loaded into the store when the crawl ends; query
them with `snarewatch sql "select title, price, repost_cluster from ads"`.
"""

SITES_EXAMPLES = """\
Examples:

  snarewatch sites
  snarewatch sites --format json
"""


def register(app: typer.Typer) -> None:
    """Add the `crawl` and `sites` commands."""

    @app.command("crawl", epilog=CRAWL_EXAMPLES)
    def crawl(
        target: str = typer.Argument(..., help="A profile name (see `snarewatch sites`), a .toml "
                                     "profile file, or a start URL (generic profile)."),
        base_url: str = typer.Option(None, "--base-url", help="Base URL for profiles whose seeds "
                                     "use {base} (the demo site runs on a random port)."),
        keywords: Path = typer.Option(None, "--keywords", "-k", exists=True, dir_okay=False,
                                      help="File of search keywords, one a line ('#' comments)."),
        max_pages: int = typer.Option(None, "--max-pages", min=1, help="Stop after N pages."),
        screenshots: bool = typer.Option(None, "--screenshots/--no-screenshots",
                                         help="Full-page PNGs (default: on with --engine "
                                              "browser)."),
        engine: str = typer.Option(None, "--engine", "-e", help="auto | browser | http "
                                   "(default: the profile's render setting)."),
        resume: str = typer.Option(None, "--resume", help="Continue the crawl with this id."),
        fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f",
                                         help="Summary format."),
        load: bool = typer.Option(True, "--load/--no-load", help="Load records into the store."),
    ) -> None:
        """Crawl a marketplace or shop: fetch pages, extract ads, capture UI elements.

        Polite by default: robots.txt, per-host delay and concurrency, Retry-After, backoff,
        an honest User-Agent. Ctrl-C stops cleanly; `--resume ID` continues.
        """
        from crawler.keywords import read_keywords
        from crawler.run import CrawlProgress, run_crawl
        from snarewatch.store import load_pending

        s = settings()
        words = read_keywords(keywords) if keywords else None
        with progress() as bar:
            task = bar.add_task("crawling", total=None, status="")

            seen: dict[str, str] = {}

            def show(p: CrawlProgress) -> None:
                seen["crawl_id"] = p.crawl_id
                bar.update(task, completed=p.fetched, total=p.fetched + p.queued,
                           description=f"crawl {p.crawl_id}",
                           status=f"{p.pages_per_min:,.0f} pages/min · {p.ads} ads · "
                                  f"{p.errors} errors · {p.queued} queued")

            try:
                summary = run_crawl(s, target, base_url=base_url, keywords=words,
                                    max_pages=max_pages, screenshots=screenshots, engine=engine,
                                    resume=resume, on_progress=show)
            except KeyboardInterrupt:
                # Finished pages are already in the landing area; load them and say how to go on.
                if load:
                    load_pending(s.db_path, s.landing_dir)
                if "crawl_id" in seen:
                    err_console.print(f"continue with: snarewatch crawl {target} "
                                      f"--resume {seen['crawl_id']}", soft_wrap=True)
                raise  # the CLI prints "interrupted" and exits with status 130
        loaded = load_pending(s.db_path, s.landing_dir) if load else None
        row = summary.as_dict()
        row["errors_by_kind"] = ", ".join(f"{k}={v}" for k, v in
                                          sorted(summary.errors_by_kind.items())) or "none"
        if fmt is OutputFormat.json:
            print_rows([summary.as_dict()], fmt)
        else:
            print_rows([{"field": k, "value": v} for k, v in row.items()], fmt, title="crawl")
        if loaded is not None and fmt is not OutputFormat.json:
            console.print(f"loaded {loaded.rows} rows into {s.db_path}")
        if summary.queued_left:
            reason = summary.stop_reason or "stopped"
            err_console.print(f"{summary.queued_left} URLs left ({reason}); continue with: "
                              f"snarewatch crawl {target} --resume {summary.crawl_id}",
                              soft_wrap=True)

    @app.command("sites", epilog=SITES_EXAMPLES)
    def sites(
        fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f",
                                         help="Output format."),
    ) -> None:
        """List the bundled site profiles (name, render mode, seeds, description)."""
        from crawler.sites import list_sites

        rows = [{"name": p.name, "render": p.render, "seeds": len(p.seeds),
                 "search_templates": len(p.search_templates),
                 "delay_s": p.rate.delay_s, "concurrency": p.rate.concurrency,
                 "description": p.description} for p in list_sites()]
        print_rows(rows, fmt, title="site profiles")
