package epaprlab.ppc.exec;

import static epaprlab.ppc.decode.Fields.*;
import static epaprlab.ppc.exec.FpArith.*;

import epaprlab.ppc.cpu.Fpscr;
import epaprlab.ppc.cpu.Msr;
import epaprlab.ppc.cpu.ProgramCause;
import epaprlab.ppc.interrupt.Delivery;
import epaprlab.ppc.interrupt.Ivor;

/**
 * The classic floating-point category of e500mc and e5500 (Power ISA Book I chapter 4), with
 * QEMU 7.2's semantics (target/ppc/fpu_helper.c and translate/fp-impl.c.inc), checked against
 * it by the recorded vectors of QemuFloatingPointTest:
 * <ul>
 * <li>Every instruction, loads and stores included, raises FP Unavailable (IVOR7, SRR0 = the
 *     instruction) when MSR[FP] = 0.
 * <li>Arithmetic: invalid-operation causes set their VX bit, VX and FX and clear FR and FI;
 *     with VE = 1 and MSR[FE0|FE1] != 0 the Program interrupt (ESR[FP]) is taken at once and
 *     the target is not written; likewise for zero divide with ZE. Otherwise the target and
 *     FPRF are written, then OX/UX/XX/FI are set from the rounding, and an enabled overflow,
 *     underflow or inexact exception raises the Program interrupt with the target already
 *     written and CR1 not yet updated (QEMU's deferred exception). FI is the inexactness of
 *     the last such instruction; FR is never set (QEMU does not compute it).
 * <li>Single-precision arithmetic rounds once to binary32 (QEMU's float64r32 operations), and
 *     fnmadd/fnmsub negate before rounding, as QEMU 7.2 does.
 * <li>NI is stored but has no effect. With OE (UE) set, an overflowing (tiny) result is scaled
 *     by 2^-1536 (2^1536), 2^-+192 for single precision, and UX is then set even when exact
 *     (QEMU's softfloat rebias), the interrupt being deferred as for XE.
 * </ul>
 */
public final class FloatingPoint {
    private FloatingPoint() {}

    private static int frc(int w) { return (w >>> 6) & 0x1f; }

    /** FP Unavailable when MSR[FP] = 0 (precise: SRR0 = this instruction, ESR unchanged). */
    private static boolean unavailable(CpuState s) {
        if ((s.msr & Msr.FP) != 0) return false;
        Delivery.deliver(s, Ivor.FP_UNAVAILABLE, s.pc);
        return true;
    }

    /**
     * Reserved fields that QEMU's decoder requires to be zero (its "inval" masks, probed with
     * qemu-user: src/test/resources/qemu-fp/reserved.py): a set bit is an illegal instruction,
     * taking precedence over FP Unavailable.
     */
    private static boolean reserved(CpuState s, int w, int mask) {
        if ((w & mask) == 0) return false;
        s.illegal();
        return true;
    }

    private static final int FRA_FIELD = 0x001F_0000, FRB_FIELD = 0x0000_F800;

    /** QEMU fp_exceptions_enabled(): MSR[FE0] or MSR[FE1] set. */
    private static boolean trapsEnabled(CpuState s) { return (s.msr & (Msr.FE0 | Msr.FE1)) != 0; }

    private static void cr1(CpuState s) { s.setCrField(1, s.fpscr >>> 28); }

    // ---- FPSCR exception processing (QEMU float_invalid_op_*, float_zero_divide_excp, do_float_check_status)

    /** Sets VX and FX (and FEX if VE); true when the enabled interrupt was raised. */
    private static boolean finishInvalid(CpuState s) {
        s.fpscr |= Fpscr.VX | Fpscr.FX;
        if ((s.fpscr & Fpscr.VE) != 0) {
            s.fpscr |= Fpscr.FEX;
            if (trapsEnabled(s)) { s.program(ProgramCause.FP); return true; }
        }
        return false;
    }

    /** An invalid cause other than SNaN: clears FR and FI, FPCC = C|FU when VE = 0. */
    private static boolean invalidArith(CpuState s, int bit, boolean setFpcc) {
        s.fpscr = (s.fpscr | bit) & ~(Fpscr.FR | Fpscr.FI);
        if ((s.fpscr & Fpscr.VE) == 0 && setFpcc) s.fpscr = (s.fpscr & ~Fpscr.FPCC) | Fpscr.C | Fpscr.FU;
        return finishInvalid(s);
    }

