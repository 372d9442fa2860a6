"""Import ads and UI texts users already have (CSV, JSONL, Parquet) into the same pipeline.

Each row is validated on its own: bad rows are reported with their line number and reason and
the good rows are kept; rows with bytes that are not UTF-8 are kept (with U+FFFD in their place)
and reported by line. Ids are derived from the site and the row's id column (or its content),
so importing the same file twice adds nothing.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO, Literal

from pydantic import ValidationError

from snarewatch.errors import ImportDataError
from snarewatch.schema import Ad, Element, Record, stable_id, utcnow

ImportKind = Literal["ads", "elements"]

# Fields a user may map a column onto, per kind (everything else lands in `extra`).
AD_FIELDS = ("title", "description", "price", "currency", "seller", "seller_url", "location",
             "posted_at", "category", "language", "url", "image_urls", "site")
ELEMENT_FIELDS = ("text", "tag", "role", "url", "x", "y", "width", "height", "font_size",
                  "font_weight", "color", "background_color", "input_type", "checked",
                  "in_overlay", "selector", "site")
_NUMBER = re.compile(r"-?\d[\d.,\s]*")

MAX_FIELD_CHARS = 10 * 1024 * 1024
"""Longest CSV field read (the csv module stops at 128 KB); a longer one makes its row bad."""

DELIMITERS = (",", "\t", ";", "|")
"""CSV delimiters recognised from the header line."""


@dataclass
class BadRow:
    """A row that could not be imported: where it is and why."""

    line: int
    reason: str


@dataclass
class ImportReport:
    """What an import did: rows read, records written, and the bad rows."""

    kind: ImportKind
    rows: int = 0
    imported: int = 0
    bad: list[BadRow] = field(default_factory=list)
    undecodable: list[int] = field(default_factory=list)
    """First lines of the rows kept with bytes that were not UTF-8."""
    records: list[Record] = field(default_factory=list, repr=False)


def parse_mapping(pairs: Sequence[str]) -> dict[str, str]:
    """Turn `field=column` options into a dict, rejecting malformed pairs."""
    mapping = {}
    for pair in pairs:
        name, sep, column = pair.partition("=")
        if not sep or not name.strip() or not column.strip():
            raise ImportDataError(f"--map expects FIELD=COLUMN, got {pair!r}")
        mapping[name.strip()] = column.strip()
    return mapping


def _decoded_lines(fh: BinaryIO, undecodable: set[int]) -> Iterator[str]:
    """The file's lines as text. A line with bytes that are not UTF-8 is decoded with U+FFFD in
    their place and its number added to `undecodable`, so the row is kept and reported."""
    for number, raw in enumerate(fh, start=1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            undecodable.add(number)
            yield raw.decode("utf-8", errors="replace")


def pick_delimiter(path: Path, header: str) -> str:
    """Tab for .tsv/.tab files; otherwise the candidate found most often in the header line
    (outside quotes), so a spreadsheet's semicolon or tab export is read right. Comma by default."""
    if path.suffix.lower() in {".tsv", ".tab"}:
        return "\t"
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])  # ties go to the earlier, the comma first
    return best if counts[best] else ","


Row = tuple[int, int, dict[str, Any] | Exception]
"""(first line, last line, the row or the error that made it unreadable)."""


def _csv_rows(path: Path, fh: BinaryIO, undecodable: set[int]) -> Iterator[Row]:
    # The module's default limit (128 KB) is below some real ads; the limit is process-wide.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FIELD_CHARS))
    lines = _decoded_lines(fh, undecodable)
    first = next(lines, "")
    reader = csv.reader(itertools.chain([first], lines), delimiter=pick_delimiter(path, first))
    try:
        header = next(reader, [])
    except csv.Error as exc:
        raise ImportDataError(f"{path}: unreadable header row: {exc}") from exc
    if not header:
        raise ImportDataError(f"{path}: empty CSV (no header row)")
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # The reader drops the rest of the line and carries on with the next one.
            yield start, reader.line_num, ValueError(f"unreadable CSV row: {exc}")
            continue
        if not cells:
            continue  # a blank line
        if len(cells) > len(header):
            yield start, reader.line_num, ValueError(
                f"{len(cells)} fields, header has {len(header)}")
            continue
        yield start, reader.line_num, dict(itertools.zip_longest(header, cells[:len(header)]))


def _jsonl_rows(fh: BinaryIO, undecodable: set[int]) -> Iterator[Row]:
    for number, text in enumerate(_decoded_lines(fh, undecodable), start=1):
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            yield number, number, ValueError(f"invalid JSON: {exc.msg}")
            continue
        yield number, number, value if isinstance(value, dict) else ValueError("not a JSON object")


def _rows(path: Path, fmt: str, undecodable: set[int]) -> Iterator[Row]:
    """Every row of the file with its line span, or the error that made it unreadable."""
    if fmt == "csv":
        with path.open("rb") as fh:
            yield from _csv_rows(path, fh, undecodable)
    elif fmt == "jsonl":
        with path.open("rb") as fh:
            yield from _jsonl_rows(fh, undecodable)
    elif fmt == "parquet":
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(path)
        except Exception as exc:  # pyarrow raises several unrelated types for unreadable files
            raise ImportDataError(f"{path}: not a readable Parquet file: {exc}") from exc
        number = 0
        for batch in table.to_batches():
            for row in batch.to_pylist():
                number += 1
                yield number, number, row
    else:
        raise ImportDataError(f"unknown format {fmt!r}: use csv, jsonl or parquet")


