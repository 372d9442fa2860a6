"""Price and title on Zyte's product-extraction benchmark pages (../shared/data/product-pages).

Two measurements on the same pages:

- **extractor**: `extract_fields` on each saved page (the extraction code alone);
- **crawl**: what a user gets from `snarewatch crawl URL --max-pages 1`. The saved pages are
  served at their original paths by a local HTTP server and each page's URL is crawled through
  the real crawl code (generic profile, default engine) into a store; the ad is read back from it.

Pages are split by site (amazon.com and amazon.de are one site) into a **dev** split, which may be
looked at, and a **held-out** split, which rules are never tuned on; `--verbose` lists dev misses
only. The split is a hash of the site name, fixed in advance.

Price rule of the benchmark: a predicted price is right when its number equals one of the
annotated numbers. A wrong prediction counts as a false positive and a false negative; a missing
one as a false negative; a price predicted on a page annotated with none as a false positive.
Title: the data has no title annotations, so the reference is the product name the page declares
in its own markup (JSON-LD / microdata Product name, else og:title); pages declaring none are not
scored. A title is right when its words overlap the reference's (Jaccard >= 0.5).

    .venv/bin/python benchmarks/extraction.py [--data PATH] [--mode both|extractor|crawl]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _machine import SHARED_DATA, machine_line, write_result  # noqa: E402

from crawler.extract import decode_html, extract_fields, parse_price  # noqa: E402

# Second-level labels under which a country's shops register ("amazon.co.uk", "mobly.com.br").
_SECOND_LEVEL = {"co", "com", "net", "org", "ac", "gov"}


def site_of(url: str) -> str:
    """The shop a URL belongs to: its registrable name without the country ("amazon")."""
    labels = (urlsplit(url).hostname or "").split(".")
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL:
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else labels[0]


def split_of(site: str) -> str:
    """"dev" or "held-out", from a hash of the site name (so one site never spans both)."""
    return "dev" if hashlib.sha256(site.encode()).digest()[0] % 2 == 0 else "held-out"


def _num(value: object) -> float | None:
    amount, _ = parse_price(value)
    return round(amount, 2) if amount is not None else None


_WORD = re.compile(r"\w+")


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.casefold()))


def reference_title(html: bytes) -> str | None:
    """The product name the page declares (JSON-LD / microdata Product name, else og:title)."""
    import lxml.html

    doc = lxml.html.document_fromstring(decode_html(html))
    for script in doc.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "", strict=False)
        except json.JSONDecodeError:
            continue
        stack = [data]
        while stack:
            cur = stack.pop()
            if isinstance(cur, list):
                stack.extend(cur)
            elif isinstance(cur, dict):
                kind = cur.get("@type")
                kinds = kind if isinstance(kind, list) else [kind]
                if "Product" in kinds and isinstance(cur.get("name"), str) and cur["name"].strip():
                    return str(cur["name"]).strip()
                stack.extend(v for v in cur.values() if isinstance(v, dict | list))
    for scope in doc.xpath('//*[@itemtype and contains(@itemtype, "schema.org/Product")]'):
        for name in scope.xpath('.//*[@itemprop="name"]'):
            # The product's own name, not that of a nested item (brand, offer, breadcrumb).
            owner = next(a for a in name.iterancestors() if a.get("itemscope") is not None)
            text = (name.get("content") or name.text_content() or "").strip()
            if owner is scope and text:
                return text
    og = doc.xpath('//meta[@property="og:title"]/@content')
    return og[0].strip() if og and og[0].strip() else None


def _counts() -> dict[str, int]:
    return {"pages": 0, "tp": 0, "fp": 0, "fn": 0}


def _f1(c: dict[str, int]) -> dict[str, Any]:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {**c, "precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)}


def _tally(c: dict[str, int], right: bool, predicted: bool, expected: bool) -> None:
    c["pages"] += 1
    if right:
        c["tp"] += 1
        return
    c["fp"] += predicted
    c["fn"] += expected


def score(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Price and title precision/recall/F1 per split ("dev", "held-out", "all")."""
    out: dict[str, Any] = {}
    for split in ("dev", "held-out", "all"):
        price, title = _counts(), _counts()
        for row in rows:
            if split != "all" and row["split"] != split:
                continue
            expected = set(row["expected_prices"])
            got = row["price"]
            _tally(price, got is not None and got in expected, got is not None, bool(expected))
            if row["reference_title"]:
                ref, pred = _words(row["reference_title"]), _words(row["title"] or "")
                ok = bool(pred) and len(ref & pred) / len(ref | pred) >= 0.5
                _tally(title, ok, bool(pred), True)
        out[split] = {"price": _f1(price), "title": _f1(title)}
    return out


