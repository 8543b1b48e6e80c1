package epaprlab.ppc.exec;

import epaprlab.ppc.cpu.Fpscr;

/**
 * IEEE 754 binary64 arithmetic on raw bits with all four rounding modes, modelled on QEMU's
 * softfloat as the PowerPC target configures it (fpu/softfloat-parts.c.inc, QEMU 7.2): exact
 * integer significands (up to 128 bits plus a sticky bit) rounded once, NaN propagation per
 * PowerPC (first NaN operand in order A, B — for multiply-add A, B(addend), C — silenced),
 * default NaN 0x7FF8000000000000, tininess detected before rounding, underflow only when tiny and
 * inexact; with FPSCR[OE] (UE) set, an overflowing (tiny) result is scaled by 2^-1536 (2^1536;
 * 2^-+192 in single precision) instead, as QEMU's rebias_overflow/rebias_underflow (the
 * architected enabled-exception results). "Single" results are QEMU's float64r32: rounded once to binary32 precision and
 * range, returned in binary64 format (NaN payloads cut to binary32's 23 fraction bits).
 *
 * <p>The exception flags of an operation accumulate in {@link CpuState#fpFlags}; nothing here
 * allocates.
 */
final class FpArith {
    private FpArith() {}

    // softfloat-style flags, with the invalid cause split out like QEMU's float_flag_invalid_*
    static final int INEXACT = 1, UNDERFLOW = 2, OVERFLOW = 4, DIVZERO = 8;
    static final int SNAN = 16, ISI = 32, IMZ = 64, IDI = 128, ZDZ = 256, SQRT = 512, CVI = 1024;
    static final int INVALID = SNAN | ISI | IMZ | IDI | ZDZ | SQRT | CVI;
    /** Internal: the last {@link #addRound} cancelled exactly to zero. */
    static final int EXACT_ZERO = 1 << 15;

    static final long SIGN = 0x8000_0000_0000_0000L;
    static final long EXP = 0x7FF0_0000_0000_0000L;
    static final long FRAC = 0x000F_FFFF_FFFF_FFFFL;
    static final long QUIET = 0x0008_0000_0000_0000L;
    static final long DEFAULT_NAN = 0x7FF8_0000_0000_0000L;
    static final long INF = EXP;
    /** Fraction bits binary32 keeps (the top 23 of binary64's 52). */
    static final long SINGLE_MASK = 0xFFFF_FFFF_E000_0000L;

    static boolean isNaN(long x) { return (x & ~SIGN) > INF; }
    static boolean isSNaN(long x) { return isNaN(x) && (x & QUIET) == 0; }
    static boolean isInf(long x) { return (x & ~SIGN) == INF; }
    static boolean isZero(long x) { return (x & ~SIGN) == 0; }
    static boolean neg(long x) { return x < 0; }

    /** A NaN result: silenced, payload cut to binary32 for single-precision operations. */
    private static long nanResult(long x, boolean single) {
        x |= QUIET;
        return single ? x & SINGLE_MASK : x;
    }

    /** PowerPC two-operand NaN rule: A if it is a NaN, else B; SNaN operands raise invalid. */
    private static long pickNaN(CpuState s, long a, long b, boolean single) {
        if (isSNaN(a) || isSNaN(b)) s.fpFlags |= SNAN;
        return nanResult(isNaN(a) ? a : b, single);
    }

    // ---- unpacking ---------------------------------------------------------------------------

    /** Significand of a finite nonzero x, normalised to bit 52 set. */
    private static long sig(long x) {
        long f = x & FRAC;
        if ((x & EXP) == 0) return f << (Long.numberOfLeadingZeros(f) - 11);
        return f | (1L << 52);
    }

    /** Exponent of the significand's last bit for {@link #sig}: x = sig(x) * 2^lsb(x). */
    private static int lsb(long x) {
        int e = (int) (x >>> 52) & 0x7FF;
        if (e == 0) return -1074 - (Long.numberOfLeadingZeros(x & FRAC) - 11);
        return e - 1075;
    }

