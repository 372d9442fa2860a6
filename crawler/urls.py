"""URL canonicalisation, scheme checks and trap-resistant URL patterns."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from w3lib.url import canonicalize_url, url_query_cleaner

# Query parameters that never change content but multiply URLs (session ids, trackers).
SESSION_PARAMS = (
    "sid", "sessionid", "session_id", "jsessionid", "phpsessid", "aspsessionid", "sessid",
    "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "gclid", "fbclid",
    "ref", "ref_", "_ga",
)
_SEMICOLON_SESSION = re.compile(r";(jsessionid|sid|phpsessid)=[^/?#]*", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
ALLOWED_SCHEMES = ("http", "https")


def is_crawlable(url: str) -> bool:
    """True for absolute http(s) URLs: no javascript:, mailto:, data:, file: or ftp:."""
    parts = urlsplit(url)
    return parts.scheme.lower() in ALLOWED_SCHEMES and bool(parts.netloc)


def canonical(url: str) -> str:
    """The canonical form used for identity and dedup: sorted query, no fragment or session ids."""
    url = _SEMICOLON_SESSION.sub("", url.strip())
    url = url_query_cleaner(url, SESSION_PARAMS, remove=True, unique=True, keep_fragments=False)
    return canonicalize_url(url, keep_fragments=False)


def absolutize(base: str, href: str) -> str | None:
    """Resolve a link against its page; None for non-http(s) or empty links."""
    href = (href or "").strip()
    if not href or href.startswith("#"):
        return None
    url = urljoin(base, href)
    return url if is_crawlable(url) else None


def host(url: str) -> str:
    """The lower-case host:port of a URL (the unit of politeness)."""
    return urlsplit(url).netloc.lower()


def origin(url: str) -> str:
    """scheme://host:port of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def url_pattern(url: str) -> str:
    """A shape shared by URLs that differ only in numbers and query values.

    `/cal/2026/11?day=3` and `/cal/2031/4?day=9` share `/cal/N/N?day=`, so a cap per pattern
    stops endless calendars and pagination loops without knowing the site.
    """
    parts = urlsplit(url)
    path = _DIGITS.sub("N", parts.path)
    keys = sorted({kv.split("=", 1)[0] for kv in parts.query.split("&") if kv})
    return f"{parts.netloc}{path}?{'&'.join(keys)}" if keys else f"{parts.netloc}{path}"
