"""Report benchmark: how long the analyst views and `snarewatch report` take as the store grows.

Builds a store from the demo marketplace's ground truth (ads, labels, predictions equal to the
truth, shop elements and findings, as the report's tests do), then times a full read of each view
and the whole report. With --screenshot, renders the report in headless Chromium and saves a PNG
(the one in docs/img/report.png).

Usage: python benchmarks/report.py [--ads 1600 20000] [--screenshot docs/img/report.png]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests" / "unit" / "report"))

from _machine import machine_line, write_result  # noqa: E402
from report_store import build_demo_store  # noqa: E402

from snarewatch.report import build_report  # noqa: E402
from snarewatch.store import connect_readonly  # noqa: E402

VIEWS = ("wildlife_ads", "deceptive_elements", "sellers", "repost_clusters", "sites", "findings")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def time_views(db_path: Path) -> dict[str, dict[str, float]]:
    """Seconds to fetch every row of each view (best of 3), and its row count."""
    out = {}
    with connect_readonly(db_path) as conn:
        for view in VIEWS:
            best = float("inf")
            rows = 0
            for _ in range(3):
                t = time.perf_counter()
                rows = len(conn.execute(f"SELECT * FROM {view}").fetchall())
                best = min(best, time.perf_counter() - t)
            out[view] = {"rows": rows, "seconds": round(best, 4)}
    return out


def screenshot(html: Path, png: Path, height: int) -> None:
    """Render the report in headless Chromium and save the top `height` pixels."""
    from playwright.sync_api import sync_playwright

    png.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": height})
        page.goto(html.as_uri())
        page.screenshot(path=str(png))
        browser.close()


def main() -> None:
    """Build stores of each size, time views and the report, print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ads", type=int, nargs="+", default=[1600, 20000])
    parser.add_argument("--screenshot", type=Path, help="save a PNG of the first size's report")
    parser.add_argument("--height", type=int, default=2200, help="screenshot height in pixels")
    args = parser.parse_args()
    print(machine_line())
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.ads:
            data_dir = Path(tmp) / f"n{n}"
            t = time.perf_counter()
            store = build_demo_store(data_dir, n_ads=n)
            build_s = time.perf_counter() - t
            views = time_views(store.db_path)
            t = time.perf_counter()
            result = build_report(store.db_path, data_dir / "report.html",
                                  budget_curve=store.budget_curve)
            report_s = time.perf_counter() - t
            row = {"ads": n, "build_store_s": round(build_s, 2), "report_s": round(report_s, 2),
                   "report_kib": round(result.bytes / 1024), "views": views}
            results.append(row)
            print(f"{n:>7,} ads: store built in {build_s:.1f} s; report {report_s:.1f} s, "
                  f"{result.bytes / 1024:.0f} KiB")
            for view, v in views.items():
                print(f"          {view:<20} {v['rows']:>7,} rows  {v['seconds'] * 1000:7.1f} ms")
            if args.screenshot and n == args.ads[0]:
                screenshot(result.path, args.screenshot, args.height)
                print(f"          screenshot -> {args.screenshot}")
    path = write_result("report", {"results": results})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
