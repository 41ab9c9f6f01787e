// The n-body program of AssemblyScript's own examples (test/compile-fixtures/kernels/nbody.ts, as
// published but for the one line asc 0.28 rejects), compiled whole by `hotpath compile`: classes with
// a constructor and methods, a StaticArray of them, a module-level variable, Math.sqrt and four exports,
// one returning `Body | null`. Its energies after 0 and 1,000 steps are the Computer Language
// Benchmarks Game's published values; the energy after 0 steps is computed here from the Body fields
// read back through the bound class.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { DisposedError } from "hotpath/kernel";
import { cli, fixtures, outDir, root } from "./compile-fixtures/support/out.ts";

const run = promisify(execFile);
let out: string;
let stderr: string;
// Typed by the declarations hotpath compile writes (the copy under generated/ is checked to be the current one).
type NBody = typeof import("./compile-fixtures/generated/nbody.js").default;
let k: Awaited<ReturnType<NBody["load"]>>;

beforeAll(async () => {
  out = await outDir("nbody");
  ({ stderr } = await run(process.execPath, [cli, "compile", join(fixtures, "kernels/nbody.ts"), "--out", out], { cwd: root }));
  k = await ((await import(/* @vite-ignore */ join(out, "nbody.js"))).default as NBody).load();
}, 120_000);

type Body = NonNullable<ReturnType<typeof k.getBody>>;

/** The system's energy from the five bodies' fields, as NBodySystem.energy() computes it. */
function energyOf(bodies: Body[]): number {
  let e = 0;
  for (let i = 0; i < bodies.length; i++) {
    const b = bodies[i];
    e += 0.5 * b.mass * (b.vx * b.vx + b.vy * b.vy + b.vz * b.vz);
    for (let j = i + 1; j < bodies.length; j++) {
      const c = bodies[j];
      const dx = b.x - c.x;
      const dy = b.y - c.y;
      const dz = b.z - c.z;
      e -= (b.mass * c.mass) / Math.sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}

describe("n-body from AssemblyScript's examples", () => {
  it("compiles whole: four functions and the Body class, no warning", async () => {
    expect(stderr).not.toMatch(/warning|left out/);
    expect(stderr).toContain("(init, step, bench, getBody, class Body; incremental collector)");
    const dts = await readFile(join(out, "nbody.d.ts"), "utf8");
    expect(dts).toContain("getBody(index: number): Body | null;");
    expect(dts).toContain("export interface Body extends WasmObject {");
    expect(dts).toContain("offsetMomentum(px: number, py: number, pz: number): Body;");
    expect(dts).toContain(
      "readonly Body: new (x: number, y: number, z: number, vx: number, vy: number, vz: number, mass: number) => Body;",
    );
  });

  it("gives the published energies after 0 and 1,000 steps", () => {
    k.init();
    const bodies = [0, 1, 2, 3, 4].map((i) => k.getBody(i)!);
    expect(energyOf(bodies).toFixed(9)).toBe("-0.169075164");
    for (const b of bodies) b.dispose();
    k.bench(999);
    expect(k.step().toFixed(9)).toBe("-0.169087605");
  });

  it("getBody(0) is a Body whose fields read back and write through; getBody(9) is null", () => {
    k.init();
    const sun = k.getBody(0)!;
    expect(sun).toBeInstanceOf(k.Body);
    expect(sun.mass).toBeCloseTo(4 * Math.PI * Math.PI, 12);
    expect([sun.x, sun.y, sun.z]).toEqual([0, 0, 0]);
    const jupiter = k.getBody(1)!;
    expect(jupiter.x).toBe(4.8414314424647209);
    expect(jupiter.vx).toBe(1.66007664274403694e-3 * 365.24);
    expect(k.getBody(9)).toBeNull();
    expect(k.getBody(-1)).toBeNull();
    // offsetMomentum returns `this`: the same wrapper comes back, and the write is seen by the module.
    expect(jupiter.offsetMomentum(0, 0, 0)).toBe(jupiter);
    expect(Math.abs(k.getBody(1)!.vx)).toBe(0);
    jupiter.x = 1;
    expect(k.getBody(1)!.x).toBe(1);
    // A Body made in TypeScript is a real AssemblyScript object.
    const made = new k.Body(1, 2, 3, 4, 5, 6, 7);
    expect([made.x, made.mass]).toEqual([1, 7]);
    made.dispose();
    expect(() => made.x).toThrow(DisposedError);
  });
});