    // ---- rounding ----------------------------------------------------------------------------

    private static boolean increment(int rn, boolean neg, long k, int roundBit, boolean sticky) {
        return switch (rn) {
            case Fpscr.RN_NEAREST -> roundBit != 0 && (sticky || (k & 1) != 0);
            case Fpscr.RN_ZERO -> false;
            case Fpscr.RN_UP -> !neg && (roundBit != 0 || sticky);
            default -> neg && (roundBit != 0 || sticky);
        };
    }

    /**
     * Rounds the nonzero value (hi:lo) * 2^e, plus a nonzero amount below bit 0 when {@code
     * sticky}, to binary64 (or to binary32 precision and range when {@code single}) in the
     * FPSCR's rounding mode; returns binary64 bits and sets the flags.
     */
    static long round(CpuState s, boolean neg, long hi, long lo, int e, boolean sticky, boolean single) {
        int rn = s.fpscr & Fpscr.RN;
        int lz = hi != 0 ? Long.numberOfLeadingZeros(hi) : 64 + Long.numberOfLeadingZeros(lo);
        if (lz >= 64) { hi = lo; lo = 0; lz -= 64; e -= 64; }
        if (lz > 0) { hi = (hi << lz) | (lo >>> (64 - lz)); lo <<= lz; e -= lz; }
        int p = single ? 24 : 53, emin = single ? -126 : -1022, emax = single ? 127 : 1023;
        int rebias = single ? 192 : 1536;   // softfloat exp_re_bias (IEEE 754-1985 trapped results)
        int lead = e + 127;
        boolean tinyRebiased = lead < emin && (s.fpscr & Fpscr.UE) != 0;
        if (tinyRebiased) {   // QEMU rebias_underflow (UE = 1): scaled up, always UX, not denormalised
            s.fpFlags |= UNDERFLOW;
            e += rebias;
            lead += rebias;
        }
        int lsbExp = tinyRebiased ? lead - (p - 1) : Math.max(lead - (p - 1), emin - (p - 1));
        int sh = lsbExp - e;   // bits dropped, >= 128 - p
        long k;
        int rb;
        boolean st;
        if (sh >= 129) { k = 0; rb = 0; st = true; }
        else if (sh == 128) { k = 0; rb = (int) (hi >>> 63); st = (hi << 1) != 0 || lo != 0 || sticky; }
        else {
            int b = sh - 64;
            k = hi >>> b;
            rb = (int) (hi >>> (b - 1)) & 1;
            st = (hi & ((1L << (b - 1)) - 1)) != 0 || lo != 0 || sticky;
        }
        boolean inexact = rb != 0 || st;
        // tininess before rounding, as QEMU configures softfloat for PowerPC (frsp of
        // 0x380FFFFFFFFFFFFF rounding up to 2^-126 sets UX in QEMU)
        if (!tinyRebiased && lead < emin && inexact) s.fpFlags |= UNDERFLOW;
        if (inexact) s.fpFlags |= INEXACT;
        if (increment(rn, neg, k, rb, st)) {
            k++;
            if (k == 1L << p) { k >>>= 1; lsbExp++; }
        }
        long sign = neg ? SIGN : 0;
        if (lsbExp + p - 1 > emax && (s.fpscr & Fpscr.OE) != 0) {
            s.fpFlags |= OVERFLOW;   // QEMU rebias_overflow (OE = 1): scaled down, no forced inexact
            lsbExp -= rebias;
        } else if (lsbExp + p - 1 > emax) {
            s.fpFlags |= OVERFLOW | INEXACT;
            boolean toInf = rn == Fpscr.RN_NEAREST || (rn == Fpscr.RN_UP && !neg) || (rn == Fpscr.RN_DOWN && neg);
            if (toInf) return sign | INF;
            return sign | (single ? 0x47EF_FFFF_E000_0000L : 0x7FEF_FFFF_FFFF_FFFFL);
        }
        if (k == 0) return sign;
        int lzk = Long.numberOfLeadingZeros(k);
        int top = lsbExp + 63 - lzk;
        if (top >= -1022) return sign | ((long) (top + 1023) << 52) | ((k << (lzk - 11)) & FRAC);
        return sign | (k << (lsbExp + 1074));   // binary64 denormal (lsbExp == -1074 here)
    }

