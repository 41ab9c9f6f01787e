// The caller's side of the cluster: `createCluster` connects to Redis, and each call cuts its work into
// chunks (ranges of the kernels' range forms, blocks of rows), adds one BullMQ job per chunk and waits
// for the chunks' results. BullMQ does the distributed part: a job id per chunk (`<call>_<index>`, so a
// chunk is queued once), retries with backoff, stalled-job detection (a worker that dies mid-chunk
// loses its lock and another worker runs the chunk again), `sizeLimit` on payloads. Workers store each
// chunk's result with HSETNX under its index in one hash per call (a chunk run twice counts once) and
// append the index to a list, so each poll (one LLEN) reads only the chunks finished since the last.
// Chunks are sized by time: the first chunk of a kernel is a calibration chunk whose measured time
// sizes the rest to `chunkTargetMs` of one core's work.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { RANGE_KERNEL_FUNCTIONS, type RangeKernelName } from "../kernels/abi.ts";
import {
  RANGE_KERNELS,
  collatzOverflow,
  foldRange,
  countPrimesArgs,
  countPrimesRangeArgs,
  longestCollatzArgs,
  longestCollatzRangeArgs,
  mandelbrotArgs,
  monteCarloArgs,
  monteCarloResult,
  rangeArgs,
  sumIntegersArgs,
  type CollatzResult,
  type Range,
} from "../kernels/builtins.ts";
import { checkScalar, isBufferType, kernelRefOf, type FunctionSpec, type ScalarType } from "../kernels/contract.ts";
import { AbortError, expected } from "../errors.ts";
import { NAMED_COMBINES, checkCombine } from "../kernels/combine.ts";
import { MAX_CHUNKS } from "../pool/pool.ts";
import { splitRange } from "../pool/split.ts";
import { checkOptions, toInteger } from "../validate.ts";
import { CallState, redisCall, sleep, withTimeout, type ClientConfig } from "./call.ts";
import { connectFailFast, loadEngine, redisTarget } from "./engine.ts";
import { ClusterError } from "./errors.ts";
import { KEY_TTL_SECONDS, MAX_MODULE_BYTES, keys, type Task } from "./protocol.ts";
import type {
  Cluster,
  ClusterCallOptions,
  ClusterFunction,
  ClusterOptions,
  ClusterRangeKernels,
  ClusterReduceOptions,
  PortableKernelRef,
} from "./types.ts";

const OPTION_KEYS = [
  "connection",
  "queue",
  "prefix",
  "chunkTargetMs",
  "jobTimeoutMs",
  "attempts",
  "timeoutMs",
  "pollMs",
  "onProgress",
] as const;
const CALL_KEYS = ["signal", "chunks", "onProgress"] as const;
/** A calibration chunk shorter than this is timed again on a larger chunk: a timer's resolution and a job's fixed cost would swamp it. */
const CALIBRATION_MIN_MS = 50;

const wrapAdd = (values: unknown[]) => (values as bigint[]).reduce((s, v) => BigInt.asUintN(64, s + v), 0n);
const addNumbers = (values: unknown[]) => (values as number[]).reduce((s, v) => s + v, 0);

/** One call's plan: its units (a range, chunk numbers or rows), how a chunk becomes a task, and how results combine. */
interface Plan<T> {
  name: string;
  /** Chunks of the same kernel cost alike: the calibration is kept per key. */
  rateKey: string;
  units: Range;
  /** Units of the first calibration chunk: a few ms of work. */
  firstChunk: bigint;
  task: (lo: bigint, hi: bigint) => Task;
  finish: (values: unknown[]) => T;
  /** Before the first job: stores a user's module in Redis. */
  prepare?: () => Promise<void>;
}