    private static boolean invalidSnan(CpuState s) {
        s.fpscr |= Fpscr.VXSNAN;
        return finishInvalid(s);
    }

    /** The invalid flags of one operation, in QEMU's order; true when an interrupt was raised. */
    private static boolean invalid(CpuState s, int f) {
        if ((f & IMZ) != 0) return invalidArith(s, Fpscr.VXIMZ, true);
        if ((f & ISI) != 0) return invalidArith(s, Fpscr.VXISI, true);
        if ((f & IDI) != 0) return invalidArith(s, Fpscr.VXIDI, true);
        if ((f & ZDZ) != 0) return invalidArith(s, Fpscr.VXZDZ, true);
        if ((f & SQRT) != 0) return invalidArith(s, Fpscr.VXSQRT, true);
        if ((f & CVI) != 0) {
            if (invalidArith(s, Fpscr.VXCVI, true)) return true;
            return (f & SNAN) != 0 && invalidSnan(s);
        }
        return (f & SNAN) != 0 && invalidSnan(s);
    }

    private static boolean zeroDivide(CpuState s) {
        s.fpscr = (s.fpscr | Fpscr.ZX | Fpscr.FX) & ~(Fpscr.FR | Fpscr.FI);
        if ((s.fpscr & Fpscr.ZE) != 0) {
            s.fpscr |= Fpscr.FEX;
            if (trapsEnabled(s)) { s.program(ProgramCause.FP); return true; }
        }
        return false;
    }

    /** OX/UX/XX/FI from the rounding flags; true when a deferred enabled exception was raised. */
    private static boolean checkStatus(CpuState s, boolean pending) {
        int f = s.fpFlags;
        if ((f & OVERFLOW) != 0) {
            s.fpscr |= Fpscr.OX | Fpscr.FX;
            if ((s.fpscr & Fpscr.OE) != 0) { s.fpscr |= Fpscr.FEX; pending = true; }
        } else if ((f & UNDERFLOW) != 0) {
            s.fpscr |= Fpscr.UX | Fpscr.FX;
            if ((s.fpscr & Fpscr.UE) != 0) { s.fpscr |= Fpscr.FEX; pending = true; }
        }
        if ((f & INEXACT) != 0) {
            s.fpscr |= Fpscr.FI | Fpscr.XX | Fpscr.FX;
            if ((s.fpscr & Fpscr.XE) != 0) { s.fpscr |= Fpscr.FEX; pending = true; }
        } else {
            s.fpscr &= ~Fpscr.FI;
        }
        if (pending && trapsEnabled(s)) { s.program(ProgramCause.FP); return true; }
        return false;
    }

    /** Completes a computational instruction whose result is {@code r} (flags in s.fpFlags). */
    private static void finish(CpuState s, int w, long r, boolean setFprf) {
        int f = s.fpFlags;
        if ((f & INVALID) != 0 && invalid(s, f)) return;
        if ((f & DIVZERO) != 0 && zeroDivide(s)) return;
        s.fpr[rt(w)] = r;
        if (setFprf) s.fpscr = (s.fpscr & ~Fpscr.FPRF) | (fprf(r) << Fpscr.FPRF_SHIFT);
        if (checkStatus(s, false)) return;
        if (rc(w)) cr1(s);
    }

    // ---- arithmetic (A-form) -----------------------------------------------------------------

    private enum Arith { ADD, SUB, MUL, DIV, MADD, MSUB, NMADD, NMSUB }

    private static void arith(CpuState s, int w, Arith op, boolean single) {
        if (op == Arith.MUL && reserved(s, w, FRB_FIELD)) return;
        if (unavailable(s)) return;
        s.fpFlags = 0;
        long a = s.fpr[ra(w)], b = s.fpr[rb(w)], c = s.fpr[frc(w)];
        long r = switch (op) {
            case ADD -> add(s, a, b, false, single);
            case SUB -> add(s, a, b, true, single);
            case MUL -> mul(s, a, c, single);
            case DIV -> div(s, a, b, single);
            case MADD -> fma(s, a, c, b, false, false, single);
            case MSUB -> fma(s, a, c, b, true, false, single);
            case NMADD -> fma(s, a, c, b, false, true, single);
            case NMSUB -> fma(s, a, c, b, true, true, single);
        };
        finish(s, w, r, true);
    }

