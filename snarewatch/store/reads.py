"""Reads of the store that several stages share (one place for their SQL)."""

from __future__ import annotations

from pathlib import Path

from snarewatch.store.db import connect_readonly

SEED_METHOD = "seed"
"""`Sample.method` of a drawn seed set (`snarewatch labels seed`)."""


def seed_weights(db_path: Path, task: str) -> dict[str, float]:
    """Item id → how many items it stands for, for the items of the task's drawn seed sets.

    A seed set is drawn in weighted strata (`labeler.seeds`); estimates made on its hand labels
    (rates, precision, thresholds) weigh each item by this number to stay unbiased.
    """
    with connect_readonly(db_path) as conn:
        rows = conn.execute(
            "SELECT item_id, TRY_CAST(json_extract(params, '$.weight') AS DOUBLE) FROM samples "
            "WHERE task = ? AND method = ? QUALIFY row_number() OVER "
            "(PARTITION BY item_id ORDER BY created_at DESC) = 1",
            [task, SEED_METHOD]).fetchall()
    return {str(i): float(w) for i, w in rows if w is not None and w > 0}
