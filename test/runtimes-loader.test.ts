// The published bundle (build/node.js) in real Deno and Bun binaries.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect } from "vitest";
import { itWith } from "./support/tools.ts";
import { findRuntime, runtimeArgs } from "./support/runtimes.ts";

const run = promisify(execFile);
const script = fileURLToPath(new URL("./runtimes/loader-smoke.mjs", import.meta.url));

describe.each(["deno", "bun"] as const)("loader in %s", (name) => {
  const path = findRuntime(name);
  itWith("runtimes", path ? undefined : `${name} not found: npm install installs it`)(
    `loads build/node.js and computes the sums (${path})`,
    async () => {
      const { stdout } = await run(path!, runtimeArgs(name, script), { timeout: 60_000 });
      const report = JSON.parse(stdout.trim().split("\n").pop()!);
      expect(report.runtime).toMatch(name);
      expect(report.checks).toEqual({ sum1e6: true, sumEmpty: true, sumWraps: true, twin: true, badInput: true, errorsExported: true });
    },
  );
});
