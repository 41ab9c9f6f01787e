// The measuring loop on synthetic cases: answers are checked, flat timings flagged, speedups taken
// against the fastest correct TS twin, rounds interleaved. Assertions are about verdicts, never speed.
import { describe, expect, it } from "vitest";
import { bench } from "../src/bench/index.ts";
import type { BenchCase, Implementation } from "../src/bench/index.ts";
import { measureCases } from "../src/bench/measure.ts";
import { resolvePreset } from "../src/bench/presets.ts";

const tiny = resolvePreset({ rounds: 4, minRounds: 3, minSampleMs: 0.5, budgetMs: 100, warmupMs: 1 });

/** Work proportional to n that the JIT cannot remove: the answer depends on every step. */
function linear(n: number): number {
  let x = 0;
  for (let i = 0; i < n; i++) x = (x * 31 + i) >>> 0;
  return x;
}

const linearImpl = (id: string, kind: Implementation["kind"], extra: Partial<Implementation> = {}): Implementation<number> => ({
  id,
  label: id,
  kind,
  run: (n: number) => linear(n),
  ...extra,
});

function syntheticCase(impls: Implementation<number>[], extra: Partial<BenchCase<number>> = {}): BenchCase<number> {
  return { id: "synthetic", title: "synthetic", size: 200_000, expected: (n) => String(linear(n)), implementations: () => impls, ...extra };
}

