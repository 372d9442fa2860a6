"""Near-duplicate ads (reposts): MinHash over title + description, grouped with LSH.

Candidates from LSH are verified: the estimated Jaccard similarity of word-bigram sets must reach
`threshold` and both ads must come from the same seller (when the seller is known for both;
without sellers a stricter `threshold_no_seller` applies). Different sellers posting the same
template text are common on marketplaces and are not reposts.

The index persists under the data dir, so clusters stay consistent across crawls: an ad seen
again keeps its cluster, and a new ad joins the cluster of the earliest indexed ad it matches.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import numpy as np
from datasketch import MinHash, MinHashLSH

_TOKEN = re.compile(r"\w+", re.UNICODE)
# Persisted signatures must be read back with the hashing scheme that made them.
SCHEME = "affine32"


def shingles(text: str, n: int = 2) -> set[bytes]:
    """Word n-grams of lower-cased text (all words when the text is shorter than n)."""
    words = _TOKEN.findall(text.lower())
    if len(words) < n:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i:i + n]).encode() for i in range(len(words) - n + 1)}


class RepostIndex:
    """Assigns repost clusters; state in `path` (SQLite: ad id, seller, cluster, MinHash)."""

    def __init__(self, path: Path, threshold: float = 0.5, threshold_no_seller: float = 0.8,
                 num_perm: int = 128) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.num_perm = num_perm
        self.threshold = threshold
        self.threshold_no_seller = threshold_no_seller
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS reposts (ad_id TEXT PRIMARY KEY, seq INTEGER, "
                        "seller TEXT, cluster TEXT NOT NULL, hashes BLOB NOT NULL)")
        # LSH finds candidates a little below the threshold; verification decides.
        self.lsh = MinHashLSH(threshold=max(0.1, threshold - 0.15), num_perm=num_perm)
        self._info: dict[str, tuple[int, str | None, str]] = {}
        self._sigs: dict[str, MinHash] = {}
        for ad_id, seq, seller, cluster, blob in self.db.execute(
                "SELECT * FROM reposts ORDER BY seq"):
            mh = MinHash(num_perm=num_perm, scheme=SCHEME,
                         hashvalues=np.frombuffer(blob, dtype=np.uint64))
            self._add(ad_id, seq, seller, cluster, mh)
        self._pending: list[tuple[str, int, str | None, str, bytes]] = []

    def __len__(self) -> int:
        return len(self._info)

    def _add(self, ad_id: str, seq: int, seller: str | None, cluster: str, mh: MinHash) -> None:
        self.lsh.insert(ad_id, mh)
        self._sigs[ad_id] = mh
        self._info[ad_id] = (seq, seller, cluster)

    def assign(self, ad_id: str, text: str, seller: str | None = None) -> str:
        """The cluster of an ad (its own id when it matches no indexed ad)."""
        if ad_id in self._info:
            return self._info[ad_id][2]
        grams = shingles(text)
        if not grams:
            return ad_id
        mh = MinHash(num_perm=self.num_perm, scheme=SCHEME)
        mh.update_batch(list(grams))
        seller = (seller or "").strip().lower() or None
        matches = []
        for other in self.lsh.query(mh):
            seq, other_seller, cluster = self._info[other]
            if seller and other_seller:
                ok = seller == other_seller and mh.jaccard(self._sigs[other]) >= self.threshold
            else:
                ok = mh.jaccard(self._sigs[other]) >= self.threshold_no_seller
            if ok:
                matches.append((seq, cluster))
        cluster = min(matches)[1] if matches else ad_id
        seq = len(self._info) + 1
        self._add(ad_id, seq, seller, cluster, mh)
        self._pending.append((ad_id, seq, seller, cluster,
                              mh.hashvalues.astype(np.uint64).tobytes()))
        return cluster

    def flush(self) -> None:
        """Persist the ads assigned since the last flush."""
        if self._pending:
            self.db.executemany("INSERT OR IGNORE INTO reposts VALUES (?, ?, ?, ?, ?)",
                                self._pending)
            self._pending.clear()

    def close(self) -> None:
        """Flush and close."""
        self.flush()
        self.db.close()
