package epaprlab.ppc.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.StopReason;
import epaprlab.ppc.mem.GuestMemory;
import epaprlab.ppc.mem.MemoryImage;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the region translator relies on: a store into a page marked by
 * {@link GuestMemory#watchCode} moves the page's code generation on and sets
 * {@link CpuState#codeWritten}, from every engine store path (plain, page-crossing, dcbz,
 * stwcx., BOOK_E software-TLB hits); stores elsewhere do neither.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CodeWatchTest {
    static final int PAGE = GuestMemory.PAGE_SIZE;
    static final int CODE_PN = 5;
    static final long CODE = (long) CODE_PN * PAGE;

    static Interpreter interpreter(GuestMemory mem, boolean bookE) {
        Interpreter in = new Interpreter(CpuModel.E5500, mem);
        in.setCompileThreshold(0);      // the flag is the interpreter's to leave set; a region clears it
        in.reset();
        if (bookE) {
            in.setTranslation(true);
            CpuState s = in.state();
            // TLB1[0]: EA 0 -> PA 0, 1 MiB, all permissions (as the boards' boot entry)
            assertTrue(epaprlab.ppc.mmu.TlbInstructions.write(s, 1, 0, 0xC0000500, 0, 0x3F, 0));
        }
        return in;
    }

    /** Runs one store-class instruction then sc 1 from page 1, data in r4/r5. */
    static void run(Interpreter in, int word) {
        GuestMemory mem = in.state().mem;
        mem.store32(PAGE, word);
        mem.store32(PAGE + 4, 0x44000022);
        in.state().pc = PAGE;
        assertEquals(StopReason.HYPERCALL, in.run(100));
    }

    @Test
    void everyStorePathIntoAWatchedPageMovesItsGenerationOn() {
        for (boolean bookE : new boolean[] {false, true}) {
            GuestMemory boot = new GuestMemory(1 << 20);
            boot.store32(CODE, 0x38600001);
            MemoryImage image = boot.snapshot();
            GuestMemory mem = new GuestMemory(image);
            Interpreter in = interpreter(mem, bookE);
            CpuState s = in.state();
            int g = mem.watchCode(CODE_PN);

            s.gpr[4] = CODE + 0x100;
            s.gpr[5] = 7;
            run(in, 0x90A40000);                                 // stw r5,0(r4): copies the page
            assertTrue(s.codeWritten, "stw, bookE " + bookE);
            assertNotEquals(g, g = mem.codeGeneration(CODE_PN));
            assertEquals(7, mem.load32(CODE + 0x100));
            s.codeWritten = false;

            run(in, 0x90A40000);                                 // again, on its own page now
            assertTrue(s.codeWritten);
            assertNotEquals(g, g = mem.codeGeneration(CODE_PN));
            s.codeWritten = false;

            s.gpr[4] = CODE - 2;                                  // crossing into the watched page
            run(in, 0x90A40000);
            assertTrue(s.codeWritten, "page-crossing stw");
            assertNotEquals(g, g = mem.codeGeneration(CODE_PN));
            s.codeWritten = false;

            s.gpr[4] = CODE + 0x200;
            run(in, 0x7C0027EC);                                  // dcbz 0,r4
            assertTrue(s.codeWritten, "dcbz");
            assertNotEquals(g, g = mem.codeGeneration(CODE_PN));
            s.codeWritten = false;

            s.gpr[4] = CODE + 0x300;
            s.loadReserve(CODE + 0x300, 4);
            assertTrue(s.storeConditional(CODE + 0x300, 4, 9));
            assertTrue(s.codeWritten, "stwcx.");
            assertNotEquals(g, g = mem.codeGeneration(CODE_PN));
            s.codeWritten = false;

            s.gpr[4] = CODE + 3 * PAGE;                           // elsewhere: nothing
            run(in, 0x90A40000);
            assertFalse(s.codeWritten);
            assertEquals(g, mem.codeGeneration(CODE_PN));
            assertEquals(0x00070001, s.fetchWord(CODE), "li r3,1 with the crossing stw's last two bytes");
        }
    }

    @Test
    void aChangedWordIsDecodedAgainAfterACopyOnWrite() {
        GuestMemory boot = new GuestMemory(1 << 20);
        boot.store32(CODE, 0x38600001);                           // li r3,1
        boot.store32(CODE + 4, 0x44000022);
        GuestMemory mem = new GuestMemory(boot.snapshot());
        Interpreter in = interpreter(mem, false);
        CpuState s = in.state();
        s.pc = CODE;
        assertEquals(StopReason.HYPERCALL, in.run(100));
        assertEquals(1, s.gpr[3]);
        mem.store32(CODE, 0x38600002);                           // li r3,2 (the host copies the page)
        s.pc = CODE;
        assertEquals(StopReason.HYPERCALL, in.run(100));
        assertEquals(2, s.gpr[3]);
    }
}
