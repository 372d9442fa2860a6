"""Crawl throughput on the demo marketplace: snarewatch's engines against their peers.

Measures pages/min for (1) a full http crawl of the site, and, on the same sample of pages at the
same concurrency, (2) snarewatch's browser engine with and without full-page screenshots, a bare
Playwright loop doing the same page work (the ceiling) and Crawlee's PlaywrightCrawler (the peer).
The demo site runs in its own process so it does not share the crawler's interpreter.

    .venv/bin/python benchmarks/crawl.py [--pages 120] [--concurrency 4] [--n-ads 1600]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


def _serve(port_q: Any, seed: int, n_ads: int) -> None:
    from demo_site.server import make_server

    server = make_server("127.0.0.1", 0, seed, n_ads)
    port_q.put(server.server_address[1])
    server.serve_forever()


def _settings(tmp: Path) -> Any:
    os.environ["SNAREWATCH_CONFIG"] = str(tmp / "absent.toml")
    from snarewatch.config import Settings

    return Settings(data_dir=tmp / "data")


def run_snarewatch(urls: list[str], concurrency: int, screenshots: bool | None, engine: str,
                   target: str | None = None, base: str | None = None,
                   elements: bool = True) -> tuple[int, float]:
    """snarewatch's crawler: a fixed URL list (no link following), or a whole profile."""
    from crawler.run import run_crawl

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if target is None:
            seeds = ", ".join(json.dumps(u) for u in urls)
            profile = tmp / "bench.toml"
            profile.write_text(f'name = "bench"\nseeds = [{seeds}]\nrender = "{engine}"\n'
                               f"elements = {str(elements).lower()}\n"
                               f"[limits]\nmax_depth = 0\n[rate]\nconcurrency = {concurrency}\n")
            target = str(profile)
        start = time.perf_counter()
        summary = run_crawl(_settings(tmp), target, base_url=base, engine=engine,
                            screenshots=screenshots)
        seconds = time.perf_counter() - start
    return summary.fetched + sum(summary.errors_by_kind.values()), seconds


async def _bare(urls: list[str], concurrency: int, screenshots: bool) -> int:
    from playwright.async_api import async_playwright

    queue: asyncio.Queue[str] = asyncio.Queue()
    for u in urls:
        queue.put_nowait(u)
    done = 0
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = await browser.new_context(viewport={"width": 1280, "height": 800})

        async def worker() -> None:
            nonlocal done
            page = await context.new_page()
            while not queue.empty():
                url = queue.get_nowait()
                await page.goto(url, wait_until="load")
                await page.content()
                if screenshots:
                    await page.screenshot(full_page=True, type="png")
                done += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        await browser.close()
    return done


def run_bare(urls: list[str], concurrency: int, screenshots: bool) -> tuple[int, float]:
    """The ceiling: one browser, `concurrency` reused pages, goto + content (+ screenshot)."""
    start = time.perf_counter()
    n = asyncio.run(_bare(urls, concurrency, screenshots))
    return n, time.perf_counter() - start


async def _crawlee(urls: list[str], concurrency: int, screenshots: bool) -> int:
    from crawlee import ConcurrencySettings, Request
    from crawlee.crawlers import PlaywrightCrawler, PlaywrightCrawlingContext

    done = 0
    crawler = PlaywrightCrawler(
        browser_type="chromium", headless=True,
        browser_launch_options={"executable_path": CHROMIUM, "args": ARGS},
        concurrency_settings=ConcurrencySettings(min_concurrency=concurrency,
                                                 max_concurrency=concurrency,
                                                 desired_concurrency=concurrency),
        max_request_retries=0, configure_logging=False, fingerprint_generator=None,
    )

    @crawler.router.default_handler
    async def handle(context: PlaywrightCrawlingContext) -> None:
        nonlocal done
        await context.page.content()
        if screenshots:
            await context.page.screenshot(full_page=True, type="png")
        done += 1

    # Unique keys per run: Crawlee deduplicates requests it has seen in this process.
    tag = "shots" if screenshots else "plain"
    await crawler.run([Request.from_url(u, unique_key=f"{tag}:{u}") for u in urls])
    return done


