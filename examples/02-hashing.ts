// u64 arithmetic on bytes: FNV-1a 64 and xxHash64 of one buffer, by the wasm kernels and by their exact
// bigint twins. Both hashes are all 64-bit multiplies, rotations and xors, the work `number` cannot do
// and `bigint` does slowly. Results must agree bit for bit; the wasm times include copying the buffer
// into wasm memory, as every call through the typed API does.
// Run: npx tsx examples/02-hashing.ts [MiB] [--small]      (16 MiB by default; --small hashes 256 KiB)
import { kernels, twins } from "../src/index.ts";
import { machine, median } from "../src/bench/node/machine.ts";
import { formatMs, textTable } from "../src/format.ts";
import { race } from "./support/timing.ts";

const args = process.argv.slice(2);
const small = args.includes("--small");
const mib = parseSize(
  args.find((a) => !a.startsWith("--")),
  small ? 0.25 : 16,
);
const bytes = Math.round(mib * 1024 * 1024);
const rounds = small ? 3 : 5;

const m = machine();
console.log(`${m.runtime} · ${m.cpu} × ${m.cores} · ${m.date}`);
const k = await kernels();
// Pseudo-random bytes from the splitmix64 kernel, so every run hashes the same data.
const data = new Uint8Array(k.splitmix64(2026n, Math.ceil(bytes / 8)).buffer, 0, bytes);
const seed = 0x9e3779b97f4a7c15n;
console.log(`Hashing ${formatBytes(bytes)} (${rounds} interleaved rounds, medians; xxHash64 seed 0x${seed.toString(16)})\n`);

const contestants: [string, () => bigint][] = [
  ["FNV-1a 64, wasm", () => k.fnv1a64(data)],
  ["FNV-1a 64, TS bigint twin", () => twins.bigint.fnv1a64(data)],
  ["xxHash64, wasm", () => k.xxhash64(data, seed)],
  ["xxHash64, TS bigint twin", () => twins.bigint.xxhash64(data, seed)],
];
const { times, results } = race(contestants, rounds);

const rows = contestants.map(([name]) => {
  const ms = median(times[name]);
  return [name, `0x${results[name].toString(16).padStart(16, "0")}`, formatMs(ms), `${(bytes / 1e6 / (ms / 1000)).toFixed(0)} MB/s`];
});
console.log(textTable(["implementation", "hash", "median", "throughput"], rows, (i) => [2, 3].includes(i)));
const agree = results[contestants[0][0]] === results[contestants[1][0]] && results[contestants[2][0]] === results[contestants[3][0]];
console.log(`\nwasm and twin agree on both hashes: ${agree ? "yes" : "NO"}`);
console.log(
  `Published check: xxHash64("abc") = 0x${k.xxhash64("abc").toString(16)} (expected 0x44bc2cf5ad770999), FNV-1a 64("a") = 0x${k.fnv1a64("a").toString(16)} (expected 0xaf63dc4c8601ec8c)`,
);
if (!agree) process.exitCode = 1;

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) ? 2 : 0)} MiB` : `${(n / 1024).toFixed(0)} KiB`;
}

function parseSize(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text.replaceAll("_", ""));
  if (!Number.isFinite(value) || value <= 0 || value > 1024) {
    console.error(`Expected the size to be a number of MiB in (0, 1024], got ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return value;
}
