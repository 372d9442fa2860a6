"""`snarewatch demo-site` and `snarewatch demo`: the local marketplace and the whole loop on it."""

from __future__ import annotations

import typer

from snarewatch.cli._common import console, settings

DEMO_EPILOG = """\
What it does, with the embedded defaults and nothing from the internet:

  1. starts the demo marketplace on 127.0.0.1 (1,600 ads, a shop with
     deceptive patterns)
  2. crawls it (httpx for ads; Chromium with screenshots and element maps
     for shop pages)
  3. samples a diverse subset and labels it with the embedded LLM
     (Qwen2.5-Coder-1.5B); for wildlife, 40 ads with known labels stand
     in for a researcher's hand-labelled seed set and set when the LLM
     abstains (unsure answers go to review, not into training)
  4. trains a small student per task and classifies every crawled item;
     the LLM re-checks each wildlife flag
  5. checks the 40 least sure wildlife findings as a researcher would
     (`labels export --flags`, labels from the ground truth) and trains
     again on what that review said
  6. loads everything into data/snarewatch.duckdb and scores the flags
     against the site's ground truth, before and after the review

Then query it:  snarewatch sql "select * from findings limit 20"
"""


def register(app: typer.Typer) -> None:
    """Add `demo-site` and `demo`."""

    @app.command("demo-site")
    def demo_site(
        port: int = typer.Option(8300, "--port", "-p", help="Port on 127.0.0.1 (0 = any free port)."),
        host: str = typer.Option("127.0.0.1", "--host", help="Interface to bind."),
        seed: int = typer.Option(7, "--seed", help="Same seed, same site."),
        n_ads: int = typer.Option(1600, "--ads", help="Number of ads."),
        truth: str = typer.Option(None, "--truth", help="Also write the ground truth JSON to this file."),
    ) -> None:
        """Serve the demo marketplace (ads, sellers, search, a shop with planted deceptive patterns)."""
        from pathlib import Path

        from demo_site.server import serve_forever

        if truth:
            from demo_site.truth import write_ground_truth

            write_ground_truth(Path(truth), seed=seed, n_ads=n_ads)
            console.print(f"ground truth written to {truth}")
        serve_forever(
            host, port, seed, n_ads,
            on_ready=lambda url: console.print(f"demo marketplace on {url}  (Ctrl-C to stop)"),
        )

    @app.command("demo", epilog=DEMO_EPILOG)
    def demo(
        budget: int = typer.Option(240, "--budget", help="LLM labels per task (the labelling budget)."),
        backend: str = typer.Option(None, "--backend", help="LLM backend (default: settings.llm_backend)."),
        max_pages: int = typer.Option(None, "--max-pages", help="Stop the ad crawl after this many pages."),
        seed: int = typer.Option(0, "--seed", help="Sampling and training seed."),
        review: int = typer.Option(40, "--review", min=0,
                                   help="Least sure findings checked as a person would (from "
                                        "the site's ground truth) before training again; 0: none."),
    ) -> None:
        """Run the whole pipeline end to end on the local demo marketplace and print a summary."""
        from snarewatch.cli.hooks import ConsoleHooks
        from snarewatch.pipeline.demo import run
        from snarewatch.pipeline.jobs import DemoJob

        job = DemoJob(budget=budget, backend=backend, max_pages=max_pages, seed=seed,
                      review=review)
        run(settings(), job, ConsoleHooks())
