// The plain-TypeScript twins of the kernels: the baselines in benchmarks and the oracles in tests.
// `bigint` twins are exact u64 (wrapping with BigInt.asUintN); `number` twins are fast but exact only below 2^53.
export * as bigint from "./bigint.ts";
export * as number from "./number.ts";
