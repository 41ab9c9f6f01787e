// Cutting work into chunks. Ranges are half-open and cover [lo, hi) exactly, in order, so that any
// combination of the chunks' answers in chunk order equals the single-thread answer.

/** Splits [lo, hi) into at most `parts` non-empty ranges of near-equal length (none when hi ≤ lo). */
export function splitRange(lo: bigint, hi: bigint, parts: number): [bigint, bigint][] {
  if (hi <= lo) return [];
  const length = hi - lo;
  const n = BigInt(Math.max(1, parts)) > length ? length : BigInt(Math.max(1, parts));
  const out: [bigint, bigint][] = [];
  for (let i = 0n; i < n; i++) out.push([lo + (length * i) / n, lo + (length * (i + 1n)) / n]);
  return out;
}

/** The same for `number` ranges (rows, items, chunk indices). */
export function splitCount(lo: number, hi: number, parts: number): [number, number][] {
  if (hi <= lo) return [];
  const length = hi - lo;
  const n = Math.min(Math.max(1, parts), length);
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) out.push([lo + Math.floor((length * i) / n), lo + Math.floor((length * (i + 1)) / n)]);
  return out;
}
