// Draws flags on the page: outlines, a mark on ad cards, and a tooltip. Text only, never HTML.
import { adMarkText, tooltipLines } from "../lib/core.js";
import { UI_ATTR } from "./collect.js";

export const FLAG_ATTR = "data-snarewatch-flag";
const FLAG_CLASS = "snarewatch-flag";
const AD_CLASS = "snarewatch-ad";

const tips = new WeakMap();
let tooltip = null;

/** Remove every outline and mark this script added. */
export function clearFlags(doc) {
  for (const el of doc.querySelectorAll(`[${FLAG_ATTR}]`)) {
    el.removeAttribute(FLAG_ATTR);
    el.removeAttribute("data-snarewatch-task");
    el.classList.remove(FLAG_CLASS, AD_CLASS);
    tips.delete(el);
  }
  for (const el of doc.querySelectorAll(`[${UI_ATTR}="mark"]`)) el.remove();
}

/** Outline flagged elements (ads get a mark too); returns how many were drawn. */
export function applyFlags(doc, handles, flags) {
  let drawn = 0;
  for (const flag of flags) {
    const el = handles.get(flag.element);
    if (!el || !el.isConnected) continue;
    const lines = tooltipLines(flag);
    const previous = tips.get(el) || [];
    tips.set(el, previous.concat(previous.length ? [""] : [], lines));
    el.setAttribute(FLAG_ATTR, flag.label);
    el.setAttribute("data-snarewatch-task", flag.task);
    el.classList.add(flag.item_kind === "ad" ? AD_CLASS : FLAG_CLASS);
    if (flag.item_kind === "ad") {
      const mark = doc.createElement("span");
      mark.setAttribute(UI_ATTR, "mark");
      mark.className = "snarewatch-mark";
      mark.textContent = adMarkText(flag);
      el.prepend(mark);
    }
    drawn += 1;
  }
  return drawn;
}

function ensureTooltip(doc) {
  if (tooltip && tooltip.host.isConnected) return tooltip;
  const host = doc.createElement("div");
  host.setAttribute(UI_ATTR, "tooltip");
  // A shadow root keeps the page's CSS off the tooltip (and ours off the page).
  const shadow = host.attachShadow({ mode: "open" });
  const style = doc.createElement("style");
  style.textContent = `
    .tip { position: fixed; z-index: 2147483647; max-width: 360px; padding: 8px 10px;
      background: #1f1f1f; color: #fff; font: 13px/1.4 system-ui, sans-serif; border-radius: 6px;
      box-shadow: 0 2px 8px rgba(0,0,0,.35); pointer-events: none; white-space: pre-wrap; }
    .tip[hidden] { display: none; }
    .tip div:first-child { font-weight: 600; }`;
  const box = doc.createElement("div");
  box.className = "tip";
  box.hidden = true;
  shadow.append(style, box);
  doc.documentElement.append(host);
  tooltip = { host, box };
  return tooltip;
}

/** Show the tooltip of the flagged element under the pointer (event delegation). */
export function installTooltip(doc) {
  doc.addEventListener("mouseover", (event) => {
    const target = event.target instanceof Element ? event.target.closest(`[${FLAG_ATTR}]`) : null;
    const { box } = ensureTooltip(doc);
    if (!target || !tips.has(target)) {
      box.hidden = true;
      return;
    }
    box.replaceChildren(...tips.get(target).map((line) => {
      const row = doc.createElement("div");
      row.textContent = line;
      return row;
    }));
    const rect = target.getBoundingClientRect();
    box.style.left = `${Math.max(4, Math.min(rect.left, doc.documentElement.clientWidth - 370))}px`;
    box.style.top = `${rect.bottom + 6 > doc.documentElement.clientHeight - 80 ? Math.max(4, rect.top - 90) : rect.bottom + 6}px`;
    box.hidden = false;
  }, true);
}

/** The tooltip lines of an element (for tests and the popup's "show" action). */
export function tipOf(el) {
  return tips.get(el) || [];
}
