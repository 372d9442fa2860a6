"""A researcher's first day at the terminal: DuckDB dot-commands and examples in every --help."""

from __future__ import annotations

import pytest


def test_sql_prompt_understands_dot_commands(hostile_store, cli):
    script = ".help\n.tables\n.schema ads\n.schema no_such_table\n.frobnicate\n" \
             "select count(*) as n_ads from ads;\n.exit\nselect 'never reached';\n"
    out = cli("sql", stdin=script)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    for command in (".tables", ".schema", ".quit"):
        assert command in text  # .help lists them
    for table in ("ads", "ui_elements", "labels", "findings", "wildlife_ads"):
        assert f" {table} " in text  # .tables lists tables and views
    for column in ("ad_id", "title", "price", "image_urls"):
        assert column in text  # .schema ads
    assert "no table or view named 'no_such_table'" in text
    assert "unknown command .frobnicate" in text
    assert "n_ads" in text and "never reached" not in text


def test_sql_prompt_quits_on_quit(hostile_store, cli):
    out = cli("sql", stdin=".quit\nselect 'never reached';\n")
    assert out.returncode == 0 and "never reached" not in out.stdout


@pytest.mark.parametrize("args", [("db",), ("db", "load"), ("db", "migrate"), ("db", "info"),
                                  ("config",), ("config", "show")])
def test_db_and_config_help_have_examples(cli, args):
    out = cli(*args, "--help")
    assert out.returncode == 0, out.stderr
    assert "Examples" in out.stdout and f"snarewatch {args[0]} " in out.stdout
