"""Shared helpers for benchmark scripts: the machine they ran on, and where figures are written."""

from __future__ import annotations

import json
import os
import platform
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
OUT_DIR = REPO / "benchmarks" / "out"
SHARED_DATA = REPO.parent / "shared" / "data"


def machine() -> dict[str, Any]:
    """A short description of the machine: CPU model, cores, memory, Python."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        mem_gb = round(pages / 2**30, 1)
    except (ValueError, OSError):
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": mem_gb,
            "python": platform.python_version(), "when": datetime.now(UTC).isoformat(timespec="seconds")}


def machine_line() -> str:
    """The machine as one line to print above a benchmark's figures."""
    m = machine()
    return f"machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GiB, Python {m['python']}, {m['when']}"


def write_result(name: str, figures: dict[str, Any]) -> Path:
    """Save figures with the machine to benchmarks/out/<name>.json and return the path."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **figures}, indent=2, default=str))
    return path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now (for servers a benchmark starts)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
