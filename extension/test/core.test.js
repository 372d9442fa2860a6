import assert from "node:assert/strict";
import { test } from "node:test";

import {
  adMarkText, badgeText, buildClassifyRequest, buildFeedback, debounce, declaredTitle, hasArea,
  flagHeadline, isAdLink, isAdPage, isFlag, isMeaningfulText, isShownStyle, isTitleHeading,
  labelPhrase, normalizeText, percentSure, popupEntries, prettyLabel, scanKey, tooltipLines,
  trustLines, verdictLine, wrongButtonText,
} from "../src/lib/core.js";

const flag = {
  element: "e3", task: "deceptive-ui", item_id: "abc", item_kind: "ui_element",
  label: "low_stock_message", score: 0.876, threshold: 0.5, model_id: "m1",
  why: "A claim that few items are left, to hurry you.", task_display: "deceptive-UI",
};

test("normalizeText collapses whitespace and cuts long text", () => {
  assert.equal(normalizeText("  Only\n\n 2   left "), "Only 2 left");
  assert.equal(normalizeText("x".repeat(600)).length, 500);
  assert.equal(normalizeText(null), "");
});

test("visibility helpers", () => {
  assert.equal(isShownStyle({ display: "block", visibility: "visible", opacity: "1" }), true);
  assert.equal(isShownStyle({ display: "none", visibility: "visible", opacity: "1" }), false);
  assert.equal(isShownStyle({ display: "block", visibility: "hidden", opacity: "1" }), false);
  assert.equal(isShownStyle({ display: "block", visibility: "visible", opacity: "0" }), false);
  assert.equal(hasArea({ width: 10, height: 0 }), false);
  assert.equal(hasArea({ width: 10, height: 12 }), true);
  assert.equal(isMeaningfulText("$12.99"), false);
  assert.equal(isMeaningfulText("Only 2 left"), true);
  assert.equal(isMeaningfulText("Còn 2 cái"), true);
});

test("ad links and ad pages are recognised by their path", () => {
  const page = "http://127.0.0.1:5000/category/pets-birds";
  assert.equal(isAdLink("/ad/123", page), true);
  assert.equal(isAdLink("http://127.0.0.1:5000/shop/deals", page), false);
  assert.equal(isAdLink("javascript:alert(1)//ad/1", page), false);
  assert.equal(isAdLink("/ad/123", "http://127.0.0.1:5000/ad/123"), false);
  assert.equal(isAdPage("http://x.test/ad/99?ref=1"), true);
  assert.equal(isAdPage("http://x.test/"), false);
});

test("classify request keeps tasks only when chosen and caps the elements", () => {
  const many = Array.from({ length: 900 }, (_, i) => ({ id: `e${i}`, text: "t" }));
  const body = buildClassifyRequest("http://x/", many, []);
  assert.equal(body.elements.length, 800);
  assert.equal("tasks" in body, false);
  assert.deepEqual(buildClassifyRequest("http://x/", [], ["wildlife"]).tasks, ["wildlife"]);
});

test("scanKey changes when text or a checkbox changes, not otherwise", () => {
  const a = [{ kind: "ui_element", text: "Hello" }, { kind: "ui_element", text: "Opt in", checked: true }];
  const b = [{ kind: "ui_element", text: "Hello" }, { kind: "ui_element", text: "Opt in", checked: false }];
  assert.equal(scanKey("http://x/", a), scanKey("http://x/", structuredClone(a)));
  assert.notEqual(scanKey("http://x/", a), scanKey("http://x/", b));
  assert.notEqual(scanKey("http://x/", a), scanKey("http://y/", a));
});

test("scanKey ignores digits only: a ticking countdown is not a new page", () => {
  const tick = (t) => [{ kind: "ui_element", text: `Sale ends in ${t}` }];
  assert.equal(scanKey("http://x/", tick("14:59")), scanKey("http://x/", tick("14:58")));
  assert.notEqual(scanKey("http://x/", tick("14:59")), scanKey("http://x/", tick("ended")));
});

test("the declared title finds an ad's heading whatever its tag", () => {
  assert.equal(declaredTitle("Pangolin scales 10g", "ignored | Site"), "Pangolin scales 10g");
  assert.equal(declaredTitle(null, "Pangolin scales 10g | Medicine | Tradepost"), "Pangolin scales 10g");
  assert.equal(declaredTitle("", "Rhino horn – Shop"), "Rhino horn");
  assert.equal(isTitleHeading("  Pangolin scales\n10g ", "pangolin scales 10g"), true);
  assert.equal(isTitleHeading("Pangolin scales 10g NZ$ 90", "Pangolin scales 10g"), true);
  assert.equal(isTitleHeading("Similar ads", "Pangolin scales 10g"), false);
  assert.equal(isTitleHeading("ab", "ab"), false);
  assert.equal(isTitleHeading("Anything", ""), false);
});

