package epaprlab.ppc.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.StopReason;
import epaprlab.ppc.decode.DecodeTable;
import epaprlab.ppc.mem.GuestMemory;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The JVM-wide code cache: the background compiler, sharing, the bound with eviction, and
 * unloading of evicted classes.
 */
class CodeCacheTest {
    private static final int BLR = 0x4e800020;
    private static final int SC1 = 0x44000022;
    private final int savedCapacity = CodeCache.capacity();

    @AfterEach
    void restoreCapacity() { CodeCache.setCapacity(savedCapacity); }

    /** addi r3,r3,imm; addi r4,r4,salt; blr - distinct words for distinct (imm, salt). */
    private static Block block(int imm, int salt) {
        epaprlab.ppc.mem.GuestMemory ram = new epaprlab.ppc.mem.GuestMemory(4096);
        ram.store32(0, 0x38630000 | (imm & 0xFFFF));
        ram.store32(4, 0x38840000 | (salt & 0xFFFF));
        ram.store32(8, BLR);
        return Block.decode(DecodeTable.forModel(CpuModel.E500MC), new CpuState(CpuModel.E500MC, ram), 0, null);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void backgroundCompilationPublishesOneSharedEntryWithoutBlockingTheCaller() throws InterruptedException {
        int salt = (int) (System.nanoTime() & 0x7FFF);    // words no other test compiled
        Block a = block(1, salt), b = block(1, salt);
        CodeCache.Entry e = CodeCache.request(false, a, false);
        assertNotNull(e, "the queue is empty");
        assertSame(e, CodeCache.request(false, b, false), "the same words share one entry, compiled once");
        while (e.compiled == null) Thread.sleep(1);
        assertTrue(e.compiled.getClass().isHidden());
        assertTrue(!e.dead && !e.failed);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void moreDistinctBlocksThanTheCapEvictAndTheEvictedClassesUnload() throws InterruptedException {
        int cap = 64, blocks = 1000;
        CodeCache.setCapacity(cap);
        CodeCache.awaitQueued();   // blocks earlier tests queued would count below as compiled here
        long compiledBefore = BlockCompiler.compiledCount(), evictedBefore = CodeCache.evictedCount();
        List<CodeCache.Entry> entries = new ArrayList<>();
        List<WeakReference<Class<?>>> classes = new ArrayList<>();
        int salt = (int) (System.nanoTime() & 0x7FFF) | 0x4000;
        for (int i = 0; i < blocks; i++) {
            CodeCache.Entry e;
            while ((e = CodeCache.request(false, block(i, salt), false)) == null) Thread.sleep(1);  // queue full
            CompiledBlock c;
            while ((c = e.compiled) == null) Thread.onSpinWait();   // the background compiler evicts and adds
            classes.add(new WeakReference<>(c.getClass()));
            c = null;
            entries.add(e);
            assertTrue(CodeCache.size() <= cap, "at most " + cap + " compiled blocks alive, got " + CodeCache.size());
        }
        assertEquals(blocks, BlockCompiler.compiledCount() - compiledBefore);
        assertTrue(CodeCache.evictedCount() - evictedBefore >= blocks - cap);
        int evicted = 0;
        for (CodeCache.Entry e : entries) {
            if (e.dead) {
                evicted++;
                assertNull(e.compiled, "an evicted entry lets go of its class");
                assertTrue(!e.failed);
            }
        }
        assertTrue(evicted >= blocks - cap, evicted + " evicted");
        CodeCache.Entry full = CodeCache.request(false, block(blocks, salt), true);
        assertTrue(full.dead && full.failed && full.compiled == null,
                "a synchronous request to a full cache keeps its block interpreted instead of evicting");
        // the entries are still held here (as blocks hold them), yet their classes go away
        int unloaded = 0;
        for (int round = 0; round < 50 && unloaded < blocks - cap; round++) {
            System.gc();
            Thread.sleep(20);
            unloaded = 0;
            for (WeakReference<Class<?>> c : classes) if (c.get() == null) unloaded++;
        }
        assertTrue(unloaded >= blocks - cap, "evicted hidden classes are unloaded: " + unloaded + " of " + (blocks - cap));
    }

    /**
     * With a cap of one compiled block, two hot blocks evict each other over and over (in the
     * background) or the second stays interpreted (synchronous mode): the same results as the
     * interpreter alone either way.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aBlockWhoseEntryWasEvictedIsCompiledAgainAndGivesTheSameResults() {
        CodeCache.setCapacity(1);
        long[] interpreted = runLoop(0, true);
        assertEquals(interpreted[0], runLoop(1, true)[0]);
        assertEquals(interpreted[0], runLoop(3, false)[0]);
        assertEquals(interpreted[1], runLoop(1, true)[1]);
    }

    /** Two alternating blocks with a cap of one compiled block: each run evicts the other. */
    private static long[] runLoop(int threshold, boolean sync) {
        GuestMemory mem = new GuestMemory(1 << 16);
        int salt = (int) (System.nanoTime() & 0x3FFF);
        int[] code = {
            0x38600000,                          // li r3,0
            0x38a00000 | 2000,                   // li r5,2000
            0x7ca903a6,                          // mtctr r5
            0x38630003,                          // loop: addi r3,r3,3
            0x38840000 | salt,                   // addi r4,r4,salt
            0x48000008,                          // b +8 (ends the block)
            0x00000000,
            0x7c631a14,                          // add r3,r3,r3
            0x4200ffec,                          // bdnz loop
            SC1,                                 // sc 1
        };
        for (int i = 0; i < code.length; i++) mem.store32(4L * i, code[i]);
        Interpreter in = new Interpreter(CpuModel.E500MC, mem);
        in.setCompileThreshold(threshold);
        in.setCompileSynchronously(sync);
        in.state().pc = 0;
        StopReason r;
        do r = in.run(37); while (r == StopReason.BUDGET);
        assertEquals(StopReason.HYPERCALL, r);
        return new long[] {in.state().gpr[3], in.state().retired};
    }
}
