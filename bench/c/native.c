/* The native side of `hotpath bench`: a long-lived process that the harness drives over stdin.
 * Each request line is "<case> <size> <reps>"; the reply is "<value> <ms per call>" or "error <why>".
 * Inputs are built here with the same generators as the TypeScript side (src/bench/inputs.ts), outside
 * the timed region; timing uses CLOCK_MONOTONIC around `reps` calls. */
#define _POSIX_C_SOURCE 199309L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "kernels.h"

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* byte i = the top byte of i · 0x9E3779B1 mod 2^32 (Knuth's multiplicative hash): cheap, not constant. */
static uint8_t *bytes_input(size_t n) {
  uint8_t *p = malloc(n ? n : 1);
  for (size_t i = 0; i < n; i++) p[i] = (uint8_t)(((uint32_t)i * 0x9E3779B1u) >> 24);
  return p;
}

/* f64 inputs, the same on every side: a[i] = (i mod 1000) / 1000 − 0.5, b[i] = (7i mod 1000) / 1000. */
static double *f64_input(size_t n, int which) {
  double *p = malloc((n ? n : 1) * sizeof(double));
  for (size_t i = 0; i < n; i++) p[i] = which ? (double)((i * 7) % 1000) / 1000.0 : (double)(i % 1000) / 1000.0 - 0.5;
  return p;
}

int main(void) {
  char line[256], name[64];
  unsigned long long size, reps;
  setvbuf(stdout, NULL, _IOLBF, 0);
  while (fgets(line, sizeof line, stdin)) {
    if (sscanf(line, "%63s %llu %llu", name, &size, &reps) != 3 || reps == 0) {
      printf("error bad request: %s", line);
      continue;
    }
    double t0, t1;
    if (strcmp(name, "sum") == 0 || strcmp(name, "sum-past-2^53") == 0) {
      volatile uint64_t sink = 0;
      t0 = now_ms();
      for (unsigned long long r = 0; r < reps; r++) sink = sum_integers(size);
      t1 = now_ms();
      printf("%" PRIu64 " %.6f\n", (uint64_t)sink, (t1 - t0) / reps);
    } else if (strcmp(name, "fnv1a64") == 0) {
      uint8_t *p = bytes_input(size);
      volatile uint64_t sink = 0;
      t0 = now_ms();
      for (unsigned long long r = 0; r < reps; r++) sink = fnv1a64(p, size);
      t1 = now_ms();
      free(p);
      printf("%" PRIu64 " %.6f\n", (uint64_t)sink, (t1 - t0) / reps);
    } else if (strcmp(name, "xxhash64") == 0) {
      uint8_t *p = bytes_input(size);
      volatile uint64_t sink = 0;
      t0 = now_ms();
      for (unsigned long long r = 0; r < reps; r++) sink = xxh64(p, size, 0);
      t1 = now_ms();
      free(p);
      printf("%" PRIu64 " %.6f\n", (uint64_t)sink, (t1 - t0) / reps);
    } else if (strcmp(name, "mandelbrot") == 0) {
      /* size = image side; the view and maxIter are fixed (src/bench/cases.ts, MANDELBROT). */
      uint32_t side = (uint32_t)size, max_iter = 200;
      uint32_t *out = malloc((size_t)side * side * sizeof(uint32_t) + 4);
      t0 = now_ms();
      for (unsigned long long r = 0; r < reps; r++) mandelbrot_rows(out, side, side, 0, side, -2.0, -1.25, 0.5, 1.25, max_iter);
      t1 = now_ms();
      uint64_t total = 0;
      for (size_t i = 0; i < (size_t)side * side; i++) total += out[i];
      free(out);
      printf("%" PRIu64 " %.6f\n", total, (t1 - t0) / reps);
    } else if (strcmp(name, "collatz") == 0) {
      volatile uint64_t sink = 0;
      t0 = now_ms();
      for (unsigned long long r = 0; r < reps; r++) sink = longest_collatz_range(1, size);
      t1 = now_ms();
      printf("%" PRIu64 " %.6f\n", (uint64_t)sink, (t1 - t0) / reps);
    } else if (strcmp(name, "dot") == 0) {
      double *a = f64_input(size, 0), *b = f64_input(size, 1);
      volatile double sink = 0;
      t0 = now_ms();
      for (unsigned long long r = 0; r < reps; r++) sink = dot(a, b, size);
      t1 = now_ms();
      free(a);
      free(b);
      printf("%.17g %.6f\n", (double)sink, (t1 - t0) / reps);
    } else if (strcmp(name, "primes") == 0 || strcmp(name, "primes-pi") == 0 || strcmp(name, "primes-1e12") == 0) {
      /* primes, primes-pi: [0, size); primes-1e12: [10^12, 10^12 + size). */
      const uint64_t lo = strcmp(name, "primes-1e12") == 0 ? 1000000000000ULL : 0;
      uint8_t *scratch = malloc(count_primes_scratch(lo + size) + 16);
      volatile uint32_t sink = 0;
      t0 = now_ms();
      for (unsigned long long r = 0; r < reps; r++) sink = count_primes_range(lo, lo + size, scratch);
      t1 = now_ms();
      free(scratch);
      printf("%u %.6f\n", (unsigned)sink, (t1 - t0) / reps);
    } else if (strcmp(name, "matmul") == 0) {
      /* size = side; A and B are the dot-product vectors a and b of side² elements, as in src/bench/cases.ts. */
      size_t cells = (size_t)size * size;
      double *a = f64_input(cells, 0), *b = f64_input(cells, 1), *c = malloc((cells ? cells : 1) * sizeof(double));
      t0 = now_ms();
      for (unsigned long long r = 0; r < reps; r++) matmul(a, b, c, (uint32_t)size, (uint32_t)size, (uint32_t)size);
      t1 = now_ms();
      double total = 0;
      for (size_t i = 0; i < cells; i++) total += c[i];
      free(a);
      free(b);
      free(c);
      printf("%.17g %.6f\n", total, (t1 - t0) / reps);
    } else {
      printf("error unknown case %s\n", name);
    }
  }
  return 0;
}
