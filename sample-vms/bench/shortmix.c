/*
 * shortmix.c - the kernels of the short-guest suite (see shortmix.h). Plain C,
 * no library calls; static work areas, so the guest needs no heap.
 */
#include "shortmix.h"

static uint32_t lcg_state;
static uint32_t lcg(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state;
}

static uint32_t mix(uint32_t h, uint32_t v)
{
    h ^= v;
    h *= 0x01000193u;
    return h ^ (h >> 15);
}

static uint32_t fold_double(uint32_t h, double d)
{
    union { double d; uint64_t u; } v = { .d = d };
    return mix(mix(h, (uint32_t)v.u), (uint32_t)(v.u >> 32));
}

/* ---- integer kernels ---- */

static uint8_t buf[16384];

static uint32_t k_crc32(void)
{
    lcg_state = 1;
    for (unsigned i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)(lcg() >> 24);
    uint32_t crc = 0xFFFFFFFFu;
    for (int pass = 0; pass < 3; pass++)
        for (unsigned i = 0; i < sizeof buf; i++) {
            crc ^= buf[i];
            for (int b = 0; b < 8; b++)
                crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
        }
    return ~crc;
}

static uint8_t composite[300000];

static uint32_t k_sieve(void)
{
    uint32_t n = sizeof composite, count = 0;
    for (uint32_t i = 0; i < n; i++)
        composite[i] = 0;
    for (uint32_t i = 2; i * i < n; i++)
        if (!composite[i])
            for (uint32_t j = i * i; j < n; j += i)
                composite[j] = 1;
    for (uint32_t i = 2; i < n; i++)
        if (!composite[i])
            count = mix(count, i);
    return count;
}

static uint32_t sortv[20000];

static void quicksort(uint32_t *v, int lo, int hi)
{
    while (lo < hi) {
        uint32_t pivot = v[(lo + hi) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot) i++;
            while (v[j] > pivot) j--;
            if (i <= j) {
                uint32_t t = v[i]; v[i] = v[j]; v[j] = t;
                i++; j--;
            }
        }
        if (j - lo < hi - i) { quicksort(v, lo, j); lo = i; }
        else { quicksort(v, i, hi); hi = j; }
    }
}

static uint32_t k_qsort(void)
{
    int n = sizeof sortv / sizeof sortv[0];
    lcg_state = 7;
    for (int i = 0; i < n; i++)
        sortv[i] = lcg();
    quicksort(sortv, 0, n - 1);
    uint32_t h = 0;
    for (int i = 0; i < n; i++) {
        if (i > 0 && sortv[i - 1] > sortv[i])
            return 0;
        h = mix(h, sortv[i]);
    }
    return h;
}

#define IM 56
static int32_t ia[IM][IM], ib[IM][IM], ic[IM][IM];

static uint32_t k_imatmul(void)
{
    lcg_state = 3;
    for (int i = 0; i < IM; i++)
        for (int j = 0; j < IM; j++) {
            ia[i][j] = (int32_t)(lcg() >> 20) - 2048;
            ib[i][j] = (int32_t)(lcg() >> 20) - 2048;
        }
    for (int i = 0; i < IM; i++)
        for (int j = 0; j < IM; j++) {
            int32_t s = 0;
            for (int k = 0; k < IM; k++)
                s += ia[i][k] * ib[k][j];
            ic[i][j] = s;
        }
    uint32_t h = 0;
    for (int i = 0; i < IM; i++)
        for (int j = 0; j < IM; j++)
            h = mix(h, (uint32_t)ic[i][j]);
    return h;
}

static uint32_t k_collatz(void)
{
    uint32_t h = 0;
    for (uint32_t n = 1; n < 5000; n++) {
        uint64_t x = n;
        uint32_t steps = 0;
        while (x != 1) {
            x = (x & 1) ? 3 * x + 1 : x >> 1;
            steps++;
        }
        h = mix(h, steps);
    }
    return h;
}

static int queens_cols[12];

static int queens_ok(int row, int col)
{
    for (int r = 0; r < row; r++) {
        int c = queens_cols[r];
        if (c == col || c - col == r - row || col - c == r - row)
            return 0;
    }
    return 1;
}

