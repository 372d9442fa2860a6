"""`snarewatch crawl` and `snarewatch sites`: capture ads and pages into the store."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from snarewatch.cli._common import (
    OutputFormat,
    console,
    err_console,
    print_rows,
    settings,
)

if TYPE_CHECKING:
    from crawler.summary import CrawlSummary

CRAWL_EXAMPLES = """\
Examples:

  snarewatch crawl https://shop.example.org/item/42 --max-pages 1   # one page: its ad
  snarewatch crawl https://shop.example.org/ --max-pages 200         # any site: generic profile
  snarewatch crawl generic --start https://shop.example.org/search?q=ivory --max-pages 500
  snarewatch crawl demo --base-url http://127.0.0.1:8300            # the demo marketplace
  snarewatch crawl demo --base-url http://127.0.0.1:8300 --keywords crawler/keywords/cites.txt
  snarewatch crawl mysite --site tradepost-au                        # ./sites/mysite.toml
  snarewatch crawl mysite.toml --engine browser --screenshots        # your own profile file
  snarewatch crawl demo --resume 3f2a9c1b7e40 --max-pages 1000       # 1,000 pages in all

Ad pages are fetched before more listing pages. Records (page captures, ads, UI elements) are
loaded into the store when the crawl ends; query them with
`snarewatch sql "select title, price, repost_cluster from ads"`. A crawl that fetches no page
exits with status 1; one that loses some pages says `partial` and counts them.
"""

SITES_EXAMPLES = """\
Examples:

  snarewatch sites                       # bundled profiles and ./sites/*.toml
  snarewatch sites --format json
  snarewatch sites new tradepost         # writes sites/tradepost.toml to edit
  snarewatch sites new tradepost --base-url https://tradepost.example
"""


def _report(summary: CrawlSummary, target: str, fmt: OutputFormat, loaded: int | None,
            db_path: Path) -> None:
    """Print the summary, then what the user should know: losses, no ads, how to go on."""
    from crawler.outcome import failure_message, partial_message

    row = summary.as_dict()
    for key in ("errors_by_kind", "pages_by_kind"):
        row[key] = ", ".join(f"{k}={v}" for k, v in sorted(row[key].items())) or "none"
    if fmt is OutputFormat.json:
        print_rows([summary.as_dict()], fmt)
    else:
        print_rows([{"field": k, "value": v} for k, v in row.items()], fmt, title="crawl")
        if loaded is not None:
            console.print(f"loaded {loaded} rows into {db_path}")
    if summary.status == "failed":
        # Printed here rather than raised: a rich error line would wrap at the terminal width.
        err_console.print(f"[bold red]error:[/bold red] {failure_message(summary, target)}",
                          soft_wrap=True, highlight=False)
        raise typer.Exit(1)
    if summary.status == "partial":
        err_console.print(partial_message(summary), soft_wrap=True, highlight=False)
    if summary.note:
        err_console.print(f"note: {summary.note}", soft_wrap=True, highlight=False)
    if summary.queued_left:
        more = (f" --max-pages {max(2 * summary.fetched, summary.fetched + 100)}"
                if summary.stop_reason == "max_pages" else "")
        err_console.print(f"{summary.queued_left} URLs left ({summary.stop_reason}); continue "
                          f"with: snarewatch crawl {target} --resume {summary.crawl_id}{more}",
                          soft_wrap=True, highlight=False)


def register(app: typer.Typer) -> None:
    """Add the `crawl` and `sites` commands."""

    @app.command("crawl", epilog=CRAWL_EXAMPLES)
    def crawl(
        target: str = typer.Argument(..., help="A start URL, a profile name (see `snarewatch "
                                     "sites`) or a .toml profile file."),
        start: list[str] = typer.Option(None, "--start", "-s", help="Start from this URL "
                                        "instead of the profile's seeds (repeatable); "
                                        "`crawl generic --start URL` = `crawl URL`."),
        site: str = typer.Option(None, "--site", help="Name the site (default: the name its "
                                 "host already has, else the profile's, else the host)."),
        base_url: str = typer.Option(None, "--base-url", help="Base URL for profiles whose seeds "
                                     "use {base} (the demo site runs on a random port)."),
        keywords: Path = typer.Option(None, "--keywords", "-k", exists=True, dir_okay=False,
                                      help="File of search keywords, one a line ('#' comments)."),
        max_pages: int = typer.Option(None, "--max-pages", min=1, help="Stop after N pages in "
                                      "all (with --resume: including the earlier ones)."),
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
        from crawler.summary import CrawlProgress
        from snarewatch.cli.hooks import ConsoleHooks
        from snarewatch.pipeline.crawl import run
        from snarewatch.pipeline.jobs import CrawlJob

        s = settings()
        hooks = ConsoleHooks()
        job = CrawlJob(site=target, base_url=base_url,
                       keywords=read_keywords(keywords) if keywords else [],
                       max_pages=max_pages, screenshots=screenshots, engine=engine,
                       resume=resume, start=start or [], site_name=site, load=load)
        with hooks.progress("crawling") as advance:
            seen: dict[str, str] = {}

            def show(p: CrawlProgress) -> None:
                seen["crawl_id"] = p.crawl_id
                advance(completed=p.fetched, total=p.fetched + p.queued,
                        description=f"crawl {p.crawl_id}",
                        status=f"{p.pages_per_min:,.0f} pages/min · {p.ads} ads · "
                               f"{p.errors} errors · {p.queued} queued")

            try:
                done = run(s, job, hooks, on_progress=show)
            except KeyboardInterrupt:
                # Finished pages are already in the landing area; load them and say how to go on.
                if load:
                    hooks.load(s)
                if "crawl_id" in seen:
                    err_console.print(f"continue with: snarewatch crawl {target} "
                                      f"--resume {seen['crawl_id']}", soft_wrap=True)
                raise  # the CLI prints "interrupted" and exits with status 130
        _report(done.crawls[0], target, fmt, done.loaded, s.db_path)

    _register_sites(app)


def _register_sites(app: typer.Typer) -> None:
    group = typer.Typer(help="List site profiles and write new ones.",
                        invoke_without_command=True)

    @group.callback(epilog=SITES_EXAMPLES)
    def sites(ctx: typer.Context,
              fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f",
                                               help="Output format.")) -> None:
        """List the site profiles: bundled ones and ./sites/*.toml."""
        if ctx.invoked_subcommand is not None:
            return
        from crawler.sites import list_sites

        rows = [{"name": p.name, "render": p.render, "seeds": len(p.seeds),
                 "search_templates": len(p.search_templates),
                 "delay_s": p.rate.delay_s, "concurrency": p.rate.concurrency,
                 "file": p.source, "description": p.description} for p in list_sites()]
        print_rows(rows, fmt, title="site profiles")

    @group.command("new", epilog=SITES_EXAMPLES)
    def new(name: str = typer.Argument(..., help="Lower-case name, e.g. tradepost."),
            base_url: str = typer.Option("https://example.org", "--base-url",
                                         help="The site's address (its {base})."),
            folder: Path = typer.Option(Path("sites"), "--dir", help="Where to write it.")
            ) -> None:
        """Scaffold a site profile to edit (seeds, URL patterns, selectors, limits, rate)."""
        from crawler.sites.scaffold import scaffold

        path = scaffold(name, folder, base_url)
        target = name if folder == Path("sites") else str(path)  # ./sites is searched by name
        console.print(f"wrote {path}; edit it, then: snarewatch crawl {target} --max-pages 50",
                      soft_wrap=True)

    app.add_typer(group, name="sites")
