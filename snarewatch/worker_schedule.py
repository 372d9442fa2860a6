"""Schedules: `[[schedule]]` entries of the TOML config, turned into Celery beat entries.

An entry runs a site crawl (`site`), the classification of new items for a task (`task`), or
both as one pipeline (crawl -> load -> classify -> load). `snarewatch schedule add|remove` edit
the config file in place: adding appends a block, removing cuts one block out, and everything
else in the file (other settings, comments, layout) is left exactly as it was.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from snarewatch.config import ScheduleEntry
from snarewatch.errors import ConfigError

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def validate_entry(entry: ScheduleEntry) -> ScheduleEntry:
    """Check an entry is runnable (what and when, a valid cron); raise ConfigError if not."""
    if not entry.name.strip():
        raise ConfigError("schedule entry needs a name")
    if not entry.site and not entry.task:
        raise ConfigError(f"schedule {entry.name!r}: give a site to crawl, a task, or both")
    if (entry.every_minutes is None) == (entry.cron is None):
        raise ConfigError(f"schedule {entry.name!r}: give exactly one of every_minutes or cron")
    if entry.cron is not None:
        parse_cron(entry.cron)
    return entry


def parse_cron(expr: str) -> Any:
    """A celery crontab from a 5-field cron expression (minute hour day month weekday)."""
    from celery.schedules import crontab

    fields = expr.split()
    if len(fields) != 5:
        raise ConfigError(f"cron {expr!r}: expected 5 fields (minute hour day month weekday)")
    minute, hour, day, month, weekday = fields
    try:
        return crontab(minute=minute, hour=hour, day_of_month=day, month_of_year=month,
                       day_of_week=weekday)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"cron {expr!r}: {exc}") from exc


def entry_action(entry: ScheduleEntry) -> str:
    """What an entry runs: `pipeline` (site and task), `crawl` (site) or `classify` (task)."""
    if entry.site and entry.task:
        return "pipeline"
    return "crawl" if entry.site else "classify"


def entry_message(entry: ScheduleEntry) -> tuple[str, dict[str, Any], str]:
    """The task an entry sends: (task name, kwargs, queue); option `queue` picks the crawl queue.

    No crawl id is given: a crawl takes its task id as crawl id, so each firing is a new crawl
    and a re-delivered firing resumes its own.
    """
    options = dict(entry.options)
    queue = str(options.pop("queue", "crawl"))
    action = entry_action(entry)
    if action == "crawl":
        return "snarewatch.crawl", {"site": entry.site, **options}, queue
    if action == "pipeline":
        kwargs = {"site": entry.site, "task": entry.task, "crawl_queue": queue, **options}
        return "snarewatch.pipeline", kwargs, "ml"
    return "snarewatch.classify", {"task": entry.task, **options}, "ml"


def beat_schedule(entries: list[ScheduleEntry]) -> dict[str, dict[str, Any]]:
    """Celery `beat_schedule` for the entries: each sends its crawl, pipeline or classify task."""
    schedule: dict[str, dict[str, Any]] = {}
    for entry in entries:
        validate_entry(entry)
        when: Any = (timedelta(minutes=entry.every_minutes) if entry.every_minutes is not None
                     else parse_cron(entry.cron or ""))
        name, kwargs, queue = entry_message(entry)
        schedule[f"snarewatch:{entry.name}"] = {
            "task": name,
            "schedule": when,
            "kwargs": kwargs,
            # A firing nobody picked up within one interval is stale: the next one replaces it.
            "options": {"queue": queue, "expires": _expiry_seconds(entry)},
        }
    return schedule


def _expiry_seconds(entry: ScheduleEntry) -> float:
    if entry.every_minutes is not None:
        return max(60.0, entry.every_minutes * 60.0)
    return 3600.0


# --- TOML editing -------------------------------------------------------------------------------

def read_entries(path: Path) -> list[ScheduleEntry]:
    """The `[[schedule]]` entries of a config file (none if the file does not exist)."""
    data = _read_toml(path)
    raw = data.get("schedule", [])
    if not isinstance(raw, list):
        raise ConfigError(f"{path}: `schedule` must be an array of tables ([[schedule]])")
    entries = []
    for item in raw:
        try:
            entries.append(ScheduleEntry.model_validate(item))
        except ValidationError as exc:
            problem = exc.errors()[0]["msg"]
            raise ConfigError(f"{path}: bad [[schedule]] entry {item!r}: {problem}") from exc
    return entries


def add_entry(path: Path, entry: ScheduleEntry) -> None:
    """Append one `[[schedule]]` block to the config file; names must be unique."""
    validate_entry(entry)
    if any(e.name == entry.name for e in read_entries(path)):
        raise ConfigError(f"a schedule named {entry.name!r} already exists in {path}")
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if text and not text.endswith("\n"):
        text += "\n"
    new_text = text + ("\n" if text.strip() else "") + format_entry(entry)
    _check_and_write(path, new_text, expected=len(read_entries(path)) + 1)


def remove_entry(path: Path, name: str) -> ScheduleEntry:
    """Cut the `[[schedule]]` block named `name` out of the config file; returns it."""
    entries = read_entries(path)
    match = [e for e in entries if e.name == name]
    if not match:
        known = ", ".join(e.name for e in entries) or "none"
        raise ConfigError(f"no schedule named {name!r} in {path} (known: {known})")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for start, end in _schedule_blocks(lines):
        block = "".join(lines[start:end]).replace("[[schedule]]", "[[s]]", 1)
        try:
            parsed = tomllib.loads(block).get("s", [{}])[0]
        except tomllib.TOMLDecodeError:
            continue
        if parsed.get("name") == name:
            # Drop the blank line before the block too: add then remove leaves the file as it was.
            if start > 0 and not lines[start - 1].strip():
                start -= 1
            _check_and_write(path, "".join(lines[:start] + lines[end:]), expected=len(entries) - 1)
            return match[0]
    raise ConfigError(f"cannot locate the [[schedule]] block named {name!r} in {path}; "
                      "edit it by hand")


def _schedule_blocks(lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) line ranges of each `[[schedule]]` block and its `[schedule.x]` sub-tables."""
    blocks: list[tuple[int, int]] = []
    start: int | None = None
    for i, line in enumerate(lines):
        m = _HEADER.match(line)
        if not m:
            continue
        brackets, name = m.group(1), m.group(2)
        is_new_entry = brackets == "[[" and name == "schedule"
        is_sub_table = name.startswith("schedule.")
        if start is not None and (is_new_entry or not is_sub_table):
            blocks.append((start, _trim_trailing_blank(lines, start, i)))
            start = None
        if is_new_entry:
            start = i
    if start is not None:
        blocks.append((start, _trim_trailing_blank(lines, start, len(lines))))
    return blocks