def _crawlee_child(out: Any, urls: list[str], concurrency: int, screenshots: bool) -> None:
    with tempfile.TemporaryDirectory() as storage:
        os.environ["CRAWLEE_STORAGE_DIR"] = storage
        import crawlee.crawlers  # noqa: F401  (imported before the clock starts, like ours)

        start = time.perf_counter()
        n = asyncio.run(_crawlee(urls, concurrency, screenshots))
        out.put((n, time.perf_counter() - start))


def run_crawlee(urls: list[str], concurrency: int, screenshots: bool) -> tuple[int, float]:
    """The peer: Crawlee for Python's PlaywrightCrawler with the same page work.

    Each run gets its own process: Crawlee keeps global state bound to its first event loop.
    """
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    proc = ctx.Process(target=_crawlee_child, args=(out, urls, concurrency, screenshots))
    proc.start()
    n, seconds = out.get(timeout=1800)
    proc.join(timeout=60)
    return n, seconds


def main() -> None:
    """Run every measurement, print pages/min with the machine, write benchmarks/out/crawl.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=120, help="Pages in the browser sample.")
    parser.add_argument("--concurrency", type=int, default=4, help="Browser pages in parallel.")
    parser.add_argument("--n-ads", type=int, default=1600, help="Size of the demo site.")
    args = parser.parse_args()
    # The load average matters on shared machines: other work steals the browser's CPU time.
    machine = {"processor": platform.processor() or platform.machine(), "cpus": os.cpu_count(),
               "python": platform.python_version(),
               "load_avg_1m_at_start": round(os.getloadavg()[0], 1)}
    ctx = mp.get_context("spawn")
    port_q = ctx.Queue()
    server = ctx.Process(target=_serve, args=(port_q, 7, args.n_ads), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{port_q.get(timeout=60)}"
    results: dict[str, Any] = {"machine": machine, "n_ads": args.n_ads, "pages": args.pages,
                               "concurrency": args.concurrency, "runs": {}}
    try:
        from demo_site.truth import ground_truth

        ads = ground_truth(7, args.n_ads)["ads"]
        urls = [base + a["url"] for a in ads[: args.pages]]

        def record(name: str, n: int, seconds: float) -> None:
            rate = n * 60 / seconds
            results["runs"][name] = {"pages": n, "seconds": round(seconds, 2),
                                     "pages_per_min": round(rate)}
            print(f"{name:<34} {n:>5} pages {seconds:>7.1f} s {rate:>8,.0f} pages/min", flush=True)

        print(f"machine: {machine}")
        record("snarewatch http (whole site)",
               *run_snarewatch([], 8, False, "http", target="demo", base=base))
        for shots in (True, False):
            label = "+screenshots" if shots else "only"
            record(f"bare playwright loop, browser {label}",
                   *run_bare(urls, args.concurrency, shots))
            record(f"snarewatch browser {label}",
                   *run_snarewatch(urls, args.concurrency, shots, "browser"))
            record(f"snarewatch browser {label}, no element map",
                   *run_snarewatch(urls, args.concurrency, shots, "browser", elements=False))
            record(f"crawlee PlaywrightCrawler {label}",
                   *run_crawlee(urls, args.concurrency, shots))
        runs = results["runs"]
        for label in ("+screenshots", "only"):
            ours = runs[f"snarewatch browser {label}"]["pages_per_min"]
            bare = runs[f"bare playwright loop, browser {label}"]["pages_per_min"]
            peer = runs[f"crawlee PlaywrightCrawler {label}"]["pages_per_min"]
            results[f"ratio_vs_bare {label}"] = round(ours / bare, 2) if bare else None
            results[f"ratio_vs_crawlee {label}"] = round(ours / peer, 2) if peer else None
            print(f"browser {label}: {results[f'ratio_vs_bare {label}']}x the bare loop, "
                  f"{results[f'ratio_vs_crawlee {label}']}x Crawlee")
    finally:
        server.terminate()
        server.join(timeout=10)
    out = Path(__file__).resolve().parent / "out" / "crawl.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1), "utf-8")


if __name__ == "__main__":
    main()
