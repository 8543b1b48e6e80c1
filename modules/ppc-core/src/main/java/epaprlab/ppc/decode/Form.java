package epaprlab.ppc.decode;

import java.util.HashMap;
import java.util.Map;

/**
 * Operand syntax of each mnemonic family, kept next to the decode tables: a slot bound with
 * {@code put(..., "lwz", ...)} prints with the form that lists "lwz". Adding an instruction means
 * adding its name to one form here (the disassembler test fails for a slot without one).
 *
 * <p>{@code opcodeMask} covers the bits the decode slot fixes; {@code fieldMask} the operand bits
 * (including OE/Rc/AA/LK). Any other bit set is a reserved bit, and like GNU objdump the
 * disassembler then prints {@code .long}. {@code requiredMask/requiredValue} are bits that must
 * have one value although the decode index ignores them (Rc=1 of stwcx., bit 30 of sc).
 */
public enum Form {
    // ### Fixed point, D-form
    D_ADD(0xfc000000, F.RT | F.RA | F.D16, "addi", "addis", "addic", "addic.", "mulli", "subfic"),
    D_LOGIC(0xfc000000, F.RT | F.RA | F.D16, "ori", "oris", "xori", "xoris", "andi.", "andis."),
    D_CMP(0xfc000000, F.BF | F.L | F.RA | F.D16 | 0x00400000, "cmpi", "cmpli"),   // objdump ignores bit 9
    D_TRAP(0xfc000000, F.RT | F.RA | F.D16, "twi", "tdi"),
    D_LOAD(0xfc000000, F.RT | F.RA | F.D16,
            "lwz", "lwzu", "lbz", "lbzu", "stw", "stwu", "stb", "stbu", "lhz", "lhzu", "lha", "lhau",
            "sth", "sthu", "lmw", "stmw"),
    DS_LOAD(0xfc000003, F.RT | F.RA | 0xfffc, "ld", "ldu", "lwa", "std", "stdu"),
    // ### Branch and system call
    I_BRANCH(0xfc000000, 0x03ffffff, "b"),
    B_BRANCH(0xfc000000, 0x03ffffff, "bc"),
    XL_BRANCH(0xfc0007fe, F.RT | F.RA | 0x1800 | F.RC, "bclr", "bcctr"),
    SC(0xfc000000, 0xfe0 | 0xf000 | 0x1c, 2, 2, "sc"),   // objdump ignores bits 16..19 and 27..29
    // ### XL-form: CR logical, system linkage
    XL_CRLOG(0xfc0007fe, F.RT | F.RA | F.RB, "crand", "crandc", "creqv", "crnand", "crnor", "cror", "crorc", "crxor"),
    XL_MCRF(0xfc0007fe, F.BF | F.BFA, "mcrf"),
    NONE(0xfc0007fe, 0, "rfi", "rfci", "rfdi", "rfmci", "isync", "tlbsync"),
    X_TLBRE(0xfc0007fe, F.RT | F.RA | F.RB, "tlbre", "tlbwe"),   // the 4xx operands binutils keeps for Book E
    // ### XO/X-form arithmetic and logical
    XO_3(0xfc0003fe, F.RT | F.RA | F.RB | F.OE | F.RC,
            "add", "addc", "adde", "subf", "subfc", "subfe", "mullw", "divw", "divwu", "mulld", "divd", "divdu"),
    XO_2(0xfc0003fe, F.RT | F.RA | F.OE | F.RC, "addme", "addze", "subfme", "subfze", "neg"),
    XO_MULH(0xfc0007fe, F.RT | F.RA | F.RB | F.RC, "mulhw", "mulhwu", "mulhd", "mulhdu"),
    X_CMP(0xfc0007fe, F.BF | F.L | F.RA | F.RB, "cmp", "cmpl"),
    X_TRAP(0xfc0007fe, F.RT | F.RA | F.RB, "tw", "td"),
    X_LOGIC(0xfc0007fe, F.RT | F.RA | F.RB | F.RC,
            "and", "andc", "or", "orc", "xor", "nand", "nor", "eqv", "slw", "srw", "sraw", "sld", "srd", "srad"),
    X_UNARY(0xfc0007fe, F.RT | F.RA | F.RC, "extsb", "extsh", "extsw", "cntlzw", "cntlzd"),
    X_UNARY_NORC(0xfc0007fe, F.RT | F.RA, "popcntb", "popcntw", "popcntd"),
    X_SHIFTI(0xfc0007fe, F.RT | F.RA | F.RB | F.RC, "srawi"),
    XS_SHIFTI(0xfc0007fc, F.RT | F.RA | F.RB | 2 | F.RC, "sradi"),
    A_ISEL(0xfc00003e, F.RT | F.RA | F.RB | F.RC5 | F.RC, "isel"),
    // ### Rotates
    M_RLWINM(0xfc000000, F.RT | F.RA | F.RB | F.RC5 | 0x3e | F.RC, "rlwinm", "rlwimi"),
    M_RLWNM(0xfc000000, F.RT | F.RA | F.RB | F.RC5 | 0x3e | F.RC, "rlwnm"),
    MD(0xfc00001c, F.RT | F.RA | F.RB | 0x7e0 | 2 | F.RC, "rldicl", "rldicr", "rldic", "rldimi"),
    MDS(0xfc00001e, F.RT | F.RA | F.RB | 0x7e0 | F.RC, "rldcl", "rldcr"),
    // ### X-form loads and stores, reservations
    X_LOAD(0xfc0007fe, F.RT | F.RA | F.RB,
            "lbzx", "lbzux", "lhzx", "lhzux", "lhax", "lhaux", "lwzx", "lwzux", "stbx", "stbux", "sthx", "sthux",
            "stwx", "stwux", "lhbrx", "lwbrx", "sthbrx", "stwbrx", "ldx", "ldux", "lwax", "lwaux", "stdx", "stdux",
            "ldbrx", "stdbrx"),
    X_LARX(0xfc0007fe, F.RT | F.RA | F.RB | F.RC, "lwarx", "ldarx"),
    X_STCX(0xfc0007fe, F.RT | F.RA | F.RB, 1, 1, "stwcx.", "stdcx."),
    // ### Condition register and system registers
    X_MFCR(0xfc0007fe, F.RT | 0x100000 | F.FXM, "mfcr"),
    XFX_MTCRF(0xfc0007fe, F.RT | 0x100000 | F.FXM, "mtcrf"),
    XFX_MFSPR(0xfc0007fe, F.RT | F.RA | F.RB, "mfspr", "mftb"),
    XFX_MTSPR(0xfc0007fe, F.RT | F.RA | F.RB, "mtspr"),
    X_RT(0xfc0007fe, F.RT, "mfmsr", "wrtee"),
    X_MTMSR(0xfc0007fe, F.RT | 0x10000, "mtmsr"),
    X_WRTEEI(0xfc0007fe, 0x8000, "wrteei"),
    X_BF(0xfc0007fe, F.BF, "mcrxr"),
    // ### Storage and processor control
    X_SYNC(0xfc0007fe, 0x00600000, "sync"),
    X_MBAR(0xfc0007fe, F.RT | F.RA | F.RB, "mbar"),   // objdump ignores bits 11..20
    X_WAIT(0xfc0007fe, 0x00600000, "wait"),
    X_CACHE(0xfc0007fe, F.RA | F.RB, "dcbst", "dcbi", "icbi", "tlbivax"),
    X_CACHE_L(0xfc0007fe, F.L | F.RA | F.RB, "dcba", "dcbz"),   // L=1: dcbal, dcbzl
    X_TLBSX(0xfc0007fe, F.RT | F.RA | F.RB | F.RC, "tlbsx"),
    X_DCBF(0xfc0007fe, 0x00600000 | F.RA | F.RB, "dcbf"),
    X_TOUCH(0xfc0007fe, F.RT | F.RA | F.RB, "dcbt", "dcbtst", "icbt"),
    X_LOCK(0xfc0007fe, F.RT | F.RA | F.RB, "dcbtls"),   // CT, RA, RB (illegal CT bit 6 and Rc: the handler)
    X_TLBILX(0xfc0007fe, F.RT | F.RA | F.RB, "tlbilx"),
    X_RB(0xfc0007fe, F.RB, "msgsnd", "msgclr"),
    // Move assist: executed (as Linux emulates them on these cores) but binutils gives them to
    // neither e500mc nor e5500, so they render as .long, as objdump prints them
    X_STRING(0xfc0007fe, F.RT | F.RA | F.RB, "lswi", "lswx", "stswi", "stswx"),
    // ### Floating point (Book I chapter 4)
    D_FLOAD(0xfc000000, F.RT | F.RA | F.D16, "lfs", "lfsu", "lfd", "lfdu", "stfs", "stfsu", "stfd", "stfdu"),
    X_FLOAD(0xfc0007fe, F.RT | F.RA | F.RB,
            "lfsx", "lfsux", "lfdx", "lfdux", "stfsx", "stfsux", "stfdx", "stfdux", "stfiwx"),
    A_FP3(0xfc00003e, F.RT | F.RA | F.RB | F.RC, "fadd", "fadds", "fsub", "fsubs", "fdiv", "fdivs"),
    A_FMUL(0xfc00003e, F.RT | F.RA | F.RC5 | F.RC, "fmul", "fmuls"),
    A_FP4(0xfc00003e, F.RT | F.RA | F.RB | F.RC5 | F.RC,
            "fmadd", "fmadds", "fmsub", "fmsubs", "fnmadd", "fnmadds", "fnmsub", "fnmsubs", "fsel"),
    A_FP1(0xfc00003e, F.RT | F.RB | F.RC, "fsqrt", "fsqrts", "fres", "frsqrte"),
    X_FP1(0xfc0007fe, F.RT | F.RB | F.RC,
            "fmr", "fneg", "fabs", "fnabs", "frsp", "fctiw", "fctiwz", "fctid", "fctidz", "fcfid"),
    X_FCMP(0xfc0007fe, F.BF | F.RA | F.RB, "fcmpu", "fcmpo"),
    X_MFFS(0xfc0007fe, F.RT | F.RC, "mffs"),
    XFL_MTFSF(0xfc0007fe, 0x02000000 | (0xff << 17) | 0x10000 | F.RB | F.RC, "mtfsf"),
    X_MTFSFI(0xfc0007fe, F.BF | 0x10000 | 0xf000 | F.RC, "mtfsfi"),
    X_MTFSB(0xfc0007fe, F.RT | F.RC, "mtfsb0", "mtfsb1"),
    X_MCRFS(0xfc0007fe, F.BF | F.BFA, "mcrfs");