test("tooltip and marks say what it looks like, how sure, and why, in plain words", () => {
  assert.equal(prettyLabel("low_stock_message"), "Low stock message");
  assert.deepEqual(tooltipLines(flag), [
    "Looks like a low stock message (deceptive-UI model, 88 % sure)",
    "A claim that few items are left, to hurry you.",
  ]);
  assert.equal(tooltipLines({ ...flag, label: "countdown_timer", score: 0.993 })[0],
    "Looks like a countdown timer (deceptive-UI model, 99 % sure)");
  assert.equal(tooltipLines({ ...flag, task: "wildlife", task_display: "wildlife",
    label: "wildlife_product", why: "" })[0],
    "Looks like a wildlife product (wildlife model, 88 % sure)");
  // A task the user wrote is named as its spec names it; without a name, by its task name.
  assert.equal(tooltipLines({ ...flag, task: "fake-reviews", task_display: "Fake reviews",
    label: "fake_review", why: "" })[0], "Looks like a fake review (Fake reviews model, 88 % sure)");
  assert.equal(tooltipLines({ ...flag, task: "my-task", task_display: undefined,
    label: "odd", why: "" })[0], "Looks like an odd (my-task model, 88 % sure)");
  assert.equal(tooltipLines({ ...flag, why: "" }).length, 1);
  assert.equal(adMarkText({ ...flag, label: "wildlife_product", score: 0.9 }), "\u26a0 Wildlife product \u00b7 90 % sure");
  assert.equal(flagHeadline(flag), "Low stock message \u00b7 88 % sure");
  assert.equal(labelPhrase("activity_notification"), "an activity notification");
  assert.equal(labelPhrase("hidden_costs"), "hidden costs");
  assert.deepEqual([percentSure(1), percentSure(0.001), percentSure(0.5)], [99, 1, 50]);
});

test("a score under the threshold is not a flag", () => {
  assert.equal(isFlag(flag), true);
  assert.equal(isFlag({ ...flag, score: 0.21 }), false);
  assert.equal(isFlag({ ...flag, score: 0.5 }), true);
  // A finding stored by another model counts against the threshold of the model serving now.
  const tasks = { "deceptive-ui": { threshold: 0.9 } };
  assert.equal(isFlag({ ...flag, threshold: 0.1 }, tasks), false);
  assert.equal(isFlag({ ...flag, score: 0.95, threshold: 0.1 }, tasks), true);
});

test("badge text", () => {
  assert.equal(badgeText(0), "");
  assert.equal(badgeText(7), "7");
  assert.equal(badgeText(150), "99+");
});

test("feedback body and button text", () => {
  const body = buildFeedback({ ...flag, text: "Only 2 left" }, "wrong", "http://shop/x");
  assert.deepEqual(body, {
    task: "deceptive-ui", item_id: "abc", item_kind: "ui_element", verdict: "wrong",
    label: "low_stock_message", url: "http://shop/x", text: "Only 2 left",
  });
  const tasks = {
    "deceptive-ui": { display_name: "deceptive-UI", negative_display: "Not deceptive" },
    wildlife: { display_name: "wildlife", negative_display: "Not wildlife" },
  };
  assert.equal(wrongButtonText("deceptive-ui", tasks), "Not deceptive");
  assert.equal(wrongButtonText("wildlife", tasks), "Not wildlife");
  assert.equal(wrongButtonText("my-task", tasks), "Wrong");
});

test("debounce runs once after the calls stop", () => {
  const timers = [];
  const fake = {
    setTimeout: (fn) => { timers.push({ fn, live: true }); return timers.length - 1; },
    clearTimeout: (h) => { timers[h].live = false; },
  };
  let calls = 0;
  const d = debounce(() => { calls += 1; }, 100, fake);
  d(); d(); d();
  timers.filter((t) => t.live).forEach((t) => t.fn());
  assert.equal(calls, 1);
  assert.equal(timers.filter((t) => t.live).length, 1);
});

test("popup entries merge live flags and stored findings without duplicates", () => {
  const stored = {
    findings: [{ task: "deceptive-ui", item_id: "abc", label: "x", score: 1, model_id: "m" },
               { task: "wildlife", item_id: "ad1", label: "wildlife_product", score: 0.9, model_id: "m" },
               { task: "wildlife", item_id: "ad2", label: "wildlife_product", score: 0.21,
                 threshold: 0.1, model_id: "old" }],
    page_findings: [{ finding_id: "f1", l1: "Social Engineering", l2: "Countdown Timer", score: 1,
                      check: "timer", explanation: "resets on reload" }],
  };
  const entries = popupEntries([flag, { ...flag, item_id: "low", score: 0.2 }], stored,
    { wildlife: { threshold: 0.4 } });
  assert.deepEqual(entries.map((e) => [e.source, e.item_id]), [["live", "abc"], ["stored", "ad1"], ["stored", "f1"]]);
  assert.equal(entries[1].why, "Found earlier by the wildlife model.");
  assert.equal(entries[2].why, "timer check: resets on reload");
});

test("the page verdict reads as one line, checked types marked", () => {
  assert.equal(verdictLine(null), "");
  assert.equal(verdictLine({ deceptive: false, probability: 0.22, types: [], verified_types: [] }),
    "Audit verdict: no deceptive design found (22 % likely deceptive)");
  assert.equal(verdictLine({ deceptive: true, probability: 0.99, types: ["countdown_timer", "confirmshaming"],
    type_names: ["Countdown Timer", "Confirmshaming"], verified_types: ["countdown_timer"] }),
    "Audit verdict: deceptive (99 % likely): Countdown Timer (shown false), Confirmshaming");
});

test("each served model says how far to trust it; unserved tasks say nothing", () => {
  const lines = trustLines({
    "deceptive-ui": { model_id: "d1", display_name: "deceptive-UI",
      trust: "3313 labels, CV F1 0.96 on the shipped human labels" },
    wildlife: { model_id: null, trust: "" },
  });
  assert.deepEqual(lines, ["Deceptive-UI model: 3313 labels, CV F1 0.96 on the shipped human labels"]);
});
