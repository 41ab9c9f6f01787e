// Users' kernels on the pool through their KernelRef: a small AssemblyScript range kernel compiled
// here (release and threads builds), run by reduceRange, map and forRows on 1, 2 and 3 workers in
// both modes, its arguments checked with its spec before anything is sent.
import asc from "assemblyscript/asc";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KERNEL_REF, checkScalar, type FunctionSpec, type KernelRef } from "../src/kernels/contract.ts";
import { createPool, type KernelCarrier, type Pool } from "../src/pool/pool.ts";
import { wat } from "./pool-fixtures/wat.ts";

const SOURCE = `
export function sumSquaresRange(lo: u64, hi: u64): u64 { let s: u64 = 0; for (let i = lo; i < hi; i++) s += i * i; return s; }
export function minHashRange(lo: u32, hi: u32): u32 { let best: u32 = 0xffffffff; for (let i = lo; i < hi; i++) { const h = (i * 2654435761) >>> 7; if (h < best) best = h; } return best; }
export function half(x: f64): f64 { return x / 2; }
`;

async function compile(threads: boolean): Promise<WebAssembly.Module> {
  const options = threads
    ? {
        optimizeLevel: 3,
        runtime: "stub",
        enable: ["threads"],
        importMemory: true,
        sharedMemory: true,
        initialMemory: 1,
        maximumMemory: 65536,
      }
    : { optimizeLevel: 3, runtime: "stub" };
  const out = await asc.compileString(SOURCE, options);
  if (out.error || !out.binary) throw new Error(`asc failed: ${out.error?.message}\n${out.stderr}`);
  return WebAssembly.compile(out.binary as Uint8Array<ArrayBuffer>);
}

const release = await compile(false);
const threads = await compile(true);
const calls = { module: 0, threads: 0 };

/** A kernel function as `hotpath compile` makes them: callable here, and carrying its KernelRef for the pool. */
function kernel(spec: FunctionSpec, extra: Partial<KernelRef> = {}): KernelCarrier & ((...args: unknown[]) => unknown) {
  const ref: KernelRef = {
    spec,
    module: async () => (calls.module++, release),
    threads: async () => (calls.threads++, threads),
    ...extra,
  };
  return Object.assign(() => undefined, { [KERNEL_REF]: ref });
}

const u64 = (name: string) => ({ name, type: "u64" as const });
const u32 = (name: string) => ({ name, type: "u32" as const });
const sumSquares = kernel({ name: "sumSquaresRange", params: [u64("lo"), u64("hi")], result: "u64" }, { warmUpArgs: [0n, 100n] });
const minHash = kernel({ name: "minHashRange", params: [u32("lo"), u32("hi")], result: "u32" });
const half = kernel({ name: "half", params: [{ name: "x", type: "f64" }], result: "f64" });

function sumSquaresTwin(lo: bigint, hi: bigint): bigint {
  let s = 0n;
  for (let i = lo; i < hi; i++) s += i * i;
  return BigInt.asUintN(64, s);
}
function minHashTwin(lo: number, hi: number): number {
  let best = 0xffffffff;
  for (let i = lo; i < hi; i++) best = Math.min(best, Math.imul(i, 2654435761 | 0) >>> 7);
  return best;
}

