// Escape-time Mandelbrot. The pixel → point mapping is written exactly as the TypeScript twin writes
// it (x0 + (x1 − x0) · px / width), and every lane of the f64x2 loop performs the twin's operations in
// the twin's order, so the counts match the twin's exactly.

/** Escape count of one point: iterations of z ← z² + c from z = 0 while |z|² ≤ 4, at most maxIter. */
@inline
function escape(cx: f64, cy: f64, maxIter: u32): u32 {
  let zx = 0.0;
  let zy = 0.0;
  let i: u32 = 0;
  // An early break, not `i < maxIter && |z|² ≤ 4`: toolchain.md measured the && form 1.9× slower.
  for (; i < maxIter; i++) {
    const x2 = zx * zx;
    const y2 = zy * zy;
    if (x2 + y2 > 4.0) break;
    zy = 2.0 * zx * zy + cy;
    zx = x2 - y2 + cx;
  }
  return i;
}

/** Escape-time algorithm for the Mandelbrot set (z ← z² + c from z = 0 while |z|² ≤ 4; Peitgen & Richter, "The Beauty of Fractals", 1986), two pixels per f64x2: rows [rowStart, rowEnd) as u32 counts at `out`. */
export function mandelbrotRows(out: usize, width: u32, height: u32, rowStart: u32, rowEnd: u32, x0: f64, y0: f64, x1: f64, y1: f64, maxIter: u32): void {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const w = <f64>width;
  const h = <f64>height;
  const four = f64x2.splat(4.0);
  const two = f64x2.splat(2.0);
  let p = out;
  for (let py = rowStart; py < rowEnd; py++) {
    const cy = y0 + (dy * <f64>py) / h;
    const vcy = f64x2.splat(cy);
    let px: u32 = 0;
    for (; px + 2 <= width; px += 2) {
      const vcx = f64x2.replace_lane(f64x2.splat(x0 + (dx * <f64>px) / w), 1, x0 + (dx * <f64>(px + 1)) / w);
      let zx = f64x2.splat(0);
      let zy = f64x2.splat(0);
      // A lane counts until its |z|² first exceeds 4, then rides along uncounted until both are done.
      // Escaped orbits only grow (then overflow to NaN, which compares false), so the AND never
      // changes a count; it makes "first exceeds" hold by construction rather than by that argument.
      let active = i64x2.splat(-1);
      let counts = i64x2.splat(0);
      for (let i: u32 = 0; i < maxIter; i++) {
        const x2 = f64x2.mul(zx, zx);
        const y2 = f64x2.mul(zy, zy);
        active = v128.and(active, f64x2.le(f64x2.add(x2, y2), four));
        if (!v128.any_true(active)) break;
        counts = i64x2.sub(counts, active);
        zy = f64x2.add(f64x2.mul(f64x2.mul(two, zx), zy), vcy);
        zx = f64x2.add(f64x2.sub(x2, y2), vcx);
      }
      store<u32>(p, <u32>i64x2.extract_lane(counts, 0));
      store<u32>(p, <u32>i64x2.extract_lane(counts, 1), 4);
      p += 8;
    }
    if (px < width) {
      store<u32>(p, escape(x0 + (dx * <f64>px) / w, cy, maxIter));
      p += 4;
    }
  }
}