static uint32_t queens(int row, int n)
{
    if (row == n)
        return 1;
    uint32_t count = 0;
    for (int col = 0; col < n; col++)
        if (queens_ok(row, col)) {
            queens_cols[row] = col;
            count += queens(row + 1, n);
        }
    return count;
}

static uint32_t k_queens(void)
{
    return queens(0, 8) * 1000 + queens(0, 7);
}

static uint32_t digits[1200];

/* 600! in base 10000, its digit groups hashed. */
static uint32_t k_factorial(void)
{
    int len = 1;
    digits[0] = 1;
    for (uint32_t f = 2; f <= 600; f++) {
        uint32_t carry = 0;
        for (int i = 0; i < len; i++) {
            uint32_t v = digits[i] * f + carry;
            digits[i] = v % 10000;
            carry = v / 10000;
        }
        while (carry) {
            digits[len++] = carry % 10000;
            carry /= 10000;
        }
    }
    uint32_t h = (uint32_t)len;
    for (int i = 0; i < len; i++)
        h = mix(h, digits[i]);
    return h;
}

/* ---- floating-point kernels ---- */

static double sqrt_newton(double x)
{
    if (x <= 0.0)
        return 0.0;
    double r = x > 1.0 ? x : 1.0;
    for (int i = 0; i < 60; i++) {
        double next = 0.5 * (r + x / r);
        if (next == r)
            break;
        r = next;
    }
    return r;
}

static uint32_t k_mandel(void)
{
    uint32_t total = 0;
    for (int py = 0; py < 48; py++)
        for (int px = 0; px < 72; px++) {
            double cx = -2.2 + px * (3.2 / 72), cy = -1.2 + py * (2.4 / 48);
            double x = 0, y = 0;
            int it = 0;
            while (it < 100 && x * x + y * y < 4.0) {
                double t = x * x - y * y + cx;
                y = 2 * x * y + cy;
                x = t;
                it++;
            }
            total = mix(total, (uint32_t)it);
        }
    return total;
}

#define BODIES 5
static double pos[BODIES][3], vel[BODIES][3], mass[BODIES];

static uint32_t k_nbody(void)
{
    for (int i = 0; i < BODIES; i++) {
        mass[i] = 1.0 + i * 0.25;
        for (int d = 0; d < 3; d++) {
            pos[i][d] = (i + 1) * (d + 2) * 0.37 - 1.1;
            vel[i][d] = (i - 2) * (d - 1) * 0.01;
        }
    }
    const double dt = 0.001;
    for (int step = 0; step < 1500; step++) {
        for (int i = 0; i < BODIES; i++)
            for (int j = i + 1; j < BODIES; j++) {
                double dx = pos[i][0] - pos[j][0], dy = pos[i][1] - pos[j][1], dz = pos[i][2] - pos[j][2];
                double d2 = dx * dx + dy * dy + dz * dz + 0.01;
                double mag = dt / (d2 * sqrt_newton(d2));
                vel[i][0] -= dx * mass[j] * mag; vel[i][1] -= dy * mass[j] * mag; vel[i][2] -= dz * mass[j] * mag;
                vel[j][0] += dx * mass[i] * mag; vel[j][1] += dy * mass[i] * mag; vel[j][2] += dz * mass[i] * mag;
            }
        for (int i = 0; i < BODIES; i++)
            for (int d = 0; d < 3; d++)
                pos[i][d] += dt * vel[i][d];
    }
    uint32_t h = 0;
    for (int i = 0; i < BODIES; i++)
        for (int d = 0; d < 3; d++)
            h = fold_double(h, pos[i][d]);
    return h;
}

#define FM 40
static double fa[FM][FM], fb[FM];

