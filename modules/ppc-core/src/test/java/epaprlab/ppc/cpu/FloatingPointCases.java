package epaprlab.ppc.cpu;

import epaprlab.ppc.cpu.InstructionCases.Case;
import epaprlab.ppc.cpu.InstructionCases.Mode;

import java.util.ArrayList;
import java.util.List;

/**
 * Floating-point rows for {@link InstructionCaseTest} (same keys; objdump cross-checked by
 * {@link InstructionEncodingTest}). Values are IEEE 754 binary64 bits; every expected result is
 * worked out in the comment beside it. FPSCR images used below: FPRF +normal 0x4000, -normal
 * 0x8000, +zero 0x2000, -zero 0x12000, +denormal 0x14000, +inf 0x5000, QNaN 0x11000;
 * FX 0x80000000, FEX 0x40000000, VX 0x20000000, OX 0x10000000, UX 0x08000000, ZX 0x04000000,
 * XX 0x02000000, VXSNAN 0x01000000, VXIMZ 0x00100000, VXVC 0x00080000, FI 0x20000,
 * VXSQRT 0x200, VXCVI 0x100, VE 0x80, ZE 0x10, XE 0x8, RN in the low two bits.
 * MSR: FP 0x2000, FE0 0x800, FE1 0x100. ESR[FP] = 0x01000000, ESR[PIL] = 0x08000000.
 */
final class FloatingPointCases {
    private FloatingPointCases() {}

    static final String ONE = "0x3ff0000000000000", TWO = "0x4000000000000000", THREE = "0x4008000000000000";
    static final String HALF = "0x3fe0000000000000", QNAN = "0x7ff8000000000000", MAX = "0x7fefffffffffffff";
    static final String FP = "msr=0x2000 ";

    private static final List<Case> CASES = new ArrayList<>();

    /** One row for each mode given. */
    private static void c(String asm, int word, String in, String out, Mode... modes) {
        for (Mode m : modes.length == 0 ? Mode.values() : modes) CASES.add(new Case(m, asm, word, in, out));
    }

