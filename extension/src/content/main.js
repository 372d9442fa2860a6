// The content script: scan the page, ask the server through the service worker, draw the flags.
// Its state (flags, errors, the server's answers) stays in this isolated world: nothing is
// written where the page's own scripts could read it.
import { debounce, scanKey } from "../lib/core.js";
import { collectPage } from "./collect.js";
import { applyFlags, clearFlags, drawnState, installOverlay } from "./highlight.js";
import { isOwn } from "./own.js";

const RESCAN_MS = 600;
const status = { scans: 0, count: 0, error: null };
let handles = new Map();
let lastKey = "";
let scanning = false;
let pending = false;

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
    clearFlags();
    handles = page.handles;
    if (answer && Array.isArray(answer.flags)) {
      applyFlags(document, handles, answer.flags);
      status.count = answer.flags.length;
      status.error = null;
    } else if (answer && answer.error) {
      status.count = 0;
      status.error = answer.error;
    }
    status.scans += 1;
  } catch (err) {
    // The service worker restarted or the extension was reloaded: the next change rescans.
    console.debug("scan failed", err);
  } finally {
    scanning = false;
    if (pending) {
      pending = false;
      rescan();
    }
  }
}

const rescan = debounce(() => scan(false), RESCAN_MS);

// Only the extension's own pages and service worker can send these (no externally_connectable).
chrome.runtime.onMessage.addListener((message, _sender, reply) => {
  if (message?.type === "rescan") {
    scan(true);
    reply({ ok: true });
  } else if (message?.type === "reveal") {
    const el = handles.get(message.element);
    if (el && el.isConnected) el.scrollIntoView({ block: "center", behavior: "smooth" });
    reply({ ok: true });
  } else if (message?.type === "inspect") {
    reply({ ...status, ...drawnState(document, message.near) });
  }
  return false;
});

new MutationObserver((records) => {
  // Our overlay changes the DOM too: only the page's own changes trigger a rescan.
  const relevant = records.some((r) => {
    if (isOwn(r.target)) return false;
    if (r.type === "characterData") return true;
    return [...r.addedNodes, ...r.removedNodes].some((n) => !isOwn(n));
  });
  if (relevant) rescan();
}).observe(document.documentElement, { childList: true, subtree: true, characterData: true });

installOverlay(document, window);
scan(true);
