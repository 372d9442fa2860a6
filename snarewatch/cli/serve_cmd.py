"""`snarewatch serve`: the local API for the browser extension."""

from __future__ import annotations

import json
import sys

import typer

from snarewatch.cli._common import console, err_console, settings

EXAMPLES = """\
Examples:

  snarewatch serve                       # http://127.0.0.1:8765, token in <data_dir>/api-token
  snarewatch serve --port 9000
  snarewatch serve --show-token          # print the token to paste into the extension's options
  snarewatch serve --openapi > openapi.json
  curl -H "Authorization: Bearer $(cat data/api-token)" http://127.0.0.1:8765/v1/health

The extension (extension/, see docs/extension.md) sends a page's visible elements to
POST /v1/classify and shows the flags; GET /v1/findings?url= returns what is stored for a page;
POST /v1/feedback turns "correct" / "not deceptive" into a human label (source human:extension).
Requests without the token get 401; browsers may call it only from the extension's origin;
a Host header other than localhost, a loopback address or --host/--allow-host gets 421.
"""


def register(app: typer.Typer) -> None:
    """Add the `serve` command."""

    @app.command("serve", epilog=EXAMPLES)
    def serve(
        host: str = typer.Option(
            None, "--host", help="Address to bind (default: api_host, 127.0.0.1)."
        ),
        port: int = typer.Option(None, "--port", help="Port to bind (default: api_port, 8765)."),
        allow_origin: list[str] = typer.Option(
            [],
            "--allow-origin",
            help="Extra allowed browser origin, repeatable (e.g. a Web Store build's "
            "chrome-extension://<id>).",
        ),
        rate: float = typer.Option(
            50.0, "--rate", min=1, help="Requests per second allowed on average."
        ),
        no_load: bool = typer.Option(
            False, "--no-load", help="Leave feedback labels in landing/ for the next loader run."
        ),
        allow_host: list[str] = typer.Option(
            [],
            "--allow-host",
            help="Extra Host name to answer, repeatable (localhost, loopback addresses and "
            "--host are always answered).",
        ),
        show_token: bool = typer.Option(
            False, "--show-token", help="Print the API token and exit."
        ),
        openapi: bool = typer.Option(False, "--openapi", help="Print the OpenAPI schema and exit."),
    ) -> None:
        """Serve flags to the browser extension on 127.0.0.1 (token required, read-only store).

        Predictions come from each task's promoted student; no LLM runs in the request path.
        """
        from snarewatch.api import create_app
        from snarewatch.api_auth import EXTENSION_ORIGIN, load_or_create_token, token_path

        s = settings()
        token = load_or_create_token(s.data_dir)
        if show_token:
            sys.stdout.write(token + "\n")
            return
        bind_host = host or s.api_host
        app = create_app(
            s,
            token=token,
            allowed_origins=(EXTENSION_ORIGIN, *allow_origin),
            allowed_hosts=(bind_host, *allow_host),
            load_feedback=not no_load,
            rate_per_s=rate,
            burst=int(rate * 4),
        )
        if openapi:
            sys.stdout.write(json.dumps(app.app.openapi(), indent=2) + "\n")
            return
        import uvicorn

        bind_port = s.api_port if port is None else port
        if bind_host not in {"127.0.0.1", "localhost", "::1"}:
            err_console.print(
                f"[yellow]warning:[/yellow] binding {bind_host}: other machines can "
                "reach the API (the token still guards it)."
            )
        console.print(
            f"snarewatch API on http://{bind_host}:{bind_port}  "
            f"(token: {token_path(s.data_dir)}; origins: {EXTENSION_ORIGIN}"
            f"{''.join(', ' + o for o in allow_origin)})"
        )
        uvicorn.run(app, host=bind_host, port=bind_port, log_level="warning", access_log=False)
