// What travels through Redis between a caller (client.ts) and `hotpath worker` (worker.ts), in one
// place: the job payload (JSON, bigints as decimal strings), the result record, the key names and the
// limits. The worker trusts nothing in a payload: `decodeJob` checks every field and throws on the
// first thing out of shape, so a malformed job fails before any kernel runs and writes no result.
import pkg from "../../package.json" with { type: "json" };
import { RANGE_KERNEL_FUNCTIONS, type RangeKernelName } from "../kernels/abi.ts";
import type { FunctionSpec, ScalarType } from "../kernels/contract.ts";

/** The hotpath version a job was made by; a worker of another version refuses it. */
export const HOTPATH_VERSION: string = pkg.version;
/** Largest job payload (its JSON): jobs describe work, never carry data. BullMQ's `sizeLimit` enforces it when adding. */
export const MAX_PAYLOAD_BYTES = 16 * 1024;
/** Largest user module stored in Redis. */
export const MAX_MODULE_BYTES = 32 * 1024 * 1024;
/** Modules expire after this long unused (seconds). */
export const KEY_TTL_SECONDS = 7 * 24 * 3600;
/** A call's results expire after this long (seconds), so an abandoned call leaves nothing for good. */
export const RESULT_TTL_SECONDS = 24 * 3600;

const SCALARS: readonly ScalarType[] = ["u64", "i64", "u32", "i32", "f64", "f32", "bool"];

/** One chunk's work. Ranges are [lo, hi); Monte Carlo draws chunks [first, end) of `total` samples from `seed`. */
export type Task =
  | { kind: "sumRange"; lo: bigint; hi: bigint }
  | { kind: "countPrimesRange"; lo: bigint; hi: bigint }
  | { kind: "collatz"; lo: bigint; hi: bigint }
  | { kind: "range"; kernel: RangeKernelName; lo: bigint; hi: bigint }
  | { kind: "monteCarlo"; seed: bigint; first: bigint; end: bigint; total: bigint }
  | {
      kind: "mandelbrot";
      width: number;
      height: number;
      rowStart: number;
      rowEnd: number;
      x0: number;
      y0: number;
      x1: number;
      y1: number;
      maxIter: number;
    }
  | { kind: "call"; module: string; spec: FunctionSpec; lo: bigint; hi: bigint };

/** A job as the queue holds it. */
export interface JobPayload {
  version: string;
  call: string;
  index: number;
  task: Task;
  /** The chunk fails with JOB_TIMEOUT (its thread replaced) if it runs longer than this. */
  timeoutMs?: number;
}

/** What a worker stores for a finished chunk, under the chunk's index in the call's results hash (and the index in the list `<results>:done`). */
export interface ChunkResult {
  value: unknown;
  /** Milliseconds the chunk's kernel ran on the worker (one core): calibration and ETA use it. */
  ms: number;
  worker: string;
}

/** Redis keys, all under BullMQ's prefix and the queue's name. */
export const keys = {
  results: (prefix: string, queue: string, call: string) => `${prefix}:${queue}:hotpath:results:${call}`,
  module: (prefix: string, queue: string, hash: string) => `${prefix}:${queue}:hotpath:wasm:${hash}`,
  /** Pub/sub channel: a caller publishes a call id here when it gives the call up, and workers stop its running chunks. */
  cancel: (prefix: string, queue: string) => `${prefix}:${queue}:hotpath:cancel`,
};

/** The job's id: the call and the chunk index, so adding a chunk twice queues it once (BullMQ refuses ":" in ids). */
export const jobId = (call: string, index: number) => `${call}_${index}`;
/** The call and the chunk index of a job id, if it is one. @internal */
export function parseJobId(id: string | undefined): { call: string; index: number } | undefined {
  const m = /^([0-9a-f-]{36})_(\d{1,10})$/.exec(id ?? "");
  return m ? { call: m[1], index: Number(m[2]) } : undefined;
}

// ---- JSON with bigints, non-finite numbers and u32 images ------------------------------------------

/** Encodes a value of a result or a task for JSON: bigint → {b}, non-finite number or -0 → {n}, Uint32Array → {u32: base64}. @internal */
export function encodeValue(value: unknown): unknown {
  if (typeof value === "bigint") return { b: value.toString() };
  if (typeof value === "number") return Number.isFinite(value) && !Object.is(value, -0) ? value : { n: String(value) };
  if (value instanceof Uint32Array) return { u32: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") };
  if (Array.isArray(value)) return value.map(encodeValue);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeValue(v)]));
  return value;
}

/** @internal */
export function decodeValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeValue);
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    const only = Object.keys(o).length === 1;
    if (only && typeof o.b === "string" && /^-?\d+$/.test(o.b)) return BigInt(o.b);
    if (only && typeof o.n === "string") return Number(o.n);
    if (only && typeof o.u32 === "string") {
      const bytes = Buffer.from(o.u32, "base64");
      return new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + (bytes.byteLength & ~3)));
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, decodeValue(v)]));
  }
  return value;
}

/** The payload of a job, for `queue.add`. @internal */
export function encodeJob(payload: JobPayload): Record<string, unknown> {
  return encodeValue(payload) as Record<string, unknown>;
}

// ---- the worker's checks -------------------------------------------------------------------------

/** A payload that is not what a hotpath caller makes. */
export class BadJob extends Error {}

function bad(what: string): never {
  throw new BadJob(what);
}

function record(value: unknown, name: string, fields: readonly string[]): Record<string, unknown> {
  if (!value || typeof value !== "object" || Array.isArray(value)) bad(`${name} is not an object`);
  const extra = Object.keys(value).filter((k) => !fields.includes(k));
  if (extra.length) bad(`${name} has unknown field(s) ${extra.join(", ")}`);
  return value as Record<string, unknown>;
}

