"""The analyst views agree with the demo marketplace's ground truth when predictions equal it."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

from report_store import DEMO_SITE, PAGE_LEVEL_FINDING, SHOP_ELEMENTS, DemoStore, demo_element_id

from snarewatch.schema import Ad, Label
from snarewatch.store import Landing, load_pending, query_records


def _key(pattern: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", pattern.lower()).strip("_")


def _cluster_of(t: dict) -> str:
    return t["repost_of"] or t["id"]


def test_wildlife_ads_has_one_row_per_ad_with_truth_flags(demo_store: DemoStore) -> None:
    rows = {r["ad_id"]: r for r in query_records(demo_store.db_path, "SELECT * FROM wildlife_ads")}
    assert len(rows) == len(demo_store.truth)
    for t in demo_store.truth:
        row = rows[demo_store.ad_ids[t["id"]]]
        assert row["positive"] == bool(t["is_wildlife"])
        assert row["seller"] == t["seller"] and row["category"] == t["category"]
        assert str(row["posted_date"]) == str(t["posted_date"])[:10]
        if t["id"] in demo_store.labelled:
            assert row["label"] == ("wildlife_product" if t["is_wildlife"] else "not_wildlife")
            assert row["product_type"] == (t["product_type"] if t["is_wildlife"] else None)
        else:
            assert row["label"] is None and row["product_type"] is None


def test_wildlife_ads_repost_clusters_group_truth_reposts(demo_store: DemoStore) -> None:
    rows = query_records(demo_store.db_path, "SELECT ad_id, repost_cluster FROM wildlife_ads")
    cluster = {r["ad_id"]: r["repost_cluster"] for r in rows}
    for t in demo_store.truth:
        if t["repost_of"]:
            assert cluster[demo_store.ad_ids[t["id"]]] == cluster[demo_store.ad_ids[t["repost_of"]]]


def test_sellers_counts_equal_truth(demo_store: DemoStore) -> None:
    ads, flagged, clusters = Counter(), Counter(), defaultdict(set)
    types = defaultdict(set)
    for t in demo_store.truth:
        ads[t["seller"]] += 1
        flagged[t["seller"]] += bool(t["is_wildlife"])
        clusters[t["seller"]].add(_cluster_of(t))
        if t["is_wildlife"] and t["id"] in demo_store.labelled:
            types[t["seller"]].add(t["product_type"])
    rows = query_records(demo_store.db_path, "SELECT * FROM sellers")
    assert {r["seller"] for r in rows} == set(ads)
    for r in rows:
        name = r["seller"]
        assert (r["ads"], r["flagged_ads"]) == (ads[name], flagged[name]), name
        assert r["repost_clusters"] == len(clusters[name])
        assert r["sites"] == [DEMO_SITE] and r["n_sites"] == 1
        assert set(r["product_types"]) == types[name]
        assert r["flag_rate"] == round(flagged[name] / ads[name], 4)


def test_repost_clusters_sizes_equal_truth(demo_store: DemoStore) -> None:
    size, wild = Counter(), Counter()
    for t in demo_store.truth:
        size[_cluster_of(t)] += 1
        wild[_cluster_of(t)] += bool(t["is_wildlife"])
    rows = query_records(demo_store.db_path,
                         "SELECT ads, flagged_ads FROM repost_clusters WHERE ads > 1")
    expected = sorted((n, wild[c]) for c, n in size.items() if n > 1)
    assert sorted((r["ads"], r["flagged_ads"]) for r in rows) == expected
    assert expected, "the demo truth should contain reposts"


def test_sites_rows_count_pages_ads_flags_and_last_crawl(demo_store: DemoStore) -> None:
    rows = {r["site"]: r for r in query_records(demo_store.db_path, "SELECT * FROM sites")}
    n = len(demo_store.truth)
    n_wild = sum(bool(t["is_wildlife"]) for t in demo_store.truth)
    patterns = [p for page in demo_store.pages for p in page["patterns"]]
    shop_urls = {page["path"] for page in demo_store.pages} | {p["path"] for p in patterns}
    demo = rows[DEMO_SITE]
    assert (demo["pages"], demo["ads"], demo["flagged_ads"]) == (n + len(shop_urls), n, n_wild)
    assert demo["ui_elements"] == len(demo_store.pages) + len(patterns)
    assert demo["flagged_elements"] == sum(p["deceptive"] for p in patterns)
    assert demo["page_findings"] == sum(
        p["deceptive"] and p["verified_deceptive"] == "yes" for p in patterns)
    assert demo["ad_flag_rate"] == round(n_wild / n, 4)
    assert demo["last_crawl"] is not None and demo["crawls"] == 1
    for site in {e[0] for e in SHOP_ELEMENTS}:
        mine = [e for e in SHOP_ELEMENTS if e[0] == site]
        flagged = sum(1 for e in mine if e[3] or e[4])
        findings = sum(1 for e in mine if e[4]) + (PAGE_LEVEL_FINDING[0] == site)
        row = rows[site]
        assert (row["ui_elements"], row["flagged_elements"], row["page_findings"]) == (
            len(mine), flagged, findings)
        assert row["ads"] == 0 and row["ad_flag_rate"] is None


def test_deceptive_elements_match_the_demo_shop_truth(demo_store: DemoStore) -> None:
    rows = {r["element_id"]: r for r in query_records(
        demo_store.db_path, "SELECT * FROM deceptive_elements WHERE site = ?", [DEMO_SITE])}
    for page in demo_store.pages:
        assert rows[demo_element_id(page["path"], 0)]["pattern"] is None  # the product name
        for i, p in enumerate(page["patterns"], start=1):
            row = rows[demo_element_id(page["path"], i)]
            assert row["flagged"] == p["deceptive"], p["id"]
            assert row["pattern"] == (_key(p["l2"]) if p["deceptive"] else None)
            if p["deceptive"] and p["verified_deceptive"] == "yes":
                assert (row["finding_l2"], row["verified_deceptive"]) == (p["l2"], "yes")
            else:
                assert row["finding_id"] is None


def test_deceptive_elements_prefer_findings_then_predictions(demo_store: DemoStore) -> None:
    rows = {r["text"]: r for r in query_records(
        demo_store.db_path, "SELECT * FROM deceptive_elements WHERE site LIKE 'shop-%'")}
    assert len(rows) == len(SHOP_ELEMENTS)
    for _site, _path, text, predicted, finding in SHOP_ELEMENTS:
        row = rows[text]
        assert row["positive"] == (predicted is not None)
        assert row["pattern"] == (finding[1] if finding else predicted)
        assert row["flagged"] == bool(predicted or finding)
        assert row["verified_deceptive"] == (finding[2] if finding else None)
        assert row["n_findings"] == (1 if finding else 0)


def test_findings_view_keeps_its_columns(demo_store: DemoStore) -> None:
    rows = query_records(demo_store.db_path, "SELECT * FROM findings WHERE task = 'wildlife'")
    assert len(rows) == sum(bool(t["is_wildlife"]) for t in demo_store.truth)
    # The original columns first (queries written against them keep working), then how each
    # flag was checked.
    assert list(rows[0]) == ["task", "item_id", "item_kind", "site", "url", "text", "label",
                             "score", "threshold", "model_id", "created_at", "verification",
                             "verified_by", "verifier_score"]
    assert {r["verification"] for r in rows} == {"unverified"}


def test_product_type_conventions_and_human_override(tmp_path: Path) -> None:
    landing = Landing(tmp_path / "landing")
    db = tmp_path / "snarewatch.duckdb"
    landing.write([Ad(ad_id="a1", site="s", title="horn cup"), Ad(ad_id="a2", site="s"),
                   Ad(ad_id="a3", site="s"), Ad(ad_id="a4", site="s")])
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    landing.write([
        Label(label_id="l1", task="wildlife", item_id="a1", item_kind="ad",
              value="wildlife_product", source="llm:x", created_at=t0),
        Label(label_id="l2", task="wildlife-product-type", item_id="a1", item_kind="ad",
              value="horn", source="llm:x", created_at=t0),
        Label(label_id="l3", task="wildlife", item_id="a2", item_kind="ad",
              value="wildlife_product:ivory", source="llm:x", created_at=t0),
        # A person's label wins over a newer LLM label.
        Label(label_id="l4", task="wildlife", item_id="a2", item_kind="ad",
              value="not_wildlife", source="human:ana", created_at=t0),
        Label(label_id="l5", task="wildlife", item_id="a2", item_kind="ad",
              value="wildlife_product:bone", source="llm:y",
              created_at=datetime(2025, 2, 1, tzinfo=UTC)),
        Label(label_id="l6", task="wildlife", item_id="a3", item_kind="ad",
              value="wildlife_product:ivory", source="llm:x", created_at=t0),
        Label(label_id="l7", task="wildlife", item_id="a4", item_kind="ad",
              value="scales", source="llm:x", created_at=t0),
    ])
    load_pending(db, tmp_path / "landing")
    rows = {r["ad_id"]: r for r in query_records(db, "SELECT * FROM wildlife_ads")}
    assert (rows["a1"]["label"], rows["a1"]["product_type"]) == ("wildlife_product", "horn")
    assert (rows["a2"]["label"], rows["a2"]["product_type"], rows["a2"]["label_source"]) == (
        "not_wildlife", None, "human:ana")
    assert (rows["a3"]["label"], rows["a3"]["product_type"]) == ("wildlife_product", "ivory")
    assert (rows["a4"]["label"], rows["a4"]["product_type"]) == ("scales", "scales")
    assert rows["a1"]["positive"] is False  # no prediction yet: not flagged


def test_the_bundled_views_are_the_task_macros_applied_to_the_bundled_tasks(
        demo_store: DemoStore) -> None:
    pairs = {
        "wildlife_ads": "task_ads('wildlife', positive_label := 'wildlife_product')",
        "sellers": "task_sellers('wildlife', positive_label := 'wildlife_product')",
        "repost_clusters": "task_repost_clusters('wildlife')",
        "deceptive_elements": "task_elements('deceptive-ui')",
        "sites": "task_sites('wildlife', 'deceptive-ui')",
    }
    for view, call in pairs.items():
        diff = query_records(demo_store.db_path, f"""
            SELECT count(*) AS n FROM (
                (SELECT * FROM {view} EXCEPT ALL SELECT * FROM {call})
                UNION ALL (SELECT * FROM {call} EXCEPT ALL SELECT * FROM {view}))""")
        assert diff[0]["n"] == 0, view
        assert query_records(demo_store.db_path, f"SELECT count(*) AS n FROM {view}")[0]["n"] > 0


def test_a_task_of_another_name_gets_per_ad_and_per_seller_rows(tmp_path: Path) -> None:
    landing = Landing(tmp_path / "landing")
    db = tmp_path / "snarewatch.duckdb"
    landing.write([Ad(ad_id="a1", site="s", seller="kim", title="replica bag"),
                   Ad(ad_id="a2", site="s", seller="kim", title="oak table"),
                   Ad(ad_id="a3", site="t", seller="lee", title="copy watch")])
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    landing.write([
        Label(label_id=f"l{i}", task="counterfeit", item_id=ad, item_kind="ad", value=value,
              source="human:ana", created_at=t0)
        for i, (ad, value) in enumerate([("a1", "counterfeit:bag"), ("a2", "genuine"),
                                         ("a3", "counterfeit")])])
    load_pending(db, tmp_path / "landing")
    ads = {r["ad_id"]: r for r in query_records(db, "SELECT * FROM task_ads('counterfeit')")}
    assert set(ads) == {"a1", "a2", "a3"}
    assert (ads["a1"]["label"], ads["a1"]["product_type"]) == ("counterfeit", "bag")
    assert (ads["a2"]["label"], ads["a2"]["product_type"]) == ("genuine", None)
    # The wildlife view knows nothing of this task's labels.
    assert {r["label"] for r in query_records(db, "SELECT label FROM wildlife_ads")} == {None}
    sellers = {r["seller"]: r for r in query_records(
        db, "SELECT * FROM task_sellers('counterfeit')")}
    assert sellers["kim"]["ads"] == 2 and sellers["kim"]["product_types"] == ["bag"]
