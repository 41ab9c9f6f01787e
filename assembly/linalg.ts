// Dense f64 linear algebra on row-major buffers, each with a SIMD (f64x2) and a scalar version so the
// benchmarks can show what the vector lanes buy. Addresses are byte offsets; f64 data is 8-byte aligned.

/** Dot product Σ a[i]·b[i] with two f64x2 accumulators (four partial sums, combined at the end; not bit-equal to a left-to-right sum). */
export function dot(a: usize, b: usize, n: usize): f64 {
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  const n4 = n & ~(<usize>3);
  let i: usize = 0;
  for (; i < n4; i += 4) {
    const o = i << 3;
    acc0 = f64x2.add(acc0, f64x2.mul(v128.load(a + o), v128.load(b + o)));
    acc1 = f64x2.add(acc1, f64x2.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
  }
  const acc = f64x2.add(acc0, acc1);
  let sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; i < n; i++) sum += load<f64>(a + (i << 3)) * load<f64>(b + (i << 3));
  return sum;
}

/** Dot product, scalar, summed left to right (the same rounding as the plain loop). */
export function dotScalar(a: usize, b: usize, n: usize): f64 {
  let sum = 0.0;
  for (let i: usize = 0; i < n; i++) sum += load<f64>(a + (i << 3)) * load<f64>(b + (i << 3));
  return sum;
}

/** SAXPY (BLAS level 1, y ← αx + y) in place with f64x2; each element rounds as in the scalar loop. */
export function saxpy(alpha: f64, x: usize, y: usize, n: usize): void {
  const va = f64x2.splat(alpha);
  const n2 = n & ~(<usize>1);
  let i: usize = 0;
  for (; i < n2; i += 2) {
    const o = i << 3;
    v128.store(y + o, f64x2.add(f64x2.mul(va, v128.load(x + o)), v128.load(y + o)));
  }
  if (i < n) store<f64>(y + (i << 3), alpha * load<f64>(x + (i << 3)) + load<f64>(y + (i << 3)));
}

/** SAXPY (BLAS level 1, y ← αx + y) in place, scalar. */
export function saxpyScalar(alpha: f64, x: usize, y: usize, n: usize): void {
  for (let i: usize = 0; i < n; i++) {
    const o = i << 3;
    store<f64>(y + o, alpha * load<f64>(x + o) + load<f64>(y + o));
  }
}

// Cache blocks: a KB × NB panel of B (256 KiB) stays in L2 while every row of A streams past it.
// Measured on 512²: 4 × 4 register tiles ran ≈7–8 GFLOP/s against ≈5 for 2 × 4; block sizes from 64 to
// 512 were within the noise of a shared 2-core machine.
const KB: usize = 128;
const NB: usize = 256;

/**
 * Matrix product C = A·B for rows [rowStart, rowEnd), in i-k-j order (Goto & van de Geijn, "Anatomy of
 * high-performance matrix multiplication", 2008: cache blocks of B, register tiles of C), with f64x2
 * 4 × 4 register tiles (eight accumulators; each B row pair loaded once for four rows of A). Every C
 * element still sums its k products in increasing k, so the result is bit for bit the naive i-k-j loop's.
 */