def _trim_trailing_blank(lines: list[str], start: int, end: int) -> int:
    # Comments and blank lines just before the next header belong to what follows, not to us.
    while end > start + 1 and (not lines[end - 1].strip()
                               or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return end


def _check_and_write(path: Path, text: str, expected: int) -> None:
    # Never leave a broken config behind: re-parse before replacing the file.
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"editing {path} would produce invalid TOML ({exc}); file left unchanged") from exc
    if len(data.get("schedule", [])) != expected:
        raise ConfigError(f"editing {path} went wrong (schedule count); file left unchanged")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc


def format_entry(entry: ScheduleEntry) -> str:
    """One `[[schedule]]` block as TOML text (options as an inline table)."""
    lines = ["[[schedule]]", f"name = {toml_value(entry.name)}"]
    for key in ("site", "task", "every_minutes", "cron"):
        value = getattr(entry, key)
        if value is not None:
            lines.append(f"{key} = {toml_value(value)}")
    if entry.options:
        lines.append(f"options = {toml_value(entry.options)}")
    return "\n".join(lines) + "\n"


def toml_value(value: Any) -> str:
    """A Python value (str, number, bool, list, dict) as a TOML value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ConfigError(f"cannot write {value!r} to TOML")
        return repr(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        # JSON string escapes are valid TOML basic-string escapes.
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        items = ", ".join(f"{_key(k)} = {toml_value(v)}" for k, v in value.items())
        return "{ " + items + " }" if items else "{}"
    raise ConfigError(f"cannot write a {type(value).__name__} to TOML: {value!r}")


def _key(key: Any) -> str:
    text = str(key)
    return text if _BARE_KEY.match(text) else json.dumps(text, ensure_ascii=False)


def parse_option(pair: str) -> tuple[str, Any]:
    """`KEY=VALUE` from the command line; VALUE is read as TOML (number, bool, list) or a string."""
    key, sep, raw = pair.partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"--option expects KEY=VALUE, got {pair!r}")
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return key.strip(), value
