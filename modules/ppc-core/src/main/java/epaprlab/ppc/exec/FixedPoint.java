package epaprlab.ppc.exec;

import static epaprlab.ppc.decode.Fields.*;

import epaprlab.ppc.cpu.ProgramCause;

/**
 * Fixed-point arithmetic, logical, compare, rotate/shift and trap instructions (Power ISA Book I
 * ch. 3). One handler per mnemonic covers Rc=0/1 and OE=0/1 through the shared helpers.
 *
 * <p>32-bit mode: results are computed on 64 bits; CA, OV and CR0 use the low 32 bits.
 */
public final class FixedPoint {
    private FixedPoint() {}

    static final long M32 = 0xFFFFFFFFL;

    // ---- shared helpers ----------------------------------------------------------------------

    /**
     * rD = a + b + cin with CA (when {@code setCa}), OV (when OE) and CR0 (when Rc). Carry and
     * overflow come from bit 0 in 64-bit mode and from bit 32 in 32-bit mode.
     */
    static void addHelper(CpuState s, int w, long a, long b, int cin, boolean setCa) {
        long r = a + b + cin;
        int bit = s.cm ? 63 : 31;
        if (setCa) s.ca = (int) ((((a & b) | ((a | b) & ~r)) >>> bit) & 1);
        if (oe(w)) setOv(s, (int) ((((a ^ r) & (b ^ r)) >>> bit) & 1));
        s.gpr[rt(w)] = r;
        if (rc(w)) s.cr0(r);
    }

    static void setOv(CpuState s, int ov) {
        s.ov = ov;
        s.so |= ov;
    }

    static void finish(CpuState s, int w, int target, long r) {
        s.gpr[target] = r;
        if (rc(w)) s.cr0(r);
    }

    // ---- add / subtract ----------------------------------------------------------------------

    public static void addi(CpuState s, int w) { s.gpr[rt(w)] = s.raOrZero(ra(w)) + si(w); }
    public static void addis(CpuState s, int w) { s.gpr[rt(w)] = s.raOrZero(ra(w)) + ((long) si(w) << 16); }

    /** addic and addic. (primary 12/13: the record bit is the opcode, not bit 31). */
    public static void addic(CpuState s, int w) { addImmCarry(s, w, false); }
    public static void addicDot(CpuState s, int w) { addImmCarry(s, w, true); }

    private static void addImmCarry(CpuState s, int w, boolean record) {
        long a = s.gpr[ra(w)], b = si(w), r = a + b;
        int bit = s.cm ? 63 : 31;
        s.ca = (int) ((((a & b) | ((a | b) & ~r)) >>> bit) & 1);
        s.gpr[rt(w)] = r;
        if (record) s.cr0(r);
    }

    public static void subfic(CpuState s, int w) {
        long a = ~s.gpr[ra(w)], b = si(w), r = a + b + 1;
        int bit = s.cm ? 63 : 31;
        s.ca = (int) ((((a & b) | ((a | b) & ~r)) >>> bit) & 1);
        s.gpr[rt(w)] = r;
    }

    public static void add(CpuState s, int w) { addHelper(s, w, s.gpr[ra(w)], s.gpr[rb(w)], 0, false); }
    public static void addc(CpuState s, int w) { addHelper(s, w, s.gpr[ra(w)], s.gpr[rb(w)], 0, true); }
    public static void adde(CpuState s, int w) { addHelper(s, w, s.gpr[ra(w)], s.gpr[rb(w)], s.ca, true); }
    public static void addme(CpuState s, int w) { addHelper(s, w, s.gpr[ra(w)], -1L, s.ca, true); }
    public static void addze(CpuState s, int w) { addHelper(s, w, s.gpr[ra(w)], 0L, s.ca, true); }
    public static void subf(CpuState s, int w) { addHelper(s, w, ~s.gpr[ra(w)], s.gpr[rb(w)], 1, false); }
    public static void subfc(CpuState s, int w) { addHelper(s, w, ~s.gpr[ra(w)], s.gpr[rb(w)], 1, true); }
    public static void subfe(CpuState s, int w) { addHelper(s, w, ~s.gpr[ra(w)], s.gpr[rb(w)], s.ca, true); }
    public static void subfme(CpuState s, int w) { addHelper(s, w, ~s.gpr[ra(w)], -1L, s.ca, true); }
    public static void subfze(CpuState s, int w) { addHelper(s, w, ~s.gpr[ra(w)], 0L, s.ca, true); }
    public static void neg(CpuState s, int w) { addHelper(s, w, ~s.gpr[ra(w)], 0L, 1, false); }