    /** Rounds a finite binary64 value to the format (identity for double unless tiny/huge rules apply). */
    private static long roundValue(CpuState s, long x, boolean single) {
        if (isZero(x) || !single && (x & EXP) != 0) return x;     // a normal double is its own rounding
        return round(s, neg(x), 0, sig(x), lsb(x), false, single);
    }

    // ---- exact addition of two 128-bit significands ------------------------------------------

    /**
     * Rounds (-1)^na * A * 2^ea + (-1)^nb * B * 2^eb, A and B nonzero and below 2^125. An exact
     * zero sum is +0, or -0 when rounding toward -infinity (IEEE 754 6.3).
     */
    private static long addRound(CpuState s, boolean na, long ah, long al, int ea,
                                 boolean nb, long bh, long bl, int eb, boolean single) {
        // normalise both to the leading bit at 124 (three bits of headroom)
        int la = lz128(ah, al) - 3, lb = lz128(bh, bl) - 3;
        long t;
        if (la > 0) { if (la >= 64) { ah = al << (la - 64); al = 0; } else { ah = (ah << la) | (al >>> (64 - la)); al <<= la; } ea -= la; }
        if (lb > 0) { if (lb >= 64) { bh = bl << (lb - 64); bl = 0; } else { bh = (bh << lb) | (bl >>> (64 - lb)); bl <<= lb; } eb -= lb; }
        if (ea < eb) {   // make A the one with the larger exponent
            boolean tn = na; na = nb; nb = tn;
            t = ah; ah = bh; bh = t;
            t = al; al = bl; bl = t;
            int te = ea; ea = eb; eb = te;
        }
        int d = ea - eb;
        boolean sticky = false;
        if (d < 3) {   // shift A up instead: exact
            if (d > 0) { ah = (ah << d) | (al >>> (64 - d)); al <<= d; ea -= d; }
        } else if (d >= 128) {
            bh = 0; bl = 0; sticky = true;
        } else if (d >= 64) {
            int r = d - 64;
            sticky = bl != 0 || (r > 0 && (bh << (64 - r)) != 0);
            bl = r == 0 ? bh : bh >>> r;
            bh = 0;
        } else {
            sticky = (bl << (64 - d)) != 0;
            bl = (bl >>> d) | (bh << (64 - d));
            bh >>>= d;
        }
        long rh, rl;
        boolean rneg;
        if (na == nb) {
            rl = al + bl;
            rh = ah + bh + (Long.compareUnsigned(rl, al) < 0 ? 1 : 0);
            rneg = na;
        } else {
            int c = Long.compareUnsigned(ah, bh) != 0 ? Long.compareUnsigned(ah, bh) : Long.compareUnsigned(al, bl);
            if (c == 0 && !sticky) {
                s.fpFlags |= EXACT_ZERO;
                return (s.fpscr & Fpscr.RN) == Fpscr.RN_DOWN ? SIGN : 0;
            }
            if (c >= 0) {   // A - B (B truncated when sticky: A - B - 1 + (1 - fraction))
                rl = al - bl;
                rh = ah - bh - (Long.compareUnsigned(al, bl) < 0 ? 1 : 0);
                if (sticky) { rh -= rl == 0 ? 1 : 0; rl--; }
                rneg = na;
            } else {        // only when d < 3: nothing was truncated
                rl = bl - al;
                rh = bh - ah - (Long.compareUnsigned(bl, al) < 0 ? 1 : 0);
                rneg = nb;
            }
        }
        return round(s, rneg, rh, rl, ea, sticky, single);
    }

