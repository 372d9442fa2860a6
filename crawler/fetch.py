"""What an engine returns for one URL, and how HTTP problems map to recorded outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

HTML_TYPES = ("text/html", "application/xhtml+xml")

# Outcomes that a later attempt may fix; the rest are final on the first try.
RETRYABLE = frozenset({"timeout", "network_error", "server_error", "rate_limited"})


@dataclass
class Fetched:
    """The result of fetching one URL with one engine. `outcome` is "ok" or a failure kind."""

    url: str
    engine: str
    outcome: str = "ok"
    error: str | None = None
    status: int | None = None
    final_url: str | None = None
    content_type: str | None = None
    html: bytes | None = None
    elapsed_ms: float = 0.0
    retry_after: float | None = None
    screenshot: bytes | None = None
    elements: list[dict[str, Any]] | None = None
    attempts: int = 1
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the page arrived as HTML with a 2xx status."""
        return self.outcome == "ok"


def outcome_for_status(status: int) -> str | None:
    """The failure kind of an HTTP status, or None for success."""
    if 200 <= status < 300:
        return None
    if status == 429:
        return "rate_limited"
    if status in (500, 502, 503, 504):
        return "server_error"
    if status in (401, 403, 451):
        return "blocked"
    if status in (404, 410):
        return "not_found"
    return "http_error"


def is_html(content_type: str | None, body_start: bytes = b"") -> bool:
    """True for HTML content types, or a missing type whose body looks like HTML."""
    if content_type:
        return content_type.split(";", 1)[0].strip().lower() in HTML_TYPES
    head = body_start[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))
