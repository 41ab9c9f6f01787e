// How the jit bench checks answers: every result in a canonical text that is equal only where the
// values are (bigints exactly, doubles bit for bit with −0 apart from 0, typed arrays by a hash of their
// bytes), and the one tolerance, for `fastmath` rows, whose float sums may be added in another order.
// Also the deterministic inputs of the loops. Pure: works in every runtime.

/** Relative tolerance of fastmath rows: |a − b| ≤ FASTMATH_TOLERANCE · max(|a|, |b|). Reordering n additions moves a sum by about n·2^-53 of its terms' size at worst (1 Mi terms: ≈1e-10). */
export const FASTMATH_TOLERANCE = 1e-9;

/** The canonical text of a result: `12n`, `-0`, `0.1`, `NaN`, `Float64Array(40000) 3f0a…`, or a list of those. */
export function canonical(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (ArrayBuffer.isView(value)) {
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    const count = (value as unknown as ArrayLike<unknown>).length ?? value.byteLength;
    return `${value.constructor.name}(${count}) ${hashBytes(bytes)}`;
  }
  if (Array.isArray(value)) return value.map(canonical).join(", ");
  return String(value);
}

/** Two 32-bit hashes of the bytes (FNV-1a and a multiply-rotate one), as 16 hex digits: equal arrays, equal text; any changed bit, another text. */
function hashBytes(bytes: Uint8Array): string {
  let fnv = 0x811c9dc5;
  let mix = 0x9e3779b9;
  for (let i = 0; i < bytes.length; i++) {
    fnv = Math.imul(fnv ^ bytes[i], 0x01000193);
    mix = Math.imul((mix << 5) | (mix >>> 27), 0x85ebca6b) ^ (bytes[i] + i);
  }
  return (fnv >>> 0).toString(16).padStart(8, "0") + (mix >>> 0).toString(16).padStart(8, "0");
}

/** Whether two canonical results agree within the fastmath tolerance (numbers; anything else must be equal text). */
export function withinFastmathTolerance(a: string, b: string): boolean {
  if (a === b) return true;
  const x = Number(a);
  const y = Number(b);
  if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
  return Math.abs(x - y) <= FASTMATH_TOLERANCE * Math.max(Math.abs(x), Math.abs(y));
}

/** A deterministic stream of doubles in [lo, hi) (xorshift32), so every runtime and row computes on the same data. */
export function uniform(n: number, lo: number, hi: number, seed = 2463534242): Float64Array {
  const out = new Float64Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = lo + ((s >>> 0) / 4294967296) * (hi - lo);
  }
  return out;
}

/** n integers in [0, bound) from the same kind of stream. */
export function integers(n: number, bound: number, seed = 88675123): Int32Array {
  const u = uniform(n, 0, bound, seed);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(u[i]);
  return out;
}
