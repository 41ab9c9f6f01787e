// The page's side of the AssemblyScript compiler: one worker (as-worker.ts), started on first use and
// kept, so asc is loaded once; each compile is a request answered by id.
import type { AscReply } from "./as-protocol.ts";

export type AscResult = Extract<AscReply, { type: "compiled" }>;

/** An AssemblyScript compile error, located when asc or the signature reader said where. */
export class AscError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = "AscError";
  }
}

let worker: Worker | undefined;
let next = 0;
const waiting = new Map<number, { resolve: (r: AscResult) => void; reject: (e: Error) => void }>();

export function compileAssemblyScript(code: string, preferred?: string): Promise<AscResult> {
  if (!worker) {
    worker = new Worker(new URL("./as-worker.ts", import.meta.url), { type: "module", name: "hotpath-asc" });
    worker.addEventListener("message", (event: MessageEvent<AscReply>) => {
      const m = event.data;
      const w = waiting.get(m.id);
      waiting.delete(m.id);
      if (m.type === "compiled") w?.resolve(m);
      else w?.reject(new AscError(m.name, m.message, m.line, m.column));
    });
    worker.addEventListener("error", (event) => {
      for (const w of waiting.values()) w.reject(new AscError("Error", event.message || "the AssemblyScript compiler failed to load"));
      waiting.clear();
      worker = undefined;
    });
  }
  const id = ++next;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    worker!.postMessage({ id, code, preferred });
  });
}
