// Builds the unpacked extension into a folder: pages and the service worker as they are (ES
// modules), the content script bundled into one classic script (content scripts cannot import).
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SRC = join(ROOT, "src");

/** Content-script modules in dependency order. */
export const CONTENT_MODULES = [
  "lib/core.js", "content/own.js", "content/collect.js", "content/highlight.js", "content/main.js",
];

const COPIED = [
  "manifest.json", "background.js", "popup.html", "popup.js", "options.html", "options.js",
  "pages.css", "lib/core.js", "lib/api.js", "lib/settings.js",
];

/** Strip import lines and `export` keywords so modules can share one classic script scope. */
export function stripModule(source) {
  return source
    .replace(/^import\s[\s\S]*?\sfrom\s+["'][^"']+["'];[ \t]*$/gm, "")
    .replace(/^export\s+(?=(async\s+)?(function|const|let|class)\s)/gm, "");
}

function topLevelNames(source) {
  const names = [];
  for (const m of source.matchAll(/^(?:async\s+)?(?:function\*?|const|let|class)\s+([A-Za-z_$][\w$]*)/gm)) {
    names.push(m[1]);
  }
  return names;
}

/** The bundled content script as text (throws on a name clash between modules). */
export function bundleContent() {
  const seen = new Map();
  const parts = [];
  for (const rel of CONTENT_MODULES) {
    const body = stripModule(readFileSync(join(SRC, rel), "utf8"));
    for (const name of topLevelNames(body)) {
      if (seen.has(name)) throw new Error(`${rel}: '${name}' is also defined in ${seen.get(name)}`);
      seen.set(name, rel);
    }
    parts.push(`// ---- ${rel}\n${body}`);
  }
  const code = `// snarewatch content script (built from src/: ${CONTENT_MODULES.join(", ")})\n(() => {\n"use strict";\n${parts.join("\n")}\n})();\n`;
  if (/^\s*(import|export)\s/m.test(code)) throw new Error("bundle still contains import/export");
  new vm.Script(code, { filename: "content.js" }); // syntax check
  return code;
}

/** Build into `outDir` and return the list of files written. */
export function build(outDir) {
  const out = resolve(outDir);
  rmSync(out, { recursive: true, force: true });
  const written = [];
  for (const rel of COPIED) {
    mkdirSync(dirname(join(out, rel)), { recursive: true });
    copyFileSync(join(SRC, rel), join(out, rel));
    written.push(rel);
  }
  writeFileSync(join(out, "content.js"), bundleContent());
  written.push("content.js");
  const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
  const referenced = [
    manifest.background.service_worker, manifest.action.default_popup, manifest.options_ui.page,
    ...manifest.content_scripts.flatMap((c) => [...c.js, ...(c.css || [])]),
  ];
  for (const rel of referenced) {
    if (!existsSync(join(out, rel))) throw new Error(`manifest refers to missing ${rel}`);
  }
  return written;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const target = resolve(process.argv[2] || join(ROOT, "dist"));
  const files = build(target);
  console.log(`built ${files.length} files into ${target}`);
}
