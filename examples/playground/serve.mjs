#!/usr/bin/env node
// A static server for the built playground (build/playground/, from `npm run build:playground`), on
// 127.0.0.1, with the headers that make the page cross-origin isolated (COOP/COEP) unless
// --no-isolation is given (then the pool falls back to message passing). The tests and the
// screenshot script start it through `startServer`; any static host that sends the same headers works.
//   node examples/playground/serve.mjs [--port 8788] [--no-isolation] [--csp]
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

export const SITE = fileURLToPath(new URL("../../build/playground/", import.meta.url));
export const ISOLATION_HEADERS = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".wasm": "application/wasm",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".json": "application/json",
};

/** The Content-Security-Policy the playground works under (README.md says why each source is there). */
export const PLAYGROUND_CSP = "script-src 'self' 'wasm-unsafe-eval' blob:; worker-src 'self'";

/**
 * Serves `dir` on 127.0.0.1:`port` (0: any free port), with COOP/COEP when `isolated` and the
 * playground's CSP when `csp`; resolves to the URL and a close function.
 */
export async function startServer({ dir = SITE, port = 0, isolated = true, csp = false } = {}) {
  const root = normalize(dir.endsWith(sep) ? dir : dir + sep);
  const headers = { ...(isolated ? ISOLATION_HEADERS : {}), ...(csp ? { "Content-Security-Policy": PLAYGROUND_CSP } : {}) };
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
    const file = normalize(join(root, path.endsWith("/") ? path + "index.html" : path));
    if (!file.startsWith(root)) return void response.writeHead(403, headers).end();
    try {
      const body = await readFile(file);
      response.writeHead(200, {
        "Content-Type": TYPES[extname(file)] ?? "application/octet-stream",
        "Cache-Control": "no-store",
        ...headers,
      });
      response.end(body);
    } catch {
      response.writeHead(404, headers).end(`not found: ${path}`);
    }
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const url = `http://127.0.0.1:${server.address().port}/`;
  return { url, close: () => new Promise((resolve) => server.close(resolve)) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === normalize(process.argv[1])) {
  const { values } = parseArgs({
    options: { port: { type: "string", default: "8788" }, "no-isolation": { type: "boolean", default: false } },
  });
  const isolated = !values["no-isolation"];
  try {
    await readFile(join(SITE, "index.html"));
  } catch {
    console.error("build/playground/index.html is missing: run `npm run build:playground` first");
    process.exit(1);
  }
  const { url } = await startServer({ port: Number(values.port), isolated, csp: values.csp });
  console.log(
    `hotpath playground (built) at ${url} (${isolated ? "cross-origin isolated: the pool shares memory" : "NOT cross-origin isolated: the pool passes messages"}). Ctrl-C to stop.`,
  );
}
