// The pool's workers: starting one (instantiate the posted module, warm it up), stopping one, and
// replacing one that died or was stopped by an abort. It knows nothing of tasks: a slot's `chunks` is
// the scheduler's business, and what happens when a worker dies is reported through `died`.
import { wrap, type Remote } from "comlink";
import { platform } from "#platform";
import type { PoolWorker } from "../platform.ts";
import { WorkerError } from "../errors.ts";
import type { SharedHeap } from "../heap.ts";
import { Mailbox, waitAsync } from "./mailbox.ts";
import type { Job, JobResult, PoolMode, ResultsMessage, WorkerApi } from "./protocol.ts";
import { WARM_REGION_BYTES } from "./runner.ts";

/** One worker as the pool holds it. `C` is what the scheduler tracks per worker (its chunks in flight). */
export interface Slot<C> {
  readonly id: number;
  readonly worker: PoolWorker;
  readonly remote: Remote<WorkerApi>;
  readonly warmPtr?: number;
  /** Chunks posted to this worker and not yet settled, in the order it runs them: the first is running, the rest wait in its message queue. */
  chunks: C[];
  gone: boolean;
  /** Ids of the wasm modules this worker was sent and still keeps (see protocol.ts `remember`). */
  readonly posted: Map<number, true>;
  /** Shared mode, where Atomics.waitAsync exists: the worker's mailbox for built-in kernels' jobs. */
  readonly mailbox?: Mailbox;
  /** Sends a job as a message (batched with the others sent in the same turn); `answer` gets its result. */
  send(job: Job, moved: readonly Transferable[], answer: (result: JobResult) => void): void;
}

/**
 * The pool's side of the job messages (protocol.ts): jobs sent in one turn of the event loop leave as
 * one message, and a message of results settles each. Answers still owed when the worker stops are dropped.
 */
class Outbox {
  #jobs: { seq: number; job: Job }[] = [];
  #moved: Transferable[] = [];
  #answers = new Map<number, (result: JobResult) => void>();
  #seq = 0;
  #scheduled = false;

  constructor(
    readonly worker: PoolWorker,
    readonly mailbox: Mailbox | undefined,
  ) {
    worker.endpoint.addEventListener("message", ((event: MessageEvent) => {
      const results = (event.data as Partial<ResultsMessage> | undefined)?.hotpathResults;
      if (!results) return;
      for (const result of results) {
        const answer = this.#answers.get(result.seq);
        if (!answer) continue;
        this.#answers.delete(result.seq);
        answer(result);
      }
    }) as EventListener);
  }

  send(job: Job, moved: readonly Transferable[], answer: (result: JobResult) => void): void {
    const seq = ++this.#seq;
    this.#answers.set(seq, answer);
    this.#jobs.push({ seq, job });
    for (const buffer of moved) this.#moved.push(buffer);
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => this.#flush());
  }

  #flush(): void {
    this.#scheduled = false;
    const [jobs, moved] = [this.#jobs, this.#moved];
    this.#jobs = [];
    this.#moved = [];
    if (jobs.length === 0) return;
    // The worker leaves its mailbox loop to take the message (mailbox.ts), then is woken if it sleeps.
    this.mailbox?.announceMessage();
    this.worker.endpoint.postMessage({ hotpathJobs: jobs }, moved);
    this.mailbox?.wake();
  }

  /** The worker stopped: nothing it owes will come. */
  drop(): void {
    this.#answers.clear();
    this.#jobs = [];
    this.#moved = [];
  }
}

/** What every worker is started with. */
export interface WorkerSetConfig {
  readonly mode: PoolMode;
  readonly module: WebAssembly.Module;
  /** Shared mode: the release build, instantiated beside the shared one for memory-free kernels. */
  readonly release?: WebAssembly.Module;
  readonly memory?: WebAssembly.Memory;
  readonly heap?: SharedHeap;
  readonly warmUp: boolean;
  readonly workerUrl?: URL;
  /** false: workers keep the process alive only while `hold(true)` (a call in flight). */
  readonly keepAlive: boolean;
}

/** What the set tells its owner. */
export interface WorkerEvents<C> {
  /** A replacement joined the pool. */
  joined(slot: Slot<C>): void;
  /** A worker ended by itself (it is already out of `slots`, being stopped, and a replacement is starting). */
  died(slot: Slot<C>, chunks: C[], reason: string): void;
  /** No worker is left and none could be started. */
  noneLeft(error: Error): void;
}

/** How many times a replacement worker is tried before the pool runs on without it. */
const REPLACEMENT_TRIES = 3;

const outboxes = new WeakMap<Slot<unknown>, Outbox>();

export class WorkerSet<C> {
  slots: Slot<C>[] = [];
  #nextId = 0;
  #spawning = 0;
  #closed = false;
  #held = true;

  constructor(
    readonly config: WorkerSetConfig,
    readonly events: WorkerEvents<C>,
  ) {}

