// Shared mode's fast path: each worker has a mailbox in a SharedArrayBuffer. The pool writes a built-in
// kernel's job into a free entry and wakes the worker (Atomics.notify); the worker, asleep in
// Atomics.wait, runs it, writes the result beside it and wakes the pool, which awaits Atomics.waitAsync.
// No message is cloned or dispatched through an event loop on the worker's side, so a trivial task
// costs a few microseconds instead of a postMessage round trip (≈40–150 µs here). Jobs that carry
// arrays or users' functions still travel as messages: the pool counts them in MSGS and wakes the
// worker, which leaves its loop to take them; both sides run one worker's jobs in the order posted.
//
// Layout: control words (Int32) POSTED (jobs written, by the pool), DONE (jobs answered, by the worker),
// MSGS (messages on their way), SEQ (bumped on every post and announcement); then CAPACITY entries of ENTRY_BYTES: kind, result tag, error name
// and length (Int32 ×4), 16 arguments (8 bytes each, as f64 or i64), the result (i64, f64), the error text.
import type { Job } from "./protocol.ts";
import { MAILBOX_CAPACITY, SPIN_MS } from "./tuning.ts";

const POSTED = 0;
const DONE = 1;
const MSGS = 2;
/** Bumped by the pool on every post and announcement: the word the worker sleeps on, so no wake-up is lost between its checks and its wait. */
const SEQ = 3;
const HEADER_BYTES = 64;
const ENTRY_BYTES = 512;
const CAPACITY = MAILBOX_CAPACITY;
const ARGS_AT = 16;
const RESULT_I64_AT = 144;
const RESULT_F64_AT = 152;
/** 1: the pool does not need to hear of this job's end while later jobs are posted (see `post`). */
const QUIET_AT = 160;
const ERROR_AT = 168;
const ERROR_CHARS = (ENTRY_BYTES - ERROR_AT) / 2;

type Field = readonly [name: string, type: "b" | "n"];
/** The jobs the mailbox carries, with their fields in order: bigints (b) as i64, numbers (n) as f64. */
const FIELDS = {
  sumRange: [
    ["lo", "b"],
    ["hi", "b"],
  ],
  countPrimes: [
    ["lo", "b"],
    ["hi", "b"],
    ["scratchPtr", "n"],
  ],
  collatz: [
    ["lo", "b"],
    ["hi", "b"],
  ],
  monteCarlo: [
    ["seed", "b"],
    ["firstChunk", "b"],
    ["endChunk", "b"],
    ["total", "b"],
  ],
  mandelbrot: ["outPtr", "width", "height", "rowStart", "rowEnd", "x0", "y0", "x1", "y1", "maxIter"].map((f) => [f, "n"] as Field),
  matmul: ["aPtr", "bPtr", "cPtr", "m", "k", "n", "rowStart", "rowEnd"].map((f) => [f, "n"] as Field),
  saxpy: ["alpha", "xPtr", "yPtr", "n"].map((f) => [f, "n"] as Field),
  dot: ["aPtr", "bPtr", "n"].map((f) => [f, "n"] as Field),
  hashAt: [
    ["xxhash", "n"],
    ["seed", "b"],
    ["tablePtr", "n"],
    ["count", "n"],
    ["outPtr", "n"],
  ],
} as const satisfies Record<string, readonly Field[]>;
type FastKind = keyof typeof FIELDS;

/** Atomics.waitAsync (ES2024; Node ≥ 16, Deno, Chromium), absent in some runtimes: the mailbox is then not used. */
export const waitAsync = (
  Atomics as unknown as {
    waitAsync?: (array: Int32Array, index: number, value: number) => { async: boolean; value: Promise<string> | string };
  }
).waitAsync?.bind(Atomics);
const KINDS = Object.keys(FIELDS) as FastKind[];
const ERROR_NAMES = ["Error", "KernelError", "TypeError", "RangeError"];

/** True when `job` can go through a mailbox: a built-in kernel whose data already sits in the shared memory. */
export function isMailable(job: Job): boolean {
  if (!(job.kind in FIELDS)) return false;
  return (FIELDS[job.kind as FastKind] as readonly Field[]).every(
    ([name]) => (job as unknown as Record<string, unknown>)[name] !== undefined,
  );
}

