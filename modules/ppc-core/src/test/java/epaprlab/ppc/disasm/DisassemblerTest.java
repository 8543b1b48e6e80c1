package epaprlab.ppc.disasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.decode.DecodeTable;
import epaprlab.ppc.decode.Form;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.opentest4j.AssertionFailedError;

/**
 * The disassembler against GNU objdump: for every slot of each model's decode tables (iterated,
 * not listed) a set of encodings with varied operand fields, every BO/BI combination class for
 * the conditional branches, and negative words (a reserved bit set, a required bit cleared) that
 * both sides must print as {@code .long}. The expected text is objdump's output, compared
 * character for character with {@link Disassembler.Insn#objdumpText()}.
 */
class DisassemblerTest {
    /** Load address of the words: 64-bit addresses on e5500 exercise wide branch targets. */
    static long vma(CpuModel m) { return m.has64Bit() ? 0xc000000000100000L : 0x00100000L; }

    /** Five-bit operand chunks of a word (IBM bits 6..10, 11..15, 16..20, 21..25, 26..30) and bit 31. */
    private static final int[] SHIFTS = {21, 16, 11, 6, 1};

    record Case(int word, String slot) {}

    /** Encodings of one slot: its opcode bits plus generated operand values, masked to the form's fields. */
    static List<Case> encodings(DecodeTable.Slot slot, Form form, Random rnd) {
        Set<Integer> words = new LinkedHashSet<>();
        int base = slot.word() | form.requiredValue();
        int fields = form.fieldMask();
        for (int n = 0; n < 64; n++) {
            int[] v = new int[5];
            int[] order = {0, 1, 2, 3, 4};
            for (int i = 4; i > 0; i--) { int j = rnd.nextInt(i + 1); int t = order[i]; order[i] = order[j]; order[j] = t; }
            for (int k = 0; k < 5; k++) {
                int i = order[k];
                int ref = v[order[rnd.nextInt(k + 1)]];
                v[i] = switch (rnd.nextInt(8)) {
                    case 0 -> 0;
                    case 1 -> 1;
                    case 2 -> 31;
                    case 3 -> ref;                  // RS=RB (mr), BA=BB (crmove), ...
                    case 4 -> (31 - ref) & 31;      // slwi: ME = 31 - SH
                    case 5 -> (32 - ref) & 31;      // srwi: SH = 32 - MB
                    default -> rnd.nextInt(32);
                };
            }
            int w = 0;
            for (int i = 0; i < 5; i++) w |= v[i] << SHIFTS[i];
            w |= rnd.nextInt(2);
            if ((fields & 0xffff) == 0xffff || (fields & 0xfffc) == 0xfffc) {   // D/DS/B/I immediates
                int imm = switch (rnd.nextInt(5)) {
                    case 0 -> 0; case 1 -> 0xffff; case 2 -> 0x7fff; case 3 -> 0x8000; default -> rnd.nextInt(0x10000);
                };
                w = (w & 0xffff0000) | imm | rnd.nextInt(4);
            }
            if (fields == 0x03ffffff) w = rnd.nextInt(1 << 26);             // I-form LI, AA, LK
            words.add(base | (w & fields));
        }
        if (form == Form.B_BRANCH || form == Form.XL_BRANCH) {             // every BO, both hints, BI 0 and not
            for (int bo = 0; bo < 32; bo++) {
                for (int bi : new int[] {0, 2, 6, 29}) {
                    int w = base | (bo << 21) | (bi << 16) | rnd.nextInt(2);
                    if (form == Form.B_BRANCH) w |= (rnd.nextBoolean() ? 0x40 : 0xfff0) | (rnd.nextInt(2) << 1);
                    else w |= rnd.nextInt(4) == 0 ? (rnd.nextInt(4) << 11) : 0;
                    words.add(w);
                }
            }
        }
        if (form == Form.MD) {                                             // rotldi/clrldi/srdi/sldi corners
            for (int s : new int[] {0, 1, 8, 31, 32, 33, 56, 63}) {
                for (int m : new int[] {0, 64 - s, 63 - s, s, 32}) {
                    m &= 63;
                    words.add(base | (3 << 21) | (4 << 16) | ((s & 31) << 11) | ((s >> 5) << 1)
                            | ((m & 31) << 6) | ((m >> 5) << 5));
                }
            }
        }
        if (form == Form.M_RLWINM || form == Form.M_RLWNM) {                // rotlwi/clrlwi/clrrwi/slwi/srwi corners
            int[] pool = {0, 1, 2, 15, 16, 29, 30, 31};
            for (int s : pool) {
                for (int m : pool) {
                    for (int e : new int[] {0, 1, 30, 31, 31 - s, 31 - m, (32 - s) & 31, m}) {
                        words.add(base | (5 << 21) | (6 << 16) | (s << 11) | (m << 6) | (e << 1) | rnd.nextInt(2));
                    }
                }
            }
        }
        int reserved = ~(form.opcodeMask() | form.fieldMask() | form.requiredMask());
        for (int n = 0; n < 4 && reserved != 0; n++) {                     // negatives: one reserved bit set
            int bit;
            do bit = 1 << rnd.nextInt(32); while ((reserved & bit) == 0);
            words.add(base | bit);
        }
        if (form.requiredMask() != 0) words.add(slot.word() | (~form.requiredValue() & form.requiredMask()));
        List<Case> out = new ArrayList<>();
        for (int w : words) out.add(new Case(w, slot.name()));
        return out;
    }

