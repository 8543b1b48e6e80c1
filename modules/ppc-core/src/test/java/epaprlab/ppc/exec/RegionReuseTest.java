package epaprlab.ppc.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.ppc.cpu.Cpu;
import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.StopReason;
import epaprlab.ppc.decode.DecodeTable;
import epaprlab.ppc.mem.GuestMemory;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tiering for short guests: code that some CPU of the JVM has translated already is entered by
 * another CPU (another VM) at a block's first run, long before the
 * compile threshold; code nobody translated still waits for the threshold.
 */
class RegionReuseTest {
    private static final int ORIGIN = 0x1000;
    private static final int BDNZ_BACK = 0x4200FFFC;   // bdnz .-4

    /** A CPU on its own RAM running {@code addi r3,r3,imm; bdnz .-4} from ORIGIN. */
    private static Cpu loop(int imm, int threshold, boolean synchronous) {
        GuestMemory ram = new GuestMemory(64 * 1024);
        ram.store32(ORIGIN, 0x38630000 | imm);
        ram.store32(ORIGIN + 4, BDNZ_BACK);
        Cpu c = new Cpu(CpuModel.E500MC, ram);
        c.setRegionTier(true);
        c.setCompileThreshold(threshold);
        c.setCompileSynchronously(synchronous);
        c.setPc(ORIGIN);
        c.setCtr(1_000_000);
        return c;
    }

    /** The plan a CPU selects for that loop (same words, same page offsets). */
    private static RegionCompiler.Plan plan(Cpu c) {
        return RegionCompiler.select(DecodeTable.forModel(CpuModel.E500MC), false, false,
                new CpuState(CpuModel.E500MC, c.memory()), ORIGIN, 0, RegionCompiler.maxInstructions());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aRegionTranslatedForOneVmIsEnteredByAnotherLongBeforeTheThreshold() {
        int imm = 1 + (int) (System.nanoTime() & 0x3FFF);   // words no other test translated
        Cpu first = loop(imm, 10, true);
        assertEquals(StopReason.BUDGET, first.run(200));
        RegionCache.Entry e = RegionCache.find(plan(first));
        assertNotNull(e, "the first CPU translated its loop");
        assertNotNull(e.compiled);

        e.used = false;
        int iterations = 20;
        Cpu second = loop(imm, 1_000_000, false);
        assertEquals(StopReason.BUDGET, second.run(2L * iterations));
        assertTrue(e.used, "the second CPU entered the translated region long before its threshold");
        assertEquals((long) imm * iterations, second.gpr(3));
        assertEquals(1_000_000 - iterations, second.ctr());

        Cpu other = loop(imm + 1, 1_000_000, false);           // other words: never translated
        assertEquals(StopReason.BUDGET, other.run(2L * iterations));
        assertNull(RegionCache.find(plan(other)), "new code waits for the threshold before it is translated");
        assertEquals((long) (imm + 1) * iterations, other.gpr(3));
    }
}
