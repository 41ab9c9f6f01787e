// The page side of the Chromium check (to be driven from a page served with the strict CSP
// `script-src 'self' 'wasm-unsafe-eval'`): jit must compile and run there without eval or new Function.
// Returns which checks passed, plus the first compile's time, for the test to assert.
import { jit, jitClass, JitError } from "../../src/jit/index.ts";

export interface JitPageResult {
  checks: {
    sum: boolean;
    dot: boolean;
    grown: boolean;
    made: boolean;
    point: boolean;
    jitError: boolean;
    typescript: boolean;
    noEval: boolean;
  };
  firstCompileMs: number;
  /** Whether the page could make shared memory (jit's memory is shared only then). */
  sharedMemory: boolean;
}

export async function checkJitInPage(): Promise<JitPageResult> {
  // Under the strict CSP, eval is refused: proving the page really is strict, so the rest proves jit needs no eval.
  let noEval = false;
  try {
    (0, eval)("1");
  } catch {
    noEval = true;
  }
  function f(n: bigint) {
    let total = 0n;
    for (let i = 0n; i < n; i++) total += i;
    return total;
  }
  function dot(a: Float64Array, b: Float64Array) {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }
  const started = performance.now();
  const fast = jit(f);
  const sum = fast(1_000_000n) === 499999500000n;
  const firstCompileMs = performance.now() - started;
  const Point2D = jitClass(
    { x: "u64", y: "u64" },
    class Point2D {
      x: bigint;
      y: bigint;
      constructor(x: bigint, y: bigint) {
        this.x = x;
        this.y = y;
      }
    },
  );
  type P = InstanceType<typeof Point2D>;
  const p = jit((a: P, b: P) => new Point2D(a.x + b.x, a.y + b.y), "Point2D(Point2D, Point2D)")(new Point2D(1n, 2n), new Point2D(3n, 4n));
  let jitError = false;
  try {
    jit((n: number) => (n as unknown as { size: number }).size)(1);
  } catch (e) {
    jitError = e instanceof JitError;
  }
  // This page is not cross-origin isolated: jit's memory is not shared, and growing it detaches the
  // views made before. Copies of small arrays, then a large one that makes the memory grow, then small ones again.
  const fastDot = jit(dot);
  const small = () => fastDot(new Float64Array([1, 2, 3]), new Float64Array([4, 5, 6])) === 32;
  // (The first call's copies take a heap block; the block kept for later calls' copies is made after it.)
  const before = small() && small() && small();
  const large = new Float64Array(1 << 22).fill(0.5);
  const afterCopy = fastDot(large, large) === (1 << 22) * 0.25 && small();
  // Growth by a jit.array, which copies nothing: the next copies must not go through views made before it.
  jit.free(jit.array(Float64Array, 1 << 23));
  const grown = before && afterCopy && small();
  // An array the function makes, large enough to grow the (unshared) memory during the call: the
  // argument's copy is still read and written back, and the returned array copied out, after that growth.
  function spread(a: Float64Array, n: number) {
    const big = new Float64Array(n);
    for (let i = 0; i < n; i++) big[i] = a[i % a.length] * 2;
    let s = 0;
    for (let i = 0; i < n; i++) s += big[i];
    a[0] = s;
    const out = new Float64Array(3);
    out[0] = s;
    out[1] = big[n - 1];
    out[2] = a.length;
    return out;
  }
  const [mine, theirs] = [new Float64Array([1, 2, 3]), new Float64Array([1, 2, 3])];
  const made = jit(spread)(mine, 1 << 24).join() === spread(theirs, 1 << 24).join() && mine.join() === theirs.join() && small();
  return {
    checks: {
      sum,
      dot: jit(dot)(new Float64Array([1, 2, 3]), new Float64Array([4, 5, 6])) === 32,
      grown,
      made,
      point: p instanceof Point2D && p.x === 4n && p.y === 6n,
      jitError,
      // TypeScript source text: the parser is loaded on demand, inside the bundle, with no eval either.
      typescript: jit("function tsSquare(x: bigint): bigint { return (x as bigint) * x; }")(3n) === 9n,
      noEval,
    },
    firstCompileMs,
    sharedMemory: typeof SharedArrayBuffer === "function",
  };
}
