// The built hotpath/jit bundle (build/jit.js) in real Deno and Bun binaries.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect } from "vitest";
import { findRuntime, runtimeArgs } from "./support/runtimes.ts";
import { itWith } from "./support/tools.ts";

const run = promisify(execFile);
const script = fileURLToPath(new URL("./jit-fixtures/smoke.mjs", import.meta.url));

describe.each(["deno", "bun"] as const)("jit in %s", (name) => {
  const path = findRuntime(name);
  itWith("runtimes", path ? undefined : `${name} not found: npm install installs it`)(
    "compiles and runs the tutorial's functions",
    async () => {
      const { stdout } = await run(path!, runtimeArgs(name, script), { timeout: 60_000 });
      const report = JSON.parse(stdout.trim().split("\n").pop()!);
      expect(report.runtime).toMatch(name);
      expect(report.checks).toEqual({
        sum: true,
        wraps: true,
        dot: true,
        point: true,
        jitError: true,
        typescript: true,
        adaptive: true,
        made: true,
        errors: true,
        forms: true,
      });
      // 40 calls of a dot on 1 MiB arrays: the original was at least tried (two timed trials).
      expect(report.bigDotPlainCalls).toBeGreaterThanOrEqual(2);
      // A heavy loop (an insertion sort): its original was tried by the 6th call (after 64 calls in Node).
      expect(report.heavyPlainCalls).toBeGreaterThanOrEqual(1);
    },
  );
});