def detect_format(path: Path) -> str:
    """The file format from its suffix."""
    suffix = path.suffix.lower()
    if suffix in {".csv", ".tsv"}:
        return "csv"
    if suffix in {".jsonl", ".ndjson", ".json"}:
        return "jsonl"
    if suffix in {".parquet", ".pq"}:
        return "parquet"
    raise ImportDataError(f"{path}: cannot tell the format from {suffix!r}; pass --format")


def _price(value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value)
    match = _NUMBER.search(text)
    if not match:
        raise ValueError(f"price {text!r} has no number")
    number = match.group().replace(" ", "")
    # "1.234,56" and "1,234.56": the last separator is the decimal one when 1-2 digits follow.
    last = max(number.rfind(","), number.rfind("."))
    if last >= 0 and len(number) - last - 1 in (1, 2):
        whole, frac = number[:last], number[last + 1:]
        number = re.sub(r"[.,]", "", whole) + "." + frac
    else:
        number = re.sub(r"[.,]", "", number)
    return float(number)


def _list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    text = str(value).strip()
    if text.startswith("["):
        return [str(v) for v in json.loads(text)]
    return [part.strip() for part in re.split(r"[|\s]+", text) if part.strip()]


def _scalar(value: Any) -> Any:
    """Lists and structs (Parquet, JSON) as JSON text, dates as ISO text; never a Python repr."""
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _build(kind: ImportKind, row: Mapping[str, Any], mapping: Mapping[str, str],
           id_column: str | None, site: str) -> Record:
    fields = AD_FIELDS if kind == "ads" else ELEMENT_FIELDS
    for name, column in mapping.items():
        if name not in fields:
            raise ImportDataError(f"--map {name}=…: unknown field; known: {', '.join(fields)}")
        if column not in row:
            raise ValueError(f"column {column!r} (mapped to {name}) is missing")
    column_of = {name: mapping.get(name, name) for name in fields}
    values = {name: row[col] if name == "image_urls" else _scalar(row[col])
              for name, col in column_of.items() if col in row and row[col] not in (None, "")}
    used = set(column_of.values()) | ({id_column} if id_column else set())
    extra = {k: v for k, v in row.items() if k not in used and v not in (None, "")}
    row_site = str(values.pop("site", site))
    if id_column:
        if row.get(id_column) in (None, ""):
            raise ValueError(f"id column {id_column!r} is empty")
        key = f"id:{row[id_column]}"
    else:
        key = "content:" + json.dumps({k: str(v) for k, v in sorted(values.items())},
                                      ensure_ascii=False)
    if kind == "ads":
        if not (str(values.get("title", "")).strip()
                or str(values.get("description", "")).strip()):
            raise ValueError("needs a title or a description")
        values["price"] = _price(values.get("price"))
        values["image_urls"] = _list(values.get("image_urls"))
        text = f"{values.get('title', '')}\n{values.get('description', '')}"
        return Ad(ad_id=stable_id("import", row_site, key), site=row_site, source="import",
                  content_hash=stable_id(text, length=32), captured_at=utcnow(), extra=extra,
                  field_sources={k: "import" for k in values if k != "image_urls" or values[k]},
                  **{k: (str(v) if k not in {"price", "image_urls"} and v is not None else v)
                     for k, v in values.items()})
    if not str(values.get("text", "")).strip():
        raise ValueError("needs a non-empty text")
    for flag in ("checked", "in_overlay"):
        if flag in values:
            values[flag] = str(values[flag]).strip().lower() in {"1", "true", "yes", "y"}
    return Element(element_id=stable_id("import", row_site, key), site=row_site, source="import",
                   captured_at=utcnow(), extra=extra, **values)


def read_import(path: Path, kind: ImportKind, *, mapping: Mapping[str, str] | None = None,
                id_column: str | None = None, site: str = "imported",
                fmt: str | None = None) -> ImportReport:
    """Read and validate a file row by row; good rows become records, bad rows are reported."""
    path = Path(path)
    if not path.is_file():
        raise ImportDataError(f"{path}: no such file")
    report = ImportReport(kind=kind)
    seen: set[str] = set()
    undecodable: set[int] = set()
    for line, last, row in _rows(path, fmt or detect_format(path), undecodable):
        report.rows += 1
        if isinstance(row, Exception):
            report.bad.append(BadRow(line, str(row)))
            continue
        if undecodable and any(n in undecodable for n in range(line, last + 1)):
            report.undecodable.append(line)
        try:
            record = _build(kind, row, mapping or {}, id_column, site)
        except ImportDataError:
            raise
        except (ValueError, TypeError, ValidationError) as exc:
            reason = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
            if isinstance(exc, ValidationError):
                reason = f"{'.'.join(map(str, exc.errors()[0]['loc']))}: {reason}"
            report.bad.append(BadRow(line, reason))
            continue
        record_id = record.ad_id if isinstance(record, Ad) else record.element_id  # type: ignore[attr-defined]
        if record_id in seen:
            continue
        seen.add(record_id)
        report.records.append(record)
    report.imported = len(report.records)
    return report
