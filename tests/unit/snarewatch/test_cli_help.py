"""Help reads well in an 80-column terminal: prose reflows, examples keep their lines."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from snarewatch.cli import app
from snarewatch.cli._help import reflow

WIDE = "  snarewatch classify wildlife --verify-budget 200 --format json # the teacher checks 200"


def test_prose_lines_join_and_examples_stay() -> None:
    text = "Train a student\non the labels.\n\n  snarewatch train x   # go\n  snarewatch train y"
    assert reflow(text) == ("Train a student on the labels.\n\n"
                            "  snarewatch train x   # go\n  snarewatch train y")


def test_a_wide_example_puts_every_comment_of_its_block_above_its_command() -> None:
    out = reflow(f"Examples:\n\n{WIDE}\n  snarewatch train x   # short").splitlines()
    assert out[2:] == ["  # the teacher checks 200",
                       "  snarewatch classify wildlife --verify-budget 200 --format json",
                       "  # short", "  snarewatch train x"]


def test_reflow_is_idempotent_and_keeps_empty_text() -> None:
    text = f"Some prose\nacross lines.\n\nExamples:\n\n{WIDE}"
    assert reflow(reflow(text)) == reflow(text)
    assert reflow(None) is None and reflow("") == ""


@pytest.mark.parametrize("command", [["train"], ["labels", "seed"], ["classify"], ["worker"]])
def test_help_at_80_columns_has_no_broken_prose_or_unindented_examples(
        command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "80"},
                                terminal_width=80)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    examples = [line for line in lines if line.strip().startswith("snarewatch ")]
    assert examples and all(line.startswith("   snarewatch ") for line in examples)
    # No line of prose ends after a word or two only to go on below (the ragged wrap).
    body = [line.strip() for line in lines if line.strip() and "│" not in line
            and not line.strip().startswith(("snarewatch ", "# "))]
    ragged = [a for a, b in zip(body, body[1:], strict=False)
              if 0 < len(a) < 30 and a[-1].isalpha() and b[:1].islower()]
    assert not ragged, ragged
