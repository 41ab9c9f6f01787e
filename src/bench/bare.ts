// Bare threads: the physical limit the pool is measured against. N plain threads (Web Workers where the
// runtime has them: Deno, Bun, browsers; node:worker_threads in Node), each instantiating the module it is
// given and warmed up as the pool's workers are (src/kernels/warm-up.ts: the same calls, the same counts),
// run the work cut as the pool cuts it (src/pool/split.ts, workers × CHUNKS_PER_WORKER parts) with thread i
// taking parts i, i + N, i + 2N, … in one message: no queue, no per-part round trip, no retries. What a
// careful hand-written program would do. Browser-safe: Node's worker_threads is reached through
// process.getBuiltinModule, so a page never loads it.
import { expected } from "../errors.ts";
import { collatzOverflow, longestCollatzRangeArgs, mandelbrotArgs, monteCarloArgs, type MandelbrotOptions } from "../kernels/builtins.ts";
import { DEFAULT_CHUNKS_PER_WORKER } from "../pool/config.ts";
import { splitCount, splitRange } from "../pool/split.ts";
import type { Implementation, SkippedImplementation } from "./types.ts";

/** Parts per thread: the pool's default `chunksPerWorker`, so both run the same split. */
export const CHUNKS_PER_WORKER = DEFAULT_CHUNKS_PER_WORKER;

/** Bytes of the region each thread warms up in (src/kernels/warm-up.ts WARM_UP_BYTES); on a shared memory, the caller reserves one per thread. */
export const BARE_WARM_BYTES = 64 * 1024;

/** What a bare thread runs on each part: the raw export, its arguments, and where the module keeps its data. */
export type BareKind =
  /** [lo, hi): u64 sum (own or shared memory). */
  | "sumRange"
  /** [lo, hi): primes, scratch in the thread's own memory. */
  | "countPrimes"
  /** [lo, hi): { start, steps } of the longest Collatz chain. */
  | "collatz"
  /** [seed, firstChunk, endChunk, total]: Monte Carlo hits. */
  | "monteCarlo"
  /** [view, rowStart, rowEnd]: the rows' escape counts, computed in the thread's own memory and moved back. */
  | "mandelbrot"
  /** [aPtr, bPtr, n]: a dot product over a shared memory. */
  | "dot"
  /** [alpha, xPtr, yPtr, n]: y += alpha·x in a shared memory. */
  | "saxpy"
  /** [ptrs, lens, seed]: xxHash64 of each buffer lying in a shared memory. */
  | "xxhash64";

// The thread's code, the same in every runtime; a prelude wires `post` and `receive` to the platform.
// A string, not a function turned into text: a transform that renames or wraps functions (tsx's
// keepNames) would break a stringified function, and the worker must not import anything.
const BODY = String.raw`
let ex;
let region = 0;
let own = true;
const env = { abort() { throw new Error("the kernel aborted"); }, trace() {}, seed: () => 0 };
function room(bytes) {
  if (!own) throw new Error("this kernel runs in the thread's own memory, not on a shared one");
  const need = region + bytes - ex.memory.buffer.byteLength;
  if (need > 0) ex.memory.grow(Math.ceil(need / 65536));
}
function warmUp() {
  const words = 256, a = region, b = a + words * 8, c = b + words * 8, scratch = c + 16 * 16 * 8;
  new Float64Array(ex.memory.buffer, a, words).fill(0.5);
  new Float64Array(ex.memory.buffer, b, words).fill(0.25);
  const primes = ex.countPrimesScratch(0n, 30000n) <= region + ${BARE_WARM_BYTES} - scratch;
  for (let i = 0; i < 2000; i++) (ex.sumIntegers(1000n), ex.sumRange(0n, 1000n));
  for (let i = 0; i < 300; i++) {
    ex.fnv1a64(a, words * 8);
    ex.xxhash64(a, words * 8, 1n);
    ex.monteCarloHits(BigInt(i), 0n, 1n, 1000n);
    ex.mandelbrotRows(c, 8, 8, 0, 2, -2, -1.5, 1, 1.5, 50);
    ex.dot(a, b, words);
    ex.saxpy(0.5, a, b, words);
    if (primes) ex.countPrimesRange(BigInt(i * 100), BigInt(i * 100 + 100), scratch);
    ex.longestCollatzRange(1n, 200n);
  }
}
const run = {
  sumRange: (lo, hi) => BigInt.asUintN(64, ex.sumRange(lo, hi)),
  countPrimes: (lo, hi) => (room(ex.countPrimesScratch(lo, hi)), Number(BigInt.asUintN(64, ex.countPrimesRange(lo, hi, region)))),
  collatz: (lo, hi) => ({ start: BigInt.asUintN(64, ex.longestCollatzRange(lo, hi)), steps: ex.collatzBestSteps() }),
  monteCarlo: (seed, first, end, total) => BigInt.asUintN(64, ex.monteCarloHits(seed, first, end, total)),
  mandelbrot: (v, r0, r1) => {
    room((r1 - r0) * v.width * 4);
    ex.mandelbrotRows(region, v.width, v.height, r0, r1, v.x0, v.y0, v.x1, v.y1, v.maxIter);
    return new Uint32Array(ex.memory.buffer, region, (r1 - r0) * v.width).slice();
  },
  dot: (a, b, n) => ex.dot(a, b, n),
  saxpy: (alpha, x, y, n) => void ex.saxpy(alpha, x, y, n),
  xxhash64: (ptrs, lens, seed) => {
    const out = new BigUint64Array(ptrs.length);
    for (let i = 0; i < ptrs.length; i++) out[i] = BigInt.asUintN(64, ex.xxhash64(ptrs[i], lens[i], seed));
    return out;
  },
};
function receive(message) {
  try {
    if (message.init) {
      const { module, memory, warmRegion } = message.init;
      ex = new WebAssembly.Instance(module, { env: memory ? { ...env, memory } : env }).exports;
      own = !memory;
      region = own ? Math.ceil(ex.heapBase() / 16) * 16 : warmRegion;
      if (own) room(1 << 20);
      warmUp();
      return post({ ready: true });
    }
    const values = message.list.map((args) => run[message.kind](...args));
    post({ values }, values.flatMap((v) => (ArrayBuffer.isView(v) ? [v.buffer] : [])));
  } catch (error) {
    post({ error: String((error && error.message) || error) });
  }
}
`;

