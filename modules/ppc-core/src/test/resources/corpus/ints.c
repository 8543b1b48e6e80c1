/* Integer programs: arithmetic, 64-bit arithmetic (libgcc helpers in 32-bit mode), strings,
 * recursion, switch tables and function pointers, setjmp/longjmp. */
#include "lib.h"

static u64 rng = 0x9E3779B97F4A7C15ull;
static u64 next(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

static void arith(void) {
    u32 h = 0; int primes = 0;
    static unsigned char sieve[4096];
    memset(sieve, 1, sizeof sieve);
    for (int i = 2; i < 4096; i++) if (sieve[i]) { primes++; for (int j = 2 * i; j < 4096; j += i) sieve[j] = 0; }
    out_line("primes", primes);
    for (int i = 1; i < 300; i++) {
        int a = (int) next(), b = (int) (next() | 1);
        unsigned ua = (unsigned) a, ub = (unsigned) b;
        h = h * 31 + (u32) (a / b) + (u32) (a % b) + ua / ub + ua % ub + (u32) (a * b) + (ua >> (i & 31)) + (u32) (a >> (i & 31));
    }
    out_line("arith32", h);
    u32 g = 0;
    for (u32 a = 1071, b = 462, n = 0; n < 200; n++, a += 17 * n, b += 5) { u32 x = a, y = b; while (y) { u32 t = x % y; x = y; y = t; } g += x; }
    out_line("gcd", g);
    u32 steps = 0;
    for (u32 n = 1; n < 400; n++) { u64 c = n; while (c != 1) { c = (c & 1) ? 3 * c + 1 : c / 2; steps++; } }
    out_line("collatz", steps);
}

static void arith64(void) {
    u64 h = 1;
    for (int i = 0; i < 300; i++) {
        s64 a = (s64) next(), b = (s64) (next() >> (i % 60)) | 1;
        u64 ua = (u64) a, ub = (u64) b;
        h = h * 0x100000001B3ull + (u64) (a / b) + (u64) (a % b) + ua / ub + ua % ub + ua * ub
            + (ua >> (i & 63)) + (u64) (a >> (i & 63)) + (ua << (i & 63));
        if (a < b) h ^= 0x5555; if (ua < ub) h += 7;
    }
    out_line("arith64", h);
    u64 m = 1;
    for (int i = 0; i < 64; i++) m = m * 3 + (m >> 7);
    out_line("mix64", m);
}

static int cmpstr(const char *a, const char *b) { while (*a && *a == *b) { a++; b++; } return (unsigned char) *a - (unsigned char) *b; }

static void strings(void) {
    static const char *words[] = {"delta", "alpha", "echo", "charlie", "bravo", "hotel", "golf", "foxtrot", "india", "juliet"};
    const char *w[10];
    for (int i = 0; i < 10; i++) w[i] = words[i];
    for (int i = 1; i < 10; i++) { const char *k = w[i]; int j = i - 1; while (j >= 0 && cmpstr(w[j], k) > 0) { w[j + 1] = w[j]; j--; } w[j + 1] = k; }
    char buf[128]; size_t n = 0;
    for (int i = 0; i < 10; i++) { size_t l = strlen(w[i]); memcpy(buf + n, w[i], l); n += l; buf[n++] = ','; }
    buf[n] = 0;
    out_line("sorted", crc32(0, buf, n));
    memmove(buf + 3, buf, 40); memmove(buf, buf + 5, 30);
    out_line("memmove", crc32(0, buf, 64));
    for (size_t i = 0, j = n - 1; i < j; i++, j--) { char t = buf[i]; buf[i] = buf[j]; buf[j] = t; }
    out_line("reverse", crc32(0, buf, n));
    char num[32]; int len = 0; u64 v = 1234567890123ull;
    while (v) { num[len++] = (char) ('0' + v % 10); v /= 10; }
    out_line("itoa", crc32(0, num, len));
    out_str("hello from the corpus\n");
}

static u32 fib(u32 n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
static u32 ack(u32 m, u32 n) { return m == 0 ? n + 1 : n == 0 ? ack(m - 1, 1) : ack(m - 1, ack(m, n - 1)); }
static u32 moves;
static void hanoi(int n, int a, int b, int c) { if (!n) return; hanoi(n - 1, a, c, b); moves += a * 3 + c; hanoi(n - 1, b, a, c); }
static int is_even(u32 n);
static int is_odd(u32 n) { return n == 0 ? 0 : is_even(n - 1); }
static int is_even(u32 n) { return n == 0 ? 1 : is_odd(n - 1); }
static void qs(int *a, int lo, int hi) {
    if (lo >= hi) return;
    int p = a[(lo + hi) / 2], i = lo, j = hi;
    while (i <= j) { while (a[i] < p) i++; while (a[j] > p) j--; if (i <= j) { int t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; } }
    qs(a, lo, j); qs(a, i, hi);
}

static void recursion(void) {
    out_line("fib", fib(20));
    out_line("ack", ack(2, 3) * 1000 + ack(3, 3));
    hanoi(10, 1, 2, 3); out_line("hanoi", moves);
    out_line("evenodd", is_even(101) * 2 + is_odd(77));
    static int a[500];
    for (int i = 0; i < 500; i++) a[i] = (int) (next() % 100000) - 50000;
    qs(a, 0, 499);
    int ok = 1; for (int i = 1; i < 500; i++) ok &= a[i - 1] <= a[i];
    out_line("qsort", crc32(ok, a, sizeof a));
}

/* A small bytecode machine: a dense switch (jump table) and a table of function pointers. */
static s64 op_add(s64 a, s64 b) { return a + b; }
static s64 op_mul(s64 a, s64 b) { return a * b; }
static s64 op_xor(s64 a, s64 b) { return a ^ b; }
static s64 op_sub(s64 a, s64 b) { return a - b; }
static s64 (*const ops[4])(s64, s64) = {op_add, op_mul, op_xor, op_sub};

static void switches(void) {
    s64 stack[64]; int sp = 0; u64 h = 0;
    for (int i = 0; i < 2000; i++) {
        unsigned op = (unsigned) (next() % 12);
        switch (op) {
            case 0: stack[sp++ & 63] = i; break;
            case 1: stack[sp++ & 63] = -i * 7; break;
            case 2: if (sp > 1) { sp--; stack[(sp - 1) & 63] += stack[sp & 63]; } break;
            case 3: if (sp > 1) { sp--; stack[(sp - 1) & 63] *= stack[sp & 63] | 1; } break;
            case 4: if (sp) h ^= (u64) stack[(sp - 1) & 63]; break;
            case 5: h = h * 33 + 5; break;
            case 6: if (sp) sp--; break;
            case 7: h += (u64) ops[i & 3]((s64) h, i); break;
            case 8: h = (h << 3) | (h >> 61); break;
            case 9: stack[sp++ & 63] = (s64) h; break;
            case 10: h -= 0x1234; break;
            default: h ^= op * 0x9E37u; break;
        }
    }
    out_line("switch", h);
    u32 cls = 0;
    for (int c = 0; c < 128; c++) {
        switch (c) {
            case 'a' ... 'z': cls += 1; break;
            case 'A' ... 'Z': cls += 100; break;
            case '0' ... '9': cls += 10000; break;
            case ' ': case '\t': case '\n': cls += 1000000; break;
            default: break;
        }
    }
    out_line("ctype", cls);
}

static jmpbuf jb;
static int depth;
static void dive(int n) {
    depth++;
    if (n == 0) my_longjmp(jb, 42 + depth);
    dive(n - 1);
    depth = -1000; /* never reached */
}

static void sjlj(void) {
    volatile int count = 0;
    int r = my_setjmp(jb);
    count++;
    if (r == 0) dive(25);
    out_line("longjmp", (u64) r << 16 | (u32) count);
    r = my_setjmp(jb);
    if (r == 0) my_longjmp(jb, 0); /* longjmp with 0 returns 1 */
    out_line("longjmp0", r);
}

int corpus_main(void) {
    out_str("corpus: integer programs\n");
    arith(); arith64(); strings(); recursion(); switches(); sjlj();
    out_str("end\n");
    return 0;
}
