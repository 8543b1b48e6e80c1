package epaprlab.ppc.exec;

import static epaprlab.ppc.decode.Fields.*;

/**
 * Fixed-point loads and stores (Power ISA Book I 3.3.2-3.3.6), including byte-reversed,
 * multiple and load-and-reserve/store-conditional forms. Effective addresses are truncated to
 * 32 bits in 32-bit mode. Misaligned accesses are allowed (e500mc/e5500 handle them in hardware)
 * except for lwarx/stwcx./ldarx/stdcx., which raise an Alignment interrupt.
 *
 * <p>Invalid update forms (RA=0, or RA=RT for loads) raise an illegal-instruction Program
 * interrupt, as QEMU does.
 */
public final class LoadStore {
    private LoadStore() {}

    enum Size { BYTE, HALF, WORD, DOUBLE }

    // ---- family helpers ----------------------------------------------------------------------

    private static long load(CpuState s, long ea, Size size, boolean algebraic) {
        return switch (size) {
            case BYTE -> s.load8(ea);
            case HALF -> algebraic ? (short) s.load16(ea) : s.load16(ea);
            case WORD -> algebraic ? (long) s.load32(ea) : s.load32(ea) & 0xFFFFFFFFL;
            case DOUBLE -> s.load64(ea);
        };
    }

    private static void store(CpuState s, long ea, Size size, long v) {
        switch (size) {
            case BYTE -> s.store8(ea, (int) v);
            case HALF -> s.store16(ea, (int) v);
            case WORD -> s.store32(ea, (int) v);
            case DOUBLE -> s.store64(ea, v);
        }
    }

    private static boolean badLoadUpdate(CpuState s, int w) {
        int ra = ra(w);
        if (ra == 0 || ra == rt(w)) { s.illegal(); return true; }
        return false;
    }

    private static boolean badStoreUpdate(CpuState s, int w) {
        if (ra(w) == 0) { s.illegal(); return true; }
        return false;
    }

    /** D-form load: EA = (RA|0) + D. */
    private static void loadD(CpuState s, int w, Size size, boolean algebraic, boolean update) {
        if (update && badLoadUpdate(s, w)) return;
        long ea = s.ea(s.raOrZero(ra(w)) + d(w));
        s.gpr[rt(w)] = load(s, ea, size, algebraic);
        if (update) s.gpr[ra(w)] = ea;
    }

    /** X-form load: EA = (RA|0) + RB. */
    private static void loadX(CpuState s, int w, Size size, boolean algebraic, boolean update) {
        if (update && badLoadUpdate(s, w)) return;
        long ea = s.ea(s.raOrZero(ra(w)) + s.gpr[rb(w)]);
        s.gpr[rt(w)] = load(s, ea, size, algebraic);
        if (update) s.gpr[ra(w)] = ea;
    }

    /** DS-form load (ld/ldu/lwa): EA = (RA|0) + DS. */
    private static void loadDS(CpuState s, int w, Size size, boolean algebraic, boolean update) {
        if (update && badLoadUpdate(s, w)) return;
        long ea = s.ea(s.raOrZero(ra(w)) + ds(w));
        s.gpr[rt(w)] = load(s, ea, size, algebraic);
        if (update) s.gpr[ra(w)] = ea;
    }

    private static void storeD(CpuState s, int w, Size size, boolean update) {
        if (update && badStoreUpdate(s, w)) return;
        long ea = s.ea(s.raOrZero(ra(w)) + d(w));
        store(s, ea, size, s.gpr[rs(w)]);
        if (update) s.gpr[ra(w)] = ea;
    }

    private static void storeX(CpuState s, int w, Size size, boolean update) {
        if (update && badStoreUpdate(s, w)) return;
        long ea = s.ea(s.raOrZero(ra(w)) + s.gpr[rb(w)]);
        store(s, ea, size, s.gpr[rs(w)]);
        if (update) s.gpr[ra(w)] = ea;
    }

    private static void storeDS(CpuState s, int w, Size size, boolean update) {
        if (update && badStoreUpdate(s, w)) return;
        long ea = s.ea(s.raOrZero(ra(w)) + ds(w));
        store(s, ea, size, s.gpr[rs(w)]);
        if (update) s.gpr[ra(w)] = ea;
    }

    private static long xEa(CpuState s, int w) { return s.ea(s.raOrZero(ra(w)) + s.gpr[rb(w)]); }

    // ---- D-form ------------------------------------------------------------------------------

    public static void lbz(CpuState s, int w) { loadD(s, w, Size.BYTE, false, false); }
    public static void lbzu(CpuState s, int w) { loadD(s, w, Size.BYTE, false, true); }
    public static void lhz(CpuState s, int w) { loadD(s, w, Size.HALF, false, false); }
    public static void lhzu(CpuState s, int w) { loadD(s, w, Size.HALF, false, true); }
    public static void lha(CpuState s, int w) { loadD(s, w, Size.HALF, true, false); }
    public static void lhau(CpuState s, int w) { loadD(s, w, Size.HALF, true, true); }
    public static void lwz(CpuState s, int w) { loadD(s, w, Size.WORD, false, false); }
    public static void lwzu(CpuState s, int w) { loadD(s, w, Size.WORD, false, true); }
    public static void stb(CpuState s, int w) { storeD(s, w, Size.BYTE, false); }
    public static void stbu(CpuState s, int w) { storeD(s, w, Size.BYTE, true); }
    public static void sth(CpuState s, int w) { storeD(s, w, Size.HALF, false); }
    public static void sthu(CpuState s, int w) { storeD(s, w, Size.HALF, true); }
    public static void stw(CpuState s, int w) { storeD(s, w, Size.WORD, false); }
    public static void stwu(CpuState s, int w) { storeD(s, w, Size.WORD, true); }

