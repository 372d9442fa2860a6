"""Visible UI strings of real and demo shop pages, as the deceptive-UI audit reads them.

Renders each saved Zyte product page (../shared/data/product-pages, MIT) in Chromium with the
network cut off and scripts disabled, takes the crawler's element map, and keeps the texts the
audit hands to the text student (visible, 4-300 characters), one row per distinct text per page.
Pages are split by shop with the extraction benchmark's fixed hash: "dev" shops may feed the
default student's training list (after a hand check), "held-out" shops are never trained on.
The demo shop's clean pages (no deceptive element) are read from the running demo server.

Run: .venv/bin/python benchmarks/ui_strings.py [--data DIR]
Writes benchmarks/out/ui-strings-zyte.jsonl, ui-strings-demo.jsonl and zyte-elements.jsonl.gz.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import hashlib
import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _machine import OUT_DIR, SHARED_DATA, machine_line  # noqa: E402

_SECOND_LEVEL = {"co", "com", "net", "org", "ac", "gov"}


def site_of(url: str) -> str:
    """The shop a URL belongs to, without its country ("amazon" for amazon.co.uk)."""
    labels = (urlsplit(url).hostname or "").split(".")
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL:
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else labels[0]


def split_of(site: str) -> str:
    """"dev" or "held-out" by a hash of the shop (the same split as benchmarks/extraction.py)."""
    return "dev" if hashlib.sha256(site.encode()).digest()[0] % 2 == 0 else "held-out"


def page_strings(elements: list[dict[str, Any]]) -> list[str]:
    """Distinct texts the audit would give the student, in page order."""
    from classifiers.deceptive.elements import is_visible, text_of
    from classifiers.deceptive.page import MAX_TEXT, MIN_TEXT

    seen: dict[str, None] = {}
    for el in elements:
        text = text_of(el)
        if is_visible(el) and MIN_TEXT <= len(text) <= MAX_TEXT:
            seen.setdefault(text, None)
    return list(seen)


async def _render(pages: list[tuple[str, str | None, bytes | None]]) -> list[list[dict[str, Any]]]:
    """Element maps of (url, html or None to fetch url, unused) in one browser."""
    from playwright.async_api import async_playwright

    from crawler.capture import capture_elements
    from crawler.engine_browser import CHROMIUM_ARGS
    from snarewatch.config import Settings

    out: list[list[dict[str, Any]]] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(Settings().chromium_path),
                                           headless=True, args=CHROMIUM_ARGS)
        for url, html, _ in pages:
            ctx = await browser.new_context(java_script_enabled=html is None,
                                            viewport={"width": 1280, "height": 900})
            page = await ctx.new_page()
            if html is not None:
                # A saved page must not reach the network: every sub-resource is refused.
                await page.route("**/*", lambda route: route.abort())
                await page.set_content(html, wait_until="domcontentloaded", timeout=60_000)
            else:
                await page.goto(url, wait_until="load")
            out.append(await capture_elements(page))
            await ctx.close()
        await browser.close()
    return out


def zyte_rows(data: Path) -> list[dict[str, Any]]:
    """One row per distinct visible string of every Zyte page: page id, shop, split, text.

    The element maps themselves go to benchmarks/out/zyte-elements.jsonl.gz (one page a line) for
    the page-verdict benchmark."""
    folder = data / "product-pages"
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)
    pages = [(truth[i]["url"], (folder / "html" / f"{i}.html").read_bytes().decode(
        "utf-8", errors="replace"), None) for i in ids]
    maps = asyncio.run(_render(pages))
    rows = []
    with gzip.open(OUT_DIR / "zyte-elements.jsonl.gz", "wt", encoding="utf-8") as fh:
        for page_id, (url, _, _), elements in zip(ids, pages, maps, strict=True):
            site = site_of(url)
            fh.write(json.dumps({"page_id": page_id, "url": url, "site": site,
                                 "split": split_of(site), "elements": elements},
                                ensure_ascii=False) + "\n")
    for page_id, (url, _, _), elements in zip(ids, pages, maps, strict=True):
        site = site_of(url)
        for text in page_strings(elements):
            rows.append({"page_id": page_id, "url": url, "site": site, "split": split_of(site),
                         "text": text})
    return rows


def demo_rows() -> list[dict[str, Any]]:
    """Distinct visible strings of the demo shop's clean pages, with the planted look-alikes
    marked (`lookalike`: text identical in kind to a pattern, honest only by the page checks)."""
    from demo_site.server import serve_in_thread
    from demo_site.truth import ground_truth

    truth = ground_truth()
    clean = truth["clean_pages"]
    planted = {p["path"]: p["patterns"] for p in truth["pages"]}
    with serve_in_thread() as base:
        maps = asyncio.run(_render([(base + path, None, None) for path in clean]))
    rows = []
    for path, elements in zip(clean, maps, strict=True):
        lookalike_texts = [p["text"].lower() for p in planted.get(path, [])]
        for text in page_strings(elements):
            rows.append({"page_id": path, "url": path, "site": "demo", "split": "demo",
                         "lookalike": any(t in text.lower() for t in lookalike_texts),
                         "text": text})
    return rows


def main() -> None:
    """Extract both sets and write them as JSON lines."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--data", type=Path, default=SHARED_DATA, help="the shared data folder")
    args = ap.parse_args()
    print(machine_line())
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for name, rows in (("zyte", zyte_rows(args.data)), ("demo", demo_rows())):
        path = OUT_DIR / f"ui-strings-{name}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        by_split: dict[str, int] = {}
        for row in rows:
            by_split[row["split"]] = by_split.get(row["split"], 0) + 1
        print(f"{name}: {len(rows)} strings from {len({r['page_id'] for r in rows})} pages "
              f"{by_split} -> {path}")


if __name__ == "__main__":
    main()
