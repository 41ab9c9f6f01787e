// The menu of examples: the tutorial's loops (sum, Collatz, Monte Carlo, Mandelbrot, dot), an n-body
// force step and a sieve, each as one annotated function (the annotations are jit's signature) with
// arguments that make the plain JavaScript call last about 0.1–0.5 s on a laptop-class core.
// Range functions f(lo, hi) of integers run on the pool too (pool.reduceRange cuts [lo, hi) into chunks).

export interface Example {
  id: string;
  title: string;
  code: string;
  args: string;
  /** How the pool combines a range function's chunks ("auto": wrapAdd for u64, add otherwise). */
  combine?: "wrapAdd" | "add" | "min" | "max";
  /** Arguments of the growth guard's smaller call, for functions that are neither ranges nor take arrays. */
  half?: string;
  /** The same function in AssemblyScript, for the AssemblyScript tab. */
  as?: string;
}

const sum = `// The tutorial's first experiment, f(n): add the integers, as u64 (wrapping modulo 2^64).
// A range function (lo, hi): the pool cuts [lo, hi) into chunks and adds the parts (wrapAdd).
function sum(lo: bigint, hi: bigint): bigint {
  let total = 0n;
  for (let i = lo; i < hi; i++) total += i;
  return total;
}
`;

const collatz = `// Longest Collatz chain: for each start s in [lo, hi), count the steps to reach 1.
// Returns (steps << 32) | start of the longest chain, so the pool's "max" of the chunks is the answer
// (below 10^6: 524 steps from 837799, the tutorial's result).
function collatz(lo: bigint, hi: bigint): bigint {
  let best = 0n;
  for (let s = lo; s < hi; s++) {
    let m = s;
    let steps = 0n;
    while (m !== 1n) {
      if ((m & 1n) === 1n) m = 3n * m + 1n;
      else m >>= 1n;
      steps++;
    }
    const packed = (steps << 32n) | s;
    if (packed > best) best = packed;
  }
  return best;
}
`;

const monteCarlo = `// Monte Carlo π: sample i in [lo, hi) is a point of the unit square drawn from splitmix64(i),
// so each sample has its own random bits and any split over workers gives the same count.
// π ≈ 4 · inside / (hi − lo).
function monteCarlo(lo: bigint, hi: bigint): bigint {
  let inside = 0n;
  for (let i = lo; i < hi; i++) {
    let z = BigInt.asUintN(64, (i + 1n) * 0x9e3779b97f4a7c15n);
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    z = z ^ (z >> 31n);
    const x = Number(z >> 40n) / 16777216; // the top 24 bits
    const y = Number(z & 0xffffffn) / 16777216; // the low 24 bits
    if (x * x + y * y < 1) inside++;
  }
  return inside;
}
`;

const mandelbrot = `// Mandelbrot: the escape counts of rows [lo, hi) of a 600 × 600 image, 500 iterations at most,
// added up. Rows are a range, so the pool splits the image between workers ("add").
// i32 is a jit type: an int32 number (loop counters stay int32).
function mandelbrot(lo: i32, hi: i32): number {
  const width = 600;
  const height = 600;
  const maxIter = 500;
  let total = 0;
  for (let py = lo; py < hi; py++) {
    const cy = -1.25 + (2.5 * py) / height;
    for (let px = 0; px < width; px++) {
      const cx = -2 + (2.5 * px) / width;
      let zx = 0;
      let zy = 0;
      let i = 0;
      for (; i < maxIter; i++) {
        const x2 = zx * zx;
        const y2 = zy * zy;
        if (x2 + y2 > 4) break;
        zy = 2 * zx * zy + cy;
        zx = x2 - y2 + cx;
      }
      total += i;
    }
  }
  return total;
}
`;

const dot = `// The dot product of two vectors of doubles, added left to right (JavaScript's exact result).
function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
`;

const nbody = `// One n-body force step: the gravitational acceleration of every body from every other
// (softened by eps² = 0.01), written into ax, ay, az; returns the potential energy.
function nbodyForces(
  x: Float64Array, y: Float64Array, z: Float64Array, m: Float64Array,
  ax: Float64Array, ay: Float64Array, az: Float64Array,
): number {
  let energy = 0;
  for (let i = 0; i < m.length; i++) {
    let fx = 0;
    let fy = 0;
    let fz = 0;
    for (let j = 0; j < m.length; j++) {
      if (j === i) continue;
      const dx = x[j] - x[i];
      const dy = y[j] - y[i];
      const dz = z[j] - z[i];
      const r2 = dx * dx + dy * dy + dz * dz + 0.01;
      const r = Math.sqrt(r2);
      const s = m[j] / (r2 * r);
      fx += dx * s;
      fy += dy * s;
      fz += dz * s;
      if (j > i) energy -= (m[i] * m[j]) / r;
    }
    ax[i] = fx;
    ay[i] = fy;
    az[i] = fz;
  }
  return energy;
}
`;

const sieve = `// Sieve of Eratosthenes: marks the composites below n = composite.length and counts the primes
// (below 10^7: 664579).
function sieve(composite: Uint8Array): number {
  const n = composite.length;
  for (let i = 0; i < n; i++) composite[i] = 0;
  let count = 0;
  for (let i = 2; i < n; i++) {
    if (composite[i] === 1) continue;
    count++;
    for (let j = i * i; j < n; j += i) composite[j] = 1;
  }
  return count;
}
`;

