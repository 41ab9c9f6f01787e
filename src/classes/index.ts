// hotpath/classes: AssemblyScript classes as TypeScript classes, with explicit lifetimes. Everywhere.
export { loadClasses, gcRuntime, GcRuntime, WasmObject, DisposedError } from "./classes.ts";
export type { Accumulator, Point2D, ClassesModule, GcExports } from "./classes.ts";
