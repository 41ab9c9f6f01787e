// Benchmark (not a test): how the pool scales from 1 to N workers for each parallel kernel, on both
// data paths, against the physical limit (bare threads: N plain worker_threads running the same release
// module on the same split, with no pool around them), and what one task costs to dispatch;
// piscina runs in the same process and rounds as the Node reference. Every result is checked against
// the single-thread kernel; times are medians of interleaved rounds (the order rotates each round).
// Run: npx tsx bench/pool-scaling.ts [--quick] [--max-workers N] [--rounds R] [--only sum,mandel] [--json]
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { parseArgs } from "node:util";
import { Piscina } from "piscina";
import { kernels } from "../src/kernels/kernels.ts";
import { createPool, type Pool } from "../src/pool/pool.ts";
import { machine, median } from "../src/cli/machine.ts";
import { formatMs, textTable } from "../src/format.ts";

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

/**
 * The reference: N plain worker_threads, each instantiating the release build (its own memory) and
 * warmed up like the pool's workers. The work is cut as the pool cuts it by default (N × 4 parts), and
 * thread i runs parts i, i + N, … from one message: the same split, no queue, no per-part round trip,
 * no retries. What a careful hand-written program would do.
 */
const BARE_WORKER = `
const { parentPort } = require("node:worker_threads");
let ex;
const env = { abort() { throw new Error("abort"); }, trace() {}, seed: () => 0 };
const scratchAt = () => Math.ceil(ex.heapBase() / 16) * 16;
function room(bytes) {
  const need = scratchAt() + bytes - ex.memory.buffer.byteLength;
  if (need > 0) ex.memory.grow(Math.ceil(need / 65536));
}
const run = {
  sumRange: ([lo, hi]) => BigInt.asUintN(64, ex.sumRange(lo, hi)),
  countPrimes: ([lo, hi]) => (room(ex.countPrimesScratch(hi)), ex.countPrimesRange(lo, hi, scratchAt())),
  collatz: ([lo, hi]) => ({ start: BigInt.asUintN(64, ex.longestCollatzRange(lo, hi)), steps: ex.collatzBestSteps() }),
  monteCarlo: ([seed, a, b, total]) => BigInt.asUintN(64, ex.monteCarloHits(seed, a, b, total)),
  mandelbrot: ([v, r0, r1]) => {
    room((r1 - r0) * v.width * 4);
    ex.mandelbrotRows(scratchAt(), v.width, v.height, r0, r1, v.x0, v.y0, v.x1, v.y1, v.maxIter);
    return new Uint32Array(ex.memory.buffer, scratchAt(), (r1 - r0) * v.width).slice();
  },
};
parentPort.on("message", ({ module, kind, list }) => {
  if (module) {
    ex = new WebAssembly.Instance(module, { env }).exports;
    room(1 << 20);
    for (let i = 0; i < 2000; i++) ex.sumRange(0n, 1000n);
    for (let i = 0; i < 20; i++) (ex.countPrimesRange(0n, 30000n, scratchAt()), ex.longestCollatzRange(1n, 2000n));
    for (let i = 0; i < 8; i++) ex.monteCarloHits(1n, 0n, 1n, 1n << 16n);
    for (let i = 0; i < 40; i++) ex.mandelbrotRows(scratchAt(), 32, 32, 0, 32, -2, -1.25, 0.5, 1.25, 64);
    return parentPort.postMessage("ready");
  }
  const values = list.map((args) => run[kind](args));
  parentPort.postMessage(values, values.flatMap((v) => (v instanceof Uint32Array ? [v.buffer] : [])));
});
`;

class BareThreads {
  readonly threads: Worker[];
  constructor(count: number) {
    this.threads = Array.from({ length: count }, () => new Worker(BARE_WORKER, { eval: true }));
  }
  async start(module: WebAssembly.Module): Promise<void> {
    await Promise.all(this.threads.map((t) => this.#ask(t, { module })));
  }
  /** Runs `kind` on every part, thread i taking parts i, i + N, i + 2N, … in one message; resolves with the results in part order. */
  async run(kind: string, parts: unknown[][]): Promise<unknown[]> {
    const n = this.threads.length;
    const answers = (await Promise.all(
      this.threads.map((thread, i) => this.#ask(thread, { kind, list: parts.filter((_, j) => j % n === i) })),
    )) as unknown[][];
    return parts.map((_, j) => answers[j % n][Math.floor(j / n)]);
  }
  #ask(thread: Worker, message: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => (thread.off("message", onMessage), reject(error));
      const onMessage = (value: unknown) => (thread.off("error", onError), resolve(value));
      thread.once("message", onMessage);
      thread.once("error", onError);
      thread.postMessage(message);
    });
  }
  close(): Promise<unknown> {
    return Promise.all(this.threads.map((t) => t.terminate()));
  }
}
const pieces = (lo: bigint, hi: bigint, n: number) =>
  Array.from({ length: n }, (_, i) => [lo + ((hi - lo) * BigInt(i)) / BigInt(n), lo + ((hi - lo) * BigInt(i + 1)) / BigInt(n)]);
const rowParts = (rows: number, n: number) =>
  Array.from({ length: n }, (_, i) => [Math.floor((rows * i) / n), Math.floor((rows * (i + 1)) / n)]);
const bestCollatz = (parts: unknown[]) =>
  (parts as { start: bigint; steps: number }[]).reduce((best, r) => (r.steps > best.steps ? r : best));
const releaseModule = new WebAssembly.Module(readFileSync(new URL("../build/hotpath.wasm", import.meta.url)));

