// Instruction sequences that give JavaScript's exact semantics where WebAssembly has no single
// instruction for them. Each takes its scratch locals from the caller.
import type { Instr } from "../wasm/wasm.ts";

export const TWO_63 = 9223372036854775808;

/**
 * ToInt32 of the f64 on the stack (what `x | 0` does). `i32.trunc_sat_f64_s` is not ToInt32: it clamps
 * 2^40 to 2^31 − 1 where JavaScript wraps it to 0. Below 2^63 in magnitude, truncating to i64 and
 * wrapping is exact; above, x is an integer and x − 2^32·floor(x / 2^32) is exact (NaN and ±∞ give
 * NaN there, which saturates to 0, as ToInt32 wants).
 */
export function toInt32(scratch: number): Instr[] {
  return [
    ["local.tee", scratch],
    ["f64.abs"],
    ["f64.const", TWO_63],
    ["f64.lt"],
    ["if", "i32"],
    ["local.get", scratch],
    ["i64.trunc_sat_f64_s"],
    ["i32.wrap_i64"],
    ["else"],
    ["local.get", scratch],
    ["local.get", scratch],
    ["f64.const", 2 ** -32],
    ["f64.mul"],
    ["f64.floor"],
    ["f64.const", 2 ** 32],
    ["f64.mul"],
    ["f64.sub"],
    ["i64.trunc_sat_f64_s"],
    ["i32.wrap_i64"],
    ["end"],
  ];
}

/** Math.round: the nearest integer, halves toward +∞, -0 kept (floor(x + 0.5) is wrong for 0.49999999999999994). */
export function round(x: number, r: number): Instr[] {
  return [
    ["local.set", x],
    ["local.get", x],
    ["f64.ceil"],
    ["local.tee", r],
    ["f64.const", 1],
    ["f64.sub"],
    ["local.get", r],
    // ceil(x) − 0.5 > x: x was below the half, take ceil(x) − 1
    ["local.get", r],
    ["f64.const", 0.5],
    ["f64.sub"],
    ["local.get", x],
    ["f64.gt"],
    ["select"],
  ];
}

/**
 * The body of `$fmod(x: f64, y: f64) -> f64`, JavaScript's `%` on numbers (wasm has no f64 remainder).
 * Integers below 2^53 take i64.rem_s; otherwise |y| is doubled up to |x| and subtracted back down,
 * each subtraction exact (Sterbenz), at most ≈2100 steps. The sign is x's, -0 included; a NaN has the
 * C library's bits.
 * Locals: 0 x, 1 y, 2 r, 3 t, 4 ay.
 */
export const FMOD_LOCALS = ["f64", "f64", "f64"] as const;
export const FMOD_BODY: Instr[] = [
  // NaN, ±∞ dividend, zero divisor → NaN; ±∞ divisor → x.
  ["local.get", 0],
  ["local.get", 0],
  ["f64.ne"],
  ["local.get", 1],
  ["local.get", 1],
  ["f64.ne"],
  ["i32.or"],
  ["local.get", 0],
  ["f64.abs"],
  ["f64.const", Infinity],
  ["f64.eq"],
  ["i32.or"],
  ["local.get", 1],
  ["f64.const", 0],
  ["f64.eq"],
  ["i32.or"],
  ["if"],
  // (x·y)/(x·y), as the C library's fmod computes it (JavaScript engines call it): the same NaN, sign
  // and payload included, as the engine's `%` on this hardware (0/0 here is x86's negative default NaN).
  ["local.get", 0],
  ["local.get", 1],
  ["f64.mul"],
  ["local.tee", 2],
  ["local.get", 2],
  ["f64.div"],
  ["return"],
  ["end"],
  ["local.get", 1],
  ["f64.abs"],
  ["local.tee", 4],
  ["f64.const", Infinity],
  ["f64.eq"],
  ["if"],
  ["local.get", 0],
  ["return"],
  ["end"],
  // Fast path: both integers of magnitude below 2^53.
  ["local.get", 0],
  ["f64.trunc"],
  ["local.get", 0],
  ["f64.eq"],
  ["local.get", 1],
  ["f64.trunc"],
  ["local.get", 1],
  ["f64.eq"],
  ["i32.and"],
  ["local.get", 0],
  ["f64.abs"],
  ["f64.const", 2 ** 53],
  ["f64.lt"],
  ["i32.and"],
  ["local.get", 4],
  ["f64.const", 2 ** 53],
  ["f64.lt"],
  ["i32.and"],
  ["if"],
  ["local.get", 0],
  ["i64.trunc_f64_s"],
  ["local.get", 1],
  ["i64.trunc_f64_s"],
  ["i64.rem_s"],
  ["f64.convert_i64_s"],
  ["local.get", 0],
  ["f64.copysign"],
  ["return"],
  ["end"],
  // r = |x|; t = |y| doubled while 2t ≤ r; then t halves back to |y|, subtracting when t ≤ r.
  ["local.get", 0],
  ["f64.abs"],
  ["local.set", 2],
  ["local.get", 4],
  ["local.set", 3],
  ["block"],
  ["loop"],
  ["local.get", 3],
  ["f64.const", 2],
  ["f64.mul"],
  ["local.get", 2],
  ["f64.gt"],
  ["br_if", 1],
  ["local.get", 3],
  ["f64.const", 2],
  ["f64.mul"],
  ["local.set", 3],
  ["br", 0],
  ["end"],
  ["end"],
  ["block"],
  ["loop"],
  ["local.get", 3],
  ["local.get", 4],
  ["f64.lt"],
  ["br_if", 1],
  ["local.get", 2],
  ["local.get", 3],
  ["f64.ge"],
  ["if"],
  ["local.get", 2],
  ["local.get", 3],
  ["f64.sub"],
  ["local.set", 2],
  ["end"],
  ["local.get", 3],
  ["f64.const", 0.5],
  ["f64.mul"],
  ["local.set", 3],
  ["br", 0],
  ["end"],
  ["end"],
  ["local.get", 2],
  ["local.get", 0],
  ["f64.copysign"],
];
