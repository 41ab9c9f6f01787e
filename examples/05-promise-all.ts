// Chapter "threading": Python's threads bring no speedup to a CPU-bound loop because of the GIL.
// JavaScript's counterpart is `Promise.all` on the main thread: async functions interleave on one
// event loop, but a synchronous call (here the wasm sum kernel) runs to its end before anything else
// can, so four "concurrent" quarters take as long as four quarters in a row. The timeline below shows
// them running one after another. Run: npx tsx examples/05-promise-all.ts [--small]
import { kernels } from "../src/kernels/kernels.ts";
import { median } from "../src/bench/node/machine.ts";
import { formatMs, textTable } from "../src/format.ts";

const small = process.argv.includes("--small");
const n = small ? 20_000_000n : 1_000_000_000n;
const parts = 4;
const rounds = small ? 3 : 5;
const k = await kernels();
const quarters = Array.from({ length: parts }, (_, i) => [(n * BigInt(i)) / BigInt(parts), (n * BigInt(i + 1)) / BigInt(parts)] as const);
const exact = (n * (n - 1n)) / 2n;
const add = (values: bigint[]) => values.reduce((s, v) => BigInt.asUintN(64, s + v), 0n);

function sequential(): bigint {
  return add(quarters.map(([lo, hi]) => k.sumRange(lo, hi)));
}

let timeline: { task: number; start: number; end: number }[] = [];
async function concurrent(): Promise<bigint> {
  const t0 = performance.now();
  timeline = [];
  const results = await Promise.all(
    quarters.map(async ([lo, hi], task) => {
      await Promise.resolve(); // yield once, as real async code would: the tasks are all "in flight" together
      const start = performance.now() - t0;
      const value = k.sumRange(lo, hi);
      timeline.push({ task, start, end: performance.now() - t0 });
      return value;
    }),
  );
  return add(results);
}

const times = { sequential: [] as number[], concurrent: [] as number[] };
for (let round = 0; round < rounds; round++) {
  for (const which of round % 2 ? (["concurrent", "sequential"] as const) : (["sequential", "concurrent"] as const)) {
    const t0 = performance.now();
    const value = which === "sequential" ? sequential() : await concurrent();
    times[which].push(performance.now() - t0);
    if (value !== exact) throw new Error(`${which} gave ${value}, expected ${exact}`);
  }
}

const seq = median(times.sequential);
const con = median(times.concurrent);
console.log(`Sum of the first ${n.toLocaleString("en-US")} integers in ${parts} parts, on the main thread (median of ${rounds} rounds)\n`);
console.log(
  textTable(
    ["how", "median", "speedup"],
    [
      ["one part after another", formatMs(seq), "1.00×"],
      [`Promise.all of ${parts} async tasks`, formatMs(con), `${(seq / con).toFixed(2)}×`],
    ],
    (i) => [1, 2].includes(i),
  ),
);
console.log(`\nTimeline of the last Promise.all (ms since it started): the tasks never overlap.`);
for (const t of timeline.sort((a, b) => a.start - b.start))
  console.log(`  task ${t.task}: ${t.start.toFixed(1).padStart(7)} → ${t.end.toFixed(1).padStart(7)}`);
console.log(`\nOne event loop runs one thing at a time: for a real speedup the work has to move to other threads (examples 06 and 07).`);
