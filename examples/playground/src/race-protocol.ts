// The messages between the page and the race worker (race-worker.ts), and the labels both show.
import type { RuntimeResult } from "hotpath/bench";
import type { AscKernel } from "./as-protocol.ts";

export interface RaceRequest {
  code: string;
  args: string;
  half: string;
  /** Pool rows on 1..workers workers for a range function; 0 for none. */
  workers: number;
  combine: "auto" | "wrapAdd" | "add" | "min" | "max";
  preset: "quick" | "full";
  /** Race this AssemblyScript function (compiled by asc in the page) instead of jit's. */
  kernel?: AscKernel;
}

export type RaceMessage =
  | { type: "progress"; fraction: number; phase: string; impl?: string }
  | { type: "result"; result: RuntimeResult; signature: string; range: boolean }
  | { type: "error"; name: string; message: string; line?: number; column?: number };

/** Which compiler made the wasm side of a race. */
export type Engine = "jit" | "as";

/** What the page calls each implementation compare() measures ("ts", "wasm", "pool-shared-2" …). */
export function implLabel(id: string, engine: Engine = "jit"): string {
  if (id === "ts") return "plain JS";
  if (id === "wasm") return engine === "as" ? "AssemblyScript" : "jit";
  const m = /^pool-(shared|message)-(\d+)$/.exec(id);
  if (m) return `pool, ${m[2]} worker${m[2] === "1" ? "" : "s"}, ${m[1] === "shared" ? "shared memory" : "messages"}`;
  return id;
}

/** A range function as compare() and pool.reduceRange see it: (lo, hi) of one integer type, a result. */
export function isRangeSignature(signature: string): boolean {
  const m = /^(\w+)\((\w+), (\w+)\)$/.exec(signature);
  return !!m && m[2] === m[3] && ["u64", "i64", "u32", "i32"].includes(m[2]) && m[1] !== "void";
}
