// The module entry: every built-in kernel, exported by name. Kernels never allocate; the host lays
// out linear memory from heapBase() upwards (see src/arena.ts), so the same code serves the release
// build (own memory) and the threads build (one shared memory imported by every worker).
export { heapBase } from "./memory";
export { sumIntegers, sumRange, sumRangeSimd } from "./sum";
export { fnv1a64, xxhash64 } from "./hash";
export { splitmix64Fill, xorshift64Fill, monteCarloHits } from "./random";
export { mandelbrotRows } from "./mandelbrot";
export { dot, dotScalar, saxpy, saxpyScalar, matmul, matmulScalar } from "./linalg";
export { countPrimesScratch, countPrimesRange } from "./primes";
export { countPrimesByTest } from "./prime-test";
export { longestCollatzRange, collatzBestSteps } from "./collatz";
export { popcountSum } from "./bits";
