// Timing helpers the example scripts share. The benchmark harness (`hotpath bench`, src/bench/) is the
// full method; these are the small pieces an example needs to print honest medians.
import { formatMs, textTable } from "../../src/format.ts";
import { median } from "../../src/stats.ts";

/** Runs every contestant once per round, in an order that alternates between rounds; keeps each one's times and last result. */
export function race<T>(list: [string, () => T][], n: number): { times: Record<string, number[]>; results: Record<string, T> } {
  const times: Record<string, number[]> = {};
  const results: Record<string, T> = {};
  for (let round = 0; round < n; round++) {
    for (const [name, run] of round % 2 ? [...list].reverse() : list) {
      const t = performance.now();
      results[name] = run();
      (times[name] ??= []).push(performance.now() - t);
    }
  }
  return { times, results };
}

/** Median time of one call, in ms: calls are batched until a batch lasts at least `minMs`. */
export function timePerCall(run: () => unknown, minMs = 20): number {
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) run();
    const ms = performance.now() - t0;
    if (ms >= minMs || reps >= 1 << 24) break;
    reps *= ms < minMs / 16 ? 16 : 2;
  }
  const samples: number[] = [];
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) run();
    samples.push((performance.now() - t0) / reps);
  }
  return median(samples);
}

/** Runs each implementation once (its result checked against `exact`), times it with timePerCall, and prints the table. Returns whether all were right. */
export function printTimedResults(impls: { name: string; run: () => bigint }[], exact: bigint): boolean {
  const results = impls.map((impl) => impl.run());
  const perCall = impls.map((impl) => timePerCall(impl.run));
  console.log(
    textTable(
      ["implementation", "result", "correct", "time per call"],
      impls.map((impl, j) => [impl.name, String(results[j]), results[j] === exact ? "yes" : "NO", formatMs(perCall[j])]),
      (i) => [3].includes(i),
    ),
  );
  return results.every((r) => r === exact);
}
