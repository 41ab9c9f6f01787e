// jit(f, { parallel: true }) from the built bundle (build/jit.js) in real Node, Deno and Bun: prange
// loops on the default pool give the plain answers, and the process ends by itself without closing it.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect } from "vitest";
import { findRuntime, runtimeArgs } from "./support/runtimes.ts";
import { itWith } from "./support/tools.ts";

const run = promisify(execFile);
const script = fileURLToPath(new URL("./jit-fixtures/parallel.mjs", import.meta.url));

describe.each(["node", "deno", "bun"] as const)("parallel jit in %s", (name) => {
  const path = name === "node" ? process.execPath : findRuntime(name);
  itWith("runtimes", path ? undefined : `${name} not found: npm install installs it`)(
    "runs prange loops on the default pool (reductions, several at once, writes, jit.array) and exits without closing it",
    async () => {
      const { stdout } = await run(path!, name === "node" ? [script] : runtimeArgs(name, script), {
        timeout: 60_000,
        killSignal: "SIGKILL",
      });
      const report = JSON.parse(stdout.trim().split("\n").pop()!);
      expect(report.runtime).toMatch(name);
      expect(report.checks).toEqual({ hits: true, single: true, writes: true, max: true, several: true });
    },
  );
});
