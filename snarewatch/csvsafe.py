"""The one CSV writer: every CSV file or stream snarewatch produces goes through it.

Crawled text is written by strangers, and CSV files are opened in spreadsheets, which run a cell
starting with `=`, `+`, `-` or `@` (or a tab or carriage return before one) as a formula. Following
the OWASP guidance on CSV injection, such a cell is written with a leading single quote, which
spreadsheets show as text. Real numbers (ints, floats, decimals) are written as they are, so
`-3.5` stays a number; the string "-3.5" is text and is quoted like any other.

Example:
    >>> import io
    >>> buf = io.StringIO()
    >>> write_csv(buf, ["title", "price"], [{"title": "=HYPERLINK(1)", "price": -3.5}])
    1
    >>> buf.getvalue().splitlines()
    ['title,price', "'=HYPERLINK(1),-3.5"]
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet treat a cell as a formula (OWASP)."""


def safe_cell(value: Any) -> Any:
    """A value fit for a CSV cell: numbers as they are, anything else as text a spreadsheet
    will not run (nested values as JSON text)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime | date | time):
        text = value.isoformat()
    elif isinstance(value, bytes):
        text = value.hex()
    elif isinstance(value, Mapping | list | tuple):
        text = json.dumps(value, ensure_ascii=False, default=str)
    else:
        text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def write_csv(out: IO[str] | Path, columns: Sequence[str],
              rows: Iterable[Mapping[str, Any]]) -> int:
    """Write a header and `rows` (missing keys empty, extra keys ignored); returns the row count.

    `out` is an open text stream or a path (written as UTF-8).
    """
    if isinstance(out, Path):
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8", newline="") as fh:
            return write_csv(fh, columns, rows)
    writer = csv.writer(out)
    writer.writerow([safe_cell(c) for c in columns])
    n = 0
    for row in rows:
        writer.writerow([safe_cell(row.get(c)) for c in columns])
        n += 1
    return n
