/* Floating-point programs: double and float arithmetic, conversions, comparisons, Newton
 * iterations, polynomial evaluation, special values. Results are printed as bit patterns. */
#include "lib.h"

static u64 bits(double d) { union { double d; u64 u; } x = {d}; return x.u; }
static u32 fbits(float f) { union { float f; u32 u; } x = {f}; return x.u; }

static volatile double vzero = 0.0, vone = 1.0, vbig = 1e308;

static double newton_sqrt(double x) { double g = x / 2 + 1; for (int i = 0; i < 30; i++) g = (g + x / g) / 2; return g; }

int corpus_main(void) {
    out_str("corpus: floating point\n");
    double s = 0, p = 1;
    for (int i = 1; i <= 200; i++) { s += 1.0 / i; p *= 1.0 + 1.0 / (i * i); }
    out_line("harmonic", bits(s));
    out_line("product", bits(p));
    out_line("sqrt2", bits(newton_sqrt(2.0)));
    out_line("sqrt1e10", bits(newton_sqrt(1e10)));
    double poly = 0; const double c[] = {1.0, -0.5, 0.041666666666666664, -0.001388888888888889, 2.48015873015873e-05};
    for (int k = 0; k < 50; k++) { double x = k * 0.1, y = 0; for (int j = 4; j >= 0; j--) y = y * x * x + c[j]; poly += y; }
    out_line("cospoly", bits(poly));
    float fs = 0; for (int i = 1; i < 500; i++) fs += 1.0f / (float) i * (i & 1 ? 1.0f : -1.0f);
    out_line("floatsum", fbits(fs));
    u64 h = 0;
    for (int i = -50; i < 50; i++) {
        double d = i * 1.37 - 0.5;
        h = h * 31 + (u64) (s64) d + (u64) (int) (d * 3.1) + (u32) (float) d + (d < 0.25) + 2 * (d >= -7.5);
        h += (u64) (s64) (d * 1e12);
        h ^= bits((double) (s64) h);
    }
    out_line("convert", h);
    out_line("inf", bits(vbig * 10));
    out_line("div0", bits(vone / vzero));
    double nan = vzero / vzero;
    out_line("nan-cmp", (nan == nan) * 4 + (nan < 1.0) * 2 + (nan != nan));
    out_line("denorm", bits(2.2250738585072014e-308 / 1024.0 * 3.0));
    out_line("ftoi", (u64) (s64) -3.75 ^ ((u64) (u32) 4e9 << 1));
    out_str("end\n");
    return 0;
}
