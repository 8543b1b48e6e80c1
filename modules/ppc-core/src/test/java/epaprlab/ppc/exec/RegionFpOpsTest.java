package epaprlab.ppc.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.Fpscr;
import epaprlab.ppc.cpu.Msr;
import epaprlab.ppc.decode.DecodeTable;
import epaprlab.ppc.mem.GuestMemory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link RegionFpOps} against the handlers of {@link FloatingPoint}: from the same random state
 * (operands from denormals to infinities and NaNs, every rounding mode, random enable bits and
 * sticky flags, MSR[FP] and MSR[FE0|FE1] on or off), when the fast path accepts, FRT, the FPSCR,
 * CR, MSR and PC are what the handler leaves; when it declines, it has written nothing. Both
 * outcomes must occur often for every operation, so the test also shows the fast path is taken.
 */
class RegionFpOpsTest {
    private static final int RUNS = 20_000;

    enum Kind { FADD, FSUB, FMUL, FDIV, FMADD, FMSUB, FNMADD, FNMSUB, FRSP, FCFID, FCTIW, FCTIWZ, FCTID, FCTIDZ, FCMPU, FCMPO }

    private static long operand(SplittableRandom r) {
        return switch (r.nextInt(8)) {
            case 0 -> r.nextLong() & ~FpArith.EXP | ((long) r.nextInt(1, 2047) << 52);
            case 1 -> r.nextLong() & (FpArith.SIGN | FpArith.FRAC);   // denormal or zero
            case 2 -> new long[] {0, FpArith.SIGN, FpArith.INF, FpArith.INF | FpArith.SIGN, FpArith.DEFAULT_NAN,
                    0x7FF0_0000_0000_0001L, 0xFFF4_0000_0000_0000L}[r.nextInt(7)];
            case 3 -> Double.doubleToRawLongBits((float) (r.nextInt() * Math.scalb(1.0, r.nextInt(-160, 90))));
            case 4 -> r.nextLong(-(1L << 60), 1L << 60);   // integers for fcfid
            default -> (r.nextLong() & (FpArith.SIGN | FpArith.FRAC)) | ((long) r.nextInt(990, 1060) << 52);
        };
    }

    private static int word(Kind k, boolean single, int t, int a, int b, int c) {
        int primary = single ? 59 : 63;
        return switch (k) {
            case FADD -> (primary << 26) | (t << 21) | (a << 16) | (b << 11) | (21 << 1);
            case FSUB -> (primary << 26) | (t << 21) | (a << 16) | (b << 11) | (20 << 1);
            case FDIV -> (primary << 26) | (t << 21) | (a << 16) | (b << 11) | (18 << 1);
            case FMUL -> (primary << 26) | (t << 21) | (a << 16) | (c << 6) | (25 << 1);
            case FMADD -> (primary << 26) | (t << 21) | (a << 16) | (b << 11) | (c << 6) | (29 << 1);
            case FMSUB -> (primary << 26) | (t << 21) | (a << 16) | (b << 11) | (c << 6) | (28 << 1);
            case FNMADD -> (primary << 26) | (t << 21) | (a << 16) | (b << 11) | (c << 6) | (31 << 1);
            case FNMSUB -> (primary << 26) | (t << 21) | (a << 16) | (b << 11) | (c << 6) | (30 << 1);
            case FRSP -> (63 << 26) | (t << 21) | (b << 11) | (12 << 1);
            case FCFID -> (63 << 26) | (t << 21) | (b << 11) | (846 << 1);
            case FCTIW -> (63 << 26) | (t << 21) | (b << 11) | (14 << 1);
            case FCTIWZ -> (63 << 26) | (t << 21) | (b << 11) | (15 << 1);
            case FCTID -> (63 << 26) | (t << 21) | (b << 11) | (814 << 1);
            case FCTIDZ -> (63 << 26) | (t << 21) | (b << 11) | (815 << 1);
            case FCMPU -> (63 << 26) | ((t & 7) << 23) | (a << 16) | (b << 11);
            case FCMPO -> (63 << 26) | ((t & 7) << 23) | (a << 16) | (b << 11) | (32 << 1);
        };
    }

