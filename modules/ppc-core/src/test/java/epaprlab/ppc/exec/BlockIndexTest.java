package epaprlab.ppc.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.mem.GuestMemory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link BlockIndex} against a plain map: every lookup returns exactly the block last put at
 * that address, never one of another address (same home slot, neighbouring pages) and never
 * one that was removed or replaced, through growth and removals in the middle of probe runs.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BlockIndexTest {
    private static final int RAM = 1 << 20;
    private final Interpreter in = new Interpreter(CpuModel.E500MC, new GuestMemory(RAM));

    private Block block(long pa) {
        in.state().mem.store32(pa, 0x48000000);    // b .: a block of one instruction
        return Block.decode(in.table(), in.state(), pa, null);
    }

    @Test
    void aLookupFindsTheBlockLastPutThereAndNothingElse() {
        Random rnd = new Random(12);
        BlockIndex index = new BlockIndex();
        Map<Long, Block> model = new HashMap<>();
        List<Long> addresses = new ArrayList<>();
        // few distinct addresses (many replacements and removals), clustered on a few pages
        for (int k = 0; k < 3000; k++) addresses.add((long) (rnd.nextInt(6) * GuestMemory.PAGE_SIZE + 4 * rnd.nextInt(1024)));
        for (int step = 0; step < 200_000; step++) {
            long pa = addresses.get(rnd.nextInt(addresses.size()));
            switch (rnd.nextInt(3)) {
                case 0 -> {
                    Block b = block(pa);
                    index.put(b);
                    model.put(pa, b);
                }
                case 1 -> {
                    index.remove(pa);
                    model.remove(pa);
                }
                default -> {
                    // the dispatcher's lookup (a successor guess first) and the plain one agree
                    assertSame(model.get(pa), index.next(pa), "block at 0x%x (next)".formatted(pa));
                    assertSame(model.get(pa), index.get(pa), "block at 0x%x".formatted(pa));
                }
            }
            assertEquals(model.size(), index.size());
        }
        for (long pa : addresses) assertSame(model.get(pa), index.get(pa), "block at 0x%x".formatted(pa));
    }

    @Test
    void removingFromTheMiddleOfAProbeRunKeepsTheRestReachable() {
        BlockIndex index = new BlockIndex();
        // six addresses at one page offset on different pages, with one home slot in the first
        // table (16 slots, so no growth yet): one probe run, told apart by their whole address
        List<Block> same = new ArrayList<>();
        for (long pa = 0x1100; same.size() < 6; pa += GuestMemory.PAGE_SIZE) {
            if (BlockIndex.slot(pa, 15) == BlockIndex.slot(0x1100, 15)) same.add(block(pa));
        }
        long absent = same.get(5).pa + GuestMemory.PAGE_SIZE;
        while (BlockIndex.slot(absent, 15) != BlockIndex.slot(0x1100, 15)) absent += GuestMemory.PAGE_SIZE;
        assertNull(index.get(absent));
        same.forEach(index::put);
        assertNull(index.get(absent));
        for (Block b : same) assertSame(b, index.get(b.pa));
        index.remove(same.get(2).pa);
        assertNull(index.get(same.get(2).pa));
        for (int k = 0; k < 6; k++) if (k != 2) assertSame(same.get(k), index.get(same.get(k).pa));
        index.remove(same.get(0).pa);
        index.remove(same.get(5).pa);
        assertSame(same.get(1), index.get(same.get(1).pa));
        assertSame(same.get(3), index.get(same.get(3).pa));
        assertSame(same.get(4), index.get(same.get(4).pa));
        assertNull(index.get(same.get(0).pa));
        assertNull(index.get(same.get(5).pa));
    }

    @Test
    void aSuccessorGuessNeverReturnsARemovedOrReplacedBlock() {
        BlockIndex index = new BlockIndex();
        Block a = block(0x100), b = block(0x200);
        index.put(a);
        index.put(b);
        assertSame(a, index.next(0x100));
        assertSame(b, index.next(0x200));       // a's successor is now b
        assertSame(a, index.next(0x100));
        assertSame(a.next, b);
        index.remove(0x200);                    // b's code changed
        assertNull(index.next(0x200), "the guess names a removed block");
        Block b2 = block(0x200);
        index.put(b2);
        assertSame(a, index.next(0x100));
        assertSame(b2, index.next(0x200));
        assertSame(a, index.next(0x100));
        Block b3 = block(0x200);
        index.put(b3);                          // replaced at its address
        assertSame(b3, index.next(0x200), "the guess names a replaced block");
        index.clear();
        assertNull(index.next(0x100));
        assertNull(index.next(0x200));
    }

    @Test
    void denseCodePagesDoNotMergeIntoLongProbeRuns() {
        // a kernel's layout: block starts every few words over many consecutive code pages (here
        // 60 pages, a start every other word: 30,720 blocks in a table of 65,536 slots). Homes
        // that kept each page's starts together merged them into runs of hundreds of slots (547)
        BlockIndex index = new BlockIndex();
        for (long pa = 0; pa < 60L * GuestMemory.PAGE_SIZE; pa += 8) index.put(block(pa));
        assertEquals(30_720, index.size());
        int run = index.longestRun();
        assertTrue(run < 64, "longest probe run " + run);
    }

    @Test
    void clearForgetsEveryBlock() {
        BlockIndex index = new BlockIndex();
        for (int k = 0; k < 100; k++) index.put(block(4L * k));
        index.clear();
        assertEquals(0, index.size());
        for (int k = 0; k < 100; k++) assertNull(index.get(4L * k));
    }
}