    // ---- multiply / divide -------------------------------------------------------------------

    public static void mulli(CpuState s, int w) { s.gpr[rt(w)] = s.gpr[ra(w)] * si(w); }

    public static void mullw(CpuState s, int w) {
        long r = (long) (int) s.gpr[ra(w)] * (long) (int) s.gpr[rb(w)];
        if (oe(w)) setOv(s, r != (int) r ? 1 : 0);
        finish(s, w, rt(w), r);
    }

    /** High word of the signed 32x32 product; the upper 32 bits of rD are zero (as QEMU). */
    public static void mulhw(CpuState s, int w) {
        long p = (long) (int) s.gpr[ra(w)] * (long) (int) s.gpr[rb(w)];
        finish(s, w, rt(w), (p >>> 32) & M32);
    }

    public static void mulhwu(CpuState s, int w) {
        long p = (s.gpr[ra(w)] & M32) * (s.gpr[rb(w)] & M32);
        finish(s, w, rt(w), p >>> 32);
    }

    public static void mulld(CpuState s, int w) {
        if (s.no64()) return;
        long a = s.gpr[ra(w)], b = s.gpr[rb(w)], r = a * b;
        if (oe(w)) setOv(s, Math.multiplyHigh(a, b) != (r >> 63) ? 1 : 0);
        finish(s, w, rt(w), r);
    }

    public static void mulhd(CpuState s, int w) {
        if (s.no64()) return;
        finish(s, w, rt(w), Math.multiplyHigh(s.gpr[ra(w)], s.gpr[rb(w)]));
    }

    public static void mulhdu(CpuState s, int w) {
        if (s.no64()) return;
        finish(s, w, rt(w), Math.unsignedMultiplyHigh(s.gpr[ra(w)], s.gpr[rb(w)]));
    }

    /*
     * Division by zero and the signed overflow case (0x80000000 / -1) leave rD undefined in the
     * ISA. We match QEMU (target/ppc/translate.c gen_op_arith_divw/divd): the divisor is replaced
     * by 1, so rD = the dividend (for the word forms: its low 32 bits, zero-extended), and OV is
     * set when OE=1. Word results are always zero-extended to 64 bits, as in QEMU.
     */
    public static void divw(CpuState s, int w) {
        int a = (int) s.gpr[ra(w)], b = (int) s.gpr[rb(w)];
        boolean bad = b == 0 || (a == Integer.MIN_VALUE && b == -1);
        if (oe(w)) setOv(s, bad ? 1 : 0);
        finish(s, w, rt(w), (bad ? a : a / b) & M32);
    }

    public static void divwu(CpuState s, int w) {
        int a = (int) s.gpr[ra(w)], b = (int) s.gpr[rb(w)];
        boolean bad = b == 0;
        if (oe(w)) setOv(s, bad ? 1 : 0);
        finish(s, w, rt(w), (bad ? a : Integer.divideUnsigned(a, b)) & M32);
    }

    public static void divd(CpuState s, int w) {
        if (s.no64()) return;
        long a = s.gpr[ra(w)], b = s.gpr[rb(w)];
        boolean bad = b == 0 || (a == Long.MIN_VALUE && b == -1);
        if (oe(w)) setOv(s, bad ? 1 : 0);
        finish(s, w, rt(w), bad ? a : a / b);
    }

    public static void divdu(CpuState s, int w) {
        if (s.no64()) return;
        long a = s.gpr[ra(w)], b = s.gpr[rb(w)];
        boolean bad = b == 0;
        if (oe(w)) setOv(s, bad ? 1 : 0);
        finish(s, w, rt(w), bad ? a : Long.divideUnsigned(a, b));
    }