const WEB_PRELUDE = `const post = (message, transfer = []) => self.postMessage(message, transfer);\nself.onmessage = (event) => receive(event.data);\n`;
const NODE_PRELUDE = `const { parentPort } = require("node:worker_threads");\nconst post = (message, transfer = []) => parentPort.postMessage(message, transfer);\nparentPort.on("message", receive);\n`;

/** One started thread, whatever the platform: post a message, get replies and failures, stop it. */
interface BareThread {
  post(message: unknown): void;
  listen(onMessage: (data: unknown) => void, onFailure: (error: Error) => void): void;
  terminate(): Promise<unknown>;
}

interface NodeWorkerThreads {
  Worker: new (
    code: string,
    options: { eval: true },
  ) => {
    postMessage(message: unknown): void;
    on(event: "message" | "error" | "exit", listener: (value: any) => void): void;
    terminate(): Promise<number>;
  };
}

/** How threads start here: module Web Workers from a Blob URL where the runtime has Web Workers, else Node's worker_threads. */
function threadFactory(): { spawn: () => BareThread; done: () => void } {
  const g = globalThis as { Worker?: typeof Worker; process?: { getBuiltinModule?(id: string): unknown } };
  if (typeof g.Worker === "function") {
    const url = URL.createObjectURL(new Blob([WEB_PRELUDE + BODY], { type: "text/javascript" }));
    const spawn = (): BareThread => {
      const worker = new g.Worker!(url, { type: "module" });
      return {
        post: (message) => worker.postMessage(message),
        listen(onMessage, onFailure) {
          worker.onmessage = (event) => onMessage(event.data);
          worker.onerror = (event) => {
            event.preventDefault();
            onFailure(
              new Error(
                `a bare thread failed: ${event.message || "its script could not run (a Content-Security-Policy without blob: in worker-src?)"}`,
              ),
            );
          };
        },
        terminate: async () => worker.terminate(),
      };
    };
    // Workers fetch their script when they start: the URL may go once every one has answered.
    return { spawn, done: () => URL.revokeObjectURL(url) };
  }
  const threads = g.process?.getBuiltinModule?.("node:worker_threads") as NodeWorkerThreads | undefined;
  if (!threads) throw new Error("Bare threads need Web Workers or node:worker_threads, and this runtime has neither");
  const spawn = (): BareThread => {
    const worker = new threads.Worker(NODE_PRELUDE + BODY, { eval: true });
    let ended = false;
    return {
      post: (message) => worker.postMessage(message),
      listen(onMessage, onFailure) {
        worker.on("message", onMessage);
        worker.on("error", (error: Error) => onFailure(new Error(`a bare thread failed: ${error.message}`)));
        worker.on("exit", (code: number) => ended || onFailure(new Error(`a bare thread exited with code ${code}`)));
      },
      terminate: () => ((ended = true), worker.terminate()),
    };
  };
  return { spawn, done: () => {} };
}

