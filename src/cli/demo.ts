// `hotpath demo`: the first experiment. Add the first n integers with the plain-TS twins
// (number, bigint), with the wasm kernel, and with the wasm kernel on a worker pool; time each honestly
// (warm-up, interleaved rounds, medians; the wasm kernel's cold first call apart) and check every result
// against the closed form.
import { parseArgs } from "node:util";
import { kernels } from "../kernels/kernels.ts";
import { createPool } from "../pool/pool.ts";
import { machine, median } from "../bench/node/machine.ts";
import { formatMs, textTable } from "../format.ts";
import * as bigintTwin from "../twins/bigint.ts";
import * as numberTwin from "../twins/number.ts";
import { toU64 } from "../validate.ts";

const HELP = `Usage: hotpath demo [options]

Adds 0 + 1 + … + (n − 1) five ways: the TS number twin, the TS bigint twin, the wasm kernel on this
thread (the scalar loop, and the same loop with i64x2 SIMD), and the wasm kernel on a pool of workers
(ranges summed apart, combined modulo 2^64).

Options:
  --n <int>        how many integers (default 100000000; 1e8, 2e8 and 100_000_000 are accepted)
  --runs <int>     timed rounds (default 5); the bigint twin runs at most --bigint-runs of them
  --bigint-runs <int>  rounds for the slow bigint twin (default 3; 0 skips it)
  --workers <int>  workers in the pool (default: the cores the platform reports; 0 skips the pool)
  --json           print the results as JSON instead of a table
  -h, --help       show this help`;

interface Row {
  name: string;
  result: string;
  correct: boolean;
  timesMs: number[];
  medianMs: number;
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      n: { type: "string", default: "100000000" },
      runs: { type: "string", default: "5" },
      "bigint-runs": { type: "string", default: "3" },
      workers: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const n = toU64(parseCount(values.n, "--n"), "--n");
  const runs = Number(parseCount(values.runs, "--runs"));
  const bigintRuns = Math.min(runs, Number(parseCount(values["bigint-runs"], "--bigint-runs")));
  const workers = values.workers === undefined ? undefined : Number(parseCount(values.workers, "--workers"));
  if (runs < 1) throw new RangeError("Expected `--runs` to be at least 1, got " + runs);
  if (n > BigInt(Number.MAX_SAFE_INTEGER))
    throw new RangeError("Expected `--n` to be at most 2^53 − 1 so the number twin can take it, got " + n);
  const nNumber = Number(n);
  const exact = BigInt.asUintN(64, (n * (n - (n > 0n ? 1n : 0n))) / 2n);
  const progress = makeProgress(!values.json);

  progress(`loading kernels`);
  const k = await kernels({ warmUp: false });
  const coldStart = performance.now();
  const coldResult = k.sumIntegers(n);
  const coldMs = performance.now() - coldStart;
  k.warmUp();
  for (let i = 0; i < 200; i++) numberTwin.sumIntegers(1000);
  for (let i = 0; i < 20; i++) bigintTwin.sumIntegers(1000n);
  if (workers !== 0) progress("starting the worker pool");
  await using pool = workers === 0 ? undefined : await createPool(workers === undefined ? {} : { workers });
  // The pool's first call also pays for its first messages: one untimed call.
  await pool?.sumIntegers(n < 10_000_000n ? n : 10_000_000n);
  const poolName = pool ? `wasm pool, ${pool.size} worker${pool.size > 1 ? "s" : ""}` : "";