def load_pages(data: Path) -> list[dict[str, Any]]:
    """Every page with its id, URL, site, split, HTML and annotated prices."""
    root = data / "product-pages"
    truth = json.loads((root / "ground-truth.json").read_text("utf-8"))
    pages = []
    for page_id, gt in sorted(truth.items()):
        html = (root / "html" / f"{page_id}.html").read_bytes()
        site = site_of(gt["url"])
        pages.append({"page_id": page_id, "url": gt["url"], "site": site, "split": split_of(site),
                      "html": html, "reference_title": reference_title(html),
                      "expected_prices": sorted({n for n in (_num(p) for p in gt.get("price") or [])
                                                 if n is not None})})
    return pages


def run_extractor(pages: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], float]:
    """`extract_fields` alone on each saved page; rows and ms per page."""
    rows = []
    start = time.perf_counter()
    for page in pages:
        ex = extract_fields(page["html"], page["url"], want_links=False, main_text=False)
        price = ex.fields.get("price")
        rows.append(_row(page, round(price, 2) if price is not None else None,
                         ex.fields.get("title"), ex.sources.get("price"), "ad"))
    return rows, (time.perf_counter() - start) * 1000 / max(1, len(pages))


def _row(page: dict[str, Any], price: float | None, title: str | None, source: str | None,
         kind: str | None) -> dict[str, Any]:
    return {k: page[k] for k in ("page_id", "url", "site", "split", "expected_prices",
                                 "reference_title")} | {
        "price": price, "title": title, "source": source, "kind": kind}


def _served_path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@contextmanager
def serve_pages(pages: list[dict[str, Any]]) -> Iterator[str]:
    """Serve each saved page at its original path and query on 127.0.0.1; yields the base URL."""
    by_path = {_served_path(p["url"]): p["html"] for p in pages}
    # Shops declare their charset in the Content-Type header; the saved files lost it, so it is
    # declared again for pages that are valid UTF-8 (browsers guess windows-1252 otherwise).
    charsets = {path: "; charset=utf-8" if _is_utf8(html) else "" for path, html in by_path.items()}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 (stdlib name)
            body = by_path.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "text/html" + charsets.get(self.path, ""))
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def run_crawls(pages: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], float, Counter[str]]:
    """`crawl URL --max-pages 1` for every page into one store; rows, s per page, page kinds."""
    from crawler.run import run_crawl
    from snarewatch.config import Settings
    from snarewatch.store import load_pending, query_records

    dupes = Counter(_served_path(p["url"]) for p in pages)
    if max(dupes.values()) > 1:
        raise SystemExit(f"two pages share a path: {dupes.most_common(1)}")
    rows: list[dict[str, Any]] = []
    kinds: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as tmp, serve_pages(pages) as base:
        os.environ["SNAREWATCH_CONFIG"] = str(Path(tmp) / "absent.toml")
        settings = Settings(data_dir=Path(tmp) / "data")
        ids = []
        start = time.perf_counter()
        for page in pages:
            summary = run_crawl(settings, base + _served_path(page["url"]), max_pages=1)
            ids.append(summary.crawl_id)
        seconds = (time.perf_counter() - start) / max(1, len(pages))
        load_pending(settings.db_path, settings.landing_dir)
        ads = {r["crawl_id"]: r for r in query_records(
            settings.db_path, "SELECT crawl_id, price, title, field_sources FROM ads")}
        caps = {r["crawl_id"]: r for r in query_records(
            settings.db_path, "SELECT crawl_id, kind, outcome FROM page_captures")}
        for page, crawl_id in zip(pages, ids, strict=True):
            ad, cap = ads.get(crawl_id), caps.get(crawl_id, {})
            kind = cap.get("kind") if cap.get("outcome") == "ok" else cap.get("outcome")
            kinds[str(kind)] += 1
            price = ad["price"] if ad else None
            source = json.loads(ad["field_sources"]).get("price") if ad else None
            rows.append(_row(page, round(price, 2) if price is not None else None,
                             ad["title"] if ad else None, source, kind))
    return rows, seconds, kinds


