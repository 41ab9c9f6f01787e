// Benchmark (not a test): how the pool scales from 1 to N workers for each parallel kernel, on both
// data paths, against the physical limit (bare threads, src/bench/bare.ts: N plain threads running the same
// release module on the same split, with no pool around them; for data that stays in the pool, the threads
// build on a SharedArrayBuffer-backed memory holding the same data), and what one task costs to dispatch;
// piscina runs in the same process and rounds as the Node reference. Every result is checked against
// the single-thread kernel; times are medians of interleaved rounds (the order rotates each round), and each
// pool ÷ bare ratio is the median of the rounds' paired ratios.
// Run: npx tsx bench/pool-scaling.ts [--quick] [--max-workers N] [--rounds R] [--only sum,mandel] [--json]
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { Piscina } from "piscina";
import { kernels } from "../src/kernels/kernels.ts";
import { createPool, type Pool } from "../src/pool/pool.ts";
import { machine, median } from "../src/bench/node/machine.ts";
import { formatMs, textTable } from "../src/format.ts";
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

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    "max-workers": { type: "string" },
    rounds: { type: "string" },
    json: { type: "boolean", default: false },
    only: { type: "string" },
  },
});
const quick = values.quick;
const maxWorkers = Number(values["max-workers"] ?? availableParallelism());
const rounds = Number(values.rounds ?? (quick ? 3 : 5));
const log = (text: string) => (values.json ? process.stderr.write(text + "\n") : console.log(text));
const progress = (text: string) => process.stderr.isTTY && process.stderr.write(`\r\x1b[2K… ${text}`);

const k = await kernels();
const doubles = (n: number, seed: number) => Float64Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * 0.5);
const mat = quick ? 256 : 512;
const [ma, mb] = [doubles(mat * mat, 1), doubles(mat * mat, 2)];
const vecN = quick ? 1 << 20 : 1 << 22;
const [vx, vy] = [doubles(vecN, 3), doubles(vecN, 4)];
const buffers = Array.from({ length: quick ? 16 : 64 }, (_, i) => new Uint8Array((quick ? 256 : 1024) * 1024).fill(i));
const view = quick ? { width: 400, height: 300, maxIter: 300 } : { width: 1000, height: 750, maxIter: 1000 };
const sumN = quick ? 100_000_000n : 1_000_000_000n;
const primesN = quick ? 10_000_000 : 100_000_000;
const collatzN = quick ? 300_000n : 3_000_000n;
const piSamples = quick ? 5_000_000n : 50_000_000n;

const releaseModule = new WebAssembly.Module(readFileSync(new URL("../build/hotpath.wasm", import.meta.url)));
const threadsModule = new WebAssembly.Module(readFileSync(new URL("../build/hotpath.threads.wasm", import.meta.url)));

/**
 * The bare reference for data that stays in the pool: a SharedArrayBuffer-backed memory that the threads
 * build imports (as the pool's is: 1 page, up to 4 GiB), laid out by hand above the module's static data:
 * one warm-up region per thread, then the kernels' data, placed once and never copied again.
 */
class SharedLayout {
  readonly memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
  #top: number;
  constructor() {
    const env = {
      memory: this.memory,
      abort: () => {
        throw new Error("abort");
      },
      trace: () => {},
      seed: () => 0,
    };
    const local = new WebAssembly.Instance(threadsModule, { env }).exports as unknown as { heapBase(): number };
    this.#top = Math.ceil(local.heapBase() / 16) * 16;
  }
  /** `bytes` at a 16-byte aligned address, growing the memory as needed. */
  alloc(bytes: number): number {
    const ptr = this.#top;
    this.#top = Math.ceil((ptr + bytes) / 16) * 16;
    const need = this.#top - this.memory.buffer.byteLength;
    if (need > 0) this.memory.grow(Math.ceil(need / 65536));
    return ptr;
  }
  /** A copy of `data` placed in the memory, and its view there. */
  put<T extends Float64Array | Uint8Array>(data: T): { ptr: number; view: T } {
    const ptr = this.alloc(data.byteLength);
    const view = new (data.constructor as new (b: ArrayBufferLike, o: number, n: number) => T)(this.memory.buffer, ptr, data.length);
    view.set(data as never);
    return { ptr, view };
  }
}