    private static int lz128(long h, long l) {
        return h != 0 ? Long.numberOfLeadingZeros(h) : 64 + Long.numberOfLeadingZeros(l);
    }

    // ---- operations --------------------------------------------------------------------------

    /** a + b (b negated first for subtraction). */
    static long add(CpuState s, long a, long b, boolean subtract, boolean single) {
        if (isNaN(a) || isNaN(b)) return pickNaN(s, a, b, single);
        if (subtract) b ^= SIGN;
        if (isInf(a) || isInf(b)) {
            if (isInf(a) && isInf(b) && ((a ^ b) < 0)) { s.fpFlags |= ISI; return DEFAULT_NAN; }
            return isInf(a) ? a : b;
        }
        if (isZero(a) && isZero(b)) {
            if ((a ^ b) >= 0) return a;
            return (s.fpscr & Fpscr.RN) == Fpscr.RN_DOWN ? SIGN : 0;
        }
        if (isZero(a)) return roundValue(s, b, single);
        if (isZero(b)) return roundValue(s, a, single);
        if (!single) {
            int ea = (int) (a >>> 52) & 0x7FF, eb = (int) (b >>> 52) & 0x7FF;
            double x = Double.longBitsToDouble(a), y = Double.longBitsToDouble(b), r = x + y;
            int er = (int) (Double.doubleToRawLongBits(r) >>> 52) & 0x7FF;
            if (ea != 0 && eb != 0 && ea <= 2000 && eb <= 2000 && er >= 64 && er <= 2000) {
                // a normal sum: the host's rounding, its exact error by Knuth's two-sum
                double bv = r - x;
                double err = (x - (r - bv)) + (y - bv);
                return directed(s, r, err == 0 ? 0 : err > 0 ? 1 : -1);
            }
        }
        return addExact(s, a, b, single);
    }

    /** Finite nonzero a + b from the exact sum of the significands, rounded once. */
    static long addExact(CpuState s, long a, long b, boolean single) {
        return addRound(s, neg(a), 0, sig(a), lsb(a), neg(b), 0, sig(b), lsb(b), single);
    }

    static long mul(CpuState s, long a, long b, boolean single) {
        if (isInf(a) && isZero(b) || isZero(a) && isInf(b)) { s.fpFlags |= IMZ; return DEFAULT_NAN; }
        if (isNaN(a) || isNaN(b)) return pickNaN(s, a, b, single);
        long sign = (a ^ b) & SIGN;
        if (isInf(a) || isInf(b)) return sign | INF;
        if (isZero(a) || isZero(b)) return sign;
        int ea = (int) (a >>> 52) & 0x7FF, eb = (int) (b >>> 52) & 0x7FF;
        if (!single && ea != 0 && eb != 0 && ea + eb >= 1087 && ea + eb <= 3000) {
            // a normal product: the host's rounding, its exact error by one fma
            double x = Double.longBitsToDouble(a), y = Double.longBitsToDouble(b), p = x * y;
            double err = Math.fma(x, y, -p);
            return directed(s, p, err == 0 ? 0 : err > 0 ? 1 : -1);
        }
        return mulExact(s, a, b, sign, single);
    }

    /** Finite nonzero a * b from the exact 106-bit product of the significands, rounded once. */
    static long mulExact(CpuState s, long a, long b, long sign, boolean single) {
        long ma = sig(a), mb = sig(b);
        return round(s, sign != 0, Math.multiplyHigh(ma, mb), ma * mb, lsb(a) + lsb(b), false, single);
    }

    static long div(CpuState s, long a, long b, boolean single) {
        if (isZero(a) && isZero(b)) { s.fpFlags |= ZDZ; return DEFAULT_NAN; }
        if (isInf(a) && isInf(b)) { s.fpFlags |= IDI; return DEFAULT_NAN; }
        if (isNaN(a) || isNaN(b)) return pickNaN(s, a, b, single);
        long sign = (a ^ b) & SIGN;
        if (isInf(a)) return sign | INF;
        if (isZero(a) || isInf(b)) return sign;
        if (isZero(b)) { s.fpFlags |= DIVZERO; return sign | INF; }
        int ea = (int) (a >>> 52) & 0x7FF, eb = (int) (b >>> 52) & 0x7FF;
        if (!single && ea >= 128 && eb != 0 && Math.abs(ea - eb) <= 1000) return divNormal(s, a, b);
        return divRestoring(s, a, b, sign, single);
    }

