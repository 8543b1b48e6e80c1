package epaprlab.ppc.exec;

import static epaprlab.ppc.exec.FpArith.*;

import epaprlab.ppc.cpu.Fpscr;
import epaprlab.ppc.cpu.Msr;

/**
 * The common case of the FP instructions a region runs without their handler: MSR[FP] set and an
 * operation whose only exception, if any, is inexact with XE = 0. Each method computes the result
 * with {@link FpArith} (its host fast paths included) and returns false, having written nothing,
 * when anything else happened (FP Unavailable, invalid, zero divide, overflow, underflow, an
 * enabled inexact exception): the region then calls the instruction's handler, which computes
 * the same operation again with the full FPSCR processing of {@link FloatingPoint}. When true,
 * FRT, FPRF (except for the integer conversions), FI, XX and FX are what the handler would have
 * written.
 */
final class RegionFpOps {
    private RegionFpOps() {}

    private static boolean off(CpuState s) { return (s.msr & Msr.FP) == 0; }

    /** {@link FloatingPoint}'s finish and checkStatus when the flags are at most INEXACT. */
    private static boolean commit(CpuState s, int t, long r, boolean setFprf) {
        int f = s.fpFlags, x = s.fpscr;
        if (f != 0) {
            if (f != INEXACT || (x & Fpscr.XE) != 0) return false;
            x |= Fpscr.FI | Fpscr.XX | Fpscr.FX;
        } else {
            x &= ~Fpscr.FI;
        }
        if (setFprf) x = (x & ~Fpscr.FPRF) | (fprf(r) << Fpscr.FPRF_SHIFT);
        s.fpr[t] = r;
        s.fpscr = x;
        return true;
    }

    static boolean add(CpuState s, int t, int a, int b, boolean single) {
        if (off(s)) return false;
        s.fpFlags = 0;
        return commit(s, t, FpArith.add(s, s.fpr[a], s.fpr[b], false, single), true);
    }

    static boolean sub(CpuState s, int t, int a, int b, boolean single) {
        if (off(s)) return false;
        s.fpFlags = 0;
        return commit(s, t, FpArith.add(s, s.fpr[a], s.fpr[b], true, single), true);
    }

    static boolean mul(CpuState s, int t, int a, int c, boolean single) {
        if (off(s)) return false;
        s.fpFlags = 0;
        return commit(s, t, FpArith.mul(s, s.fpr[a], s.fpr[c], single), true);
    }

    static boolean div(CpuState s, int t, int a, int b, boolean single) {
        if (off(s)) return false;
        s.fpFlags = 0;
        return commit(s, t, FpArith.div(s, s.fpr[a], s.fpr[b], single), true);
    }

    /** fmadd/fmsub/fnmadd/fnmsub: a*c +- b, negated when negResult. */
    static boolean fma(CpuState s, int t, int a, int c, int b, boolean negC, boolean negResult, boolean single) {
        if (off(s)) return false;
        s.fpFlags = 0;
        return commit(s, t, FpArith.fma(s, s.fpr[a], s.fpr[c], s.fpr[b], negC, negResult, single), true);
    }

    static boolean frsp(CpuState s, int t, int b) {
        if (off(s)) return false;
        s.fpFlags = 0;
        return commit(s, t, roundToSingle(s, s.fpr[b]), true);
    }

    static boolean fcfid(CpuState s, int t, int b) {
        if (off(s)) return false;
        s.fpFlags = 0;
        return commit(s, t, fromLong(s, s.fpr[b]), true);
    }

    /** fctiw/fctiwz/fctid/fctidz (no FPRF update, as the handler). */
    static boolean toInteger(CpuState s, int t, int b, boolean wide, boolean truncate) {
        if (off(s)) return false;
        s.fpFlags = 0;
        return commit(s, t, toInt(s, s.fpr[b], wide, truncate), false);
    }

    /**
     * fcmpu/fcmpo of two non-NaN operands: FPCC set, FI cleared (the handler's checkStatus with no
     * flags); returns the CR field (8, 4 or 2), or 0 when the handler must run (a NaN operand,
     * MSR[FP] = 0).
     */
    static int compare(CpuState s, int a, int b) {
        if (off(s)) return 0;
        s.fpFlags = 0;
        long x = s.fpr[a], y = s.fpr[b];
        if (isNaN(x) || isNaN(y)) return 0;
        double u = Double.longBitsToDouble(x), v = Double.longBitsToDouble(y);
        int c = u < v ? 8 : u > v ? 4 : 2;
        s.fpscr = (s.fpscr & ~(Fpscr.FPCC | Fpscr.FI)) | (c << Fpscr.FPRF_SHIFT);
        return c;
    }
}
