;; The tutorial's f(n) written by hand in WebAssembly text: "Can I code a C extension from scratch?"
;; examples/10-from-scratch-wat.ts assembles this file at run time with wabt and loads it through
;; load(), the same door as the C module. All arithmetic is i64, wrapping modulo 2^64 like uint64_t.
(module
  ;; 0 + 1 + ... + (n - 1), by a loop: what the AssemblyScript kernel and the C source say.
  (func $f (export "f") (param $n i64) (result i64)
    (local $i i64)
    (local $total i64)
    block $done
      loop $next
        ;; unsigned compare: n is a u64
        local.get $i
        local.get $n
        i64.ge_u
        br_if $done
        local.get $total
        local.get $i
        i64.add
        local.set $total
        local.get $i
        i64.const 1
        i64.add
        local.set $i
        br $next
      end
    end
    local.get $total)

  ;; The closed form clang found, by hand: n(n - 1)/2 mod 2^64 without a 128-bit product, by halving
  ;; whichever of n and n - 1 is even before the (wrapping) multiply.
  (func $f_closed (export "f_closed") (param $n i64) (result i64)
    local.get $n
    i64.eqz
    if
      i64.const 0
      return
    end
    local.get $n
    i64.const 1
    i64.and
    i64.eqz
    if (result i64)
      ;; n even: (n / 2) * (n - 1)
      local.get $n
      i64.const 1
      i64.shr_u
      local.get $n
      i64.const 1
      i64.sub
      i64.mul
    else
      ;; n odd: n * ((n - 1) / 2)
      local.get $n
      local.get $n
      i64.const 1
      i64.sub
      i64.const 1
      i64.shr_u
      i64.mul
    end)
)
