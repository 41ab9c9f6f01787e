// vectorize from the built hotpath/jit bundle (build/jit.js) in real Deno and Bun binaries: on this
// thread, and on pools of 2 workers in shared mode (forRows) and message mode (slices through pool.map
// and a data: URL worker module).
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect } from "vitest";
import { findRuntime, runtimeArgs } from "./support/runtimes.ts";
import { itWith } from "./support/tools.ts";

const run = promisify(execFile);
const script = fileURLToPath(new URL("./jit-fixtures/vectorize-smoke.mjs", import.meta.url));

describe.each(["deno", "bun"] as const)("vectorize in %s", (name) => {
  const path = findRuntime(name);
  itWith("runtimes", path ? undefined : `${name} not found: npm install installs it`)(
    "gives the plain map's answer on this thread and on the pool in both modes",
    async () => {
      const { stdout } = await run(path!, runtimeArgs(name, script), { timeout: 60_000 });
      const report = JSON.parse(stdout.trim().split("\n").pop()!);
      expect(report.runtime).toMatch(name);
      expect(report.checks).toEqual({
        cpu: true,
        lazy: true,
        jitArray: true,
        "parallel-shared": true,
        "parallel-shared-u64": true,
        "parallel-message": true,
        "parallel-message-u64": true,
      });
    },
  );
});
