"""The task registry: every task spec by name, the user's `./tasks/*.toml` over the bundled ones.

A task is data from end to end: its spec file drives labels, students, the analyst views, the
report and the extension's display. The bundled specs are the TOML files beside this module;
a researcher adds a task by writing `tasks/NAME.toml` (see `snarewatch tasks new`).
"""

from __future__ import annotations

import logging
from pathlib import Path

from snarewatch.errors import ConfigError
from snarewatch.taskspec import TaskSpec

log = logging.getLogger(__name__)

BUNDLED_DIR = Path(__file__).parent
"""The specs shipped with snarewatch."""
USER_DIR = Path("tasks")
"""Where `snarewatch tasks new` writes and where user specs are found (relative to the cwd)."""


def _search_dirs() -> list[Path]:
    return [USER_DIR, BUNDLED_DIR]


def load_task(name_or_path: str) -> TaskSpec:
    """A spec by file path or by name (./tasks/NAME.toml first, then the bundled ones)."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" or candidate.exists():
        if not candidate.is_file():
            raise ConfigError(f"task spec file not found: {candidate}")
        return TaskSpec.from_path(candidate)
    for folder in _search_dirs():
        path = folder / f"{name_or_path}.toml"
        if path.is_file():
            spec = TaskSpec.from_path(path)
            if spec.name != name_or_path:
                raise ConfigError(f"{path}: name = {spec.name!r} but the file is {path.name}")
            return spec
    known = ", ".join(sorted(t.name for t in list_tasks())) or "none"
    raise ConfigError(f"unknown task {name_or_path!r} (known: {known}; or pass a .toml path)")


def resolve_task(task: TaskSpec | str) -> TaskSpec:
    """A TaskSpec as is, or the one `load_task` finds for a name or path."""
    return task if isinstance(task, TaskSpec) else load_task(task)


def task_paths() -> dict[str, Path]:
    """Task name → file, user specs shadowing bundled ones of the same name."""
    found: dict[str, Path] = {}
    for folder in reversed(_search_dirs()):
        if folder.is_dir():
            for path in sorted(folder.glob("*.toml")):
                found[path.stem] = path
    return found


def list_tasks() -> list[TaskSpec]:
    """Every loadable spec, sorted by name; an invalid user file is logged and skipped."""
    specs = []
    for name, path in sorted(task_paths().items()):
        try:
            specs.append(TaskSpec.from_path(path))
        except ConfigError as exc:
            log.warning("skipping %s: %s", name, exc)
    return specs


def tasks_of_kind(item_kind: str) -> list[TaskSpec]:
    """The tasks whose items are of this kind (ad, ui_element, page), sorted by name."""
    return [t for t in list_tasks() if t.item_kind == item_kind]
