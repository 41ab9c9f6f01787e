// The browser example's script (bundled by scripts/build.mjs into build/example-browser.js, next to
// the worker and wasm files it loads). Times Mandelbrot and the u64 sum on this thread and on the pool,
// checks the results match, draws the image, and leaves the numbers in `window.hotpathResult`.
import { kernels } from "../../src/kernels/kernels.ts";
import { poolSumRow } from "./sum-row.ts";
import { createPool, type Pool } from "../../src/pool/pool.ts";
import { median } from "../../src/stats.ts";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);
const view = {
  width: Number(params.get("width") ?? 800),
  height: Number(params.get("height") ?? 600),
  maxIter: Number(params.get("maxIter") ?? 1000),
};
const rounds = Number(params.get("rounds") ?? 5);
const sumN = BigInt(params.get("n") ?? 1_000_000_000);

const status = (text: string) => ($("status").textContent = text);
const ms = (x: number) => `${x.toFixed(1)} ms`;

let pool: Pool | undefined;

async function run(): Promise<void> {
  $<HTMLButtonElement>("run").disabled = true;
  status("loading the kernels and starting the workers…");
  const k = await kernels();
  pool ??= await createPool();
  $("mode").textContent = `${pool.size} workers, ${pool.mode} mode: ${pool.modeReason}.`;

  const expected = k.mandelbrot(view);
  const times = { one: [] as number[], pool: [] as number[] };
  let image = expected;
  for (let round = 0; round < rounds; round++) {
    for (const which of round % 2 ? (["pool", "one"] as const) : (["one", "pool"] as const)) {
      status(`Mandelbrot, round ${round + 1}/${rounds}: ${which === "one" ? "this thread" : "the pool"}`);
      await new Promise((r) => setTimeout(r)); // let the status paint
      const t0 = performance.now();
      const result = which === "one" ? k.mandelbrot(view) : await pool.mandelbrot(view);
      times[which].push(performance.now() - t0);
      if (!result.every((v, i) => v === expected[i])) throw new Error(`${which}: the image differs from the single-thread kernel's`);
      image = result;
    }
  }
  status("sum of the first n integers…");
  const sum = await poolSumRow({ n: sumN, pool, runs: rounds });
  const mandel = { single: median(times.one), pool: median(times.pool) };
  const result = {
    mode: pool.mode,
    modeReason: pool.modeReason,
    workers: pool.size,
    crossOriginIsolated: globalThis.crossOriginIsolated,
    mandelbrot: { ...view, singleMs: mandel.single, poolMs: mandel.pool, speedup: mandel.single / mandel.pool, correct: true },
    sum: { n: String(sum.n), singleMs: sum.singleMs, poolMs: sum.poolMs, speedup: sum.speedup, correct: sum.correct },
  };
  $("results").innerHTML =
    `<tr><th>kernel</th><th>this thread</th><th>${pool.size} workers</th><th>speedup</th><th>efficiency</th></tr>` +
    [
      [`Mandelbrot ${view.width}×${view.height}, maxIter ${view.maxIter}`, mandel.single, mandel.pool],
      [`sum of the first ${sum.n.toLocaleString("en-US")} integers`, sum.singleMs, sum.poolMs],
    ]
      .map(
        ([name, a, b]) =>
          `<tr><td>${name}</td><td>${ms(a as number)}</td><td>${ms(b as number)}</td><td>${((a as number) / (b as number)).toFixed(2)}×</td><td>${(((a as number) / (b as number) / pool!.size) * 100).toFixed(0)}%</td></tr>`,
      )
      .join("");
  draw(image, view.width, view.height, view.maxIter);
  status(`done: medians of ${rounds} interleaved rounds; every result checked against this thread's`);
  (globalThis as { hotpathResult?: unknown }).hotpathResult = result;
  $<HTMLButtonElement>("run").disabled = false;
}

function draw(counts: Uint32Array, width: number, height: number, maxIter: number): void {
  const canvas = $<HTMLCanvasElement>("image");
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext("2d")!;
  const pixels = ctx.createImageData(width, height);
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    const t = c >= maxIter ? 0 : Math.sqrt(c / maxIter);
    pixels.data.set([255 * t, 255 * t * t, 255 * Math.min(1, 3 * t), 255], i * 4);
  }
  ctx.putImageData(pixels, 0, 0);
}

$("run").addEventListener("click", () => void run().catch(fail));
run().catch(fail);

function fail(error: unknown): void {
  status(`failed: ${(error as Error).message}`);
  (globalThis as { hotpathResult?: unknown }).hotpathResult = { error: String((error as Error).stack ?? error) };
}
