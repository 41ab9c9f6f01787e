// @ts-nocheck: AssemblyScript, compiled by asc (the project's tsc does not know u64 or load<T>).
// A user's kernel file, as the tests compile it: a u64 range function, a buffer function and f64 ones.

/** Σ i² for i in [lo, hi), mod 2^64. */
export function sumOfSquaresRange(lo: u64, hi: u64): u64 {
  let t: u64 = 0;
  for (let i = lo; i < hi; i++) t += i * i;
  return t;
}

/** FNV-1a (32-bit) over the bytes. */
export function checksum(dataPtr: usize, dataLen: i32): u32 {
  let h: u32 = 2166136261;
  for (let i = 0; i < dataLen; i++) {
    h ^= load<u8>(dataPtr + i);
    h *= 16777619;
  }
  return h;
}

/**
 * Euclidean norm of a vector.
 * @buffer xs f64[]
 */
export function norm(xsPtr: usize, xsLen: i32): f64 {
  let s: f64 = 0;
  for (let i = 0; i < xsLen; i++) {
    const x = load<f64>(xsPtr + (i << 3));
    s += x * x;
  }
  return Math.sqrt(s);
}

/** x·y + z in f64. */
export function fma(x: f64, y: f64, z: f64): f64 {
  return x * y + z;
}

/**
 * Scales the vector in place.
 * @buffer xs f64[] inout
 */
export function scale(xsPtr: usize, xsLen: i32, k: f64): void {
  for (let i = 0; i < xsLen; i++) {
    const p = xsPtr + (i << 3);
    store<f64>(p, load<f64>(p) * k);
  }
}

/** Signed difference, i64. */
export function diff(a: i64, b: i64): i64 {
  return a - b;
}

/** Whether n is odd. */
export function isOdd(n: i32): bool {
  return (n & 1) != 0;
}

/** Traps (unreachable) when n is 0: the caller sees a KernelError naming this function. */
export function inverse(n: i32): i32 {
  if (n == 0) unreachable();
  return 1000 / n;
}

/** x³, for pool.map. */
export function cube(x: f64): f64 {
  return x * x * x;
}
