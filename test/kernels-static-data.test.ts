// The threads build's static data (below heapBase) is read-only: in a pool's shared memory every
// worker's instance reads the one copy, and each worker that starts re-applies the module's data
// segments. A kernel that wrote there (the sieve's pattern table once did) would race with the other
// workers and be reset under their feet ("remainder by zero" in a pool of 7 starting up). Every kernel
// runs here with its scratch above heapBase, and the bytes below it must not change.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { KernelExports } from "../src/kernels/abi.ts";
import { instantiateKernels } from "../src/kernels/kernels.ts";
import { warmUpKernels, WARM_UP_BYTES } from "../src/kernels/warm-up.ts";

describe("the threads build's static data", () => {
  it("is not written by any kernel (every warm-up call, and the sieve's small, large and pre-sieved plans)", () => {
    const module = new WebAssembly.Module(readFileSync(new URL("../build/hotpath.threads.wasm", import.meta.url)));
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 16384, shared: true });
    const ex = instantiateKernels(module, memory).exports as KernelExports;
    const base = ex.heapBase();
    const before = new Uint8Array(memory.buffer, 0, base).slice();
    const scratch = (base + 4095) & ~4095;
    const need = Math.max(WARM_UP_BYTES, ex.countPrimesScratch(10n ** 12n, 10n ** 12n + 10n ** 9n));
    memory.grow(Math.ceil((scratch + need) / 65536) - memory.buffer.byteLength / 65536 + 1);
    warmUpKernels(ex, scratch, WARM_UP_BYTES);
    expect(ex.countPrimesRange(0n, 1_000_000n, scratch)).toBe(78498n);
    // Large enough to pre-sieve by every prime up to 107 (≥ 3·10^7 numbers), and beyond 2^32.
    expect(ex.countPrimesRange(10n ** 12n, 10n ** 12n + 10n ** 9n, scratch)).toBe(36190991n); // primesieve's count
    expect(Buffer.from(new Uint8Array(memory.buffer, 0, base)).equals(Buffer.from(before))).toBe(true);
  });
});