interface Kernel {
  name: string;
  single: () => unknown;
  pool: (pool: Pool) => Promise<unknown>;
  /** The same work on bare threads running the release build (compute-bound kernels: each thread gets its parts of the range or rows). */
  bare?: (threads: BareThreads) => Promise<unknown>;
  /** The same call on arrays from pool.alloc (data that stays in the pool): shared mode uses them without a copy. */
  resident?: (pool: Pool) => { run: () => Promise<unknown>; dispose: () => void };
  /** The resident call's reference: bare threads running the threads build on the same data in a shared memory (laid out once by `place`). */
  residentBare?: { place: (layout: SharedLayout) => (threads: BareThreads) => Promise<unknown> };
  /** The single-thread answer on fresh inputs, where calls change their inputs (saxpy); default: `single()`. */
  expected?: () => unknown;
  /** Puts every variant's changed inputs back (saxpy's y), before each variant's checked first call. */
  reset?: () => void;
  /** Equality of a result with the single-thread one (dot: within rounding). */
  same?: (a: unknown, b: unknown) => boolean;
}
/** saxpy updates y in place: every variant has a y of its own, put back to vy before the variants' checked first calls. */
const SAXPY_ALPHA = 0.5;
const saxpyY = {
  ys: new Map<unknown, Float64Array>(),
  of(owner: unknown): Float64Array {
    let y = this.ys.get(owner);
    if (!y) this.ys.set(owner, (y = vy.slice()));
    return y;
  },
  keep(y: Float64Array): void {
    this.ys.set(y, y);
  },
  drop(y: Float64Array): void {
    this.ys.delete(y);
  },
  reset(): void {
    for (const y of this.ys.values()) y.set(vy);
  },
};
const arraysEqual = (a: unknown, b: unknown) =>
  (a as ArrayLike<unknown>).length === (b as ArrayLike<unknown>).length &&
  Array.prototype.every.call(a, (v: unknown, i: number) => v === (b as ArrayLike<unknown>)[i]);