    public static void fadd(CpuState s, int w) { arith(s, w, Arith.ADD, false); }
    public static void fsub(CpuState s, int w) { arith(s, w, Arith.SUB, false); }
    public static void fmul(CpuState s, int w) { arith(s, w, Arith.MUL, false); }
    public static void fdiv(CpuState s, int w) { arith(s, w, Arith.DIV, false); }
    public static void fmadd(CpuState s, int w) { arith(s, w, Arith.MADD, false); }
    public static void fmsub(CpuState s, int w) { arith(s, w, Arith.MSUB, false); }
    public static void fnmadd(CpuState s, int w) { arith(s, w, Arith.NMADD, false); }
    public static void fnmsub(CpuState s, int w) { arith(s, w, Arith.NMSUB, false); }
    public static void fadds(CpuState s, int w) { arith(s, w, Arith.ADD, true); }
    public static void fsubs(CpuState s, int w) { arith(s, w, Arith.SUB, true); }
    public static void fmuls(CpuState s, int w) { arith(s, w, Arith.MUL, true); }
    public static void fdivs(CpuState s, int w) { arith(s, w, Arith.DIV, true); }
    public static void fmadds(CpuState s, int w) { arith(s, w, Arith.MADD, true); }
    public static void fmsubs(CpuState s, int w) { arith(s, w, Arith.MSUB, true); }
    public static void fnmadds(CpuState s, int w) { arith(s, w, Arith.NMADD, true); }
    public static void fnmsubs(CpuState s, int w) { arith(s, w, Arith.NMSUB, true); }

    // ---- rounding, conversion, estimates (X/A-form, one source) ------------------------------

    private enum Unary { FRSP, FCTIW, FCTIWZ, FCTID, FCTIDZ, FCFID, FRES, FRSQRTE }

    private static void unary(CpuState s, int w, Unary op) {
        if (reserved(s, w, FRA_FIELD) || unavailable(s)) return;
        s.fpFlags = 0;
        long b = s.fpr[rb(w)];
        long r = switch (op) {
            case FRSP -> roundToSingle(s, b);
            // the ISA leaves FRT[0:31] undefined; QEMU sign-extends the int32
            case FCTIW -> toInt(s, b, false, false);
            case FCTIWZ -> toInt(s, b, false, true);
            case FCTID -> toInt(s, b, true, false);
            case FCTIDZ -> toInt(s, b, true, true);
            case FCFID -> fromLong(s, b);
            case FRES -> res(s, b);
            case FRSQRTE -> rsqrte(s, b);
        };
        boolean conversion = op == Unary.FCTIW || op == Unary.FCTIWZ || op == Unary.FCTID || op == Unary.FCTIDZ;
        finish(s, w, r, !conversion);
    }

    public static void frsp(CpuState s, int w) { unary(s, w, Unary.FRSP); }
    public static void fctiw(CpuState s, int w) { unary(s, w, Unary.FCTIW); }
    public static void fctiwz(CpuState s, int w) { unary(s, w, Unary.FCTIWZ); }
    public static void fctid(CpuState s, int w) { unary(s, w, Unary.FCTID); }
    public static void fctidz(CpuState s, int w) { unary(s, w, Unary.FCTIDZ); }
    public static void fcfid(CpuState s, int w) { unary(s, w, Unary.FCFID); }
    public static void fres(CpuState s, int w) { unary(s, w, Unary.FRES); }
    public static void frsqrte(CpuState s, int w) { unary(s, w, Unary.FRSQRTE); }

    // ---- moves and select (no FPSCR change) --------------------------------------------------

    private static void move(CpuState s, int w, long r) {
        s.fpr[rt(w)] = r;
        if (rc(w)) cr1(s);
    }

    public static void fmr(CpuState s, int w) { if (!reserved(s, w, FRA_FIELD) && !unavailable(s)) move(s, w, s.fpr[rb(w)]); }
    public static void fneg(CpuState s, int w) { if (!reserved(s, w, FRA_FIELD) && !unavailable(s)) move(s, w, s.fpr[rb(w)] ^ SIGN); }
    public static void fabs(CpuState s, int w) { if (!reserved(s, w, FRA_FIELD) && !unavailable(s)) move(s, w, s.fpr[rb(w)] & ~SIGN); }
    public static void fnabs(CpuState s, int w) { if (!reserved(s, w, FRA_FIELD) && !unavailable(s)) move(s, w, s.fpr[rb(w)] | SIGN); }

    /** fsel: FRC when FRA >= 0 (either zero included), else FRB; a NaN FRA selects FRB. */
    public static void fsel(CpuState s, int w) {
        if (unavailable(s)) return;
        long a = s.fpr[ra(w)];
        move(s, w, (!neg(a) || isZero(a)) && !isNaN(a) ? s.fpr[frc(w)] : s.fpr[rb(w)]);
    }

