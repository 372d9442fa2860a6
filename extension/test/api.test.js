import assert from "node:assert/strict";
import { test } from "node:test";

import { ApiClient, ApiError } from "../src/lib/api.js";

function fakeFetch(status, body) {
  const calls = [];
  const fn = async (url, init) => {
    calls.push({ url, init });
    return { ok: status < 400, status, json: async () => body };
  };
  fn.calls = calls;
  return fn;
}

test("requests carry the bearer token and go only to the configured server", async () => {
  const fetch = fakeFetch(200, { flags: [] });
  const api = new ApiClient({ serverUrl: "http://127.0.0.1:8765/", token: "t".repeat(20) }, fetch);
  await api.classify({ url: "http://shop/", elements: [] });
  await api.findings("http://shop/a b?c=1&d=2");
  assert.equal(fetch.calls[0].url, "http://127.0.0.1:8765/v1/classify");
  assert.equal(fetch.calls[0].init.headers.Authorization, `Bearer ${"t".repeat(20)}`);
  assert.equal(fetch.calls[0].init.credentials, "omit");
  assert.equal(JSON.parse(fetch.calls[0].init.body).url, "http://shop/");
  assert.equal(fetch.calls[1].url, "http://127.0.0.1:8765/v1/findings?url=http%3A%2F%2Fshop%2Fa%20b%3Fc%3D1%26d%3D2");
  assert.equal(fetch.calls[1].init.body, undefined);
});

test("a missing token fails before any request", async () => {
  const fetch = fakeFetch(200, {});
  const api = new ApiClient({ serverUrl: "http://127.0.0.1:8765", token: "" }, fetch);
  await assert.rejects(api.health(), (err) => err instanceof ApiError && err.status === 401);
  assert.equal(fetch.calls.length, 0);
});

test("errors explain what to do", async () => {
  const api = new ApiClient({ serverUrl: "http://127.0.0.1:8765", token: "x".repeat(20) },
    fakeFetch(401, { detail: "missing or wrong API token" }));
  await assert.rejects(api.health(), /show-token/);
  const down = new ApiClient({ serverUrl: "http://127.0.0.1:1", token: "x".repeat(20) },
    async () => { throw new TypeError("Failed to fetch"); });
  await assert.rejects(down.health(), /Cannot reach the snarewatch server/);
});
