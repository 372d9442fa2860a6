// Pure helpers shared by the content script, the service worker and the pages (no DOM, no chrome.*).

/** Elements whose text never matters to a reader. */
export const SKIP_TAGS = new Set([
  "SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "SVG", "CANVAS", "IFRAME", "OBJECT", "HEAD",
  "META", "LINK", "TITLE", "BR", "HR", "IMG", "VIDEO", "AUDIO", "PICTURE", "SOURCE",
]);

/** Limits that keep one request small: the server refuses more than this anyway. */
export const MAX_ELEMENTS = 800;
export const MAX_TEXT = 500;
export const MAX_AD_TEXT = 1500;

/** Paths that look like one ad or product page on a marketplace. */
export const AD_PATH = /\/(ad|ads|item|itm|listing|listings|product|products|p|offer)\/[^/?#]+/i;

/** Collapse whitespace and cut to `max` characters. */
export function normalizeText(text, max = MAX_TEXT) {
  const clean = String(text ?? "").replace(/\s+/g, " ").trim();
  return clean.length > max ? clean.slice(0, max) : clean;
}

/** True if a computed style (or a plain object with the same fields) shows the element. */
export function isShownStyle(style) {
  if (!style) return false;
  if (style.display === "none" || style.visibility === "hidden" || style.visibility === "collapse") {
    return false;
  }
  return !(Number.parseFloat(style.opacity) === 0);
}

/** True if a box has an area (zero-size elements are hidden tricks or layout helpers). */
export function hasArea(rect) {
  return Boolean(rect) && rect.width >= 1 && rect.height >= 1;
}

/** True if the text is worth classifying: some letters, not just a price or a number. */
export function isMeaningfulText(text) {
  return /\p{L}{2,}/u.test(text);
}

/** True if `href` points to an ad page other than `pageUrl`. */
export function isAdLink(href, pageUrl) {
  let url;
  try {
    url = new URL(href, pageUrl);
  } catch {
    return false;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  const page = new URL(pageUrl);
  if (url.origin === page.origin && url.pathname === page.pathname) return false;
  return AD_PATH.test(url.pathname);
}

/** True if the page itself is one ad (by its path). */
export function isAdPage(pageUrl) {
  try {
    return AD_PATH.test(new URL(pageUrl).pathname);
  } catch {
    return false;
  }
}

/** The title a page declares for itself: og:title, else the document title up to " | ". */
export function declaredTitle(ogTitle, docTitle) {
  const og = normalizeText(ogTitle);
  if (og) return og;
  return normalizeText(normalizeText(docTitle).split(/\s+[|–—·]\s+/)[0]);
}

/** True if a heading's text is the declared title (either may carry extra words at the end). */
export function isTitleHeading(text, declared) {
  const a = normalizeText(text).toLowerCase();
  const b = normalizeText(declared).toLowerCase();
  if (a.length < 3 || b.length < 3) return false;
  return a === b || b.startsWith(a) || a.startsWith(b);
}

/** The body POST /v1/classify expects. */
export function buildClassifyRequest(url, elements, tasks) {
  const body = { url, elements: elements.slice(0, MAX_ELEMENTS) };
  if (Array.isArray(tasks) && tasks.length > 0) body.tasks = tasks;
  return body;
}

/** A stable fingerprint of a scan, so an unchanged page is not sent again. */
export function scanKey(url, elements) {
  let hash = 2166136261;
  const feed = (s) => {
    for (let i = 0; i < s.length; i += 1) {
      hash ^= s.charCodeAt(i);
      hash = Math.imul(hash, 16777619) >>> 0;
    }
  };
  feed(url);
  // Digits are folded: a ticking countdown or a changing count ("Only 7 left") does not change
  // what the students say, so it must not send the page again every second.
  for (const e of elements) {
    feed(`\u0001${e.kind}\u0002${String(e.text).replace(/\d/g, "0")}\u0003${e.checked ?? ""}`);
  }
  return `${elements.length}:${hash.toString(16)}`;
}

/** A label name for people: "low_stock_message" -> "Low stock message". */
export function prettyLabel(label) {
  const words = String(label).replace(/[_-]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** What the user calls the model of a task: "deceptive-UI model", "wildlife model". The name
 * is the task's display name from its spec (a flag's `task_display`, or the server's task
 * states), so a task the user wrote shows up under its own name. */
export function modelName(task, tasks, display) {
  return `${display || tasks?.[task]?.display_name || task} model`;
}

/** How sure the model is, in whole percent for people: never "100 %", never "0 %". */
export function percentSure(score) {
  return Math.min(99, Math.max(1, Math.round(Number(score) * 100)));
}

/** "a countdown timer", "an activity notification", "hidden costs": a label as a phrase. */
export function labelPhrase(label) {
  const words = prettyLabel(label).toLowerCase();
  if (/[^s]s$/.test(words)) return words;
  return `${/^[aeiou]/.test(words) ? "an" : "a"} ${words}`;
}

/** A flag's first line: "Looks like a countdown timer (deceptive-UI model, 99 % sure)". */
export function flagSentence(flag) {
  return `Looks like ${labelPhrase(flag.label)} (${modelName(flag.task, null, flag.task_display)}, ${percentSure(flag.score)} % sure)`;
}

/** The popup's heading of a flag: "Countdown timer · 99 % sure". */
export function flagHeadline(flag) {
  return `${prettyLabel(flag.label)} \u00b7 ${percentSure(flag.score)} % sure`;
}

/** The lines of a flag's tooltip: what it looks like and how sure, then why (plain text). */
export function tooltipLines(flag) {
  const lines = [flagSentence(flag)];
  if (flag.why) lines.push(String(flag.why));
  return lines;
}

/** The short mark shown on a flagged ad card. */
export function adMarkText(flag) {
  return `\u26a0 ${prettyLabel(flag.label)} \u00b7 ${percentSure(flag.score)} % sure`;
}

/** True if a score is a flag: at or above its threshold and, when the model now serving the task
 * is known, at or above that model's threshold too. */
export function isFlag(flag, tasks) {
  const served = tasks?.[flag.task]?.threshold;
  const threshold = Math.max(Number(flag.threshold) || 0, Number(served) || 0);
  return Number(flag.score) >= threshold;
}

/** The toolbar badge for a number of flags ("" hides it). */
export function badgeText(count) {
  if (!count) return "";
  return count > 99 ? "99+" : String(count);
}

/** What a "this flag is wrong" button says for a task: its negative label as the spec words it
 * ("Not wildlife", "Not deceptive"), else "Wrong". */
export function wrongButtonText(task, tasks) {
  return tasks?.[task]?.negative_display || "Wrong";
}

/** The body POST /v1/feedback expects for a flag and a verdict ("correct" or "wrong"). */
export function buildFeedback(flag, verdict, url) {
  return {
    task: flag.task,
    item_id: flag.item_id,
    item_kind: flag.item_kind,
    verdict,
    label: flag.label,
    url,
    text: String(flag.text ?? "").slice(0, 10000),
  };
}

/** Call `fn` once calls stop for `waitMs` (scans on bursts of DOM changes). */
export function debounce(fn, waitMs, timers = globalThis) {
  let handle = null;
  const wrapped = (...args) => {
    if (handle !== null) timers.clearTimeout(handle);
    handle = timers.setTimeout(() => {
      handle = null;
      fn(...args);
    }, waitMs);
  };
  wrapped.cancel = () => {
    if (handle !== null) timers.clearTimeout(handle);
    handle = null;
  };
  return wrapped;
}

/** Merge live flags and stored findings into one list for the popup (live first). Scores under
 * the threshold are not flags and are left out; `tasks` are the served models per task. */
export function popupEntries(flags, stored, tasks) {
  const entries = (flags || []).filter((f) => isFlag(f, tasks)).map((f) => ({ ...f, source: "live" }));
  const seen = new Set(entries.map((f) => `${f.task}|${f.item_id}`));
  for (const f of stored?.findings || []) {
    const key = `${f.task}|${f.item_id}`;
    if (seen.has(key) || !isFlag(f, tasks)) continue;
    seen.add(key);
    entries.push({ ...f, source: "stored", why: `Found earlier by the ${modelName(f.task, tasks)}.` });
  }
  for (const p of stored?.page_findings || []) {
    entries.push({
      task: "deceptive-ui", item_id: p.element_id || p.finding_id, item_kind: "ui_element",
      label: p.l2, score: p.score, threshold: 0, text: p.explanation || "",
      why: `${p.check} check: ${p.explanation || p.l1}`, source: "stored", feedback: false,
    });
  }
  return entries;
}

/** The page's stored verdict in one line ("" when the page was never audited). */
export function verdictLine(verdict) {
  if (!verdict) return "";
  const sure = percentSure(verdict.probability);
  if (!verdict.deceptive) return `Audit verdict: no deceptive design found (${sure} % likely deceptive)`;
  const shown = new Set(verdict.verified_types || []);
  const names = (verdict.type_names || verdict.types || []).map((name, i) =>
    shown.has((verdict.types || [])[i]) ? `${name} (shown false)` : name);
  return `Audit verdict: deceptive (${sure} % likely)${names.length ? `: ${names.join(", ")}` : ""}`;
}

/** One line per served model on how far to trust its flags: "Deceptive-UI model: 3313 labels, …". */
export function trustLines(tasks) {
  return Object.entries(tasks || {})
    .filter(([, t]) => t && t.model_id && t.trust)
    .map(([task, t]) => {
      const name = modelName(task, tasks);
      return `${name.charAt(0).toUpperCase()}${name.slice(1)}: ${t.trust}`;
    });
}
