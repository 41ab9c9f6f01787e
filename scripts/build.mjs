#!/usr/bin/env node
// Builds everything in build/: the kernels (asc, release and threads targets), the JS bundles
// (esbuild, one per platform), and the type declarations (tsc). Usage: node scripts/build.mjs [--wasm-only]
import { execFile } from "node:child_process";
import { mkdir, rm } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import * as esbuild from "esbuild";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));
const require = createRequire(import.meta.url);
/** A file inside an installed package, found through its package.json (some packages export no bin paths). */
const bin = (pkg, file) => `${dirname(require.resolve(`${pkg}/package.json`))}/${file}`;
const started = performance.now();
const step = (what) => process.stderr.write(`hotpath build: ${what}\n`);

/** asc targets from asconfig.json: [entry, target]. */
const WASM_TARGETS = [
  ["assembly/index.ts", "release"],
  ["assembly/index.ts", "threads"],
  ["assembly/classes.ts", "classes"],
];

/** esbuild entries: [source, output, platform]. Every entry is built for each platform that lists it. */
const BUNDLES = [
  // The package's entries (package.json "exports"), one bundle per platform that can run them.
  ["src/index.ts", "build/node.js", "node"],
  ["src/index.ts", "build/browser.js", "browser"],
  ["src/foreign/index.ts", "build/foreign.js", "node"],
  ["src/foreign/index.ts", "build/foreign.browser.js", "browser"],
  ["src/classes/index.ts", "build/classes.js", "node"],
  ["src/classes/index.ts", "build/classes.browser.js", "browser"],
  ["src/inspect/index.ts", "build/inspect.js", "node"],
  ["src/bench/index.ts", "build/bench.js", "node"],
  ["src/bench/index.ts", "build/bench.browser.js", "browser"],
  ["src/cli/main.ts", "build/cli.js", "node"],
  // Each twin module alone, for `hotpath inspect --twin` (one module per bundle: no renamed functions).
  ["src/twins/number.ts", "build/twins/number.js", "node"],
  ["src/twins/bigint.ts", "build/twins/bigint.js", "node"],
  ["src/pool/worker.ts", "build/worker.node.js", "node"],
  ["src/pool/worker.ts", "build/worker.browser.js", "browser"],
  // The browser example's page script, beside the worker and wasm files it loads (examples/browser/serve.mjs serves build/).
  ["examples/browser/main.ts", "build/example-browser.js", "browser"],
  // The benchmark harness's native-C implementation, loaded by bench/runners/runtime.mjs under Node.
  ["src/bench/node/native.ts", "build/bench/native.js", "node"],
];

await mkdir(`${root}/build`, { recursive: true });

step(`asc ${WASM_TARGETS.map(([, t]) => t).join(", ")}`);
await Promise.all(
  WASM_TARGETS.map(([entry, target]) =>
    run(process.execPath, [bin("assemblyscript", "bin/asc.js"), entry, "--config", "asconfig.json", "--target", target], {
      cwd: root,
    }).catch((e) => {
      process.stderr.write(e.stdout + e.stderr);
      throw new Error(`asc failed for target ${target}`);
    }),
  ),
);

if (!process.argv.includes("--wasm-only")) {
  step(`esbuild ${BUNDLES.length} bundles`);
  const platformPlugin = (target) => ({
    name: "hotpath-platform",
    setup(build) {
      build.onResolve({ filter: /^#platform$/ }, () => ({ path: `${root}/src/platform.${target}.ts` }));
      // Every *assets.ts module (src/assets.ts, src/bench/c-assets.ts) is swapped for its .dist.ts twin.
      build.onResolve({ filter: /assets\.ts$/ }, (args) => ({
        path: resolve(args.resolveDir, args.path.replace(/assets\.ts$/, "assets.dist.ts")),
      }));
    },
  });
  await Promise.all(
    BUNDLES.map(([entry, outfile, target]) =>
      esbuild.build({
        absWorkingDir: root,
        entryPoints: [entry],
        outfile,
        bundle: true,
        format: "esm",
        platform: target === "node" ? "node" : "browser",
        target: "es2022",
        sourcemap: true,
        logLevel: "warning",
        external: ["playwright-core", "tinybench", "wabt", "assemblyscript", "assemblyscript/*"],
        banner: entry === "src/cli/main.ts" ? { js: "#!/usr/bin/env node" } : undefined,
        plugins: [platformPlugin(target)],
      }),
    ),
  );

  step("tsc declarations");
  await rm(`${root}/build/types`, { recursive: true, force: true });
  await run(process.execPath, [bin("typescript", "bin/tsc"), "-p", "tsconfig.build.json"], { cwd: root }).catch((e) => {
    process.stderr.write(e.stdout + e.stderr);
    throw new Error("tsc failed");
  });
}
step(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