class Views {
  readonly ctl: Int32Array;
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  readonly i64: BigInt64Array;
  readonly u16: Uint16Array;
  constructor(readonly buffer: SharedArrayBuffer) {
    this.ctl = new Int32Array(buffer, 0, 4);
    this.i32 = new Int32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.i64 = new BigInt64Array(buffer);
    this.u16 = new Uint16Array(buffer);
  }
  at(seq: number): number {
    return HEADER_BYTES + (seq % CAPACITY) * ENTRY_BYTES;
  }
}

/** What a mailbox answer decodes to: a value, or an error as name and message (revived by the scheduler). */
type Answer = { value: unknown; error?: undefined } | { value?: undefined; error: { name: string; message: string } };

/** The pool's side of one worker's mailbox. */
export class Mailbox {
  readonly buffer = new SharedArrayBuffer(HEADER_BYTES + CAPACITY * ENTRY_BYTES);
  #v = new Views(this.buffer);
  #posted = 0;
  #done = 0;
  #waiting = false;
  #closed = false;
  #answers: ((answer: Answer) => void)[] = [];

  /**
   * Writes `job` (isMailable) into the next entry and wakes the worker; `answer` is called with its
   * result. A `quiet` job's end wakes the pool only if no later job is posted by then: for a call cut
   * into equal chunks posted ahead, the pool then wakes once per batch instead of once per chunk (on a
   * machine with as many workers as cores, each wake-up takes a core from a worker).
   */
  post(job: Job, answer: (answer: Answer) => void, quiet = false): void {
    const v = this.#v;
    const at = v.at(this.#posted);
    const kind = job.kind as FastKind;
    v.i32[at >> 2] = KINDS.indexOf(kind);
    v.i32[(at + QUIET_AT) >> 2] = quiet ? 1 : 0;
    (FIELDS[kind] as readonly Field[]).forEach(([name, type], i) => {
      const value = (job as unknown as Record<string, unknown>)[name];
      if (type === "b") v.i64[(at + ARGS_AT + i * 8) >> 3] = BigInt.asIntN(64, value as bigint);
      else v.f64[(at + ARGS_AT + i * 8) >> 3] = value as number;
    });
    this.#answers.push(answer);
    Atomics.store(v.ctl, POSTED, ++this.#posted);
    this.wake();
    this.#arm();
  }

  /** Before a message goes to this worker: it leaves its loop to take it. */
  announceMessage(): void {
    Atomics.add(this.#v.ctl, MSGS, 1);
  }
  /** After the message was posted: wake the worker if it sleeps. */
  wake(): void {
    Atomics.add(this.#v.ctl, SEQ, 1);
    Atomics.notify(this.#v.ctl, SEQ);
  }

  /** Stops waiting and sends the worker out of its loop (it is being stopped): answers still owed are dropped, as the scheduler already accounted for them. */
  close(): void {
    this.#closed = true;
    Atomics.notify(this.#v.ctl, DONE);
    // The worker leaves its loop for good (a message that never comes): some runtimes (Deno) cannot
    // terminate a worker asleep in Atomics.wait.
    this.announceMessage();
    this.wake();
  }

  #arm(): void {
    if (this.#waiting || this.#closed || this.#done >= this.#posted) return;
    this.#waiting = true;
    const wait = waitAsync!(this.#v.ctl, DONE, this.#done);
    if (wait.async) void (wait.value as Promise<string>).then(() => this.#harvest());
    else queueMicrotask(() => this.#harvest());
  }

  /** Reads the answers given so far now, without waiting to be woken (a worker that died may have answered quietly). */
  collect(): void {
    if (this.#closed) return;
    const v = this.#v;
    const done = Atomics.load(v.ctl, DONE);
    while (this.#done < done) {
      const at = v.at(this.#done++);
      this.#answers.shift()!(decodeAnswer(v, at));
    }
  }

  #harvest(): void {
    this.#waiting = false;
    if (this.#closed) return;
    const v = this.#v;
    const done = Atomics.load(v.ctl, DONE);
    while (this.#done < done) {
      const at = v.at(this.#done++);
      const answer = this.#answers.shift()!;
      answer(decodeAnswer(v, at));
    }
    this.#arm();
  }
}

function decodeAnswer(v: Views, at: number): Answer {
  const tag = v.i32[(at >> 2) + 1];
  switch (tag) {
    case 0:
      return { value: undefined };
    case 1:
      return { value: BigInt.asUintN(64, v.i64[(at + RESULT_I64_AT) >> 3]) };
    case 2:
      return { value: v.f64[(at + RESULT_F64_AT) >> 3] };
    case 3:
      return { value: { start: BigInt.asUintN(64, v.i64[(at + RESULT_I64_AT) >> 3]), steps: v.f64[(at + RESULT_F64_AT) >> 3] } };
    default: {
      const length = v.i32[(at >> 2) + 3];
      const start = (at + ERROR_AT) >> 1;
      const message = String.fromCharCode(...v.u16.subarray(start, start + length));
      return { error: { name: ERROR_NAMES[v.i32[(at >> 2) + 2]] ?? "Error", message } };
    }
  }
}

/**
 * The worker's side: runs posted jobs in order until a message is announced (then returns, so the
 * event loop can deliver it), sleeping in Atomics.wait while there is nothing to do. `done` is how
 * many jobs this worker has answered so far (it keeps counting across calls).
 */
export function serveMailbox(buffer: SharedArrayBuffer, run: (job: Job) => unknown): void {
  const v = new Views(buffer);
  for (;;) {
    const seq = Atomics.load(v.ctl, SEQ);
    if (Atomics.load(v.ctl, MSGS) > 0) return;
    const posted = Atomics.load(v.ctl, POSTED);
    const done = Atomics.load(v.ctl, DONE);
    if (done < posted) {
      const at = v.at(done);
      const kind = KINDS[v.i32[at >> 2]];
      const job: Record<string, unknown> = { kind };
      (FIELDS[kind] as readonly Field[]).forEach(([name, type], i) => {
        job[name] = type === "b" ? BigInt.asUintN(64, v.i64[(at + ARGS_AT + i * 8) >> 3]) : v.f64[(at + ARGS_AT + i * 8) >> 3];
      });
      const quiet = v.i32[(at + QUIET_AT) >> 2] === 1;
      try {
        encodeValue(v, at, run(job as unknown as Job));
      } catch (error) {
        encodeError(v, at, error);
      }
      Atomics.store(v.ctl, DONE, done + 1);
      // A quiet job wakes the pool only when it was the last one posted (the pool reads every answer up
      // to DONE whenever it wakes, so the ones before are read then).
      if (!quiet || Atomics.load(v.ctl, POSTED) === done + 1) Atomics.notify(v.ctl, DONE);
      continue;
    }
    // A short spin first (SPIN_MS: why in tuning.ts).
    const until = performance.now() + SPIN_MS;
    while (Atomics.load(v.ctl, SEQ) === seq && performance.now() < until);
    Atomics.wait(v.ctl, SEQ, seq);
  }
}

/** Called by the worker when a message arrived (it was announced with `announceMessage`). */
export function messageArrived(buffer: SharedArrayBuffer): void {
  Atomics.sub(new Int32Array(buffer, 0, 4), MSGS, 1);
}

function encodeValue(v: Views, at: number, value: unknown): void {
  const header = at >> 2;
  if (value === undefined) v.i32[header + 1] = 0;
  else if (typeof value === "bigint") {
    v.i64[(at + RESULT_I64_AT) >> 3] = BigInt.asIntN(64, value);
    v.i32[header + 1] = 1;
  } else if (typeof value === "number") {
    v.f64[(at + RESULT_F64_AT) >> 3] = value;
    v.i32[header + 1] = 2;
  } else {
    const best = value as { start: bigint; steps: number };
    v.i64[(at + RESULT_I64_AT) >> 3] = BigInt.asIntN(64, best.start);
    v.f64[(at + RESULT_F64_AT) >> 3] = best.steps;
    v.i32[header + 1] = 3;
  }
}

function encodeError(v: Views, at: number, error: unknown): void {
  const header = at >> 2;
  const e = error as { name?: string; message?: string };
  const message = String(e?.message ?? error).slice(0, ERROR_CHARS);
  v.i32[header + 1] = 4;
  v.i32[header + 2] = Math.max(0, ERROR_NAMES.indexOf(e?.name ?? "Error"));
  v.i32[header + 3] = message.length;
  const start = (at + ERROR_AT) >> 1;
  for (let i = 0; i < message.length; i++) v.u16[start + i] = message.charCodeAt(i);
}
