// Getting a compiled WebAssembly.Module from whatever the caller has, and instantiating hotpath's
// kernel modules with the imports they expect.
import { KernelError, WasmLoadError } from "./errors.ts";

export { compileWasm, type WasmSource } from "./wasm-bytes.ts";

/** Reads an AssemblyScript string (UTF-16, byte length stored just before it) from memory. @internal */
export function readAsString(memory: WebAssembly.Memory, ptr: number): string {
  if (!ptr) return "";
  const buffer = memory.buffer;
  const bytes = new Uint32Array(buffer, ptr - 4, 1)[0];
  const units = new Uint16Array(buffer.slice(ptr, ptr + bytes));
  return String.fromCharCode(...units);
}

/** The `env` imports every AssemblyScript module built with the stub runtime may ask for. @internal */
export function assemblyScriptImports(
  memory: () => WebAssembly.Memory | undefined,
  extra: Record<string, WebAssembly.ImportValue> = {},
): WebAssembly.Imports {
  return {
    env: {
      abort(messagePtr: number, filePtr: number, line: number, column: number): never {
        // During instantiation (a start function) the memory is not known yet, nor is the message.
        const mem = memory();
        const message = (mem && readAsString(mem, messagePtr)) || "abort";
        const file = mem ? readAsString(mem, filePtr) : "";
        throw new KernelError(`${message}${file ? ` (at ${file}:${line}:${column})` : ""}`, "abort");
      },
      trace(messagePtr: number, n: number, ...args: number[]): void {
        const mem = memory();
        console.log(`trace: ${mem ? readAsString(mem, messagePtr) : "?"}${n ? " " : ""}${args.slice(0, n).join(", ")}`);
      },
      seed(): number {
        return Date.now() * Math.random();
      },
      // A jit function's `throw` (or BigInt() of a number that is not an integer, `.set` out of bounds)
      // run by a worker, which has not the function's table of errors (src/jit/codegen/throw.ts): the
      // task fails with a KernelError; on the calling thread the same call throws the error itself.
      __hp_throw(...args: (number | bigint)[]): never {
        const site = args[args.length - 1];
        const values = args.slice(0, -1);
        throw new KernelError(
          `a jit function threw (a \`throw\` statement, or a JavaScript error such as BigInt() of a fraction; site ${site}${values.length ? `, values ${values.join(", ")}` : ""}): call it on this thread for the error itself`,
          "throw",
        );
      },
      ...extra,
    },
    // jit modules import the host's own Math functions (Math.sin, …): see src/jit/runtime/host.ts.
    Math: Math as unknown as WebAssembly.ModuleImports,
  };
}

/** Throws a WasmLoadError naming every export in `names` that `module` lacks (before instantiating it). @internal */
export function requireExports(module: WebAssembly.Module, names: readonly string[], what: string): void {
  const have = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  const missing = names.filter((name) => !have.has(name));
  if (missing.length)
    throw new WasmLoadError(
      `${what} lacks the export${missing.length > 1 ? "s" : ""} ${missing.map((m) => `\`${m}\``).join(", ")}: is it the right .wasm, built from the current sources?`,
    );
}