function u64(value: unknown, name: string): bigint {
  const o = value as { b?: unknown } | null;
  if (!o || typeof o !== "object" || typeof o.b !== "string" || !/^\d{1,20}$/.test(o.b)) bad(`${name} is not a u64`);
  const v = BigInt(o.b);
  if (v >= 1n << 64n) bad(`${name} is not a u64`);
  return v;
}

/** A call's range bound: u64 or i64 (a user kernel's parameters may be signed). */
function bound(value: unknown, name: string): bigint {
  const o = value as { b?: unknown } | null;
  if (!o || typeof o !== "object" || typeof o.b !== "string" || !/^-?\d{1,20}$/.test(o.b)) bad(`${name} is not an integer`);
  const v = BigInt(o.b);
  if (v >= 1n << 64n || v < -(1n << 63n)) bad(`${name} is not a u64 or i64`);
  return v;
}

function int(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max)
    bad(`${name} is not an integer in [${min}, ${max}]`);
  return value;
}

function finite(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) bad(`${name} is not a finite number`);
  return value;
}

function spec(value: unknown): FunctionSpec {
  const s = record(value, "task.spec", ["name", "params", "result"]);
  if (typeof s.name !== "string" || !/^[\w$.]{1,200}$/.test(s.name)) bad("task.spec.name is not an export name");
  if (!Array.isArray(s.params) || s.params.length !== 2) bad("task.spec.params is not two parameters (lo, hi)");
  const params = s.params.map((p, i) => {
    const q = record(p, `task.spec.params[${i}]`, ["name", "type"]);
    if (typeof q.name !== "string" || q.name.length > 100) bad(`task.spec.params[${i}].name is not a name`);
    if (!["u64", "i64", "u32", "i32"].includes(q.type as string)) bad(`task.spec.params[${i}].type is not an integer type`);
    return { name: q.name, type: q.type as ScalarType };
  });
  if (!SCALARS.includes(s.result as ScalarType)) bad("task.spec.result is not a scalar type");
  return { name: s.name, params, result: s.result as ScalarType };
}

function task(value: unknown): Task {
  const kind = (value as { kind?: unknown } | null)?.kind;
  switch (kind) {
    case "sumRange":
    case "countPrimesRange":
    case "collatz": {
      const t = record(value, "task", ["kind", "lo", "hi"]);
      return { kind, lo: u64(t.lo, "task.lo"), hi: u64(t.hi, "task.hi") };
    }
    case "range": {
      const t = record(value, "task", ["kind", "kernel", "lo", "hi"]);
      if (!(RANGE_KERNEL_FUNCTIONS as readonly unknown[]).includes(t.kernel)) bad("task.kernel is not a range kernel");
      return { kind, kernel: t.kernel as RangeKernelName, lo: u64(t.lo, "task.lo"), hi: u64(t.hi, "task.hi") };
    }
    case "monteCarlo": {
      const t = record(value, "task", ["kind", "seed", "first", "end", "total"]);
      return {
        kind,
        seed: u64(t.seed, "task.seed"),
        first: u64(t.first, "task.first"),
        end: u64(t.end, "task.end"),
        total: u64(t.total, "task.total"),
      };
    }
    case "mandelbrot": {
      const t = record(value, "task", ["kind", "width", "height", "rowStart", "rowEnd", "x0", "y0", "x1", "y1", "maxIter"]);
      const height = int(t.height, "task.height", 1, 0xffff_ffff);
      return {
        kind,
        width: int(t.width, "task.width", 1, 0xffff_ffff),
        height,
        rowStart: int(t.rowStart, "task.rowStart", 0, height),
        rowEnd: int(t.rowEnd, "task.rowEnd", 0, height),
        x0: finite(t.x0, "task.x0"),
        y0: finite(t.y0, "task.y0"),
        x1: finite(t.x1, "task.x1"),
        y1: finite(t.y1, "task.y1"),
        maxIter: int(t.maxIter, "task.maxIter", 1, 0xffff_ffff),
      };
    }
    case "call": {
      const t = record(value, "task", ["kind", "module", "spec", "lo", "hi"]);
      if (typeof t.module !== "string" || !/^[0-9a-f]{64}$/.test(t.module)) bad("task.module is not a SHA-256 hash");
      return { kind, module: t.module, spec: spec(t.spec), lo: bound(t.lo, "task.lo"), hi: bound(t.hi, "task.hi") };
    }
    default:
      bad(`task.kind ${JSON.stringify(kind)} is not a hotpath task`);
  }
}

/**
 * Checks a job's payload; throws BadJob naming the first problem. The version is checked apart
 * (`payload.version`), so that a worker of another version says so rather than "malformed".
 * @internal
 */
export function decodeJob(data: unknown): JobPayload {
  const bytes = Buffer.byteLength(JSON.stringify(data ?? null));
  if (bytes > MAX_PAYLOAD_BYTES) bad(`the payload is ${bytes} bytes, more than ${MAX_PAYLOAD_BYTES}`);
  const d = record(data, "the payload", ["version", "call", "index", "task", "timeoutMs"]);
  if (typeof d.version !== "string" || d.version.length > 100) bad("version is not a string");
  if (typeof d.call !== "string" || !/^[0-9a-f-]{36}$/.test(d.call)) bad("call is not a call id");
  return {
    version: d.version,
    call: d.call,
    index: int(d.index, "index", 0, 1 << 30),
    task: d.version === HOTPATH_VERSION ? task(d.task) : (d.task as Task),
    ...(d.timeoutMs === undefined ? {} : { timeoutMs: int(d.timeoutMs, "timeoutMs", 1, 2 ** 31 - 1) }),
  };
}