    /** Operand field masks (IBM bit numbers in the comments). */
    static final class F {
        static final int RT = 0x03e00000;   // 6..10 (RT, RS, BO, TO, BT, FRT)
        static final int BF = 0x03800000;   // 6..8
        static final int L = 0x00200000;    // 10
        static final int RA = 0x001f0000;   // 11..15 (RA, BI, BA, FRA)
        static final int BFA = 0x001c0000;  // 11..13
        static final int RB = 0x0000f800;   // 16..20 (RB, BB, SH, FRB)
        static final int FXM = 0x000ff000;  // 12..19
        static final int RC5 = 0x000007c0;  // 21..25 (MB, BC, FRC)
        static final int OE = 0x00000400;   // 21
        static final int D16 = 0x0000ffff;  // 16..31
        static final int RC = 0x00000001;   // 31
    }

    private final int opcodeMask, fieldMask, requiredMask, requiredValue;
    private final String[] names;

    Form(int opcodeMask, int fieldMask, String... names) { this(opcodeMask, fieldMask, 0, 0, names); }

    Form(int opcodeMask, int fieldMask, int requiredMask, int requiredValue, String... names) {
        this.opcodeMask = opcodeMask;
        this.fieldMask = fieldMask;
        this.requiredMask = requiredMask;
        this.requiredValue = requiredValue;
        this.names = names;
    }

    public int opcodeMask() { return opcodeMask; }
    public int fieldMask() { return fieldMask; }
    public int requiredMask() { return requiredMask; }
    public int requiredValue() { return requiredValue; }

    /** True when {@code w} has no reserved bit set and its required bits hold their value. */
    public boolean wellFormed(int w) {
        return (w & ~(opcodeMask | fieldMask | requiredMask)) == 0 && (w & requiredMask) == requiredValue;
    }

    private static final Map<String, Form> BY_NAME = new HashMap<>();
    static {
        for (Form f : values()) {
            for (String n : f.names) {
                if (BY_NAME.put(n, f) != null) throw new IllegalStateException("two forms for " + n);
            }
        }
    }

    /** The form of mnemonic family {@code name} (as bound in {@link DecodeTable}), or null. */
    public static Form of(String name) { return BY_NAME.get(name); }
}
