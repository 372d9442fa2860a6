"""`snarewatch models install-default | adapt`: the shipped deceptive-UI student and its
adaptation to a site. Composes classifiers.deceptive (default_student, adapt) with the store."""

from __future__ import annotations

import json
import sys

import typer

from snarewatch.cli._common import OutputFormat, console, err_console, settings

INSTALL_EXAMPLES = """\
Examples:

  snarewatch models install-default             # idempotent; scripts/setup.sh runs it
  snarewatch models install-default --force     # train it again

Trains the default deceptive-ui student from the public data shipped in
classifiers/deceptive/data (Yada et al. 2022 dark-pattern texts, hand-checked UI strings of real
product pages) in seconds, offline. audit, detect, classify and the API use it until a
site-adapted student is promoted:  snarewatch models show deceptive-ui-default
"""

ADAPT_EXAMPLES = """\
Examples:

  snarewatch classify deceptive-ui                          # the default student scores the site
  snarewatch label deceptive-ui --cascade --budget 100      # LLM labels where it is least sure
  snarewatch models adapt                                   # default data + those labels
  snarewatch models adapt --no-promote --site-weight 2

The adapted student is promoted (it becomes the one audit, detect, classify and the API use);
`snarewatch models promote ID` switches back.
"""


def _models_group(app: typer.Typer) -> typer.Typer:
    for group in app.registered_groups:
        if group.name == "models" and group.typer_instance is not None:
            return group.typer_instance
    models = typer.Typer(help="List, inspect and promote trained students.", no_args_is_help=True)
    app.add_typer(models, name="models")
    return models


def register(app: typer.Typer) -> None:
    """Add `models install-default` and `models adapt` to the `models` group."""
    models = _models_group(app)

    @models.command("install-default", epilog=INSTALL_EXAMPLES)
    def install_default(
        force: bool = typer.Option(False, "--force", help="Train again even if installed."),
        fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f",
                                         help="table (a line) or json (the card)."),
    ) -> None:
        """Train and register the shipped deceptive-ui student (seconds, offline)."""
        from classifiers.deceptive.default_student import install_default as install

        result = install(settings(), force=force)
        if fmt is OutputFormat.json:
            sys.stdout.write(json.dumps({"installed": result.installed, **result.model.card},
                                        indent=2, default=str) + "\n")
            return
        console.print(str(result), highlight=False)

    @models.command("adapt", epilog=ADAPT_EXAMPLES)
    def adapt(
        site_weight: float = typer.Option(1.0, "--site-weight", min=0.0,
                                          help="Weight of each site label vs a shipped one."),
        promote: bool = typer.Option(True, "--promote/--no-promote",
                                     help="Make the adapted student the one in use."),
    ) -> None:
        """Train the deceptive-ui student on the default's data plus this site's labels."""
        from classifiers.deceptive.adapt import adapt_default

        result = adapt_default(settings(), site_weight=site_weight, promote=promote)
        console.print(str(result), highlight=False)
        if not promote:
            err_console.print(f"promote it with: snarewatch models promote {result.model.model_id}")
