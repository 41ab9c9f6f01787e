// Starts a race in a fresh worker (race-worker.ts) and ends it when the AbortSignal fires: the worker
// is terminated, which stops the plain function mid-call and the pool's workers with it.
import type { RuntimeResult } from "hotpath/bench";
import type { RaceMessage, RaceRequest } from "./race-protocol.ts";

export interface RaceOutcome {
  result: RuntimeResult;
  signature: string;
  range: boolean;
}

/** A race that failed: the worker's error, with the line and column when the code is at fault. */
export class RaceError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = "RaceError";
  }
}

export function runRace(
  request: RaceRequest,
  signal: AbortSignal,
  onProgress: (fraction: number, phase: string, impl?: string) => void,
): Promise<RaceOutcome> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const worker = new Worker(new URL("./race-worker.ts", import.meta.url), { type: "module", name: "hotpath-race" });
    const finish = () => {
      signal.removeEventListener("abort", abort);
      worker.terminate();
    };
    const abort = () => {
      finish();
      reject(signal.reason);
    };
    signal.addEventListener("abort", abort, { once: true });
    worker.addEventListener("message", (event: MessageEvent<RaceMessage>) => {
      const m = event.data;
      if (m.type === "progress") return onProgress(m.fraction, m.phase, m.impl);
      finish();
      if (m.type === "result") resolve({ result: m.result, signature: m.signature, range: m.range });
      else reject(new RaceError(m.name, m.message, m.line, m.column));
    });
    worker.addEventListener("error", (event) => {
      finish();
      reject(new RaceError("Error", event.message || "the race worker failed to start"));
    });
    worker.postMessage(request);
  });
}
