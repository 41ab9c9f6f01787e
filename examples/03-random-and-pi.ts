// 64-bit random streams and a Monte Carlo estimate of π. splitmix64 and xorshift64 are u64 state
// machines: the wasm kernels run them in machine registers, the bigint twins step by step. The π
// estimate cuts its samples into fixed chunks, each with its own stream seeded from (seed, chunk), so
// the answer is the same however the chunks are later spread over workers; the twin reproduces it exactly.
// Run: npx tsx examples/03-random-and-pi.ts [samples] [--small]     (2_000_000 by default; --small 200_000)
import { MONTE_CARLO_CHUNK, kernels, twins } from "../src/index.ts";
import { machine, median } from "../src/bench/node/machine.ts";
import { formatMs, textTable } from "../src/format.ts";
import { race } from "./support/timing.ts";

const args = process.argv.slice(2);
const small = args.includes("--small");
const samples = parseSize(
  args.find((a) => !a.startsWith("--")),
  small ? 200_000 : 2_000_000,
);
const words = Math.min(samples, 1_000_000);
const rounds = small ? 3 : 5;
const seed = 2026n;

const m = machine();
console.log(`${m.runtime} · ${m.cpu} × ${m.cores} · ${m.date}\n`);
const k = await kernels();

// 1. The streams: the same words from wasm and from the twin.
const streams: [string, () => BigUint64Array][] = [
  ["splitmix64, wasm", () => k.splitmix64(seed, words)],
  ["splitmix64, TS bigint twin", () => twins.bigint.splitmix64(seed, words)],
  ["xorshift64, wasm", () => k.xorshift64(seed, words)],
  ["xorshift64, TS bigint twin", () => twins.bigint.xorshift64(seed, words)],
];
const s = race(streams, rounds);
const same = (a: BigUint64Array, b: BigUint64Array) => a.length === b.length && a.every((v, i) => v === b[i]);
const streamsAgree = same(s.results[streams[0][0]], s.results[streams[1][0]]) && same(s.results[streams[2][0]], s.results[streams[3][0]]);
console.log(`${words.toLocaleString("en-US")} u64 words from seed ${seed} (${rounds} interleaved rounds, medians)\n`);
console.log(
  textTable(
    ["stream", "first word", "median", "words/s"],
    streams.map(([name]) => {
      const ms = median(s.times[name]);
      return [name, `0x${s.results[name][0].toString(16).padStart(16, "0")}`, formatMs(ms), `${(words / (ms / 1000) / 1e6).toFixed(1)} M`];
    }),
    (i) => [2, 3].includes(i),
  ),
);
console.log(`\nwasm and twin streams identical: ${streamsAgree ? "yes" : "NO"}\n`);

// 2. π: wasm several rounds, the twin once (it is two orders of magnitude slower).
const pi: [string, () => ReturnType<typeof k.monteCarloPi>][] = [["Monte Carlo π, wasm", () => k.monteCarloPi(samples, seed)]];
const p = race(pi, rounds);
const t = performance.now();
const twin = twins.bigint.monteCarloPi(BigInt(samples), seed);
const twinMs = performance.now() - t;
const wasm = p.results[pi[0][0]];
const wasmMs = median(p.times[pi[0][0]]);
const sigma = 4 * Math.sqrt(((Math.PI / 4) * (1 - Math.PI / 4)) / samples);
console.log(`π from ${samples.toLocaleString("en-US")} samples in chunks of ${MONTE_CARLO_CHUNK} (seed ${seed})\n`);
console.log(
  textTable(
    ["implementation", "inside", "π estimate", "median", "runs"],
    [
      ["Monte Carlo π, wasm", String(wasm.inside), wasm.pi.toFixed(6), formatMs(wasmMs), String(rounds)],
      ["Monte Carlo π, TS bigint twin", String(twin.inside), twin.pi.toFixed(6), formatMs(twinMs), "1"],
    ],
    (i) => [1, 2, 3, 4].includes(i),
  ),
);
const piAgree = wasm.inside === twin.inside;
console.log(
  `\nwasm and twin count the same hits: ${piAgree ? "yes" : "NO"}; error ${(wasm.pi - Math.PI).toExponential(2)} (one standard error: ${sigma.toExponential(2)}); twin ${(twinMs / wasmMs).toFixed(0)}× slower`,
);
if (!streamsAgree || !piAgree) process.exitCode = 1;

function parseSize(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text.replaceAll("_", ""));
  if (!Number.isSafeInteger(value) || value < 1 || value > 2 ** 48) {
    console.error(`Expected the number of samples to be an integer in [1, 2^48], such as 1e7 or 10_000_000, got ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return value;
}
