"""Typed reads of what is stored about a page: the student findings on it and the page checks'
findings (the extension's "what do you know about this URL"), and which pages were flagged."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel

from snarewatch.schema import PageFinding
from snarewatch.store.db import query_records
from snarewatch.store.reads import stored_record


class StoredFinding(BaseModel):
    """A row of the `findings` view: a student's flag nobody has rejected."""

    task: str
    item_id: str
    item_kind: str
    site: str | None
    url: str | None
    text: str | None
    label: str
    score: float
    threshold: float
    model_id: str


def findings_at(db_path: Path, urls: Sequence[str], *, limit: int = 500,
                timeout_s: float = 60.0) -> list[StoredFinding]:
    """The findings on any of these URLs (one page's spellings), surest first."""
    return [StoredFinding(**r) for r in query_records(db_path, f"""
        SELECT task, item_id, item_kind, site, url, text, label, score, threshold, model_id
        FROM findings WHERE list_contains(?, url) ORDER BY score DESC LIMIT {int(limit)}""",
                                                      [list(urls)], timeout_s=timeout_s)]


def page_findings_at(db_path: Path, urls: Sequence[str], *, limit: int = 500,
                     timeout_s: float = 60.0) -> list[PageFinding]:
    """The page checks' findings on any of these URLs, strongest first."""
    rows = query_records(db_path, f"""
        SELECT * FROM page_findings WHERE list_contains(?, url)
        ORDER BY score DESC LIMIT {int(limit)}""", [list(urls)], timeout_s=timeout_s)
    return [stored_record(PageFinding, row, "evidence") for row in rows]


def ad_flags(db_path: Path, task: str) -> list[tuple[str | None, bool]]:
    """(URL, whether the task has a finding on it) of every stored ad."""
    return [(r["url"], bool(r["flagged"])) for r in query_records(db_path, """
        SELECT a.url, f.item_id IS NOT NULL AS flagged
        FROM ads a LEFT JOIN findings f ON f.item_id = a.ad_id AND f.task = ?
        ORDER BY a.ad_id""", [task])]


def urls_with_positive_predictions(db_path: Path, task: str) -> set[str]:
    """The pages holding a UI element the task's current student called positive."""
    return {str(r["url"]) for r in query_records(db_path, """
        SELECT DISTINCT e.url FROM current_predictions p JOIN ui_elements e
        ON e.element_id = p.item_id WHERE p.task = ? AND p.positive AND e.url IS NOT NULL""",
                                                 [task])}


def captured_urls(db_path: Path, *, matching: str | None = None) -> list[str]:
    """The distinct URLs of the stored page captures (those matching a regular expression)."""
    where, params = ("WHERE regexp_matches(url, ?)", [matching]) if matching else ("", [])
    return [str(r["url"]) for r in query_records(
        db_path, f"SELECT DISTINCT url FROM page_captures {where} ORDER BY url", params)]
