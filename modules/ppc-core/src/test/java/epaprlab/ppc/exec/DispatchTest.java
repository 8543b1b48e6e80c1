package epaprlab.ppc.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.Msr;
import epaprlab.ppc.decode.DecodeTable;
import epaprlab.ppc.mem.GuestMemory;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The interpreter's switch over {@link Dispatch} ids must do exactly what the {@link Op} the
 * decode table binds does: for every word of every family that has an id, one step through
 * {@link Interpreter#run} and one call of {@code table.decode(w).exec} on an identical copy of
 * the state must leave identical registers, CR, XER, LR, CTR, PC, MSR and RAM.
 */
class DispatchTest {
    private static final int RAM = 64 * 1024;
    private static final long CODE = 0x100;

    /** One representative word per decode slot: primary opcodes and every extended opcode table. */
    static List<Integer> slotWords() {
        List<Integer> words = new ArrayList<>();
        for (int op = 0; op < 64; op++) {
            words.add(op << 26);
            if (op == 19 || op == 31) {
                for (int xo = 0; xo < 1024; xo++) words.add((op << 26) | (xo << 1));
            } else if (op == 30) {
                for (int xo = 0; xo < 16; xo++) words.add((op << 26) | (xo << 1));
            } else if (op == 58 || op == 62) {
                for (int xo = 0; xo < 4; xo++) words.add((op << 26) | xo);
            }
        }
        return words;
    }

    @Test
    void everyIdNamesAFamilyTheDecodeTableHas() throws Exception {
        Set<Integer> bound = new HashSet<>();
        for (CpuModel m : CpuModel.values()) {
            DecodeTable t = DecodeTable.forModel(m);
            for (int w : slotWords()) bound.add(Dispatch.idOf(t.name(w)));
        }
        for (Field f : Dispatch.class.getDeclaredFields()) {
            if (f.getType() != int.class || !Modifier.isStatic(f.getModifiers()) || f.getName().equals("FIRST_MORE")) continue;
            f.setAccessible(true);
            int id = f.getInt(null);
            assertTrue(id == Dispatch.OTHER || bound.contains(id), "Dispatch." + f.getName() + " is no family of the decode table (misspelt name?)");
        }
    }

    @Test
    void unknownAndIllegalFamiliesGoThroughTheirOp() {
        assertEquals(Dispatch.OTHER, Dispatch.idOf("(illegal)"));
        assertEquals(Dispatch.OTHER, Dispatch.idOf("tlbwe"));
        assertEquals(Dispatch.OTHER, Dispatch.idOf("no-such-family"));
    }

    @Test
    void theSwitchAndTheOpAgreeOnRandomWordsOfEveryDispatchedFamily() {
        Random rnd = new Random(0x5eed);
        int compared = 0;
        for (CpuModel m : CpuModel.values()) {
            DecodeTable t = DecodeTable.forModel(m);
            for (int slot : slotWords()) {
                if (Dispatch.idOf(t.name(slot)) == Dispatch.OTHER) continue;
                for (int k = 0; k < 40; k++) {
                    // keep the slot's opcode bits, randomise the operand fields (and OE where it is one)
                    int w = randomOperands(rnd, slot);
                    if ((w >>> 26) == 31 && rnd.nextBoolean()) w ^= 0x400;
                    if (t.decode(w) != t.decode(slot)) continue;
                    for (boolean wide : m.has64Bit() ? new boolean[] {false, true} : new boolean[] {false}) {
                        compareOneStep(m, t, w, wide, rnd.nextLong());
                        compared++;
                    }
                }
            }
        }
        assertTrue(compared > 5000, "compared only " + compared + " steps");
    }

    /** Random RT/RA/RB/Rc/OE fields (and immediates) over the opcode bits of {@code slot}. */
    private static int randomOperands(Random rnd, int slot) {
        int op = slot >>> 26;
        int fields = rnd.nextInt();
        int keep = switch (op) {
            case 19, 31 -> 0xFC0007FE;           // primary + XO(10) bits
            case 30 -> 0xFC00001E;
            case 58, 62 -> 0xFC000003;
            default -> 0xFC000000;
        };
        return (slot & keep) | (fields & ~keep);
    }

    private static void compareOneStep(CpuModel m, DecodeTable t, int w, boolean wide, long seed) {
        Interpreter viaSwitch = new Interpreter(m, new GuestMemory(RAM));
        CpuState a = viaSwitch.state();
        CpuState b = new CpuState(m, new GuestMemory(RAM));
        viaSwitch.reset();
        b.resetArchitected();
        for (CpuState s : new CpuState[] {a, b}) {
            Random r = new Random(seed);
            for (int i = 0; i < 32; i++) s.gpr[i] = r.nextInt(4) == 0 ? r.nextLong() : r.nextInt(RAM / 2);
            s.cr = r.nextInt();
            s.setXer(r.nextLong() & 0xE000007FL);
            s.lr = r.nextInt(RAM) & ~3;
            s.ctr = r.nextInt(4) == 0 ? 1 : r.nextInt(RAM);
            s.setMsr(wide ? Msr.CM : 0);
            for (int i = 0; i < RAM / 2; i += 8) CpuState.U64.set(s.ram, i, r.nextLong());
            CpuState.U32.set(s.ram, (int) CODE, w);
            s.pc = CODE;
            s.ivorInstalled = -1L;   // deliver any interrupt the step raises, to vector 0
        }
        viaSwitch.run(1);
        // what the loop does around one handler call (Interpreter#run)
        b.nia = (b.pc + 4) & b.eaMask;
        b.insn = w;
        try {
            t.decode(w).exec(b, w);
        } catch (GuestFault f) {
            // delivered
        }
        if (b.stop == null) {
            b.pc = b.nia;
            b.retired++;
        }
        String what = "%s %s word 0x%08x (%s)".formatted(m, wide ? "64-bit" : "32-bit", w, t.name(w));
        assertArrayEquals(b.gpr, a.gpr, what);
        assertEquals(b.cr, a.cr, what);
        assertEquals(b.xer(), a.xer(), what);
        assertEquals(b.lr, a.lr, what);
        assertEquals(b.ctr, a.ctr, what);
        assertEquals(b.msr, a.msr, what);
        assertEquals(b.pc, a.pc, what);
        assertArrayEquals(b.ram, a.ram, what);
        assertArrayEquals(b.spr, a.spr, what);
    }
}