const KERNELS: Kernel[] = [
  {
    name: `sumIntegers(${sumN.toLocaleString("en-US")})`,
    single: () => k.sumIntegers(sumN),
    pool: (p) => p.sumIntegers(sumN),
    bare: (t) => bareSumRange(t, 0n, sumN),
  },
  {
    name: `countPrimes(${primesN.toLocaleString("en-US")})`,
    single: () => k.countPrimes(primesN),
    pool: (p) => p.countPrimes(primesN),
    bare: (t) => bareCountPrimesRange(t, 0n, BigInt(primesN) + 1n),
  },
  {
    name: `longestCollatz(${collatzN.toLocaleString("en-US")})`,
    single: () => k.longestCollatz(collatzN),
    pool: (p) => p.longestCollatz(collatzN),
    bare: (t) => bareLongestCollatz(t, 1n, collatzN),
    same: (a, b) =>
      JSON.stringify(a, (_, v) => (typeof v === "bigint" ? String(v) : v)) ===
      JSON.stringify(b, (_, v) => (typeof v === "bigint" ? String(v) : v)),
  },
  {
    name: `monteCarloPi(${piSamples.toLocaleString("en-US")})`,
    single: () => k.monteCarloPi(piSamples, 1n).inside,
    pool: async (p) => (await p.monteCarloPi(piSamples, 1n)).inside,
    bare: (t) => bareMonteCarloHits(t, piSamples, 1n),
  },
  {
    name: `mandelbrot ${view.width}×${view.height}×${view.maxIter}`,
    single: () => k.mandelbrot(view),
    pool: (p) => p.mandelbrot(view),
    bare: (t) => bareMandelbrot(t, view),
    same: arraysEqual,
  },
  {
    name: `matmul ${mat}×${mat}`,
    single: () => k.matmul(ma, mb, mat, mat, mat),
    pool: (p) => p.matmul(ma, mb, mat, mat, mat),
    same: arraysEqual,
  },
  {
    name: `hashMany ${buffers.length} × ${buffers[0].byteLength / 1024} KiB`,
    single: () => BigUint64Array.from(buffers, (b) => k.xxhash64(b)),
    pool: (p) => p.hashMany(buffers),
    resident: (p) => {
      const arrays = buffers.map((b) => p.alloc(Uint8Array, b.length));
      arrays.forEach((a, i) => a.set(buffers[i]));
      return { run: () => p.hashMany(arrays), dispose: () => arrays.forEach((a) => a.dispose()) };
    },
    residentBare: {
      place: (layout) => {
        const ptrs = buffers.map((b) => layout.put(b).ptr);
        const lens = buffers.map((b) => b.byteLength);
        return (t) => bareHashMany(t, ptrs, lens);
      },
    },
    same: arraysEqual,
  },
  {
    name: `dot ${vecN.toLocaleString("en-US")} f64`,
    single: () => k.dot(vx, vy),
    pool: (p) => p.dot(vx, vy),
    resident: (p) => {
      const [x, y] = [p.alloc(Float64Array, vecN), p.alloc(Float64Array, vecN)];
      x.set(vx);
      y.set(vy);
      return { run: () => p.dot(x, y), dispose: () => (x.dispose(), y.dispose()) };
    },
    residentBare: {
      place: (layout) => {
        const [x, y] = [layout.put(vx).ptr, layout.put(vy).ptr];
        return (t) => bareDot(t, x, y, vecN);
      },
    },
    same: (a, b) => Math.abs((a as number) - (b as number)) <= 1e-9 * Math.abs(b as number),
  },
  {
    name: `saxpy ${vecN.toLocaleString("en-US")} f64`,
    expected: () => k.saxpy(SAXPY_ALPHA, vx, vy.slice()),
    single: () => k.saxpy(SAXPY_ALPHA, vx, saxpyY.of("one thread")),
    pool: (p) => p.saxpy(SAXPY_ALPHA, vx, saxpyY.of(p)),
    resident: (p) => {
      const [x, y] = [p.alloc(Float64Array, vecN), p.alloc(Float64Array, vecN)];
      x.set(vx);
      y.set(vy);
      saxpyY.keep(y);
      return { run: () => p.saxpy(SAXPY_ALPHA, x, y), dispose: () => (saxpyY.drop(y), x.dispose(), y.dispose()) };
    },
    residentBare: {
      place: (layout) => {
        const x = layout.put(vx);
        const y = layout.put(vy);
        saxpyY.keep(y.view);
        return async (t) => (await bareSaxpy(t, SAXPY_ALPHA, x.ptr, y.ptr, vecN), y.view);
      },
    },
    reset: () => saxpyY.reset(),
    same: arraysEqual,
  },
].filter((kernel) => !values.only || values.only.split(",").some((part) => kernel.name.toLowerCase().includes(part.trim().toLowerCase())));
if (KERNELS.length === 0) throw new RangeError(`Expected \`--only\` to match some kernel names, got "${values.only}"`);

type Variant = { name: string; run: () => Promise<unknown> | unknown; times: number[] };
const results: Record<string, Record<string, number>> = {};
const expected = new Map<Kernel, unknown>();
for (const kernel of KERNELS) expected.set(kernel, (kernel.expected ?? kernel.single)());

