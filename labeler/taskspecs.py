"""Scaffold a task spec for the user to edit (the registry itself is `snarewatch.tasks`)."""

from __future__ import annotations

from pathlib import Path

from snarewatch.errors import ConfigError
from snarewatch.tasks import USER_DIR, list_tasks, load_task, task_paths
from snarewatch.taskspec import TaskSpec

SCAFFOLD = '''# Task spec for `snarewatch label {name}`. Edit the question, labels and examples, then run
#   snarewatch label {name} --plan
name = "{name}"
display_name = "{name}"                          # what the report and the extension call it
description = "Does this ad sell ...?"          # the research question, one sentence
item_kind = "{item_kind}"                        # ad | ui_element | page
input_template = "{template}"                   # item fields in braces
positive = ["yes"]                               # the label(s) a student should flag
negative = "no"                                  # the label a "this flag is wrong" records
default_budget = 200                             # items the LLM labels per run
guidelines = "How to decide borderline cases."

[[labels]]
name = "yes"
definition = "What counts, with concrete examples and code words."
near_misses = ["look-alikes that are NOT this"]

[[labels]]
name = "no"
definition = "Everything else."
display = "Not {name}"                           # the extension's "this flag is wrong" button

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


__all__ = ["list_tasks", "load_task", "scaffold", "task_paths"]
