// Each runtime's runner end to end: the driver starts Node, Deno and Bun on bench/runners/runtime.mjs
// (which loads build/node.js) and drives Chromium on bench/runners/page.html (build/browser.js),
// with a tiny preset; every answer must check out (the bare threads' included) and every implementation must have run.
import { describe, expect, it } from "vitest";
import { itWith, optedOut } from "./support/tools.ts";
import { benchRuntimes, packageRoot } from "../src/bench/node/drive.ts";
import { findRuntimes, RUNTIME_NAMES } from "../src/bench/node/runtimes.ts";
import type { RuntimeResult } from "../src/bench/types.ts";

const root = packageRoot();
const tiny = { rounds: 3, minRounds: 3, minSampleMs: 1, budgetMs: 20, warmupMs: 1, workers: [1, 2] };

describe.each(RUNTIME_NAMES)("bench runner in %s", (name) => {
  const target = findRuntimes(name, root)[0];
  // A runtime that cannot be found fails here, saying what to install (unless the user opted out).
  const needs = itWith(name === "chromium" ? "browser" : "runtimes", "skipped" in target ? `${name}: ${target.skipped}` : undefined);
  needs(
    `measures sum and mandelbrot and checks every answer, the C peers included (${"skipped" in target ? target.skipped : target.path})`,
    async () => {
      const progress: string[] = [];
      const notes: string[] = [];
      const report = await benchRuntimes({
        preset: tiny,
        runtimes: name,
        builtins: ["sum", "mandelbrot"],
        sizes: { sum: 300_000, mandelbrot: 48 },
        onProgress: (p) => progress.push(`${p.runtime}:${p.caseId}:${p.phase}`),
        onNote: (text) => notes.push(text),
      });
      expect(report.runtimes).toHaveLength(1);
      const rt = report.runtimes[0] as RuntimeResult;
      expect("skipped" in rt ? (rt as unknown as { skipped: string }).skipped : "").toBe("");
      expect(rt.runtime.name).toBe(name);
      expect(rt.runtime.version).toMatch(
        name === "node" ? /^Node v\d+/ : name === "deno" ? /^Deno \d/ : name === "bun" ? /^Bun \d/ : /^Chromium \d/,
      );
      expect(progress).toContain(`${name}:sum:done`);
      expect(progress).toContain(`${name}:mandelbrot:done`);

      const [sum, mandelbrot] = rt.cases;
      expect(sum.truth).toBe(String((300_000n * 299_999n) / 2n));
      const statuses = Object.fromEntries(sum.implementations.map((i) => [i.id, i.status]));
      // The bare threads (Web Workers from a Blob URL in Deno, Bun and Chromium; worker_threads in Node) answer right too.
      for (const id of ["ts-number", "ts-bigint", "wasm", "bare-1", "bare-2", "pool-message-1", "pool-message-2"])
        expect([id, statuses[id]]).toEqual([id, expect.stringMatching(/^(ok|flat)$/)]);
      // Every pool row measured against bare threads with as many workers, where both were timed (ok, not flat).
      for (const c of [sum, mandelbrot])
        for (const pool of c.implementations.filter((i) => i.kind === "pool-shared" || i.kind === "pool-message")) {
          const bare = c.implementations.find((i) => i.kind === "bare-threads" && i.workers === pool.workers);
          expect(bare, `${c.id}: bare threads with ${pool.workers} workers`).toBeDefined();
          if (pool.status === "ok" && bare!.status === "ok")
            expect([pool.id, pool.vsBare]).toEqual([pool.id, bare!.full!.medianMs / pool.full!.medianMs]);
          else expect([pool.id, pool.vsBare]).toEqual([pool.id, undefined]);
        }
      // The C peers are built (gcc; clang or @yowasp/clang) and run: a skipped one fails here.
      // clang turns the C loop into a closed form: it must be right, and is flagged flat.
      // HOTPATH_SKIP_C=1 lets a machine without any C compiler report them as skipped instead.
      const cRan = optedOut("c") ? /^(ok|flat|skipped)$/ : /^(ok|flat)$/;
      const isC = (id: string) => id === "c-wasm" || id === "c-native";
      // The driver's notes say why a C peer is missing and what to install.
      const why = `the C peers were not built (or set HOTPATH_SKIP_C=1): ${notes.join("; ")}`;
      expect(statuses["c-wasm"], why).toMatch(cRan);
      // Chromium is served with COOP/COEP, so the shared-memory pool runs there too.
      expect(rt.runtime.sharedMemory).toBe(true);
      expect(statuses["pool-shared-2"]).toMatch(/^(ok|flat)$/);
      if (name === "node") expect(statuses["c-native"], why).toMatch(cRan);
      else expect(statuses["c-native"]).toBeUndefined();
      // gcc -O3 -march=native, the SIMD sum's reference: on the sum only, in Node only, and right.
      if (name === "node" && !optedOut("c")) expect(statuses["c-native-vector"]).toMatch(/^(ok|flat)$/);
      else if (name !== "node") expect(statuses["c-native-vector"]).toBeUndefined();
      expect(mandelbrot.implementations.some((i) => i.id === "c-native-vector")).toBe(false);
      for (const i of mandelbrot.implementations)
        expect([i.id, i.status], why).toEqual([i.id, expect.stringMatching(isC(i.id) ? cRan : /^(ok|flat)$/)]);
      expect(mandelbrot.truthSource).toBe("reference");
    },
    180_000,
  );
});

describe("runtime lookup", () => {
  it("reports a runtime given by a path that does not exist as skipped, and rejects unknown names", () => {
    expect(findRuntimes("deno=/nowhere/deno", root)).toEqual([{ name: "deno", skipped: "/nowhere/deno does not exist" }]);
    expect(() => findRuntimes("node,firefox", root)).toThrow(/`--runtimes`.*"firefox"/);
  });

  it("puts a skipped runtime in the report with its reason instead of failing", async () => {
    const report = await benchRuntimes({ preset: tiny, runtimes: "bun=/nowhere/bun", builtins: ["sum"], sizes: { sum: 1000 } });
    expect(report.runtimes).toEqual([{ runtime: { name: "bun" }, skipped: "/nowhere/bun does not exist" }]);
  });
});