  /** Starts `count` workers; if any fails, stops them all and throws its error. */
  async start(count: number): Promise<void> {
    const started = await Promise.allSettled(Array.from({ length: count }, () => this.#spawn()));
    const failure = started.find((s) => s.status === "rejected");
    // A worker that died while the others were still starting has already been replaced.
    for (const s of started) if (s.status === "fulfilled" && !s.value.gone) this.slots.push(s.value);
    if (failure) {
      await this.close();
      throw failure.reason;
    }
  }

  /**
   * Removes a worker from the pool, stops it (resolving once it can no longer run), and starts a
   * replacement unless the pool is closing. A replacement that fails to start is tried again (three
   * tries in all, 0.1 s then 0.4 s apart); after the last, the pool runs on with one worker fewer and
   * `replacementError` says why.
   */
  replace(slot: Slot<C>): Promise<void> {
    this.slots = this.slots.filter((s) => s !== slot);
    slot.chunks = [];
    const stopped = this.#stop(slot);
    if (this.#closed) return stopped;
    this.#spawning++;
    void this.#respawn(REPLACEMENT_TRIES).then(
      (fresh) => {
        this.#spawning--;
        if (this.#closed) return void this.#stop(fresh);
        this.slots.push(fresh);
        this.events.joined(fresh);
      },
      (error: Error) => {
        this.#spawning--;
        this.replacementError = error;
        // With no worker left and none coming, queued work would wait forever: the owner fails it instead.
        if (this.slots.length === 0 && this.#spawning === 0) this.events.noneLeft(error);
      },
    );
    return stopped;
  }

  /** Why the last replacement could not start, after all its tries (undefined while every one started). */
  replacementError?: Error;

  /** No worker is left and none is starting (every replacement failed): what a call would wait for forever. */
  get exhausted(): Error | undefined {
    return this.slots.length === 0 && this.#spawning === 0 ? this.replacementError : undefined;
  }

  async #respawn(tries: number): Promise<Slot<C>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#spawn();
      } catch (error) {
        if (attempt >= tries || this.#closed) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * 4 ** (attempt - 1)));
      }
    }
  }

  /** With `keepAlive: false`: whether the workers keep the process alive (while calls are in flight). */
  hold(on: boolean): void {
    if (this.config.keepAlive || this.#held === on) return;
    this.#held = on;
    for (const slot of this.slots) slot.worker.hold?.(on);
  }

  /** Ends every worker. */
  close(): Promise<void> {
    this.#closed = true;
    const slots = this.slots.splice(0);
    return Promise.all(slots.map((slot) => this.#stop(slot))).then(() => undefined);
  }

  async #spawn(): Promise<Slot<C>> {
    const id = ++this.#nextId;
    const { mode, module, release, memory, heap, warmUp, workerUrl } = this.config;
    let worker: PoolWorker;
    try {
      worker = platform.spawnWorker(workerUrl);
    } catch (cause) {
      const where = workerUrl?.href ?? "of the package";
      throw new WorkerError(`Worker ${id} failed to start: ${(cause as Error)?.message ?? cause} (worker script ${where})`, { cause });
    }
    const remote = wrap<WorkerApi>(worker.endpoint);
    const warmPtr = mode === "shared" && warmUp ? heap!.alloc(WARM_REGION_BYTES, "warm-up region") : undefined;
    const mailbox = mode === "shared" && waitAsync ? new Mailbox() : undefined;
    const outbox = new Outbox(worker, mailbox);
    const slot: Slot<C> = {
      id,
      worker,
      remote,
      warmPtr,
      chunks: [],
      gone: false,
      posted: new Map(),
      mailbox,
      send: (job, moved, answer) => (slot.gone ? undefined : outbox.send(job, moved, answer)),
    };
    outboxes.set(slot, outbox);
    let ready = false;
    const failedToStart = new Promise<never>((_, reject) => {
      worker.onExit((reason) => {
        if (ready) this.#died(slot, reason);
        else reject(new WorkerError(`Worker ${id} failed to start: ${reason} (worker script ${worker.url})`));
      });
    });
    try {
      const warmRegion = warmPtr === undefined ? undefined : { ptr: warmPtr, bytes: WARM_REGION_BYTES };
      await Promise.race([remote.init({ id, mode, module, release, memory, warmUp, warmRegion, mailbox: mailbox?.buffer }), failedToStart]);
    } catch (cause) {
      slot.gone = true;
      await this.#stop(slot);
      throw cause instanceof WorkerError
        ? cause
        : new WorkerError(`Worker ${id} failed to start: ${(cause as Error)?.message ?? cause}`, { cause });
    }
    ready = true;
    if (!this.config.keepAlive) worker.hold?.(this.#held);
    return slot;
  }

  #died(slot: Slot<C>, reason: string): void {
    if (slot.gone) return;
    // No new chunk goes to it; answers it gave quietly (mailbox.ts) are read, so the chunks left are the
    // one it was running and those behind it.
    slot.gone = true;
    slot.mailbox?.collect();
    const chunks = slot.chunks;
    void this.replace(slot);
    this.events.died(slot, chunks, reason);
  }

  /** Terminates a worker; its warm-up region is freed only once it can no longer write there. */
  async #stop(slot: Slot<C>): Promise<void> {
    slot.gone = true;
    slot.mailbox?.close();
    outboxes.get(slot)?.drop();
    await slot.worker.terminate().catch(() => undefined);
    if (slot.warmPtr !== undefined) this.config.heap!.free(slot.warmPtr);
  }
}
