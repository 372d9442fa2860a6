// The content script: scan the page, ask the server through the service worker, draw the flags.
import { debounce, scanKey } from "../lib/core.js";
import { UI_ATTR, collectPage } from "./collect.js";
import { applyFlags, clearFlags, installTooltip } from "./highlight.js";

const RESCAN_MS = 600;
let handles = new Map();
let lastKey = "";
let scanning = false;
let pending = false;

function isOurs(node) {
  const el = node.nodeType === 1 ? node : node.parentElement;
  return Boolean(el && el.closest(`[${UI_ATTR}]`));
}

async function scan(force = false) {
  if (scanning) {
    pending = true;
    return;
  }
  scanning = true;
  try {
    const page = collectPage(document, window, location.href);
    const key = scanKey(location.href, page.elements);
    if (!force && key === lastKey) return;
    lastKey = key;
    const answer = await chrome.runtime.sendMessage({
      type: "classify", url: location.href, elements: page.elements,
    });
    clearFlags(document);
    handles = page.handles;
    if (answer && Array.isArray(answer.flags)) {
      applyFlags(document, handles, answer.flags);
      document.documentElement.setAttribute("data-snarewatch-scanned", String(answer.flags.length));
    } else if (answer && answer.error) {
      document.documentElement.setAttribute("data-snarewatch-error", answer.error);
    }
  } catch (err) {
    // The service worker restarted or the extension was reloaded: the next change rescans.
    console.debug("snarewatch scan failed", err);
  } finally {
    scanning = false;
    if (pending) {
      pending = false;
      rescan();
    }
  }
}

const rescan = debounce(() => scan(false), RESCAN_MS);

chrome.runtime.onMessage.addListener((message, _sender, reply) => {
  if (message?.type === "rescan") {
    scan(true);
  } else if (message?.type === "reveal") {
    const el = handles.get(message.element);
    if (el && el.isConnected) el.scrollIntoView({ block: "center", behavior: "smooth" });
  }
  reply({ ok: true });
});

new MutationObserver((records) => {
  // Our own marks and tooltip change the DOM too: only the page's changes trigger a rescan.
  const relevant = records.some((r) => {
    if (r.type === "characterData") return !isOurs(r.target);
    const nodes = [...r.addedNodes, ...r.removedNodes];
    return nodes.some((n) => !(n.nodeType === 1 && n.hasAttribute(UI_ATTR)) && !isOurs(r.target));
  });
  if (relevant) rescan();
}).observe(document.documentElement, { childList: true, subtree: true, characterData: true });

installTooltip(document);
scan(true);