  const impls: { name: string; run: () => bigint | Promise<bigint>; rounds: number }[] = [
    { name: "TS number twin", run: () => BigInt(numberTwin.sumIntegers(nNumber)), rounds: runs },
    { name: "TS bigint twin", run: () => bigintTwin.sumIntegers(n), rounds: bigintRuns },
    { name: "wasm sumIntegers", run: () => k.sumIntegers(n), rounds: runs },
    { name: "wasm SIMD (i64x2)", run: () => k.sumRangeSimd(0n, n), rounds: runs },
    ...(pool ? [{ name: poolName, run: () => pool.sumIntegers(n), rounds: runs }] : []),
  ];
  const rows: Row[] = impls
    .filter((i) => i.rounds > 0)
    .map((i) => ({ name: i.name, result: "", correct: false, timesMs: [], medianMs: NaN }));
  const active = impls.filter((i) => i.rounds > 0);
  for (let round = 0; round < runs; round++) {
    // Rotate the order every round so that drift (thermal, GC, other load) hits each one alike.
    for (let j = 0; j < active.length; j++) {
      const idx = (j + round) % active.length;
      const impl = active[idx];
      if (rows[idx].timesMs.length >= impl.rounds) continue;
      progress(`round ${round + 1}/${runs}: ${impl.name}`);
      const t0 = performance.now();
      const value = await impl.run();
      rows[idx].timesMs.push(performance.now() - t0);
      rows[idx].result = String(value);
      rows[idx].correct = value === exact;
    }
  }
  progress("");
  for (const row of rows) row.medianMs = median(row.timesMs);
  const byName = (name: string) => rows.find((r) => r.name === name);
  const numberRow = byName("TS number twin");
  const bigintRow = byName("TS bigint twin");
  const wasmRow = byName("wasm sumIntegers")!;
  const poolRow = byName(poolName);
  const scaling =
    pool && poolRow
      ? { workers: pool.size, mode: pool.mode, modeReason: pool.modeReason, speedup: wasmRow.medianMs / poolRow.medianMs }
      : undefined;
  const info = machine();

  if (values.json) {
    console.log(
      JSON.stringify(
        { n: String(n), exact: String(exact), machine: info, cold: { ms: coldMs, correct: coldResult === exact }, rows, pool: scaling },
        null,
        2,
      ),
    );
    return rows.every((r) => r.correct || r.name === "TS number twin") ? 0 : 1;
  }

  console.log(`Sum of the first ${n.toLocaleString("en-US")} integers (the tutorial's f(n)); exact answer ${exact}`);
  console.log(`${info.runtime} · ${info.os} · ${info.cpu} × ${info.cores} · ${info.date}\n`);
  const ratio = (base: Row | undefined, row: Row) =>
    base && base.correct && row.correct ? `${(base.medianMs / row.medianMs).toFixed(base.medianMs / row.medianMs >= 10 ? 0 : 2)}×` : "–";
  console.log(
    textTable(
      ["implementation", "result", "correct", "median", "min", "max", "runs", "vs number", "vs bigint"],
      [
        ...rows.map((r) => [
          r.name,
          r.result,
          r.correct ? "yes" : "NO",
          formatMs(r.medianMs),
          formatMs(Math.min(...r.timesMs)),
          formatMs(Math.max(...r.timesMs)),
          String(r.timesMs.length),
          ratio(numberRow, r),
          ratio(bigintRow, r),
        ]),
        ["wasm, first call (cold)", String(coldResult), coldResult === exact ? "yes" : "NO", formatMs(coldMs), "", "", "1", "", ""],
      ],
      (i) => [3, 4, 5, 6, 7, 8].includes(i),
    ),
  );
  if (scaling)
    console.log(
      `\nPool: ${poolName.replace("wasm pool, ", "")} (${scaling.modeReason}): ` +
        `${scaling.speedup.toFixed(2)}× over one wasm thread, scaling efficiency ${Math.round((100 * scaling.speedup) / scaling.workers)}%.`,
    );
  if (numberRow && !numberRow.correct)
    console.log(
      `\nThe number twin is wrong: the sum passed 2^53 = 9007199254740992, where doubles stop counting by ones. Its speed is not compared.`,
    );
  console.log(
    `\nMedians of interleaved rounds after warm-up; "cold" is the wasm kernel's first call, run by V8's baseline tier (Liftoff).`,
  );
  return rows.every((r) => r.correct || r === numberRow) ? 0 : 1;
}

function parseCount(text: string, name: string): bigint {
  const clean = text.replaceAll("_", "");
  if (/^\d+$/.test(clean)) return BigInt(clean);
  const m = /^(\d+(?:\.\d+)?)e(\d+)$/i.exec(clean);
  if (m) {
    const value = Number(clean);
    if (Number.isSafeInteger(value)) return BigInt(value);
  }
  throw new RangeError(`Expected \`${name}\` to be a non-negative integer such as 100000000 or 1e8, got "${text}"`);
}

function makeProgress(enabled: boolean): (text: string) => void {
  const tty = enabled && process.stderr.isTTY;
  return (text) => {
    if (!enabled) return;
    if (tty) process.stderr.write(`\r\x1b[2K${text ? `… ${text}` : ""}`);
    else if (text) process.stderr.write(`… ${text}\n`);
  };
}
