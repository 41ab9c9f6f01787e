// The tutorial's Boost.Python classes, written in AssemblyScript. This module is built on its own
// (asconfig target `classes`) with the incremental GC runtime and `exportRuntime`, unlike the kernels,
// which use the stub runtime and never allocate. The host holds objects as pointers and keeps them
// alive with __pin/__unpin (src/classes.ts); the free functions below are the raw ABI, because
// AssemblyScript exports no classes, only functions taking and returning object pointers.

/** Adds numbers into a running u64 total (wrapping modulo 2^64), like the tutorial's C++ Accumulator. */
class Accumulator {
  total: u64 = 0;

  add(increment: u64): void {
    this.total += increment;
  }
}

/** A point with u64 coordinates, like the tutorial's jitclass Point2D. */
class Point2D {
  constructor(
    public x: u64,
    public y: u64,
  ) {}
}

export function accumulatorNew(): Accumulator {
  return new Accumulator();
}

export function accumulatorAdd(self: Accumulator, increment: u64): void {
  self.add(increment);
}

export function accumulatorTotal(self: Accumulator): u64 {
  return self.total;
}

export function point2DNew(x: u64, y: u64): Point2D {
  return new Point2D(x, y);
}

export function point2DX(self: Point2D): u64 {
  return self.x;
}

export function point2DY(self: Point2D): u64 {
  return self.y;
}

/** The tutorial's add_points: a new point, coordinates added modulo 2^64. */
export function addPoints(a: Point2D, b: Point2D): Point2D {
  return new Point2D(a.x + b.x, a.y + b.y);
}