describe.each([
  [1, "shared"],
  [2, "shared"],
  [3, "shared"],
  [1, "message"],
  [2, "message"],
  [3, "message"],
] as const)("kernels with a KernelRef, %i worker(s), %s mode", (workers, mode) => {
  let pool: Pool;
  beforeAll(async () => {
    pool = await createPool({ workers, mode, warmUp: false });
  });
  afterAll(() => pool?.close());

  it("reduceRange with the named combines equals the kernel on one thread", async () => {
    for (const chunks of [undefined, 1, 5]) {
      expect(await pool.reduceRange(sumSquares, 0n, 200_000n, { combine: "wrapAdd", chunks })).toBe(sumSquaresTwin(0n, 200_000n));
      // A u64 argument may be a safe integer, as on one thread; the result wraps modulo 2^64.
      expect(await pool.reduceRange(sumSquares, 2 ** 40, 2 ** 40 + 5000, { combine: "wrapAdd", chunks })).toBe(
        sumSquaresTwin(2n ** 40n, 2n ** 40n + 5000n),
      );
      expect(await pool.reduceRange(sumSquares, 0n, 1000n, { combine: "add", chunks })).toBe(sumSquaresTwin(0n, 1000n));
      expect(await pool.reduceRange(minHash, 1, 100_001, { combine: "min", chunks })).toBe(minHashTwin(1, 100_001));
      expect(await pool.reduceRange(minHash, 1, 100_001, { combine: "max", initial: 0, chunks })).toBeGreaterThan(0);
      expect(await pool.reduceRange(minHash, 7, 8, { combine: (a: number, b: number) => Math.min(a, b), initial: 2 ** 32, chunks })).toBe(
        minHashTwin(7, 8),
      );
    }
    expect(await pool.reduceRange(sumSquares, 10n, 10n, { combine: "wrapAdd" })).toBe(0n);
    expect(await pool.reduceRange(minHash, 10, 10, { combine: "add" })).toBe(0);
  });

  it("checks arguments with the kernel's spec before anything is sent: the same named errors as on one thread", async () => {
    const oneThread = (value: unknown, type: "u64" | "u32", name: string) => {
      try {
        checkScalar(value, type, name);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error("expected a rejection");
    };
    await expect(pool.reduceRange(sumSquares, -1, 10, { combine: "wrapAdd" })).rejects.toThrow(oneThread(-1, "u64", "lo"));
    await expect(pool.reduceRange(sumSquares, 0n, 2n ** 64n, { combine: "wrapAdd" })).rejects.toThrow(oneThread(2n ** 64n, "u64", "hi"));
    await expect(pool.reduceRange(minHash, 0, 2 ** 32, { combine: "min" })).rejects.toThrow(oneThread(2 ** 32, "u32", "hi"));
    await expect(pool.reduceRange(minHash, 5, 5, { combine: "min" })).rejects.toThrow(
      /`options.initial` to be the result of an empty range \(combine "min" has no neutral value\)/,
    );
    await expect(pool.reduceRange(sumSquares, 0n, 5n, { combine: "sum" as never })).rejects.toThrow(/`options.combine` to be a function/);
    await expect(pool.forRows(minHash, 0, 10, { args: [1] })).rejects.toThrow(/`options.args` to be 0 argument\(s\) after the range/);
  });

  it("map and forRows call the kernel too", async () => {
    expect(await pool.map(half, [1, 3, -8], { chunks: 3 })).toEqual([0.5, 1.5, -4]);
    await expect(pool.map(half, ["x"])).rejects.toThrow(/Expected `items\[0\]` to be a number, got "x"/);
    await pool.forRows(minHash, 0, 100, { chunks: 4 });
  });
});

describe("a kernel's builds on the pool", () => {
  // build(lo, hi) answers which build runs; count(lo, hi) counts the calls its instance has seen.
  const which = (answer: number, memory: boolean) =>
    new WebAssembly.Module(
      wat(`(module ${memory ? '(import "env" "memory" (memory 1 65536 shared))' : ""}
        (global $calls (mut i32) (i32.const 0))
        (func (export "build") (param i32 i32) (result i32) (i32.const ${answer}))
        (func (export "count") (param i32 i32) (result i32)
          (global.set $calls (i32.add (global.get $calls) (i32.const 1))) (global.get $calls)))`),
    );
  const spec = (name: string): FunctionSpec => ({ name, params: [u32("lo"), u32("hi")], result: "u32" });

  it("shared mode runs the threads build (in the pool's memory), message mode the single-thread build; without a threads build, the single-thread one", async () => {
    const ref = (name: string, withThreads: boolean): KernelRef => ({
      spec: spec(name),
      module: async () => which(1, false),
      threads: withThreads ? async () => which(2, true) : undefined,
    });
    const carrier = (r: KernelRef) => ({ [KERNEL_REF]: r });
    for (const mode of ["shared", "message"] as const) {
      await using pool = await createPool({ workers: 2, mode, warmUp: false });
      const built = await pool.map(carrier(ref("build", true)), [0, 1]);
      expect(built).toEqual(mode === "shared" ? [2, 2] : [1, 1]);
      expect(await pool.map(carrier(ref("build", false)), [0])).toEqual([1]);
    }
  });

  it("compiles once per pool and warms the kernel up with its warmUpArgs before the first call", async () => {
    await using pool = await createPool({ workers: 1, mode: "message", warmUp: false });
    let compiled = 0;
    const counted = {
      [KERNEL_REF]: { spec: spec("count"), module: async () => (compiled++, which(1, false)), warmUpArgs: [0, 0] } satisfies KernelRef,
    };
    const first = await pool.reduceRange(counted, 0, 1, { combine: "max", chunks: 1 });
    // The warm-up made its short calls (300 rounds) before the first real one.
    expect(first).toBe(301);
    expect(await pool.reduceRange(counted, 0, 1, { combine: "max", chunks: 1 })).toBe(302);
    expect(compiled).toBe(1);
    const before = { ...calls };
    await pool.reduceRange(sumSquares, 0n, 10n, { combine: "wrapAdd" });
    await pool.reduceRange(sumSquares, 0n, 10n, { combine: "wrapAdd" });
    expect(calls.module - before.module).toBe(1);
  });
});