    // ---- DS-form (64-bit category) -----------------------------------------------------------

    public static void ld(CpuState s, int w) { loadDS(s, w, Size.DOUBLE, false, false); }
    public static void ldu(CpuState s, int w) { loadDS(s, w, Size.DOUBLE, false, true); }
    public static void lwa(CpuState s, int w) { loadDS(s, w, Size.WORD, true, false); }
    public static void std(CpuState s, int w) { storeDS(s, w, Size.DOUBLE, false); }
    public static void stdu(CpuState s, int w) { storeDS(s, w, Size.DOUBLE, true); }

    // ---- X-form ------------------------------------------------------------------------------

    public static void lbzx(CpuState s, int w) { loadX(s, w, Size.BYTE, false, false); }
    public static void lbzux(CpuState s, int w) { loadX(s, w, Size.BYTE, false, true); }
    public static void lhzx(CpuState s, int w) { loadX(s, w, Size.HALF, false, false); }
    public static void lhzux(CpuState s, int w) { loadX(s, w, Size.HALF, false, true); }
    public static void lhax(CpuState s, int w) { loadX(s, w, Size.HALF, true, false); }
    public static void lhaux(CpuState s, int w) { loadX(s, w, Size.HALF, true, true); }
    public static void lwzx(CpuState s, int w) { loadX(s, w, Size.WORD, false, false); }
    public static void lwzux(CpuState s, int w) { loadX(s, w, Size.WORD, false, true); }
    public static void lwax(CpuState s, int w) { loadX(s, w, Size.WORD, true, false); }
    public static void lwaux(CpuState s, int w) { loadX(s, w, Size.WORD, true, true); }
    public static void ldx(CpuState s, int w) { loadX(s, w, Size.DOUBLE, false, false); }
    public static void ldux(CpuState s, int w) { loadX(s, w, Size.DOUBLE, false, true); }
    public static void stbx(CpuState s, int w) { storeX(s, w, Size.BYTE, false); }
    public static void stbux(CpuState s, int w) { storeX(s, w, Size.BYTE, true); }
    public static void sthx(CpuState s, int w) { storeX(s, w, Size.HALF, false); }
    public static void sthux(CpuState s, int w) { storeX(s, w, Size.HALF, true); }
    public static void stwx(CpuState s, int w) { storeX(s, w, Size.WORD, false); }
    public static void stwux(CpuState s, int w) { storeX(s, w, Size.WORD, true); }
    public static void stdx(CpuState s, int w) { storeX(s, w, Size.DOUBLE, false); }
    public static void stdux(CpuState s, int w) { storeX(s, w, Size.DOUBLE, true); }

    // ---- byte-reversed -----------------------------------------------------------------------

    public static void lhbrx(CpuState s, int w) { s.gpr[rt(w)] = Short.reverseBytes((short) s.load16(xEa(s, w))) & 0xFFFF; }
    public static void lwbrx(CpuState s, int w) { s.gpr[rt(w)] = Integer.reverseBytes(s.load32(xEa(s, w))) & 0xFFFFFFFFL; }
    public static void ldbrx(CpuState s, int w) { s.gpr[rt(w)] = Long.reverseBytes(s.load64(xEa(s, w))); }
    public static void sthbrx(CpuState s, int w) { s.store16(xEa(s, w), Short.reverseBytes((short) s.gpr[rs(w)])); }
    public static void stwbrx(CpuState s, int w) { s.store32(xEa(s, w), Integer.reverseBytes((int) s.gpr[rs(w)])); }
    public static void stdbrx(CpuState s, int w) { s.store64(xEa(s, w), Long.reverseBytes(s.gpr[rs(w)])); }

    // ---- multiple ----------------------------------------------------------------------------

    /** lmw: RT..r31 from consecutive words; RA in the loaded range is an invalid form (illegal). */
    public static void lmw(CpuState s, int w) {
        int rt = rt(w), ra = ra(w);
        if (ra != 0 && ra >= rt) { s.illegal(); return; }
        long ea = s.ea(s.raOrZero(ra) + d(w));
        int n = 32 - rt;
        s.checkRange(ea, 4 * n, false);
        for (int r = rt; r < 32; r++, ea = s.ea(ea + 4)) s.gpr[r] = s.load32(ea) & 0xFFFFFFFFL;
    }

    public static void stmw(CpuState s, int w) {
        int rs = rs(w);
        long ea = s.ea(s.raOrZero(ra(w)) + d(w));
        s.checkRange(ea, 4 * (32 - rs), true);
        for (int r = rs; r < 32; r++, ea = s.ea(ea + 4)) s.store32(ea, (int) s.gpr[r]);
    }

    // ---- reservation -------------------------------------------------------------------------

    public static void lwarx(CpuState s, int w) { s.gpr[rt(w)] = s.loadReserve(xEa(s, w), 4); }
    public static void ldarx(CpuState s, int w) { s.gpr[rt(w)] = s.loadReserve(xEa(s, w), 8); }

    /** stwcx./stdcx.: CR0 = 0b00 || success || XER[SO]. */
    public static void stwcxDot(CpuState s, int w) {
        boolean ok = s.storeConditional(xEa(s, w), 4, s.gpr[rs(w)] & 0xFFFFFFFFL);
        s.setCrField(0, (ok ? 2 : 0) | s.so);
    }

    public static void stdcxDot(CpuState s, int w) {
        boolean ok = s.storeConditional(xEa(s, w), 8, s.gpr[rs(w)]);
        s.setCrField(0, (ok ? 2 : 0) | s.so);
    }
}
