"""Re-make the extension screenshots in docs/img from the demo site, in headless Chromium.

    .venv/bin/python scripts/screenshot_extension.py                  # trains its own students
    .venv/bin/python scripts/screenshot_extension.py --data-dir data  # `snarewatch demo` students

Starts the demo marketplace, `snarewatch serve` and Chromium with the unpacked extension (the
e2e harness in tests/e2e), then saves:

- extension-flags.png: the weighted-blanket shop page (six planted patterns) with its flags and
  the tooltip of one;
- extension-wildlife.png: a listing of the Traditional Medicine category with its marked ads;
- extension-popup.png: the toolbar popup of the shop page, with feedback buttons.

Without --data-dir it trains tfidf students like the e2e tests do, but on a split that leaves the
pictured pages out, so the pictures show predictions on pages the students never saw.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "tests" / "e2e"))

from demo_training import TEST_DECEPTIVE_PAGES, TRAIN_SHOP_PAGES  # noqa: E402
from harness import build_extension, launch, run_server, train_store, wait_scanned  # noqa: E402

SHOP_PAGE = "/shop/weighted-blanket"
LISTING = "/c/traditional-medicine"
VIEWPORT = {"width": 1280, "height": 900}


def _shot_shop(page, site: str, out: Path) -> None:
    page.goto(site + SHOP_PAGE)
    wait_scanned(page)
    # The newsletter modal covers the page: decline it the way a shopper would (its decline
    # button is one of the flags), then let the extension rescan the changed page.
    decline = page.locator("#nl-modal .nl-decline")
    if decline.is_visible():
        decline.click()
    page.wait_for_timeout(1500)
    page.hover("#demand-note")
    page.wait_for_timeout(300)
    page.screenshot(path=str(out / "extension-flags.png"))


def _shot_listing(page, site: str, out: Path) -> None:
    page.goto(site + LISTING)
    wait_scanned(page)
    page.evaluate("() => document.querySelector('.results, main').scrollIntoView()")
    page.wait_for_timeout(300)
    page.screenshot(path=str(out / "extension-wildlife.png"))


def _shot_popup(browser, site: str, out: Path) -> None:
    page = browser.context.new_page()
    page.goto(site + SHOP_PAGE)
    wait_scanned(page)
    tab_id, _ = browser.tab_state(page.url)
    popup = browser.context.new_page()
    popup.set_viewport_size({"width": 420, "height": 560})
    popup.goto(f"chrome-extension://{browser.extension_id}/popup.html?tab={tab_id}")
    popup.wait_for_selector("li.flag")
    popup.screenshot(path=str(out / "extension-popup.png"), full_page=True)
    popup.close()
    page.close()


def main(argv: list[str] | None = None) -> None:
    """Parse options, bring up site, server and browser, and write the screenshots."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "img", help="output folder")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="a data dir with promoted students (default: train fresh ones)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    args.out.mkdir(parents=True, exist_ok=True)

    from demo_site.server import serve_in_thread

    with tempfile.TemporaryDirectory(prefix="sw-shots-") as tmp, serve_in_thread() as site:
        work = Path(tmp)
        data_dir = args.data_dir
        if data_dir is None:
            data_dir = work / "data"
            # The e2e split, with the pictured shop page swapped for the tests' deceptive pages.
            shop_pages = tuple(p for p in TRAIN_SHOP_PAGES if p != SHOP_PAGE) + TEST_DECEPTIVE_PAGES
            print("training tfidf students on the demo site (pictured pages held out)...")
            train_store(data_dir, site, shop_pages=shop_pages)
        with run_server(data_dir.resolve()) as server:
            ext = build_extension(work / "dist")
            with launch(work / "profile", ext) as browser:
                browser.configure(server.url, server.token)
                page = browser.context.new_page()
                page.set_viewport_size(VIEWPORT)
                _shot_shop(page, site, args.out)
                _shot_listing(page, site, args.out)
                page.close()
                _shot_popup(browser, site, args.out)
    for name in ("extension-flags.png", "extension-wildlife.png", "extension-popup.png"):
        print(f"wrote {args.out / name}")


if __name__ == "__main__":
    main()
