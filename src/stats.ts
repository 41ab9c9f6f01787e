// The arithmetic that the demo, the examples, the pool and the benchmark harness share. No imports,
// so it runs unchanged in Node, Deno, Bun, browsers and workers.

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("Expected `values` to be a non-empty list, got an empty list");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
