package epaprlab.ppc.differential;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random instruction sequences per instruction class, as GNU assembler text. Rules that keep
 * every sequence runnable under qemu-user (no signal) and comparable:
 * <ul>
 *   <li>r1 holds the address of the sequence's record (state in/out, scratch buffer): no
 *       instruction writes r1; every other GPR is random on entry and compared on exit.</li>
 *   <li>Loads and stores address the record's 256-byte scratch buffer through a base register
 *       set just before ({@code addi rA,r1,...}); the buffer is compared too.</li>
 *   <li>Branches only go forward inside the sequence; {@code bclr/bcctr} targets are set with
 *       {@code mtlr/mtctr} just before.</li>
 *   <li>No trap, no privileged instruction, no {@code mcrxr} (the 32-bit program also runs on
 *       the e5500 core, which lacks it).</li>
 * </ul>
 */
public final class Generator {
    private final boolean wide;
    /** Offset of the scratch buffer inside a record (from the batch's layout). */
    private final int scratch;
    private final SplittableRandom r;
    private final List<String> out = new ArrayList<>();
    private int labels;
    private final String labelPrefix;

    public enum InsnClass {
        ARITH, LOGICAL, COMPARE, ROTATE, MULDIV, CR, ISEL, LOADSTORE, BYTEREV, MULTIPLE, BRANCH, MIXED,
        /**
         * 64-bit forms whose results do not depend on the computation mode (no Rc, OE, CA or CTR):
         * 64-bit program only; the engine also runs it in 32-bit mode against the same QEMU results.
         */
        WIDE_MODELESS,
        FP_ARITH, FP_MOVE, FP_LOADSTORE, FPSCR;

        public boolean fp() { return name().startsWith("FP"); }
        public boolean wideOnly() { return this == WIDE_MODELESS; }
    }

    Generator(boolean wide, int scratchOffset, SplittableRandom r, String labelPrefix) {
        this.wide = wide; this.scratch = scratchOffset; this.r = r; this.labelPrefix = labelPrefix;
    }

    /** A body of 1..10 instructions (plus their set-up lines) of class {@code c}. */
    List<String> body(InsnClass c) {
        out.clear();
        int n = 1 + r.nextInt(10);
        for (int i = 0; i < n; i++) {
            emitOne(c == InsnClass.MIXED ? pickMixed() : c);
        }
        return List.copyOf(out);
    }

    private InsnClass pickMixed() {
        InsnClass[] ints = {InsnClass.ARITH, InsnClass.LOGICAL, InsnClass.COMPARE, InsnClass.ROTATE, InsnClass.MULDIV,
                InsnClass.CR, InsnClass.ISEL, InsnClass.LOADSTORE, InsnClass.BYTEREV, InsnClass.BRANCH};
        return ints[r.nextInt(ints.length)];
    }

    private void emitOne(InsnClass c) {
        switch (c) {
            case ARITH -> arith();
            case LOGICAL -> logical();
            case COMPARE -> compare();
            case ROTATE -> rotate();
            case MULDIV -> muldiv();
            case CR -> cr();
            case ISEL -> emit("isel " + rd() + "," + ra() + "," + rs() + "," + r.nextInt(32));
            case LOADSTORE -> loadStore();
            case BYTEREV -> byteReversed();
            case MULTIPLE -> multiple();
            case BRANCH -> branch();
            case MIXED -> emitOne(pickMixed());
            case WIDE_MODELESS -> wideModeless();
            case FP_ARITH -> fpArith();
            case FP_MOVE -> fpMove();
            case FP_LOADSTORE -> fpLoadStore();
            case FPSCR -> fpscr();
        }
    }

    // --- operands -----------------------------------------------------------------------------
    private void emit(String s) { out.add(s); }
    private <T> T pick(T[] a) { return a[r.nextInt(a.length)]; }
    private int gprNot1() { int g = r.nextInt(31); return g == 1 ? 31 : g; }
    /** Destination: any GPR but r1. */
    private String rd() { return "r" + gprNot1(); }
    /** Source: any GPR (r1 is the record address, the same on both sides). */
    private String rs() { return "r" + r.nextInt(32); }
    private String ra() { return rs(); }
    private String f() { return "f" + r.nextInt(32); }
    private String oe(String m, boolean hasOe) {
        return m + (hasOe && r.nextBoolean() ? "o" : "") + (r.nextBoolean() ? "." : "");
    }
    private String dot(String m) { return m + (r.nextBoolean() ? "." : ""); }
    private int simm() {
        return switch (r.nextInt(4)) {
            case 0 -> r.nextInt(-16, 17);
            case 1 -> pick(new Integer[] {0, 1, -1, 0x7FFF, -0x8000});
            default -> r.nextInt(-0x8000, 0x8000);
        };
    }
    private int uimm() { return r.nextInt(4) == 0 ? pick(new Integer[] {0, 1, 0xFFFF, 0x8000}) : r.nextInt(0x10000); }

