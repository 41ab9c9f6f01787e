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

/* XXH64 as the reference describes it (Yann Collet, xxHash doc/xxhash_spec.md): four lanes of 8-byte
 * rounds over 32-byte stripes, then the merge, the tail and the avalanche. Unaligned little-endian loads by
 * byte copy (no libc: __builtin_memcpy, which gcc and clang turn into one load). */
#define XXH_P1 11400714785074694791ULL
#define XXH_P2 14029467366897019727ULL
#define XXH_P3 1609587929392839161ULL
#define XXH_P4 9650029242287828579ULL
#define XXH_P5 2870177450012600261ULL
static inline uint64_t xxh_rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
static inline uint64_t xxh_read64(const uint8_t *p) {
  uint64_t v;
  __builtin_memcpy(&v, p, 8);
  return v;
}
static inline uint32_t xxh_read32(const uint8_t *p) {
  uint32_t v;
  __builtin_memcpy(&v, p, 4);
  return v;
}
static inline uint64_t xxh_round(uint64_t acc, uint64_t input) { return xxh_rotl(acc + input * XXH_P2, 31) * XXH_P1; }
static inline uint64_t xxh_merge(uint64_t acc, uint64_t val) { return (acc ^ xxh_round(0, val)) * XXH_P1 + XXH_P4; }

uint64_t xxh64(const uint8_t *p, size_t len, uint64_t seed) {
  const uint8_t *end = p + len;
  uint64_t h;
  if (len >= 32) {
    uint64_t v1 = seed + XXH_P1 + XXH_P2, v2 = seed + XXH_P2, v3 = seed, v4 = seed - XXH_P1;
    const uint8_t *limit = end - 32;
    do {
      v1 = xxh_round(v1, xxh_read64(p));
      v2 = xxh_round(v2, xxh_read64(p + 8));
      v3 = xxh_round(v3, xxh_read64(p + 16));
      v4 = xxh_round(v4, xxh_read64(p + 24));
      p += 32;
    } while (p <= limit);
    h = xxh_rotl(v1, 1) + xxh_rotl(v2, 7) + xxh_rotl(v3, 12) + xxh_rotl(v4, 18);
    h = xxh_merge(h, v1);
    h = xxh_merge(h, v2);
    h = xxh_merge(h, v3);
    h = xxh_merge(h, v4);
  } else {
    h = seed + XXH_P5;
  }
  h += (uint64_t)len;
  for (; p + 8 <= end; p += 8) h = xxh_rotl(h ^ xxh_round(0, xxh_read64(p)), 27) * XXH_P1 + XXH_P4;
  if (p + 4 <= end) {
    h = xxh_rotl(h ^ (uint64_t)xxh_read32(p) * XXH_P1, 23) * XXH_P2 + XXH_P3;
    p += 4;
  }
  for (; p < end; p++) h = xxh_rotl(h ^ (*p) * XXH_P5, 11) * XXH_P1;
  h ^= h >> 33;
  h *= XXH_P2;
  h ^= h >> 29;
  h *= XXH_P3;
  h ^= h >> 32;
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

/* The segmented odd-only sieve of assembly/primes.ts, line for line: same segment size, same scratch layout. */
#define SEG 32768u

static uint64_t isqrt64(uint64_t x) {
  uint64_t r = (uint64_t)__builtin_sqrt((double)x);
  while (r * r > x) r--;
  while ((r + 1) * (r + 1) <= x) r++;
  return r;
}

static uint64_t base_limit(uint64_t hi) { return hi > 1 ? isqrt64(hi - 1) : 0; }

size_t count_primes_scratch(uint64_t hi) {
  const size_t nb = (size_t)(base_limit(hi) >> 1) + 1;
  return SEG + ((nb + 7) & ~(size_t)7) + nb * 12;
}

uint32_t count_primes_range(uint64_t lo, uint64_t hi, uint8_t *scratch) {
  if (hi <= lo) return 0;
  uint32_t count = lo <= 2 && hi > 2 ? 1 : 0;
  uint64_t start = (lo > 3 ? lo : 3) | 1;
  if (start >= hi) return count;
  const uint64_t r = base_limit(hi);
  const size_t nb = (size_t)(r >> 1) + 1;
  uint8_t *seg = scratch, *flags = scratch + SEG;
  uint32_t *primes = (uint32_t *)(flags + ((nb + 7) & ~(size_t)7));
  uint64_t *next = (uint64_t *)(primes + nb);
  for (size_t i = 0; i < nb; i++) flags[i] = 1;
  for (size_t i = 1; (i * 2 + 1) * (i * 2 + 1) <= r; i++)
    if (flags[i])
      for (size_t j = ((i * 2 + 1) * (i * 2 + 1)) >> 1; j < nb; j += i * 2 + 1) flags[j] = 0;
  size_t np = 0;
  for (size_t i = 1; i < nb; i++) {
    if (!flags[i]) continue;
    const uint64_t p = i * 2 + 1;
    uint64_t m = ((start + p - 1) / p) * p;
    if (m < p * p) m = p * p;
    if ((m & 1) == 0) m += p;
    primes[np] = (uint32_t)p;
    next[np] = m;
    np++;
  }
  for (uint64_t low = start; low < hi; low += 2 * (uint64_t)SEG) {
    const uint64_t high = low + 2 * (uint64_t)SEG < hi ? low + 2 * (uint64_t)SEG : hi;
    const size_t len = (size_t)((high - low + 1) >> 1);
    for (size_t j = 0; j < len; j++) seg[j] = 1;
    for (size_t q = 0; q < np; q++) {
      const uint64_t p = primes[q];
      if (p * p >= high) break;
      size_t j = (size_t)((next[q] - low) >> 1);
      for (; j < len; j += (size_t)p) seg[j] = 0;
      next[q] = low + 2 * (uint64_t)j;
    }
    for (size_t j = 0; j < len; j++) count += seg[j];
  }
  return count;
}

/* C = A·B, row-major, the naive i-k-j loop (the order assembly/linalg.ts matches bit for bit). */
void matmul(const double *a, const double *b, double *c, uint32_t m, uint32_t k, uint32_t n) {
  for (size_t i = 0; i < (size_t)m * n; i++) c[i] = 0;
  for (uint32_t i = 0; i < m; i++)
    for (uint32_t p = 0; p < k; p++) {
      const double aip = a[(size_t)i * k + p];
      const double *brow = b + (size_t)p * n;
      double *crow = c + (size_t)i * n;
      for (uint32_t j = 0; j < n; j++) crow[j] += aip * brow[j];
    }
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
