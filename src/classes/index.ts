// hotpath/classes: AssemblyScript classes as TypeScript classes, with explicit lifetimes. Everywhere.
export { gcRuntime, GcRuntime, WasmObject, DisposedError } from "./classes.ts";
export type { GcExports } from "./classes.ts";
export { loadClasses } from "./built-in.ts";
export type { Accumulator, Point2D, ClassesModule } from "./built-in.ts";
