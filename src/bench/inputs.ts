// Deterministic inputs, generated identically here and in bench/c/native.c, so that every
// implementation (TS, wasm, C native, C wasm) computes on the very same data.

/** Byte i is the top byte of i · 0x9E3779B1 mod 2^32 (Knuth's multiplicative hash): cheap, not constant. */
export function bytesInput(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.imul(i, 0x9e3779b1) >>> 24;
  return out;
}

/** a[i] = (i mod 1000) / 1000 − 0.5 and b[i] = (7i mod 1000) / 1000: the two vectors of the dot product. */
export function f64Inputs(n: number): { a: Float64Array; b: Float64Array } {
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = (i % 1000) / 1000 - 0.5;
    b[i] = ((i * 7) % 1000) / 1000;
  }
  return { a, b };
}
