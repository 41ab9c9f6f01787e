// Tiny wasm modules for the pool's tests, assembled from WAT by wabt at test time.
import wabtInit from "wabt";

const wabt = await wabtInit();

/** Assembles `text` (threads enabled, for shared memories) into a wasm binary. */
export function wat(text: string): Uint8Array<ArrayBuffer> {
  const features = { threads: true, bulk_memory: true };
  const mod = wabt.parseWat("test.wat", text, features);
  try {
    mod.resolveNames();
    (mod.validate as (features: object) => void)(features);
    return new Uint8Array(mod.toBinary({}).buffer);
  } finally {
    mod.destroy();
  }
}

/** `boom(x)` traps (unreachable) when x is 3; `div(a, b)` traps on b = 0; `twice(x)` doubles. */
export const trapWasm = () =>
  wat(`(module
    (func (export "boom") (param $x i32) (result i32)
      (if (i32.eq (local.get $x) (i32.const 3)) (then unreachable))
      (local.get $x))
    (func (export "div") (param $a i32) (param $b i32) (result i32) (i32.div_s (local.get $a) (local.get $b)))
    (func (export "twice") (param $x f64) (result f64) (f64.add (local.get $x) (local.get $x))))`);

/** `sumRange(lo, hi)` on i64 (wrapping), the shape reduceRange calls. */
export const sumWasm = () =>
  wat(`(module
    (func (export "sumRange") (param $lo i64) (param $hi i64) (result i64) (local $s i64)
      (block $done (loop $next
        (br_if $done (i64.ge_u (local.get $lo) (local.get $hi)))
        (local.set $s (i64.add (local.get $s) (local.get $lo)))
        (local.set $lo (i64.add (local.get $lo) (i64.const 1)))
        (br $next)))
      (local.get $s)))`);

/** `fillRows(r0, r1, ptr, width)` writes r · 1000 + c as i32 at ptr + 4 (r · width + c), into an imported shared memory. */
export const rowsWasm = () =>
  wat(`(module
    (import "env" "memory" (memory 1 256 shared))
    (func (export "fillRows") (param $r0 i32) (param $r1 i32) (param $ptr i32) (param $width i32) (local $c i32)
      (block $rowsDone (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $r0) (local.get $r1)))
        (local.set $c (i32.const 0))
        (block $colsDone (loop $col
          (br_if $colsDone (i32.ge_u (local.get $c) (local.get $width)))
          (i32.store
            (i32.add (local.get $ptr) (i32.shl (i32.add (i32.mul (local.get $r0) (local.get $width)) (local.get $c)) (i32.const 2)))
            (i32.add (i32.mul (local.get $r0) (i32.const 1000)) (local.get $c)))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br $col)))
        (local.set $r0 (i32.add (local.get $r0) (i32.const 1)))
        (br $row)))))`);