    // ---- compare -----------------------------------------------------------------------------

    private static void compare(CpuState s, int w, boolean ordered) {
        if (reserved(s, w, 0x0060_0001) || unavailable(s)) return;
        s.fpFlags = 0;
        long a = s.fpr[ra(w)], b = s.fpr[rb(w)];
        int c;
        if (isNaN(a) || isNaN(b)) c = 1;
        else {
            double x = Double.longBitsToDouble(a), y = Double.longBitsToDouble(b);
            c = x < y ? 8 : x > y ? 4 : 2;
        }
        s.fpscr = (s.fpscr & ~Fpscr.FPCC) | (c << Fpscr.FPRF_SHIFT);
        s.setCrField(bf(w), c);
        boolean pending = false;
        if (c == 1) {
            boolean snan = isSNaN(a) || isSNaN(b);
            if (ordered) {   // QEMU sets VXVC for any NaN, FPCC = C|FU, and defers the interrupt
                s.fpscr = (s.fpscr | Fpscr.VXVC | Fpscr.VX | Fpscr.FX) & ~Fpscr.FPCC | Fpscr.C | Fpscr.FU;
                if ((s.fpscr & Fpscr.VE) != 0) { s.fpscr |= Fpscr.FEX; pending = true; }
            }
            if (snan && invalidSnan(s)) return;
        }
        checkStatus(s, pending);
    }

    public static void fcmpu(CpuState s, int w) { compare(s, w, false); }
    public static void fcmpo(CpuState s, int w) { compare(s, w, true); }

    // ---- FPSCR moves -------------------------------------------------------------------------

    /**
     * QEMU ppc_store_fpscr: FEX, VX and the reserved bit are not written but recomputed (VX =
     * OR of the VX* bits, FEX = any exception bit with its enable set); FX is written as given.
     */
    private static void storeFpscr(CpuState s, int v) {
        v &= ~(Fpscr.FEX | Fpscr.VX | Fpscr.RESERVED);
        if ((v & Fpscr.VX_ALL) != 0) v |= Fpscr.VX;
        if (((v >>> 25) & (v >>> 3) & 0x1f) != 0) v |= Fpscr.FEX;
        s.fpscr = v;
    }

    /** QEMU helper_fpscr_check_status after mtfsf/mtfsfi/mtfsb1: an enabled exception now pending interrupts. */
    private static void fpscrCheck(CpuState s) {
        if ((s.fpscr & Fpscr.FEX) != 0 && trapsEnabled(s)) s.program(ProgramCause.FP);
    }

    private static int fieldMask(int nibbles) {
        int m = 0;
        for (int i = 0; i < 8; i++) if ((nibbles & (1 << i)) != 0) m |= 0xF << (4 * i);
        return m;
    }

    public static void mffs(CpuState s, int w) {
        if (reserved(s, w, FRA_FIELD) || unavailable(s)) return;
        move(s, w, s.fpscr & 0xFFFF_FFFFL);
    }

    /** mtfsf FLM,FRB (L=1: all fields); W=1 is the ISA 2.05 form these cores lack (illegal). */
    public static void mtfsf(CpuState s, int w) {
        if (reserved(s, w, 0x0001_0000) || unavailable(s)) return;
        int flm = (w & 0x0200_0000) != 0 ? 0xFF : (w >>> 17) & 0xFF;
        int m = fieldMask(flm);
        storeFpscr(s, ((int) s.fpr[rb(w)] & m) | (s.fpscr & ~m));
        if (rc(w)) cr1(s);
        fpscrCheck(s);
    }

    /** mtfsfi BF,U (W=1 illegal, as mtfsf). */
    public static void mtfsfi(CpuState s, int w) {
        if (reserved(s, w, 0x006F_0800) || unavailable(s)) return;
        int sh = 4 * (7 - bf(w));
        storeFpscr(s, (s.fpscr & ~(0xF << sh)) | (((w >>> 12) & 0xF) << sh));
        if (rc(w)) cr1(s);
        fpscrCheck(s);
    }

    /** mtfsb0 BT: FEX and VX cannot be cleared directly (QEMU ignores them). */
    public static void mtfsb0(CpuState s, int w) {
        if (reserved(s, w, 0x001F_F800) || unavailable(s)) return;
        int bit = 1 << (31 - bt(w));
        if (bit != Fpscr.FEX && bit != Fpscr.VX && (s.fpscr & bit) != 0) storeFpscr(s, s.fpscr & ~bit);
        if (rc(w)) cr1(s);
    }