/** Options of BareThreads.start. */
export interface BareStartOptions {
  /** A shared memory the module imports (a threads build); without it every thread's module has its own memory. */
  memory?: WebAssembly.Memory;
  /** With `memory`: where each thread may warm up, BARE_WARM_BYTES per thread, one region each (nothing else may lie there). */
  warmRegions?: readonly number[];
}

/** N plain threads running one wasm module, one message per thread per call. */
export class BareThreads {
  readonly #threads: BareThread[];
  // Per thread, the replies awaited in order (one message out, one reply back).
  readonly #waiting: Array<Array<{ resolve(value: unknown): void; reject(error: Error): void }>>;
  #closed = false;

  private constructor(threads: BareThread[]) {
    this.#threads = threads;
    this.#waiting = threads.map(() => []);
    threads.forEach((thread, i) =>
      thread.listen(
        (data) => {
          const reply = data as { ready?: true; values?: unknown[]; error?: string };
          const next = this.#waiting[i].shift();
          if (!next) return;
          if (reply.error !== undefined) next.reject(new Error(`bare thread ${i}: ${reply.error}`));
          else next.resolve(reply.values ?? reply.ready);
        },
        (error) => {
          for (const next of this.#waiting[i].splice(0)) next.reject(error);
        },
      ),
    );
  }

  /** Starts `count` threads on `module` (compiled), each instantiated and warmed up before this resolves. */
  static async start(count: number, module: WebAssembly.Module, options: BareStartOptions = {}): Promise<BareThreads> {
    if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(expected("count", "a positive integer", count));
    if (!(module instanceof WebAssembly.Module)) throw new TypeError(expected("module", "a compiled WebAssembly.Module", module));
    const { memory, warmRegions } = options;
    if (memory !== undefined && !(memory instanceof WebAssembly.Memory))
      throw new TypeError(expected("options.memory", "a shared WebAssembly.Memory", memory));
    if (
      memory &&
      !(Array.isArray(warmRegions) && warmRegions.length === count && warmRegions.every((p) => Number.isSafeInteger(p) && p >= 0))
    )
      throw new TypeError(
        expected(
          "options.warmRegions",
          `${count} offsets of ${BARE_WARM_BYTES}-byte regions in options.memory, one per thread`,
          warmRegions,
        ),
      );
    const factory = threadFactory();
    const bare = new BareThreads(Array.from({ length: count }, factory.spawn));
    try {
      await Promise.all(bare.#threads.map((_, i) => bare.#ask(i, { init: { module, memory, warmRegion: warmRegions?.[i] } })));
    } catch (error) {
      await bare.close();
      throw error;
    } finally {
      factory.done();
    }
    return bare;
  }

  /** Threads running. */
  get count(): number {
    return this.#threads.length;
  }

  /** Runs `kind` on every part, thread i taking parts i, i + N, i + 2N, … in one message; resolves with the results in part order. */
  async run(kind: BareKind, parts: readonly (readonly unknown[])[]): Promise<unknown[]> {
    if (this.#closed) throw new Error("The bare threads are closed");
    const n = this.#threads.length;
    const answers = (await Promise.all(
      this.#threads.map((_, i) => this.#ask(i, { kind, list: parts.filter((_, j) => j % n === i) })),
    )) as unknown[][];
    return parts.map((_, j) => answers[j % n][Math.floor(j / n)]);
  }

  #ask(i: number, message: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#waiting[i].push({ resolve, reject });
      this.#threads[i].post(message);
    });
  }

