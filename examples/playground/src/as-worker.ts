// The AssemblyScript compiler, in a worker of its own, loaded on the first use of the AssemblyScript
// tab (asc with binaryen is ≈13.6 MB, ≈2.9 MB gzipped: never part of the page's first load). It
// compiles with the flags of `hotpath compile`'s release build and returns the binary, the WAT and
// the function's boundary; the race worker then runs that binary under compare().
import type { AscReply, AscRequest } from "./as-protocol.ts";
import { asFunctionSpec, SignatureError } from "./as-signature.ts";

/** The export hotpath's kernel runtime reads to know where free memory starts (as `hotpath compile` adds it). */
const HEAP_SOURCE = "export function __hotpath_heap_base(): usize { return __heap_base; }\n";
type Asc = {
  compileString(
    sources: Record<string, string>,
    options: Record<string, unknown>,
  ): Promise<{ binary?: Uint8Array; text?: string; error?: Error | null; stderr: { toString(): string } }>;
};
let asc: Promise<Asc> | undefined;

addEventListener("message", (event: MessageEvent<AscRequest>) => {
  void (async () => {
    const { id, code, preferred } = event.data;
    const reply = (message: AscReply) =>
      (postMessage as (message: unknown, transfer: Transferable[]) => void)(
        message,
        message.type === "compiled" ? [message.binary.buffer as ArrayBuffer] : [],
      );
    try {
      const loading = !asc;
      const t0 = performance.now();
      const compiler = await (asc ??= import("assemblyscript/asc") as unknown as Promise<Asc>);
      const loadMs = loading ? performance.now() - t0 : 0;
      const spec = asFunctionSpec(code, preferred);
      const t1 = performance.now();
      const out = await compiler.compileString(
        { "input.ts": code, "__hotpath_heap.ts": HEAP_SOURCE },
        {
          optimizeLevel: 3,
          shrinkLevel: 0,
          runtime: "stub",
          enable: ["simd", "bulk-memory", "sign-extension", "nontrapping-f2i"],
          noColors: true,
        },
      );
      const compileMs = performance.now() - t1;
      if (out.error || !out.binary) {
        const report = out.stderr.toString();
        const at = /in input\.ts\((\d+),(\d+)\)/.exec(report);
        const first = /(?:ERROR|error) (TS\d+|AS\d+)?:?\s*([^\n]*)/.exec(report);
        reply({
          type: "error",
          id,
          name: "asc",
          message: `${first ? first[2] : (out.error?.message ?? "compile failed")}\n\n${report.trim()}`,
          ...(at ? { line: Number(at[1]), column: Number(at[2]) } : {}),
        });
        return;
      }
      reply({ type: "compiled", id, binary: out.binary, wat: out.text ?? "", spec, loadMs, compileMs });
    } catch (e) {
      const error = e as Error & { line?: number; column?: number };
      reply({
        type: "error",
        id,
        name: error?.name ?? "Error",
        message: error?.message ?? String(e),
        ...(e instanceof SignatureError ? { line: error.line, column: error.column } : {}),
      });
    }
  })();
});