async function measure(label: string, kernel: Kernel, variants: Variant[]): Promise<void> {
  const same = kernel.same ?? ((a, b) => a === b);
  kernel.reset?.();
  for (const v of variants)
    if (!same(await v.run(), expected.get(kernel))) throw new Error(`${label} ${v.name}: result differs from the single-thread kernel's`);
  for (let round = 0; round < rounds; round++) {
    for (let j = 0; j < variants.length; j++) {
      const v = variants[(j + round) % variants.length];
      progress(`${label}: ${v.name}, round ${round + 1}/${rounds}`);
      const t0 = performance.now();
      await v.run();
      v.times.push(performance.now() - t0);
    }
  }
  results[label] ??= {};
  for (const v of variants) results[label][v.name] = median(v.times);
  // Pool against its bare reference, round by round: the two ran in the same round, so drift on the
  // machine (other load, a core taken away for a while) hits both; the median of those paired ratios.
  const byName = new Map(variants.map((v) => [v.name, v]));
  for (const [name, bareName] of PAIRS) {
    const [pool, bare] = [byName.get(name), byName.get(bareName)];
    if (pool && bare) results[label][`${name} ÷ ${bareName}`] = median(bare.times.map((t, round) => t / pool.times[round]));
  }
}

/** Each pool variant and the bare threads it is measured against. */
const PAIRS = [
  ["shared", "bare threads"],
  ["message", "bare threads"],
  ["shared resident", "bare shared memory"],
] as const;

const info = machine();
log(`Pool scaling · ${info.runtime} · ${info.cpu} × ${info.cores} · ${info.date} · medians of ${rounds} interleaved rounds`);
const piscinaTask = new URL("./pool-piscina-task.mjs", import.meta.url).href;
// The resident kernels' data, placed once in one shared memory, and a warm-up region for each thread there.
const layout = KERNELS.some((kernel) => kernel.residentBare) ? new SharedLayout() : undefined;
const warmRegions = layout ? Array.from({ length: maxWorkers }, () => layout.alloc(BARE_WARM_BYTES)) : [];
const residentBare = new Map(
  KERNELS.flatMap((kernel) => (layout && kernel.residentBare ? [[kernel, kernel.residentBare.place(layout)] as const] : [])),
);

for (let w = 1; w <= maxWorkers; w++) {
  const shared = await createPool({ workers: w, mode: "shared" });
  const message = await createPool({ workers: w, mode: "message" });
  const piscina = new Piscina({ filename: piscinaTask, minThreads: w, maxThreads: w, idleTimeout: 60_000 });
  const bare = await BareThreads.start(w, releaseModule);
  const bareShared = layout && (await BareThreads.start(w, threadsModule, { memory: layout.memory, warmRegions: warmRegions.slice(0, w) }));
  // piscina has no warm-up of its own: start every thread (and let it warm its kernel) untimed.
  await Promise.all(Array.from({ length: w * 4 }, () => piscina.run({ kind: "noop" })));
  for (const kernel of KERNELS) {
    const variants: Variant[] = [
      { name: "one thread", run: kernel.single, times: [] },
      { name: "shared", run: () => kernel.pool(shared), times: [] },
      { name: "message", run: () => kernel.pool(message), times: [] },
    ];
    if (kernel.bare) variants.push({ name: "bare threads", run: () => kernel.bare!(bare), times: [] });
    const resident = kernel.resident?.(shared);
    if (resident) variants.push({ name: "shared resident", run: resident.run, times: [] });
    const onShared = residentBare.get(kernel);
    if (onShared && bareShared) variants.push({ name: "bare shared memory", run: () => onShared(bareShared), times: [] });
    if (kernel.name.startsWith("sumIntegers")) {
      // The same chunks as hotpath's pool (workers × 4 ranges), summed with wrap-around.
      const chunks = w * 4;
      const ranges = Array.from({ length: chunks }, (_, i) => [
        (sumN * BigInt(i)) / BigInt(chunks),
        (sumN * BigInt(i + 1)) / BigInt(chunks),
      ]);
      variants.push({
        name: "piscina",
        run: async () =>
          (await Promise.all(ranges.map(([lo, hi]) => piscina.run({ kind: "sumRange", lo, hi }) as Promise<bigint>))).reduce(
            (s, v) => BigInt.asUintN(64, s + v),
            0n,
          ),
        times: [],
      });
    }
    await measure(`${kernel.name}|${w}`, kernel, variants);
    resident?.dispose();
  }
  if (w === maxWorkers) {
    // Dispatch overhead: one trivial task at a time (the round trip), and many in flight (the throughput).
    const tiny = (p: Pool) => p.sumRange(0n, 1n, { chunks: 1 });
    const noop = () => piscina.run({ kind: "noop" });
    const each = quick ? 300 : 2000;
    const over: Record<string, { awaited: number[]; inFlight: number[] }> = {};
    for (let round = 0; round < rounds; round++) {
      for (const [name, run] of [
        ["hotpath shared", () => tiny(shared)],
        ["hotpath message", () => tiny(message)],
        ["piscina", noop],
      ] as const) {
        progress(`dispatch overhead: ${name}, round ${round + 1}/${rounds}`);
        over[name] ??= { awaited: [], inFlight: [] };
        let t0 = performance.now();
        for (let i = 0; i < each; i++) await run();
        over[name].awaited.push(((performance.now() - t0) / each) * 1000);
        t0 = performance.now();
        await Promise.all(Array.from({ length: each }, run));
        over[name].inFlight.push(((performance.now() - t0) / each) * 1000);
      }
    }
    results[`overhead|${w}`] = Object.fromEntries(
      Object.entries(over).flatMap(([name, o]) => [
        [`${name} awaited µs`, median(o.awaited)],
        [`${name} in flight µs`, median(o.inFlight)],
      ]),
    );
  }
  await Promise.all([shared.close(), message.close(), piscina.destroy(), bare.close(), bareShared?.close()]);
}
progress("");
if (process.stderr.isTTY) process.stderr.write("\r\x1b[2K");