    /** mtfsb1 BT: FEX, VX and NI cannot be set directly (QEMU ignores them). */
    public static void mtfsb1(CpuState s, int w) {
        if (reserved(s, w, 0x001F_F800) || unavailable(s)) return;
        int bit = 1 << (31 - bt(w));
        if (bit != Fpscr.FEX && bit != Fpscr.VX && bit != Fpscr.NI && (s.fpscr & bit) == 0) storeFpscr(s, s.fpscr | bit);
        if (rc(w)) cr1(s);
        fpscrCheck(s);
    }

    /** Exception bits mcrfs clears in the field it copies (FEX and VX are recomputed instead). */
    private static final int MCRFS_CLEAR = Fpscr.FX | Fpscr.OX | Fpscr.UX | Fpscr.ZX | Fpscr.XX | Fpscr.VX_ALL;

    public static void mcrfs(CpuState s, int w) {
        if (reserved(s, w, 0x0063_F801) || unavailable(s)) return;
        int sh = 4 * (7 - bfa(w));
        s.setCrField(bf(w), s.fpscr >>> sh);
        storeFpscr(s, s.fpscr & ~((0xF << sh) & MCRFS_CLEAR));
    }

    // ---- loads and stores --------------------------------------------------------------------

    private enum Width { SINGLE, DOUBLE, INT_WORD }

    private static void load(CpuState s, int w, Width size, long ea) {
        s.fpr[rt(w)] = size == Width.SINGLE ? toDouble(s.load32(ea)) : s.load64(ea);
    }

    private static void store(CpuState s, int w, Width size, long ea) {
        long v = s.fpr[rt(w)];
        switch (size) {
            case SINGLE -> s.store32(ea, toSingle(v));
            case DOUBLE -> s.store64(ea, v);
            case INT_WORD -> s.store32(ea, (int) v);
        }
    }

    /** D-form (disp) or X-form (indexed) access; update forms with RA = 0 are illegal (QEMU). */
    private static void access(CpuState s, int w, Width size, boolean isStore, boolean indexed, boolean update) {
        if (unavailable(s)) return;
        int ra = ra(w);
        if (update && ra == 0) { s.illegal(); return; }
        long ea = s.ea(s.raOrZero(ra) + (indexed ? s.gpr[rb(w)] : d(w)));
        if (isStore) store(s, w, size, ea);
        else load(s, w, size, ea);
        if (update) s.gpr[ra] = ea;
    }

    public static void lfs(CpuState s, int w) { access(s, w, Width.SINGLE, false, false, false); }
    public static void lfsu(CpuState s, int w) { access(s, w, Width.SINGLE, false, false, true); }
    public static void lfsx(CpuState s, int w) { access(s, w, Width.SINGLE, false, true, false); }
    public static void lfsux(CpuState s, int w) { access(s, w, Width.SINGLE, false, true, true); }
    public static void lfd(CpuState s, int w) { access(s, w, Width.DOUBLE, false, false, false); }
    public static void lfdu(CpuState s, int w) { access(s, w, Width.DOUBLE, false, false, true); }
    public static void lfdx(CpuState s, int w) { access(s, w, Width.DOUBLE, false, true, false); }
    public static void lfdux(CpuState s, int w) { access(s, w, Width.DOUBLE, false, true, true); }
    public static void stfs(CpuState s, int w) { access(s, w, Width.SINGLE, true, false, false); }
    public static void stfsu(CpuState s, int w) { access(s, w, Width.SINGLE, true, false, true); }
    public static void stfsx(CpuState s, int w) { access(s, w, Width.SINGLE, true, true, false); }
    public static void stfsux(CpuState s, int w) { access(s, w, Width.SINGLE, true, true, true); }
    public static void stfd(CpuState s, int w) { access(s, w, Width.DOUBLE, true, false, false); }
    public static void stfdu(CpuState s, int w) { access(s, w, Width.DOUBLE, true, false, true); }
    public static void stfdx(CpuState s, int w) { access(s, w, Width.DOUBLE, true, true, false); }
    public static void stfdux(CpuState s, int w) { access(s, w, Width.DOUBLE, true, true, true); }
    public static void stfiwx(CpuState s, int w) { if (!reserved(s, w, 1)) access(s, w, Width.INT_WORD, true, true, false); }
}
