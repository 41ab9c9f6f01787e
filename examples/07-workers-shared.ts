// Chapter "C threads sharing memory", the step Python's tutorial could not show: workers that share
// one address space. With mode "shared", every worker instantiates the threads build of the kernels
// (build/hotpath.threads.wasm) on one shared WebAssembly.Memory; each block of rows is written in place
// by whichever worker takes it, so nothing is copied back. The same call in message mode runs beside
// it for comparison. Run: npx tsx examples/07-workers-shared.ts [--small] [--workers N]
import { parseArgs } from "node:util";
import { kernels } from "../src/kernels/kernels.ts";
import { createPool } from "../src/pool/pool.ts";
import { median } from "../src/bench/node/machine.ts";
import { formatMs, textTable } from "../src/format.ts";

const { values } = parseArgs({ options: { small: { type: "boolean", default: false }, workers: { type: "string" } } });
const workers = values.workers ? { workers: Number(values.workers) } : {};
const view = values.small ? { width: 240, height: 160, maxIter: 200 } : { width: 1000, height: 750, maxIter: 1000 };
const n = values.small ? 50_000_000n : 2_000_000_000n;
const rounds = values.small ? 3 : 5;

const k = await kernels();
await using shared = await createPool({ mode: "shared", ...workers });
await using message = await createPool({ mode: "message", ...workers });
console.log(`Pools: ${shared.size} workers each; shared: ${shared.modeReason}`);

const expectedImage = k.mandelbrot(view);
const expectedSum = k.sumIntegers(n);
type Row = { name: string; run: () => Promise<boolean> | boolean; times: number[] };
const sameImage = (image: Uint32Array) => image.every((v, i) => v === expectedImage[i]);
const cases: Record<string, Row[]> = {
  [`Mandelbrot ${view.width}×${view.height}, maxIter ${view.maxIter}`]: [
    { name: "this thread", run: () => sameImage(k.mandelbrot(view)), times: [] },
    { name: `${shared.size} workers, shared memory`, run: async () => sameImage(await shared.mandelbrot(view)), times: [] },
    { name: `${message.size} workers, messages`, run: async () => sameImage(await message.mandelbrot(view)), times: [] },
  ],
  [`sum of the first ${n.toLocaleString("en-US")} integers (u64)`]: [
    { name: "this thread", run: () => k.sumIntegers(n) === expectedSum, times: [] },
    { name: `${shared.size} workers, shared memory`, run: async () => (await shared.sumIntegers(n)) === expectedSum, times: [] },
    { name: `${message.size} workers, messages`, run: async () => (await message.sumIntegers(n)) === expectedSum, times: [] },
  ],
};

for (const [title, rows] of Object.entries(cases)) {
  for (let round = 0; round < rounds; round++) {
    // Rotate the order each round, so that drift hits every row alike.
    for (let j = 0; j < rows.length; j++) {
      const row = rows[(j + round) % rows.length];
      const t0 = performance.now();
      const ok = await row.run();
      row.times.push(performance.now() - t0);
      if (!ok) throw new Error(`${title}, ${row.name}: the result differs from the single-thread kernel's`);
    }
  }
  const base = median(rows[0].times);
  console.log(`\n${title} (median of ${rounds} rounds, every result checked)\n`);
  console.log(
    textTable(
      ["where", "median", "speedup", "efficiency"],
      rows.map((row, i) => {
        const m = median(row.times);
        return [row.name, formatMs(m), `${(base / m).toFixed(2)}×`, i ? `${((base / m / shared.size) * 100).toFixed(0)}%` : ""];
      }),
      (i) => [1, 2, 3].includes(i),
    ),
  );
}
console.log(`\nShared memory: the workers wrote their rows straight into one WebAssembly.Memory; message passing moved each block back.`);
