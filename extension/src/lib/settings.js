// The extension's settings: where the snarewatch server is, its token, and which tasks to run.

/** Defaults: the server `snarewatch serve` starts, every task it serves (an empty list: the
 * server's own tasks, bundled or written by the user), no token yet. */
export const DEFAULTS = Object.freeze({
  serverUrl: "http://127.0.0.1:8765",
  token: "",
  tasks: [],
  enabled: true,
});

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Check and clean settings; returns {settings, errors, warnings}. */
export function validateSettings(input) {
  const errors = [];
  const warnings = [];
  const out = { ...DEFAULTS, ...(input || {}) };
  let url;
  try {
    url = new URL(String(out.serverUrl).trim());
  } catch {
    errors.push("The server URL is not a valid URL.");
  }
  if (url) {
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      errors.push("The server URL must start with http:// or https://.");
    } else if (!LOOPBACK.has(url.hostname) && url.protocol !== "https:") {
      warnings.push("Page text would travel unencrypted to another machine: use https or 127.0.0.1.");
    } else if (!LOOPBACK.has(url.hostname)) {
      warnings.push("Page text will be sent to another machine.");
    }
    out.serverUrl = url.origin + url.pathname.replace(/\/+$/, "");
  }
  out.token = String(out.token ?? "").trim();
  if (out.token && !/^[A-Za-z0-9_\-.~+/=]{16,200}$/.test(out.token)) {
    errors.push("The token looks wrong: copy it from `snarewatch serve --show-token`.");
  }
  const tasks = Array.isArray(out.tasks) ? out.tasks : String(out.tasks).split(",");
  out.tasks = [...new Set(tasks.map((t) => String(t).trim()).filter(Boolean))];
  out.enabled = Boolean(out.enabled);
  return { settings: out, errors, warnings };
}

/** Read the settings from chrome.storage.local (defaults for missing keys). */
export async function loadSettings(storage = globalThis.chrome?.storage?.local) {
  const stored = storage ? await storage.get(Object.keys(DEFAULTS)) : {};
  return validateSettings(stored).settings;
}

/** Save valid settings; returns the validation result (nothing is saved on errors). */
export async function saveSettings(input, storage = globalThis.chrome?.storage?.local) {
  const result = validateSettings(input);
  if (result.errors.length === 0 && storage) await storage.set(result.settings);
  return result;
}
