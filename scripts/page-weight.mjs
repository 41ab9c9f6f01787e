#!/usr/bin/env node
// What a page pays for hotpath, from the built package files (run `npm run build` first): each page is
// bundled by esbuild for the browser, minified, then gzipped (level 9), as a production build would
// ship it. The worker and the .wasm files are separate downloads, listed apart.
// Usage: node scripts/page-weight.mjs [--json]
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;

/**
 * A page's script, importing the package as a user would ("hotpath", "hotpath/jit", … resolved to
 * build/), split as a bundler splits it: what the page loads at once (the entry and its static
 * imports), and what it loads at a dynamic import, when first used (`lazy`).
 */
async function page(source) {
  const out = await esbuild.build({
    stdin: { contents: source, resolveDir: root, loader: "js", sourcefile: "page.js" },
    bundle: true,
    splitting: true,
    outdir: `${root}build/.page-weight`,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    metafile: true,
    logLevel: "silent",
    // "hotpath/…" resolves through the package's own exports map (a self-reference), browser condition.
    conditions: ["browser"],
  });
  const files = new Map(out.outputFiles.map((f) => [f.path.slice(root.length), f.contents]));
  const outputs = out.metafile.outputs;
  const entry = Object.keys(outputs).find((k) => outputs[k].entryPoint);
  const eager = new Set();
  const visit = (name) => {
    if (eager.has(name)) return;
    eager.add(name);
    for (const i of outputs[name].imports) if (i.kind === "import-statement" && !i.external) visit(i.path);
  };
  visit(entry);
  const sum = (names) =>
    names.reduce((t, n) => ({ minified: t.minified + files.get(n).length, gzipped: t.gzipped + gz(files.get(n)) }), {
      minified: 0,
      gzipped: 0,
    });
  return { ...sum([...eager]), lazy: sum(Object.keys(outputs).filter((n) => !eager.has(n))) };
}

async function file(path, minify) {
  let bytes = await readFile(`${root}${path}`);
  if (minify) bytes = (await esbuild.transform(bytes.toString(), { minify: true, format: "esm", target: "es2022" })).code;
  return { minified: Buffer.byteLength(bytes), gzipped: gz(bytes) };
}

const rows = {
  "main entry (kernels + createPool)": await page(`import { kernels, createPool } from "hotpath"; console.log(kernels, createPool);`),
  "its worker (build/worker.browser.js)": await file("build/worker.browser.js", true),
  "build/hotpath.wasm": await file("build/hotpath.wasm", false),
  "build/hotpath.threads.wasm (shared-memory pools)": await file("build/hotpath.threads.wasm", false),
  "a page using jit (jit + jitClass)": await page(`import { jit, jitClass } from "hotpath/jit"; console.log(jit, jitClass);`),
};

if (process.argv.includes("--json")) console.log(JSON.stringify(rows));
else
  for (const [name, { minified, gzipped, lazy }] of Object.entries(rows))
    console.log(
      `${name.padEnd(50)} ${(minified / 1024).toFixed(1).padStart(7)} kB minified ${(gzipped / 1024).toFixed(1).padStart(6)} kB gzipped` +
        (lazy?.minified
          ? `, then ${(lazy.gzipped / 1024).toFixed(1)} kB gzipped loaded when first used (${(lazy.minified / 1024).toFixed(1)} kB minified)`
          : ""),
    );