// The AssemblyScript versions: the same algorithms, typed as machine integers and doubles. Typed
// arrays arrive as (xPtr, xLen) pairs, as `hotpath compile` kernels take them (a @buffer tag names the
// element type); their elements are read with load<T>.
const sumAs = `// The same loop in AssemblyScript: u64 is a machine integer, wrapping modulo 2^64.
export function sum(lo: u64, hi: u64): u64 {
  let total: u64 = 0;
  for (let i = lo; i < hi; i++) total += i;
  return total;
}
`;

const collatzAs = `// Longest Collatz chain in [lo, hi), packed as (steps << 32) | start, as the TypeScript version.
export function collatz(lo: u64, hi: u64): u64 {
  let best: u64 = 0;
  for (let s = lo; s < hi; s++) {
    let m = s;
    let steps: u64 = 0;
    while (m != 1) {
      if (m & 1) m = 3 * m + 1;
      else m >>= 1;
      steps++;
    }
    const packed = (steps << 32) | s;
    if (packed > best) best = packed;
  }
  return best;
}
`;

const monteCarloAs = `// Monte Carlo π with splitmix64 of each sample's index, as the TypeScript version.
export function monteCarlo(lo: u64, hi: u64): u64 {
  let inside: u64 = 0;
  for (let i = lo; i < hi; i++) {
    let z: u64 = (i + 1) * 0x9e3779b97f4a7c15;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    z = z ^ (z >> 31);
    const x = <f64>(z >> 40) / 16777216.0;
    const y = <f64>(z & 0xffffff) / 16777216.0;
    if (x * x + y * y < 1.0) inside++;
  }
  return inside;
}
`;

const mandelbrotAs = `// Mandelbrot rows [lo, hi) of a 600 × 600 image, 500 iterations at most: the escape counts added up.
export function mandelbrot(lo: i32, hi: i32): f64 {
  const width = 600;
  const height = 600;
  const maxIter = 500;
  let total: f64 = 0;
  for (let py = lo; py < hi; py++) {
    const cy = -1.25 + (2.5 * <f64>py) / <f64>height;
    for (let px = 0; px < width; px++) {
      const cx = -2.0 + (2.5 * <f64>px) / <f64>width;
      let zx: f64 = 0;
      let zy: f64 = 0;
      let i = 0;
      for (; i < maxIter; i++) {
        const x2 = zx * zx;
        const y2 = zy * zy;
        if (x2 + y2 > 4.0) break;
        zy = 2.0 * zx * zy + cy;
        zx = x2 - y2 + cx;
      }
      total += <f64>i;
    }
  }
  return total;
}
`;

const dotAs = `/**
 * The dot product, left to right. Typed arrays arrive as (pointer, length) pairs.
 * @buffer a f64[]
 * @buffer b f64[]
 */
export function dot(aPtr: usize, aLen: i32, bPtr: usize, bLen: i32): f64 {
  let s: f64 = 0;
  for (let i = 0; i < aLen; i++) s += load<f64>(aPtr + (<usize>i << 3)) * load<f64>(bPtr + (<usize>i << 3));
  return s;
}
`;

const sieveAs = `/**
 * Sieve of Eratosthenes below n = composite's length; returns the count of primes.
 * @buffer composite u8[]
 */
export function sieve(compositePtr: usize, compositeLen: i32): f64 {
  const n = compositeLen;
  memory.fill(compositePtr, 0, <usize>n);
  let count = 0;
  for (let i = 2; i < n; i++) {
    if (load<u8>(compositePtr + <usize>i) == 1) continue;
    count++;
    for (let j = <i64>i * i; j < n; j += i) store<u8>(compositePtr + <usize>j, 1);
  }
  return <f64>count;
}
`;

export const EXAMPLES: readonly Example[] = [
  { id: "sum", title: "sum of integers (u64)", code: sum, args: "0n, 10n ** 7n", combine: "wrapAdd", as: sumAs },
  { id: "collatz", title: "longest Collatz chain", code: collatz, args: "1n, 30000n", combine: "max", as: collatzAs },
  { id: "monte-carlo", title: "Monte Carlo π", code: monteCarlo, args: "0n, 2n * 10n ** 6n", combine: "wrapAdd", as: monteCarloAs },
  { id: "mandelbrot", title: "Mandelbrot rows", code: mandelbrot, args: "0, 600", combine: "add", as: mandelbrotAs },
  { id: "dot", title: "dot product", code: dot, args: "randomF64(1e6), randomF64(1e6)", as: dotAs },
  {
    id: "nbody",
    title: "n-body force step",
    code: nbody,
    args: "randomF64(1000), randomF64(1000), randomF64(1000), randomF64(1000), zerosF64(1000), zerosF64(1000), zerosF64(1000)",
  },
  { id: "sieve", title: "sieve of Eratosthenes", code: sieve, args: "zerosU8(1e7)", as: sieveAs },
];

/** The AssemblyScript tab's text for an example without an AssemblyScript version. */
export const AS_TEMPLATE = `// No AssemblyScript version of this example yet: write one here, exported under the same name,
// with the same parameters (a typed array x is a pair xPtr: usize, xLen: i32; see the dot example).
`;

export const exampleById = (id: string): Example | undefined => EXAMPLES.find((e) => e.id === id);
