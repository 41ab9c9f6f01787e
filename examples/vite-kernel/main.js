// The page: a user's kernel (squares.kernel.ts, compiled by the hotpath/vite plugin) on this thread and
// on a worker pool. Shared memory when the page is cross-origin isolated (vite.config.js sends the
// headers), messages otherwise: the same code either way.
import { createPool } from "hotpath";
import squares from "./squares.kernel";

const out = document.getElementById("out");
const n = 10n ** 8n;
const time = async (f) => {
  const t0 = performance.now();
  const value = await f();
  return `${value} in ${(performance.now() - t0).toFixed(1)} ms`;
};

const { sumOfSquaresRange } = await squares.load();
const pool = await createPool();
const lines = [
  `this thread: ${await time(() => sumOfSquaresRange(0n, n))}`,
  `pool, ${pool.size} workers (${pool.mode}): ${await time(() => pool.reduceRange(squares.sumOfSquaresRange, 0n, n, { combine: "wrapAdd" }))}`,
];
await pool.close();
out.textContent = lines.join("\n");
globalThis.result = lines;
