// `hotpath bench --module`: compare() for a compiled kernel in Node, Deno, Bun and Chromium from the
// CLI; every runtime measures, and every answer (wasm, pool in both modes) equals the plain function's.
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { beforeAll, expect, it } from "vitest";
import type { BenchReport, RuntimeResult } from "../src/bench/types.ts";
import { cli, fixtures, outDir, root } from "./compile-fixtures/support/out.ts";

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await outDir("bench-module");
  await run(process.execPath, [cli, "compile", join(fixtures, "kernels/squares.ts"), "--out", dir], { cwd: root });
  await writeFile(
    join(dir, "plain.js"),
    "export function sumOfSquaresRange(lo, hi) {\n  let t = 0n;\n  for (let i = lo; i < hi; i++) t = BigInt.asUintN(64, t + i * i);\n  return t;\n}\n",
  );
}, 60_000);

it("measures a compiled kernel against the plain function in node, deno, bun and chromium, every answer checked", async () => {
  const { stdout } = await run(
    process.execPath,
    [
      cli,
      "bench",
      "--module",
      relative(root, join(dir, "squares.js")),
      "--plain",
      relative(root, join(dir, "plain.js")),
      "--function",
      "sumOfSquaresRange",
      "--args",
      "3,2e5",
      "--runtimes",
      "node,deno,bun,chromium",
      "--json",
    ],
    { cwd: root, maxBuffer: 1 << 24 },
  );
  const report = JSON.parse(stdout) as BenchReport;
  expect(report.runtimes.map((r) => r.runtime.name)).toEqual(["node", "deno", "bun", "chromium"]);
  for (const r of report.runtimes) {
    expect("skipped" in r ? (r as { skipped: string }).skipped : "", r.runtime.name).toBe("");
    const [c] = (r as RuntimeResult).cases;
    expect(c.truth).toBe("2666646666699995"); // Σ i² for 3 ≤ i < 200000
    const ids = c.implementations.map((i) => i.id);
    expect(ids).toEqual(expect.arrayContaining(["ts", "wasm", "pool-message-1", "pool-message-2"]));
    for (const i of c.implementations) {
      if (i.status === "skipped") continue;
      expect([i.id, i.status]).toEqual([i.id, expect.stringMatching(/^(ok|flat)$/)]);
      expect([i.id, i.value]).toEqual([i.id, "2666646666699995"]);
    }
  }
}, 180_000);
