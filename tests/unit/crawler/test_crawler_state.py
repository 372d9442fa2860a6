"""The persisted frontier and the repost index."""

from __future__ import annotations

from pathlib import Path

from crawler.frontier import Frontier, QueuedUrl
from crawler.politeness import retry_after_seconds
from crawler.reposts import RepostIndex

TEXT = ("Carved bangle, old stock. Creamy colour with fine grain lines, heavy in the hand. "
        "Posted from Sydney, can ship discreetly. Serious buyers only please.")


def test_frontier_dedupes_and_survives_reopen(tmp_path: Path) -> None:
    f = Frontier(tmp_path)
    a, b = QueuedUrl("http://x/a", "http://x/a", 0), QueuedUrl("http://x/b", "http://x/b?s=1", 1)
    assert f.add([(a, "p"), (b, "p")]) == [a, b]
    assert f.add([(a, "p")]) == []
    f.mark_done([("http://x/a", "ok")])
    f.set_meta("params", {"k": 1})
    f.close()
    g = Frontier(tmp_path)
    assert g.queued() == [b]
    assert g.outcomes() == {"ok": 1}
    assert g.pattern_counts() == {"p": 2}
    assert g.get_meta("params") == {"k": 1}
    g.close()


def test_repost_clusters_persist_and_need_the_same_seller(tmp_path: Path) -> None:
    path = tmp_path / "reposts.sqlite"
    idx = RepostIndex(path)
    first = idx.assign("ad1", TEXT, "seller-a")
    assert first == "ad1"
    assert idx.assign("ad2", "Still available! " + TEXT, "seller-a") == "ad1"
    assert idx.assign("ad3", TEXT, "seller-b") == "ad3"  # same template, other seller
    assert idx.assign("ad4", "Selling my road bike, 54cm frame, new tyres.", "seller-a") == "ad4"
    idx.close()
    again = RepostIndex(path)
    assert len(again) == 4
    assert again.assign("ad2", "anything", "seller-a") == "ad1"  # known ad keeps its cluster
    assert again.assign("ad5", TEXT + " Price drop.", "seller-a") == "ad1"
    again.close()


def test_retry_after_parsing() -> None:
    assert retry_after_seconds("5", cap=60) == 5
    assert retry_after_seconds("3600", cap=60) == 60
    assert retry_after_seconds(None, cap=60) is None
    assert retry_after_seconds("not a date", cap=60) is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", cap=60) == 0.0