    // ---- logical (the target is RA; the source is RS) ----------------------------------------

    public static void andiDot(CpuState s, int w) { long r = s.gpr[rs(w)] & ui(w); s.gpr[ra(w)] = r; s.cr0(r); }
    public static void andisDot(CpuState s, int w) { long r = s.gpr[rs(w)] & ((long) ui(w) << 16); s.gpr[ra(w)] = r; s.cr0(r); }
    public static void ori(CpuState s, int w) { s.gpr[ra(w)] = s.gpr[rs(w)] | ui(w); }
    public static void oris(CpuState s, int w) { s.gpr[ra(w)] = s.gpr[rs(w)] | ((long) ui(w) << 16); }
    public static void xori(CpuState s, int w) { s.gpr[ra(w)] = s.gpr[rs(w)] ^ ui(w); }
    public static void xoris(CpuState s, int w) { s.gpr[ra(w)] = s.gpr[rs(w)] ^ ((long) ui(w) << 16); }

    public static void and(CpuState s, int w) { finish(s, w, ra(w), s.gpr[rs(w)] & s.gpr[rb(w)]); }
    public static void andc(CpuState s, int w) { finish(s, w, ra(w), s.gpr[rs(w)] & ~s.gpr[rb(w)]); }
    public static void or(CpuState s, int w) { finish(s, w, ra(w), s.gpr[rs(w)] | s.gpr[rb(w)]); }
    public static void orc(CpuState s, int w) { finish(s, w, ra(w), s.gpr[rs(w)] | ~s.gpr[rb(w)]); }
    public static void xor(CpuState s, int w) { finish(s, w, ra(w), s.gpr[rs(w)] ^ s.gpr[rb(w)]); }
    public static void nand(CpuState s, int w) { finish(s, w, ra(w), ~(s.gpr[rs(w)] & s.gpr[rb(w)])); }
    public static void nor(CpuState s, int w) { finish(s, w, ra(w), ~(s.gpr[rs(w)] | s.gpr[rb(w)])); }
    public static void eqv(CpuState s, int w) { finish(s, w, ra(w), ~(s.gpr[rs(w)] ^ s.gpr[rb(w)])); }
    public static void extsb(CpuState s, int w) { finish(s, w, ra(w), (byte) s.gpr[rs(w)]); }
    public static void extsh(CpuState s, int w) { finish(s, w, ra(w), (short) s.gpr[rs(w)]); }

    public static void extsw(CpuState s, int w) {
        if (s.no64()) return;
        finish(s, w, ra(w), (int) s.gpr[rs(w)]);
    }

    public static void cntlzw(CpuState s, int w) { finish(s, w, ra(w), Integer.numberOfLeadingZeros((int) s.gpr[rs(w)])); }

    public static void cntlzd(CpuState s, int w) {
        if (s.no64()) return;
        finish(s, w, ra(w), Long.numberOfLeadingZeros(s.gpr[rs(w)]));
    }

    /** Population count of each byte into the same byte. */
    public static void popcntb(CpuState s, int w) {
        long v = s.gpr[rs(w)];
        v = v - ((v >>> 1) & 0x5555555555555555L);
        v = (v & 0x3333333333333333L) + ((v >>> 2) & 0x3333333333333333L);
        v = (v + (v >>> 4)) & 0x0F0F0F0F0F0F0F0FL;
        s.gpr[ra(w)] = v;
    }

    /** popcntw: population count of each word into the same word (e5500; Linux's hweight uses it). */
    public static void popcntw(CpuState s, int w) {
        long v = s.gpr[rs(w)];
        s.gpr[ra(w)] = ((long) Integer.bitCount((int) (v >>> 32)) << 32) | Integer.bitCount((int) v);
    }

    /** popcntd: population count of the doubleword (e5500). */
    public static void popcntd(CpuState s, int w) { s.gpr[ra(w)] = Long.bitCount(s.gpr[rs(w)]); }

    // ---- compare -----------------------------------------------------------------------------

