"""The `snarewatch` command line. Each stage's commands live in their own module.

Modules import their stage lazily inside the command functions, so `snarewatch --help` never
loads torch, Playwright or the LLM.
"""

from __future__ import annotations

import importlib
import logging
import sys

import typer

from snarewatch.cli._common import run_app
from snarewatch.cli._help import reflow_app

app = typer.Typer(
    name="snarewatch",
    help=(
        "Find wildlife-trafficking ads and deceptive UI patterns on the web, cheaply.\n\n"
        "Typical flow: crawl -> label (LLM on a diverse sample) -> train (small student) -> "
        "classify (everything) -> sql / report.  Try `snarewatch demo` for the whole loop on a "
        "local demo marketplace."
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# Each module exposes `register(app)`; order is the order of `--help`.
COMMAND_MODULES = (
    "demo_cmd",
    "crawl_cmd",
    "labels_cmd",
    "label_cmd",
    "teacher_cmd",
    "train_cmd",
    "models_cmd",
    "default_model_cmd",  # adds to the `models` group of models_cmd
    "deceptive_cmd",
    "sql_cmd",
    "import_cmd",
    "db_cmd",
    "worker_cmd",
    "serve_cmd",
    "report_cmd",
    "config_cmd",
)


@app.callback()
def _root(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress details to stderr."),
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


for _name in COMMAND_MODULES:
    try:
        _module = importlib.import_module(f"snarewatch.cli.{_name}")
    except ModuleNotFoundError as _exc:
        if _exc.name != f"snarewatch.cli.{_name}":
            raise
        continue
    _module.register(app)
reflow_app(app)


def main() -> None:
    """Console-script entry point: exit 0 ok, 1 on a SnarewatchError (message only), 2 on usage."""
    sys.exit(run_app(app))
