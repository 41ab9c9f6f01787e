// Native C as an implementation: the gcc-built driver (bench/c/native.c) runs as a child process
// that builds its own input, times `reps` calls with CLOCK_MONOTONIC and answers one line per request.
// Node, Deno and Bun (node:child_process); the Node runner adds it to the built-in cases.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import type { Implementation } from "../types.ts";
import { GCC_FLAGS, GCC_VECTOR_FLAGS } from "./cbuild.ts";

/** Case ids the native driver knows. */
export const NATIVE_CASES = ["sum", "sum-past-2^53", "fnv1a64", "mandelbrot", "collatz", "dot", "primes", "matmul"] as const;

/** The case the vectorised driver (GCC_VECTOR_FLAGS) runs: the SIMD wasm sum's reference. */
export const NATIVE_VECTOR_CASES = ["sum"] as const;

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
