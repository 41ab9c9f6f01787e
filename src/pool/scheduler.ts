// The pool's scheduler: calls become tasks, tasks become chunks, chunks wait in one queue and go to the
// worker with the fewest in flight. It settles results, fails tasks (error, abort, close) and decides
// what happens to a dead worker's chunks. Every step is O(1) per chunk (a queue with a moving head,
// failed tasks' chunks skipped when they come up), so a call of MAX_CHUNKS chunks costs linear time.
import { AbortError, KernelError, PoolClosedError, WorkerError, expected } from "../errors.ts";
import { isRetired } from "../retired.ts";
import type { KernelExports } from "../kernels/abi.ts";
import { callChunks } from "./config.ts";
import type { SharedHeap } from "../heap.ts";
import { isMailable } from "./mailbox.ts";
import { CHUNKS_IN_FLIGHT, EVEN_CHUNKS_DEEP, SINGLE_CHUNKS_DEEP } from "./tuning.ts";
import { remember, type Job, type PoolMode } from "./protocol.ts";
import { Residents } from "./resident.ts";
import type { CallOptions, ChunkSpec, Lender, PoolCore } from "./types.ts";
import { WorkerSet, type Slot, type WorkerSetConfig } from "./workers.ts";

interface Chunk {
  readonly task: Task;
  readonly index: number;
  readonly spec: ChunkSpec;
  attempts: number;
  /** The job, once made for a dispatch that has not happened yet. */
  made?: { job: Job; transfer?: Transferable[] };
  /** Sent through the worker's mailbox (not as a message). */
  fast?: boolean;
}

class Task {
  readonly results: unknown[];
  remaining: number;
  readonly running = new Set<Slot<Chunk>>();
  settled = false;
  #cleaned = false;

  constructor(
    readonly name: string,
    count: number,
    readonly resolve: (results: unknown[]) => void,
    readonly reject: (error: unknown) => void,
    readonly cleanup: (() => void) | undefined,
  ) {
    this.results = new Array(count);
    this.remaining = count;
  }

  /** Runs the cleanup once the task is settled and no worker is still working for it. */
  maybeCleanup(): void {
    if (!this.settled || this.running.size > 0 || this.#cleaned) return;
    this.#cleaned = true;
    this.cleanup?.();
  }
}

/** A FIFO with O(1) shift (a moving head, compacted now and then) and a cheap unshift for the few chunks put back. */
class ChunkQueue {
  #items: (Chunk | undefined)[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }
  push(chunk: Chunk): void {
    this.#items.push(chunk);
  }
  unshift(chunk: Chunk): void {
    if (this.#head > 0) this.#items[--this.#head] = chunk;
    else this.#items.unshift(chunk);
  }
  shift(): Chunk | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const chunk = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head >= 4096 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return chunk;
  }
  /** Drops every chunk (close). */
  clear(): void {
    this.#items = [];
    this.#head = 0;
  }
}

/** Everything the scheduler needs: how workers start, and the shared-memory layout the parallel kernels use. */
export interface SchedulerConfig extends WorkerSetConfig {
  readonly heap?: SharedHeap;
  /** Shared mode: an instance on this thread that runs no kernel, asked for sizes (countPrimesScratch). */
  readonly local?: KernelExports;
  readonly chunksPerWorker: number;
  /** Shared mode in a memory owned elsewhere (jit's): the owner's arrays, used where they lie. */
  readonly lender?: Lender;
}

export class Scheduler implements PoolCore {
  readonly mode: PoolMode;
  readonly heap?: SharedHeap;
  readonly memory?: WebAssembly.Memory;
  readonly workers: WorkerSet<Chunk>;
  /** Arrays from `pool.alloc`. */
  readonly residents: Residents;
  #config: SchedulerConfig;
  #queue = new ChunkQueue();
  #tasks = new Set<Task>();
  #target = 0;
  #closed = false;
  #closing?: Promise<void>;

