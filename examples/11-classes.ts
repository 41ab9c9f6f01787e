// Chapter "Boost.Python": a compiled class used as a native class. Accumulator and Point2D are
// AssemblyScript classes (assembly/classes.ts, garbage-collected runtime) bound as TypeScript classes;
// as in the tutorial, a TS subclass adds help() and a friendlier toString. Objects live in the
// module's heap: a wrapper pins its object while JS holds it and unpins it on dispose() (or at the end
// of a `using` block). Run: npx tsx examples/11-classes.ts
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { DisposedError, WasmObject, gcRuntime, loadClasses } from "../src/classes/index.ts";
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
  `\n${rounds * 1000} accumulators created and disposed: memory ${sizes[0] / 1024} KiB after the first 1000, ${sizes.at(-1) / 1024} KiB at the end; ${runtime.pinned} still pinned`,
);

// Your own class, bound the same way (the pattern documented in src/classes/classes.ts): AssemblyScript
// exports free functions over the object, the module keeps its GC runtime (--exportRuntime), and a
// TS class extends WasmObject. The source is written out and compiled by the asc CLI, as you would.
const source = `
  class Counter { count: i32 = 0; constructor(public step: i32) {} }
  export function counterNew(step: i32): Counter { return new Counter(step); }
  export function counterInc(self: Counter): i32 { self.count += self.step; return self.count; }
`;
const dir = await mkdtemp(join(tmpdir(), "hotpath-counter-"));
await writeFile(join(dir, "counter.ts"), source);
const ascCli = createRequire(import.meta.url).resolve("assemblyscript/bin/asc.js");
const ascArgs = ["counter.ts", "-O3", "--runtime", "incremental", "--exportRuntime", "--outFile", "counter.wasm"];
await promisify(execFile)(process.execPath, [ascCli, ...ascArgs], { cwd: dir });
console.log(`\nasc ${ascArgs.join(" ")}`);
let memory: WebAssembly.Memory;
const instance = new WebAssembly.Instance(
  new WebAssembly.Module(await readFile(join(dir, "counter.wasm"))),
  assemblyScriptImports(() => memory),
);
await rm(dir, { recursive: true, force: true });
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
    return raw.counterInc(WasmObject.ptrOf(this, Counter));
  }
}

{
  using counter = new Counter(10);
  counter.inc();
  console.log(`\nyour own class: new Counter(10), inc() twice → ${counter.inc()}`);
}