interface Kernel {
  name: string;
  single: () => unknown;
  pool: (pool: Pool) => Promise<unknown>;
  /** The same work on bare threads: each gets its 1/N of the range or rows (compute-bound kernels only). */
  bare?: (threads: BareThreads) => Promise<unknown>;
  /** The same call on arrays from pool.alloc (data that stays in the pool): shared mode uses them without a copy. */
  resident?: (pool: Pool) => { run: () => Promise<unknown>; dispose: () => void };
  /** Equality of a result with the single-thread one (dot: within rounding). */
  same?: (a: unknown, b: unknown) => boolean;
}
const arraysEqual = (a: unknown, b: unknown) =>
  (a as ArrayLike<unknown>).length === (b as ArrayLike<unknown>).length &&
  Array.prototype.every.call(a, (v: unknown, i: number) => v === (b as ArrayLike<unknown>)[i]);
const KERNELS: Kernel[] = [
  {
    name: `sumIntegers(${sumN.toLocaleString("en-US")})`,
    single: () => k.sumIntegers(sumN),
    pool: (p) => p.sumIntegers(sumN),
    bare: async (t) =>
      (await t.run("sumRange", pieces(0n, sumN, t.threads.length * 4))).reduce((s: bigint, v) => BigInt.asUintN(64, s + (v as bigint)), 0n),
  },
  {
    name: `countPrimes(${primesN.toLocaleString("en-US")})`,
    single: () => k.countPrimes(primesN),
    pool: (p) => p.countPrimes(primesN),
    bare: async (t) =>
      (await t.run("countPrimes", pieces(0n, BigInt(primesN) + 1n, t.threads.length * 4))).reduce((s: number, v) => s + (v as number), 0),
  },
  {
    name: `longestCollatz(${collatzN.toLocaleString("en-US")})`,
    single: () => k.longestCollatz(collatzN),
    pool: (p) => p.longestCollatz(collatzN),
    bare: async (t) => bestCollatz(await t.run("collatz", pieces(1n, collatzN, t.threads.length * 4))),
    same: (a, b) =>
      JSON.stringify(a, (_, v) => (typeof v === "bigint" ? String(v) : v)) ===
      JSON.stringify(b, (_, v) => (typeof v === "bigint" ? String(v) : v)),
  },
  {
    name: `monteCarloPi(${piSamples.toLocaleString("en-US")})`,
    single: () => k.monteCarloPi(piSamples, 1n).inside,
    pool: async (p) => (await p.monteCarloPi(piSamples, 1n)).inside,
    bare: async (t) => {
      const chunks = (piSamples + 65535n) / 65536n;
      const parts = pieces(0n, chunks, t.threads.length * 4).map(([a, b]) => [1n, a, b, piSamples]);
      return Number((await t.run("monteCarlo", parts)).reduce((s: bigint, v) => s + (v as bigint), 0n));
    },
  },
  {
    name: `mandelbrot ${view.width}×${view.height}×${view.maxIter}`,
    single: () => k.mandelbrot(view),
    pool: (p) => p.mandelbrot(view),
    bare: async (t) => {
      const full = { ...view, x0: -2, y0: -1.5, x1: 1, y1: 1.5 };
      const parts = rowParts(view.height, t.threads.length * 4);
      const rows = await t.run(
        "mandelbrot",
        parts.map(([r0, r1]) => [full, r0, r1]),
      );
      const image = new Uint32Array(view.width * view.height);
      parts.forEach(([r0], i) => image.set(rows[i] as Uint32Array, r0 * view.width));
      return image;
    },
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
    same: (a, b) => Math.abs((a as number) - (b as number)) <= 1e-9 * Math.abs(b as number),
  },
].filter((kernel) => !values.only || values.only.split(",").some((part) => kernel.name.toLowerCase().includes(part.trim().toLowerCase())));
if (KERNELS.length === 0) throw new RangeError(`Expected \`--only\` to match some kernel names, got "${values.only}"`);

type Variant = { name: string; run: () => Promise<unknown> | unknown; times: number[] };
const results: Record<string, Record<string, number>> = {};
const expected = new Map<Kernel, unknown>();
for (const kernel of KERNELS) expected.set(kernel, kernel.single());

async function measure(label: string, kernel: Kernel, variants: Variant[]): Promise<void> {
  const same = kernel.same ?? ((a, b) => a === b);
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
}

const info = machine();
log(`Pool scaling · ${info.runtime} · ${info.cpu} × ${info.cores} · ${info.date} · medians of ${rounds} interleaved rounds`);
const piscinaTask = new URL("./pool-piscina-task.mjs", import.meta.url).href;

for (let w = 1; w <= maxWorkers; w++) {
  const shared = await createPool({ workers: w, mode: "shared" });
  const message = await createPool({ workers: w, mode: "message" });
  const piscina = new Piscina({ filename: piscinaTask, minThreads: w, maxThreads: w, idleTimeout: 60_000 });
  const bare = new BareThreads(w);
  await bare.start(releaseModule);
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
  await Promise.all([shared.close(), message.close(), piscina.destroy(), bare.close()]);
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
      // Pool against bare threads: bare time / pool time (1.00: the pool costs nothing over hand-written threads).
      const ratio = (name: string) => (r["bare threads"] === undefined ? "" : (r["bare threads"] / r[name]).toFixed(2));
      rows.push([
        String(w),
        formatMs(one),
        cell("bare threads"),
        cell("shared"),
        ratio("shared"),
        cell("message"),
        ratio("message"),
        cell("piscina"),
        cell("shared resident"),
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
      "shared, pool.alloc data (speedup)",
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
