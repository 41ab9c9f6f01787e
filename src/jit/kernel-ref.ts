// A jit specialization as the kernel contract describes kernels (src/kernels/contract.ts), so the pool
// and compare() take a jitted function directly: its FunctionSpec (parameter names from the source,
// types from the specialization) and its module, which imports nothing and exports `memory` (0 pages
// for a function without arrays). Arrays are `inout` when the module stores into memory.
import type { FunctionSpec, KernelRef, ParamSpec, ResultType as KernelResult, ValueType as KernelValue } from "../kernels/contract.ts";
import { isClass, typeName, type ResultType, type ValueType } from "./types.ts";

export interface RefSource {
  readonly module: WebAssembly.Module;
  /** The module's bytes (for engines that ship it elsewhere: hotpath/cluster). */
  readonly bytes: Uint8Array;
  readonly exportName: string;
  readonly params: readonly ValueType[];
  readonly result: ResultType;
  readonly writesMemory: boolean;
}

/** The KernelRef of one compiled specialization; `names` are the function's parameter names. */
export function kernelRefFor(fnName: string, spec: RefSource, names: readonly string[]): KernelRef {
  const crossing = (t: ResultType) => {
    if (isClass(t))
      throw new TypeError(
        `jit(${fnName || "anonymous"}) ${typeName(spec.result)}(${spec.params.map(typeName).join(", ")}) cannot be a kernel for the pool or compare(): ` +
          `jitClass values (${t.name}) do not cross the kernel contract (scalars and typed arrays do)`,
      );
    return t;
  };
  const params: ParamSpec[] = spec.params.map((t, i) => {
    const type = crossing(t) as KernelValue;
    return { name: names[i] || `arg${i}`, type, ...(type.endsWith("[]") && spec.writesMemory ? { inout: true } : {}) };
  });
  const fnSpec: FunctionSpec = { name: spec.exportName, params, result: crossing(spec.result) as KernelResult };
  const module = Promise.resolve(spec.module);
  return { spec: fnSpec, module: () => module, bytes: () => Promise.resolve(spec.bytes.slice()) };
}
