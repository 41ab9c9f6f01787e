// The loops of the jit bench (`hotpath bench --set jit`), written as a person writes plain JavaScript
// for the job, not shaped for the jit: each one is both the plain-JS baseline and the very function
// given to `jit`. The tutorial's loops (sum, Collatz, Monte Carlo, Mandelbrot, dot), then the ones of
// issue 17 (sieve, matmul, stencil, prefix sum, histogram, trial division, n-body, Math.sin/exp).
// They are plain functions without closures or module state: jit compiles a function from its own source.
// Arrays are cleared with a loop rather than `.fill(0)`: jit compiles no method calls yet (a JitError),
// and the loop is what the measured programs did.

/** The tutorial's f: 0 + 1 + … + (n − 1), bigint. */
export function sumTo(n: bigint): bigint {
  let total = 0n;
  for (let i = 0n; i < n; i++) total += i;
  return total;
}

/** The same sum under another name: a function of its own, whose first call compiles a fresh module (the first-call row). */
export function sumToOnce(n: bigint): bigint {
  let total = 0n;
  for (let i = 0n; i < n; i++) total += i;
  return total;
}

/** The start in [2, limit) with the longest Collatz chain (the first one on a tie), bigint. */
export function longestCollatz(limit: bigint): bigint {
  let bestStart = 0n;
  let bestSteps = 0n;
  for (let start = 1n; start < limit; start++) {
    let n = start;
    let steps = 0n;
    while (n !== 1n) {
      if (n % 2n === 0n) n = n / 2n;
      else n = 3n * n + 1n;
      steps++;
    }
    if (steps > bestSteps) {
      bestSteps = steps;
      bestStart = start;
    }
  }
  return bestStart;
}

/** Monte Carlo π: how many of `samples` points from a xorshift64 stream fall inside the quarter circle. */
export function monteCarloHits(samples: bigint, seed: bigint): bigint {
  let state = seed;
  let hits = 0n;
  for (let i = 0n; i < samples; i++) {
    state ^= (state << 13n) & 0xffffffffffffffffn;
    state ^= state >> 7n;
    state ^= (state << 17n) & 0xffffffffffffffffn;
    const x = Number(state >> 11n) / 9007199254740992;
    state ^= (state << 13n) & 0xffffffffffffffffn;
    state ^= state >> 7n;
    state ^= (state << 17n) & 0xffffffffffffffffn;
    const y = Number(state >> 11n) / 9007199254740992;
    if (x * x + y * y < 1) hits++;
  }
  return hits;
}

/** Mandelbrot escape counts of the view [−2, 0.5] × [−1.25, 1.25] into `out` (width × height). */
export function mandelbrot(out: Uint32Array, width: number, height: number, maxIter: number): void {
  for (let py = 0; py < height; py++) {
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
      out[py * width + px] = i;
    }
  }
}

/** Σ a[i]·b[i], left to right. */
export function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

/** Sieve of Eratosthenes in `composite` (one byte per integer): how many primes are below its length. */
export function countPrimes(composite: Uint8Array): number {
  const n = composite.length;
  for (let i = 0; i < n; i++) composite[i] = 0;
  let count = 0;
  for (let i = 2; i < n; i++) {
    if (composite[i] === 0) {
      count++;
      for (let j = i * i; j < n; j += i) composite[j] = 1;
    }
  }
  return count;
}

/** C = A·B for n × n row-major matrices, i-j-k. */
export function matmul(a: Float64Array, b: Float64Array, c: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += a[i * n + k] * b[k * n + j];
      c[i * n + j] = sum;
    }
  }
}

/** One Jacobi step of a 5-point stencil on a width × height grid: each inner point becomes the mean of itself and its 4 neighbours. */
export function stencil(src: Float64Array, dst: Float64Array, width: number, height: number): void {
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      dst[i] = 0.2 * (src[i] + src[i - 1] + src[i + 1] + src[i - width] + src[i + width]);
    }
  }
}

/** Running sum in place: a[i] becomes a[0] + … + a[i]. */
export function prefixSum(a: Float64Array): void {
  for (let i = 1; i < a.length; i++) a[i] += a[i - 1];
}

/** How many bytes of `data` fall in each of 16 bins (by their low 4 bits). */
export function histogram(data: Uint8Array, bins: Int32Array): void {
  for (let b = 0; b < bins.length; b++) bins[b] = 0;
  for (let i = 0; i < data.length; i++) bins[data[i] & 15]++;
}

/** How many of `values` are prime, by trial division. */
export function countPrimesTrial(values: Int32Array): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const k = values[i];
    if (k < 2) continue;
    let prime = true;
    for (let d = 2; d * d <= k; d++) {
      if (k % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

/** One step of an n-body simulation; `bodies` holds x, y, z, vx, vy, vz, mass for each body, in a row. */
export function nbodyStep(bodies: Float64Array, dt: number): void {
  const n = bodies.length / 7;
  for (let i = 0; i < n; i++) {
    const bi = i * 7;
    for (let j = i + 1; j < n; j++) {
      const bj = j * 7;
      const dx = bodies[bi] - bodies[bj];
      const dy = bodies[bi + 1] - bodies[bj + 1];
      const dz = bodies[bi + 2] - bodies[bj + 2];
      const d2 = dx * dx + dy * dy + dz * dz;
      const mag = dt / (d2 * Math.sqrt(d2));
      const mi = bodies[bi + 6] * mag;
      const mj = bodies[bj + 6] * mag;
      bodies[bi + 3] -= dx * mj;
      bodies[bi + 4] -= dy * mj;
      bodies[bi + 5] -= dz * mj;
      bodies[bj + 3] += dx * mi;
      bodies[bj + 4] += dy * mi;
      bodies[bj + 5] += dz * mi;
    }
  }
  for (let i = 0; i < n; i++) {
    const b = i * 7;
    bodies[b] += dt * bodies[b + 3];
    bodies[b + 1] += dt * bodies[b + 4];
    bodies[b + 2] += dt * bodies[b + 5];
  }
}

/** Σ sin(x)·e^(−x²/2) over `xs`: a damped wave sampled at each point. */
export function dampedWave(xs: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    sum += Math.sin(x) * Math.exp(-0.5 * x * x);
  }
  return sum;
}
