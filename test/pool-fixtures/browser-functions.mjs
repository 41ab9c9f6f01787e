// Functions the pool's workers import in the browser tests (test/browser/pool*.test.ts): no Node APIs.
export function square(x) {
  return x * x;
}

/** lo + … + (hi − 1) on bigints, wrapping like the u64 kernel. */
export function sumRange(lo, hi) {
  let s = 0n;
  for (let i = lo; i < hi; i++) s += i;
  return BigInt.asUintN(64, s);
}

/** Kills its Web Worker the only way a page's worker dies: an uncaught error outside any call. */
export function crash() {
  setTimeout(() => {
    throw new Error("crashed on purpose");
  });
  return new Promise(() => undefined);
}

/** Keeps its worker busy for `ms` without yielding. */
export function spin(ms) {
  const end = Date.now() + ms;
  while (Date.now() < end);
  return ms;
}

/** Writes row r, column c as r · 1000 + c into a SharedArrayBuffer of Int32s, width columns per row. */
export function writeRows(rowStart, rowEnd, buffer, width) {
  const cells = new Int32Array(buffer);
  for (let r = rowStart; r < rowEnd; r++) for (let c = 0; c < width; c++) cells[r * width + c] = r * 1000 + c;
}
