"""Task specs: bundled ones load, invalid ones are refused with a reason, rendering, scaffolding."""

from __future__ import annotations

import pytest

from labeler.prompts import build_prompt, prompt_hash, prompt_prefix
from labeler.taskspecs import list_tasks, load_task, scaffold
from snarewatch.errors import ConfigError
from snarewatch.taskspec import TaskSpec

MINIMAL = """
name = "t"
description = "d"
item_kind = "ad"
input_template = "{title}"
positive = ["yes"]
[[labels]]
name = "yes"
definition = "y"
[[labels]]
name = "no"
definition = "n"
"""


def test_bundled_specs_load():
    names = {t.name for t in list_tasks()}
    assert {"wildlife", "deceptive-ui"} <= names
    dui = load_task("deceptive-ui")
    assert "not_dark_pattern" in dui.label_names and "not_dark_pattern" not in dui.positive
    assert {dui.groups[p] for p in dui.positive} == {
        "Social Engineering", "Interface Interference", "Sneaking", "Obstruction", "Forced Action"}
    assert load_task("wildlife").positive == ["wildlife_product"]


@pytest.mark.parametrize("change, problem", [
    ('positive = ["maybe"]', "positive label"),
    ('positive = ["yes", "no"]', "negative"),
    ('input_template = "no fields"', "input_template"),
    ('item_kind = "tweet"', "item_kind"),
])
def test_invalid_specs_are_refused(change, problem):
    key = change.split(" =")[0]
    text = "\n".join(line for line in MINIMAL.splitlines() if not line.startswith(key + " ="))
    with pytest.raises(ConfigError, match=problem):
        TaskSpec.from_toml_text(change + "\n" + text)


def test_example_label_must_exist():
    with pytest.raises(ConfigError, match="example label"):
        TaskSpec.from_toml_text(MINIMAL + '[[examples]]\ninput = "x"\nlabel = "maybe"\n')


def test_render_fills_missing_fields_and_cuts_long_ones():
    spec = TaskSpec.from_toml_text("max_input_chars = 20\n"
                                   + MINIMAL.replace('"{title}"', '"{title} | {price}"'))
    assert spec.render({"title": "Ivory   bangle\nold"}) == "Ivory bangle old |"
    assert spec.render({"title": "x" * 50, "price": 3}).startswith("x" * 20 + "…")


def test_prompt_shares_prefix_and_hash_depends_on_model():
    task = load_task("wildlife")
    a = build_prompt(task, {"title": "Ivory bangle"})
    b = build_prompt(task, {"title": "Shark vacuum"})
    prefix = prompt_prefix(task)
    assert a.startswith(prefix) and b.startswith(prefix) and a.endswith("Label:")
    assert prompt_hash(a, "m1") != prompt_hash(a, "m2") != prompt_hash(b, "m2")


def test_scaffold_writes_a_loadable_spec(tmp_path):
    path = scaffold("shark-teeth", "ad", tmp_path)
    assert load_task(str(path)).name == "shark-teeth"
    with pytest.raises(ConfigError, match="exists"):
        scaffold("shark-teeth", "ad", tmp_path)
    with pytest.raises(ConfigError):
        scaffold("Bad Name", "ad", tmp_path)


def test_unknown_task_lists_known_ones():
    with pytest.raises(ConfigError, match="wildlife"):
        load_task("no-such-task")
