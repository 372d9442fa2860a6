"""Many writer processes, one loader and a reader at once: nothing lost, nothing duplicated."""

from __future__ import annotations

import multiprocessing as mp
import time
from pathlib import Path

from snarewatch.schema import Ad
from snarewatch.store import Landing, load_pending, query_records

WRITERS = 4
BATCHES = 25
PER_BATCH = 40


def _writer(landing_dir: str, worker: int) -> None:
    landing = Landing(Path(landing_dir))
    for b in range(BATCHES):
        ads = [Ad(ad_id=f"w{worker}-b{b}-{i}", site=f"site{worker}", title=f"ad {i}")
               for i in range(PER_BATCH)]
        landing.write(ads)
        if b % 5 == 0:  # a re-delivered batch (a retried task) must not duplicate rows
            landing.write(ads[:10])


def _loader(db: str, landing_dir: str, stop: mp.Event) -> None:  # type: ignore[valid-type]
    while not stop.is_set():  # type: ignore[attr-defined]
        load_pending(Path(db), Path(landing_dir), max_seconds=0.2)
        time.sleep(0.01)


def _reader(db: str, stop: mp.Event, counts: mp.Queue) -> None:  # type: ignore[valid-type]
    last = 0
    while not stop.is_set():  # type: ignore[attr-defined]
        n = query_records(Path(db), "SELECT count(*) AS n FROM ads")[0]["n"]
        assert n >= last, "a reader saw rows disappear"
        last = n
        counts.put(n)  # type: ignore[attr-defined]
        time.sleep(0.02)


def test_concurrent_writers_loader_and_reader_lose_and_duplicate_nothing(settings):
    ctx = mp.get_context("spawn")
    stop = ctx.Event()
    counts = ctx.Queue()
    db, landing = str(settings.db_path), str(settings.landing_dir)
    load_pending(settings.db_path, settings.landing_dir)  # create the store first
    loader = ctx.Process(target=_loader, args=(db, landing, stop))
    reader = ctx.Process(target=_reader, args=(db, stop, counts))
    writers = [ctx.Process(target=_writer, args=(landing, w)) for w in range(WRITERS)]
    loader.start()
    reader.start()
    for w in writers:
        w.start()
    for w in writers:
        w.join(timeout=120)
        assert w.exitcode == 0
    stop.set()
    loader.join(timeout=60)
    reader.join(timeout=60)
    assert loader.exitcode == 0 and reader.exitcode == 0
    load_pending(settings.db_path, settings.landing_dir)

    rows = query_records(settings.db_path, "SELECT count(*) AS n, count(DISTINCT ad_id) AS d FROM ads")
    expected = WRITERS * BATCHES * PER_BATCH
    assert rows == [{"n": expected, "d": expected}]
    ledger = query_records(settings.db_path, "SELECT count(*) AS n FROM _loaded_batches")[0]["n"]
    assert ledger == WRITERS * (BATCHES + BATCHES // 5)
    seen = []
    while not counts.empty():
        seen.append(counts.get())
    assert seen, "the reader never got a turn while the loader ran"