describe("measureCases", () => {
  it("collects garbage before each cold call and each sample where the runtime offers a gc()", async () => {
    const g = globalThis as { gc?: () => void };
    const had = g.gc;
    const log: string[] = [];
    g.gc = () => log.push("gc");
    try {
      const [result] = await measureCases(
        [
          syntheticCase([
            linearImpl("a", "ts", { run: (n: number) => (log.push("a"), linear(n)) }),
            linearImpl("b", "wasm", { run: (n: number) => (log.push("b"), linear(n)) }),
          ]),
        ],
        { ...tiny, minSampleMs: 0 },
        () => 2000,
      );
      const samples = result.implementations.reduce((k, i) => k + (i.full?.samplesMs.length ?? 0) + (i.half?.samplesMs.length ?? 0), 0);
      expect(samples).toBeGreaterThan(0);
      // Each cold first call comes right after a collection, then every timed sample (one call each here).
      expect(log.slice(0, 4)).toEqual(["gc", "a", "gc", "b"]);
      const rounds = log.slice(log.indexOf("gc", 4));
      expect(rounds.filter((x) => x === "gc")).toHaveLength(samples);
      rounds.forEach((x, i) => x !== "gc" && expect(rounds[i - 1]).toBe("gc"));
    } finally {
      g.gc = had;
    }
  });

  it("marks a wrong answer as wrong, gives no speedup for it, and keeps the right ones ok", async () => {
    const [result] = await measureCases(
      [syntheticCase([linearImpl("right", "ts"), linearImpl("off-by-one", "wasm", { run: (n: number) => linear(n) + 1 })])],
      tiny,
      () => 200_000,
    );
    const byId = Object.fromEntries(result.implementations.map((i) => [i.id, i]));
    expect(result.truthSource).toBe("expected");
    expect(byId["right"].status).toBe("ok");
    expect(byId["off-by-one"].status).toBe("wrong");
    expect(byId["off-by-one"].note).toMatch(/answered \d+ at n = 200000, expected \d+/);
    expect(byId["off-by-one"].speedup).toBeUndefined();
    expect(result.baseline).toBe("right");
    expect(byId["right"].speedup).toBe(1);
  });

  it("flags an implementation whose time does not grow with its input", async () => {
    // The same amount of work whatever n is, then the right answer from a table: what a closed
    // form (clang's sum) looks like from outside.
    const answers = new Map([200_000, 100_000].map((n) => [n, linear(n)]));
    let sink = 0;
    const fixed: Implementation<number> = {
      id: "fixed",
      label: "fixed",
      kind: "wasm",
      run: (n: number) => {
        sink ^= linear(300_000 + (n & 1));
        return answers.get(n);
      },
    };
    const [result] = await measureCases([syntheticCase([linearImpl("grows", "ts"), fixed])], tiny, () => 200_000);
    const byId = Object.fromEntries(result.implementations.map((i) => [i.id, i]));
    expect(byId["fixed"].status).toBe("flat");
    expect(byId["fixed"].note).toMatch(/does not grow/);
    expect(byId["fixed"].growth).toBeLessThan(1.3);
    expect(byId["fixed"].speedup).toBeUndefined();
    expect(byId["grows"].status).toBe("ok");
    expect(byId["grows"].growth).toBeGreaterThan(1.3);
    expect(typeof sink).toBe("number");
  });

  it("flags a constant-time implementation even when noise makes its time grow with n, and never a linear one", async () => {
    // What clang's closed form of the sum looks like from outside: the right answer, no work. The
    // second one is as constant, but its full-size calls wait ~0.3 µs longer than its half-size
    // ones: the growth ratio sees ≈ 2 or more, as noise at nanosecond scale once made it see ≥ 1.3.
    // The floor (units of input per ns) flags both anyway; the linear twin stays ok at every size.
    const size = 5_000_000;
    const answers = new Map([size, size / 2].map((n) => [n, linear(n)]));
    const constant: Implementation<number> = { id: "constant", label: "constant", kind: "c-wasm", run: (n: number) => answers.get(n) };
    const grows: Implementation<number> = {
      id: "noisy-constant",
      label: "noisy-constant",
      kind: "c-wasm",
      run: (n: number) => {
        if (n === size) for (const end = performance.now() + 0.0003; performance.now() < end;);
        return answers.get(n);
      },
    };
    for (let attempt = 0; attempt < 3; attempt++) {
      const [result] = await measureCases(
        [syntheticCase([linearImpl("linear", "ts"), constant, grows], { unit: "integers" })],
        tiny,
        () => size,
      );
      const byId = Object.fromEntries(result.implementations.map((i) => [i.id, i]));
      expect(byId["linear"].status).toBe("ok");
      expect(byId["noisy-constant"].growth).toBeGreaterThan(1.3);
      for (const id of ["constant", "noisy-constant"]) {
        expect([id, byId[id].status]).toEqual([id, "flat"]);
        expect(byId[id].note).toMatch(/integers per ns at n = 5000000 \(more than 1000, which no machine does\)/);
        expect(byId[id].speedup).toBeUndefined();
      }
    }
    // A linear implementation is never below the floor, at any size.
    for (const n of [20_000, 200_000, 2_000_000]) {
      const [result] = await measureCases([syntheticCase([linearImpl("linear", "ts")])], tiny, () => n);
      expect([n, result.implementations[0].status]).toEqual([n, "ok"]);
    }
  }, 60_000);

  it("takes speedups against the fastest TS twin that is right, skipping a fast wrong one", async () => {
    const [result] = await measureCases(
      [
        syntheticCase([
          linearImpl("slow-right", "ts-bigint", { run: (n: number) => (linear(n), linear(n), linear(n)) }),
          linearImpl("fast-wrong", "ts-number", { run: (n: number) => linear(n >> 1), knownInexact: true }),
          linearImpl("candidate", "wasm"),
        ]),
      ],
      tiny,
      () => 200_000,
    );
    const byId = Object.fromEntries(result.implementations.map((i) => [i.id, i]));
    expect(byId["fast-wrong"].status).toBe("wrong");
    expect(byId["fast-wrong"].knownInexact).toBe(true);
    expect(result.baseline).toBe("slow-right");
    expect(byId["candidate"].speedup).toBeCloseTo(byId["slow-right"].full!.medianMs / byId["candidate"].full!.medianMs, 10);
  });

  it("reports the cold first call apart, interleaves rounds and alternates sizes", async () => {
    const calls: string[] = [];
    const spy = (id: string): Implementation<number> => ({
      id,
      label: id,
      kind: "ts",
      run: (n: number) => {
        calls.push(`${id}:${n}`);
        return linear(n);
      },
    });
    const [result] = await measureCases(
      [syntheticCase([spy("A"), spy("B")])],
      resolvePreset({ rounds: 3, minRounds: 3, minSampleMs: 0, budgetMs: 1e9, warmupMs: 0 }),
      () => 200_000,
    );
    expect(calls.slice(0, 2)).toEqual(["A:200000", "B:200000"]); // cold calls, one each, at the full size
    const timed = calls.slice(-12);
    // Round 1: A full, A half, B full, B half; round 2 starts with B and takes the half size first.
    expect(timed).toEqual([
      "A:200000",
      "A:100000",
      "B:200000",
      "B:100000",
      "B:100000",
      "B:200000",
      "A:100000",
      "A:200000",
      "A:200000",
      "A:100000",
      "B:200000",
      "B:100000",
    ]);
    for (const i of result.implementations) {
      expect(i.coldMs).toBeGreaterThan(0);
      expect(i.full!.samplesMs).toHaveLength(3);
      expect(i.half!.samplesMs).toHaveLength(3);
    }
  });

  it("reports skipped and failing implementations with their reasons", async () => {
    const [result] = await measureCases(
      [
        syntheticCase([
          linearImpl("ok", "ts"),
          { id: "absent", label: "absent", kind: "c-native", skipped: "gcc is not installed" } as unknown as Implementation<number>,
          linearImpl("throws", "wasm", {
            run: () => {
              throw new RangeError("boom");
            },
          }),
          linearImpl("huge", "ts-bigint", { maxSize: 1000 }),
        ]),
      ],
      tiny,
      () => 200_000,
    );
    const byId = Object.fromEntries(result.implementations.map((i) => [i.id, i]));
    expect(byId["absent"]).toMatchObject({ status: "skipped", note: "gcc is not installed" });
    expect(byId["throws"]).toMatchObject({ status: "error", note: "RangeError: boom" });
    expect(byId["huge"].status).toBe("skipped");
    expect(byId["huge"].note).toMatch(/not run above n = 1000/);
    expect(byId["ok"].status).toBe("ok");
  });

  it("checks against a reference implementation, or a majority, when there is no known answer", async () => {
    const odd = linearImpl("odd", "wasm", { run: (n: number) => linear(n) ^ 1 });
    const [byRef] = await measureCases(
      [syntheticCase([linearImpl("ref", "ts"), odd], { expected: undefined, reference: "ref" })],
      tiny,
      () => 200_000,
    );
    expect(byRef.truthSource).toBe("reference");
    expect(byRef.implementations.find((i) => i.id === "odd")!.status).toBe("wrong");
    const [byVote] = await measureCases(
      [syntheticCase([linearImpl("x", "ts"), linearImpl("y", "wasm"), odd], { expected: undefined })],
      tiny,
      () => 200_000,
    );
    expect(byVote.truthSource).toBe("majority");
    expect(byVote.implementations.map((i) => i.status)).toEqual(["ok", "ok", "wrong"]);
  });
});

