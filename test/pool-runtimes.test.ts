// The worker pool from the published bundle (build/node.js) in real Deno and Bun binaries, both data paths.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect } from "vitest";
import { itWith } from "./support/tools.ts";
import { findRuntime, runtimeArgs } from "./support/runtimes.ts";

const run = promisify(execFile);
const script = fileURLToPath(new URL("./runtimes/pool-smoke.mjs", import.meta.url));

describe.each(["deno", "bun"] as const)("pool in %s", (name) => {
  const path = findRuntime(name);
  itWith("runtimes", path ? undefined : `${name} not found: npm install installs it`)(
    `starts workers, matches one thread on both paths, closes and exits (${path})`,
    async () => {
      const { stdout } = await run(path!, runtimeArgs(name, script), { timeout: 90_000 });
      const lines = stdout.trim().split("\n");
      expect(lines.at(-1)).toBe("ok");
      const report = JSON.parse(lines.at(-2));
      expect(report.runtime).toMatch(name);
      for (const mode of ["shared", "message"]) expect(Object.values(report.checks[mode]).every(Boolean)).toBe(true);
    },
  );
});
