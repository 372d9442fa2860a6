"""How a crawl ended, in words: its status, why it stopped, and what to do when it found nothing.

Pure functions of a `CrawlSummary`, shared by the crawl loop (which stores them) and the CLI
(which prints them).
"""

from __future__ import annotations

from crawler.summary import CrawlSummary

# Outcomes that are refusals by policy, not failures: robots.txt said no, or the link was a
# file rather than a page.
REFUSED = frozenset({"robots", "not_html"})
# Why a crawl stopped, most telling first when several apply.
STOP_REASONS = ("interrupted", "all_failed", "max_seconds", "max_pages", "max_depth",
                "traps_capped", "frontier_empty")

_NEXT_STEP = {
    "network_error": "check that the host is up and reachable from here and the URL is right",
    "timeout": "check that the host answers; raise limits.timeout_s in a profile if it is slow",
    "server_error": "the server is failing: try again later",
    "rate_limited": "the server asked us to slow down: try again later, or lower rate.concurrency",
    "blocked": "the server refuses our requests (401/403): the site does not allow this crawl",
    "not_found": "check the start URL",
    "redirect_loop": "check the start URL (it redirects in a loop)",
    "too_large": "raise limits.max_bytes in a profile if the pages are really that big",
    "robots": "robots.txt disallows these pages for our User-Agent; respect it",
    "not_html": "the start URL is not an HTML page",
    "http_error": "check the start URL",
    "crawler_error": "a bug on our side: please report it with the log",
}


def failed_count(errors_by_kind: dict[str, int]) -> int:
    """URLs that failed (refusals by robots.txt or content type excluded)."""
    return sum(n for kind, n in errors_by_kind.items() if kind not in REFUSED)


def crawl_status(s: CrawlSummary, interrupted: bool) -> str:
    """interrupted | failed (no page fetched, some tried) | partial (some failed) | done."""
    if interrupted:
        return "interrupted"
    tried = sum(s.errors_by_kind.values())
    if s.fetched == 0 and tried:
        return "failed"
    return "partial" if s.failed else "done"


def stop_reason(s: CrawlSummary, interrupted: bool, limit: str | None) -> str:
    """Why the crawl stopped: a limit it hit, else what cut the frontier, else it ran dry."""
    if interrupted:
        return "interrupted"
    if s.fetched == 0 and sum(s.errors_by_kind.values()):
        return "all_failed"
    if limit:
        return limit
    if s.depth_capped:
        return "max_depth"
    if s.capped:
        return "traps_capped"
    return "frontier_empty"


def no_ads_note(s: CrawlSummary, generic: bool) -> str | None:
    """Why a crawl that fetched pages found no ad, with the next step; None if it found ads."""
    if s.fetched == 0 or s.pages_by_kind.get("ad", 0) or s.ads or s.status == "failed":
        return None
    listings = s.pages_by_kind.get("listing", 0)
    fix = ("no page had product markup, a price of its own or a buy/contact button" if generic
           else "check the profile's ad patterns and selectors")
    if listings == s.fetched:
        more = "raise --max-pages" if s.stop_reason == "max_pages" else "add seeds closer to ads"
        return (f"{s.fetched} pages fetched, all listing/search pages; no page looked like an ad: "
                f"{more} or {'check the start URL' if generic else fix}")
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(s.pages_by_kind.items()))
    return f"{s.fetched} pages fetched ({kinds}); no page looked like an ad: {fix}"


def failure_message(s: CrawlSummary, target: str) -> str:
    """One line for a crawl that fetched nothing: what failed, an example, the next step."""
    kinds = ", ".join(f"{k}={n}" for k, n in sorted(s.errors_by_kind.items(),
                                                     key=lambda kv: -kv[1]))
    tried = sum(s.errors_by_kind.values())
    main = max(s.errors_by_kind.items(), key=lambda kv: kv[1])[0] if s.errors_by_kind else ""
    example = f" (first: {s.first_error})" if s.first_error else ""
    step = _NEXT_STEP.get(main, "check the start URL")
    return (f"crawl {s.crawl_id} of {target} fetched no page: all {tried} failed ({kinds})"
            f"{example}; {step}")


def partial_message(s: CrawlSummary) -> str:
    """One line for a crawl that lost some pages."""
    tried = s.fetched + sum(s.errors_by_kind.values())
    kinds = ", ".join(f"{k}={n}" for k, n in sorted(s.errors_by_kind.items())
                      if k not in REFUSED)
    return (f"partial: {s.failed} of {tried} pages failed ({kinds}); see them with: "
            f"snarewatch sql \"select url, outcome, error from page_captures where crawl_id = "
            f"'{s.crawl_id}' and outcome <> 'ok'\"")