    /** L=1 (64-bit compare) is illegal on cores without the 64-bit category (QEMU do_cmp_X: e500/e500mc). */
    private static boolean badL(CpuState s, int w) { return l(w) == 1 && s.no64(); }

    private static void compare(CpuState s, int bf, long a, long b, boolean signed) {
        int c = signed ? Long.compare(a, b) : Long.compareUnsigned(a, b);
        s.setCrField(bf, (c < 0 ? 8 : c > 0 ? 4 : 2) | s.so);
    }

    public static void cmp(CpuState s, int w) {
        if (badL(s, w)) return;
        long a = s.gpr[ra(w)], b = s.gpr[rb(w)];
        if (l(w) == 0) { a = (int) a; b = (int) b; }
        compare(s, bf(w), a, b, true);
    }

    public static void cmpl(CpuState s, int w) {
        if (badL(s, w)) return;
        long a = s.gpr[ra(w)], b = s.gpr[rb(w)];
        if (l(w) == 0) { a &= M32; b &= M32; }
        compare(s, bf(w), a, b, false);
    }

    public static void cmpi(CpuState s, int w) {
        if (badL(s, w)) return;
        long a = s.gpr[ra(w)];
        if (l(w) == 0) a = (int) a;
        compare(s, bf(w), a, si(w), true);
    }

    public static void cmpli(CpuState s, int w) {
        if (badL(s, w)) return;
        long a = s.gpr[ra(w)], b = ui(w);
        if (l(w) == 0) a &= M32;
        compare(s, bf(w), a, b, false);
    }

    // ---- traps -------------------------------------------------------------------------------

    private static boolean trapCond(int to, long a, long b) {
        return ((to & 0x10) != 0 && a < b)
                || ((to & 0x08) != 0 && a > b)
                || ((to & 0x04) != 0 && a == b)
                || ((to & 0x02) != 0 && Long.compareUnsigned(a, b) < 0)
                || ((to & 0x01) != 0 && Long.compareUnsigned(a, b) > 0);
    }

    private static void trap32(CpuState s, int w, long b) {
        if (trapCond(to(w), (int) s.gpr[ra(w)], (int) b)) s.program(ProgramCause.TRAP);
    }

    private static void trap64(CpuState s, int w, long b) {
        if (s.no64()) return;
        if (trapCond(to(w), s.gpr[ra(w)], b)) s.program(ProgramCause.TRAP);
    }

    public static void tw(CpuState s, int w) { trap32(s, w, s.gpr[rb(w)]); }
    public static void twi(CpuState s, int w) { trap32(s, w, si(w)); }
    public static void td(CpuState s, int w) { trap64(s, w, s.gpr[rb(w)]); }
    public static void tdi(CpuState s, int w) { trap64(s, w, si(w)); }

    // ---- rotate and shift --------------------------------------------------------------------

    /** MASK(mb, me) over 64 bits, IBM numbering; wraps when mb > me. */
    static long mask64(int mb, int me) {
        long a = -1L >>> mb, b = -1L << (63 - me);
        return mb <= me ? a & b : a | b;
    }

    /** ROTL32: the low word rotated and replicated into both halves. */
    private static long rotl32(long x, int n) {
        long v = Integer.rotateLeft((int) x, n) & M32;
        return v | (v << 32);
    }

    public static void rlwinm(CpuState s, int w) {
        finish(s, w, ra(w), rotl32(s.gpr[rs(w)], sh(w)) & mask64(mb(w) + 32, me(w) + 32));
    }

    public static void rlwnm(CpuState s, int w) {
        finish(s, w, ra(w), rotl32(s.gpr[rs(w)], (int) s.gpr[rb(w)] & 31) & mask64(mb(w) + 32, me(w) + 32));
    }

    public static void rlwimi(CpuState s, int w) {
        long m = mask64(mb(w) + 32, me(w) + 32);
        finish(s, w, ra(w), (rotl32(s.gpr[rs(w)], sh(w)) & m) | (s.gpr[ra(w)] & ~m));
    }

    public static void rldicl(CpuState s, int w) {
        if (s.no64()) return;
        finish(s, w, ra(w), Long.rotateLeft(s.gpr[rs(w)], sh6(w)) & mask64(mb6(w), 63));
    }

