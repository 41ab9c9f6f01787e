// Functions of strings, arrays and objects on the pool and in compare(): pool.map copies each item into
// a worker's own instance of the module (both modes, 1–3 workers) and answers like this thread;
// reduceRange and forRows, and functions of class instances, are refused with errors naming the
// function; compare() and `hotpath bench --module` (JSON arguments) measure them with every answer checked.
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createPool } from "hotpath";
import { compare } from "hotpath/bench";
import type { BenchReport, RuntimeResult } from "../src/bench/types.ts";
import { cli, fixtures, outDir, root } from "./compile-fixtures/support/out.ts";

const run = promisify(execFile);
let dir: string;

let mod: any;

let k: any;

beforeAll(async () => {
  dir = await outDir("values-pool");
  await run(process.execPath, [cli, "compile", join(fixtures, "kernels/values.ts"), "--out", dir], { cwd: root });
  mod = (await import(/* @vite-ignore */ join(dir, "values.js"))).default;
  k = await mod.load();
}, 120_000);

describe.each([
  ["shared", 1],
  ["shared", 3],
  ["message", 2],
] as const)("pool.map in %s mode on %d worker(s)", (mode, workers) => {
  it("answers like this thread for strings, typed arrays and arrays", async () => {
    await using pool = await createPool({ workers, mode });
    const samples = fc.sample(fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 40 }), 30);
    expect(await pool.map(mod.reversed, samples)).toEqual(samples.map((xs) => k.reversed(xs)));
    const floats = samples.map((xs) => Float64Array.from(xs, (x) => x / 3));
    expect(await pool.map(mod.doubled, floats)).toEqual(floats.map((xs) => k.doubled(xs)));
    const words = fc.sample(fc.string({ maxLength: 20 }), 30);
    expect(await pool.map(mod.shout, words)).toEqual(words.map((w) => k.shout(w)));
    await expect(pool.map(mod.shout, ["ok", 5])).rejects.toThrow(/Expected `s` to be a string, got 5/);
  });

  it("refuses reduceRange, forRows and class instances by name", async () => {
    await using pool = await createPool({ workers, mode });
    await expect(pool.reduceRange(mod.withDefault, 0, 10, { combine: "add" })).rejects.toThrow(
      /`withDefault` is bound by its module's shape .*reduceRange passes numbers straight to wasm/,
    );
    await expect(pool.forRows(mod.small, 0, 10, { args: [0, 0] })).rejects.toThrow(/`small` is bound .*forRows/);
    await expect(pool.map(mod.makeCounter, ["x"])).rejects.toThrow(/`makeCounter` takes or returns a Counter, a class instance/);
  });
});

describe("compare() and bench --module", () => {
  it("compare() measures a function of arrays, every answer compared by content", async () => {
    const xs = Array.from({ length: 4000 }, (_, i) => i - 2000);
    const { result } = await compare(mod.reversed, (a: number[]) => [...a].reverse(), [xs], { print: false, preset: { rounds: 3 } });
    const [c] = result.cases;
    expect(c.implementations.map((i) => [i.id, i.status])).toEqual([
      ["ts", expect.stringMatching(/^(ok|flat)$/)],
      ["wasm", expect.stringMatching(/^(ok|flat)$/)],
    ]);
    // A wrong plain function is caught: answers are compared by content, not as "[object Object]".
    const wrong = await compare(mod.reversed, (a: number[]) => a.slice(), [xs], { print: false, preset: { rounds: 3 } });
    expect(wrong.result.cases[0].implementations.find((i) => i.id === "wasm")?.status).toBe("wrong");
  }, 120_000);

  it("bench --module takes JSON arguments for such functions", async () => {
    await writeFile(join(dir, "plain.js"), "export function doubled(xs) {\n  return xs.map((x) => x * 2);\n}\n");
    const { stdout } = await run(
      process.execPath,
      [
        cli,
        "bench",
        "--module",
        relative(root, join(dir, "values.js")),
        "--plain",
        relative(root, join(dir, "plain.js")),
        "--function",
        "doubled",
        "--args",
        JSON.stringify([Array.from({ length: 2000 }, (_, i) => i / 4)]),
        "--runtimes",
        "node,bun",
        "--json",
      ],
      { cwd: root, maxBuffer: 1 << 24 },
    );
    const report = JSON.parse(stdout) as BenchReport;
    for (const r of report.runtimes) {
      expect("skipped" in r ? (r as { skipped: string }).skipped : "", r.runtime.name).toBe("");
      const statuses = (r as RuntimeResult).cases[0].implementations.map((i) => [i.id, i.status]);
      expect(statuses).toEqual([
        ["ts", expect.stringMatching(/^(ok|flat)$/)],
        ["wasm", expect.stringMatching(/^(ok|flat)$/)],
      ]);
    }
  }, 180_000);
});
