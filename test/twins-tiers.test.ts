// The bigint twins are the oracle of the tests and the baseline of long benchmark runs, so they must
// survive the engines' optimizing tiers: each is called 10,000 times (odd input lengths included) in
// real Node, Deno and Bun processes, and every answer is compared with the wasm kernel's.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { findRuntime, runtimeArgs } from "./support/runtimes.ts";

const run = promisify(execFile);
const script = fileURLToPath(new URL("./runtimes/twins-tiers.mjs", import.meta.url));

describe.each(["node", "deno", "bun"] as const)("bigint twins past the optimizing tier in %s", (name) => {
  it("answer like the kernels for 10,000 calls without the process aborting", async () => {
    const binary = name === "node" ? process.execPath : findRuntime(name);
    if (!binary) throw new Error(`${name} not found: npm install brings it (devDependencies)`);
    const args = name === "node" ? [script] : runtimeArgs(name, script);
    const { stdout } = await run(binary, args, { timeout: 120_000 });
    const report = JSON.parse(stdout.trim().split("\n").pop()!);
    expect(report.runtime).toMatch(name);
    expect(report.mismatches).toEqual({});
  });
});
