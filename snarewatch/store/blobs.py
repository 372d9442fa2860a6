"""Content-addressed blob storage: files named by the sha256 of their bytes."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from snarewatch.errors import StoreError


class Blobs:
    """Stores bytes once per content under `root/ab/abcdef…`; safe for many writing processes."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        """Where the blob with this hash lives (whether or not it exists)."""
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise StoreError(f"not a sha256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        """Store `data` (no-op if already present) and return its sha256."""
        sha = hashlib.sha256(data).hexdigest()
        path = self.path_for(sha)
        if path.exists():
            return sha
        path.parent.mkdir(parents=True, exist_ok=True)
        # Temp file + rename: a reader never sees half a blob, and two writers of the same
        # content both end with the same complete file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha

    def get(self, sha256: str) -> bytes:
        """The blob's bytes; StoreError if it is missing."""
        path = self.path_for(sha256)
        try:
            return path.read_bytes()
        except FileNotFoundError as exc:
            raise StoreError(f"blob {sha256} not found under {self.root}") from exc

    def exists(self, sha256: str) -> bool:
        """True if the blob is stored."""
        return self.path_for(sha256).exists()
