import assert from "node:assert/strict";
import { test } from "node:test";

import { DEFAULTS, loadSettings, saveSettings, validateSettings } from "../src/lib/settings.js";

function memoryStorage(initial = {}) {
  const data = { ...initial };
  return {
    data,
    async get(keys) { return Object.fromEntries(keys.filter((k) => k in data).map((k) => [k, data[k]])); },
    async set(values) { Object.assign(data, values); },
  };
}

test("defaults point at the local server with every task it serves", () => {
  const { settings, errors } = validateSettings({});
  assert.deepEqual(errors, []);
  assert.equal(settings.serverUrl, DEFAULTS.serverUrl);
  assert.deepEqual(settings.tasks, []);  // none named: the server answers for all its tasks
});

test("bad URLs and tokens are refused, remote servers warned about", () => {
  assert.equal(validateSettings({ serverUrl: "ftp://x" }).errors.length, 1);
  assert.equal(validateSettings({ serverUrl: "not a url" }).errors.length, 1);
  assert.equal(validateSettings({ token: "<script>" }).errors.length, 1);
  const remote = validateSettings({ serverUrl: "http://10.0.0.5:8765/" });
  assert.deepEqual(remote.errors, []);
  assert.match(remote.warnings[0], /unencrypted/);
  assert.equal(remote.settings.serverUrl, "http://10.0.0.5:8765");
});

test("tasks may be typed as a comma-separated list", () => {
  assert.deepEqual(validateSettings({ tasks: " wildlife, ,deceptive-ui,wildlife" }).settings.tasks,
    ["wildlife", "deceptive-ui"]);
});

test("save stores only valid settings, load fills defaults", async () => {
  const storage = memoryStorage();
  const bad = await saveSettings({ serverUrl: "ftp://x" }, storage);
  assert.equal(bad.errors.length, 1);
  assert.deepEqual(storage.data, {});
  await saveSettings({ token: "a".repeat(43), tasks: "wildlife" }, storage);
  const loaded = await loadSettings(storage);
  assert.equal(loaded.token, "a".repeat(43));
  assert.deepEqual(loaded.tasks, ["wildlife"]);
  assert.equal(loaded.enabled, true);
});
