// Chapter "Boost.Python": a compiled class used as a native class. Accumulator and Point2D are
// AssemblyScript classes (assembly/classes.ts, garbage-collected runtime) bound as TypeScript classes;
// as in the tutorial, a TS subclass adds help() and a friendlier toString. Objects live in the
// module's heap: a wrapper pins its object while JS holds it and unpins it on dispose() (or at the end
// of a `using` block). Run: npx tsx examples/11-classes.ts
import asc from "assemblyscript/asc";
import { DisposedError, WasmObject, gcRuntime, loadClasses } from "../src/classes.ts";
import { assemblyScriptImports } from "../src/load.ts";

const small = process.argv.includes("--small");
const { Accumulator: CoreAccumulator, Point2D, addPoints, runtime } = await loadClasses();

const core = new CoreAccumulator();
console.log(`acc.total = ${core.total}`);
core.add(5);
console.log(`acc.add(5); acc.total = ${core.total}`);
core.dispose();

/** The tutorial's wrapper: the critical path stays compiled, the conveniences are TypeScript. */
class Accumulator extends CoreAccumulator {
  help(): string {
    return "Use this class to accumulate numbers.";
  }
  override toString(): string {
    return `Accumulator: total = ${this.total}`;
  }
}

{
  using acc = new Accumulator();
  acc.add(5);
  console.log(acc.help());
  console.log(String(acc));
} // unpinned here: Symbol.dispose

const a = new Point2D(1, 2);
const b = new Point2D(3, 4);
const sum = addPoints(a, b);
console.log(`addPoints(Point2D(1, 2), Point2D(3, 4)) = ${sum}  →  (x, y) = (${sum.x}, ${sum.y})`);
for (const p of [a, b, sum]) p.dispose();

try {
  sum.x;
} catch (error) {
  if (!(error instanceof DisposedError)) throw error;
  console.log(`after dispose(): ${error.name}: ${error.message}`);
}

// Objects created and disposed in a loop: the module's memory settles and stays put.
const rounds = small ? 20 : 200;
const sizes: number[] = [];
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < 1000; i++) {
    using acc = new Accumulator();
    acc.add(i);
  }
  runtime.collect();
  sizes.push(runtime.memoryBytes());
}
console.log(
  `\n${rounds * 1000} accumulators created and disposed: memory ${sizes[0] / 1024} KiB after the first 1000, ${sizes.at(-1)! / 1024} KiB at the end; ${runtime.pinned} still pinned`,
);

// Your own class, bound the same way (the pattern documented in src/classes.ts): AssemblyScript
// exports free functions over the object, the module keeps its GC runtime (--exportRuntime), and a
// TS class extends WasmObject. Compiled here at run time so the example stays one file.
const source = `
  class Counter { count: i32 = 0; constructor(public step: i32) {} }
  export function counterNew(step: i32): Counter { return new Counter(step); }
  export function counterInc(self: Counter): i32 { self.count += self.step; return self.count; }
`;
const { binary, stderr } = await asc.compileString(source, {
  optimizeLevel: 3,
  runtime: "incremental",
  // Missing from asc's CompilerOptions type, honoured by the compiler: exports __pin, __unpin, __collect.
  exportRuntime: true,
} as Parameters<typeof asc.compileString>[1]);
if (!binary) throw new Error(`asc failed: ${stderr}`);
let memory: WebAssembly.Memory;
const instance = new WebAssembly.Instance(
  new WebAssembly.Module(binary as Uint8Array<ArrayBuffer>),
  assemblyScriptImports(() => memory),
);
const raw = instance.exports as unknown as {
  memory: WebAssembly.Memory;
  counterNew(step: number): number;
  counterInc(self: number): number;
};
memory = raw.memory;
const rt = gcRuntime(instance);

class Counter extends WasmObject {
  constructor(step: number) {
    super(rt, raw.counterNew(step));
  }
  inc(): number {
    return raw.counterInc(this.ptr);
  }
}

{
  using counter = new Counter(10);
  counter.inc();
  console.log(`\nyour own class: new Counter(10), inc() twice → ${counter.inc()}`);
}
