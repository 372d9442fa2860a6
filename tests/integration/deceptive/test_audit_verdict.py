"""`snarewatch audit` gives every page one verdict, stores it and reads it back by URL."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_audit_stores_a_verdict_per_page(shop_base, settings):
    from snarewatch.pipeline.audit import audit_url, verdict_line
    from snarewatch.verdicts import page_verdict, page_verdicts

    bad = audit_url(settings, f"{shop_base}/shop/weighted-blanket", wait_s=1.0,
                    follow_checkout=False)
    good = audit_url(settings, f"{shop_base}/shop/dog-bed", wait_s=1.0, follow_checkout=False)
    assert bad["verdict"]["deceptive"] and not good["verdict"]["deceptive"]
    assert {"countdown_timer", "low_stock_message"} <= set(bad["verdict"]["verified_types"])
    assert verdict_line(bad["verdict"]).startswith("Verdict: DECEPTIVE")
    assert verdict_line(good["verdict"]).startswith("Verdict: no deceptive design found")
    stored = page_verdict(settings.db_path, f"{shop_base}/shop/weighted-blanket")
    assert stored is not None and stored.deceptive and stored.capture_id == bad["capture_id"]
    assert stored.visits >= 3 and stored.types[: len(stored.verified_types)]
    assert [v.deceptive for v in page_verdicts(settings.db_path)] == [True, False]