    /** Finite nonzero a / b by an exact integer division of the significands, rounded once. */
    static long divRestoring(CpuState s, long a, long b, long sign, boolean single) {
        long ma = sig(a), mb = sig(b), q = 0, r = ma;
        for (int i = 0; i < 62; i++) {   // 62 quotient bits by restoring division
            q <<= 1;
            if (r >= mb) { r -= mb; q |= 1; }
            r <<= 1;
        }
        return round(s, sign != 0, 0, q, lsb(a) - lsb(b) - 61, r != 0, single);
    }

    /**
     * {@link #div} of binary64 operands whose quotient is far from overflow and underflow and whose
     * remainder a - q*b is exactly representable (a not tiny, b normal): the host's division
     * rounds to nearest, the exact remainder (one fma) gives the inexact flag and the side of the
     * true quotient for the directed modes. Same bits and flags as the restoring division.
     */
    private static long divNormal(CpuState s, long a, long b) {
        double x = Double.longBitsToDouble(a), y = Double.longBitsToDouble(b);
        double q = x / y;
        double rem = Math.fma(-q, y, x);
        return directed(s, q, rem == 0 ? 0 : (rem > 0) == (y > 0) ? 1 : -1);
    }

    /**
     * The host's round-to-nearest result {@code r} of an operation whose exact result lies above it
     * ({@code side} 1), below it (-1) or on it (0), in the FPSCR's rounding mode, with the inexact
     * flag; only for results far from overflow and underflow (the only flag is then inexact).
     */
    private static long directed(CpuState s, double r, int side) {
        if (side == 0) return Double.doubleToRawLongBits(r);
        s.fpFlags |= INEXACT;
        return Double.doubleToRawLongBits(directedValue(s.fpscr & Fpscr.RN, r, side));
    }

    /** {@link #directed}'s result for a nonzero {@code side} in rounding mode {@code rn}. */
    static double directedValue(int rn, double r, int side) {
        switch (rn) {
            case Fpscr.RN_ZERO -> { if ((side > 0) != (r > 0)) r = side > 0 ? Math.nextUp(r) : Math.nextDown(r); }
            case Fpscr.RN_UP -> { if (side > 0) r = Math.nextUp(r); }
            case Fpscr.RN_DOWN -> { if (side < 0) r = Math.nextDown(r); }
            default -> { }
        }
        return r;
    }

    /**
     * Fused multiply-add a*c + b as QEMU's float64_muladd(a, c, b) for PowerPC: negC negates the
     * addend, negResult negates the unrounded result (QEMU 7.2 negates before rounding).
     */
    static long fma(CpuState s, long a, long c, long b, boolean negC, boolean negResult, boolean single) {
        boolean infzero = isInf(a) && isZero(c) || isZero(a) && isInf(c);
        if (isNaN(a) || isNaN(b) || isNaN(c)) {
            if (isSNaN(a) || isSNaN(b) || isSNaN(c)) s.fpFlags |= SNAN;
            if (infzero) s.fpFlags |= IMZ;
            return nanResult(isNaN(a) ? a : isNaN(b) ? b : c, single);
        }
        if (negC) b ^= SIGN;
        long psign = (a ^ c) & SIGN;
        long nr = negResult ? SIGN : 0;
        if (infzero) { s.fpFlags |= IMZ; return DEFAULT_NAN; }
        if (isInf(a) || isInf(c)) {
            if (isInf(b) && (b & SIGN) != psign) { s.fpFlags |= ISI; return DEFAULT_NAN; }
            return (psign | INF) ^ nr;
        }
        if (isInf(b)) return b ^ nr;
        if (isZero(a) || isZero(c)) {
            if (isZero(b)) {
                long z = (b & SIGN) == psign ? psign : (s.fpscr & Fpscr.RN) == Fpscr.RN_DOWN ? SIGN : 0;
                return z ^ nr;
            }
            return roundValue(s, b ^ nr, single);
        }
        long ma = sig(a), mc = sig(c);
        long ph = Math.multiplyHigh(ma, mc), pl = ma * mc;
        int pe = lsb(a) + lsb(c);
        boolean pneg = (psign != 0) ^ negResult;
        if (isZero(b)) return round(s, pneg, ph, pl, pe, false, single);
        long r = addRound(s, pneg, ph, pl, pe, neg(b) ^ negResult, 0, sig(b), lsb(b), single);
        if ((s.fpFlags & EXACT_ZERO) != 0) {   // the zero's sign is chosen before the negation
            s.fpFlags &= ~EXACT_ZERO;
            return ((s.fpscr & Fpscr.RN) == Fpscr.RN_DOWN ? SIGN : 0) ^ nr;
        }
        return r;
    }

