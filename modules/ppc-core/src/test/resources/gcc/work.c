/* Integer workload for the epapr-lab CPU engine tests: every result is folded into one
 * 32-bit checksum that the host computes natively for comparison. Fixed-width types only. */
#include <stdint.h>
#include <stddef.h>

#define N 64
static uint32_t data32[N];
static uint64_t data64[N];
static int16_t shorts[N];
static uint8_t bytes[256];
static volatile uint32_t sink;

static uint32_t mix(uint32_t h, uint32_t v) { h ^= v; h *= 16777619u; return h ^ (h >> 13); }
static uint32_t mix64(uint32_t h, uint64_t v) { return mix(mix(h, (uint32_t) v), (uint32_t) (v >> 32)); }

static uint64_t mulhi64(uint64_t a, uint64_t b) {
#ifdef __SIZEOF_INT128__
    return (uint64_t) (((unsigned __int128) a * b) >> 64);
#else
    uint64_t al = (uint32_t) a, ah = a >> 32, bl = (uint32_t) b, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (uint32_t) lh + (uint32_t) hl;
    return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
#endif
}

static uint32_t lcg(uint32_t *s) { *s = *s * 1103515245u + 12345u; return *s; }

__attribute__((noinline)) static void fill(uint32_t seed) {
    for (int i = 0; i < N; i++) {
        data32[i] = lcg(&seed);
        data64[i] = ((uint64_t) lcg(&seed) << 32) | lcg(&seed);
        shorts[i] = (int16_t) lcg(&seed);
    }
    for (int i = 0; i < 256; i++) bytes[i] = (uint8_t) (lcg(&seed) >> 24);
}

__attribute__((noinline)) static void sort32(int32_t *a, int n) {
    for (int i = 1; i < n; i++) {
        int32_t v = a[i]; int j = i - 1;
        while (j >= 0 && a[j] > v) { a[j + 1] = a[j]; j--; }
        a[j + 1] = v;
    }
}

__attribute__((noinline)) static void sort64u(uint64_t *a, int n) {
    for (int gap = n / 2; gap > 0; gap /= 2)
        for (int i = gap; i < n; i++) {
            uint64_t v = a[i]; int j = i;
            while (j >= gap && a[j - gap] > v) { a[j] = a[j - gap]; j -= gap; }
            a[j] = v;
        }
}

__attribute__((noinline)) static uint32_t crc32(const uint8_t *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    while (n--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & -(c & 1));
    }
    return ~c;
}

__attribute__((noinline)) static uint32_t divisions(uint32_t h) {
    for (int i = 0; i < N; i++) {
        int32_t a = (int32_t) data32[i], b = (int32_t) (data32[(i + 7) % N] >> (i % 29)) | 1;
        uint32_t ua = data32[i], ub = (data32[(i + 3) % N] >> (i % 31)) | 1;
        h = mix(h, (uint32_t) (a / b)); h = mix(h, (uint32_t) (a % b));
        h = mix(h, ua / ub); h = mix(h, ua % ub);
        uint64_t x = data64[i], y = (data64[(i + 5) % N] >> (i % 61)) | 1;
        int64_t sx = (int64_t) x, sy = (int64_t) y;
        h = mix64(h, x / y); h = mix64(h, x % y);
        h = mix64(h, (uint64_t) (sx / sy)); h = mix64(h, (uint64_t) (sx % sy));
        h = mix(h, (uint32_t) (a / 7)); h = mix(h, ua / 10u); h = mix64(h, x / 1000u);
    }
    return h;
}

