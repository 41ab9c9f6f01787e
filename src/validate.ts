// Checks at the public boundary. Each throws a TypeError (wrong kind of value) or a RangeError (right
// kind, out of range) whose message names the parameter, what was expected and what came.
import { expected } from "./errors.ts";

/** A u64 as callers may write it: a bigint, or a safe non-negative integer number. */
export type U64Like = bigint | number;

export const U64_MAX = (1n << 64n) - 1n;

/** Converts a u64 argument to bigint, rejecting negatives, fractions, unsafe numbers and values ≥ 2^64. */
export function toU64(value: unknown, name: string): bigint {
  if (typeof value === "bigint") {
    if (value < 0n || value > U64_MAX) throw new RangeError(expected(name, "a u64 (0 ≤ n < 2^64)", value));
    return value;
  }
  if (typeof value === "number") {
    if (!Number.isInteger(value)) throw new RangeError(expected(name, "an integer", value));
    if (value < 0) throw new RangeError(expected(name, "a u64 (0 ≤ n < 2^64)", value));
    if (!Number.isSafeInteger(value))
      throw new RangeError(expected(name, "a bigint or a safe integer (≤ 2^53 − 1); pass larger values as bigint", value));
    return BigInt(value);
  }
  throw new TypeError(expected(name, "a bigint or a non-negative safe integer", value));
}

/** An integer `number` in [min, max]. */
export function toInteger(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== "number") throw new TypeError(expected(name, "an integer number", value));
  if (!Number.isInteger(value)) throw new RangeError(expected(name, "an integer", value));
  if (value < min || value > max) throw new RangeError(expected(name, `an integer in [${min}, ${max}]`, value));
  return value;
}

/** A finite `number`. */
export function toFinite(value: unknown, name: string): number {
  if (typeof value !== "number") throw new TypeError(expected(name, "a finite number", value));
  if (!Number.isFinite(value)) throw new RangeError(expected(name, "a finite number", value));
  return value;
}

/** Bytes as callers may pass them: any typed array or DataView (viewed as bytes), an ArrayBuffer, or a string (UTF-8). */
export type BytesLike = ArrayBufferView | ArrayBuffer | SharedArrayBuffer | string;

const utf8 = new TextEncoder();

/**
 * True when the bytes of `value` (an ArrayBuffer, or a view's buffer) were transferred away: a
 * postMessage or structuredClone transfer, or ArrayBuffer.prototype.transfer, detaches the buffer.
 * @internal
 */
export function isDetached(value: ArrayBuffer | SharedArrayBuffer | ArrayBufferView): boolean {
  const buffer = ArrayBuffer.isView(value) ? value.buffer : value;
  if (!(buffer instanceof ArrayBuffer) || buffer.byteLength !== 0) return false;
  // Node 20 has no ArrayBuffer.prototype.detached; a detached buffer (and only one) cannot be viewed.
  try {
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

/** A TypeError naming `name` when `value` is bytes whose buffer was detached (what = how the parameter is described). @internal */
export function checkNotDetached(value: unknown, name: string, what = "bytes"): void {
  if ((value instanceof ArrayBuffer || ArrayBuffer.isView(value)) && isDetached(value))
    throw new TypeError(expected(name, `${what} whose buffer is not detached (it was transferred away)`, value));
}

/** Views `value` as bytes without copying (a string is encoded as UTF-8). @internal */
export function toBytes(value: unknown, name: string): Uint8Array {
  if (typeof value === "string") return utf8.encode(value);
  checkNotDetached(value, name);
  if (value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer || (typeof SharedArrayBuffer !== "undefined" && value instanceof SharedArrayBuffer))
    return new Uint8Array(value);
  throw new TypeError(expected(name, "a Uint8Array, another ArrayBufferView, an ArrayBuffer or a string", value));
}

/** A Float64Array (other arrays are refused rather than silently converted). @internal */
export function toFloat64Array(value: unknown, name: string): Float64Array {
  if (value instanceof Float64Array) return value;
  throw new TypeError(expected(name, "a Float64Array", value));
}

/** Rejects keys the options type does not declare, so a typo is an error and not a silent default. @internal */
export function checkOptions(value: unknown, name: string, allowed: readonly string[]): Record<string, unknown> {
  if (value === undefined) return {};
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new TypeError(expected(name, "an options object", value));
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      throw new TypeError(`Unknown option \`${name}.${key}\`; expected one of: ${allowed.map((k) => `\`${k}\``).join(", ")}`);
  }
  return value as Record<string, unknown>;
}
