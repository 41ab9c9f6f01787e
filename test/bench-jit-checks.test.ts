// The jit case set's checking and report, in this process: canonical answers are equal only where the
// values are (−0, NaN, one changed bit), the fastmath tolerance is what it says, a row whose answer is
// not plain JS's is WRONG and fails the run, a row that cannot run shows its error in its cell, in-place
// loops give the same answer on every call, and zero-copy arrays are given back after the case.
import { readFile } from "node:fs/promises";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bench } from "../src/bench/bench.ts";
import { canonical, FASTMATH_TOLERANCE, withinFastmathTolerance } from "../src/bench/jit/answers.ts";
import { jitCases, type JitApi } from "../src/bench/jit/cases.ts";
import { JIT_CASE_IDS } from "../src/bench/jit/loop-specs.ts";
import { toJitMarkdown, toJitText } from "../src/bench/jit/report.ts";
import type { BenchReport, RuntimeResult } from "../src/bench/types.ts";
import { failures } from "../src/cli/bench.ts";
import { jit } from "../src/jit/index.ts";

const kernels = await WebAssembly.compile(await readFile(new URL("../build/hotpath.wasm", import.meta.url)));
const tiny = { rounds: 3, minRounds: 3, minSampleMs: 0.2, budgetMs: 5, warmupMs: 0.5 };
const asReport = (rt: RuntimeResult): BenchReport => ({
  tool: "hotpath bench",
  set: "jit",
  date: rt.date,
  machine: { os: "test", cpu: "test", cores: 1, memoryGiB: 1 },
  preset: "custom",
  durationMs: rt.durationMs,
  runtimes: [rt],
});
const run = (api: JitApi, only: string[]) => bench({ builtins: false, cases: jitCases({ jit: api, kernels }, only), preset: tiny });
const status = (rt: RuntimeResult, caseId: string, implId: string) =>
  rt.cases.find((c) => c.id === caseId)?.implementations.find((i) => i.id === implId);

describe("canonical answers", () => {
  it("tell −0 from 0, keep NaN, bigints and doubles exact", () => {
    expect(canonical(-0)).not.toBe(canonical(0));
    expect(canonical(NaN)).toBe("NaN");
    expect(canonical(2n ** 64n - 1n)).toBe("18446744073709551615n");
    expect(canonical(0.1 + 0.2)).not.toBe(canonical(0.3));
    expect(canonical(5)).not.toBe(canonical(5n));
  });

  it("tell typed arrays apart by any changed bit, and by type and length", () => {
    const a = Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i));
    const b = a.slice();
    expect(canonical(b)).toBe(canonical(a));
    new Uint8Array(b.buffer)[8 * 500] ^= 1; // the lowest bit of element 500
    expect(canonical(b)).not.toBe(canonical(a));
    expect(canonical(new Int32Array(2))).not.toBe(canonical(new Uint32Array(2)));
    expect(canonical(new Int32Array(2))).not.toBe(canonical(new Int32Array(3)));
    expect(canonical(new Float64Array([0]))).not.toBe(canonical(new Float64Array([-0])));
  });

  it("change with any one flipped bit of any array, and not otherwise (property)", () => {
    fc.assert(
      fc.property(fc.float64Array({ minLength: 1, maxLength: 64 }), fc.nat(), (values, at) => {
        const copy = values.slice();
        expect(canonical(copy)).toBe(canonical(values));
        const bytes = new Uint8Array(copy.buffer);
        const bit = at % (bytes.length * 8);
        bytes[bit >> 3] ^= 1 << (bit & 7);
        expect(canonical(copy)).not.toBe(canonical(values));
      }),
    );
  });

  it("fastmath answers agree within the documented relative tolerance, and only numbers", () => {
    const x = 1234.5678;
    expect(withinFastmathTolerance(String(x), String(x * (1 + FASTMATH_TOLERANCE / 4)))).toBe(true);
    expect(withinFastmathTolerance(String(x), String(x * (1 + FASTMATH_TOLERANCE * 4)))).toBe(false);
    expect(withinFastmathTolerance("NaN", "NaN")).toBe(true);
    expect(withinFastmathTolerance("NaN", "1")).toBe(false);
    expect(withinFastmathTolerance("Float64Array(2) 00", "Float64Array(2) 01")).toBe(false);
  });
});

