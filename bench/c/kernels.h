/* The C versions of hotpath's kernels: the same algorithms as assembly/, compiled by gcc (native
 * reference) and by clang to wasm32 (a peer compiler). No libc, so the same file builds for both. */
#ifndef HOTPATH_BENCH_KERNELS_H
#define HOTPATH_BENCH_KERNELS_H
#include <stddef.h>
#include <stdint.h>

uint64_t sum_integers(uint64_t n);
uint64_t sum_range(uint64_t lo, uint64_t hi);
uint64_t fnv1a64(const uint8_t *p, size_t len);
uint64_t xxh64(const uint8_t *p, size_t len, uint64_t seed);
void mandelbrot_rows(uint32_t *out, uint32_t width, uint32_t height, uint32_t row_start, uint32_t row_end,
                     double x0, double y0, double x1, double y1, uint32_t max_iter);
uint64_t longest_collatz_range(uint64_t lo, uint64_t hi);
double dot(const double *a, const double *b, size_t n);
size_t count_primes_scratch(uint64_t hi);
uint32_t count_primes_range(uint64_t lo, uint64_t hi, uint8_t *scratch);
void matmul(const double *a, const double *b, double *c, uint32_t m, uint32_t k, uint32_t n);

#endif
