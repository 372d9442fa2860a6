"""Visit one URL several times in Chromium for the deceptive-UI audit.

A timer, a stock count or a buyer notification shows itself false only over time: we capture the
element map on first load, again after `wait_s`, and after a reload, plus one screenshot. When the
page has an add-to-cart link or button we follow it to the cart and checkout and capture those too
(drip pricing and sneaked items appear only there).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Sequence
from typing import Any

from crawler.capture import capture_elements
from crawler.engine_browser import CHROMIUM_ARGS
from snarewatch.aio import run_sync
from snarewatch.config import Settings
from snarewatch.errors import FetchError
from snarewatch.schema import PageSnapshot, PageVisits

log = logging.getLogger(__name__)

VIEWPORT = (1280, 800)
MAX_HEIGHT = 3000  # taller pages are audited (and drawn) down to this depth only
SETTLE_MS = 350  # lets deferred scripts fill timers and toasts before the first capture
NAV_TIMEOUT_MS = 15_000

ADD_TO_CART_TEXT = re.compile(r"\b(?:add to (?:cart|basket|bag)|buy now)\b", re.I)
ADD_TO_CART_HREF = re.compile(
    r"(?:cart|basket|bag)[^#]*[?&/](?:add|item|product)|add[-_]?to[-_]?cart", re.I
)
CHECKOUT_TEXT = re.compile(r"\b(?:checkout|check out|proceed to (?:checkout|payment))\b", re.I)

# The colour behind each control: its own background, else the nearest ancestor's. The element
# map gives an element's own background only, and contrast needs what the eye sees.
_BACKGROUNDS_JS = r"""
(selectors) => selectors.map((s) => {
  let el = null;
  try { el = document.querySelector(s); } catch (e) { return null; }
  for (let cur = el; cur; cur = cur.parentElement) {
    const bg = getComputedStyle(cur).backgroundColor;
    if (bg && bg !== 'transparent' && !/^rgba\(.*,\s*0\)$/.test(bg)) return bg;
  }
  return null;
})
"""


async def _snapshot(page: Any, label: str, t0: float | None) -> tuple[PageSnapshot, float]:
    at = time.monotonic()
    # The page's own clock: a timer that restarts per load counts from navigation start.
    age = float(await page.evaluate("performance.now()")) / 1000.0
    elements = await capture_elements(page)
    controls = [
        e
        for e in elements
        if e.get("selector")
        and (e.get("tag") in {"a", "button", "input"} or e.get("role") in {"button", "link"})
    ]
    if controls:
        backgrounds = await page.evaluate(_BACKGROUNDS_JS, [e["selector"] for e in controls])
        for el, bg in zip(controls, backgrounds, strict=True):
            if bg:
                el["effective_background"] = bg
    start = at if t0 is None else t0
    snap = PageSnapshot(
        label=label,
        url=page.url,
        at_s=round(at - start, 3),
        page_age_s=round(age, 3),
        elements=elements,
    )
    return snap, start


async def _goto(page: Any, url: str) -> None:
    response = await page.goto(url, wait_until="load", timeout=NAV_TIMEOUT_MS)
    if response is not None and response.status >= 400:
        raise FetchError(f"{url}: HTTP {response.status}")
    await page.wait_for_timeout(SETTLE_MS)


async def _follow(page: Any, href_rx: re.Pattern[str] | None, text_rx: re.Pattern[str]) -> bool:
    """Go where a matching link points (a GET), else click a matching button; True if we moved."""
    links = await page.eval_on_selector_all(
        "a[href]", "els => els.map(a => [a.href, (a.innerText || '').trim()])"
    )
    for href, text in links:
        if (href_rx is not None and href_rx.search(href)) or text_rx.search(text):
            await _goto(page, href)
            return True
    buttons = await page.query_selector_all("button, input[type=submit]")
    for button in buttons:
        label = (await button.inner_text()) or (await button.get_attribute("value")) or ""
        if text_rx.search(label):
            # A script click ignores overlays (a newsletter modal) that would block a real click.
            async with page.expect_navigation(wait_until="load", timeout=NAV_TIMEOUT_MS):
                await button.evaluate("b => b.click()")
            await page.wait_for_timeout(SETTLE_MS)
            return True
    return False


async def _checkout(page: Any, snapshots: list[PageSnapshot], t0: float) -> None:
    if not await _follow(page, ADD_TO_CART_HREF, ADD_TO_CART_TEXT):
        return
    snapshots.append((await _snapshot(page, "cart", t0))[0])
    if await _follow(page, re.compile(r"checkout", re.I), CHECKOUT_TEXT):
        snapshots.append((await _snapshot(page, "checkout", t0))[0])


async def visit_page(
    browser_or_context: Any,
    url: str,
    *,
    wait_s: float = 2.0,
    reload: bool = True,
    follow_checkout: bool = True,
    screenshot: bool = True,
    viewport: tuple[int, int] = VIEWPORT,
    reloads: int = 2,
) -> PageVisits:
    """Element maps of `url` on first load, after `wait_s`, after `reloads` reloads (snapshots
    "reload", "reload2", ...) and of its cart and checkout, with a screenshot of the first load.

    Two reloads by default: a made-up count drawn from a few values repeats by chance on one
    reload far more often than on two. Raises FetchError if the page cannot load."""
    own_context = hasattr(browser_or_context, "new_context")
    context = (
        await browser_or_context.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        if own_context
        else browser_or_context
    )
    page = await context.new_page()
    started = time.monotonic()
    errors: list[str] = []
    snapshots: list[PageSnapshot] = []
    png: bytes | None = None
    try:
        try:
            await _goto(page, url)
        except Exception as exc:  # Playwright raises its own types; all mean "could not load"
            raise FetchError(f"cannot load {url}: {exc}") from exc
        # One tall viewport instead of a full-page shot: fixed banners then sit where the element
        # map says they are, so boxes drawn on the screenshot line up.
        height = await page.evaluate("document.documentElement.scrollHeight")
        size = (viewport[0], int(min(max(height, viewport[1]), MAX_HEIGHT)))
        await page.set_viewport_size({"width": size[0], "height": size[1]})
        first, t0 = await _snapshot(page, "first", None)
        snapshots.append(first)
        final_url, title = page.url, await page.title()
        if screenshot:
            png = await page.screenshot(type="png")
        if wait_s > 0:
            await page.wait_for_timeout(int(wait_s * 1000))
            snapshots.append((await _snapshot(page, "later", t0))[0])
        for n in range(1, max(1, reloads) + 1 if reload else 1):
            label = "reload" if n == 1 else f"reload{n}"
            try:
                await page.reload(wait_until="load", timeout=NAV_TIMEOUT_MS)
                await page.wait_for_timeout(SETTLE_MS)
                snapshots.append((await _snapshot(page, label, t0))[0])
            except Exception as exc:  # noqa: BLE001 - a failed reload leaves the other visits usable
                errors.append(f"{label}: {exc}")
                break
        if follow_checkout:
            try:
                await _checkout(page, snapshots, t0)
            except Exception as exc:  # noqa: BLE001 - the cart is optional evidence
                errors.append(f"checkout: {exc}")
    finally:
        await page.close()
        if own_context:
            await context.close()
    return PageVisits(
        url=url,
        final_url=final_url,
        title=title,
        snapshots=snapshots,
        screenshot_png=png,
        viewport=size,
        errors=errors,
        elapsed_s=round(time.monotonic() - started, 3),
    )


async def _visit_many(
    settings: Settings, urls: Sequence[str], concurrency: int, kwargs: dict[str, Any]
) -> list[PageVisits | FetchError]:
    from playwright.async_api import async_playwright

    out: list[PageVisits | FetchError | None] = [None] * len(urls)
    gate = asyncio.Semaphore(max(1, concurrency))
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=str(settings.chromium_path), headless=True, args=CHROMIUM_ARGS
        )

        async def one(i: int, url: str) -> None:
            async with gate:
                # A fresh context per URL: no cookie or storage from one audit leaks into the next.
                context = await browser.new_context(
                    user_agent=settings.user_agent,
                    viewport={"width": VIEWPORT[0], "height": VIEWPORT[1]},
                )
                try:
                    out[i] = await visit_page(context, url, **kwargs)
                except FetchError as exc:
                    out[i] = exc
                finally:
                    await context.close()

        try:
            await asyncio.gather(*(one(i, u) for i, u in enumerate(urls)))
        finally:
            await browser.close()
    return [
        r if r is not None else FetchError(f"{u}: not visited")
        for r, u in zip(out, urls, strict=True)
    ]


def visit_urls(
    settings: Settings, urls: Sequence[str], *, concurrency: int = 1, **kwargs: Any
) -> list[PageVisits | FetchError]:
    """Visit several URLs with one headless Chromium, `concurrency` pages at a time; failures are
    returned in place (FetchError), in the order of `urls`."""
    return run_sync(_visit_many(settings, list(urls), concurrency, kwargs))


def audit_visit(settings: Settings, url: str, **kwargs: Any) -> PageVisits:
    """Start Chromium, visit one URL (options as for `visit_page`) and return its PageVisits."""
    result = visit_urls(settings, [url], **kwargs)[0]
    if isinstance(result, FetchError):
        raise result
    return result
