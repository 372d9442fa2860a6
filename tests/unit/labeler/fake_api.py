"""A misbehaving OpenAI-compatible API on 127.0.0.1 for fault tests, scripted per request."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler
from typing import Any

from local_http import serve


class FakeAPI:
    """Serves /v1/chat/completions. Queue actions with `script(...)`; afterwards it answers well.

    Actions: "429" or "429:<retry-after>", "500", "sleep:<seconds>", "badjson" (200, body not
    JSON), "notjson" (answer content not JSON), "outside" (a label not offered), "drop" (close
    the connection without answering), "ok". Good answers pick the first option whose name
    appears in the item line, else the last option.
    """

    def __init__(self, refuse_json_schema: bool = False) -> None:
        self.actions: deque[str] = deque()
        self.requests: list[dict[str, Any]] = []
        self.refuse_json_schema = refuse_json_schema
        self.lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with api.lock:
                    api.requests.append(body)
                    action = api.actions.popleft() if api.actions else "ok"
                api.respond(self, body, action)

        self._serving = serve(Handler)
        self._base = ""

    @property
    def base_url(self) -> str:
        """The API base URL (…/v1), once started."""
        return f"{self._base}/v1"

    def script(self, *actions: str) -> None:
        """Queue actions for the next requests."""
        self.actions.extend(actions)

    def __enter__(self) -> FakeAPI:
        self._base = self._serving.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._serving.__exit__(None, None, None)

    def respond(self, handler: BaseHTTPRequestHandler, body: dict[str, Any], action: str) -> None:
        """Act out one scripted behaviour."""
        fmt = body.get("response_format", {})
        if self.refuse_json_schema and fmt.get("type") == "json_schema":
            return self._send(handler, 422, {"detail": "response_format.type: json_schema unsupported"})
        options = fmt.get("json_schema", fmt).get("schema", {}).get("properties", {}) \
            .get("label", {}).get("enum", []) if fmt.get("type") == "json_schema" else \
            fmt.get("schema", {}).get("properties", {}).get("label", {}).get("enum", [])
        kind, _, arg = action.partition(":")
        if kind == "429":
            headers = {"Retry-After": arg} if arg else {}
            return self._send(handler, 429, {"error": "rate limited"}, headers)
        if kind == "500":
            return self._send(handler, 500, {"error": "boom"})
        if kind == "sleep":
            time.sleep(float(arg))
        if kind == "drop":
            handler.connection.shutdown(socket.SHUT_RDWR)
            handler.close_connection = True
            return None
        if kind == "badjson":
            raw = b"<html>oops</html>"
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(raw)))
            handler.end_headers()
            handler.wfile.write(raw)
            return None
        prompt = body["messages"][-1]["content"]
        item = prompt.rsplit("Input:", 1)[-1].split("\n")[0].lower()
        label = next((o for o in options if o.split("_")[0] in item), options[-1] if options else "x")
        if kind == "outside":
            label = "definitely_not_a_label"
        content = "sure, it is wildlife" if kind == "notjson" else json.dumps({"label": label})
        return self._send(handler, 200, {
            "id": "x", "object": "chat.completion", "model": body.get("model"),
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 5, "total_tokens": 105},
        })

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, payload: dict[str, Any],
              headers: dict[str, str] | None = None) -> None:
        raw = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(raw)))
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(raw)
