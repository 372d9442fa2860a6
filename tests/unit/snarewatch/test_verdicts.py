"""Page verdicts in the store: written as records, read back for a URL."""

from __future__ import annotations

from datetime import timedelta

from snarewatch.schema import PageVerdict, utcnow
from snarewatch.store import Landing, load_pending
from snarewatch.verdicts import page_verdict, page_verdicts


def _verdict(vid: str, url: str, deceptive: bool, p: float, **kw) -> PageVerdict:
    return PageVerdict(verdict_id=vid, site=kw.pop("site", "shop.test"), url=url,
                       deceptive=deceptive, probability=p, types=kw.pop("types", []),
                       evidence={"features": {"checks": int(deceptive)}}, rule="r", **kw)


def test_newest_verdict_per_url_is_read_back(settings):
    old = utcnow() - timedelta(hours=1)
    Landing(settings.landing_dir).write([
        _verdict("v1", "https://shop.test/p/1", True, 0.9, types=["countdown_timer"],
                 verified_types=["countdown_timer"], created_at=old),
        _verdict("v2", "https://shop.test/p/1", False, 0.2),
        _verdict("v3", "https://shop.test/p/2/", True, 0.7, types=["confirmshaming"]),
        _verdict("v4", "https://other.test/", False, 0.1, site="other.test"),
    ])
    load_pending(settings.db_path, settings.landing_dir)
    latest = page_verdict(settings.db_path, "https://shop.test/p/1")
    assert latest is not None and latest.verdict_id == "v2" and not latest.deceptive
    # Fragments and a trailing slash do not matter.
    v3 = page_verdict(settings.db_path, "https://shop.test/p/2#reviews")
    assert v3 is not None and v3.types == ["confirmshaming"]
    assert v3.evidence == {"features": {"checks": 1}}
    assert page_verdict(settings.db_path, "https://shop.test/p/9") is None
    assert [v.verdict_id for v in page_verdicts(settings.db_path)] == ["v3", "v2", "v4"]
    assert [v.verdict_id for v in page_verdicts(settings.db_path, site="shop.test",
                                                deceptive=True)] == ["v3"]


def test_no_store_yet_means_no_verdict(settings):
    assert page_verdict(settings.db_path, "https://shop.test/") is None
