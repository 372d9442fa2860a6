"""The landing area: immutable Parquet batches that writers append and the loader ingests."""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from pathlib import Path

import pyarrow.parquet as pq

from snarewatch.schema import RECORDS_BY_TABLE, Record, utcnow
from snarewatch.store.arrow import to_table

BATCH_SUFFIX = ".parquet"


class Landing:
    """Writes batches to `root/<table>/<timestamp>-<uuid>.parquet` atomically (temp + rename)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def write(self, records: Sequence[Record]) -> Path | None:
        """Write one batch of records of one type; returns its path (None for an empty batch)."""
        if not records:
            return None
        table_name = records[0].__table__
        if table_name not in RECORDS_BY_TABLE:
            raise TypeError(f"{type(records[0]).__name__} is not a stored record type")
        folder = self.root / table_name
        folder.mkdir(parents=True, exist_ok=True)
        # Time-ordered names let the loader ingest in write order; the uuid keeps them unique
        # across processes and machines.
        batch_id = f"{utcnow().strftime('%Y%m%dT%H%M%S%f')}-{uuid.uuid4().hex[:12]}"
        final = folder / f"{batch_id}{BATCH_SUFFIX}"
        tmp = folder / f".{batch_id}.tmp"
        try:
            pq.write_table(to_table(records), tmp, compression="zstd")
            os.replace(tmp, final)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return final

    def pending(self) -> list[tuple[str, Path]]:
        """Complete batches waiting to be loaded, as (table, path), oldest first."""
        found: list[tuple[str, Path]] = []
        if not self.root.exists():
            return found
        for table_name in RECORDS_BY_TABLE:
            folder = self.root / table_name
            if folder.is_dir():
                found.extend((table_name, p) for p in folder.glob(f"*{BATCH_SUFFIX}"))
        found.sort(key=lambda item: item[1].name)
        return found