    // --- classes ------------------------------------------------------------------------------
    private void arith() {
        switch (r.nextInt(5)) {
            case 0, 1 -> emit(oe(pick(new String[] {"add", "addc", "adde", "subf", "subfc", "subfe"}), true)
                    + " " + rd() + "," + ra() + "," + rs());
            case 2 -> emit(oe(pick(new String[] {"neg", "addme", "addze", "subfme", "subfze"}), true) + " " + rd() + "," + ra());
            case 3 -> emit(pick(new String[] {"addi", "addis"}) + " " + rd() + "," + ra() + "," + simm());
            default -> emit(pick(new String[] {"addic", "addic.", "subfic"}) + " " + rd() + "," + ra() + "," + simm());
        }
    }

    private void logical() {
        switch (r.nextInt(4)) {
            case 0, 1 -> emit(dot(pick(new String[] {"and", "andc", "or", "orc", "xor", "nand", "nor", "eqv"}))
                    + " " + rd() + "," + rs() + "," + rs());
            case 2 -> emit(pick(new String[] {"andi.", "andis.", "ori", "oris", "xori", "xoris"}) + " " + rd() + "," + rs() + "," + uimm());
            default -> {
                String[] un = wide ? new String[] {"extsb", "extsh", "cntlzw", "extsw", "cntlzd"}
                        : new String[] {"extsb", "extsh", "cntlzw"};
                if (wide && r.nextInt(6) == 0) emit("popcntb " + rd() + "," + rs());
                else emit(dot(pick(un)) + " " + rd() + "," + rs());
            }
        }
    }

    private void compare() {
        String crf = "cr" + r.nextInt(8);
        int l = wide ? r.nextInt(2) : 0;
        switch (r.nextInt(4)) {
            case 0 -> emit("cmp " + crf + "," + l + "," + rs() + "," + rs());
            case 1 -> emit("cmpl " + crf + "," + l + "," + rs() + "," + rs());
            case 2 -> emit("cmpi " + crf + "," + l + "," + rs() + "," + simm());
            default -> emit("cmpli " + crf + "," + l + "," + rs() + "," + uimm());
        }
    }

    private void rotate() {
        int k = r.nextInt(wide ? 9 : 6);
        switch (k) {
            case 0 -> emit(dot("rlwinm") + " " + rd() + "," + rs() + "," + r.nextInt(32) + "," + r.nextInt(32) + "," + r.nextInt(32));
            case 1 -> emit(dot("rlwimi") + " " + rd() + "," + rs() + "," + r.nextInt(32) + "," + r.nextInt(32) + "," + r.nextInt(32));
            case 2 -> emit(dot("rlwnm") + " " + rd() + "," + rs() + "," + rs() + "," + r.nextInt(32) + "," + r.nextInt(32));
            case 3, 4 -> { shiftAmount(); emit(dot(pick(new String[] {"slw", "srw", "sraw"})) + " " + rd() + "," + rs() + "," + rs()); }
            case 5 -> emit(dot("srawi") + " " + rd() + "," + rs() + "," + r.nextInt(32));
            case 6 -> emit(dot(pick(new String[] {"rldicl", "rldicr", "rldic", "rldimi"})) + " " + rd() + "," + rs() + "," + r.nextInt(64) + "," + r.nextInt(64));
            case 7 -> emit(dot(pick(new String[] {"rldcl", "rldcr"})) + " " + rd() + "," + rs() + "," + rs() + "," + r.nextInt(64));
            default -> {
                if (r.nextBoolean()) emit(dot("sradi") + " " + rd() + "," + rs() + "," + r.nextInt(64));
                else { shiftAmount(); emit(dot(pick(new String[] {"sld", "srd", "srad"})) + " " + rd() + "," + rs() + "," + rs()); }
            }
        }
    }

