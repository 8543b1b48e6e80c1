package epaprlab.ppc.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.ppc.cpu.Cpu;
import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.StopReason;
import epaprlab.ppc.decode.DecodeTable;
import epaprlab.ppc.mem.GuestMemory;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Region selection closes loops: a region that starts inside a loop walks to the loop's head
 * (a backward target) before the code after the loop, so the loop's back edge stays inside the
 * region instead of leaving it at every iteration (coremix's list walk did, 0.9 M exits per run).
 */
class RegionSelectionTest {
    private static final int ORIGIN = 0x1000;
    private static final int ADDI_R3 = 0x38630001;     // addi r3,r3,1

    /**
     * A list walk as GCC emits it, entered in its middle (word 4): {@code L: addi r8,r9,0;
     * lwz r9,0(r9); cmpwi r9,0; beq out; lwz r10,4(r9); cmpw r10,r7; ble L}, then 33 straight
     * instructions and {@code out: addi r4,r4,1}.
     */
    private static GuestMemory listWalk() {
        GuestMemory ram = new GuestMemory(64 * 1024);
        int[] loop = {0x39090000, 0x81290000, 0x2C090000, 0x41820094, 0x81490004, 0x7C0A3800, 0x4081FFE8};
        for (int i = 0; i < loop.length; i++) ram.store32(ORIGIN + 4L * i, loop[i]);
        for (int i = 7; i < 40; i++) ram.store32(ORIGIN + 4L * i, ADDI_R3);
        ram.store32(ORIGIN + 4L * 40, 0x38840001);     // out: addi r4,r4,1
        ram.store32(ORIGIN + 4L * 41, 0x48000000);     // b .
        return ram;
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aRegionEnteredInsideALoopHoldsTheLoopHeadBeforeTheCodeAfterTheLoop() {
        GuestMemory ram = listWalk();
        RegionCompiler.Plan p = RegionCompiler.select(DecodeTable.forModel(CpuModel.E500MC), false, false,
                new CpuState(CpuModel.E500MC, ram), ORIGIN, 4, 8);
        assertEquals(8, p.length());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 40}, p.index, "the loop, then its exit: " + Arrays.toString(p.index));
        assertTrue(p.hasEntry(0), "the loop head is an entry (the back edge's target)");
    }

    /**
     * A loop of 22 words with two paths back to its head ({@code 0: lwz r8,0(r9); cmpwi r8,0;
     * beq out; cmpwi r8,1; beq L1;} four {@code addi r3}, {@code b 0; L1:} eleven {@code addi r4},
     * {@code b 0}), then 40 words after it from {@code out} (word 22).
     */
    private static GuestMemory longLoop() {
        GuestMemory ram = new GuestMemory(64 * 1024);
        int[] head = {0x81090000, 0x2C080000, 0x41820050, 0x2C080001, 0x41820018};
        for (int i = 0; i < head.length; i++) ram.store32(ORIGIN + 4L * i, head[i]);
        for (int i = 5; i < 9; i++) ram.store32(ORIGIN + 4L * i, ADDI_R3);
        ram.store32(ORIGIN + 4L * 9, 0x4BFFFFDC);      // b 0
        for (int i = 10; i < 21; i++) ram.store32(ORIGIN + 4L * i, 0x38840001);
        ram.store32(ORIGIN + 4L * 21, 0x4BFFFFAC);     // b 0
        for (int i = 22; i < 62; i++) ram.store32(ORIGIN + 4L * i, 0x38A50001);
        ram.store32(ORIGIN + 4L * 62, 0x48000000);     // b .
        return ram;
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aRegionCutInsideALoopLongerThanItGrowsByTheWholeLoopAndNothingElseInItsHotForm() {
        RegionCompiler.Plan p = RegionCompiler.select(DecodeTable.forModel(CpuModel.E500MC), false, false,
                new CpuState(CpuModel.E500MC, longLoop()), ORIGIN, 10, 8);
        int[] loop = new int[22];
        Arrays.setAll(loop, i -> i);
        assertArrayEquals(loop, p.index, "the loop through word 10, not the code after it: " + Arrays.toString(p.index));
        assertTrue(p.startsBlock(0) && p.startsBlock(5) && p.startsBlock(10), "the loop's blocks");
        assertEquals(10, p.start);
        // the first translation holds the cut walk (short guests never reach the hot one)
        assertArrayEquals(new int[] {10, 11, 12, 13, 14, 15, 16, 17}, p.first.index);
        assertArrayEquals(p.first.entries, p.entries, "entered where the first translation is");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theWalkRunsAsTheInterpreterRunsIt() {
        // a list of 50 nodes at 0x8000 (next at +0, key at +4, keys 0..49), searched for key 37
        long[] results = new long[4];
        for (int tier = 0; tier < 2; tier++) {
            GuestMemory ram = listWalk();
            for (int n = 0; n < 50; n++) {
                long node = 0x8000 + 8L * n;
                ram.store32(node, n == 49 ? 0 : (int) node + 8);
                ram.store32(node + 4, n);
            }
            Cpu c = new Cpu(CpuModel.E500MC, ram);
            c.setRegionTier(true);
            c.setCompileThreshold(tier == 0 ? 0 : 1);
            c.setCompileSynchronously(true);
            c.setPc(ORIGIN + 16);                       // enter at word 4, as the compiled code does
            c.setGpr(9, 0x8000);
            c.setGpr(7, 37);
            assertEquals(StopReason.BUDGET, c.run(2_000));
            results[2 * tier] = c.gpr(9);
            results[2 * tier + 1] = c.pc() + 31 * c.gpr(3) + 1009 * c.gpr(4) + 7 * c.gpr(8);
        }
        assertEquals(results[0], results[2], "r9");
        assertEquals(results[1], results[3], "pc, r3, r4, r8");
    }
}