/** Connects to Redis and returns a cluster client. Node only. Rejects with ClusterError REDIS_UNREACHABLE if Redis does not answer. */
export async function createCluster(options: ClusterOptions): Promise<Cluster> {
  if (options === undefined) throw new TypeError(expected("options", "an options object with `connection`", options));
  const opts = checkOptions(options, "options", OPTION_KEYS) as unknown as ClusterOptions;
  const target = redisTarget(opts.connection);
  const name = (key: "queue" | "prefix", fallback: string) => {
    const v = opts[key];
    if (v === undefined) return fallback;
    if (typeof v !== "string" || !/^[\w.-]{1,100}$/.test(v))
      throw new TypeError(expected(`options.${key}`, "a name of letters, digits, _ . -", v));
    return v;
  };
  const queueName = name("queue", "hotpath");
  const prefix = name("prefix", "bull");
  const targetMs = opts.chunkTargetMs === undefined ? 1000 : toInteger(opts.chunkTargetMs, "options.chunkTargetMs", 10, 600_000);
  // A chunk is cut to about targetMs of one core; one that runs 60 times longer (at least a minute) is a runaway.
  const jobTimeoutMs =
    opts.jobTimeoutMs === undefined
      ? Math.max(60_000, 60 * targetMs)
      : toInteger(opts.jobTimeoutMs, "options.jobTimeoutMs", 100, 2 ** 31 - 1);
  const attempts = opts.attempts === undefined ? 3 : toInteger(opts.attempts, "options.attempts", 1, 100);
  const timeoutMs = opts.timeoutMs === undefined ? 5000 : toInteger(opts.timeoutMs, "options.timeoutMs", 100, 600_000);
  const pollMs = opts.pollMs === undefined ? 50 : toInteger(opts.pollMs, "options.pollMs", 5, 60_000);
  if (opts.onProgress !== undefined && typeof opts.onProgress !== "function")
    throw new TypeError(expected("options.onProgress", "a function", opts.onProgress));

  const { bullmq, Redis } = await loadEngine();
  const redis = await connectFailFast(Redis, target, timeoutMs);
  const queue = new bullmq.Queue(queueName, { connection: redis, prefix });
  queue.on("error", () => {});
  return new ClusterClient({
    redis,
    queue,
    queueName,
    prefix,
    targetMs,
    jobTimeoutMs,
    attempts,
    pollMs,
    timeoutMs,
    onProgress: opts.onProgress,
    target,
  });
}

interface ClusterClient extends ClusterRangeKernels {}

class ClusterClient implements Cluster {
  #c: ClientConfig;
  #closed = false;
  /** Calls in progress: close() aborts them. */
  #calls = new Set<AbortController>();
  /** Units of work per millisecond of one worker core, per kernel (from the calibration chunks). */
  #rates = new Map<string, number>();

  constructor(config: ClientConfig) {
    this.#c = config;
    for (const kernel of RANGE_KERNEL_FUNCTIONS)
      Object.defineProperty(this, kernel, {
        value: (lo: unknown, hi: unknown, options?: ClusterCallOptions) => this.#rangeKernel(kernel, lo, hi, options),
      });
  }

  get closed(): boolean {
    return this.#closed;
  }

  async sumIntegers(n: unknown, options?: ClusterCallOptions): Promise<bigint> {
    return this.#sum("sumIntegers", sumIntegersArgs(n), options);
  }

  async sumRange(lo: unknown, hi: unknown, options?: ClusterCallOptions): Promise<bigint> {
    return this.#sum("sumRange", rangeArgs(lo, hi), options);
  }

  async countPrimes(n: unknown, options?: ClusterCallOptions): Promise<number> {
    return this.#primes("countPrimes", countPrimesArgs(n), options);
  }

  async countPrimesRange(lo: unknown, hi: unknown, options?: ClusterCallOptions): Promise<number> {
    return this.#primes("countPrimesRange", countPrimesRangeArgs(lo, hi), options);
  }

  async longestCollatz(limit: unknown, options?: ClusterCallOptions): Promise<CollatzResult> {
    return this.#collatz("longestCollatz", longestCollatzArgs(limit), options);
  }

  async longestCollatzRange(lo: unknown, hi: unknown, options?: ClusterCallOptions): Promise<CollatzResult> {
    return this.#collatz("longestCollatzRange", longestCollatzRangeArgs(lo, hi), options);
  }

