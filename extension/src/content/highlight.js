// Draws flags over the page without touching the page's own elements. Outlines, ad marks and
// the tooltip live in one host element with a closed shadow root, so a page script sees one empty
// element it cannot open: which elements were flagged, their labels and the server's address stay
// in this content script's isolated world. Text only, never HTML.
import { adMarkText, tooltipLines } from "../lib/core.js";
import { markOwn } from "./own.js";

const REFRESH_MS = 1000; // follow layout shifts the page makes without scrolling

const STYLE = `
  :host { all: initial !important; position: fixed !important; inset: 0 auto auto 0 !important;
    width: 0 !important; height: 0 !important; overflow: visible !important;
    z-index: 2147483647 !important; pointer-events: none !important; display: block !important; }
  .box { position: fixed; box-sizing: border-box; border: 3px solid #d32f2f; border-radius: 3px;
    pointer-events: none; }
  .box.ad { border: 3px dashed #ef6c00; }
  .mark { position: fixed; padding: 1px 6px; background: #ef6c00; color: #fff;
    font: 600 12px/1.5 system-ui, sans-serif; border-radius: 4px; white-space: nowrap;
    pointer-events: none; }
  .tip { position: fixed; max-width: 360px; padding: 8px 10px; background: #1f1f1f; color: #fff;
    font: 13px/1.4 system-ui, sans-serif; border-radius: 6px; white-space: pre-wrap;
    box-shadow: 0 2px 8px rgba(0,0,0,.35); pointer-events: none; }
  .tip[hidden] { display: none; }
  .tip div:first-child { font-weight: 600; }`;

/** Flagged page element -> {flags, lines, ad, mark}; only this script can read it. */
const flagged = new Map();
let overlay = null;
let frame = 0;
let shownLines = null;

function styleInto(doc, root) {
  try {
    // A constructed sheet needs no inline <style>, which a page's CSP may forbid.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLE);
    root.adoptedStyleSheets = [sheet];
  } catch {
    const style = doc.createElement("style");
    style.textContent = STYLE;
    root.append(style);
  }
}

function ensureOverlay(doc) {
  if (!overlay) {
    const host = markOwn(doc.createElement("div"));
    const root = host.attachShadow({ mode: "closed" });
    styleInto(doc, root);
    const layer = doc.createElement("div");
    const tip = doc.createElement("div");
    tip.className = "tip";
    tip.hidden = true;
    root.append(layer, tip);
    overlay = { host, layer, tip };
  }
  // Pages that rebuild their DOM may drop the host: put the same one back.
  if (!overlay.host.isConnected) doc.documentElement.append(overlay.host);
  return overlay;
}

function place(node, left, top, width, height) {
  node.style.left = `${Math.round(left)}px`;
  node.style.top = `${Math.round(top)}px`;
  if (width !== undefined) node.style.width = `${Math.round(width)}px`;
  if (height !== undefined) node.style.height = `${Math.round(height)}px`;
}

function render(doc) {
  frame = 0;
  if (flagged.size === 0) {
    if (overlay) overlay.layer.replaceChildren();
    return;
  }
  const { layer } = ensureOverlay(doc);
  const nodes = [];
  for (const [el, info] of flagged) {
    if (!el.isConnected) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) continue;
    const box = doc.createElement("div");
    box.className = info.ad ? "box ad" : "box";
    place(box, r.left - 4, r.top - 4, r.width + 8, r.height + 8);
    nodes.push(box);
    if (info.ad) {
      const mark = doc.createElement("div");
      mark.className = "mark";
      mark.textContent = info.mark;
      place(mark, r.left - 4, Math.max(0, r.top - 26));
      nodes.push(mark);
    }
  }
  layer.replaceChildren(...nodes);
}

function schedule(doc) {
  if (!frame) frame = requestAnimationFrame(() => render(doc));
}

