// The popup: this tab's flags with "correct" / "not deceptive" buttons. Text only, never HTML.
import { flagHeadline, popupEntries, prettyLabel, trustLines, verdictLine, wrongButtonText } from "./lib/core.js";
import { loadSettings } from "./lib/settings.js";

const CONNECT_HELP = "Run `snarewatch serve` on this computer, print its token with "
  + "`snarewatch serve --show-token`, and paste it in the Options below.";

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "text") node.textContent = value;
    else if (key === "className") node.className = value;
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

async function currentTabId() {
  const fromQuery = new URLSearchParams(location.search).get("tab");
  if (fromQuery) return Number(fromQuery);
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab ? tab.id : undefined;
}

function entryItem(entry, state, tabId) {
  const status = el("span", { className: "status" });
  const item = el("li", { className: `flag ${entry.source}`, "data-task": entry.task },
    el("div", { className: "label", text: flagHeadline(entry) }),
    el("div", { className: "text", text: entry.text || "" }),
    el("div", { className: "why", text: entry.why || "" }));
  if (entry.source === "live" && entry.feedback !== false) {
    const send = (verdict) => async () => {
      status.textContent = "Saving…";
      const answer = await chrome.runtime.sendMessage({ type: "feedback", flag: entry, verdict, url: state.url });
      status.textContent = answer.ok ? `Saved as ${prettyLabel(answer.result.value)}` : answer.error;
      item.classList.toggle("saved", Boolean(answer.ok));
    };
    const correct = el("button", { className: "correct", type: "button", text: "Correct" });
    const wrong = el("button", { className: "wrong", type: "button", text: wrongButtonText(entry.task, state.tasks) });
    const show = el("button", { className: "show", type: "button", text: "Show" });
    correct.addEventListener("click", send("correct"));
    wrong.addEventListener("click", send("wrong"));
    show.addEventListener("click", () => chrome.tabs.sendMessage(tabId, { type: "reveal", element: entry.element }));
    item.append(el("div", { className: "buttons" }, correct, wrong, show, status));
  }
  return item;
}

function say(id, text) {
  const node = document.getElementById(id);
  node.hidden = !text;
  node.textContent = text || "";
}

async function render() {
  const settings = await loadSettings();
  const summary = document.getElementById("summary");
  if (!settings.token) {
    // Nothing can be checked before the server is connected: say so first, and how.
    summary.textContent = "Connect to snarewatch";
    say("help", CONNECT_HELP);
    return;
  }
  const tabId = await currentTabId();
  const state = tabId === undefined ? null : await chrome.runtime.sendMessage({ type: "tabState", tabId });
  if (!state) {
    summary.textContent = "No scan of this page yet.";
    return;
  }
  if (state.error) {
    summary.textContent = "Could not check this page";
    say("error", state.error);
    return;
  }
  const entries = popupEntries(state.flags, state.stored, state.tasks);
  summary.textContent = entries.length ? `${entries.length} flag(s) on this page` : "No flags on this page.";
  say("verdict", verdictLine(state.stored?.verdict));
  document.getElementById("trust").replaceChildren(
    ...trustLines(state.tasks).map((line) => el("li", { text: line })));
  document.getElementById("flags").replaceChildren(...entries.map((entry) => entryItem(entry, state, tabId)));
}

render();
