// The service worker: the only part that talks to the server; keeps each tab's flags and badge.
import { ApiClient } from "./lib/api.js";
import { badgeText, buildClassifyRequest, buildFeedback, isFlag, popupEntries } from "./lib/core.js";
import { loadSettings } from "./lib/settings.js";

const tabKey = (tabId) => `tab:${tabId}`;

async function client() {
  const settings = await loadSettings();
  return { settings, api: new ApiClient(settings) };
}

async function setBadge(tabId, count, error) {
  if (tabId === undefined || tabId < 0) return;
  await chrome.action.setBadgeBackgroundColor({ tabId, color: error ? "#757575" : "#d32f2f" });
  await chrome.action.setBadgeText({ tabId, text: error ? "!" : badgeText(count) });
  await chrome.action.setTitle({ tabId, title: error ? `snarewatch: ${error}` : `snarewatch: ${count} flag(s)` });
}

async function classify(message, tabId) {
  const { settings, api } = await client();
  if (!settings.enabled) return { flags: [], disabled: true };
  const state = { url: message.url, flags: [], stored: null, error: null };
  try {
    const answer = await api.classify(buildClassifyRequest(message.url, message.elements, settings.tasks));
    const texts = new Map(message.elements.map((e) => [e.id, e.text]));
    state.flags = answer.flags
      .filter((f) => isFlag(f, answer.tasks))
      .map((f) => ({ ...f, text: texts.get(f.element) || "" }));
    state.tasks = answer.tasks;
    try {
      state.stored = await api.findings(message.url);
    } catch (err) {
      state.stored = null; // stored findings are extra: live flags still show
    }
  } catch (err) {
    state.error = err.message;
  }
  if (tabId !== undefined) await chrome.storage.session.set({ [tabKey(tabId)]: state });
  await setBadge(tabId, popupEntries(state.flags, state.stored, state.tasks).length, state.error);
  return state.error ? { error: state.error } : { flags: state.flags };
}

async function feedback(message) {
  const { api } = await client();
  try {
    return { ok: true, result: await api.feedback(buildFeedback(message.flag, message.verdict, message.url)) };
  } catch (err) {
    return { ok: false, error: err.message };
  }
}

async function tabState(tabId) {
  const key = tabKey(tabId);
  return (await chrome.storage.session.get(key))[key] || null;
}

async function health() {
  const { api } = await client();
  try {
    return { ok: true, health: await api.health() };
  } catch (err) {
    return { ok: false, error: err.message };
  }
}

chrome.runtime.onMessage.addListener((message, sender, reply) => {
  // Only this extension's own pages and content scripts can send messages here (no externally_connectable).
  const tabId = sender.tab ? sender.tab.id : undefined;
  const handlers = {
    classify: () => classify(message, tabId),
    feedback: () => feedback(message),
    tabState: () => tabState(message.tabId),
    health: () => health(),
  };
  const handler = handlers[message?.type];
  if (!handler) return false;
  handler().then(reply, (err) => reply({ error: String(err?.message || err) }));
  return true; // the reply comes asynchronously
});

chrome.tabs.onRemoved.addListener((tabId) => {
  chrome.storage.session.remove(tabKey(tabId));
});
