// The messages between the page and the AssemblyScript compiler's worker (as-worker.ts).
import type { FunctionSpec } from "hotpath/kernel";

export interface AscRequest {
  id: number;
  code: string;
  /** The function to race when the file exports several: the plain function's name. */
  preferred?: string;
}

export type AscReply =
  | { type: "compiled"; id: number; binary: Uint8Array; wat: string; spec: FunctionSpec; loadMs: number; compileMs: number }
  | { type: "error"; id: number; name: string; message: string; line?: number; column?: number };

/** A compiled AssemblyScript function, as the race worker takes it. */
export interface AscKernel {
  binary: Uint8Array;
  spec: FunctionSpec;
}