  /** Stops every thread. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#threads.map((t) => t.terminate()));
    for (const waiting of this.#waiting) for (const next of waiting.splice(0)) next.reject(new Error("The bare threads were closed"));
  }
}

/** The parts the pool cuts a call into on `threads.count` workers. */
const parts = (threads: BareThreads) => threads.count * CHUNKS_PER_WORKER;

/** Σ [lo, hi) mod 2^64, as pool.sumRange. */
export async function bareSumRange(threads: BareThreads, lo: bigint, hi: bigint): Promise<bigint> {
  const values = (await threads.run("sumRange", splitRange(lo, hi, parts(threads)))) as bigint[];
  return values.reduce((s, v) => BigInt.asUintN(64, s + v), 0n);
}

/** Primes in [lo, hi), as pool.countPrimesRange (release build: each thread's scratch in its own memory). */
export async function bareCountPrimesRange(threads: BareThreads, lo: bigint, hi: bigint): Promise<number> {
  const values = (await threads.run("countPrimes", splitRange(lo, hi, parts(threads)))) as number[];
  return values.reduce((s, v) => s + v, 0);
}

/** The longest Collatz chain from [lo, hi), as pool.longestCollatzRange (ties: the smallest start). */
export async function bareLongestCollatz(threads: BareThreads, lo: bigint, hi: bigint): Promise<{ start: bigint; steps: number }> {
  const [l, h] = longestCollatzRangeArgs(lo, hi);
  const values = (await threads.run("collatz", splitRange(l, h, parts(threads)))) as { start: bigint; steps: number }[];
  let best = values[0];
  for (const r of values) {
    if (r.start === 0n) throw collatzOverflow(l, h);
    if (r.steps > best.steps) best = r;
  }
  return best;
}

/** Monte Carlo hits of `samples` samples from `seed`, as pool.monteCarloPi(samples, seed).inside. */
export async function bareMonteCarloHits(threads: BareThreads, samples: bigint, seed: bigint): Promise<number> {
  const { total, seed: s, chunks } = monteCarloArgs(samples, seed);
  const list = splitRange(0n, chunks, parts(threads)).map(([a, b]) => [s, a, b, total]);
  return Number(((await threads.run("monteCarlo", list)) as bigint[]).reduce((sum, v) => BigInt.asUintN(64, sum + v), 0n));
}

/** Mandelbrot escape counts, as pool.mandelbrot: row blocks computed in each thread's own memory, moved back and laid side by side. */
export async function bareMandelbrot(threads: BareThreads, options: MandelbrotOptions): Promise<Uint32Array> {
  const view = mandelbrotArgs(options);
  const blocks = splitCount(0, view.height, parts(threads));
  const rows = (await threads.run(
    "mandelbrot",
    blocks.map(([r0, r1]) => [view, r0, r1]),
  )) as Uint32Array[];
  const image = new Uint32Array(view.width * view.height);
  blocks.forEach(([r0], i) => image.set(rows[i], r0 * view.width));
  return image;
}

/** Σ a[i]·b[i] over two f64 vectors at `aPtr` and `bPtr` in the threads' shared memory, cut as pool.dot cuts it. */
export async function bareDot(threads: BareThreads, aPtr: number, bPtr: number, n: number): Promise<number> {
  const list = splitCount(0, n, parts(threads)).map(([i0, i1]) => [aPtr + i0 * 8, bPtr + i0 * 8, i1 - i0]);
  return ((await threads.run("dot", list)) as number[]).reduce((s, v) => s + v, 0);
}

/** y += alpha·x in place, over f64 vectors at `xPtr` and `yPtr` in the threads' shared memory, cut as pool.saxpy cuts it. */
export async function bareSaxpy(threads: BareThreads, alpha: number, xPtr: number, yPtr: number, n: number): Promise<void> {
  const list = splitCount(0, n, parts(threads)).map(([i0, i1]) => [alpha, xPtr + i0 * 8, yPtr + i0 * 8, i1 - i0]);
  await threads.run("saxpy", list);
}

/** xxHash64 of each buffer (at ptrs[i], lens[i] bytes) in the threads' shared memory, grouped as pool.hashMany groups them. */
export async function bareHashMany(
  threads: BareThreads,
  ptrs: readonly number[],
  lens: readonly number[],
  seed = 0n,
): Promise<BigUint64Array> {
  const groups = splitCount(0, ptrs.length, parts(threads));
  const hashes = (await threads.run(
    "xxhash64",
    groups.map(([i0, i1]) => [Uint32Array.from(ptrs.slice(i0, i1)), Uint32Array.from(lens.slice(i0, i1)), seed]),
  )) as BigUint64Array[];
  const out = new BigUint64Array(ptrs.length);
  groups.forEach(([i0], i) => out.set(hashes[i], i0));
  return out;
}

/** Starts each thread count's bare threads on first use (on the release module) and stops them all at the end. */
export class BareCache {
  readonly #module: WebAssembly.Module;
  readonly #threads = new Map<number, Promise<BareThreads>>();

  constructor(module: WebAssembly.Module) {
    this.#module = module;
  }

  get(count: number): Promise<BareThreads> {
    let threads = this.#threads.get(count);
    if (!threads) {
      threads = BareThreads.start(count, this.#module);
      this.#threads.set(count, threads);
    }
    return threads;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#threads.values()].map((t) => t.then((threads) => threads.close()).catch(() => {})));
    this.#threads.clear();
  }
}

/** The bare-thread implementations of one case, one per worker count; `call` runs the case on the threads. */
export function bareImplementations<I>(
  cache: BareCache,
  workers: readonly number[],
  call: (threads: BareThreads, input: I) => Promise<unknown>,
): Array<Implementation<I> | SkippedImplementation> {
  return workers.map((w) => {
    let threads: BareThreads | undefined;
    return {
      id: `bare-${w}`,
      label: `bare threads, ${w} (no pool)`,
      kind: "bare-threads" as const,
      workers: w,
      async prepare(input: I) {
        threads ??= await cache.get(w);
        return input;
      },
      run: (input: I) => call(threads!, input),
    };
  });
}
