// A JitError test: compiling and calling `fn` (a function, or source text) must be refused with
// `message`, at the line and column where `needle` (its `nth` occurrence) starts in the source.
import { expect } from "vitest";
import { jit, JitError } from "../../src/jit/index.ts";

export function expectRefusal(
  fn: string | ((...args: any[]) => unknown),
  args: readonly unknown[],
  message: RegExp,
  needle?: string,
  nth = 0,
): JitError {
  let error: unknown;
  try {
    (jit(fn as never) as unknown as (...a: unknown[]) => unknown)(...args);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(JitError);
  const e = error as JitError;
  expect(e.message).toMatch(message);
  if (needle !== undefined) {
    const source = typeof fn === "string" ? fn : fn.toString();
    let at = -1;
    for (let k = 0; k <= nth; k++) at = source.indexOf(needle, at + 1);
    expect(at).toBeGreaterThanOrEqual(0);
    const lines = source.slice(0, at).split("\n");
    expect([e.line, e.column]).toEqual([lines.length, lines[lines.length - 1].length + 1]);
  }
  return e;
}