if (values.json) {
  console.log(JSON.stringify({ machine: info, rounds, maxWorkers, results }, null, 2));
} else {
  for (const kernel of KERNELS) {
    const rows: string[][] = [];
    for (let w = 1; w <= maxWorkers; w++) {
      const r = results[`${kernel.name}|${w}`];
      const one = r["one thread"];
      const cell = (name: string) => (r[name] === undefined ? "" : `${formatMs(r[name])} (${(one / r[name]).toFixed(2)}×)`);
      // Pool against bare threads: bare time ÷ pool time, the median of the rounds' ratios (1.00: the pool
      // costs nothing over hand-written threads).
      const ratio = (name: string, bare = "bare threads") => r[`${name} ÷ ${bare}`]?.toFixed(2) ?? "";
      rows.push([
        String(w),
        formatMs(one),
        cell("bare threads"),
        cell("shared"),
        ratio("shared"),
        cell("message"),
        ratio("message"),
        cell("piscina"),
        cell("bare shared memory"),
        cell("shared resident"),
        ratio("shared resident", "bare shared memory"),
      ]);
    }
    log(`\n${kernel.name}`);
    const header = [
      "workers",
      "one thread",
      "bare threads (speedup)",
      "shared (speedup)",
      "shared/bare",
      "message (speedup)",
      "message/bare",
      "piscina (speedup)",
      "bare threads, SharedArrayBuffer data (speedup)",
      "shared, pool.alloc data (speedup)",
      "pool.alloc/bare",
    ];
    log(textTable(header, rows, (i) => i !== undefined));
  }
  const o = results[`overhead|${maxWorkers}`];
  log(`\nDispatch overhead per task, ${maxWorkers} workers (a trivial task: µs from call to result)`);
  log(
    textTable(
      ["pool", "one at a time", "many in flight"],
      ["hotpath shared", "hotpath message", "piscina"].map((name) => [
        name,
        `${o[`${name} awaited µs`].toFixed(1)} µs`,
        `${o[`${name} in flight µs`].toFixed(1)} µs`,
      ]),
      (i) => [1, 2].includes(i),
    ),
  );
}
