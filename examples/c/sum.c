// The tutorial's C function, compiled to WebAssembly by examples/c/build.mjs and loaded by
// examples/09-foreign-c.ts through hotpath's load() with declared signatures (the cffi counterpart).
#include <stddef.h>
#include <stdint.h>

// What the module exports (with no libc and no --export-all, nothing else is, but memory and __heap_base).
#define EXPORT(name) __attribute__((export_name(#name)))

// The tutorial's f(n): 0 + 1 + ... + (n - 1), wrapping modulo 2^64. Written as a loop; clang -O3
// replaces the loop by a closed form (n(n-1)/2 through a 128-bit multiply from compiler-rt).
EXPORT(f) uint64_t f(uint64_t n) {
  uint64_t total = 0;
  for (uint64_t i = 0; i < n; i++) total += i;
  return total;
}

// A buffer in: the sum of n u32 values at xs (shows pointers into the module's exported memory).
EXPORT(sum_u32) uint64_t sum_u32(const uint32_t *xs, size_t n) {
  uint64_t total = 0;
  for (size_t i = 0; i < n; i++) total += xs[i];
  return total;
}

// A buffer in and out: xs[i] *= k for n doubles, in place.
EXPORT(scale) void scale(double *xs, size_t n, double k) {
  for (size_t i = 0; i < n; i++) xs[i] *= k;
}