    /**
     * Book E computes these on 64 bits in either mode (EREF: only CR0, CA, OV, EAs and the CTR
     * test look at the low word in 32-bit mode), so their GPR results are mode-independent.
     */
    private void wideModeless() {
        switch (r.nextInt(6)) {
            case 0 -> emit(pick(new String[] {"rldicl", "rldicr", "rldic", "rldimi"}) + " " + rd() + "," + rs() + "," + r.nextInt(64) + "," + r.nextInt(64));
            case 1 -> emit(pick(new String[] {"rldcl", "rldcr"}) + " " + rd() + "," + rs() + "," + rs() + "," + r.nextInt(64));
            case 2 -> { shiftAmount(); emit(pick(new String[] {"sld", "srd"}) + " " + rd() + "," + rs() + "," + rs()); }
            case 3 -> emit(pick(new String[] {"mulld", "mulhd", "mulhdu", "divd", "divdu"}) + " " + rd() + "," + rs() + "," + rs());
            case 4 -> emit(pick(new String[] {"extsw", "cntlzd", "popcntb", "popcntw", "popcntd", "extsb", "extsh"}) + " " + rd() + "," + rs());
            default -> {
                int t = gprNot1();
                int b = base(32 + r.nextInt(160), t);
                String m = pick(new String[] {"ld", "ldu", "lwa", "std", "stdu"});
                if (m.endsWith("u") && r.nextBoolean()) { // indexed forms
                    int x; do { x = 2 + r.nextInt(30); } while (x == b || x == t);
                    emit("li r" + x + "," + r.nextInt(-16, 17));
                    emit(pick(new String[] {"ldx", "ldux", "lwax", "lwaux", "stdx", "stdux"}) + " r" + t + ",r" + b + ",r" + x);
                } else {
                    emit(m + " r" + t + "," + (r.nextInt(-16, 17) & ~3) + "(r" + b + ")");
                }
            }
        }
    }

    /** Sometimes puts a small shift amount (0..127, crossing 32/64) in a register first. */
    private void shiftAmount() {
        if (r.nextBoolean()) emit("li " + rd() + "," + r.nextInt(128));
    }

    private void muldiv() {
        List<String> m = new ArrayList<>(List.of("mullw", "divw", "divwu"));
        if (wide) m.addAll(List.of("mulld", "divd", "divdu"));
        switch (r.nextInt(wide ? 5 : 4)) {
            case 0, 1 -> emit(oe(pick(m.toArray(String[]::new)), true) + " " + rd() + "," + rs() + "," + rs());
            case 2 -> emit(dot(pick(new String[] {"mulhw", "mulhwu"})) + " " + rd() + "," + rs() + "," + rs());
            case 3 -> emit("mulli " + rd() + "," + rs() + "," + simm());
            default -> emit(dot(pick(new String[] {"mulhd", "mulhdu"})) + " " + rd() + "," + rs() + "," + rs());
        }
    }

    private void cr() {
        switch (r.nextInt(6)) {
            case 0, 1 -> emit(pick(new String[] {"crand", "cror", "crxor", "crnand", "crnor", "creqv", "crandc", "crorc"})
                    + " " + r.nextInt(32) + "," + r.nextInt(32) + "," + r.nextInt(32));
            case 2 -> emit("mcrf cr" + r.nextInt(8) + ",cr" + r.nextInt(8));
            case 3 -> emit(r.nextBoolean() ? "mfcr " + rd() : "mfocrf " + rd() + "," + (1 << r.nextInt(8)));
            case 4 -> emit(r.nextBoolean() ? "mtcrf " + r.nextInt(256) + "," + rs() : "mtocrf " + (1 << r.nextInt(8)) + "," + rs());
            default -> {
                if (r.nextBoolean()) { emit("mfxer " + rd()); return; }
                // XER[44:45] (0x000C0000, OV32/CA32 of ISA 3.0, reserved in Book E) read as 0 in QEMU
                // whatever was written: never write them (README: undefined results).
                int g = gprNot1();
                long v = r.nextInt() & ~0x000C0000;
                emit("lis r" + g + "," + ((v >>> 16) & 0xFFFF));
                emit("ori r" + g + ",r" + g + "," + (v & 0xFFFF));
                emit("mtxer r" + g);
            }
        }
    }

