"""`snarewatch detect` over stored element maps: findings land in page_findings, linked, and the
page gets a verdict."""

from __future__ import annotations

from snarewatch.schema import Element, PageCapture


def _elements(capture_id: str) -> list[Element]:
    rows = [
        dict(
            tag="p",
            text="We use cookies to personalise ads.",
            selector="#cb > p:nth-of-type(1)",
            in_overlay=True,
            y=700,
        ),
        dict(
            tag="button",
            text="Accept all",
            selector="#cb > div > button:nth-of-type(1)",
            y=690,
            width=220,
            height=52,
            font_size=18.0,
            color="rgb(255, 255, 255)",
            background_color="rgb(22, 163, 74)",
            in_overlay=True,
        ),
        dict(
            tag="button",
            text="No thanks, I prefer paying full price",
            selector="#m > button",
            y=300,
            width=200,
            height=20,
            font_size=14.0,
        ),
        dict(tag="button", text="No thanks", selector="#m2 > button", y=350, width=80, height=20),
        dict(
            tag="input",
            input_type="checkbox",
            checked=True,
            text="Add travel insurance $9",
            selector="#ins",
            y=400,
            width=200,
            height=20,
        ),
    ]
    return [
        Element(
            element_id=f"{capture_id}-{i}",
            capture_id=capture_id,
            site="shop.test",
            url="https://shop.test/p/1",
            idx=i,
            x=10.0,
            **{"width": 100.0, "height": 20.0, "font_size": 16.0, **r},
        )
        for i, r in enumerate(rows)
    ]


def test_detect_stored_writes_linked_findings(settings):
    from snarewatch.pipeline.detect import detect_stored
    from snarewatch.store import Landing, load_pending, query_records

    landing = Landing(settings.landing_dir)
    landing.write(
        [
            PageCapture(
                capture_id="c1",
                crawl_id="k",
                site="shop.test",
                url="https://shop.test/p/1",
                engine="browser",
            )
        ]
    )
    landing.write(_elements("c1"))
    load_pending(settings.db_path, settings.landing_dir)

    summary = detect_stored(settings)
    assert summary["pages"] == 1 and summary["failed"] == 0 and summary["student"] is None
    rows = query_records(settings.db_path, "SELECT l2, element_id FROM page_findings ORDER BY l2")
    assert [(r["l2"], r["element_id"]) for r in rows] == [
        ("confirmshaming", "c1-2"),
        ("preselection", "c1-4"),
        ("visual_interference", "c1-1"),
    ]
    from snarewatch.verdicts import page_verdict

    verdict = page_verdict(settings.db_path, "https://shop.test/p/1")
    assert verdict is not None and verdict.deceptive and summary["pages_deceptive"] == 1
    assert verdict.capture_id == "c1" and verdict.visits == 1
    assert set(verdict.types) == {"confirmshaming", "preselection", "visual_interference"}
    # Already-checked captures are skipped unless forced.
    assert detect_stored(settings)["pages"] == 0
    assert detect_stored(settings, force=True)["pages"] == 1
