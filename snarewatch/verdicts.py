"""Read page verdicts from the store: the one decision per page that audit, detect, the report
and the extension all show (written by `snarewatch audit` and `snarewatch detect`).

Example:
    >>> from snarewatch.verdicts import page_verdict
    >>> v = page_verdict(settings.db_path, "https://shop.example/p/42")
    >>> (v.deceptive, round(v.probability, 2), v.types) if v else None
    (True, 0.97, ['countdown_timer', 'low_stock_message'])
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from snarewatch.schema import PageVerdict
from snarewatch.store import query_records

_COLUMNS = ", ".join(f'"{name}"' for name in PageVerdict.model_fields)


def _record(row: dict[str, Any]) -> PageVerdict:
    evidence = row.get("evidence")
    if isinstance(evidence, str):
        evidence = json.loads(evidence)
    return PageVerdict(**{**row, "evidence": evidence or {}, "types": list(row["types"] or []),
                          "verified_types": list(row["verified_types"] or [])})


def _variants(url: str) -> list[str]:
    """The URL as given, without its fragment, and with or without a trailing slash."""
    parts = urlsplit(url)
    bare = urlunsplit(parts._replace(fragment=""))
    out = [url, bare, bare.rstrip("/") if bare.endswith("/") else bare + "/"]
    return list(dict.fromkeys(out))


def page_verdict(db_path: Path, url: str) -> PageVerdict | None:
    """The newest verdict for a page URL (fragment and trailing slash ignored), or None."""
    return newest_verdict(db_path, _variants(url))


def newest_verdict(db_path: Path, urls: Sequence[str], *,
                   timeout_s: float = 60.0) -> PageVerdict | None:
    """The newest verdict stored under any of these URLs (one page's spellings), or None."""
    rows = query_records(
        db_path,
        f"SELECT {_COLUMNS} FROM current_page_verdicts WHERE list_contains(?, url) "
        "ORDER BY created_at DESC LIMIT 1",
        [list(urls)], timeout_s=timeout_s,
    )
    return _record(rows[0]) if rows else None


def page_verdicts(
    db_path: Path, *, site: str | None = None, deceptive: bool | None = None,
    limit: int | None = None,
) -> list[PageVerdict]:
    """The newest verdict of every page (optionally of one site, or only (non-)deceptive ones),
    most probably deceptive first."""
    where, params = [], []
    if site is not None:
        where.append("site = ?")
        params.append(site)
    if deceptive is not None:
        where.append("deceptive = ?")
        params.append(deceptive)
    sql = (f"SELECT {_COLUMNS} FROM current_page_verdicts"
           + (f" WHERE {' AND '.join(where)}" if where else "")
           + " ORDER BY probability DESC, url" + (f" LIMIT {int(limit)}" if limit else ""))
    return [_record(r) for r in query_records(db_path, sql, params)]
