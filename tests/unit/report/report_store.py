"""Build a store from the demo marketplace's ground truth, with predictions equal to the truth.

Records are made directly (no crawler, labeller or classifier) and landed with `Landing` +
`load_pending`, so view rows can be checked against the truth exactly. UI elements come from a
small hand-written set of shop pages whose patterns are known.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from snarewatch.schema import (
    Ad,
    Crawl,
    Element,
    Label,
    ModelInfo,
    PageCapture,
    PageFinding,
    PageVerdict,
    Prediction,
    Promotion,
    Run,
    stable_id,
)
from snarewatch.store import Blobs, Landing, load_pending

DEMO_SITE = "demo"
BASE_URL = "http://127.0.0.1:8123"
T0 = datetime(2025, 10, 1, 12, 0, tzinfo=UTC)
N_ADS = 400


def demo_truth(n_ads: int = N_ADS) -> dict[str, Any]:
    """The demo marketplace's ground truth: `ads` and shop `pages` with their planted patterns."""
    from demo_site.truth import ground_truth

    return ground_truth(n_ads=n_ads)


# (site, page path, element text, predicted pattern or None, finding (l1, l2, verified) or None)
SHOP_ELEMENTS: tuple[tuple[str, str, str, str | None, tuple[str, str, str] | None], ...] = (
    ("shop-a.test", "/p/1", "Only 2 left in stock!", "low_stock_message",
     ("Social Engineering", "low_stock_message", "no")),
    ("shop-a.test", "/p/1", "Offer ends in 00:09:59", "countdown_timer",
     ("Social Engineering", "countdown_timer", "yes")),
    ("shop-a.test", "/p/1", "Add to basket", None, None),
    ("shop-a.test", "/p/2", "No thanks, I prefer paying full price", "confirmshaming", None),
    ("shop-a.test", "/p/2", "Blue cotton shirt", None, None),
    ("shop-a.test", "/p/2", "14 people are looking at this", "activity_notification", None),
    ("shop-b.test", "/item/9", "Hurry, sale ends soon", "limited_time_message", None),
    ("shop-b.test", "/item/9", "Add protection plan (selected)", None,
     ("Interface Interference", "preselection", "unknown")),
    ("shop-b.test", "/item/9", "Free delivery over 50", None, None),
    ("shop-b.test", "/item/10", "Only 1 left", "low_stock_message", None),
)
PAGE_LEVEL_FINDING = ("shop-b.test", "/checkout", "Sneaking", "hidden_costs")


@dataclass
class DemoStore:
    """Paths of the built store and the truth it was built from."""

    data_dir: Path
    db_path: Path
    truth: list[dict[str, Any]]  # ground-truth ads
    pages: list[dict[str, Any]] = field(default_factory=list)  # ground-truth shop pages
    ad_ids: dict[str, str] = field(default_factory=dict)  # truth id -> ad_id
    labelled: set[str] = field(default_factory=set)  # truth ids with a wildlife label
    budget_curve: Path | None = None


def _ad_records(truth: list[dict[str, Any]], crawl_id: str) -> tuple[list[Ad], list[PageCapture]]:
    ads, pages = [], []
    for t in truth:
        url = BASE_URL + t["url"]
        capture_id = stable_id("capture", url)
        pages.append(PageCapture(capture_id=capture_id, crawl_id=crawl_id, site=DEMO_SITE, url=url,
                                 kind="ad", status=200, fetched_at=T0))
        ads.append(Ad(
            ad_id=stable_id(DEMO_SITE, t["id"]), site=DEMO_SITE, url=url, crawl_id=crawl_id,
            capture_id=capture_id, title=t["title"], description=t["description"],
            price=t["price"], currency=t["currency"], seller=t["seller"],
            seller_url=f"{BASE_URL}/seller/{t['seller_id']}", location=t.get("location"),
            posted_at=str(t["posted_date"]), category=t["category"],
            repost_cluster=stable_id("cluster", t["repost_of"] or t["id"]), captured_at=T0,
        ))
    return ads, pages


