// Bare threads (src/bench/bare.ts), the reference the pool is measured against: on the release module
// they give the single-thread kernels' answers for every case that has pool rows, on a shared memory
// (the threads build) the answers of dot, saxpy and xxHash64 on data placed there once; and the
// harness gives each pool row its bare ÷ pool ratio. Assertions are about answers, never speed.
import { readFile } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import {
  BARE_WARM_BYTES,
  BareThreads,
  bareCountPrimesRange,
  bareDot,
  bareHashMany,
  bareLongestCollatz,
  bareMandelbrot,
  bareMonteCarloHits,
  bareSaxpy,
  bareSumRange,
} from "../src/bench/bare.ts";
import { measureCases } from "../src/bench/measure.ts";
import { resolvePreset } from "../src/bench/presets.ts";
import { toMarkdown, toText } from "../src/bench/report/index.ts";
import type { BenchCase, Implementation } from "../src/bench/types.ts";
import { kernels } from "../src/kernels/kernels.ts";

const release = await WebAssembly.compile(await readFile(new URL("../build/hotpath.wasm", import.meta.url)));
const threadsBuild = await WebAssembly.compile(await readFile(new URL("../build/hotpath.threads.wasm", import.meta.url)));
const k = await kernels();
const started: BareThreads[] = [];
const start = async (...args: Parameters<typeof BareThreads.start>) => {
  const threads = await BareThreads.start(...args);
  started.push(threads);
  return threads;
};
afterAll(() => Promise.all(started.map((t) => t.close())));

const view = { width: 97, height: 61, maxIter: 120, x0: -2, y0: -1.25, x1: 0.5, y1: 1.25 };

describe.each([1, 2, 3])("bare threads on the release module, %i thread(s)", (count) => {
  it("give the single-thread answers of sum, primes, Collatz, Monte Carlo and Mandelbrot", async () => {
    const t = await start(count, release);
    expect(t.count).toBe(count);
    expect(await bareSumRange(t, 0n, 3_000_001n)).toBe(k.sumRange(0n, 3_000_001n));
    // A range that does not start at 0, and a u64 sum that wraps.
    expect(await bareSumRange(t, 2n ** 63n, 2n ** 63n + 12_345n)).toBe(k.sumRange(2n ** 63n, 2n ** 63n + 12_345n));
    expect(await bareCountPrimesRange(t, 0n, 1_000_001n)).toBe(k.countPrimes(1_000_000));
    expect(await bareCountPrimesRange(t, 500n, 70_000n)).toBe(k.countPrimesRange(500, 70_000));
    expect(await bareLongestCollatz(t, 1n, 100_000n)).toEqual(k.longestCollatz(100_000));
    expect(await bareMonteCarloHits(t, 1_000_003n, 7n)).toBe(k.monteCarloPi(1_000_003n, 7n).inside);
    expect(await bareMandelbrot(t, view)).toEqual(k.mandelbrot(view));
  });
});

describe("bare threads on a shared memory (the threads build)", () => {
  // The memory laid out by hand, as bench/pool-scaling.ts does: warm-up regions, then the data.
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
  const env = { memory, abort: () => {}, trace: () => {}, seed: () => 0 };
  let top = Math.ceil((new WebAssembly.Instance(threadsBuild, { env }).exports as unknown as { heapBase(): number }).heapBase() / 16) * 16;
  const alloc = (bytes: number) => {
    const ptr = top;
    top = Math.ceil((top + bytes) / 16) * 16;
    if (top > memory.buffer.byteLength) memory.grow(Math.ceil((top - memory.buffer.byteLength) / 65536));
    return ptr;
  };
  const n = 100_003;
  const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 3);
  const y = Float64Array.from({ length: n }, (_, i) => Math.cos(i * 0.7));
  const buffers = Array.from({ length: 11 }, (_, i) => Uint8Array.from({ length: 1000 + i * 517 }, (_, j) => (j * 31 + i) & 255));

  it("give the single-thread dot, saxpy and xxHash64 answers on data placed there once", async () => {
    const regions = [alloc(BARE_WARM_BYTES), alloc(BARE_WARM_BYTES)];
    const px = alloc(n * 8);
    const py = alloc(n * 8);
    new Float64Array(memory.buffer, px, n).set(x);
    new Float64Array(memory.buffer, py, n).set(y);
    const ptrs = buffers.map((b) => {
      const p = alloc(b.length);
      new Uint8Array(memory.buffer, p, b.length).set(b);
      return p;
    });
    const t = await start(2, threadsBuild, { memory, warmRegions: regions });
    // The warm-up wrote only inside its regions: the data is as placed.
    expect(new Float64Array(memory.buffer, px, n)).toEqual(x);

    const dot = await bareDot(t, px, py, n);
    expect(Math.abs(dot - k.dot(x, y))).toBeLessThanOrEqual(1e-9 * Math.abs(k.dot(x, y)));
    expect(
      await bareHashMany(
        t,
        ptrs,
        buffers.map((b) => b.length),
      ),
    ).toEqual(BigUint64Array.from(buffers, (b) => k.xxhash64(b)));
    expect(
      await bareHashMany(
        t,
        ptrs,
        buffers.map((b) => b.length),
        99n,
      ),
    ).toEqual(BigUint64Array.from(buffers, (b) => k.xxhash64(b, 99n)));
    await bareSaxpy(t, 0.25, px, py, n);
    expect(new Float64Array(memory.buffer, py, n)).toEqual(k.saxpy(0.25, x, y.slice()));
  });

  it("reject a kernel that needs the thread's own memory, naming why, and keep working", async () => {
    const t = await start(1, threadsBuild, { memory, warmRegions: [alloc(BARE_WARM_BYTES)] });
    await expect(bareCountPrimesRange(t, 0n, 1000n)).rejects.toThrow(/bare thread 0: .*own memory, not on a shared one/);
    expect(await bareSumRange(t, 0n, 1000n)).toBe(499_500n);
  });
});