describe("bench()", () => {
  it("runs a user's case next to the built-in sum and finds the number twin wrong past 2^53", async () => {
    const result = await bench({
      preset: { rounds: 3, minRounds: 3, minSampleMs: 1, budgetMs: 50, warmupMs: 1, workers: [] },
      builtins: ["sum", "sum-past-2^53"],
      sizes: { sum: 100_000, "sum-past-2^53": 140_000_000 },
      cases: [syntheticCase([linearImpl("mine", "ts")], { id: "mine" })],
    });
    expect(result.runtime.name).toBe("node");
    expect(result.cases.map((c) => c.id)).toEqual(["sum", "sum-past-2^53", "mine"]);
    const sum = result.cases[0];
    expect(sum.truth).toBe(String((100_000n * 99_999n) / 2n));
    for (const id of ["ts-number", "ts-bigint", "wasm"]) expect(sum.implementations.find((i) => i.id === id)!.status).toBe("ok");
    const past = result.cases[1].implementations;
    expect(past.find((i) => i.id === "ts-number")!.status).toBe("wrong");
    expect(past.find((i) => i.id === "wasm")!.status).toBe("ok");
    expect(result.cases[2].implementations[0].status).toBe("ok");
  }, 120_000);

  it("rejects bad options with messages that name them", async () => {
    await expect(bench({ preset: "fast" as never })).rejects.toThrow(/`options.preset`.*"quick", "full".*"fast"/);
    await expect(bench({ speed: 1 } as never)).rejects.toThrow(/Unknown option `options.speed`/);
    await expect(bench({ builtins: ["nope"] })).rejects.toThrow(RangeError);
    await expect(bench({ cases: {} as never })).rejects.toThrow(/`options.cases` to be an array/);
    await expect(bench({ builtins: false, cases: [{ id: "x", title: "x", implementations: () => [] }] })).rejects.toThrow(
      /size of case "x"/,
    );
    await expect(bench({ preset: { rounds: 0 } })).rejects.toThrow(/`options.preset.rounds` to be a positive integer/);
  });
});