    /** Square root rounded in the FPSCR mode (positive finite nonzero x only). */
    static long sqrtPositive(CpuState s, long x) {
        double v = Double.longBitsToDouble(x);
        boolean small = v < 0x1p-900;
        double xs = small ? v * 0x1p200 : v;
        double r = Math.sqrt(xs);
        double res = Math.fma(r, r, -xs);   // exact sign of r^2 - x (no underflow after scaling)
        if (res != 0) {
            s.fpFlags |= INEXACT;
            int rn = s.fpscr & Fpscr.RN;
            if (rn == Fpscr.RN_UP && res < 0) r = Math.nextUp(r);
            else if ((rn == Fpscr.RN_ZERO || rn == Fpscr.RN_DOWN) && res > 0) r = Math.nextDown(r);
        }
        return Double.doubleToRawLongBits(small ? r * 0x1p-100 : r);
    }

    /** frsqrte as QEMU: float64_sqrt then float64_div(1, root), each rounded. */
    static long rsqrte(CpuState s, long x) {
        if (isNaN(x)) { if (isSNaN(x)) s.fpFlags |= SNAN; return x | QUIET; }
        if (isZero(x)) { s.fpFlags |= DIVZERO; return x | INF; }
        if (neg(x)) { s.fpFlags |= SQRT; return DEFAULT_NAN; }
        if (isInf(x)) return 0;
        return div(s, 0x3FF0_0000_0000_0000L, sqrtPositive(s, x), false);
    }

    /**
     * fres as QEMU: 1/x rounded once to binary32 (float64r32_div); for x = +-0 (zero divide)
     * QEMU returns +-0.5, not +-infinity.
     */
    static long res(CpuState s, long x) {
        long r = div(s, 0x3FF0_0000_0000_0000L, x, true);
        return (s.fpFlags & DIVZERO) != 0 ? (x & SIGN) | 0x3FE0_0000_0000_0000L : r;
    }

    /** frsp: binary64 to binary32 precision and range (float64_to_float32 then back). */
    static long roundToSingle(CpuState s, long x) {
        if (isNaN(x)) { if (isSNaN(x)) s.fpFlags |= SNAN; return nanResult(x, true); }
        if (isInf(x) || isZero(x)) return x;
        return roundValue(s, x, true);
    }

