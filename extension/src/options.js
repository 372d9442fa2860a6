// The options page: server URL, token, tasks, on/off. Saved in chrome.storage.local.
import { loadSettings, saveSettings } from "./lib/settings.js";

const form = document.getElementById("form");
const message = document.getElementById("message");

function show(lines, isError) {
  message.textContent = lines.join(" ");
  message.className = isError ? "error" : "ok";
}

async function fill() {
  const settings = await loadSettings();
  form.serverUrl.value = settings.serverUrl;
  form.token.value = settings.token;
  form.tasks.value = settings.tasks.join(", ");
  form.enabled.checked = settings.enabled;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const result = await saveSettings({
    serverUrl: form.serverUrl.value,
    token: form.token.value,
    tasks: form.tasks.value,
    enabled: form.enabled.checked,
  });
  if (result.errors.length) show(result.errors, true);
  else show(["Saved.", ...result.warnings], false);
});

document.getElementById("test").addEventListener("click", async () => {
  const answer = await chrome.runtime.sendMessage({ type: "health" });
  if (!answer.ok) {
    show([answer.error], true);
    return;
  }
  const models = Object.entries(answer.health.models).map(([task, id]) => `${task}: ${id}`);
  show([`Connected (snarewatch ${answer.health.version}).`, models.length ? `Models: ${models.join(", ")}.` : "No promoted models yet."], false);
});

fill();