__attribute__((noinline)) static uint32_t bits(uint32_t h) {
    for (int i = 0; i < N; i++) {
        uint32_t v = data32[i]; uint64_t w = data64[i];
        h = mix(h, (uint32_t) __builtin_clz(v | 1));
        h = mix(h, (uint32_t) __builtin_ctz(v | 0x80000000u));
        h = mix(h, (uint32_t) __builtin_popcount(v));
        h = mix(h, (uint32_t) __builtin_clzll(w | 1));
        h = mix(h, (uint32_t) __builtin_popcountll(w));
        h = mix(h, __builtin_bswap32(v));
        h = mix64(h, __builtin_bswap64(w));
        h = mix(h, (v << (i % 32)) | (v >> ((32 - i % 32) % 32)));
        h = mix64(h, (w << (i % 64)) | (w >> ((64 - i % 64) % 64)));
        h = mix(h, (uint32_t) ((int32_t) v >> (i % 32)));
        h = mix64(h, (uint64_t) ((int64_t) w >> (i % 64)));
        h = mix(h, (uint32_t) (int32_t) shorts[i]);
        h = mix(h, (uint32_t) (int32_t) (int8_t) bytes[i]);
        h = mix(h, (v & 0x00FFF000u) >> 12);
        h = mix(h, (uint32_t) ((uint64_t) v * data32[(i + 1) % N] >> 32));
        h = mix(h, (uint32_t) (((int64_t) (int32_t) v * (int32_t) data32[(i + 2) % N]) >> 32));
        h = mix64(h, w * data64[(i + 1) % N]);
        h = mix64(h, mulhi64(w, data64[(i + 2) % N]));
        h = mix(h, v > data32[(i + 1) % N] ? v - data32[(i + 1) % N] : 5u);
        h = mix(h, (int32_t) v < 0 ? 1u : (int32_t) v > 1000 ? 2u : 3u);
        h = mix64(h, w + data64[(i + 3) % N]);
        h = mix64(h, w - data64[(i + 4) % N]);
        h = mix(h, (uint32_t) ((int64_t) w < (int64_t) data64[(i + 5) % N]));
    }
    return h;
}

typedef uint32_t (*op_fn)(uint32_t, uint32_t);
__attribute__((noinline)) static uint32_t op_add(uint32_t a, uint32_t b) { return a + b; }
__attribute__((noinline)) static uint32_t op_xor(uint32_t a, uint32_t b) { return a ^ b; }
__attribute__((noinline)) static uint32_t op_mul(uint32_t a, uint32_t b) { return a * b; }
static op_fn const ops[3] = {op_add, op_xor, op_mul};

__attribute__((noinline)) static uint32_t dispatch(uint32_t h) {
    for (int i = 0; i < 200; i++) {
        uint32_t v = data32[i % N];
        switch (v % 11) {
            case 0: h += v; break;
            case 1: h ^= v << 3; break;
            case 2: h -= v >> 5; break;
            case 3: h = h * 31 + v; break;
            case 4: h = (h << 7) | (h >> 25); break;
            case 5: h ^= 0xdeadbeef; break;
            case 6: h += ops[v % 3](h, v); break;
            case 7: h = ~h; break;
            case 8: h += (uint32_t) shorts[i % N]; break;
            case 9: h ^= bytes[i & 255]; break;
            default: h = mix(h, v); break;
        }
    }
    return h;
}

__attribute__((noinline)) static uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

__attribute__((noinline)) static void copy_and_fill(uint8_t *dst, const uint8_t *src, size_t n) {
    for (size_t i = 0; i < n; i++) dst[i] = src[n - 1 - i];
    for (size_t i = 0; i < n / 2; i++) dst[i] ^= (uint8_t) i;
}

void *memcpy(void *d, const void *s, size_t n) {
    uint8_t *dd = d; const uint8_t *ss = s;
    while (n--) *dd++ = *ss++;
    return d;
}

void *memset(void *d, int c, size_t n) {
    uint8_t *dd = d;
    while (n--) *dd++ = (uint8_t) c;
    return d;
}

uint32_t workload(uint32_t seed) {
    uint32_t h = 2166136261u;
    fill(seed);
    h = mix(h, crc32(bytes, sizeof bytes));
    sort32((int32_t *) data32, N);
    for (int i = 0; i < N; i++) h = mix(h, data32[i]);
    sort64u(data64, N);
    for (int i = 0; i < N; i++) h = mix64(h, data64[i]);
    h = divisions(h);
    h = bits(h);
    h = dispatch(h);
    h = mix(h, fib(15));
    static uint8_t buf[256];
    copy_and_fill(buf, bytes, sizeof buf);
    h = mix(h, crc32(buf, sizeof buf));
    sink = h;
    return h;
}
