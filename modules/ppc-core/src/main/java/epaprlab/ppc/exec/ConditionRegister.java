package epaprlab.ppc.exec;

import static epaprlab.ppc.decode.Fields.*;

/** Condition register logical and move instructions (Power ISA Book I 2.5, 3.3.15). */
public final class ConditionRegister {
    private ConditionRegister() {}

    private static int a(CpuState s, int w) { return s.crBit(ba(w)); }
    private static int b(CpuState s, int w) { return s.crBit(bb(w)); }

    public static void crand(CpuState s, int w) { s.setCrBit(bt(w), a(s, w) & b(s, w)); }
    public static void cror(CpuState s, int w) { s.setCrBit(bt(w), a(s, w) | b(s, w)); }
    public static void crxor(CpuState s, int w) { s.setCrBit(bt(w), a(s, w) ^ b(s, w)); }
    public static void crnand(CpuState s, int w) { s.setCrBit(bt(w), ~(a(s, w) & b(s, w))); }
    public static void crnor(CpuState s, int w) { s.setCrBit(bt(w), ~(a(s, w) | b(s, w))); }
    public static void creqv(CpuState s, int w) { s.setCrBit(bt(w), ~(a(s, w) ^ b(s, w))); }
    public static void crandc(CpuState s, int w) { s.setCrBit(bt(w), a(s, w) & ~b(s, w)); }
    public static void crorc(CpuState s, int w) { s.setCrBit(bt(w), a(s, w) | ~b(s, w)); }

    public static void mcrf(CpuState s, int w) { s.setCrField(bf(w), s.crField(bfa(w))); }

    /** mcrxr: CR[BF] = SO OV CA 0, then SO, OV, CA are cleared (Embedded category). */
    public static void mcrxr(CpuState s, int w) {
        s.setCrField(bf(w), (s.so << 3) | (s.ov << 2) | (s.ca << 1));
        s.so = 0; s.ov = 0; s.ca = 0;
    }

    /** mfcr and mfocrf (bit 11 set: only the selected field, the others read as zero, as QEMU). */
    public static void mfcr(CpuState s, int w) {
        long v = s.cr & 0xFFFFFFFFL;
        if (oneField(w)) v &= fieldMask(fxm(w));
        s.gpr[rt(w)] = v;
    }

    /** mtcrf and mtocrf: each FXM bit selects one 4-bit CR field. */
    public static void mtcrf(CpuState s, int w) {
        int m = fieldMask(fxm(w));
        s.cr = (s.cr & ~m) | ((int) s.gpr[rs(w)] & m);
    }

    private static int fieldMask(int fxm) {
        int m = 0;
        for (int i = 0; i < 8; i++) if ((fxm & (0x80 >>> i)) != 0) m |= 0xF0000000 >>> (4 * i);
        return m;
    }
}
