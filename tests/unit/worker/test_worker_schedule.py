"""Schedule entries: validation, beat entries, and editing the TOML file in place."""

from __future__ import annotations

import tomllib
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from snarewatch.config import ScheduleEntry
from snarewatch.errors import ConfigError
from snarewatch.worker_schedule import (
    add_entry,
    beat_schedule,
    entry_action,
    format_entry,
    parse_option,
    read_entries,
    remove_entry,
    toml_value,
    validate_entry,
)

ORIGINAL = """\
# my deployment
data_dir = "/srv/snarewatch"   # shared disk
llm_backend = "embedded"

[[schedule]]
name = "first"
site = "demo"
every_minutes = 60

[schedule.options]
max_pages = 50

# reclassify four times a day
[[schedule]]
name = "third"
task = "wildlife"
every_minutes = 360
"""


def test_actions_follow_site_and_task() -> None:
    assert entry_action(ScheduleEntry(name="a", site="demo", every_minutes=5)) == "crawl"
    assert entry_action(ScheduleEntry(name="b", task="wildlife", every_minutes=5)) == "classify"
    both = ScheduleEntry(name="c", site="demo", task="wildlife", cron="0 3 * * *")
    assert entry_action(both) == "pipeline"


@pytest.mark.parametrize("entry, message", [
    (ScheduleEntry(name="x", every_minutes=5), "site to crawl"),
    (ScheduleEntry(name="x", site="demo"), "exactly one"),
    (ScheduleEntry(name="x", site="demo", every_minutes=5, cron="* * * * *"), "exactly one"),
    (ScheduleEntry(name="x", site="demo", cron="0 3 * *"), "5 fields"),
    (ScheduleEntry(name="x", site="demo", cron="99 3 * * *"), "cron"),
])
def test_invalid_entries_are_refused(entry: ScheduleEntry, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        validate_entry(entry)


def test_beat_schedule_uses_intervals_and_crontabs() -> None:
    schedule = beat_schedule([
        ScheduleEntry(name="often", site="demo", every_minutes=30, options={"max_pages": 5}),
        ScheduleEntry(name="nightly", site="demo", task="wildlife", cron="15 3 * * 1-5"),
    ])
    often, nightly = schedule["snarewatch:often"], schedule["snarewatch:nightly"]
    assert often["task"] == "snarewatch.crawl" and nightly["task"] == "snarewatch.pipeline"
    assert often["schedule"] == timedelta(minutes=30)
    assert often["kwargs"] == {"site": "demo", "max_pages": 5}  # crawl id = each firing's id
    assert often["options"] == {"queue": "crawl", "expires": 1800}
    assert nightly["kwargs"] == {"site": "demo", "task": "wildlife", "crawl_queue": "crawl"}
    assert nightly["options"]["queue"] == "ml"
    assert nightly["schedule"].minute == {15} and nightly["schedule"].hour == {3}
    assert nightly["schedule"].day_of_week == {1, 2, 3, 4, 5}


def test_toml_values_round_trip() -> None:
    value = {"s": 'quote " and \\ and é', "n": 3, "f": 2.5, "whole": 4.0, "b": True,
             "l": ["a", 1], "nested": {"k": "v"}, "odd key": 1}
    parsed = tomllib.loads(f"v = {toml_value(value)}")["v"]
    assert parsed == {**value, "whole": 4}


def test_format_entry_parses_back() -> None:
    entry = ScheduleEntry(name="n", site="demo", task="wildlife", every_minutes=90.5,
                          options={"keywords": ["ivory", "rhino horn"], "max_pages": 10})
    data = tomllib.loads(format_entry(entry))
    assert ScheduleEntry.model_validate(data["schedule"][0]) == entry


def test_add_then_remove_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "snarewatch.toml"
    path.write_text(ORIGINAL, encoding="utf-8")
    add_entry(path, ScheduleEntry(name="second", site="demo", task="wildlife", cron="0 */6 * * *",
                                  options={"keywords": ["ivory"]}))
    assert [e.name for e in read_entries(path)] == ["first", "third", "second"]
    assert path.read_text(encoding="utf-8").startswith(ORIGINAL)
    remove_entry(path, "second")
    assert path.read_text(encoding="utf-8") == ORIGINAL


def test_remove_cuts_a_block_with_sub_table_keeping_comments_and_settings(tmp_path: Path) -> None:
    path = tmp_path / "snarewatch.toml"
    path.write_text(ORIGINAL, encoding="utf-8")
    removed = remove_entry(path, "first")
    assert removed.options == {"max_pages": 50}
    text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert [e["name"] for e in data["schedule"]] == ["third"]
    assert data["data_dir"] == "/srv/snarewatch" and data["llm_backend"] == "embedded"
    assert "# my deployment" in text and "# reclassify four times a day" in text


def test_duplicate_and_unknown_names_are_errors(tmp_path: Path) -> None:
    path = tmp_path / "snarewatch.toml"
    path.write_text(ORIGINAL, encoding="utf-8")
    with pytest.raises(ConfigError, match="already exists"):
        add_entry(path, ScheduleEntry(name="first", site="x", every_minutes=1))
    with pytest.raises(ConfigError, match="no schedule named"):
        remove_entry(path, "nope")
    assert path.read_text(encoding="utf-8") == ORIGINAL


def test_add_creates_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "new" / "snarewatch.toml"
    add_entry(path, ScheduleEntry(name="a", site="demo", every_minutes=5))
    assert [e.name for e in read_entries(path)] == ["a"]


def test_parse_option_reads_toml_values_or_strings() -> None:
    assert parse_option("max_pages=50") == ("max_pages", 50)
    assert parse_option('keywords=["ivory", "horn"]') == ("keywords", ["ivory", "horn"])
    assert parse_option("base_url=http://127.0.0.1:8000") == ("base_url", "http://127.0.0.1:8000")
    assert parse_option("screenshots=false") == ("screenshots", False)
    with pytest.raises(ConfigError):
        parse_option("novalue")


def test_schedule_commands_edit_the_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from snarewatch.cli import app

    path = tmp_path / "snarewatch.toml"
    monkeypatch.setenv("SNAREWATCH_CONFIG", str(path))
    runner = CliRunner()
    result = runner.invoke(app, ["schedule", "add", "hourly", "--site", "demo", "--every", "60",
                                 "-o", "max_pages=20", "-o", "base_url=http://127.0.0.1:9"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["schedule", "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"max_pages": 20' in result.output and '"runs": "crawl"' in result.output
    result = runner.invoke(app, ["schedule", "remove", "hourly"])
    assert result.exit_code == 0, result.output
    assert read_entries(path) == []
