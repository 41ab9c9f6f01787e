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

export const EXAMPLES: readonly Example[] = [
  { id: "sum", title: "sum of integers (u64)", code: sum, args: "0n, 10n ** 7n", combine: "wrapAdd" },
  { id: "collatz", title: "longest Collatz chain", code: collatz, args: "1n, 30000n", combine: "max" },
  { id: "monte-carlo", title: "Monte Carlo π", code: monteCarlo, args: "0n, 2n * 10n ** 6n", combine: "wrapAdd" },
  { id: "mandelbrot", title: "Mandelbrot rows", code: mandelbrot, args: "0, 600", combine: "add" },
  { id: "dot", title: "dot product", code: dot, args: "randomF64(1e6), randomF64(1e6)" },
  {
    id: "nbody",
    title: "n-body force step",
    code: nbody,
    args: "randomF64(1000), randomF64(1000), randomF64(1000), randomF64(1000), zerosF64(1000), zerosF64(1000), zerosF64(1000)",
  },
  { id: "sieve", title: "sieve of Eratosthenes", code: sieve, args: "zerosU8(1e7)" },
];

export const exampleById = (id: string): Example | undefined => EXAMPLES.find((e) => e.id === id);