describe("the jit case set", () => {
  it("lists every loop of issue 17 once, the long first call first", () => {
    expect(JIT_CASE_IDS[0]).toBe("first-call");
    for (const id of ["sum", "collatz", "monte-carlo", "mandelbrot", "dot", "dot-fastmath", "sieve", "matmul", "stencil"])
      expect(JIT_CASE_IDS).toContain(id);
    for (const id of ["prefix-sum", "histogram", "trial-division", "nbody", "sin-exp"]) expect(JIT_CASE_IDS).toContain(id);
    expect(new Set(JIT_CASE_IDS).size).toBe(JIT_CASE_IDS.length);
  });

  it("marks a jit answer that differs from plain JS as WRONG, prints it so and fails the run", async () => {
    // A stand-in for jit that computes the plain function and then adds 1 to a number result.
    const offByOne: JitApi =
      (fn) =>
      (...args: unknown[]) =>
        (fn(...args) as number) + 1;
    const rt = await run(offByOne, ["sieve"]);
    expect(status(rt, "sieve", "plain")?.status).toMatch(/^(ok|flat)$/); // flat: a timing warning, not an answer
    expect(status(rt, "sieve", "as")?.status).toMatch(/^(ok|flat)$/);
    expect(status(rt, "sieve", "jit")?.status).toBe("wrong");
    expect(status(rt, "sieve", "jit")?.note).toMatch(/answered 1230 at n = \d+, expected 1229/);
    const report = asReport(rt);
    expect(failures(report)).toBeGreaterThan(0);
    expect(toJitText(report)).toMatch(/sieve .*WRONG/);
  });

  it("shows the error of a row that cannot run in its cell, and fails the run", async () => {
    const refusing: JitApi = () => {
      throw new Error("JitError: this stand-in compiles nothing");
    };
    const rt = await run(refusing, ["trial-division"]);
    expect(status(rt, "trial-division", "jit")?.status).toBe("error");
    const text = toJitText(asReport(rt));
    expect(text).toContain("error: Error: JitError: this stand-in compiles nothing");
    expect(toJitMarkdown(asReport(rt))).toContain("error: Error: JitError: this stand-in compiles nothing");
    expect(failures(asReport(rt))).toBeGreaterThan(0);
  });

  it("compares each process's first call with that process's later calls, and shows the median ratio", async () => {
    const rt = await run(jit, ["first-call"]);
    const row = status(rt, "first-call", "jit")!;
    // As the driver leaves it (drive.ts): three processes, each a first call and its later calls' median.
    // The machine's speed drifts between processes: the slowest first call came with slow later calls.
    row.coldSamplesMs = [40, 20, 25];
    row.laterSamplesMs = [38, 16, 25];
    row.coldMs = 25;
    const text = toJitText(asReport(rt));
    // Ratios 0.95, 0.80 and 1.00: their median, not the main run's later calls ÷ the median first call.
    expect(text).toMatch(/first-call .* 25\.0 ms \(0\.95\)\n/);
    expect(text).toContain(
      "first-call / jit: first call in 3 processes (then the median of that process's later calls, and their ratio): 40.0 ms (38.0 ms: 0.95), 20.0 ms (16.0 ms: 0.80), 25.0 ms (25.0 ms: 1.00)",
    );
    // A median ratio under the target is marked.
    row.laterSamplesMs = [30, 16, 20];
    expect(toJitText(asReport(rt))).toMatch(/first-call .* 25\.0 ms \(0\.80 < 0\.9\)\n/);
  });

  it("restores in-place loops' arrays before each call and gives zero-copy arrays back after the case", async () => {
    // The real jit.array and jit.free, counted: every array the rows took is given back.
    const live = new Set<ArrayBufferView>();
    let taken = 0;
    const api = Object.assign((fn: (...args: any[]) => any, sig?: string, opts?: object) => jit(fn, sig, opts as never), {
      array: (type: never, length: number) => {
        const array = jit.array(type, length) as ArrayBufferView;
        live.add(array);
        taken++;
        return array;
      },
      free: (array: ArrayBufferView) => {
        expect(live.delete(array)).toBe(true);
        jit.free(array);
      },
    }) as unknown as JitApi;
    const rt = await run(api, ["prefix-sum", "nbody"]);
    for (const id of ["prefix-sum", "nbody"])
      for (const impl of ["plain", "jit", "jit-compiled", "jit-zero-copy"])
        // "flat" is a timing warning (at these tiny sizes call overhead can dominate), not a wrong answer.
        expect([id, impl, ["ok", "flat"].includes(status(rt, id, impl)?.status ?? "")]).toEqual([id, impl, true]);
    // One array per loop at each of the two sizes, all given back.
    expect([taken, live.size]).toEqual([4, 0]);
    expect(rt.cases.find((c) => c.id === "nbody")!.implementations.map((i) => i.value)).toEqual(
      Array(4).fill(status(rt, "nbody", "plain")!.value),
    );
  });
});