/* Gaussian elimination with partial pivoting on a diagonally dominant system. */
static uint32_t k_gauss(void)
{
    lcg_state = 11;
    for (int i = 0; i < FM; i++) {
        for (int j = 0; j < FM; j++)
            fa[i][j] = (double)(lcg() >> 16) / 65536.0 - 0.5;
        fa[i][i] += FM;
        fb[i] = (double)(lcg() >> 16) / 1024.0;
    }
    for (int rep = 0; rep < 3; rep++) {
        for (int k = 0; k < FM; k++) {
            int p = k;
            for (int i = k + 1; i < FM; i++) {
                double a = fa[i][k] < 0 ? -fa[i][k] : fa[i][k], b = fa[p][k] < 0 ? -fa[p][k] : fa[p][k];
                if (a > b) p = i;
            }
            for (int j = 0; j < FM; j++) { double t = fa[k][j]; fa[k][j] = fa[p][j]; fa[p][j] = t; }
            { double t = fb[k]; fb[k] = fb[p]; fb[p] = t; }
            for (int i = k + 1; i < FM; i++) {
                double f = fa[i][k] / fa[k][k];
                for (int j = k; j < FM; j++)
                    fa[i][j] -= f * fa[k][j];
                fb[i] -= f * fb[k];
            }
        }
        for (int i = FM - 1; i >= 0; i--) {
            double s = fb[i];
            for (int j = i + 1; j < FM; j++)
                s -= fa[i][j] * fb[j];
            fb[i] = s / fa[i][i];
        }
        for (int i = 0; i < FM; i++)     /* next round: a new, still dominant system */
            for (int j = 0; j < FM; j++)
                fa[i][j] = (i == j ? FM : 0.0) + fb[(i + j) % FM] * 0.001;
    }
    uint32_t h = 0;
    for (int i = 0; i < FM; i++)
        h = fold_double(h, fb[i]);
    return h;
}

static uint32_t k_simpson(void)
{
    uint32_t h = 0;
    for (int f = 1; f <= 4; f++) {
        int n = 20000;
        double a = 0.0, b = f, w = (b - a) / n, s = 0.0;
        for (int i = 0; i <= n; i++) {
            double x = a + i * w;
            double y = 1.0 / (1.0 + x * x) + x * x * x / (f + x);
            s += (i == 0 || i == n ? 1.0 : (i & 1) ? 4.0 : 2.0) * y;
        }
        h = fold_double(h, s * w / 3.0);
    }
    return h;
}

static uint32_t k_fpsort(void)
{
    static double v[6000];
    lcg_state = 5;
    int n = sizeof v / sizeof v[0];
    for (int i = 0; i < n; i++)
        v[i] = (double)lcg() / 4294967296.0 * 1000.0 - 500.0;
    for (int gap = n / 2; gap > 0; gap /= 2)      /* shell sort */
        for (int i = gap; i < n; i++) {
            double t = v[i];
            int j = i;
            for (; j >= gap && v[j - gap] > t; j -= gap)
                v[j] = v[j - gap];
            v[j] = t;
        }
    uint32_t h = 0;
    double sum = 0;
    for (int i = 0; i < n; i++) {
        if (i > 0 && v[i - 1] > v[i])
            return 0;
        sum += v[i] * (i + 1);
    }
    return fold_double(h, sum);
}

#include "shortmix-expected.h"

const struct short_kernel short_kernels[] = {
    { "crc32", k_crc32, EXPECTED_crc32 },
    { "sieve", k_sieve, EXPECTED_sieve },
    { "qsort", k_qsort, EXPECTED_qsort },
    { "imatmul", k_imatmul, EXPECTED_imatmul },
    { "collatz", k_collatz, EXPECTED_collatz },
    { "queens", k_queens, EXPECTED_queens },
    { "factorial", k_factorial, EXPECTED_factorial },
    { "mandel", k_mandel, EXPECTED_mandel },
    { "nbody", k_nbody, EXPECTED_nbody },
    { "gauss", k_gauss, EXPECTED_gauss },
    { "simpson", k_simpson, EXPECTED_simpson },
    { "fpsort", k_fpsort, EXPECTED_fpsort },
};
const int short_kernel_count = sizeof short_kernels / sizeof short_kernels[0];

const struct short_kernel *short_find(const char *name)
{
    for (int i = 0; i < short_kernel_count; i++) {
        const char *a = short_kernels[i].name, *b = name;
        while (*a && *a == *b) { a++; b++; }
        if (*a == 0 && (*b == 0 || *b == ' '))
            return &short_kernels[i];
    }
    return 0;
}
