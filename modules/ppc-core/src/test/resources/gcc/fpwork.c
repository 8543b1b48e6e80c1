/* Hard-float workload for the epapr-lab CPU engine tests (GCC -O2 -mhard-float): double and
 * single arithmetic (GCC contracts a*b+c into fmadd/fmadds), division, conversions in every
 * direction (fctiwz, fcfid on e5500, libgcc helpers on e500mc), compares and sorting, Newton
 * square roots, a Mandelbrot count, denormals, infinities and NaNs, and all four rounding
 * modes switched with mtfsfi. Every result's bits and the final FPSCR fold into one checksum,
 * which QEMU user mode computes for the reference (build-fp.sh). No libc, no libm. */
#include <stdint.h>

#define N 48
static double d[N];
static float f[N];
static volatile double vzero = 0.0, vone = 1.0, vtiny = 0x1p-1070;

static uint32_t mix(uint32_t h, uint32_t v) { h ^= v; h *= 16777619u; return h ^ (h >> 13); }
static uint32_t mixd(uint32_t h, double x) {
    union { double d; uint64_t u; } c = { x };
    return mix(mix(h, (uint32_t) c.u), (uint32_t) (c.u >> 32));
}
static uint32_t mixf(uint32_t h, float x) { union { float f; uint32_t u; } c = { x }; return mix(h, c.u); }
static uint32_t lcg(uint32_t *s) { *s = *s * 1103515245u + 12345u; return *s; }

static void set_rn(int rn) {
    switch (rn & 3) {
    case 0: __asm__ volatile("mtfsfi 7,0"); break;
    case 1: __asm__ volatile("mtfsfi 7,1"); break;
    case 2: __asm__ volatile("mtfsfi 7,2"); break;
    default: __asm__ volatile("mtfsfi 7,3"); break;
    }
}

static uint32_t fpscr(void) {
    union { double d; uint64_t u; } c;
    __asm__ volatile("mffs %0" : "=f"(c.d));
    return (uint32_t) c.u;
}

__attribute__((noinline)) static void fill(uint32_t seed) {
    for (int i = 0; i < N; i++) {
        int32_t a = (int32_t) lcg(&seed), b = (int32_t) (lcg(&seed) | 1);
        d[i] = (double) a / (double) b * (double) (1 << (i % 20));
        f[i] = (float) ((double) (int32_t) lcg(&seed) / 65536.0);
    }
}

__attribute__((noinline)) static void sortd(double *a, int n) {
    for (int i = 1; i < n; i++) {
        double v = a[i]; int j = i - 1;
        while (j >= 0 && a[j] > v) { a[j + 1] = a[j]; j--; }
        a[j + 1] = v;
    }
}

__attribute__((noinline)) static double newton_sqrt(double x) {
    if (!(x > 0)) return x == 0 ? x : (x - x) / (x - x);   /* NaN for negatives, as sqrt */
    double r = x > 1 ? x / 2 : 1;
    for (int i = 0; i < 60; i++) r = 0.5 * (r + x / r);
    return r;
}

__attribute__((noinline)) static double horner(double x) {
    static const double c[] = {1.0, -0.5, 1.0 / 3, -0.25, 0.2, -1.0 / 6, 1.0 / 7};
    double r = 0;
    for (int i = 6; i >= 0; i--) r = r * x + c[i];
    return r;
}

__attribute__((noinline)) static float dotf(const float *a, const float *b, int n) {
    float s = 0;
    for (int i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

__attribute__((noinline)) static int mandel(double cr, double ci) {
    double zr = 0, zi = 0;
    int k = 0;
    while (k < 200 && zr * zr + zi * zi <= 4.0) {
        double t = zr * zr - zi * zi + cr;
        zi = 2 * zr * zi + ci;
        zr = t;
        k++;
    }
    return k;
}

uint32_t fpwork(uint32_t seed) {
    uint32_t h = 2166136261u;
    fill(seed);
    for (int rn = 0; rn < 4; rn++) {
        set_rn(rn);
        double s = 0, p = 1;
        for (int i = 0; i < N; i++) {
            s += d[i] / (i + 1);
            p = p * 1.0009765625 + d[i] * 1e-9;
            h = mixd(h, d[i] * d[(i + 7) % N] - s);
            h = mixf(h, f[i] * f[(i + 3) % N] + f[(i + 5) % N]);
            h = mixf(h, f[i] / (f[(i + 1) % N] + 0.5f));
        }
        h = mixd(h, s); h = mixd(h, p);
        h = mixf(h, dotf(f, f + 8, N - 8));
        h = mixd(h, horner(d[rn] * 1e-9));
        h = mixd(h, newton_sqrt(2.0 + rn));
        h = mixd(h, (double) (float) (d[rn] / 3.0));   /* frsp */
    }
    set_rn(0);
    for (int i = 0; i < N; i++) {
        double x = d[i] * 1e-3;
        h = mix(h, (uint32_t) (int32_t) x);                   /* fctiwz */
        h = mix(h, (uint32_t) (int64_t) (x * 4096.0));        /* fctidz / __fixdfdi */
        h = mix(h, (uint32_t) (uint64_t) (x < 0 ? -x : x));   /* unsigned conversion */
        h = mixd(h, (double) (int64_t) ((int64_t) lcg(&seed) << 20));   /* fcfid / __floatdidf */
        h = mixd(h, (double) lcg(&seed));                     /* unsigned int to double */
        h = mixf(h, (float) (int32_t) lcg(&seed));
        h = mix(h, (x < 1.5) | (x >= -2.0) << 1 | (x == d[i] * 1e-3) << 2 | (f[i] != f[i]) << 3);
    }
    sortd(d, N);
    for (int i = 0; i < N; i++) h = mixd(h, d[i]);
    for (int i = 0; i < 16; i++) h = mix(h, mandel(-2.0 + i * 0.15625, 0.5 - i * 0.0625));
    /* special values: infinities, NaN, denormals, signed zeros */
    double inf = vone / vzero, nan = vzero / vzero, den = vtiny;
    h = mixd(h, inf - inf);
    h = mixd(h, -vone / vzero);
    h = mixd(h, den * 0.25);
    h = mixd(h, den / 3);
    h = mixd(h, -vzero * vone);
    h = mix(h, (nan == nan) | (nan < 1) << 1 | (inf > 1e308) << 2);
    h = mixd(h, newton_sqrt(-1.0));
    h = mixd(h, (double) 0x1.fffffep127f * 2);   /* overflow in single range stays finite as double */
    h = mixf(h, (float) (den * 1e300));
    h = mix(h, fpscr());
    return h;
}
