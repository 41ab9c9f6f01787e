/* See kernels.h. Kept in its own translation unit so that gcc cannot see the driver's constant
 * arguments or hoist a call out of the timing loop. */
#include "kernels.h"

/* The tutorial's f(n): a loop on purpose. gcc -O2 keeps it; clang -O2 turns it into a closed form,
 * which the harness's growth guard then reports. */
uint64_t sum_range(uint64_t lo, uint64_t hi) {
  uint64_t total = 0;
  for (uint64_t i = lo; i < hi; i++) total += i;
  return total;
}

uint64_t sum_integers(uint64_t n) { return sum_range(0, n); }

/* FNV-1a 64, byte by byte (the multiply chain is the bottleneck either way). */
uint64_t fnv1a64(const uint8_t *p, size_t len) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < len; i++) h = (h ^ p[i]) * 0x100000001b3ULL;
  return h;
}

/* The same mapping and early break as assembly/mandelbrot.ts, so the counts match exactly. */
void mandelbrot_rows(uint32_t *out, uint32_t width, uint32_t height, uint32_t row_start, uint32_t row_end,
                     double x0, double y0, double x1, double y1, uint32_t max_iter) {
  const double dx = x1 - x0, dy = y1 - y0, w = width, h = height;
  for (uint32_t py = row_start; py < row_end; py++) {
    const double cy = y0 + (dy * (double)py) / h;
    for (uint32_t px = 0; px < width; px++) {
      const double cx = x0 + (dx * (double)px) / w;
      double zx = 0, zy = 0;
      uint32_t i = 0;
      for (; i < max_iter; i++) {
        const double x2 = zx * zx, y2 = zy * zy;
        if (x2 + y2 > 4.0) break;
        zy = 2.0 * zx * zy + cy;
        zx = x2 - y2 + cx;
      }
      *out++ = i;
    }
  }
}

/* Longest Collatz chain over [lo, hi), ties to the smallest start; 0 if a chain would pass 2^64. */
uint64_t longest_collatz_range(uint64_t lo, uint64_t hi) {
  const uint64_t max_odd = 6148914691236517204ULL;
  if (lo == 0) lo = 1;
  uint64_t best = 0;
  uint32_t most = 0;
  for (uint64_t s = lo; s < hi; s++) {
    uint64_t n = s;
    uint32_t steps = 0;
    while (n != 1) {
      if (n & 1) {
        if (n > max_odd) return 0;
        n = 3 * n + 1;
        steps++;
      }
      const int z = __builtin_ctzll(n);
      n >>= z;
      steps += (uint32_t)z;
    }
    if (steps > most || best == 0) {
      most = steps;
      best = s;
    }
  }
  return best;
}

/* Σ a[i]·b[i] in index order (no reassociation), the order of the scalar kernel and the twin. */
double dot(const double *a, const double *b, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

#ifdef __wasm__
/* -nostdlib leaves no libc, but clang may still turn loops into calls to these. */
void *memset(void *dst, int c, size_t n) {
  unsigned char *d = dst;
  while (n--) *d++ = (unsigned char)c;
  return dst;
}

void *memcpy(void *dst, const void *src, size_t n) {
  unsigned char *d = dst;
  const unsigned char *s = src;
  while (n--) *d++ = *s++;
  return dst;
}
#endif
