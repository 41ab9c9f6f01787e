// The worker's side of the pool: instantiate the posted module once, warm it up, then run jobs.
// Kept apart from worker.ts (which only wires this to comlink) so that the job logic reads in one place.
import { isArrayArg } from "./protocol.ts";
import type { KernelExports } from "../kernels/abi.ts";
import { Arena } from "../arena.ts";
import { asKernelError, callKernel, convertResult, warmUp } from "../kernels/contract.ts";
import { instantiateKernels } from "../kernels/kernels.ts";
import { instantiateKernelModule } from "../kernels/runtime.ts";
import type { ModuleShape } from "../kernels/shape.ts";
import { WARM_UP_BYTES, warmUpKernels } from "../kernels/warm-up.ts";
import { primeCount } from "../kernels/builtins.ts";
import { assemblyScriptImports } from "../load.ts";
import { messageArrived, serveMailbox } from "./mailbox.ts";
import { FLUSH_AFTER_MS, POLL_MS } from "./tuning.ts";
import {
  remember,
  type CollatzBest,
  type FunctionRef,
  type Job,
  type JobResult,
  type JobsMessage,
  type ResultsMessage,
  type WorkerApi,
  type WorkerInit,
} from "./protocol.ts";

/** Bytes a worker needs for warm-up; the pool reserves this much per worker in shared mode. */
export const WARM_REGION_BYTES = WARM_UP_BYTES;
const MAX_CACHED_FUNCTIONS = 32;

interface State {
  readonly id: number;
  readonly ex: KernelExports;
  /** Message mode: the worker's own memory, reset before each job. Shared mode: none (the host lays out memory). */
  readonly arena?: Arena;
  /** The instance memory-free kernels run from: shared mode's release instance when there is one, else `ex`. */
  readonly free: KernelExports;
}

/** What a worker runs: `api` (init, over comlink) and `receive` (batches of jobs, raw messages; results go out through `post`). */
export interface WorkerRuntime {
  readonly api: WorkerApi;
  receive(message: JobsMessage): void;
}

/**
 * Creates the worker's side; `post` sends a batch of results (and the buffers to move) to the pool;
 * `poll`, where the platform has it, takes and dispatches one waiting message (false: none waits).
 */