def _line(name: str, s: dict[str, Any]) -> str:
    p, t = s["price"], s["title"]
    return (f"  {name:9s} {p['pages']:3d} pages: price P {p['precision']:.3f} R {p['recall']:.3f} "
            f"F1 {p['f1']:.3f} (tp {p['tp']}, fp {p['fp']}, fn {p['fn']}); "
            f"title F1 {t['f1']:.3f} on {t['pages']} pages with a declared name")


def _misses(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"page": r["page_id"][:12], "url": r["url"], "expected": r["expected_prices"],
             "predicted": r["price"], "source": r["source"], "kind": r["kind"]}
            for r in rows if r["split"] == "dev"
            and (r["price"] not in r["expected_prices"] or r["price"] is None)
            and (r["price"] is not None or r["expected_prices"])]


def main() -> None:
    """Print the figures with the machine they ran on; write benchmarks/out/extraction.json."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=SHARED_DATA)
    parser.add_argument("--mode", choices=("both", "extractor", "crawl"), default="both")
    parser.add_argument("--verbose", action="store_true", help="List the dev split's misses.")
    args = parser.parse_args()
    pages = load_pages(args.data)
    splits = Counter(p["split"] for p in pages)
    sites = {s: len({p["site"] for p in pages if p["split"] == s}) for s in splits}
    print(machine_line())
    print(f"{len(pages)} pages; dev {splits['dev']} pages of {sites.get('dev', 0)} sites, "
          f"held-out {splits['held-out']} pages of {sites.get('held-out', 0)} sites")
    figures: dict[str, Any] = {"pages": len(pages), "split_pages": dict(splits),
                               "split_sites": sites}
    if args.mode in ("both", "extractor"):
        rows, ms = run_extractor(pages)
        figures["extractor"] = score(rows) | {"ms_per_page": round(ms, 1),
                                              "dev_misses": _misses(rows)}
        print(f"extractor alone ({ms:.0f} ms/page):")
        for split in ("dev", "held-out", "all"):
            print(_line(split, figures["extractor"][split]))
        if args.verbose:
            for m in figures["extractor"]["dev_misses"]:
                print("  miss:", m, file=sys.stderr)
    if args.mode in ("both", "crawl"):
        rows, sec, kinds = run_crawls(pages)
        figures["crawl"] = score(rows) | {"seconds_per_page": round(sec, 2),
                                          "page_kinds": dict(kinds),
                                          "dev_misses": _misses(rows)}
        print(f"through `crawl URL --max-pages 1` ({sec:.2f} s/page; stored as "
              f"{dict(kinds)}):")
        for split in ("dev", "held-out", "all"):
            print(_line(split, figures["crawl"][split]))
        if args.verbose:
            for m in figures["crawl"]["dev_misses"]:
                print("  miss:", m, file=sys.stderr)
    print("published price F1 on the full 140-page benchmark: Zyte AutoExtract 0.918, "
          "Diffbot 0.824, extruct 0.685")
    print(f"wrote {write_result('extraction', figures)}")


if __name__ == "__main__":
    main()
