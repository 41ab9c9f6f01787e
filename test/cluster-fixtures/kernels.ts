// A user's range kernels in WAT, compiled with wabt here, and wrapped as kernel functions that carry a
// KernelRef with their wasm bytes: what `hotpath compile` and `jit` functions give the cluster.
import wabtInit from "wabt";
import { KERNEL_REF, type FunctionSpec } from "../../src/kernels/contract.ts";
import type { PortableKernelRef } from "../../src/cluster/index.ts";

export const WAT = `(module
  ;; Σ i² over [lo, hi), mod 2^64.
  (func (export "sumSquaresRange") (param $lo i64) (param $hi i64) (result i64)
    (local $s i64)
    (block $done
      (loop $next
        (br_if $done (i64.ge_u (local.get $lo) (local.get $hi)))
        (local.set $s (i64.add (local.get $s) (i64.mul (local.get $lo) (local.get $lo))))
        (local.set $lo (i64.add (local.get $lo) (i64.const 1)))
        (br $next)))
    (local.get $s))
  ;; Traps (unreachable) when the range holds 1000.
  (func (export "trapAt1000") (param $lo i32) (param $hi i32) (result i32)
    (if (i32.and (i32.le_u (local.get $lo) (i32.const 1000)) (i32.gt_u (local.get $hi) (i32.const 1000))) (then unreachable))
    (i32.sub (local.get $hi) (local.get $lo))))`;

export async function watBytes(): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const parsed = wabt.parseWat("user.wat", WAT);
  const { buffer } = parsed.toBinary({});
  parsed.destroy();
  return new Uint8Array(buffer);
}

/** A kernel function over the module's export `name`, callable here and carrying a portable KernelRef. */
export function userKernel(bytes: Uint8Array, spec: FunctionSpec, withBytes = true) {
  const module = WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  const ref: PortableKernelRef = {
    spec,
    module: () => module,
    ...(withBytes ? { bytes: async () => bytes } : {}),
  };
  const fn = async (lo: bigint | number, hi: bigint | number) =>
    ((await WebAssembly.instantiate(await module)).exports[spec.name] as (a: unknown, b: unknown) => unknown)(lo, hi);
  return Object.assign(fn, { [KERNEL_REF]: ref });
}

export const SUM_SQUARES: FunctionSpec = {
  name: "sumSquaresRange",
  params: [
    { name: "lo", type: "u64" },
    { name: "hi", type: "u64" },
  ],
  result: "u64",
};

export const TRAP: FunctionSpec = {
  name: "trapAt1000",
  params: [
    { name: "lo", type: "u32" },
    { name: "hi", type: "u32" },
  ],
  result: "u32",
};

/** Σ i² over [lo, hi) mod 2^64 by the closed form n(n − 1)(2n − 1)/6 below each bound: the expected answer. */
export function sumSquares(lo: bigint, hi: bigint): bigint {
  const below = (n: bigint) => (n * (n - 1n) * (2n * n - 1n)) / 6n;
  return hi <= lo ? 0n : BigInt.asUintN(64, below(hi) - below(lo));
}
