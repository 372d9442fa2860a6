"""Turn a fetched page and its extracted fields into store records (pure, no I/O)."""

from __future__ import annotations

import hashlib
from typing import Any

from crawler.extract import Extracted
from crawler.fetch import Fetched
from crawler.sites import PageKind
from snarewatch.schema import Ad, PageCapture, stable_id


def ad_id_for(site_name: str, canonical_url: str) -> str:
    """Ad ids are stable from site + canonical URL, so re-crawls replace rather than duplicate."""
    return stable_id("ad", site_name, canonical_url)


def capture_id_for(crawl_id: str, canonical_url: str) -> str:
    """One capture per (crawl, URL): a resumed crawl rewrites the same id."""
    return stable_id("capture", crawl_id, canonical_url)


def content_hash(fields: dict[str, Any]) -> str:
    """Hash of the ad's normalised content (title, description, price, currency, seller)."""
    parts = [str(fields.get(k) or "").strip().lower()
             for k in ("title", "description", "price", "currency", "seller")]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def capture_record(f: Fetched, *, crawl_id: str, site: str, canonical_url: str, kind: PageKind,
                   depth: int, title: str | None = None, html_sha: str | None = None,
                   shot_sha: str | None = None, outcome: str | None = None,
                   error: str | None = None) -> PageCapture:
    """The PageCapture of one fetch (failures included)."""
    return PageCapture(
        capture_id=capture_id_for(crawl_id, canonical_url), crawl_id=crawl_id, site=site,
        url=f.url, final_url=f.final_url, kind=kind, outcome=outcome or f.outcome,
        error=error if error is not None else f.error, status=f.status,
        engine="browser" if f.engine == "browser" else "http", depth=depth,
        elapsed_ms=round(f.elapsed_ms, 1), bytes=len(f.html or b""), title=title,
        html_sha256=html_sha, screenshot_sha256=shot_sha)


def ad_record(ex: Extracted, *, crawl_id: str, capture_id: str, site: str, url: str,
              canonical_url: str) -> Ad:
    """The Ad of an ad page; `field_sources` keeps where each field came from."""
    f = ex.fields
    sources = {k: v for k, v in ex.sources.items() if k in Ad.model_fields}
    return Ad(
        ad_id=ad_id_for(site, canonical_url), site=site, url=url, crawl_id=crawl_id,
        capture_id=capture_id, title=f.get("title", ""), description=f.get("description", ""),
        price=f.get("price"), currency=f.get("currency"), seller=f.get("seller"),
        seller_url=f.get("seller_url"), location=f.get("location"), posted_at=f.get("posted_at"),
        category=f.get("category"), language=f.get("language") or None,
        image_urls=list(f.get("image_urls") or []), field_sources=sources,
        content_hash=content_hash(f),
        extra={k: v for k, v in f.items() if k not in Ad.model_fields},
    )
