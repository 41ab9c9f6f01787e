// The documented pattern for binding your own AssemblyScript class: free functions over the object,
// a GC runtime with --exportRuntime, a TS class extending WasmObject, adopt() for returned objects.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { DisposedError, WasmObject, gcRuntime, type GcRuntime } from "../src/classes/classes.ts";
import { assemblyScriptImports } from "../src/load.ts";

const SOURCE = `
class Counter {
  count: i32 = 0;
  constructor(public step: i32) {}
}
export function counterNew(step: i32): Counter { return new Counter(step); }
export function counterInc(self: Counter): i32 { self.count += self.step; return self.count; }
export function counterFork(self: Counter): Counter { const c = new Counter(self.step * 2); c.count = self.count; return c; }
`;

interface CounterExports {
  memory: WebAssembly.Memory;
  counterNew(step: number): number;
  counterInc(self: number): number;
  counterFork(self: number): number;
}

describe("binding a user's class", async () => {
  // The asc CLI in a plain node child, as a user builds: importing the compiler in-process is slow under transforms.
  const dir = await mkdtemp(join(tmpdir(), "hotpath-user-class-"));
  await writeFile(join(dir, "counter.ts"), SOURCE);
  const ascCli = createRequire(import.meta.url).resolve("assemblyscript/bin/asc.js");
  await promisify(execFile)(
    process.execPath,
    [ascCli, "counter.ts", "-O3", "--runtime", "incremental", "--exportRuntime", "--outFile", "counter.wasm"],
    { cwd: dir },
  );
  const binary = await readFile(join(dir, "counter.wasm"));
  await rm(dir, { recursive: true, force: true });
  let raw: CounterExports;
  const instance = new WebAssembly.Instance(
    new WebAssembly.Module(binary),
    assemblyScriptImports(() => raw.memory),
  );
  raw = instance.exports as unknown as CounterExports;
  const rt: GcRuntime = gcRuntime(instance);

  class Counter extends WasmObject {
    constructor(step: number) {
      super(rt, raw.counterNew(step));
    }
    inc(): number {
      return raw.counterInc(WasmObject.ptrOf(this, Counter));
    }
    fork(): Counter {
      return rt.adopt(raw.counterFork(WasmObject.ptrOf(this, Counter)), Counter);
    }
  }

  it("calls methods on the wasm object through the TS class", () => {
    const c = new Counter(3);
    expect([c.inc(), c.inc()]).toEqual([3, 6]);
    const d = c.fork();
    expect(d).toBeInstanceOf(Counter);
    expect(d.inc()).toBe(12);
    expect(c.inc()).toBe(9);
    c.dispose();
    d.dispose();
    expect(rt.pinned).toBe(0);
  });

  it("survives collections while held and refuses use after dispose", () => {
    const c = new Counter(1);
    for (let i = 0; i < 5000; i++) new Counter(i).dispose();
    rt.collect();
    expect(c.inc()).toBe(1);
    c.dispose();
    expect(() => c.inc()).toThrow(DisposedError);
  });

  it("pins an object wrapped twice once, and frees it after both wrappers are disposed", () => {
    const c = new Counter(5);
    const again = rt.adopt(WasmObject.ptrOf(c, Counter), Counter);
    expect(rt.pinned).toBe(1);
    c.dispose();
    expect(again.inc()).toBe(5);
    again.dispose();
    expect(rt.pinned).toBe(0);
  });

  it("refuses a method called on another object: a forged receiver, or an object of another class", () => {
    const c = new Counter(2);
    const inc = Counter.prototype.inc;
    expect(() => inc.call({ ptr: WasmObject.ptrOf(c, Counter) } as never)).toThrow(TypeError);
    expect(() => inc.call(Object.defineProperty(Object.create(Counter.prototype), "ptr", { value: 16 }))).toThrow(
      /Expected `this` to be a Counter/,
    );
    class Other extends WasmObject {}
    const other = rt.adopt(WasmObject.ptrOf(c, Counter), Other);
    expect(() => inc.call(other as never)).toThrow(/Expected `this` to be a Counter/);
    other.dispose();
    expect(c.inc()).toBe(2);
    c.dispose();
  });
});
