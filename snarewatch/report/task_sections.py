"""The report's "Tasks" section: every task's flags, keyed by item kind and named by its spec.

It reads `task_overview` and `task_items` (views that know no task name), and takes each
task's display name and item kind from the task registry, so a task the user writes appears
here with no change to the report.
"""

from __future__ import annotations

from collections.abc import Callable

from snarewatch.report.data import ReportData
from snarewatch.report.html import empty, esc, section, table

KIND_NAMES = {"ad": "ads", "ui_element": "UI elements", "page": "pages"}


def _titles() -> dict[str, str]:
    """Task name -> display name, for the tasks the registry knows."""
    from snarewatch.errors import ConfigError
    from snarewatch.tasks import list_tasks

    try:
        return {t.name: t.title for t in list_tasks()}
    except ConfigError:
        return {}


def tasks_section(data: ReportData, wants: Callable[[str], bool]) -> str:
    """One block per task with scored items: its counts and its strongest flags."""
    rows = [r for r in data.task_overview if wants(r["task"])]
    if not rows:
        return section("tasks", "Tasks", "Every task's flags.",
                       empty("No task has scored items yet.", ("snarewatch classify TASK",)))
    titles = _titles()
    overview = [{"task": titles.get(r["task"], r["task"]),
                 "items": KIND_NAMES.get(r["item_kind"], r["item_kind"]),
                 **{k: r[k] for k in ("scored", "flagged", "labelled", "findings", "flag_rate")}}
                for r in rows]
    parts = [table(overview)]
    for r in rows:
        top = [t for t in data.task_top if t["task"] == r["task"]]
        if top:
            parts.append(f"<h3>{esc(titles.get(r['task'], r['task']))}: strongest flags "
                         f"({esc(KIND_NAMES.get(r['item_kind'], r['item_kind']))})</h3>")
            parts.append(table(top, ["site", "url", "text", "score"], max_chars=80))
    return section("tasks", "Tasks", "Every task, bundled or your own, by the items it reads: "
                   "what its student scored and flagged. SQL: views task_overview and "
                   "task_items.", "".join(parts))
