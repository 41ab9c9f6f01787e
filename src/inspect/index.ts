// hotpath/inspect: a kernel's WebAssembly text beside its TS twin's V8 bytecode, the disassembly of any
// `.wasm` function, and WAT assembled by wabt. Node, Deno and Bun (wabt is loaded on first use).
export { inspectFunction, inspectKernel, formatListing, disassemble } from "./inspect.ts";
export type { FunctionListing, LoopInfo } from "./inspect.ts";
export { assembleWat } from "../wat/wabt.ts";
