// The plain-TS functions the kernels in kernels/squares.ts must agree with, as a user would write them.

export function sumOfSquaresRange(lo: bigint, hi: bigint): bigint {
  let t = 0n;
  for (let i = lo; i < hi; i++) t = BigInt.asUintN(64, t + i * i);
  return t;
}

export function checksum(data: Uint8Array): number {
  let h = 2166136261;
  for (const b of data) h = Math.imul(h ^ b, 16777619) >>> 0;
  return h;
}

export function norm(xs: Float64Array): number {
  let s = 0;
  for (const x of xs) s += x * x;
  return Math.sqrt(s);
}

export const fma = (x: number, y: number, z: number): number => x * y + z;
export const cube = (x: number): number => x * x * x;
export const diff = (a: bigint, b: bigint): bigint => BigInt.asIntN(64, a - b);
export const isOdd = (n: number): boolean => (n & 1) !== 0;