describe("BareThreads.start", () => {
  it("rejects a bad count, a module that is not compiled, and a shared memory without one warm-up region per thread", async () => {
    await expect(BareThreads.start(0, release)).rejects.toThrow("Expected `count` to be a positive integer, got 0 (number)");
    await expect(BareThreads.start(1, new Uint8Array(8) as never)).rejects.toThrow(/Expected `module` to be a compiled WebAssembly.Module/);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true });
    await expect(BareThreads.start(2, threadsBuild, { memory, warmRegions: [0] })).rejects.toThrow(
      /Expected `options.warmRegions` to be 2 offsets/,
    );
  });

  it("fails to start, with the engine's reason, on a module it cannot instantiate alone (the threads build needs a memory)", async () => {
    await expect(BareThreads.start(1, threadsBuild)).rejects.toThrow(/bare thread 0: .*memory/i);
  });

  it("rejects calls after close", async () => {
    const t = await BareThreads.start(1, release);
    await t.close();
    await expect(bareSumRange(t, 0n, 10n)).rejects.toThrow("The bare threads are closed");
  });
});

describe("pool ÷ bare in the harness", () => {
  // Synthetic implementations: a bare row and pool rows that take a known multiple of its time.
  const spin = (ms: number) => {
    const end = performance.now() + ms;
    while (performance.now() < end);
    return 42;
  };
  const impl = (id: string, kind: Implementation["kind"], workers: number | undefined, ms: number, value = 42): Implementation<number> => ({
    id,
    label: id,
    kind,
    ...(workers !== undefined ? { workers } : {}),
    run: (n) => (spin((ms * n) / 1000), value),
  });
  const settings = resolvePreset({ rounds: 3, minRounds: 3, minSampleMs: 0, budgetMs: 1000, warmupMs: 0 });
  const c: BenchCase<number> = {
    id: "synthetic",
    title: "synthetic",
    size: 1000,
    expected: () => "42",
    implementations: () => [
      impl("ts", "ts", undefined, 8),
      impl("bare-2", "bare-threads", 2, 2),
      impl("pool-shared-2", "pool-shared", 2, 4),
      impl("pool-message-2", "pool-message", 2, 2.5),
      // No bare row with 1 worker: no ratio.
      impl("pool-shared-1", "pool-shared", 1, 3),
      // A wrong pool row gets no ratio either.
      impl("pool-message-1", "pool-message", 1, 2, 7),
    ],
  };

  it("gives each pool row that answered right bare time ÷ its time with as many workers, and shows it in every report", async () => {
    const [result] = await measureCases([c], settings, () => 1000);
    const by = Object.fromEntries(result.implementations.map((i) => [i.id, i]));
    const median = (id: string) => by[id].full!.medianMs;
    expect(by["pool-shared-2"].vsBare).toBeCloseTo(median("bare-2") / median("pool-shared-2"), 12);
    expect(by["pool-message-2"].vsBare).toBeCloseTo(median("bare-2") / median("pool-message-2"), 12);
    // Spinning 2 against 4 ms: well under 1, whatever the scheduler adds.
    expect(by["pool-shared-2"].vsBare).toBeLessThan(0.9);
    expect(by["pool-shared-1"].vsBare).toBeUndefined();
    expect(by["pool-message-1"].status).toBe("wrong");
    expect(by["pool-message-1"].vsBare).toBeUndefined();
    expect(by["bare-2"].vsBare).toBeUndefined();

    const run = {
      runtime: { name: "node", version: "Node test", platform: "linux", cores: 2, sharedMemory: true },
      preset: settings,
      date: new Date().toISOString(),
      durationMs: 1,
      cases: [result],
    };
    const md = toMarkdown(run);
    const summary = md.split("\n").filter((l) => l.startsWith("| "));
    expect(summary[0]).toContain("| vs bare |");
    const row = summary.find((l) => l.includes("| pool-shared-2 |"))!;
    expect(row).toContain(`| ${by["pool-shared-2"].vsBare!.toFixed(2)} |`);
    expect(md).toContain("vs bare: a pool row's time against bare threads");
    expect(toText(run)).toContain(by["pool-message-2"].vsBare!.toFixed(2));
  });
});