  constructor(config: SchedulerConfig) {
    this.#config = config;
    this.mode = config.mode;
    this.heap = config.heap;
    this.memory = config.memory;
    this.residents = new Residents(config.heap, config.memory);
    this.workers = new WorkerSet<Chunk>(config, {
      joined: () => this.#pump(),
      died: (slot, chunks, reason) => this.#onDeath(slot, chunks, reason),
      noneLeft: (error) => {
        for (const task of [...this.#tasks]) this.#fail(task, noWorkerLeft(error));
      },
    });
  }

  get size(): number {
    return this.workers.slots.length;
  }

  get replacementError(): Error | undefined {
    return this.workers.replacementError;
  }

  get closed(): boolean {
    return this.#closed;
  }

  async start(count: number): Promise<void> {
    this.#target = count;
    await this.workers.start(count);
    this.workers.hold(this.#tasks.size > 0);
  }

  place(view: ArrayBufferView, name: string, held = false): number {
    const owner = this.#ownerOf(view);
    if (owner) return owner.lend(view, name, held)!;
    refuseRetired(view, name);
    return this.heap!.put(view, name);
  }

  unplace(view: ArrayBufferView, ptr: number): void {
    const owner = this.#ownerOf(view);
    if (owner) owner.giveBack(view);
    else this.heap!.free(ptr);
  }

  isResident(view: ArrayBufferView): boolean {
    return this.#ownerOf(view) !== undefined;
  }

  hold(args: readonly unknown[]): () => void {
    const held: [ArrayBufferView, Lender][] = [];
    const release = () => held.forEach(([view, owner]) => owner.giveBack(view));
    try {
      args.forEach((arg, i) => {
        if (!ArrayBuffer.isView(arg)) return;
        const owner = this.#ownerOf(arg);
        if (!owner) refuseRetired(arg, `options.args[${i}]`);
        else if (owner.lend(arg, `options.args[${i}]`, true) !== undefined) held.push([arg, owner]);
      });
    } catch (e) {
      release();
      throw e;
    }
    return release;
  }

  #ownerOf(view: ArrayBufferView): Lender | undefined {
    if (this.residents.owns(view)) return this.residents;
    return this.#config.lender?.owns(view) ? this.#config.lender : undefined;
  }

  scratchForPrimes(lo: bigint, hi: bigint): number {
    return this.#config.local!.countPrimesScratch(lo, hi);
  }

  check(): void {
    if (this.#closed) throw new PoolClosedError("The pool is closed: create another with createPool()");
  }

  chunkCount(options: CallOptions | undefined, name: string): number {
    return callChunks(options, name, Math.max(1, this.#target) * this.#config.chunksPerWorker);
  }

  submit<T>(
    name: string,
    specs: ChunkSpec[],
    options: CallOptions | undefined,
    finish: (results: unknown[]) => T,
    cleanup?: () => void,
  ): Promise<T> {
    const signal = options?.signal;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => this.#abort(task, signal!);
      const task: Task = new Task(
        name,
        specs.length,
        (results) => {
          signal?.removeEventListener("abort", onAbort);
          try {
            resolve(finish(results));
          } catch (error) {
            reject(error);
          }
        },
        (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
        cleanup,
      );
      if (this.#closed) return this.#fail(task, new PoolClosedError("The pool is closed: create another with createPool()"));
      if (signal?.aborted) return this.#fail(task, abortError(name, signal));
      const exhausted = this.workers.exhausted;
      if (exhausted) return this.#fail(task, noWorkerLeft(exhausted));
      if (specs.length === 0) {
        task.settled = true;
        task.resolve(task.results);
        task.maybeCleanup();
        return;
      }
      this.#tasks.add(task);
      if (this.#tasks.size === 1) this.workers.hold(true);
      signal?.addEventListener("abort", onAbort, { once: true });
      for (let index = 0; index < specs.length; index++) this.#queue.push({ task, index, spec: specs[index], attempts: 0 });
      this.#pump();
    });
  }

  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closed = true;
    const error = new PoolClosedError("The pool was closed while this call was queued or running");
    for (const task of [...this.#tasks]) this.#fail(task, error);
    this.#queue.clear();
    this.#closing = this.workers.close();
    return this.#closing;
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      const chunk = this.#queue.shift()!;
      // A failed task's chunks are left in the queue (removing them would cost O(queue) per failure) and dropped here.
      if (chunk.task.settled) continue;
      if (!chunk.made)
        try {
          chunk.made = chunk.spec.make();
        } catch (error) {
          this.#fail(chunk.task, error);
          continue;
        }
      const mailable = isMailable(chunk.made.job);
      // The live worker with the fewest chunks in flight (idle ones first, so work spreads before it queues),
      // among those whose chunks in flight took the same path: a worker runs its chunks in the order posted.
      let slot: Slot<Chunk> | undefined;
      const kind = chunk.made.job.kind;
      const limit =
        chunk.task.results.length === 1 && kind !== "map" && kind !== "call"
          ? SINGLE_CHUNKS_DEEP
          : chunk.spec.even && mailable
            ? EVEN_CHUNKS_DEEP
            : CHUNKS_IN_FLIGHT;
      for (const s of this.workers.slots) {
        if (s.gone || s.chunks.length >= limit || (slot && s.chunks.length >= slot.chunks.length)) continue;
        if (s.chunks.length === 0 || s.chunks[0].fast === (mailable && s.mailbox !== undefined)) slot = s;
      }
      if (!slot) {
        this.#queue.unshift(chunk);
        return;
      }
      this.#dispatch(slot, chunk, mailable && slot.mailbox !== undefined);
    }
  }

  #dispatch(slot: Slot<Chunk>, chunk: Chunk, fast: boolean): void {
    const { job, transfer: moved } = chunk.made!;
    // Made again if it is retried: its transferred buffers are gone after the send.
    chunk.made = undefined;
    chunk.fast = fast;
    slot.chunks.push(chunk);
    chunk.task.running.add(slot);
    if (fast) return slot.mailbox!.post(job, (answer) => this.#settle(slot, chunk, answer.value, answer.error), chunk.spec.even === true);
    slot.send(withoutPostedModule(slot, job), moved ?? [], (result) => this.#settle(slot, chunk, result.value, result.error));
  }

  #settle(slot: Slot<Chunk>, chunk: Chunk, value: unknown, error: unknown): void {
    // A worker that was stopped (abort, close, death) has already been accounted for.
    const at = slot.chunks.indexOf(chunk);
    if (at < 0) return;
    slot.chunks.splice(at, 1);
    const task = chunk.task;
    if (!slot.chunks.some((c) => c.task === task)) task.running.delete(slot);
    if (!task.settled) {
      if (error !== undefined) this.#fail(task, reviveError(error, chunk, slot.id));
      else {
        task.results[chunk.index] = value;
        if (--task.remaining === 0) {
          task.settled = true;
          this.#forget(task);
          task.resolve(task.results);
        }
      }
    }
    task.maybeCleanup();
    this.#pump();
  }

  #forget(task: Task): void {
    this.#tasks.delete(task);
    if (this.#tasks.size === 0) this.workers.hold(false);
  }

  #fail(task: Task, error: unknown): void {
    if (task.settled) return;
    task.settled = true;
    this.#forget(task);
    task.reject(error);
    task.maybeCleanup();
  }

  /** Drops the task's queued chunks and stops the workers running the others (wasm cannot be interrupted any other way). */
  #abort(task: Task, signal: AbortSignal): void {
    if (task.settled) return;
    const holding = [...task.running];
    this.#fail(task, abortError(task.name, signal));
    for (const slot of holding) {
      // Answers given quietly (ChunkSpec.even) but not read yet: read them, so the first chunk left is the one running.
      slot.mailbox?.collect();
      // A worker that holds one of this call's chunks only in its queue is left alone: that chunk runs,
      // its result is ignored, and the call's memory is freed after it. A worker running one is stopped.
      if (slot.chunks[0]?.task !== task) continue;
      const waiting = slot.chunks.filter((c) => c.task !== task);
      void this.workers.replace(slot).then(() => {
        task.running.delete(slot);
        task.maybeCleanup();
        // Other calls' chunks that waited behind it never ran: back to the front of the queue, no attempt counted.
        this.#requeue(slot, waiting);
        this.#pump();
      });
    }
  }

  /**
   * A worker ended by itself. Its first chunk was running (a worker runs one chunk at a time, in the
   * order posted): it is retried once on another worker, then its task fails. The chunks waiting behind
   * it never began: they go back to the front of the queue with no attempt counted.
   */
  #onDeath(slot: Slot<Chunk>, chunks: Chunk[], reason: string): void {
    const [running, ...waiting] = chunks;
    this.#requeue(slot, waiting);
    if (running) {
      const task = running.task;
      task.running.delete(slot);
      if (!task.settled) {
        if (running.attempts === 0 && !this.#closed) {
          running.attempts++;
          this.#queue.unshift(running);
        } else
          this.#fail(
            task,
            new WorkerError(
              `Worker ${slot.id} died while running \`${running.spec.kernel}\` on ${running.spec.label} of ${task.name} (${reason}); that chunk had already been retried once after another worker died on it`,
            ),
          );
      }
      task.maybeCleanup();
    }
    this.#pump();
  }

  /** Puts chunks that never began back at the front of the queue, in their order. */
  #requeue(slot: Slot<Chunk>, chunks: Chunk[]): void {
    for (const chunk of [...chunks].reverse()) {
      chunk.task.running.delete(slot);
      if (!chunk.task.settled && !this.#closed) this.#queue.unshift(chunk);
      chunk.task.maybeCleanup();
    }
  }
}

/** A user's wasm module goes to each worker once: later jobs name it by id. */
function withoutPostedModule(slot: Slot<Chunk>, job: Job): Job {
  if ((job.kind !== "map" && job.kind !== "call") || job.fn.type !== "wasm") return job;
  if (remember(slot.posted, job.fn.id, true)) return job;
  return { ...job, fn: { ...job.fn, module: undefined, memory: undefined } };
}

/** Rebuilds an error that crossed postMessage (comlink keeps name and message), naming the worker and the chunk. */
function reviveError(error: unknown, chunk: Chunk, workerId: number): Error {
  const e = error as { name?: string; message?: string; stack?: string };
  const where = `in worker ${workerId}, ${chunk.spec.label} of ${chunk.task.name}`;
  if (e?.name === "KernelError") return new KernelError(`${e.message} (${where})`, chunk.spec.kernel, { cause: error });
  const Class = e?.name === "TypeError" ? TypeError : e?.name === "RangeError" ? RangeError : Error;
  const revived = new Class(`${e?.message ?? String(error)} (${where})`, { cause: error });
  if (Class === Error && e?.name) revived.name = e.name;
  return revived;
}

function abortError(name: string, signal: AbortSignal): AbortError {
  const reason = signal.reason;
  return new AbortError(
    `${name} was aborted${reason instanceof Error ? `: ${reason.message}` : reason !== undefined ? `: ${String(reason)}` : ""}`,
    { cause: reason },
  );
}

function noWorkerLeft(cause: Error): WorkerError {
  return new WorkerError(`No worker left: a replacement could not start (${cause.message})`, { cause });
}

/** An array given back with `jit.free`, in a pool of another memory, is refused by name (copied in, its results would go to the block's new owner). */
function refuseRetired(view: ArrayBufferView, name: string): void {
  if (isRetired(view)) throw new TypeError(expected(name, "an array that was not given back (this one was freed with jit.free)", view));
}
