"""The store: Parquet landing batches, one loader, a DuckDB file, and content-addressed blobs.

Writers (crawler, labeler, classifiers, workers) never open the database: they append immutable
Parquet batches with `Landing.write` and files with `Blobs.put`. One loader (`load_pending`)
ingests each batch exactly once. Readers open the database read-only with `connect_readonly`.
"""

from snarewatch.store.blobs import Blobs
from snarewatch.store.db import connect_readonly, connect_readwrite, migrate, query_records
from snarewatch.store.landing import Landing
from snarewatch.store.loader import LoadReport, load_pending

__all__ = [
    "Blobs",
    "Landing",
    "LoadReport",
    "connect_readonly",
    "connect_readwrite",
    "load_pending",
    "migrate",
    "query_records",
]
