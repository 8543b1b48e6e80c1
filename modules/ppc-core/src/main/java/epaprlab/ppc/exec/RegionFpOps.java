package epaprlab.ppc.exec;

import static epaprlab.ppc.exec.FpArith.*;

import epaprlab.ppc.cpu.Fpscr;
import epaprlab.ppc.cpu.Msr;

/**
 * The common case of the FP instructions a region runs without their handler: MSR[FP] set and an
 * operation whose only exception, if any, is inexact with XE = 0. The region passes the operand
 * values (its FPR locals); each method computes the result with {@link FpArith} (its host fast
 * paths included) and returns it, having set FPRF (except for the integer conversions), FI, XX
 * and FX as the handler would; it returns {@link #DECLINED}, having written nothing, when
 * anything else happened (FP Unavailable, invalid, zero divide, overflow, underflow, an enabled
 * inexact exception): the region then calls the instruction's handler, which computes the same
 * operation again with the full FPSCR processing of {@link FloatingPoint}.
 */
final class RegionFpOps {
    private RegionFpOps() {}

    /**
     * "Run the handler": a signalling NaN, which no accepted result can be (arithmetic results
     * are quiet or come from a signalling operand, which raises VXSNAN; an integer conversion
     * gives at most 2^31 in magnitude for the word forms and a multiple of 1024 above 2^62 for
     * the doubleword forms, never this odd value).
     */
    static final long DECLINED = 0x7FF0_0000_0000_0001L;

    private static boolean off(CpuState s) { return (s.msr & Msr.FP) == 0; }

    /** {@link FloatingPoint}'s finish and checkStatus when the flags are at most INEXACT. */
    private static long commit(CpuState s, long r, boolean setFprf) {
        int f = s.fpFlags, x = s.fpscr;
        if (f != 0) {
            if (f != INEXACT || (x & Fpscr.XE) != 0) return DECLINED;
            x |= Fpscr.FI | Fpscr.XX | Fpscr.FX;
        } else {
            x &= ~Fpscr.FI;
        }
        if (setFprf) x = (x & ~Fpscr.FPRF) | (fprf(r) << Fpscr.FPRF_SHIFT);
        s.fpscr = x;
        return r;
    }

    /** Biased exponent of binary64 bits. */
    private static int exp(long x) { return (int) (x >>> 52) & 0x7FF; }

    /** A normal operand of the add fast path: biased exponent 1..2000. */
    private static boolean fits(long x) { int e = exp(x); return e != 0 && e <= 2000; }

    /**
     * A normal binary64 result {@code r} of an operation whose exact value lies above it
     * ({@code side} > 0), below it (< 0) or on it (0): {@link FpArith}'s host fast path with
     * {@link #commit}, for operands and results far from overflow and underflow, written without
     * calls so that it stays small where the JIT has not inlined it.
     */
    private static long normal(CpuState s, double r, double side) {
        int x = s.fpscr;
        if (side != 0) {
            if ((x & Fpscr.XE) != 0) return DECLINED;
            int rn = x & Fpscr.RN;
            if (rn != Fpscr.RN_NEAREST) r = FpArith.directedValue(rn, r, side > 0 ? 1 : -1);
            x |= Fpscr.FI | Fpscr.XX | Fpscr.FX;
        } else {
            x &= ~Fpscr.FI;
        }
        long bits = Double.doubleToRawLongBits(r);
        s.fpscr = (x & ~Fpscr.FPRF) | ((bits < 0 ? 0x08 : 0x04) << Fpscr.FPRF_SHIFT);
        return bits;
    }

    static long add(CpuState s, long a, long b, boolean single) {
        return sum(s, a, b, false, single);
    }

    static long sub(CpuState s, long a, long b, boolean single) {
        return sum(s, a, b, true, single);
    }