export function matmul(a: usize, b: usize, c: usize, m: usize, k: usize, n: usize, rowStart: usize, rowEnd: usize): void {
  if (rowEnd <= rowStart) return;
  const rowBytes = n << 3;
  memory.fill(c + rowStart * rowBytes, 0, (rowEnd - rowStart) * rowBytes);
  const aRow = k << 3;
  for (let kk: usize = 0; kk < k; kk += KB) {
    const kEnd = min(kk + KB, k);
    for (let jj: usize = 0; jj < n; jj += NB) {
      const jEnd = min(jj + NB, n);
      let i = rowStart;
      for (; i + 4 <= rowEnd; i += 4) {
        const a0 = a + i * aRow;
        const c0 = c + i * rowBytes;
        let j = jj;
        for (; j + 4 <= jEnd; j += 4) {
          const oj = j << 3;
          let t00 = v128.load(c0 + oj);
          let t01 = v128.load(c0 + oj, 16);
          let t10 = v128.load(c0 + rowBytes + oj);
          let t11 = v128.load(c0 + rowBytes + oj, 16);
          let t20 = v128.load(c0 + 2 * rowBytes + oj);
          let t21 = v128.load(c0 + 2 * rowBytes + oj, 16);
          let t30 = v128.load(c0 + 3 * rowBytes + oj);
          let t31 = v128.load(c0 + 3 * rowBytes + oj, 16);
          let bp = b + kk * rowBytes + oj;
          let ap = a0 + (kk << 3);
          for (let p = kk; p < kEnd; p++) {
            const b0 = v128.load(bp);
            const b1 = v128.load(bp, 16);
            let s = f64x2.splat(load<f64>(ap));
            t00 = f64x2.add(t00, f64x2.mul(s, b0));
            t01 = f64x2.add(t01, f64x2.mul(s, b1));
            s = f64x2.splat(load<f64>(ap + aRow));
            t10 = f64x2.add(t10, f64x2.mul(s, b0));
            t11 = f64x2.add(t11, f64x2.mul(s, b1));
            s = f64x2.splat(load<f64>(ap + 2 * aRow));
            t20 = f64x2.add(t20, f64x2.mul(s, b0));
            t21 = f64x2.add(t21, f64x2.mul(s, b1));
            s = f64x2.splat(load<f64>(ap + 3 * aRow));
            t30 = f64x2.add(t30, f64x2.mul(s, b0));
            t31 = f64x2.add(t31, f64x2.mul(s, b1));
            bp += rowBytes;
            ap += 8;
          }
          v128.store(c0 + oj, t00);
          v128.store(c0 + oj, t01, 16);
          v128.store(c0 + rowBytes + oj, t10);
          v128.store(c0 + rowBytes + oj, t11, 16);
          v128.store(c0 + 2 * rowBytes + oj, t20);
          v128.store(c0 + 2 * rowBytes + oj, t21, 16);
          v128.store(c0 + 3 * rowBytes + oj, t30);
          v128.store(c0 + 3 * rowBytes + oj, t31, 16);
        }
        for (; j < jEnd; j++) {
          const oj = j << 3;
          for (let r: usize = 0; r < 4; r++) {
            const ar = a0 + r * aRow;
            let t = load<f64>(c0 + r * rowBytes + oj);
            for (let p = kk; p < kEnd; p++) t += load<f64>(ar + (p << 3)) * load<f64>(b + p * rowBytes + oj);
            store<f64>(c0 + r * rowBytes + oj, t);
          }
        }
      }
      for (; i < rowEnd; i++) {
        const a0 = a + i * aRow;
        const c0 = c + i * rowBytes;
        for (let p = kk; p < kEnd; p++) {
          const s = load<f64>(a0 + (p << 3));
          const vs = f64x2.splat(s);
          const bp = b + p * rowBytes;
          let j = jj;
          for (; j + 2 <= jEnd; j += 2) {
            const oj = j << 3;
            v128.store(c0 + oj, f64x2.add(v128.load(c0 + oj), f64x2.mul(vs, v128.load(bp + oj))));
          }
          if (j < jEnd) store<f64>(c0 + (j << 3), load<f64>(c0 + (j << 3)) + s * load<f64>(bp + (j << 3)));
        }
      }
    }
  }
}

/** Matrix product C = A·B for rows [rowStart, rowEnd), the naive scalar i-k-j loop. */
export function matmulScalar(a: usize, b: usize, c: usize, m: usize, k: usize, n: usize, rowStart: usize, rowEnd: usize): void {
  if (rowEnd <= rowStart) return;
  const rowBytes = n << 3;
  memory.fill(c + rowStart * rowBytes, 0, (rowEnd - rowStart) * rowBytes);
  for (let i = rowStart; i < rowEnd; i++) {
    const ci = c + i * rowBytes;
    const ai = a + i * (k << 3);
    for (let p: usize = 0; p < k; p++) {
      const s = load<f64>(ai + (p << 3));
      const bp = b + p * rowBytes;
      for (let j: usize = 0; j < n; j++) {
        const o = j << 3;
        store<f64>(ci + o, load<f64>(ci + o) + s * load<f64>(bp + o));
      }
    }
  }
}