export function createWorkerRuntime(post: (message: ResultsMessage, moved: Transferable[]) => void, poll?: () => boolean): WorkerRuntime {
  let state: State | undefined;
  const userFunctions = new Map<string, (...args: any[]) => unknown>();
  const posted = new Map<number, { module: WebAssembly.Module; memory?: WebAssembly.Memory }>();
  // One job at a time, in the order posted, even when a user function is async: the pool counts on
  // a worker's first unsettled chunk being the only one that began (see Scheduler#onDeath).
  const queue: { seq: number; job: Job }[] = [];
  let busy = false;
  let polling = false;
  // Results not yet posted: built-in kernels' results wait for the rest of their batch (one message
  // back for many small jobs); a user function's job (which may end the worker) never starts with any pending.
  let outbox: JobResult[] = [];
  let moved: Transferable[] = [];
  const flush = () => {
    if (outbox.length === 0) return;
    const [results, buffers] = [outbox, moved];
    outbox = [];
    moved = [];
    post({ hotpathResults: results }, buffers);
  };
  // Shared mode: the mailbox loop runs whenever no message job is running or on its way (mailbox.ts).
  let mailbox: SharedArrayBuffer | undefined;
  let serving = false;
  const serve = () => {
    if (!mailbox || serving || busy) return;
    serving = true;
    try {
      const current = state!;
      serveMailbox(mailbox, (job) => callKernel(kernelOf(job), () => runKernel(current, job as Exclude<Job, { kind: "map" | "call" }>)));
    } finally {
      serving = false;
    }
  };

  async function runUserJob(job: Extract<Job, { kind: "map" | "call" }>): Promise<unknown> {
    const fn = await loadFunction(job.fn, userFunctions);
    const label = job.fn.export;
    const convert = job.fn.type === "wasm" && job.fn.result ? job.fn.result : undefined;
    const call = async (args: readonly unknown[]) => {
      try {
        const value = await fn(...args);
        return convert ? convertResult(value, convert) : value;
      } catch (cause) {
        throw asKernelError(label, cause);
      }
    };
    if (job.kind === "call") return call(job.args);
    const out = new Array(job.items.length);
    for (let i = 0; i < job.items.length; i++) out[i] = await call([job.items[i], job.first + i]);
    return out;
  }

  const failed = (seq: number, error: unknown): JobResult => {
    const e = error as { name?: unknown; message?: unknown };
    const name = typeof e?.name === "string" ? e.name : "Error";
    return { seq, error: { name, message: typeof e?.message === "string" ? e.message : String(error) } };
  };

  async function drain(): Promise<void> {
    busy = true;
    while (queue.length > 0) {
      const { seq, job: received } = queue.shift()!;
      let job: Job;
      try {
        if (!state) throw new Error("worker used before init");
        job = withPostedModule(received, posted);
      } catch (error) {
        outbox.push(failed(seq, error));
        continue;
      }
      if (job.kind === "map" || job.kind === "call") {
        // Every earlier result is out before a user function runs: if it ends the worker, the pool has
        // already settled the earlier chunks and will not retry them.
        flush();
        try {
          outbox.push({ seq, value: await runUserJob(job) });
        } catch (error) {
          outbox.push(failed(seq, error));
        }
        flush();
        continue;
      }
      const started = performance.now();
      try {
        state.arena?.reset();
        const current = state;
        const value = callKernel(kernelOf(job), () => runKernel(current, job));
        // Results copied out of wasm memory are moved, not cloned (shared views never are: they sit in the shared memory).
        if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer) moved.push(value.buffer);
        outbox.push({ seq, value });
      } catch (error) {
        outbox.push(failed(seq, error));
      }
      if (queue.length === 0 || performance.now() - started >= FLUSH_AFTER_MS) flush();
    }
    flush();
    busy = false;
    if (mailbox) void nextTask().then(serve);
    else if (poll && !polling) {
      // A message taken here runs its jobs at once (a nested drain, which does not poll itself); polling
      // goes on after each, and stops when a job awaits (a user function) or nothing came for POLL_MS.
      polling = true;
      try {
        let until = performance.now() + POLL_MS;
        while (!busy && performance.now() < until) if (poll()) until = performance.now() + POLL_MS;
      } finally {
        polling = false;
      }
    }
  }

  const api: WorkerApi = {
    async init(init: WorkerInit) {
      const { exports: ex } = instantiateKernels(init.module, init.memory);
      const arena = init.mode === "message" ? new Arena(ex.memory, ex.heapBase()) : undefined;
      const release = init.release ? instantiateKernels(init.release).exports : undefined;
      state = { id: init.id, ex, arena, free: release ?? ex };
      if (init.warmUp) {
        const region = init.warmRegion ?? { ptr: arena!.alloc(WARM_REGION_BYTES, "warm-up"), bytes: WARM_REGION_BYTES };
        warmUpKernels(ex, region.ptr, region.bytes);
        arena?.reset();
        if (release) {
          const own = new Arena(release.memory, release.heapBase());
          warmUpKernels(release, own.alloc(WARM_REGION_BYTES, "warm-up"), WARM_REGION_BYTES);
        }
      }
      mailbox = init.mailbox;
      // A macrotask later: the reply to init is posted first.
      if (mailbox) void nextTask().then(serve);
      return { heapBase: ex.heapBase() };
    },
  };
  return {
    api,
    receive(message: JobsMessage) {
      // Taken on receipt, in message order, as the pool assumed when it left modules out.
      if (mailbox) messageArrived(mailbox);
      for (const entry of message.hotpathJobs) queue.push(entry);
      if (!busy) void drain();
    },
  };
}

function kernelOf(job: Job): string {
  switch (job.kind) {
    case "sumRange":
      return "sumRange";
    case "range":
      return job.kernel;
    case "countPrimes":
      return "countPrimesRange";
    case "collatz":
      return "longestCollatzRange";
    case "monteCarlo":
      return "monteCarloHits";
    case "mandelbrot":
      return "mandelbrotRows";
    case "hash":
      return job.algorithm;
    case "hashAt":
      return job.xxhash ? "xxhash64" : "fnv1a64";
    default:
      return job.kind;
  }
}

