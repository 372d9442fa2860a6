"""Local HTTP helpers shared by the tests: serve a handler on a free port, wait for a server."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class QuietServer(ThreadingHTTPServer):
    """A threaded server that drops the tracebacks of clients hanging up (crawlers give up on
    slow routes) and does not keep the test process alive."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass


@contextmanager
def serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve `handler` on 127.0.0.1 (a free port); yields the base URL, stops on exit."""
    server = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def wait_until_ready(process: subprocess.Popen[bytes], ready: Callable[[], bool], *, name: str,
                     timeout_s: float, output: Callable[[], str] = lambda: "",
                     poll_s: float = 0.2) -> None:
    """Poll `ready()` until it is true; RuntimeError if `process` exits or time runs out.

    `ready` may raise httpx.HTTPError while the server is still starting; `output` gives the
    process's log tail for the error message.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited: {output()}")
        try:
            if ready():
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not come up within {timeout_s:.0f} s: {output()}")
        time.sleep(poll_s)


def stop(process: subprocess.Popen[bytes], timeout_s: float) -> None:
    """Terminate a server the test started; kill it if it has not exited within `timeout_s`."""
    process.terminate()
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
