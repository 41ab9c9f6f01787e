// Methods and getters of the bound classes called on another object: a forged `{ ptr }`, an object
// with the right prototype but never made by the class, a live object of another class or another
// instance, a disposed object. None may read or write wasm memory.
import { describe, expect, it } from "vitest";
import { DisposedError, loadClasses } from "../src/classes/index.ts";

const mod = await loadClasses();
const { Accumulator, Point2D } = mod;
const totalGetter = Object.getOwnPropertyDescriptor(Accumulator.prototype, "total")!.get!;
const add = Accumulator.prototype.add;
const xGetter = Object.getOwnPropertyDescriptor(Point2D.prototype, "x")!.get!;

describe("a forged receiver", () => {
  it("cannot read a live Accumulator's total through a plain { ptr } object", () => {
    const live = new Accumulator();
    live.add(41);
    // The address of a live object, guessed or leaked: the classic forgery.
    for (const ptr of [16, 32, 64, 1024, 4096])
      expect(() => totalGetter.call({ ptr })).toThrow(/Expected `this` to be a Accumulator made by its constructor or by GcRuntime.adopt/);
    live.dispose();
  });

  it("cannot write through add() with a forged receiver, so the live total is unchanged", () => {
    const live = new Accumulator();
    live.add(1);
    for (const ptr of [16, 32, 64, 1024, 4096]) expect(() => add.call({ ptr }, 1000)).toThrow(TypeError);
    expect(live.total).toBe(1n);
    live.dispose();
  });

  it("an object with Accumulator's prototype and its own ptr is not an Accumulator", () => {
    const fake = Object.defineProperty(Object.create(Accumulator.prototype), "ptr", { value: 16 });
    expect(() => fake.total).toThrow(TypeError);
    expect(() => fake.add(1)).toThrow(TypeError);
  });

  it("a real Accumulator with a shadowing own `ptr` still uses its own address", () => {
    const a = new Accumulator();
    const b = new Accumulator();
    a.add(5);
    b.add(7);
    Object.defineProperty(b, "ptr", { value: 16 });
    expect(b.total).toBe(7n);
    b.add(1);
    expect([a.total, b.total]).toEqual([5n, 8n]);
    a.dispose();
    b.dispose();
  });

  it("a live Point2D given to Accumulator's getter, or moved to its prototype, is refused", () => {
    const p = new Point2D(3n, 4n);
    expect(() => totalGetter.call(p)).toThrow(TypeError);
    const acc = new Accumulator();
    expect(() => xGetter.call(acc)).toThrow(/Expected `this` to be a Point2D/);
    Object.setPrototypeOf(p, Accumulator.prototype);
    expect(() => (p as unknown as { total: bigint }).total).toThrow(TypeError);
    Object.setPrototypeOf(p, Point2D.prototype);
    expect(p.x).toBe(3n);
    p.dispose();
    acc.dispose();
  });

  it("an Accumulator of another module instance is refused by this instance's getter", async () => {
    const other = await loadClasses();
    const foreign = new other.Accumulator();
    expect(() => totalGetter.call(foreign)).toThrow(TypeError);
    foreign.dispose();
  });

  it("a disposed object, called through the prototype's getter, is still a DisposedError", () => {
    const acc = new Accumulator();
    acc.dispose();
    expect(() => totalGetter.call(acc)).toThrow(DisposedError);
    expect(() => add.call(acc, 1)).toThrow(DisposedError);
  });
});
