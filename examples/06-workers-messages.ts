// Chapter "multiprocessing": separate workers, each with its own memory, talking by messages. The pool
// (createPool with mode "message") posts the compiled kernel module to every worker once; each call is
// cut into blocks of rows, each block's pixels come back as a buffer that is transferred (moved, not
// copied) to this thread, which assembles the image. Uneven rows (the set's interior costs maxIter
// iterations per pixel) balance because there are more blocks than workers, handed out from a queue.
// Run: npx tsx examples/06-workers-messages.ts [--small] [--workers N]
import { parseArgs } from "node:util";
import { kernels } from "../src/kernels/kernels.ts";
import { createPool } from "../src/pool/pool.ts";
import { median } from "../src/bench/node/machine.ts";
import { formatMs, textTable } from "../src/format.ts";

const { values } = parseArgs({ options: { small: { type: "boolean", default: false }, workers: { type: "string" } } });
const view = values.small ? { width: 240, height: 160, maxIter: 200 } : { width: 1000, height: 750, maxIter: 1000 };
const rounds = values.small ? 3 : 5;

const k = await kernels();
let t0 = performance.now();
await using pool = await createPool({ mode: "message", ...(values.workers ? { workers: Number(values.workers) } : {}) });
const startMs = performance.now() - t0;
console.log(`Pool: ${pool.size} workers, ${pool.mode} mode (${pool.modeReason}); started and warmed up in ${formatMs(startMs)}`);

const expected = k.mandelbrot(view);
const times = { one: [] as number[], pool: [] as number[] };
for (let round = 0; round < rounds; round++) {
  for (const which of round % 2 ? (["pool", "one"] as const) : (["one", "pool"] as const)) {
    t0 = performance.now();
    const image = which === "one" ? k.mandelbrot(view) : await pool.mandelbrot(view);
    times[which].push(performance.now() - t0);
    if (!image.every((v, i) => v === expected[i])) throw new Error(`${which}: the image differs from the single-thread kernel's`);
  }
}

const one = median(times.one);
const many = median(times.pool);
const blocks = pool.size * 4;
console.log(
  `\nMandelbrot ${view.width}×${view.height}, maxIter ${view.maxIter}: ${blocks} blocks of rows; every image checked pixel for pixel (median of ${rounds} rounds)\n`,
);
console.log(
  textTable(
    ["where", "median", "speedup", "efficiency"],
    [
      ["this thread", formatMs(one), "1.00×", ""],
      [`${pool.size} workers, messages`, formatMs(many), `${(one / many).toFixed(2)}×`, `${((one / many / pool.size) * 100).toFixed(0)}%`],
    ],
    (i) => [1, 2, 3].includes(i),
  ),
);
console.log(
  `\nEach call moved ${((view.width * view.height * 4) / 1024).toFixed(0)} KiB of pixels back from the workers by transfer; inputs were a few numbers per block.`,
);