    /** fadd (a + b) and fsub (a - b): one path, the subtraction as the sum with b negated. */
    private static long sum(CpuState s, long la, long lb, boolean subtract, boolean single) {
        if (off(s)) return DECLINED;
        if (!single && fits(la) && fits(lb)) {   // both normal, exponents 1..2000
            double x = Double.longBitsToDouble(la), y = Double.longBitsToDouble(lb), r;
            if (subtract) y = -y;
            r = x + y;
            int er = exp(Double.doubleToRawLongBits(r));
            if (er >= 64 && er <= 2000) {   // Knuth's two-sum: the exact error of r
                double bv = r - x;
                return normal(s, r, (x - (r - bv)) + (y - bv));
            }
        }
        s.fpFlags = 0;
        return commit(s, FpArith.add(s, la, lb, subtract, single), true);
    }

    static long mul(CpuState s, long la, long lc, boolean single) {
        if (off(s)) return DECLINED;
        int ea = exp(la), ec = exp(lc);
        if (!single && ea != 0 && ea < 2047 && ec != 0 && ec < 2047 && ea + ec >= 1087 && ea + ec <= 3000) {
            double x = Double.longBitsToDouble(la), y = Double.longBitsToDouble(lc), r = x * y;
            return normal(s, r, Math.fma(x, y, -r));   // the exact error of the product
        }
        s.fpFlags = 0;
        return commit(s, FpArith.mul(s, la, lc, single), true);
    }

    static long div(CpuState s, long la, long lb, boolean single) {
        if (off(s)) return DECLINED;
        int ea = exp(la), eb = exp(lb);
        if (!single && ea >= 128 && ea < 2047 && eb != 0 && eb < 2047 && Math.abs(ea - eb) <= 1000) {
            double x = Double.longBitsToDouble(la), y = Double.longBitsToDouble(lb), q = x / y;
            double rem = Math.fma(-q, y, x);   // exact: the true quotient is above q when rem and y agree in sign
            return normal(s, q, rem == 0 ? 0 : (rem > 0) == (y > 0) ? 1 : -1);
        }
        s.fpFlags = 0;
        return commit(s, FpArith.div(s, la, lb, single), true);
    }

    /** fmadd/fmsub/fnmadd/fnmsub: a*c +- b, negated when negResult. */
    static long fma(CpuState s, long a, long c, long b, boolean negC, boolean negResult, boolean single) {
        if (off(s)) return DECLINED;
        s.fpFlags = 0;
        return commit(s, FpArith.fma(s, a, c, b, negC, negResult, single), true);
    }

    static long frsp(CpuState s, long b) {
        if (off(s)) return DECLINED;
        s.fpFlags = 0;
        return commit(s, roundToSingle(s, b), true);
    }

    static long fcfid(CpuState s, long b) {
        if (off(s)) return DECLINED;
        s.fpFlags = 0;
        return commit(s, fromLong(s, b), true);
    }

    /** fctiw/fctiwz/fctid/fctidz (no FPRF update, as the handler). */
    static long toInteger(CpuState s, long b, boolean wide, boolean truncate) {
        if (off(s)) return DECLINED;
        s.fpFlags = 0;
        return commit(s, toInt(s, b, wide, truncate), false);
    }

    /**
     * fcmpu/fcmpo of two non-NaN operands: FPCC set, FI cleared (the handler's checkStatus with no
     * flags); returns the CR field (8, 4 or 2), or 0 when the handler must run (a NaN operand,
     * MSR[FP] = 0).
     */
    static int compare(CpuState s, long x, long y) {
        if (off(s)) return 0;
        if (isNaN(x) || isNaN(y)) return 0;
        double u = Double.longBitsToDouble(x), v = Double.longBitsToDouble(y);
        int c = u < v ? 8 : u > v ? 4 : 2;
        s.fpscr = (s.fpscr & ~(Fpscr.FPCC | Fpscr.FI)) | (c << Fpscr.FPRF_SHIFT);
        return c;
    }
}