/** The flagged element at or above `node`, or null. */
function flaggedAround(node) {
  for (let n = node; n; n = n.parentElement) if (flagged.has(n)) return n;
  return null;
}

/** Forget every flag and remove what was drawn. */
export function clearFlags() {
  flagged.clear();
  shownLines = null;
  if (overlay) {
    overlay.layer.replaceChildren();
    overlay.tip.hidden = true;
  }
}

/** Outline flagged elements (ads get a mark too); returns how many were drawn. */
export function applyFlags(doc, handles, flags) {
  let drawn = 0;
  for (const flag of flags) {
    const el = handles.get(flag.element);
    if (!el || !el.isConnected) continue;
    const info = flagged.get(el) || { flags: [], lines: [], ad: false, mark: "" };
    info.lines = info.lines.concat(info.lines.length ? [""] : [], tooltipLines(flag));
    info.flags.push(flag);
    if (flag.item_kind === "ad") {
      info.ad = true;
      info.mark = adMarkText(flag);
    }
    flagged.set(el, info);
    drawn += 1;
  }
  render(doc);
  return drawn;
}

function showTip(doc, target) {
  const { tip } = ensureOverlay(doc);
  const lines = flagged.get(target).lines;
  tip.replaceChildren(...lines.map((line) => {
    const row = doc.createElement("div");
    row.textContent = line;
    return row;
  }));
  const rect = target.getBoundingClientRect();
  const view = doc.documentElement;
  const below = rect.bottom + 6 <= view.clientHeight - 80;
  place(tip, Math.max(4, Math.min(rect.left, view.clientWidth - 370)),
    below ? rect.bottom + 6 : Math.max(4, rect.top - 90));
  tip.hidden = false;
  shownLines = lines;
}

function hideTip() {
  if (overlay) overlay.tip.hidden = true;
  shownLines = null;
}

/** Keep outlines on their elements while the page scrolls or moves, and show the tooltip of the
 * flagged element under the pointer (event delegation, in this script's world). */
export function installOverlay(doc, win) {
  doc.addEventListener("mouseover", (event) => {
    const target = flaggedAround(event.target instanceof Element ? event.target : null);
    if (target) showTip(doc, target);
    else hideTip();
  }, true);
  const follow = () => {
    if (flagged.size) schedule(doc);
  };
  doc.addEventListener("scroll", () => {
    hideTip();
    follow();
  }, { capture: true, passive: true });
  win.addEventListener("resize", follow, { passive: true });
  win.setInterval(follow, REFRESH_MS);
}

function documentOrder(a, b) {
  return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
}

function describeFlag(el, info) {
  const last = info.flags[info.flags.length - 1];
  const links = [...el.querySelectorAll("a[href]")].map((a) => a.href);
  if (el.tagName === "A" && el.href) links.unshift(el.href);
  return {
    tag: el.tagName.toLowerCase(), label: last.label, task: last.task, kind: last.item_kind,
    labels: info.flags.map((f) => f.label), tasks: info.flags.map((f) => f.task),
    text: el.innerText, links,
  };
}

/** What is drawn, for the extension's own pages and tests (never put where the page can read
 * it): the flagged elements, the ad marks, the tooltip shown, and with `near` (a selector) the
 * flag on that element, inside it or around it. */
export function drawnState(doc, near) {
  const live = [...flagged].filter(([el]) => el.isConnected);
  let nearFlag = null;
  if (near) {
    const el = doc.querySelector(near);
    const hit = el && (flaggedAround(el)
      || live.map(([f]) => f).filter((f) => el.contains(f)).sort(documentOrder)[0]);
    if (hit) nearFlag = describeFlag(hit, flagged.get(hit));
  }
  return {
    flags: live.map(([el, info]) => describeFlag(el, info)),
    marks: live.filter(([, info]) => info.ad).length,
    tooltip: shownLines ? shownLines.join("\n") : null,
    near: nearFlag,
  };
}