    @ParameterizedTest
    @EnumSource(CpuModel.class)
    void everyDecodeSlotHasAForm(CpuModel model) {
        List<String> missing = new ArrayList<>();
        for (DecodeTable.Slot s : DecodeTable.forModel(model).slots()) {
            if (Form.of(s.name()) == null) missing.add(s.name());
        }
        assertEquals(List.of(), missing, "decode slots without an operand form in decode/Form.java");
    }

    @ParameterizedTest
    @EnumSource(CpuModel.class)
    void everyMnemonicMatchesObjdump(CpuModel model) {
        Random rnd = new Random(0x5eed + model.ordinal());
        List<Case> cases = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (DecodeTable.Slot s : DecodeTable.forModel(model).slots()) {
            Form form = Form.of(s.name());
            if (form == null) fail("no form for " + s.name());
            cases.addAll(encodings(s, form, rnd));
            names.add(s.name());
        }
        assertMatches(model, cases);
        assertTrue(names.size() > 100, "decode tables list " + names.size() + " mnemonics");
    }

    /**
     * Floating-point forms, which no decode table binds yet (the FP instructions arrive on another
     * branch): the slots are built here from the opcodes of Power ISA 2.06 Book I chapter 4, so the
     * forms are checked against objdump before the tables use them.
     */
    static final List<DecodeTable.Slot> FP_SLOTS = List.of(
            fp(48, "lfs"), fp(49, "lfsu"), fp(50, "lfd"), fp(51, "lfdu"),
            fp(52, "stfs"), fp(53, "stfsu"), fp(54, "stfd"), fp(55, "stfdu"),
            x(31, 535, "lfsx"), x(31, 567, "lfsux"), x(31, 599, "lfdx"), x(31, 631, "lfdux"),
            x(31, 663, "stfsx"), x(31, 695, "stfsux"), x(31, 727, "stfdx"), x(31, 759, "stfdux"), x(31, 983, "stfiwx"),
            a(63, 18, "fdiv"), a(59, 18, "fdivs"), a(63, 20, "fsub"), a(59, 20, "fsubs"), a(63, 21, "fadd"), a(59, 21, "fadds"),
            a(63, 22, "fsqrt"), a(59, 22, "fsqrts"), a(63, 23, "fsel"), a(59, 24, "fres"), a(63, 26, "frsqrte"),
            a(63, 25, "fmul"), a(59, 25, "fmuls"), a(63, 28, "fmsub"), a(59, 28, "fmsubs"), a(63, 29, "fmadd"), a(59, 29, "fmadds"),
            a(63, 30, "fnmsub"), a(59, 30, "fnmsubs"), a(63, 31, "fnmadd"), a(59, 31, "fnmadds"),
            x(63, 0, "fcmpu"), x(63, 32, "fcmpo"), x(63, 38, "mtfsb1"), x(63, 40, "fneg"), x(63, 64, "mcrfs"),
            x(63, 70, "mtfsb0"), x(63, 72, "fmr"), x(63, 134, "mtfsfi"), x(63, 136, "fnabs"), x(63, 264, "fabs"),
            x(63, 583, "mffs"), x(63, 711, "mtfsf"), x(63, 12, "frsp"), x(63, 14, "fctiw"), x(63, 15, "fctiwz"),
            x(63, 814, "fctid"), x(63, 815, "fctidz"), x(63, 846, "fcfid"));

    static DecodeTable.Slot fp(int op, String n) { return new DecodeTable.Slot(op << 26, n); }
    static DecodeTable.Slot x(int op, int xo, String n) { return new DecodeTable.Slot((op << 26) | (xo << 1), n); }
    static DecodeTable.Slot a(int op, int xo, String n) { return new DecodeTable.Slot((op << 26) | (xo << 1), n); }

