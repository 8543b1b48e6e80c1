package epaprlab.ppc.decode;

/**
 * Instruction field extractors named after the Power ISA fields. IBM bit numbering: bit 0 is
 * the most significant bit of the 32-bit word.
 */
public final class Fields {
    private Fields() {}

    /** Primary opcode, bits 0..5. */
    public static int opcd(int w) { return w >>> 26; }
    /** RT/RS/BO/TO/BF(<<2), bits 6..10. */
    public static int rt(int w) { return (w >>> 21) & 0x1f; }
    public static int rs(int w) { return (w >>> 21) & 0x1f; }
    public static int bo(int w) { return (w >>> 21) & 0x1f; }
    public static int to(int w) { return (w >>> 21) & 0x1f; }
    /** BT (CR bit target), bits 6..10. */
    public static int bt(int w) { return (w >>> 21) & 0x1f; }
    /** BF (CR field), bits 6..8. */
    public static int bf(int w) { return (w >>> 23) & 0x7; }
    /** L of compare instructions, bit 10. */
    public static int l(int w) { return (w >>> 21) & 0x1; }
    /** RA / BI / BA, bits 11..15. */
    public static int ra(int w) { return (w >>> 16) & 0x1f; }
    public static int bi(int w) { return (w >>> 16) & 0x1f; }
    public static int ba(int w) { return (w >>> 16) & 0x1f; }
    /** BFA, bits 11..13. */
    public static int bfa(int w) { return (w >>> 18) & 0x7; }
    /** RB / BB / SH (rlw*, srawi), bits 16..20. */
    public static int rb(int w) { return (w >>> 11) & 0x1f; }
    public static int bb(int w) { return (w >>> 11) & 0x1f; }
    public static int sh(int w) { return (w >>> 11) & 0x1f; }
    /** MB of M-form, bits 21..25. */
    public static int mb(int w) { return (w >>> 6) & 0x1f; }
    /** ME of M-form, bits 26..30. */
    public static int me(int w) { return (w >>> 1) & 0x1f; }
    /** BC of isel (A-form), bits 21..25. */
    public static int bc(int w) { return (w >>> 6) & 0x1f; }
    /** SI: signed 16-bit immediate, bits 16..31. */
    public static int si(int w) { return (short) w; }
    /** UI: unsigned 16-bit immediate, bits 16..31. */
    public static int ui(int w) { return w & 0xffff; }
    /** D: signed displacement, bits 16..31. */
    public static int d(int w) { return (short) w; }
    /** DS: signed displacement of DS-form (low two bits zero). */
    public static int ds(int w) { return (short) (w & 0xfffc); }
    /** XO of DS-form, bits 30..31. */
    public static int dsXo(int w) { return w & 3; }
    /** BD: signed branch displacement of B-form. */
    public static int bd(int w) { return (short) (w & 0xfffc); }
    /** LI: signed branch displacement of I-form (26 bits incl. the two zero bits). */
    public static int li(int w) { return (w << 6) >> 6 & ~3; }
    /** AA, bit 30. */
    public static boolean aa(int w) { return (w & 2) != 0; }
    /** LK, bit 31. */
    public static boolean lk(int w) { return (w & 1) != 0; }
    /** Rc, bit 31. */
    public static boolean rc(int w) { return (w & 1) != 0; }
    /** OE of XO-form, bit 21. */
    public static boolean oe(int w) { return (w & 0x400) != 0; }
    /** Extended opcode of X/XL/XFX-form, bits 21..30. */
    public static int xo10(int w) { return (w >>> 1) & 0x3ff; }
    /** Extended opcode of XO-form without OE, bits 22..30. */
    public static int xo9(int w) { return (w >>> 1) & 0x1ff; }
    /** SPR/TBR number (the two 5-bit halves of bits 11..20 swapped back). */
    public static int spr(int w) { return ((w >>> 16) & 0x1f) | ((w >>> 6) & 0x3e0); }
    /** FXM of mtcrf/mfocrf, bits 12..19. */
    public static int fxm(int w) { return (w >>> 12) & 0xff; }
    /** Bit 11 of mtocrf/mfocrf (one-field form). */
    public static boolean oneField(int w) { return (w & 0x00100000) != 0; }
    /** sh of MD/XS-form: sh[0:4] in bits 16..20, sh[5] in bit 30. */
    public static int sh6(int w) { return ((w >>> 11) & 0x1f) | ((w & 2) << 4); }
    /** mb/me of MD/MDS-form: bits 21..26 hold mb[0:4] then mb[5] (the high bit last). */
    public static int mb6(int w) { int raw = (w >>> 5) & 0x3f; return ((raw & 1) << 5) | (raw >>> 1); }
    /** LEV of sc, bits 20..26. */
    public static int lev(int w) { return (w >>> 5) & 0x7f; }
    /** E bit of wrteei, bit 16. */
    public static boolean e(int w) { return (w & 0x8000) != 0; }
}
