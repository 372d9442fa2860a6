"""`snarewatch config show`: the effective settings and where each came from."""

from __future__ import annotations

import typer

from snarewatch.cli._common import OutputFormat, print_rows, settings

EXAMPLES = """\
Examples:

  snarewatch config show            # each setting, its value and source
  snarewatch config show --format json
  SNAREWATCH_DATA_DIR=/srv/sw snarewatch config show
  SNAREWATCH_CONFIG=team.toml snarewatch config show

Sources, strongest first: SNAREWATCH_* environment variables, snarewatch.toml (or the file \
SNAREWATCH_CONFIG names), the defaults. API keys come only from the environment.
"""


def register(app: typer.Typer) -> None:
    """Add the `config` command group."""
    group = typer.Typer(help="Inspect settings (SNAREWATCH_* env vars and snarewatch.toml).",
                        no_args_is_help=True, epilog=EXAMPLES)

    @group.command("show", epilog=EXAMPLES)
    def show(
        fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", help="Output format."),
    ) -> None:
        """Print every setting, its effective value and its source (env, file or default)."""
        from snarewatch.config import Settings, setting_sources

        s = settings()
        sources = setting_sources(s)
        rows = []
        for name, field in Settings.model_fields.items():
            value = getattr(s, name)
            if name.endswith("api_key") and value is not None:
                value = "***"
            rows.append({"setting": name, "value": value, "source": sources[name],
                         "env": f"SNAREWATCH_{name.upper()}", "help": field.description or ""})
        print_rows(rows, fmt)

    app.add_typer(group, name="config")
