// Native C as an implementation: the gcc-built driver (bench/c/native.c) runs as a child process
// that builds its own input, times `reps` calls with CLOCK_MONOTONIC and answers one line per request.
// Node, Deno and Bun (node:child_process); the Node runner adds it to the built-in cases.
import { execFile, spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import type { Implementation, SkippedImplementation } from "../types.ts";
import { GCC_FLAGS, GCC_VECTOR_FLAGS } from "./cbuild.ts";

/** Case ids the native driver knows. */
export const NATIVE_CASES = [
  "sum",
  "sum-past-2^53",
  "fnv1a64",
  "xxhash64",
  "mandelbrot",
  "collatz",
  "dot",
  "primes",
  "primes-pi",
  "primes-1e12",
  "matmul",
] as const;

/** The cases the -O3 driver (GCC_VECTOR_FLAGS) runs: the SIMD wasm sum's reference, and the native anchors of the sieve and of XXH64. */
export const NATIVE_VECTOR_CASES = ["sum", "xxhash64", "primes-pi", "primes-1e12"] as const;

/** The cases the system's primesieve (Kim Walisch's, the fastest known sieve) runs as a peer, with the range of each size. */
export const PRIMESIEVE_CASES: Record<string, (size: number) => [lo: bigint, hi: bigint]> = {
  "primes-pi": (size) => [0n, BigInt(size)],
  "primes-1e12": (size) => [10n ** 12n, 10n ** 12n + BigInt(size)],
};

/**
 * `primesieve lo hi-1 -t<threads> -c --time -q` as an implementation: its own "Seconds" (process start
 * excluded), its count as the value. Skipped where primesieve is not installed (Debian: apt-get install primesieve).
 */
export function primesieveImplementation(caseId: string, threads = 1): Implementation<unknown, number> | SkippedImplementation {
  const name = { id: `primesieve-t${threads}`, label: `primesieve (system, -t${threads})`, kind: "other" as const };
  const found = spawnSync("sh", ["-c", "command -v primesieve"], { encoding: "utf8" }).stdout.trim();
  if (!found) return { ...name, skipped: "primesieve is not installed (apt-get install -y primesieve)" };
  const version = spawnSync(found, ["--version"], { encoding: "utf8" }).stdout.trim().split("\n")[0];
  return {
    ...name,
    label: `${version || "primesieve"} (-t${threads})`,
    selfTimed: true,
    prepare: (_input, size) => size,
    async run(size, reps) {
      const [lo, hi] = PRIMESIEVE_CASES[caseId]!(size);
      let total = 0;
      let value = "";
      for (let r = 0; r < reps; r++) {
        const out = await new Promise<string>((resolve, reject) =>
          execFile(found, [String(lo), String(hi - 1n), `-t${threads}`, "-c", "--time", "-q"], (error, stdout) =>
            error ? reject(error as Error) : resolve(stdout),
          ),
        );
        const seconds = /Seconds: ([\d.]+)/.exec(out);
        if (!seconds) throw new Error(`primesieve printed no time: ${out}`);
        total += Number(seconds[1]) * 1000;
        value =
          out
            .split("\n")
            .find((line) => /^\d+$/.test(line.trim()))
            ?.trim() ?? "";
      }
      return { value, ms: total / reps };
    },
  };
}

/**
 * An implementation of `caseId` by the native driver at `binary` (one process per case, ended by
 * dispose); `vector`: the driver built with GCC_VECTOR_FLAGS.
 */
export function nativeImplementation(binary: string, caseId: string, vector = false): Implementation<unknown, number> {
  let child: ChildProcessWithoutNullStreams | undefined;
  let waiting: Array<{ resolve(line: string): void; reject(error: Error): void }> = [];
  const start = () => {
    const c = spawn(binary, [], { stdio: ["pipe", "pipe", "pipe"] });
    createInterface({ input: c.stdout }).on("line", (line) => waiting.shift()?.resolve(line));
    c.on("exit", (code, signal) => {
      for (const w of waiting) w.reject(new Error(`the native driver exited (${signal ?? code}) during a request`));
      waiting = [];
      child = undefined;
    });
    c.on("error", (error) => {
      for (const w of waiting) w.reject(error);
      waiting = [];
    });
    return c;
  };
  return {
    id: vector ? "c-native-vector" : "c-native",
    label: vector ? `C native (gcc ${GCC_VECTOR_FLAGS.slice(0, 2).join(" ")}, vectorised)` : `C native (gcc ${GCC_FLAGS[0]})`,
    kind: "c-native",
    selfTimed: true,
    // The C sieve is odd-only with every base prime visited per 64 KiB segment: at 10^12 it needs ≈20 s per 10^9.
    ...(caseId === "primes-1e12" ? { maxSize: 1e9 } : {}),
    prepare: (_input, size) => size,
    async run(size, reps) {
      child ??= start();
      const line = await new Promise<string>((resolve, reject) => {
        waiting.push({ resolve, reject });
        child!.stdin.write(`${caseId} ${size} ${reps}\n`);
      });
      if (line.startsWith("error")) throw new Error(`native driver: ${line.slice(6)}`);
      const [value, ms] = line.split(" ");
      return { value, ms: Number(ms) };
    },
    dispose() {
      child?.stdin.end();
      child?.kill();
      child = undefined;
    },
  };
}
