"""Find, load and scaffold task specs: bundled ones and the user's own TOML files."""

from __future__ import annotations

import logging
from pathlib import Path

from snarewatch.errors import ConfigError
from snarewatch.taskspec import TaskSpec

log = logging.getLogger(__name__)

BUNDLED_DIR = Path(__file__).with_name("taskspecs")
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


SCAFFOLD = '''# Task spec for `snarewatch label {name}`. Edit the question, labels and examples, then run
#   snarewatch label {name} --plan
name = "{name}"
description = "Does this ad sell ...?"          # the research question, one sentence
item_kind = "{item_kind}"                        # ad | ui_element | page
input_template = "{template}"                   # item fields in braces
positive = ["yes"]                               # the label(s) a student should flag
default_budget = 200                             # items the LLM labels per run
guidelines = "How to decide borderline cases."

[[labels]]
name = "yes"
definition = "What counts, with concrete examples and code words."
near_misses = ["look-alikes that are NOT this"]

[[labels]]
name = "no"
definition = "Everything else."

[[examples]]
input = "A typical positive item"
label = "yes"

[[examples]]
input = "A hard negative that looks positive"
label = "no"
'''

_TEMPLATES = {"ad": "{title}\\n{description}", "ui_element": "{text}", "page": "{text}"}


def scaffold(name: str, item_kind: str = "ad", folder: Path = USER_DIR) -> Path:
    """Write a starter spec `folder/NAME.toml`; ConfigError if it exists or the name is invalid."""
    if item_kind not in _TEMPLATES:
        raise ConfigError(f"item kind must be one of {sorted(_TEMPLATES)}, not {item_kind!r}")
    text = SCAFFOLD.format(name=name, item_kind=item_kind, template=_TEMPLATES[item_kind])
    TaskSpec.from_toml_text(text, origin=name)  # validates the name before touching the disk
    path = Path(folder) / f"{name}.toml"
    if path.exists():
        raise ConfigError(f"{path} exists; edit it or choose another name")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
