// hotpath/compile: AssemblyScript kernel files compiled into typed ES modules (what `hotpath compile`
// and the esbuild and Vite plugins use). Node only; the generated modules themselves run everywhere
// through hotpath/kernel.
export { compileKernel, loadAsc, kernelName, formatDiagnostic, CompileError, RELEASE_FLAGS, THREADS_FLAGS, GC_FLAGS } from "./compiler.ts";
export type { CompileOptions, CompiledKernel, Diagnostic } from "./compiler.ts";
export { writeKernel, compileKernelTo, watchKernel } from "./output.ts";
export type { WatchEvents } from "./output.ts";
export type { ModuleShape, FunctionShape, ClassShape, GlobalShape, TypeShape } from "../kernels/shape.ts";
