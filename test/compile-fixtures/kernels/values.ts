// @ts-nocheck: AssemblyScript, compiled by asc (the project's tsc does not know u64 or StaticArray).
// Every type asc's own `--bindings esm` carries, as a parameter and as a result: what `hotpath compile`
// binds beyond numbers (test/compile-values.test.ts checks each against its plain-TS meaning).

/** A plain object: public fields only, no constructor, so it is copied both ways. */
class Vec3 {
  x: f64 = 0;
  y: f64 = 0;
  z: f64 = 0;
}

/** A plain object with a string, a u64 and a nested plain object. */
class Tagged {
  label: string = "";
  count: u64 = 0;
  at: Vec3 = new Vec3();
}

/** A class with a constructor and methods: bound as a TypeScript class. */
export class Counter {
  total: u64 = 0;
  readonly step: u32;
  name: string;
  constructor(name: string, step: u32) {
    this.name = name;
    this.step = step;
  }
  add(times: u32): this {
    this.total += <u64>(this.step * times);
    return this;
  }
  get label(): string {
    return this.name + "=" + this.total.toString();
  }
  set label(value: string) {
    this.name = value;
  }
  /** Unbindable: a closure parameter (the class is bound without this method). */
  each(f: (total: u64) => void): void {
    f(this.total);
  }
  merged(other: Counter): Counter {
    const c = new Counter(this.name + "+" + other.name, this.step);
    c.total = this.total + other.total;
    return c;
  }
}

export function echo(s: string): string {
  return s;
}

/** A subclass: bound as a TypeScript class extending Counter's, with an override. */
export class Special extends Counter {
  bonus: u32 = 100;
  constructor(name: string) {
    super(name, 10);
  }
  add(times: u32): this {
    this.total += <u64>(this.step * times + this.bonus);
    return this;
  }
}

export function makeSpecial(name: string): Counter {
  return new Special(name);
}

export function shout(s: string): string {
  return s.toUpperCase() + "!";
}

export function byteSum(b: ArrayBuffer): u32 {
  const v = Uint8Array.wrap(b);
  let s: u32 = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s;
}

export function bufferOf(n: i32): ArrayBuffer {
  const b = new ArrayBuffer(n);
  const v = Uint8Array.wrap(b);
  for (let i = 0; i < n; i++) v[i] = <u8>(i * 7);
  return b;
}

export function doubled(xs: Float64Array): Float64Array {
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = xs[i] * 2;
  return out;
}

export function squaresU64(xs: Uint64Array): Uint64Array {
  const out = new Uint64Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = xs[i] * xs[i];
  return out;
}

export function reversed(xs: Array<i32>): Array<i32> {
  const out = new Array<i32>(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = xs[xs.length - 1 - i];
  return out;
}

export function sumI64(xs: Array<i64>): i64 {
  let s: i64 = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s;
}

export function prefix(xs: StaticArray<f32>): StaticArray<f32> {
  const out = new StaticArray<f32>(xs.length);
  let s: f32 = 0;
  for (let i = 0; i < xs.length; i++) {
    s += xs[i];
    out[i] = s;
  }
  return out;
}

export function flags(n: i32): StaticArray<bool> {
  const out = new StaticArray<bool>(n);
  for (let i = 0; i < n; i++) out[i] = i % 3 == 0;
  return out;
}

export function cross(a: Vec3, b: Vec3): Vec3 {
  const c = new Vec3();
  c.x = a.y * b.z - a.z * b.y;
  c.y = a.z * b.x - a.x * b.z;
  c.z = a.x * b.y - a.y * b.x;
  return c;
}

export function retag(t: Tagged, suffix: string): Tagged {
  const r = new Tagged();
  r.label = t.label + suffix;
  r.count = t.count + 1;
  r.at = t.at;
  return r;
}

export function makeCounter(name: string): Counter {
  return new Counter(name, 1);
}

export function totalOf(c: Counter): u64 {
  return c.total;
}

export function find(name: string): Counter | null {
  return name == "none" ? null : new Counter(name, 2);
}

export function lengthOrMinus(s: string | null): i32 {
  return s === null ? -1 : s.length;
}

export function small(a: i8, b: u8, c: i16, d: u16): i32 {
  return <i32>a + <i32>b + <i32>c + <i32>d;
}

export function wrapU8(x: i32): u8 {
  return <u8>x;
}

export function withDefault(a: i32, b: i32 = 10): i32 {
  return a * b;
}

export const GREETING: string = "hello";
export const LIMIT: u64 = 18446744073709551615;
export let ticks: i32 = 0;
export let scale: f64 = 1.5;
export let motto: string = "first";

export enum Color {
  Red,
  Green = 5,
  Blue,
}

export function tick(): i32 {
  ticks += 1;
  return ticks;
}

/** Unbindable: a closure parameter. */
export function apply(f: (x: i32) => i32, x: i32): i32 {
  return f(x);
}
