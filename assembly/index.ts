// The module entry: every built-in kernel, exported by name. Kernels never allocate; the host lays
// out linear memory from heapBase() upwards (see src/memory.ts), so the same code serves the release
// build (own memory) and the threads build (one shared memory imported by every worker).
export { heapBase } from "./memory";
export { sumIntegers, sumRange } from "./sum";
