// A jit specialization as the kernel contract describes kernels (src/kernels/contract.ts), so the pool
// and compare() take a jitted function directly: its FunctionSpec (parameter names from the source,
// types from the specialization), its module with its own memory (exported; 0 pages for a function
// without arrays), and, where jit's memory is shared, the same code importing a shared `env.memory`
// (the pool's shared mode runs it in the pool's memory, so `pool.alloc` arrays are not copied).
// Both import the host's `Math`. Arrays are `inout` when the module stores into memory.
import type { FunctionSpec, KernelRef, ParamSpec, ResultType as KernelResult, ValueType as KernelValue } from "../../kernels/contract.ts";
import { ELEMENTS, elementOf, isArray, isClass, isRecord, typeName, type ResultType, type ValueType } from "../analysis/types.ts";
import { allocates } from "./host.ts";

export interface RefSource {
  readonly module: WebAssembly.Module;
  /** The module importing `env.memory` (shared when `shared`). */
  readonly arenaModule: WebAssembly.Module;
  /** The module's bytes (for engines that ship it elsewhere: hotpath/cluster). */
  readonly bytes: Uint8Array;
  readonly exportName: string;
  readonly params: readonly ValueType[];
  readonly result: ResultType;
  /** The array parameters it stores into, or "all". */
  readonly written: readonly number[] | "all";
}

/** The element types of the kernel contract's buffers (src/kernels/contract.ts BufferType). */
const CONTRACT_ELEMENTS: ReadonlySet<string> = new Set(["u8", "i32", "u32", "f32", "f64", "i64", "u64"]);

/** The KernelRef of one compiled specialization; `names` are the function's parameter names. */
export function kernelRefFor(fnName: string, spec: RefSource, names: readonly string[], shared: boolean): KernelRef {
  const refused = (why: string) =>
    new TypeError(
      `jit(${fnName || "anonymous"}) ${typeName(spec.result)}(${spec.params.map(typeName).join(", ")}) cannot be a kernel for the pool or compare(): ${why}`,
    );
  // Its blocks come from jit's memory on this thread (runtime/memory.ts callAlloc): a worker has none to give.
  if (allocates(spec.arenaModule))
    throw refused("it makes typed arrays (`new Float64Array(n)`), which runs on this thread only: pass the arrays in instead");
  if (isRecord(spec.result))
    throw refused(
      `it returns ${spec.result.array ? "an array" : "an object"} of several values (${typeName(spec.result)}), and the kernel contract returns one scalar: return one value, or write them into an array parameter`,
    );
  if (isArray(spec.result))
    throw refused("it returns an array (the kernel contract returns scalars): write into an array parameter instead");
  const crossing = (t: ResultType) => {
    if (isClass(t)) throw refused(`jitClass values (${t.name}) do not cross the kernel contract (scalars and typed arrays do)`);
    if (isArray(t) && !CONTRACT_ELEMENTS.has(elementOf(t)))
      throw refused(
        `${ELEMENTS[elementOf(t)].array.name} arrays do not cross the kernel contract (its buffers are u8, i32, u32, f32, f64, i64, u64)`,
      );
    return t;
  };
  const params: ParamSpec[] = spec.params.map((t, i) => {
    const type = crossing(t) as KernelValue;
    return {
      name: names[i] || `arg${i}`,
      type,
      ...(type.endsWith("[]") && (spec.written === "all" || spec.written.includes(i)) ? { inout: true } : {}),
    };
  });
  const fnSpec: FunctionSpec = { name: spec.exportName, params, result: crossing(spec.result) as KernelResult };
  return {
    spec: fnSpec,
    module: () => Promise.resolve(spec.module),
    ...(shared ? { threads: () => Promise.resolve(spec.arenaModule) } : {}),
    bytes: () => Promise.resolve(spec.bytes.slice()),
  };
}