  async monteCarloPi(samples: unknown, seed: unknown = 0n, options?: ClusterCallOptions) {
    const { total, seed: s, chunks } = monteCarloArgs(samples, seed);
    return this.#run(
      {
        name: "monteCarloPi",
        rateKey: "monteCarloHits",
        units: [0n, chunks],
        firstChunk: 16n,
        task: (first, end) => ({ kind: "monteCarlo", seed: s, first, end, total }),
        finish: (hits) => monteCarloResult(wrapAdd(hits), total),
      },
      options,
    );
  }

  async mandelbrot(options: Parameters<Cluster["mandelbrot"]>[0]): Promise<Uint32Array> {
    const view = mandelbrotArgs(options, CALL_KEYS);
    const { width, height } = view;
    return this.#run(
      {
        name: "mandelbrot",
        // Cost per row grows with width × maxIter; rows of another image say little about these.
        rateKey: `mandelbrotRows:${width}:${view.maxIter}:${view.x0}:${view.y0}:${view.x1}:${view.y1}:${height}`,
        units: [0n, BigInt(height)],
        firstChunk: 1n,
        task: (a, b) => ({ kind: "mandelbrot", ...view, rowStart: Number(a), rowEnd: Number(b) }),
        finish: (blocks) => {
          const image = new Uint32Array(width * height);
          let at = 0;
          for (const block of blocks as Uint32Array[]) image.set(block, (at += block.length) - block.length);
          if (at !== image.length) throw new ClusterError("BAD_JOB", `mandelbrot: the row blocks hold ${at} pixels, not ${image.length}`);
          return image;
        },
      },
      { signal: options.signal, chunks: options.chunks, onProgress: (options as ClusterCallOptions).onProgress },
    );
  }

  async reduceRange<R>(fn: ClusterFunction, lo: number | bigint, hi: number | bigint, options: ClusterReduceOptions<R>): Promise<R> {
    this.#check();
    const opts = checkOptions(options, "options", [...CALL_KEYS, "combine", "initial"]) as unknown as ClusterReduceOptions<R>;
    const named = typeof opts.combine === "string" ? checkCombine(opts.combine) : undefined;
    if (!named && typeof opts.combine !== "function")
      throw new TypeError(expected("options.combine", 'a function (a, b) => a ⊕ b, or "wrapAdd", "add", "min" or "max"', opts.combine));
    if (!named && !("initial" in opts)) throw new TypeError("Expected `options.initial` to be the result of an empty range, got nothing");
    const { ref, bytes } = portable(fn, [lo, hi]);
    const spec = ref.spec;
    const params = spec.params;
    if (params.length !== 2 || params.some((p) => isBufferType(p.type) || !["u64", "i64", "u32", "i32"].includes(p.type)))
      throw new TypeError(
        `\`${spec.name}\` must take two integer parameters (lo, hi) to run on the cluster; it takes (${params.map((p) => `${p.name}: ${p.type}`).join(", ")})`,
      );
    if (isBufferType(spec.result as never) || spec.result === "void")
      throw new TypeError(`\`${spec.name}\` must return a scalar to run on the cluster; it returns ${spec.result}`);
    // The contract's own checks, as on one thread and on the pool.
    const l = checkScalar(lo, params[0].type as ScalarType, params[0].name);
    const h = checkScalar(hi, params[1].type as ScalarType, params[1].name);
    const resultIsBig = spec.result === "u64" || spec.result === "i64";
    const hasInitial = "initial" in opts;
    const initial = hasInitial ? opts.initial : named === "wrapAdd" ? 0n : named === "add" ? (resultIsBig ? 0n : 0) : undefined;
    if (!hasInitial && (named === "min" || named === "max") && !(h > l))
      throw new RangeError(
        expected("options.initial", `the result of an empty range (combine "${named}" has no neutral value)`, undefined),
      );
    const combine = (named ? NAMED_COMBINES[named] : opts.combine) as (a: R, b: R) => R;
    const wasm = await bytes();
    if (wasm.byteLength > MAX_MODULE_BYTES) throw new RangeError(expected("fn", `a module of at most ${MAX_MODULE_BYTES} bytes`, wasm));
    const compiled = await WebAssembly.compile(wasm as Uint8Array<ArrayBuffer>);
    if (!WebAssembly.Module.exports(compiled).some((e) => e.name === spec.name && e.kind === "function"))
      throw new TypeError(`The wasm bytes given for \`${spec.name}\` do not export a function \`${spec.name}\``);
    const hash = createHash("sha256").update(wasm).digest("hex");
    const portableSpec: FunctionSpec = {
      name: spec.name,
      params: params.map((p) => ({ name: p.name, type: p.type })),
      result: spec.result,
    };
    return this.#run(
      {
        name: `reduceRange(${spec.name})`,
        rateKey: `call:${hash}:${spec.name}`,
        units: [BigInt(l), BigInt(h)],
        firstChunk: 1n << 16n,
        task: (a, b) => ({ kind: "call", module: hash, spec: portableSpec, lo: a, hi: b }),
        finish: (values) =>
          hasInitial || initial !== undefined ? (values as R[]).reduce(combine, initial as R) : (values as R[]).reduce(combine),
        prepare: async () => {
          const key = keys.module(this.#c.prefix, this.#c.queueName, hash);
          // Stored once under its content hash; a later call only renews the key's lifetime.
          const stored = await this.#c.redis.set(key, Buffer.from(wasm), "EX", KEY_TTL_SECONDS, "NX");
          if (stored === null) await this.#c.redis.expire(key, KEY_TTL_SECONDS);
        },
      },
      { signal: opts.signal, chunks: opts.chunks, onProgress: opts.onProgress },
    );
  }

  async workers(): Promise<{ processes: number; threads: number }> {
    this.#check();
    return redisCall("workers", () => this.#slots());
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const call of this.#calls) call.abort(new ClusterError("CLOSED", "The cluster was closed during the call"));
    // Give aborted calls a moment to take their jobs off the queue.
    for (let i = 0; i < 100 && this.#calls.size > 0; i++) await sleep(20);
    // Redis may be gone: never wait on it longer than the timeout.
    await withTimeout(this.#c.queue.close(), this.#c.timeoutMs).catch(() => {});
    await withTimeout(this.#c.redis.quit(), this.#c.timeoutMs).catch(() => {});
    this.#c.redis.disconnect();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #check(): void {
    if (this.#closed) throw new ClusterError("CLOSED", "The cluster is closed");
  }

  #sum(name: string, range: Range, options: ClusterCallOptions | undefined): Promise<bigint> {
    return this.#run(
      { name, rateKey: "sumRange", units: range, firstChunk: 1n << 24n, task: (lo, hi) => ({ kind: "sumRange", lo, hi }), finish: wrapAdd },
      options,
    );
  }

  #primes(name: string, range: Range, options: ClusterCallOptions | undefined): Promise<number> {
    return this.#run(
      {
        name,
        rateKey: "countPrimesRange",
        units: range,
        firstChunk: 1n << 22n,
        task: (lo, hi) => ({ kind: "countPrimesRange", lo, hi }),
        finish: addNumbers,
      },
      options,
    );
  }

  #collatz(name: string, [l, h]: Range, options: ClusterCallOptions | undefined): Promise<CollatzResult> {
    return this.#run(
      {
        name,
        rateKey: "longestCollatzRange",
        units: [l, h],
        firstChunk: 1n << 16n,
        task: (lo, hi) => ({ kind: "collatz", lo, hi }),
        finish: (results) => {
          let best: CollatzResult | undefined;
          for (const r of results as CollatzResult[]) {
            if (r.start === 0n) throw collatzOverflow(l, h);
            // Chunks come in range order: strictly longer wins, so ties keep the smallest start (as on the pool).
            if (!best || r.steps > best.steps) best = r;
          }
          return { start: best!.start, steps: best!.steps };
        },
      },
      options,
    );
  }

  #rangeKernel(kernel: RangeKernelName, lo: unknown, hi: unknown, options?: ClusterCallOptions): Promise<bigint> {
    const how = RANGE_KERNELS[kernel].combine;
    return this.#run(
      {
        name: kernel,
        rateKey: kernel,
        units: rangeArgs(lo, hi),
        firstChunk: 1n << 20n,
        task: (a, b) => ({ kind: "range", kernel, lo: a, hi: b }),
        finish: (parts) => foldRange(how, parts as bigint[]),
      },
      options,
    );
  }

  /** Worker processes and their pools' threads (each `hotpath worker` names its BullMQ worker `hotpath:<threads>:…`). */
  async #slots(): Promise<{ processes: number; threads: number }> {
    const workers = await this.#c.queue.getWorkers();
    let threads = 0;
    // CLIENT LIST names a BullMQ worker's connection "<prefix>:<base64 queue>:w:<worker name>".
    for (const w of workers) threads += Number(/:w:hotpath:(\d+):/.exec(String(w.rawname ?? ""))?.[1] ?? 1) || 1;
    return { processes: workers.length, threads };
  }

  /** Runs a plan: calibrates (unless the rate is known or `chunks` is given), queues the chunks, waits for every result. */
  async #run<T>(plan: Plan<T>, options: ClusterCallOptions | undefined): Promise<T> {
    this.#check();
    const opts = checkOptions(options, "options", CALL_KEYS) as ClusterCallOptions;
    if (opts.signal !== undefined && !(opts.signal instanceof AbortSignal))
      throw new TypeError(expected("options.signal", "an AbortSignal", opts.signal));
    const chunks = opts.chunks === undefined ? undefined : toInteger(opts.chunks, "options.chunks", 1, MAX_CHUNKS);
    if (opts.onProgress !== undefined && typeof opts.onProgress !== "function")
      throw new TypeError(expected("options.onProgress", "a function", opts.onProgress));
    opts.signal?.throwIfAborted();
    const [lo, hi] = plan.units;
    if (hi <= lo) return plan.finish([]);

    const control = new AbortController();
    const onAbort = () => control.abort(new AbortError(`${plan.name} was aborted`, { cause: opts.signal!.reason }));
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    this.#calls.add(control);
    const call = new CallState(this.#c, plan.name, control.signal, opts.onProgress ?? this.#c.onProgress);
    try {
      await redisCall(plan.name, () => plan.prepare?.());
      let cursor = lo;
      let rate = chunks === undefined ? this.#rates.get(plan.rateKey) : undefined;
      // Calibration: time a small first chunk (growing it while it runs under CALIBRATION_MIN_MS); it is part of the answer.
      let size = plan.firstChunk;
      while (chunks === undefined && rate === undefined && cursor < hi) {
        const end = cursor + size < hi ? cursor + size : hi;
        const index = await call.add([plan.task(cursor, end)]);
        const result = await call.wait(index);
        const units = Number(end - cursor);
        cursor = end;
        if (result.ms >= CALIBRATION_MIN_MS || cursor >= hi) this.#rates.set(plan.rateKey, (rate = units / Math.max(result.ms, 0.01)));
        else size *= BigInt(Math.min(1000, Math.max(2, Math.ceil((2 * CALIBRATION_MIN_MS) / Math.max(result.ms, 0.05)))));
      }
      if (cursor < hi) {
        const left = hi - cursor;
        let count: bigint;
        if (chunks !== undefined) count = BigInt(chunks);
        else {
          // Enough chunks of `targetMs` each; and at least one per worker thread, so a small call still spreads.
          const byTime = BigInt(Math.ceil(Number(left) / Math.max(1, rate! * this.#c.targetMs)));
          const threads = BigInt(Math.max(1, (await redisCall(plan.name, () => this.#slots())).threads));
          // A whole number of rounds over the threads: 822 chunks on 160 threads would leave a last round
          // of 22 (six rounds' time for 5.1 rounds' work); 960 slightly shorter ones end together.
          count = ((byTime + threads - 1n) / threads) * threads;
        }
        if (count > left) count = left;
        if (count > BigInt(MAX_CHUNKS)) count = BigInt(MAX_CHUNKS);
        if (count < 1n) count = 1n;
        await call.add(splitRange(cursor, hi, Number(count)).map(([a, b]) => plan.task(a, b)));
      }
      return plan.finish(await call.all());
    } catch (error) {
      await call.cancel();
      throw error;
    } finally {
      opts.signal?.removeEventListener("abort", onAbort);
      this.#calls.delete(control);
      await call.forget();
    }
  }
}

/** The KernelRef of `fn` and where its wasm bytes come from. */
function portable(fn: unknown, args: readonly unknown[]): { ref: PortableKernelRef; bytes: () => Promise<Uint8Array> } {
  const wrapped = fn !== null && typeof fn === "object" && "kernel" in fn && "wasm" in fn ? fn : undefined;
  const ref = kernelRefOf(wrapped ? wrapped.kernel : fn, args);
  if (!ref)
    throw new TypeError(
      expected(
        wrapped ? "fn.kernel" : "fn",
        "a kernel function carrying a KernelRef (hotpath compile, jit), or { kernel, wasm }",
        wrapped ? wrapped.kernel : fn,
      ),
    );
  if (ref.bound)
    throw new TypeError(
      `\`${ref.spec.name}\` is bound by its module's shape (strings, arrays, objects, small integers or optional parameters): ` +
        "the cluster runs range kernels of numbers only (lo, hi)",
    );
  if (wrapped) {
    const w = wrapped.wasm;
    if (w instanceof Uint8Array) return { ref, bytes: async () => w };
    if (w instanceof ArrayBuffer) return { ref, bytes: async () => new Uint8Array(w) };
    if (w instanceof URL || typeof w === "string")
      return { ref, bytes: async () => new Uint8Array(await readFile(w instanceof URL ? fileURLToPath(w) : w)) };
    throw new TypeError(expected("fn.wasm", "the module's bytes (a Uint8Array or ArrayBuffer) or a file path or file: URL", w));
  }
  if (typeof ref.bytes !== "function")
    throw new TypeError(
      expected(
        "fn",
        "a kernel whose KernelRef gives its wasm bytes (`bytes()`), so workers on other machines can load it; or pass { kernel, wasm }",
        fn,
      ),
    );
  return { ref, bytes: ref.bytes };
}
