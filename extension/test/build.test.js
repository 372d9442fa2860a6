import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { build, bundleContent, stripModule } from "../scripts/build.mjs";

const SRC = new URL("../src/", import.meta.url).pathname;

function sources(dir = SRC) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : [path];
  });
}

test("the build writes every file the manifest names", () => {
  const out = mkdtempSync(join(tmpdir(), "snarewatch-ext-"));
  const files = build(out);
  assert.ok(files.includes("content.js"));
  for (const rel of files) assert.ok(existsSync(join(out, rel)), rel);
});

test("the content bundle is one classic script", () => {
  const code = bundleContent();
  assert.doesNotMatch(code, /^\s*(import|export)\s/m);
  assert.match(code, /^\(\(\) => \{/m);
});

test("stripModule removes multi-line imports and export keywords", () => {
  const src = 'import {\n  a,\n  b,\n} from "./x.js";\nexport function f() {}\nexport const c = 1;\n';
  assert.equal(stripModule(src), "\nfunction f() {}\nconst c = 1;\n");
});

test("permissions stay minimal and the API is reached only through the worker", () => {
  const manifest = JSON.parse(readFileSync(join(SRC, "manifest.json"), "utf8"));
  assert.deepEqual(manifest.permissions, ["storage"]);
  assert.equal(manifest.host_permissions, undefined);
  assert.equal(manifest.web_accessible_resources, undefined);
  assert.equal(manifest.externally_connectable, undefined);
  for (const file of sources().filter((f) => f.endsWith(".js"))) {
    const code = readFileSync(file, "utf8");
    if (!file.endsWith("lib/api.js")) assert.doesNotMatch(code, /\bfetch\(|XMLHttpRequest|WebSocket|sendBeacon/, file);
  }
});

test("page or server text is never inserted as HTML", () => {
  for (const file of sources().filter((f) => /\.(js|html)$/.test(f))) {
    const code = readFileSync(file, "utf8");
    assert.doesNotMatch(code, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/, file);
    if (file.endsWith(".html")) assert.doesNotMatch(code, /<script(?![^>]*\bsrc=)/, file);
  }
});