    @ParameterizedTest
    @EnumSource(CpuModel.class)
    void floatingPointFormsMatchObjdump(CpuModel model) {
        Random rnd = new Random(0xf10a7 + model.ordinal());
        List<Case> cases = new ArrayList<>();
        for (DecodeTable.Slot s : FP_SLOTS) {
            Form form = Form.of(s.name());
            if (form == null) fail("no form for " + s.name());
            cases.addAll(encodings(s, form, rnd));
        }
        int[] words = cases.stream().mapToInt(Case::word).toArray();
        List<String> ref = Objdump.disassemble(model, words, vma(model));
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < words.length; i++) {
            String ours = Disassembler.disassembleAs(model, vma(model) + 4L * i, words[i], cases.get(i).slot(),
                    Disassembler.HEX_ADDRESS).objdumpText();
            if (!ours.equals(ref.get(i))) bad.add("%s %08x objdump [%s] ours [%s]".formatted(cases.get(i).slot(), words[i], ref.get(i), ours));
        }
        if (!bad.isEmpty()) fail(model + ": " + bad.size() + " of " + words.length + " differ:\n" + String.join("\n", bad.subList(0, Math.min(400, bad.size()))));
    }

    /** Every SPR number through mfspr/mtspr: the extended SPR names. */
    @ParameterizedTest
    @EnumSource(CpuModel.class)
    void everySprMatchesObjdump(CpuModel model) {
        List<Case> cases = new ArrayList<>();
        for (int spr = 0; spr < 1024; spr++) {
            int f = ((spr & 0x1f) << 16) | ((spr >> 5) << 11);
            cases.add(new Case(0x7c6002a6 | f, "mfspr"));
            cases.add(new Case(0x7c8003a6 | f, "mtspr"));
        }
        assertMatches(model, cases);
    }

    /** Words the tables do not decode (random, so most are illegal) print as objdump's .long or agree. */
    @ParameterizedTest
    @EnumSource(CpuModel.class)
    void undecodedWordsAreDotLong(CpuModel model) {
        Random rnd = new Random(7);
        DecodeTable t = DecodeTable.forModel(model);
        List<Case> cases = new ArrayList<>();
        while (cases.size() < 2000) {
            int w = rnd.nextInt();
            if (t.isIllegal(w)) cases.add(new Case(w, "(illegal)"));
        }
        for (Case c : cases) assertEquals(".long 0x" + Integer.toHexString(c.word()),
                Disassembler.disassemble(model, 0, c.word()).objdumpText());
        // objdump knows more instructions than the engine (FP, SPE, ...): compare only where it prints .long
        List<String> ref = Objdump.disassemble(model, cases.stream().mapToInt(Case::word).toArray(), vma(model));
        long agree = ref.stream().filter(s -> s.startsWith(".long")).count();
        assertTrue(agree > 100, "objdump printed .long for " + agree + " of 2000 undecoded words");
    }

    @Test
    void crashReportRendering() {
        // the encodings of these three were taken from objdump -d of sample-vms/images/hello-e500mc.elf
        assertEquals("lwz r3,8(r1)", Disassembler.render(CpuModel.E500MC, 0x10000, 0x80610008));
        assertEquals("bl 0x12700", Disassembler.render(CpuModel.E500MC, 0x10044, 0x480026bd));
        assertEquals("isel r4,r10,r5,4*cr7+gt", Disassembler.render(CpuModel.E500MC, 0, 0x7c8a2f5e));
        assertEquals(".long 0xe8640008", Disassembler.render(CpuModel.E500MC, 0, 0xe8640008));   // ld: 64-bit only
    }

    @Test
    void missingObjdumpFailsNamingThePackage() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> Objdump.tool("powerpc64-linux-gnu-no-such-objdump", Objdump.PKG64));
        assertTrue(e.getMessage().contains("binutils-powerpc64-linux-gnu"), e.getMessage());
    }

    static void assertMatches(CpuModel model, List<Case> cases) {
        int[] words = cases.stream().mapToInt(Case::word).toArray();
        long vma = vma(model);
        List<String> ref = Objdump.disassemble(model, words, vma);
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < words.length; i++) {
            String ours = Disassembler.disassemble(model, vma + 4L * i, words[i]).objdumpText();
            if (!ours.equals(ref.get(i))) {
                bad.add("%s %08x objdump [%s] ours [%s]".formatted(cases.get(i).slot(), words[i], ref.get(i), ours));
            }
        }
        if (!bad.isEmpty()) {
            fail(model + ": " + bad.size() + " of " + words.length + " differ from objdump:\n"
                    + String.join("\n", bad.subList(0, Math.min(bad.size(), 400))));
        }
    }
}