def build_demo_store(data_dir: Path, n_ads: int = N_ADS, *, with_eval: bool = True,
                     with_model: bool = True) -> DemoStore:
    """Land demo ads, labels, predictions (= truth), shop elements, findings, a model, an eval."""
    full = demo_truth(n_ads)
    truth = full["ads"]
    landing = Landing(data_dir / "landing")
    crawl_id = "crawl-demo"
    store = DemoStore(data_dir=data_dir, db_path=data_dir / "snarewatch.duckdb", truth=truth,
                      pages=full["pages"])
    ads, pages = _ad_records(truth, crawl_id)
    store.ad_ids = {t["id"]: a.ad_id for t, a in zip(truth, ads, strict=True)}
    landing.write([Crawl(crawl_id=crawl_id, site=DEMO_SITE, started_at=T0, status="done",
                         finished_at=T0 + timedelta(minutes=3)),
                   ])
    landing.write(pages)
    landing.write(ads)
    model_id = "wildlife-tfidf-1"
    labels, preds = [], []
    for i, (t, ad) in enumerate(zip(truth, ads, strict=True)):
        if i % 2 == 0:  # the teacher labels a sample, as a budget would
            value = "wildlife_product" if t["is_wildlife"] else "not_wildlife"
            labels.append(Label(label_id=stable_id("label", ad.ad_id), task="wildlife",
                                item_id=ad.ad_id, item_kind="ad", value=value, source="llm:fake",
                                created_at=T0))
            if t["is_wildlife"]:  # the type comes from a second task, as a researcher would add
                labels.append(Label(label_id=stable_id("type", ad.ad_id),
                                    task="wildlife-product-type", item_id=ad.ad_id,
                                    item_kind="ad", value=t["product_type"], source="llm:fake",
                                    created_at=T0))
            store.labelled.add(t["id"])
        preds.append(Prediction(task="wildlife", item_id=ad.ad_id, item_kind="ad",
                                model_id=model_id,
                                label="wildlife_product" if t["is_wildlife"] else "not_wildlife",
                                score=0.93 if t["is_wildlife"] else 0.04, threshold=0.5,
                                positive=bool(t["is_wildlife"]), created_at=T0))
    landing.write(labels)
    if with_model:  # else a real student is trained and run on the labels
        landing.write(preds)
    _shop(landing, annotated_png(Blobs(data_dir / "blobs")))
    _demo_shop(landing, full["pages"], crawl_id)
    card = {"task": "wildlife", "student": "tfidf", "n_labels": len(labels), "threshold": 0.5,
            "label_counts": dict(Counter(lb.value for lb in labels if lb.task == "wildlife")),
            "why": "best F1",
            "cv": {"tfidf": {"precision": 0.91, "recall": 0.83, "f1": 0.87,
                             "average_precision": 0.9, "n": len(labels)}}}
    if not with_model:
        load_pending(store.db_path, data_dir / "landing")
        return store
    landing.write([ModelInfo(model_id=model_id, task="wildlife", student="tfidf", path="/m",
                             classes=["not_wildlife", "wildlife_product"], threshold=0.5,
                             card=card, created_at=T0)])
    landing.write([Promotion(task="wildlife", model_id=model_id, promoted_at=T0)])
    if with_eval:
        stats = {"task": "wildlife", "model_id": model_id, "n_gold": 60,
                 "student": {"classes": ["not_wildlife", "wildlife_product"],
                             "confusion": [[50, 2], [1, 7]], "accuracy": 0.95, "n": 60,
                             "macro": {"f1": 0.9}, "binary": {"precision": 0.78, "recall": 0.875,
                                                               "f1": 0.82}},
                 "teacher": {"classes": ["not_wildlife", "wildlife_product"],
                             "confusion": [[51, 1], [0, 8]], "binary": {"f1": 0.94}}}
        landing.write([Run(run_id="eval-1", kind="eval", started_at=T0, finished_at=T0,
                           status="done", params={"task": "wildlife"}, stats=stats)])
    load_pending(store.db_path, data_dir / "landing")
    curve = data_dir / "budget_curve.json"
    curve.write_text(json.dumps({"points": [
        {"task": "wildlife", "method": m, "budget": b, "f1": f}
        for m, pts in {"diversity": [(50, 0.55), (100, 0.7), (200, 0.8), (400, 0.86)],
                       "random": [(50, 0.4), (100, 0.58), (200, 0.72), (400, 0.82)]}.items()
        for b, f in pts]}))
    store.budget_curve = curve
    return store


def annotated_png(blobs: Blobs) -> str:
    """Store a small stand-in for an annotated page screenshot; returns its sha256."""
    import io

    from PIL import Image, ImageDraw

    img = Image.new("RGB", (1200, 900), "white")
    draw = ImageDraw.Draw(img)
    draw.rectangle((80, 120, 520, 170), outline="red", width=4)
    draw.text((90, 135), "Only 2 left in stock!", fill="black")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return blobs.put(buf.getvalue())