    private static boolean fast(Kind k, CpuState s, int w, boolean single) {
        int t = (w >>> 21) & 31, a = (w >>> 16) & 31, b = (w >>> 11) & 31, c = (w >>> 6) & 31;
        long[] f = s.fpr;
        long r = switch (k) {
            case FADD -> RegionFpOps.add(s, f[a], f[b], single);
            case FSUB -> RegionFpOps.sub(s, f[a], f[b], single);
            case FDIV -> RegionFpOps.div(s, f[a], f[b], single);
            case FMUL -> RegionFpOps.mul(s, f[a], f[c], single);
            case FMADD -> RegionFpOps.fma(s, f[a], f[c], f[b], false, false, single);
            case FMSUB -> RegionFpOps.fma(s, f[a], f[c], f[b], true, false, single);
            case FNMADD -> RegionFpOps.fma(s, f[a], f[c], f[b], false, true, single);
            case FNMSUB -> RegionFpOps.fma(s, f[a], f[c], f[b], true, true, single);
            case FRSP -> RegionFpOps.frsp(s, f[b]);
            case FCFID -> RegionFpOps.fcfid(s, f[b]);
            case FCTIW -> RegionFpOps.toInteger(s, f[b], false, false);
            case FCTIWZ -> RegionFpOps.toInteger(s, f[b], false, true);
            case FCTID -> RegionFpOps.toInteger(s, f[b], true, false);
            case FCTIDZ -> RegionFpOps.toInteger(s, f[b], true, true);
            case FCMPU, FCMPO -> {
                int cr = RegionFpOps.compare(s, f[a], f[b]);
                if (cr != 0) s.setCrField((w >>> 23) & 7, cr);   // what the region's bytecode does with it
                yield cr != 0 ? 0 : RegionFpOps.DECLINED;
            }
        };
        if (r == RegionFpOps.DECLINED) return false;
        if (k != Kind.FCMPU && k != Kind.FCMPO) f[t] = r;   // what the region's bytecode does with it
        return true;
    }

    private static String state(CpuState s) {
        StringBuilder b = new StringBuilder();
        for (long f : s.fpr) b.append(Long.toHexString(f)).append(' ');
        return b + " fpscr=" + Integer.toHexString(s.fpscr) + " cr=" + Integer.toHexString(s.cr)
                + " msr=" + Long.toHexString(s.msr) + " pc=" + Long.toHexString(s.pc) + " nia=" + Long.toHexString(s.nia);
    }

    @Test
    @Timeout(120)
    void theFastPathLeavesWhatTheHandlerLeavesOrNothing() {
        DecodeTable table = DecodeTable.forModel(CpuModel.E5500);
        SplittableRandom r = new SplittableRandom(20261130);
        GuestMemory mem = new GuestMemory(4096);
        CpuState h = new CpuState(CpuModel.E5500, mem), f = new CpuState(CpuModel.E5500, mem);
        for (Kind k : Kind.values()) {
            int taken = 0, declined = 0;
            for (int i = 0; i < RUNS; i++) {
                boolean single = k.ordinal() <= Kind.FNMSUB.ordinal() && r.nextBoolean();
                int t = r.nextInt(32), a = r.nextInt(32), b = r.nextInt(32), c = r.nextInt(32);
                int w = word(k, single, t, a, b, c);
                for (CpuState s : new CpuState[] {h, f}) {
                    s.pc = 0x1000;
                    s.nia = Interpreter.STRAIGHT;
                    s.cr = 0x1234_5678;
                }
                long msr = (r.nextInt(8) != 0 ? Msr.FP : 0) | (r.nextInt(3) == 0 ? Msr.FE0 : 0);
                int fpscr = r.nextInt() & ~(Fpscr.FEX | Fpscr.VX | Fpscr.RESERVED | Fpscr.NI);
                if (r.nextBoolean()) fpscr &= ~0xF8;   // often no exception enabled
                for (int j = 0; j < 32; j++) {
                    long v = operand(r);
                    h.fpr[j] = v;
                    f.fpr[j] = v;
                }
                h.msr = msr; f.msr = msr;
                h.fpscr = fpscr; f.fpscr = fpscr;
                String before = state(f);
                table.decode(w).exec(h, w);
                if (fast(k, f, w, single)) {
                    taken++;
                    assertEquals(state(h), state(f), () -> k + " word " + Integer.toHexString(w) + " from " + before);
                } else {
                    declined++;
                    assertEquals(before, state(f), () -> k + " declined but wrote, word " + Integer.toHexString(w));
                }
            }
            int tk = taken, dc = declined;
            assertTrue(tk > RUNS / 10 && dc > RUNS / 100, () -> k + ": taken " + tk + ", declined " + dc);
        }
    }
}