    /**
     * fctiw/fctiwz/fctid/fctidz: to a signed 32- or 64-bit integer, rounding in the FPSCR mode
     * or toward zero; out of range saturates, invalid (VXCVI; softfloat raises no inexact
     * then). A NaN gives QEMU's nanval: 0x80000000 zero-extended for the word forms,
     * 0x8000000000000000 for the doubleword forms (out-of-range word results are sign-extended).
     */
    static long toInt(CpuState s, long x, boolean wide, boolean truncate) {
        long min = wide ? Long.MIN_VALUE : Integer.MIN_VALUE, max = wide ? Long.MAX_VALUE : Integer.MAX_VALUE;
        if (isNaN(x)) { s.fpFlags |= CVI | (isSNaN(x) ? SNAN : 0); return wide ? min : 0x8000_0000L; }
        if (isInf(x)) { s.fpFlags |= CVI; return neg(x) ? min : max; }
        if (isZero(x)) return 0;
        boolean n = neg(x);
        long m = sig(x);
        int e = lsb(x);
        long k;
        int rb;
        boolean st;
        if (e >= 0) {
            if (e > 11) { s.fpFlags |= CVI; return n ? min : max; }   // >= 2^64
            k = m << e; rb = 0; st = false;
        } else if (e >= -53) {
            int d = -e;
            k = d == 64 ? 0 : m >>> d;
            rb = (int) (m >>> (d - 1)) & 1;
            st = d >= 2 && (m & ((1L << (d - 1)) - 1)) != 0;
        } else { k = 0; rb = 0; st = true; }
        int rn = truncate ? Fpscr.RN_ZERO : s.fpscr & Fpscr.RN;
        if (increment(rn, n, k, rb, st)) k++;
        if (n ? Long.compareUnsigned(k, -min) > 0 : Long.compareUnsigned(k, max) > 0) {
            s.fpFlags |= CVI;
            return n ? min : max;
        }
        if (rb != 0 || st) s.fpFlags |= INEXACT;
        return n ? -k : k;
    }

    /** fcfid: signed 64-bit integer to binary64 in the FPSCR rounding mode. */
    static long fromLong(CpuState s, long v) {
        if (v == 0) return 0;
        if (v >= -(1L << 53) && v <= 1L << 53) return Double.doubleToRawLongBits(v);    // exact: no rounding, no flags
        return fromLongExact(s, v);
    }

    /** fcfid of a nonzero value by rounding its magnitude once. */
    static long fromLongExact(CpuState s, long v) {
        boolean n = v < 0;
        return round(s, n, 0, n ? -v : v, 0, false, false);
    }

    /** FPRF code of a binary64 value (QEMU set_fprf_from_class; SNaN gives 0). */
    static int fprf(long x) {
        boolean n = neg(x);
        if (isNaN(x)) return (x & QUIET) != 0 ? 0x11 : 0;
        if (isInf(x)) return n ? 0x09 : 0x05;
        if (isZero(x)) return n ? 0x12 : 0x02;
        if ((x & EXP) == 0) return n ? 0x18 : 0x14;
        return n ? 0x08 : 0x04;
    }

    /** DOUBLE(): the non-arithmetic binary32-to-binary64 conversion of loads (QEMU helper_todouble). */
    static long toDouble(int w) {
        long sign = (long) (w >>> 31) << 63;
        int abs = w & 0x7FFF_FFFF;
        if (abs >= 0x0080_0000) {
            long e = (abs >>> 23) & 0xFF;
            long exp = e == 0xFF ? 0x7FF : e - 127 + 1023;
            return sign | (exp << 52) | ((long) (abs & 0x7F_FFFF) << 29);
        }
        if (abs == 0) return sign;
        int shift = Integer.numberOfLeadingZeros(abs) - 8;   // normalise the denormal
        long exp = -126 - shift + 1023;
        return sign | (exp << 52) | (((long) abs << (shift + 29)) & FRAC);
    }

    /** SINGLE(): the non-arithmetic binary64-to-binary32 conversion of stores (QEMU helper_tosingle). */
    static int toSingle(long x) {
        int exp = (int) (x >>> 52) & 0x7FF;
        if (exp > 896) return (int) ((x >>> 62) << 30) | (int) ((x >>> 29) & 0x3FFF_FFFF);
        int r = (int) (x >>> 63) << 31;
        if (exp >= 874) r |= (int) (((1L << 52) | (x & FRAC)) >>> (896 + 30 - exp));
        return r;
    }
}