    static {
        // ---- loads and stores: DOUBLE()/SINGLE() conversions, update forms, FP unavailable
        c("lfd f1,8(r3)", 0xc8230008, FP + "r3=0x3000 mem64@0x3008=0x3ff0000000000000", "f1=" + ONE);
        c("lfdu f1,8(r3)", 0xcc230008, FP + "r3=0x3000 mem64@0x3008=0x4000000000000000", "f1=" + TWO + " r3=0x3008");
        c("lfdx f1,r3,r4", 0x7c2324ae, FP + "r3=0x3000 r4=0x10 mem64@0x3010=0x1234", "f1=0x1234");
        c("lfdux f1,r3,r4", 0x7c2324ee, FP + "r3=0x3000 r4=0x10 mem64@0x3010=0x1234", "f1=0x1234 r3=0x3010");
        // 1.0f widens to 1.0; the smallest single denormal 2^-149 is the normal double 0x36a0...
        c("lfs f1,0(r3)", 0xc0230000, FP + "r3=0x3000 mem32@0x3000=0x3f800000", "f1=" + ONE);
        c("lfs f1,0(r3)", 0xc0230000, FP + "r3=0x3000 mem32@0x3000=0x1", "f1=0x36a0000000000000");
        // a single SNaN stays signalling (no arithmetic): exponent widened, fraction shifted by 29
        c("lfs f1,0(r3)", 0xc0230000, FP + "r3=0x3000 mem32@0x3000=0x7f800001", "f1=0x7ff0000020000000");
        c("lfsu f1,4(r3)", 0xc4230004, FP + "r3=0x3000 mem32@0x3004=0xc0000000", "f1=0xc000000000000000 r3=0x3004");
        c("lfsx f1,r3,r4", 0x7c23242e, FP + "r3=0x3000 r4=4 mem32@0x3004=0x80000000", "f1=0x8000000000000000");
        c("lfsux f1,r3,r4", 0x7c23246e, FP + "r3=0x3000 r4=4 mem32@0x3004=0x40400000", "f1=" + THREE + " r3=0x3004");
        c("stfd f1,8(r3)", 0xd8230008, FP + "r3=0x3000 f1=0x123456789abcdef0", "mem64@0x3008=0x123456789abcdef0");
        c("stfdu f1,8(r3)", 0xdc230008, FP + "r3=0x3000 f1=0x5", "mem64@0x3008=0x5 r3=0x3008");
        c("stfdx f1,r3,r4", 0x7c2325ae, FP + "r3=0x3000 r4=8 f1=0x6", "mem64@0x3008=0x6");
        c("stfdux f1,r3,r4", 0x7c2325ee, FP + "r3=0x3000 r4=8 f1=0x7", "mem64@0x3008=0x7 r3=0x3008");
        c("stfs f1,0(r3)", 0xd0230000, FP + "r3=0x3000 f1=" + ONE, "mem32@0x3000=0x3f800000");
        // SINGLE() of 2^-126 * (1 - 2^-53) truncates into the single denormal range: 0x007fffff
        c("stfs f1,0(r3)", 0xd0230000, FP + "r3=0x3000 f1=0x380fffffffffffff", "mem32@0x3000=0x7fffff");
        c("stfsu f1,4(r3)", 0xd4230004, FP + "r3=0x3000 f1=" + TWO, "mem32@0x3004=0x40000000 r3=0x3004");
        c("stfsx f1,r3,r4", 0x7c23252e, FP + "r3=0x3000 r4=4 f1=" + THREE, "mem32@0x3004=0x40400000");
        c("stfsux f1,r3,r4", 0x7c23256e, FP + "r3=0x3000 r4=4 f1=" + HALF, "mem32@0x3004=0x3f000000 r3=0x3004");
        c("stfiwx f1,r3,r4", 0x7c2327ae, FP + "r3=0x3000 r4=4 f1=0x123456789abcdef0", "mem32@0x3004=0x9abcdef0");
        // update forms with RA = 0 (lfdu f1,8(0), stfsu f1,4(0)) are invalid: illegal instruction, as QEMU
        c(".long 0xcc200008", 0xcc200008, FP + "f1=0x9", "irq=6 esr=0x08000000 f1=0x9");
        c(".long 0xd4200004", 0xd4200004, FP, "irq=6 esr=0x08000000");
        // MSR[FP] = 0: FP unavailable (IVOR7) for loads, stores and FPSCR moves too; nothing written
        c("lfd f1,8(r3)", 0xc8230008, "r3=0x3000 f1=0x9 mem64@0x3008=0x1", "irq=7 f1=0x9");
        c("stfd f1,8(r3)", 0xd8230008, "r3=0x3000 f1=0x9 mem64@0x3008=0x1", "irq=7 mem64@0x3008=0x1");
        c("mffs f1", 0xfc20048e, "f1=0x9 fpscr=0x3", "irq=7 f1=0x9");
        c("mtfsfi 7,1", 0xff80110c, "fpscr=0x3", "irq=7 fpscr=0x3");

        // ---- arithmetic: exact results set FPRF only
        c("fadd f1,f2,f3", 0xfc22182a, FP + "f2=" + ONE + " f3=" + TWO, "f1=" + THREE + " fpscr=0x4000");
        // Rc=1: CR1 = FX FEX VX OX = 0
        c("fadd. f1,f2,f3", 0xfc22182b, FP + "f2=" + ONE + " f3=" + TWO + " cr=0xffffffff", "f1=" + THREE + " cr=0xf0ffffff");
        // x - x = -0 when rounding toward -inf (RN=3), +0 otherwise
        c("fsub f1,f2,f2", 0xfc221028, FP + "f2=" + THREE + " fpscr=3", "f1=0x8000000000000000 fpscr=0x12003");
        c("fsub f1,f2,f2", 0xfc221028, FP + "f2=" + THREE + " fpscr=1", "f1=0 fpscr=0x2001");
        c("fmadd f1,f2,f3,f4", 0xfc2220fa, FP + "f2=" + TWO + " f3=" + THREE + " f4=" + ONE, "f1=0x401c000000000000 fpscr=0x4000");   // 2*3+1 = 7
        c("fmsub f1,f2,f3,f4", 0xfc2220f8, FP + "f2=" + TWO + " f3=" + THREE + " f4=" + ONE, "f1=0x4014000000000000 fpscr=0x4000");   // 2*3-1 = 5
        c("fnmadd f1,f2,f3,f4", 0xfc2220fe, FP + "f2=" + TWO + " f3=" + THREE + " f4=" + ONE, "f1=0xc01c000000000000 fpscr=0x8000");  // -7
        c("fnmsub f1,f2,f3,f4", 0xfc2220fc, FP + "f2=" + TWO + " f3=" + THREE + " f4=" + ONE, "f1=0xc014000000000000 fpscr=0x8000");  // -5
        c("fmul f1,f2,f3", 0xfc2200f2, FP + "f2=" + TWO + " f3=" + THREE, "f1=0x4018000000000000 fpscr=0x4000");   // 6
        c("fdiv f1,f2,f3", 0xfc221824, FP + "f2=" + ONE + " f3=" + TWO, "f1=" + HALF + " fpscr=0x4000");
        // 1/3 = 0.0101...: RN and RZ truncate (next bit 0), RU rounds up; all inexact (FX XX FI)
        c("fdiv f1,f2,f3", 0xfc221824, FP + "f2=" + ONE + " f3=" + THREE, "f1=0x3fd5555555555555 fpscr=0x82024000");
        c("fdiv f1,f2,f3", 0xfc221824, FP + "f2=" + ONE + " f3=" + THREE + " fpscr=2", "f1=0x3fd5555555555556 fpscr=0x82024002");
        c("fdiv f1,f2,f3", 0xfc221824, FP + "f2=" + ONE + " f3=" + THREE + " fpscr=1", "f1=0x3fd5555555555555 fpscr=0x82024001");
        // single precision: 1 + 2^-30 needs 31 bits: RN gives 1.0, RU 1 + 2^-23 (single ulp)
        c("fadds f1,f2,f3", 0xec22182a, FP + "f2=" + ONE + " f3=0x3e10000000000000", "f1=" + ONE + " fpscr=0x82024000");
        c("fadds f1,f2,f3", 0xec22182a, FP + "f2=" + ONE + " f3=0x3e10000000000000 fpscr=2", "f1=0x3ff0000020000000 fpscr=0x82024002");
        c("fsubs f1,f2,f3", 0xec221828, FP + "f2=" + THREE + " f3=" + ONE, "f1=" + TWO + " fpscr=0x4000");
        c("fmuls f1,f2,f3", 0xec2200f2, FP + "f2=" + THREE + " f3=" + THREE, "f1=0x4022000000000000 fpscr=0x4000");   // 9
        c("fdivs f1,f2,f3", 0xec221824, FP + "f2=" + ONE + " f3=" + THREE, "f1=0x3fd5555560000000 fpscr=0x82024000");   // 1/3 = 1.0101..01|1010.. x 2^-2: the bits after the 24th are 1010.., so RN rounds up
        c("fmadds f1,f2,f3,f4", 0xec2220fa, FP + "f2=" + TWO + " f3=" + THREE + " f4=" + ONE, "f1=0x401c000000000000 fpscr=0x4000");
        c("fmsubs f1,f2,f3,f4", 0xec2220f8, FP + "f2=" + TWO + " f3=" + THREE + " f4=" + ONE, "f1=0x4014000000000000 fpscr=0x4000");
        c("fnmadds f1,f2,f3,f4", 0xec2220fe, FP + "f2=" + TWO + " f3=" + THREE + " f4=" + ONE, "f1=0xc01c000000000000 fpscr=0x8000");
        c("fnmsubs f1,f2,f3,f4", 0xec2220fc, FP + "f2=" + TWO + " f3=" + THREE + " f4=" + ONE, "f1=0xc014000000000000 fpscr=0x8000");
        // overflow: MAX*2 is +inf in RN (OX XX FI FX), MAX in RZ
        c("fmul f1,f2,f3", 0xfc2200f2, FP + "f2=" + MAX + " f3=" + TWO, "f1=0x7ff0000000000000 fpscr=0x92025000");
        c("fmul f1,f2,f3", 0xfc2200f2, FP + "f2=" + MAX + " f3=" + TWO + " fpscr=1", "f1=" + MAX + " fpscr=0x92024001");
        // exact denormal result: no UX (QEMU flags underflow only when also inexact)
        c("fmul f1,f2,f3", 0xfc2200f2, FP + "f2=0x0010000000000000 f3=" + HALF, "f1=0x0008000000000000 fpscr=0x14000");
        // 2^-1074 * 0.5 = 2^-1075: a tie between 0 and 2^-1074, to even = +0; UX XX FI FX
        c("fmul f1,f2,f3", 0xfc2200f2, FP + "f2=0x1 f3=" + HALF, "f1=0 fpscr=0x8a022000");
        // invalid operations: default QNaN, VX cause + VX + FX, FPRF QNaN
        c("fmul f1,f2,f3", 0xfc2200f2, FP + "f2=0 f3=0x7ff0000000000000", "f1=" + QNAN + " fpscr=0xa0111000");   // VXIMZ
        c("fsub f1,f2,f3", 0xfc221828, FP + "f2=0x7ff0000000000000 f3=0x7ff0000000000000", "f1=" + QNAN + " fpscr=0xa0811000");   // VXISI
        c("fdiv f1,f2,f3", 0xfc221824, FP + "f2=0 f3=0", "f1=" + QNAN + " fpscr=0xa0211000");   // VXZDZ
        c("fdiv f1,f2,f3", 0xfc221824, FP + "f2=0x7ff0000000000000 f3=0xfff0000000000000", "f1=" + QNAN + " fpscr=0xa0411000");   // VXIDI
        // SNaN operand: quieted and returned (VXSNAN); with two NaNs FRA wins
        c("fadd f1,f2,f3", 0xfc22182a, FP + "f2=0x7ff4000000000000 f3=" + ONE, "f1=0x7ffc000000000000 fpscr=0xa1011000");
        c("fadd f1,f2,f3", 0xfc22182a, FP + "f2=0x7ff8000000000001 f3=0xfff8000000000002", "f1=0x7ff8000000000001 fpscr=0x11000");
        // multiply-add NaN order: FRA, then FRB (the addend), then FRC
        c("fmadd f1,f2,f3,f4", 0xfc2220fa, FP + "f2=" + ONE + " f3=0x7ff8000000000003 f4=0x7ff8000000000004", "f1=0x7ff8000000000004 fpscr=0x11000");
        // single-precision NaN results keep only binary32's 23 fraction bits
        c("fadds f1,f2,f3", 0xec22182a, FP + "f2=0x7ff8000000000123 f3=" + ONE, "f1=" + QNAN + " fpscr=0x11000");
        // zero divide: +inf, ZX FX, FR FI cleared
        c("fdiv f1,f2,f3", 0xfc221824, FP + "f2=" + ONE + " f3=0 fpscr=0x60000", "f1=0x7ff0000000000000 fpscr=0x84005000");

        // ---- moves and select: no FPSCR change
        c("fmr f1,f2", 0xfc201090, FP + "f2=0x7ff4000000000000 fpscr=0x82024000", "f1=0x7ff4000000000000 fpscr=0x82024000");
        c("fneg f1,f2", 0xfc201050, FP + "f2=" + ONE, "f1=0xbff0000000000000 fpscr=0");
        c("fabs f1,f2", 0xfc201210, FP + "f2=0xfff8000000000000", "f1=" + QNAN);
        c("fnabs f1,f2", 0xfc201110, FP + "f2=" + ONE, "f1=0xbff0000000000000");
        c("fmr. f1,f2", 0xfc201091, FP + "f2=" + ONE + " fpscr=0x92024000", "f1=" + ONE + " cr1=0x9");   // CR1 = FPSCR[0:3]
        c("fsel f1,f2,f3,f4", 0xfc2220ee, FP + "f2=0x8000000000000000 f3=0x3 f4=0x4", "f1=0x3");   // -0 >= 0
        c("fsel f1,f2,f3,f4", 0xfc2220ee, FP + "f2=0xbff0000000000000 f3=0x3 f4=0x4", "f1=0x4");
        c("fsel f1,f2,f3,f4", 0xfc2220ee, FP + "f2=" + QNAN + " f3=0x3 f4=0x4", "f1=0x4");   // NaN selects FRB

        // ---- compare: CR field and FPCC
        c("fcmpu cr3,f1,f2", 0xfd811000, FP + "f1=" + ONE + " f2=" + TWO, "cr3=0x8 fpscr=0x8000");
        c("fcmpu cr3,f1,f2", 0xfd811000, FP + "f1=0x8000000000000000 f2=0", "cr3=0x2 fpscr=0x2000");   // -0 == +0
        c("fcmpu cr3,f1,f2", 0xfd811000, FP + "f1=" + QNAN + " f2=0", "cr3=0x1 fpscr=0x1000");   // unordered, no exception
        c("fcmpu cr3,f1,f2", 0xfd811000, FP + "f1=0x7ff4000000000000 f2=0", "cr3=0x1 fpscr=0xa1001000");   // SNaN: VXSNAN
        // fcmpo with a QNaN: VXVC (QEMU sets FPRF to C|FU too)
        c("fcmpo cr3,f1,f2", 0xfd811040, FP + "f1=" + QNAN + " f2=0", "cr3=0x1 fpscr=0xa0091000");

        // ---- rounding, conversions, estimates
        c("frsp f1,f2", 0xfc201018, FP + "f2=0x3ff0000010000000", "f1=" + ONE + " fpscr=0x82024000");   // 1 + 2^-24: tie, to even
        c("frsp f1,f2", 0xfc201018, FP + "f2=0x3ff0000010000000 fpscr=2", "f1=0x3ff0000020000000 fpscr=0x82024002");
        // frsp of 2^-126*(1-2^-53) rounds up to 2^-126 but is tiny before rounding: UX (QEMU)
        c("frsp f1,f2", 0xfc201018, FP + "f2=0x380fffffffffffff", "f1=0x3810000000000000 fpscr=0x8a024000");
        c("fctiw f1,f2", 0xfc20101c, FP + "f2=0x4004000000000000", "f1=0x2 fpscr=0x82020000");   // 2.5 -> 2 (ties to even), FPRF kept
        c("fctiwz f1,f2", 0xfc20101e, FP + "f2=0xc005999999999999", "f1=0xfffffffffffffffe fpscr=0x82020000");   // -2.7 -> -2, sign-extended
        c("fctiw f1,f2", 0xfc20101c, FP + "f2=" + QNAN, "f1=0x80000000 fpscr=0xa0011100");   // NaN: VXCVI, 0x80000000 (QEMU nanval)
        c("fctiw f1,f2", 0xfc20101c, FP + "f2=0x41e65a0bc0000000", "f1=0x7fffffff fpscr=0xa0011100");   // 3e9 saturates, VXCVI
        c("fctid f1,f2", 0xfc20165c, FP + "f2=0x4270000000000800", "f1=0x10000000000 fpscr=0x82020000", Mode.E32, Mode.E64);   // 2^40 + 0.5 -> 2^40
        c("fctidz f1,f2", 0xfc20165e, FP + "f2=0xc3e0000000000000", "f1=0x8000000000000000 fpscr=0", Mode.E32, Mode.E64);   // -2^63 exactly
        c("fcfid f1,f2", 0xfc20169c, FP + "f2=0xfffffffffffffffd", "f1=0xc008000000000000 fpscr=0x8000", Mode.E32, Mode.E64);   // -3
        c("fcfid f1,f2", 0xfc20169c, FP + "f2=0x20000000000001", "f1=0x4340000000000000 fpscr=0x82024000", Mode.E32, Mode.E64);   // 2^53+1: tie to even
        c("fctid f1,f2", 0xfc20165c, FP, "irq=6 esr=0x08000000", Mode.MC);   // not on e500mc
        c("fcfid f1,f2", 0xfc20169c, FP, "irq=6 esr=0x08000000", Mode.MC);   // not on e500mc
        c("fres f1,f2", 0xec201030, FP + "f2=" + TWO, "f1=" + HALF + " fpscr=0x4000");
        c("fres f1,f2", 0xec201030, FP + "f2=0", "f1=" + HALF + " fpscr=0x84004000");   // 1/0: ZX, and QEMU returns 0.5
        c("frsqrte f1,f2", 0xfc201034, FP + "f2=0x4010000000000000", "f1=" + HALF + " fpscr=0x4000");   // 1/sqrt(4)
        c("frsqrte f1,f2", 0xfc201034, FP + "f2=0xbff0000000000000", "f1=" + QNAN + " fpscr=0xa0011200");   // VXSQRT
        // not on these cores (QEMU and binutils agree): fsqrt, fsqrts, fre, frsqrtes
        c("fsqrt f1,f2", 0xfc20102c, FP, "irq=6 esr=0x08000000");
        c("fsqrts f1,f2", 0xec20102c, FP, "irq=6 esr=0x08000000");
        c("fre f1,f2", 0xfc201030, FP, "irq=6 esr=0x08000000");
        c("frsqrtes f1,f2", 0xec201034, FP, "irq=6 esr=0x08000000");
        // reserved fields set: illegal in QEMU (masks probed by qemu-fp/reserved.py), before FP unavailable
        c(".long 0xfc22186a", 0xfc22186a, FP, "irq=6 esr=0x08000000");   // fadd, FRC = 1
        c(".long 0xfc2208f2", 0xfc2208f2, "", "irq=6 esr=0x08000000");     // fmul, FRB = 1, MSR[FP] = 0
        c(".long 0xfc211210", 0xfc211210, FP, "irq=6 esr=0x08000000");   // fabs, FRA = 1
        c(".long 0xfd811001", 0xfd811001, FP, "irq=6 esr=0x08000000");   // fcmpu with Rc
        c(".long 0xfc61004c", 0xfc61004c, FP, "irq=6 esr=0x08000000");   // mtfsb1 3 with bit 15
        c(".long 0x7c2327af", 0x7c2327af, FP, "irq=6 esr=0x08000000");   // stfiwx. (Rc = 1)

        // ---- FPSCR instructions
        c("mffs f1", 0xfc20048e, FP + "fpscr=0x82024003", "f1=0x82024003");
        c("mtfsf 255,f2", 0xfdfe158e, FP + "f2=0xfff8000000000003", "fpscr=0x3");
        // FEX and VX are not written but recomputed; FX is written as given
        c("mtfsf 255,f2", 0xfdfe158e, FP + "f2=0x61000000", "fpscr=0x21000000");
        c("mtfsf 1,f2", 0xfc02158e, FP + "f2=0xffffffff fpscr=0x80000000", "fpscr=0x8000000f");   // only field 7
        c("mtfsf 255,f2", 0xfdff158e, FP, "irq=6 esr=0x08000000");   // W=1 (objdump does not show it): ISA 2.05, illegal here
        c("mtfsfi 7,2", 0xff80210c, FP + "fpscr=0x1", "fpscr=0x2");
        c("mtfsfi. 0,1", 0xfc00110d, FP + "cr=0", "fpscr=0x10000000 cr1=0x1");   // OX via mtfsfi (no FX)
        c("mtfsb1 31", 0xffe0004c, FP, "fpscr=0x1");
        c("mtfsb1 3", 0xfc60004c, FP, "fpscr=0x10000000");   // OX, FX not set (QEMU)
        c("mtfsb1 1", 0xfc20004c, FP, "fpscr=0");   // FEX cannot be set directly
        c("mtfsb0 7", 0xfce0008c, FP + "fpscr=0xa1000000", "fpscr=0x80000000");   // VXSNAN off: VX recomputed
        c("mcrfs cr2,cr0", 0xfd000080, FP + "fpscr=0x92024000", "cr2=0x9 fpscr=0x02024000");   // FX and OX cleared
        c("mcrfs cr2,cr7", 0xfd1c0080, FP + "fpscr=0x3", "cr2=0x3 fpscr=0x3");   // control bits are not cleared

        // ---- enabled exceptions: Program interrupt with ESR[FP] when MSR[FE0|FE1] != 0. The fdiv.
        // rows reproduce what QEMU's SIGFPE context showed (qemu-fp/enabled.c under qemu-user:
        // NIP = the fdiv., FPSCR, the target FPR, CR1 untouched); SRR0 = the instruction.
        // zero divide with ZE: taken before the target is written
        c("fdiv. f1,f2,f3", 0xfc221825, "msr=0x2800 f1=0x9 f2=" + ONE + " f3=0 fpscr=0x10 cr=0", "irq=6 esr=0x01000000 f1=0x9 fpscr=0xc4000010 cr=0");
        // ...and with MSR[FE0|FE1] = 0 only FEX records it
        c("fdiv f1,f2,f3", 0xfc221824, "msr=0x2000 f1=0x9 f2=" + ONE + " f3=0 fpscr=0x10", "f1=0x7ff0000000000000 fpscr=0xc4005010");
        // SNaN with VE (FE1 this time): VXSNAN VX FX FEX, target unchanged
        c("fdiv. f1,f2,f3", 0xfc221825, "msr=0x2100 f1=0x9 f2=0x7ff4000000000000 f3=" + THREE + " fpscr=0x80 cr=0", "irq=6 esr=0x01000000 f1=0x9 fpscr=0xe1000080 cr=0");
        // inexact with XE: deferred, the target and FPRF are written first, CR1 is not
        c("fdiv. f1,f2,f3", 0xfc221825, "msr=0x2800 f2=" + ONE + " f3=" + THREE + " fpscr=0x8 cr=0",
                "irq=6 esr=0x01000000 f1=0x3fd5555555555555 fpscr=0xc2024008 cr=0");
        // overflow with OE: deferred; the result is scaled by 2^-1536 (2^1026 -> 2^-510) and exact: no XX
        c("fdiv. f1,f2,f3", 0xfc221825, "msr=0x2800 f2=" + MAX + " f3=0x3fd0000000000000 fpscr=0x40 cr=0",
                "irq=6 esr=0x01000000 f1=0x200fffffffffffff fpscr=0xd0004040 cr=0");
        c("fdiv. f1,f2,f3", 0xfc221825, "msr=0x2800 f2=" + MAX + " f3=0x3fd5555555555555 fpscr=0x40 cr=0",
                "irq=6 esr=0x01000000 f1=0x2008000000000000 fpscr=0xd2024040 cr=0");
        // tiny with UE: scaled by 2^1536, UX even when exact (2^-1071)
        c("fdiv. f1,f2,f3", 0xfc221825, "msr=0x2800 f2=0x10 f3=" + THREE + " fpscr=0x20 cr=0",
                "irq=6 esr=0x01000000 f1=0x5cf5555555555555 fpscr=0xca024020 cr=0");
        c("fdiv. f1,f2,f3", 0xfc221825, "msr=0x2800 f2=0x10 f3=" + TWO + " fpscr=0x20 cr=0",
                "irq=6 esr=0x01000000 f1=0x5d00000000000000 fpscr=0xc8004020 cr=0");
        // the same without Rc (QEMU's results are the same: the fdiv. rows leave CR1 alone); a
        // region runs these through its FP fast path, which must step aside for the handler
        c("fdiv f1,f2,f3", 0xfc221824, "msr=0x2800 f1=0x9 f2=" + ONE + " f3=0 fpscr=0x10", "irq=6 esr=0x01000000 f1=0x9 fpscr=0xc4000010");
        c("fdiv f1,f2,f3", 0xfc221824, "msr=0x2800 f2=" + ONE + " f3=" + THREE + " fpscr=0x8",
                "irq=6 esr=0x01000000 f1=0x3fd5555555555555 fpscr=0xc2024008");
        c("fdiv f1,f2,f3", 0xfc221824, "msr=0x2800 f2=" + MAX + " f3=0x3fd5555555555555 fpscr=0x40",
                "irq=6 esr=0x01000000 f1=0x2008000000000000 fpscr=0xd2024040");
        c("fdiv f1,f2,f3", 0xfc221824, "msr=0x2800 f2=0x10 f3=" + THREE + " fpscr=0x20",
                "irq=6 esr=0x01000000 f1=0x5cf5555555555555 fpscr=0xca024020");
        // XE enabled and an exact quotient: no exception, FI cleared, FPRF = +normal
        c("fdiv f1,f2,f3", 0xfc221824, "msr=0x2800 f2=" + ONE + " f3=" + TWO + " fpscr=0x20008", "f1=0x3fe0000000000000 fpscr=0x4008");
        // single precision with OE: scaled by 2^-192 (FLT_MAX*4 = (2-2^-23)*2^129 -> (2-2^-23)*2^-63)
        c("fmuls f1,f2,f3", 0xec2200f2, "msr=0x2000 f2=0x47efffffe0000000 f3=0x4010000000000000 fpscr=0x40",
                "f1=0x3c0fffffe0000000 fpscr=0xd0004040");
        // enabling ZE while ZX is set: FEX and the interrupt after mtfsfi
        c("mtfsfi 6,1", 0xff00110c, "msr=0x2800 fpscr=0x04000000", "irq=6 esr=0x01000000 fpscr=0x44000010");
        // fcmpo with VE: VXVC deferred, CR field written
        c("fcmpo cr3,f1,f2", 0xfd811040, "msr=0x2800 f1=" + QNAN + " f2=0 fpscr=0x80", "irq=6 esr=0x01000000 cr3=0x1 fpscr=0xe0091080");
    }

    static final List<Case> ALL = List.copyOf(CASES);
}