    /** Base register for a scratch access: a GPR other than r0/r1 and the excluded ones, set to scratch+off. */
    private int base(int off, int... avoid) {
        int b;
        do { b = 2 + r.nextInt(30); } while (contains(avoid, b));
        emit("addi r" + b + ",r1," + (scratch + off));
        return b;
    }
    private static boolean contains(int[] a, int v) { for (int x : a) if (x == v) return true; return false; }

    private void loadStore() {
        record Form(String m, int width, boolean store, boolean ds) {}
        List<Form> forms = new ArrayList<>(List.of(
                new Form("lbz", 1, false, false), new Form("lhz", 2, false, false), new Form("lha", 2, false, false),
                new Form("lwz", 4, false, false), new Form("stb", 1, true, false), new Form("sth", 2, true, false),
                new Form("stw", 4, true, false)));
        if (wide) forms.addAll(List.of(new Form("ld", 8, false, true), new Form("lwa", 4, false, true), new Form("std", 8, true, true)));
        if (r.nextInt(10) == 0) { reservation(); return; }
        Form f = forms.get(r.nextInt(forms.size()));
        boolean update = r.nextBoolean() && !f.m().equals("lwa"), indexed = r.nextBoolean();
        int t = gprNot1();
        int off = 32 + r.nextInt(160);
        if (indexed) {
            int b = base(off, t);
            int x; do { x = 2 + r.nextInt(30); } while (x == b || x == t);
            emit("li r" + x + "," + r.nextInt(-16, 17));
            String m = f.m().equals("lwa") ? "lwax" : f.m() + (update ? "ux" : "x");
            if (f.m().equals("lwa") && update) m = "lwaux";
            emit(m + " r" + t + ",r" + b + ",r" + x);
        } else {
            int b = base(off, t);
            int d = r.nextInt(-16, 17);
            if (f.ds()) d &= ~3;
            emit(f.m() + (update ? "u" : "") + " r" + t + "," + d + "(r" + b + ")");
        }
    }

    private void reservation() {
        boolean d = wide && r.nextBoolean();
        int t = gprNot1();
        int b = base(64 + 8 * r.nextInt(8), t);
        emit((d ? "ldarx" : "lwarx") + " r" + t + ",0,r" + b);
        if (r.nextBoolean()) emit("addi r" + t + ",r" + t + ",1");
        emit((d ? "stdcx." : "stwcx.") + " r" + t + ",0,r" + b);
    }

    private void byteReversed() {
        // ldbrx/stdbrx are not generated: QEMU 7.2's e5500 lacks PPC2_DBRX and raises SIGILL for them
        // (binutils and the e5500 manual have them; InstructionCases covers them in the engine).
        String[] m = {"lhbrx", "lwbrx", "sthbrx", "stwbrx"};
        int t = gprNot1();
        int b = base(32 + r.nextInt(160), t);
        if (r.nextBoolean()) { emit(pick(m) + " r" + t + ",0,r" + b); return; }
        int x; do { x = 2 + r.nextInt(30); } while (x == b || x == t);
        emit("li r" + x + "," + r.nextInt(-16, 17));
        emit(pick(m) + " r" + t + ",r" + b + ",r" + x);
    }

    private void multiple() {
        int first = 2 + r.nextInt(30);
        int off = 4 * r.nextInt((256 - 4 * (32 - first)) / 4 + 1);
        emit((r.nextBoolean() ? "lmw" : "stmw") + " r" + first + "," + (scratch + off) + "(r1)");
    }