function runKernel({ ex, arena, free }: State, job: Exclude<Job, { kind: "map" | "call" }>): unknown {
  switch (job.kind) {
    case "sumRange":
      return BigInt.asUintN(64, free.sumRange(job.lo, job.hi));
    case "range":
      return BigInt.asUintN(64, free[job.kernel](job.lo, job.hi));
    case "countPrimes": {
      const scratch = job.scratchPtr ?? arena!.alloc(ex.countPrimesScratch(job.lo, job.hi), "scratch");
      return primeCount(ex.countPrimesRange(job.lo, job.hi, scratch));
    }
    case "collatz": {
      const start = BigInt.asUintN(64, free.longestCollatzRange(job.lo, job.hi));
      return { start, steps: free.collatzBestSteps() } satisfies CollatzBest;
    }
    case "monteCarlo":
      return BigInt.asUintN(64, free.monteCarloHits(job.seed, job.firstChunk, job.endChunk, job.total));
    case "mandelbrot": {
      const rows = job.rowEnd - job.rowStart;
      const bytes = rows * job.width * 4;
      const out = job.outPtr ?? arena!.alloc(bytes, "rows");
      ex.mandelbrotRows(out, job.width, job.height, job.rowStart, job.rowEnd, job.x0, job.y0, job.x1, job.y1, job.maxIter);
      if (job.outPtr !== undefined) return undefined;
      return moveOut(new Uint32Array(ex.memory.buffer, out, rows * job.width));
    }
    case "matmul": {
      const rows = job.rowEnd - job.rowStart;
      if (job.aPtr !== undefined) {
        ex.matmul(job.aPtr, job.bPtr!, job.cPtr!, job.m, job.k, job.n, job.rowStart, job.rowEnd);
        return undefined;
      }
      // Only this block's rows of A came: lay them out as a rows × k matrix and multiply all of it.
      const a = arena!.put(job.aRows!, "a");
      const b = arena!.put(job.b!, "b");
      const c = arena!.alloc(rows * job.n * 8, "c");
      ex.matmul(a, b, c, rows, job.k, job.n, 0, rows);
      return moveOut(new Float64Array(ex.memory.buffer, c, rows * job.n));
    }
    case "saxpy": {
      if (job.xPtr !== undefined) {
        ex.saxpy(job.alpha, job.xPtr, job.yPtr!, job.n);
        return undefined;
      }
      const x = arena!.put(job.x!, "x");
      const y = arena!.put(job.y!, "y");
      ex.saxpy(job.alpha, x, y, job.n);
      return moveOut(new Float64Array(ex.memory.buffer, y, job.n));
    }
    case "dot": {
      if (job.aPtr !== undefined) return ex.dot(job.aPtr, job.bPtr!, job.n);
      return ex.dot(arena!.put(job.a!, "a"), arena!.put(job.b!, "b"), job.n);
    }
    case "hash": {
      const count = job.lens.length;
      const out = new BigUint64Array(count);
      const xxhash = job.algorithm === "xxhash64";
      for (let i = 0, at = arena!.put(job.packed, "buffers"); i < count; at += job.lens[i], i++)
        out[i] = xxhash ? ex.xxhash64(at, job.lens[i], job.seed) : ex.fnv1a64(at, job.lens[i]);
      return out;
    }
    case "hashAt": {
      // Read the table and write the hashes through fresh views: the memory may have grown since.
      const table = new Uint32Array(ex.memory.buffer, job.tablePtr, job.count * 2);
      const out = new BigInt64Array(ex.memory.buffer, job.outPtr, job.count);
      for (let i = 0; i < job.count; i++)
        out[i] = job.xxhash ? ex.xxhash64(table[2 * i], table[2 * i + 1], job.seed) : ex.fnv1a64(table[2 * i], table[2 * i + 1]);
      return undefined;
    }
  }
}

/** Copies a view out of wasm memory into its own buffer (which the batch then moves, not clones). */
function moveOut<T extends Uint32Array | Float64Array>(view: T): T {
  return view.slice() as T;
}

const waiting: (() => void)[] = [];
let channel: MessageChannel | undefined;

/** Resolves in a later macrotask (after every pending microtask), through a MessageChannel: a timer would wait ≥ 1 ms. */
function nextTask(): Promise<void> {
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
    (channel.port1 as { unref?: () => void }).unref?.();
  }
  const done = new Promise<void>((resolve) => waiting.push(resolve));
  channel.port2.postMessage(0);
  return done;
}

/** Keeps a posted module, or puts back the one a job left out because this worker has it. */
function withPostedModule(job: Job, posted: Map<number, { module: WebAssembly.Module; memory?: WebAssembly.Memory }>): Job {
  if ((job.kind !== "map" && job.kind !== "call") || job.fn.type !== "wasm") return job;
  const fn = job.fn;
  if (fn.module) {
    remember(posted, fn.id, { module: fn.module, memory: fn.memory });
    return job;
  }
  const kept = posted.get(fn.id);
  if (!kept) throw new Error(`wasm module ${fn.id} (\`${fn.export}\`) was never posted to this worker`);
  return { ...job, fn: { ...fn, ...kept } };
}