def _shop(landing: Landing, annotated: str) -> None:
    crawls, pages, elements, preds, findings = {}, {}, [], [], []
    for i, (site, path, text, pattern, finding) in enumerate(SHOP_ELEMENTS):
        crawls.setdefault(site, Crawl(crawl_id=f"crawl-{site}", site=site, started_at=T0,
                                      finished_at=T0 + timedelta(hours=1), status="done"))
        url = f"https://{site}{path}"
        capture_id = stable_id("capture", url)
        pages.setdefault(url, PageCapture(capture_id=capture_id, crawl_id=f"crawl-{site}",
                                          site=site, url=url, engine="browser", fetched_at=T0))
        element_id = stable_id("el", url, i)
        elements.append(Element(element_id=element_id, capture_id=capture_id, site=site, url=url,
                                idx=i, tag="div", text=text, captured_at=T0))
        preds.append(Prediction(task="deceptive-ui", item_id=element_id, item_kind="ui_element",
                                model_id="dui-1", label=pattern or "not_dark_pattern",
                                score=0.8 if pattern else 0.9, threshold=0.5,
                                positive=pattern is not None, created_at=T0))
        if finding:
            findings.append(PageFinding(
                finding_id=stable_id("finding", element_id), capture_id=capture_id, site=site,
                url=url, element_id=element_id, l1=finding[0], l2=finding[1], score=0.95,
                verified_deceptive=finding[2], check="rule", created_at=T0,  # type: ignore[arg-type]
                annotated_sha256=annotated if site == "shop-a.test" else None))
    site, path, l1, l2 = PAGE_LEVEL_FINDING
    findings.append(PageFinding(finding_id="page-level", site=site, url=f"https://{site}{path}",
                                l1=l1, l2=l2, score=0.7, check="drip", created_at=T0))
    landing.write(list(crawls.values()))
    landing.write(list(pages.values()))
    landing.write(elements)
    landing.write(preds)
    landing.write(findings)
    landing.write([PageVerdict(verdict_id="verdict-page-level", site=site, url=f"https://{site}{path}",
                               deceptive=True, probability=0.94, types=["hidden_costs"],
                               verified_types=["hidden_costs"], rule="test", created_at=T0)])


def _demo_shop(landing: Landing, pages: list[dict[str, Any]], crawl_id: str) -> None:
    """The demo site's shop pages: one element per planted pattern (honest look-alikes included)
    plus a plain product-name element; predictions equal the truth's `deceptive`; verified
    patterns also get a detector finding."""
    captures: dict[str, PageCapture] = {}
    elements, preds, findings = [], [], []
    for page in pages:
        items = [(page["path"], page["product"]["name"], None)]
        items += [(p["path"], p["text"], p) for p in page["patterns"]]
        for i, (path, text, pattern) in enumerate(items):
            url = BASE_URL + path
            capture_id = stable_id("capture", url)
            captures.setdefault(url, PageCapture(capture_id=capture_id, crawl_id=crawl_id,
                                                 site=DEMO_SITE, url=url, engine="browser",
                                                 fetched_at=T0))
            element_id = demo_element_id(page["path"], i)
            elements.append(Element(element_id=element_id, capture_id=capture_id, site=DEMO_SITE,
                                    url=url, idx=i, text=text, captured_at=T0))
            deceptive = bool(pattern and pattern["deceptive"])
            preds.append(Prediction(task="deceptive-ui", item_id=element_id,
                                    item_kind="ui_element", model_id="dui-1",
                                    label=pattern["l2"] if deceptive else "not_dark_pattern",
                                    score=0.85, threshold=0.5, positive=deceptive,
                                    created_at=T0))
            if deceptive and pattern["verified_deceptive"] == "yes":
                findings.append(PageFinding(
                    finding_id=stable_id("finding", element_id), capture_id=capture_id,
                    site=DEMO_SITE, url=url, element_id=element_id, l1=pattern["l1"],
                    l2=pattern["l2"], score=0.9, verified_deceptive="yes", check="rule",
                    created_at=T0))
    landing.write(list(captures.values()))
    landing.write(elements)
    landing.write(preds)
    landing.write(findings)


def demo_element_id(page_path: str, index: int) -> str:
    """Element id of the index-th element built for a truth shop page (0 = the product name)."""
    return stable_id("demo-el", page_path, index)
