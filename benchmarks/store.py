"""Store benchmark: loader throughput (rows/s) from Parquet batches, and a 1M-row GROUP BY.

Usage: python benchmarks/store.py [--rows 1000000] [--batch 20000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import machine_line, write_result  # noqa: E402

from snarewatch.schema import Ad, utcnow  # noqa: E402
from snarewatch.store import Landing, connect_readonly, load_pending  # noqa: E402

SITES = [f"market{i}.example" for i in range(40)]
CURRENCIES = ["USD", "AUD", "EUR", "GBP", "VND"]


def main() -> None:
    """Write batches, load them, then time an analyst-style aggregate."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=20_000)
    args = parser.parse_args()
    print(machine_line())
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        landing = Landing(root / "landing")
        now = utcnow()
        t0 = time.perf_counter()
        for start in range(0, args.rows, args.batch):
            landing.write([
                Ad(ad_id=f"ad{i}", site=SITES[i % len(SITES)], title=f"listing {i}",
                   description="a short description of the item for sale " * 2,
                   price=float(i % 5000) + 0.99, currency=CURRENCIES[i % 5], seller=f"seller{i % 9000}",
                   image_urls=[f"https://img.example/{i}.jpg"], captured_at=now)
                for i in range(start, min(start + args.batch, args.rows))
            ])
        write_s = time.perf_counter() - t0
        report = load_pending(root / "snarewatch.duckdb", root / "landing", max_seconds=30)
        load_rate = report.rows / report.seconds
        print(f"writers: {args.rows:,} rows as Parquet batches of {args.batch:,} in {write_s:.1f} s "
              f"({args.rows / write_s:,.0f} rows/s, one process incl. record validation)")
        print(f"loader:  {report.rows:,} rows in {report.batches} batches in {report.seconds:.1f} s "
              f"= {load_rate:,.0f} rows/s")
        sql = ("SELECT site, currency, count(*) AS ads, count(DISTINCT seller) AS sellers, "
               "median(price) AS median_price FROM ads GROUP BY ALL ORDER BY ads DESC")
        with connect_readonly(root / "snarewatch.duckdb") as conn:
            conn.execute(sql).fetchall()  # warm the buffer pool once, as a repeated query would be
            timings = []
            for _ in range(3):
                t = time.perf_counter()
                groups = conn.execute(sql).fetchall()
                timings.append(time.perf_counter() - t)
        best = min(timings)
        print(f"query:   GROUP BY site, currency over {args.rows:,} ads ({len(groups)} groups) "
              f"in {best * 1000:.0f} ms (best of 3)")
    path = write_result("store", {"rows": args.rows, "write_rows_per_s": args.rows / write_s,
                                  "load_rows_per_s": load_rate, "group_by_ms": best * 1000})
    print(f"figures saved to {path}")


if __name__ == "__main__":
    main()