async function loadFunction(ref: FunctionRef, cache: Map<string, (...args: any[]) => unknown>): Promise<(...args: any[]) => unknown> {
  const key = ref.type === "module" ? `module:${ref.url}#${ref.export}` : `wasm:${ref.id}#${ref.export}`;
  let fn = cache.get(key);
  if (fn) return fn;
  if (ref.type === "module") {
    let namespace: Record<string, unknown>;
    try {
      namespace = (await import(/* @vite-ignore */ ref.url)) as Record<string, unknown>;
    } catch (error) {
      // A file that is not JavaScript fails in the runtime's own words, or is even run as a script (Node
      // runs an extensionless file as CommonJS: a file that reads `vm` threw "vm is not defined").
      throw new TypeError(
        `Expected \`fn.module\` to be the URL of an ES module this worker can import, got ${ref.url}: ${(error as Error | undefined)?.message ?? String(error)}`,
        { cause: error },
      );
    }
    const value = namespace[ref.export];
    if (typeof value !== "function")
      throw new TypeError(`Expected export \`${ref.export}\` of ${ref.url} to be a function, got ${typeof value}`);
    fn = value as (...args: any[]) => unknown;
  } else if (ref.bound) {
    // A function of strings, arrays or objects: bound in this worker's own instance by the module's shape.
    const { shape, function: name, source } = ref.bound;
    const loaded = instantiateKernelModule(ref.module!, [], new Map(), source, shape as ModuleShape);
    const bound = loaded[name] as (...args: unknown[]) => unknown;
    const shapeOf = (shape as ModuleShape).functions.find((f) => f.name === name)!;
    fn = (...args: unknown[]) => bound(...args.slice(0, shapeOf.params.length));
  } else {
    let memory: WebAssembly.Memory | undefined = ref.memory;
    const imports = assemblyScriptImports(() => memory!, ref.memory ? { memory: ref.memory } : {});
    const instance = new WebAssembly.Instance(ref.module!, imports);
    memory ??= instance.exports.memory as WebAssembly.Memory | undefined;
    const value = instance.exports[ref.export];
    if (typeof value !== "function")
      throw new TypeError(`Expected the wasm module to export a function \`${ref.export}\`, got ${typeof value}`);
    fn = ref.memory ? (value as (...args: any[]) => unknown) : withArrayArgs(value as (...args: any[]) => unknown, instance, ref.export);
    const args = ref.warmUpArgs;
    if (args) warmUp(() => callKernel(ref.export, () => (fn as (...a: unknown[]) => unknown)(...args)));
  }
  // Bounded: a caller passing fresh bytes on every call would otherwise pile up instances (and their memories).
  if (cache.size >= MAX_CACHED_FUNCTIONS) cache.delete(cache.keys().next().value!);
  cache.set(key, fn);
  return fn;
}

/**
 * Message mode: a wasm function called with arrays sent in the job (ArrayArg) gets each copied into its
 * instance's own memory for the call, as (pointer, length). A module with AssemblyScript's runtime
 * (`__new`, `__pin`) allocates the copies; any other gets them in a region grown past the end of its
 * memory (nothing of its own lies there), kept for the next calls and grown when they need more.
 */
function withArrayArgs(fn: (...args: any[]) => unknown, instance: WebAssembly.Instance, name: string): (...args: any[]) => unknown {
  const ex = instance.exports as Record<string, unknown>;
  const memory = ex.memory as WebAssembly.Memory | undefined;
  const runtime = typeof ex.__new === "function" && typeof ex.__pin === "function" && typeof ex.__unpin === "function";
  let region: { ptr: number; bytes: number } | undefined;
  return (...args: unknown[]) => {
    if (!args.some(isArrayArg)) return fn(...args);
    if (!memory) throw new TypeError(`\`${name}\` takes an array, but its module exports no memory to copy it into`);
    const arrays = args.filter(isArrayArg).map((a) => a.hotpathArray);
    const needed = arrays.reduce((sum, view) => sum + ((view.byteLength + 15) & ~15), 0);
    if (!runtime && (!region || region.bytes < needed)) {
      const pages = Math.ceil(needed / 65536);
      region = { ptr: memory.grow(pages) * 65536, bytes: pages * 65536 };
    }
    const flat: unknown[] = [];
    const pinned: number[] = [];
    let at = region?.ptr ?? 0;
    try {
      for (const arg of args) {
        if (!isArrayArg(arg)) {
          flat.push(arg);
          continue;
        }
        const view = arg.hotpathArray;
        const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
        let ptr = at;
        if (runtime)
          pinned.push((ptr = (ex.__pin as (p: number) => number)((ex.__new as (size: number, id: number) => number)(bytes.length, 1))));
        else at += (bytes.length + 15) & ~15;
        new Uint8Array(memory.buffer, ptr, bytes.length).set(bytes);
        flat.push(ptr, (view as unknown as { length: number }).length);
      }
      return fn(...flat);
    } finally {
      for (const ptr of pinned) (ex.__unpin as (p: number) => void)(ptr);
    }
  };
}
