// The jit case set end to end in each runtime (`hotpath bench --set jit` with tiny inputs): the driver
// starts Node, Deno and Bun on bench/runners/runtime.mjs and drives Chromium on bench/runners/page.html,
// both loading build/bench-jit.js and the published build/jit.js; every loop runs, and every jit row's
// answer is plain JavaScript's (the AssemblyScript kernel's too, where one computes the same thing).
import { describe, expect } from "vitest";
import { itWith } from "./support/tools.ts";
import { benchRuntimes, packageRoot } from "../src/bench/node/drive.ts";
import { JIT_CASE_IDS } from "../src/bench/jit/loop-specs.ts";
import { findRuntimes, RUNTIME_NAMES } from "../src/bench/node/runtimes.ts";
import type { RuntimeResult } from "../src/bench/types.ts";

const root = packageRoot();
// Two fresh processes (browsers) time the first-call row's first call.
const tiny = { rounds: 3, minRounds: 3, minSampleMs: 0.5, budgetMs: 5, warmupMs: 1, firstCallProcesses: 2 };

describe.each(RUNTIME_NAMES)("jit case set in %s", (name) => {
  const target = findRuntimes(name, root)[0];
  const needs = itWith(name === "chromium" ? "browser" : "runtimes", "skipped" in target ? `${name}: ${target.skipped}` : undefined);
  needs(
    "runs every loop, and every row answers as plain JS does",
    async () => {
      const progress: string[] = [];
      const report = await benchRuntimes({
        set: "jit",
        preset: tiny,
        runtimes: name,
        onProgress: (p) => progress.push(`${p.caseId}:${p.phase}`),
      });
      expect(report.set).toBe("jit");
      const rt = report.runtimes[0] as RuntimeResult;
      expect("skipped" in rt ? (rt as unknown as { skipped: string }).skipped : "").toBe("");
      expect(rt.cases.map((c) => c.id)).toEqual([...JIT_CASE_IDS]);
      expect(progress).toContain("sin-exp:done");
      expect(progress).toContain("prange-mandelbrot:done");
      for (const c of rt.cases) {
        // The plain function is the reference (the sums' closed form where plain JS would need seconds).
        expect(c.truthSource, c.id).toBe(c.id === "first-call" || c.id === "prange-sum" ? "expected" : "reference");
        for (const i of c.implementations) {
          if (i.status === "skipped") {
            expect([c.id, i.id]).toEqual(["monte-carlo", "as"]);
            continue;
          }
          // ok or flat (tiny inputs: a time may not grow) both mean: the answer checked out.
          expect([c.id, i.id, i.status, i.note ?? ""]).toEqual([c.id, i.id, expect.stringMatching(/^(ok|flat)$/), expect.any(String)]);
        }
      }
      // The first-call row: the main run's first call and a fresh process's, each with its process's
      // later calls, and the median first call shown.
      const first = rt.cases.find((c) => c.id === "first-call")!.implementations.find((i) => i.id === "jit")!;
      expect(first.coldSamplesMs).toHaveLength(2);
      expect(first.coldSamplesMs!.every((ms) => ms > 0)).toBe(true);
      expect(first.laterSamplesMs).toHaveLength(2);
      expect(first.laterSamplesMs![0]).toBe(first.full!.medianMs);
      expect(first.laterSamplesMs!.every((ms) => ms > 0)).toBe(true);
      expect(first.coldMs).toBeCloseTo((first.coldSamplesMs![0] + first.coldSamplesMs![1]) / 2, 9);
      expect(progress).toContain("first-call:first call, fresh process 2/2");
      // Published answers where the loop has one: π(10^4) = 1229.
      expect(rt.cases.find((c) => c.id === "sieve")!.truth).toBe("1229");
    },
    120_000,
  );
});
