// Inputs the jit tests share: u64 values, uniform over [0, 2^64) and the edges where wrap-around and
// conversions go wrong (0, 1, 2^32, 2^53 ± 1, 2^63 − 1, 2^63, 2^64 − 2, 2^64 − 1).
import fc from "fast-check";

export const U64_EDGES: readonly bigint[] = [
  0n,
  1n,
  2n,
  2n ** 32n,
  2n ** 53n - 1n,
  2n ** 53n + 1n,
  2n ** 63n - 1n,
  2n ** 63n,
  2n ** 64n - 2n,
  2n ** 64n - 1n,
];

export const u64 = fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.constantFrom(...U64_EDGES));