    public static void rldicr(CpuState s, int w) {
        if (s.no64()) return;
        finish(s, w, ra(w), Long.rotateLeft(s.gpr[rs(w)], sh6(w)) & mask64(0, mb6(w)));
    }

    public static void rldic(CpuState s, int w) {
        if (s.no64()) return;
        int sh = sh6(w);
        finish(s, w, ra(w), Long.rotateLeft(s.gpr[rs(w)], sh) & mask64(mb6(w), 63 - sh));
    }

    public static void rldimi(CpuState s, int w) {
        if (s.no64()) return;
        int sh = sh6(w);
        long m = mask64(mb6(w), 63 - sh);
        finish(s, w, ra(w), (Long.rotateLeft(s.gpr[rs(w)], sh) & m) | (s.gpr[ra(w)] & ~m));
    }

    public static void rldcl(CpuState s, int w) {
        if (s.no64()) return;
        finish(s, w, ra(w), Long.rotateLeft(s.gpr[rs(w)], (int) s.gpr[rb(w)] & 63) & mask64(mb6(w), 63));
    }

    public static void rldcr(CpuState s, int w) {
        if (s.no64()) return;
        finish(s, w, ra(w), Long.rotateLeft(s.gpr[rs(w)], (int) s.gpr[rb(w)] & 63) & mask64(0, mb6(w)));
    }

    public static void slw(CpuState s, int w) {
        int n = (int) s.gpr[rb(w)] & 0x3f;
        finish(s, w, ra(w), n > 31 ? 0 : (s.gpr[rs(w)] << n) & M32);
    }

    public static void srw(CpuState s, int w) {
        int n = (int) s.gpr[rb(w)] & 0x3f;
        finish(s, w, ra(w), n > 31 ? 0 : (s.gpr[rs(w)] & M32) >>> n);
    }

    /** sraw/srawi: the result is sign-extended to 64 bits; CA = negative source and 1-bits shifted out. */
    private static void sraw32(CpuState s, int w, int n) {
        int v = (int) s.gpr[rs(w)];
        long r;
        boolean lost;
        if (n < 32) {
            r = v >> n;
            lost = n != 0 && (v & ((1 << n) - 1)) != 0;
        } else {
            r = v >> 31;
            lost = v != 0;
        }
        s.ca = v < 0 && lost ? 1 : 0;
        finish(s, w, ra(w), r);
    }

    public static void sraw(CpuState s, int w) { sraw32(s, w, (int) s.gpr[rb(w)] & 0x3f); }
    public static void srawi(CpuState s, int w) { sraw32(s, w, sh(w)); }

    public static void sld(CpuState s, int w) {
        if (s.no64()) return;
        int n = (int) s.gpr[rb(w)] & 0x7f;
        finish(s, w, ra(w), n > 63 ? 0 : s.gpr[rs(w)] << n);
    }

    public static void srd(CpuState s, int w) {
        if (s.no64()) return;
        int n = (int) s.gpr[rb(w)] & 0x7f;
        finish(s, w, ra(w), n > 63 ? 0 : s.gpr[rs(w)] >>> n);
    }

    private static void srad64(CpuState s, int w, int n) {
        long v = s.gpr[rs(w)];
        long r;
        boolean lost;
        if (n < 64) {
            r = v >> n;
            lost = n != 0 && (v & ((1L << n) - 1)) != 0;
        } else {
            r = v >> 63;
            lost = v != 0;
        }
        s.ca = v < 0 && lost ? 1 : 0;
        finish(s, w, ra(w), r);
    }

    public static void srad(CpuState s, int w) {
        if (s.no64()) return;
        srad64(s, w, (int) s.gpr[rb(w)] & 0x7f);
    }

    public static void sradi(CpuState s, int w) {
        if (s.no64()) return;
        srad64(s, w, sh6(w));
    }

    // ---- select ------------------------------------------------------------------------------

    public static void isel(CpuState s, int w) {
        s.gpr[rt(w)] = s.crBit(bc(w)) != 0 ? s.raOrZero(ra(w)) : s.gpr[rb(w)];
    }
}