    private void branch() {
        String target = labelPrefix + "_" + (labels++);
        int[] bos = {0, 2, 4, 6, 7, 8, 10, 12, 14, 15, 16, 18, 20};
        int[] boNoDec = {4, 6, 7, 12, 14, 15, 20};
        switch (r.nextInt(6)) {
            case 0 -> emit("b" + (r.nextInt(4) == 0 ? "l" : "") + " " + target);
            case 1, 2 -> emit("bc" + (r.nextInt(4) == 0 ? "l" : "") + " " + bos[r.nextInt(bos.length)] + "," + r.nextInt(32) + "," + target);
            case 3 -> {
                if (r.nextBoolean()) emit("li r" + gprNot1() + "," + r.nextInt(3));
                emit("mtctr " + rs());
                emit("bc " + pick(new Integer[] {16, 18, 0, 2, 8, 10}) + "," + r.nextInt(32) + "," + target);
            }
            case 4 -> {
                int g = 2 + r.nextInt(30);
                emit("lis r" + g + "," + target + "@ha");
                emit("addi r" + g + ",r" + g + "," + target + "@l");
                emit("mtlr r" + g);
                emit("bclr" + (r.nextInt(3) == 0 ? "l" : "") + " " + bos[r.nextInt(bos.length)] + "," + r.nextInt(32));
            }
            default -> {
                int g = 2 + r.nextInt(30);
                emit("lis r" + g + "," + target + "@ha");
                emit("addi r" + g + ",r" + g + "," + target + "@l");
                emit("mtctr r" + g);
                emit("bcctr" + (r.nextInt(3) == 0 ? "l" : "") + " " + boNoDec[r.nextInt(boNoDec.length)] + "," + r.nextInt(32));
            }
        }
        // 0..2 skipped-or-not instructions, then the target
        for (int i = r.nextInt(3); i > 0; i--) arith();
        emit(target + ":");
        if (r.nextInt(3) == 0) emit("mflr " + rd());
    }

    // --- floating point (classic FPU, present on e500mc and e5500) ----------------------------
    private void fpArith() {
        String[] two = {"fadd", "fsub", "fmul", "fdiv", "fadds", "fsubs", "fmuls", "fdivs"};
        String[] three = {"fmadd", "fmsub", "fnmadd", "fnmsub", "fmadds", "fmsubs", "fnmadds", "fnmsubs", "fsel"};
        switch (r.nextInt(5)) {
            case 0, 1 -> emit(dot(pick(two)) + " " + f() + "," + f() + "," + f());
            case 2 -> emit(dot(pick(three)) + " " + f() + "," + f() + "," + f() + "," + f());
            case 3 -> emit(dot(pick(wide ? new String[] {"frsp", "fctiw", "fctiwz", "fcfid", "fctid", "fctidz"}
                    : new String[] {"frsp", "fctiw", "fctiwz"})) + " " + f() + "," + f());
            default -> emit((r.nextBoolean() ? "fcmpu" : "fcmpo") + " cr" + r.nextInt(8) + "," + f() + "," + f());
        }
    }

    private void fpMove() {
        emit(dot(pick(new String[] {"fmr", "fneg", "fabs", "fnabs"})) + " " + f() + "," + f());
    }

    private void fpLoadStore() {
        String[] m = {"lfs", "lfd", "stfs", "stfd"};
        String op = pick(m);
        boolean update = r.nextBoolean();
        int off = 32 + r.nextInt(160);
        if (r.nextInt(6) == 0) {
            int b = base(off);
            emit("stfiwx " + f() + ",0,r" + b);
        } else if (r.nextBoolean()) {
            int b = base(off);
            int x; do { x = 2 + r.nextInt(30); } while (x == b);
            emit("li r" + x + "," + r.nextInt(-16, 17));
            emit(op + (update ? "ux" : "x") + " " + f() + ",r" + b + ",r" + x);
        } else {
            int b = base(off);
            emit(op + (update ? "u" : "") + " " + f() + "," + r.nextInt(-16, 17) + "(r" + b + ")");
        }
        if (r.nextBoolean()) fpArith();
    }

    private void fpscr() {
        switch (r.nextInt(6)) {
            case 0 -> emit(dot("mffs") + " " + f());
            // never the enable bits (fields 6 and 7 except RN): qemu-user raises SIGFPE for an enabled exception
            case 1 -> emit(dot("mtfsf") + " " + (r.nextInt(256) & 0xFC) + "," + f());
            case 2 -> {
                int bf = r.nextInt(8);
                emit(dot("mtfsfi") + " " + bf + "," + (bf == 6 ? 0 : bf == 7 ? r.nextInt(4) : r.nextInt(16)));
            }
            case 3 -> emit(dot(r.nextBoolean() ? "mtfsb0" : "mtfsb1") + " " + pick(new Integer[] {0, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 21, 22, 23, 30, 31}));
            case 4 -> emit("mcrfs cr" + r.nextInt(8) + "," + r.nextInt(8));
            default -> fpArith();
        }
    }
}
