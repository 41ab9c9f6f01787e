// The built-in kernels' warm-up, one routine for this thread (kernels.ts) and for every pool worker.
// V8 runs a wasm function's first calls in its baseline tier (Liftoff), and a call that starts there
// stays there until it returns: a first sumIntegers(1e8) took ≈108 ms against ≈27 ms warm. So every
// kernel is called briefly, many times, before anyone times or uses it.
import { RANGE_KERNEL_FUNCTIONS, type KernelExports } from "./abi.ts";
import { warmUp } from "./contract.ts";

/** Bytes of scratch memory the warm-up writes to (a region nothing else uses while it runs). */
export const WARM_UP_BYTES = 64 * 1024;
const PRIMES_HI = 30_000n;

/** Short calls of every kernel, scribbling only on [ptr, ptr + bytes) (bytes ≥ WARM_UP_BYTES). */
export function warmUpKernels(ex: KernelExports, ptr: number, bytes: number): void {
  if (bytes < WARM_UP_BYTES) throw new RangeError(`The warm-up needs ${WARM_UP_BYTES} bytes, got ${bytes}`);
  const words = 256;
  const a = ptr;
  const b = a + words * 8;
  const c = b + words * 8;
  const scratch = c + 16 * 16 * 8;
  new Float64Array(ex.memory.buffer, a, words).fill(0.5);
  new Float64Array(ex.memory.buffer, b, words).fill(0.25);
  const primes = ex.countPrimesScratch(0n, PRIMES_HI) <= ptr + bytes - scratch;
  // sumIntegers is its own wasm function (Binaryen inlines sumRange into it): it tiers up separately.
  warmUp(() => {
    ex.sumIntegers(1000n);
    ex.sumRange(0n, 1000n);
    ex.sumRangeSimd(0n, 1000n);
    for (const name of RANGE_KERNEL_FUNCTIONS) ex[name](0n, 1000n);
  }, 2000);
  warmUp((i) => {
    ex.fnv1a64(a, words * 8);
    ex.xxhash64(a, words * 8, 1n);
    ex.splitmix64Fill(c, 64, BigInt(i));
    ex.xorshift64Fill(c, 64, BigInt(i + 1));
    ex.monteCarloHits(BigInt(i), 0n, 1n, 1000n);
    ex.mandelbrotRows(c, 8, 8, 0, 2, -2, -1.5, 1, 1.5, 50);
    ex.dot(a, b, words);
    ex.dotScalar(a, b, words);
    ex.saxpy(0.5, a, b, words);
    ex.saxpyScalar(0.5, a, b, words);
    ex.matmul(a, b, c, 16, 16, 16, 0, 16);
    ex.matmulScalar(a, b, c, 16, 16, 16, 0, 16);
    if (primes) ex.countPrimesRange(BigInt(i * 100), BigInt(i * 100 + 100), scratch);
    ex.longestCollatzRange(1n, 200n);
  }, 300);
}
