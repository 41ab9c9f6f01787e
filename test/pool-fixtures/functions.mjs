// Functions the pool's workers import in the generic-API and fault tests (test/pool-*.test.ts).
// Plain .mjs: workers load them with import(), which cannot run TypeScript.
import { existsSync, writeFileSync } from "node:fs";
import { threadId } from "node:worker_threads";

export function square(x) {
  return x * x;
}

export default function negate(x) {
  return -x;
}

/** lo + … + (hi − 1) on bigints, wrapping like the u64 kernel. */
export function sumRange(lo, hi) {
  let s = 0n;
  for (let i = lo; i < hi; i++) s += i;
  return BigInt.asUintN(64, s);
}

/** The sub-range itself, so a test can see how a range was cut. */
export function span(lo, hi) {
  return [[lo, hi]];
}

export async function slowSquare(x) {
  await new Promise((resolve) => setTimeout(resolve, 2));
  return x * x;
}

export function failOnThree(x) {
  if (x === 3) throw new RangeError("three is not allowed");
  return x;
}

/** Ends the worker thread (not the process) with exit code 7. */
export function exitWorker() {
  process.exit(7);
}

/** Ends its worker the first time (it leaves `marker` behind), succeeds on the retry. */
export function exitOnce(marker) {
  if (!existsSync(marker)) {
    writeFileSync(marker, "died once");
    process.exit(9);
  }
  return `ok in thread ${threadId}`;
}

/** Keeps its worker busy for `ms` without yielding: only terminating the worker stops it. */
export function spin(ms) {
  const end = Date.now() + ms;
  while (Date.now() < end);
  return ms;
}

/** Writes row r, column c as r · 1000 + c into a SharedArrayBuffer of Int32s, width columns per row. */
export function writeRows(rowStart, rowEnd, buffer, width) {
  const cells = new Int32Array(buffer);
  for (let r = rowStart; r < rowEnd; r++) for (let c = 0; c < width; c++) cells[r * width + c] = r * 1000 + c;
}

export function whichThread() {
  return threadId;
}
