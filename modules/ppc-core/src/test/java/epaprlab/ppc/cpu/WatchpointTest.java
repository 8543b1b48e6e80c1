package epaprlab.ppc.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Data watchpoints on the tier test's loop (700 iterations; each stores r3 at 0x6000 + (r3 & 0x3fc)
 * with {@code stwx} at 0x34 and loads 0x6000 with {@code lwz r7,0(r12)} at 0x38): every hit stops
 * right after the accessing instruction, which has completed (the loaded register or the stored
 * word is already there) and is counted; the interpreter and the compiled tier, with any run slice,
 * give the same hits; the run ends in the same state as without watchpoints.
 */
@Timeout(120)
class WatchpointTest {
    private static final long STWX = 0x34, LWZ = 0x38;

    record Hit(long stopPc, long pc, long retired, long address, Watchpoint.Kind kind, long r3, long r7, long word) {}

    private static List<Hit> hits(CpuModel m, int threshold, int slice, List<Watchpoint> watch) {
        Cpu cpu = ProgramTest.load(m, BlockTierTest.MIX);
        cpu.setCompileThreshold(threshold);
        cpu.setCompileSynchronously(true);
        cpu.setWatchpoints(watch);
        List<Hit> hits = new ArrayList<>();
        while (true) {
            StopReason r = cpu.run(slice);
            if (cpu.lastEngineError() != null) throw new AssertionError("engine error", cpu.lastEngineError());
            if (r == StopReason.HYPERCALL) break;
            if (r == StopReason.WATCHPOINT) {
                hits.add(new Hit(cpu.stopPc(), cpu.pc(), cpu.instructionsRetired(), cpu.watchpointAddress(),
                        cpu.watchpointHit().kind(), cpu.gpr(3), cpu.gpr(7), cpu.memory().load32(0x6000) & 0xFFFF_FFFFL));
            } else {
                assertEquals(StopReason.BUDGET, r);
            }
        }
        cpu.setWatchpoints(List.of());
        hits.add(new Hit(-1, cpu.pc(), cpu.instructionsRetired(), 0, null, cpu.gpr(3), cpu.gpr(4), cpu.gpr(11)));
        return hits;
    }

    @Test
    void readAndWriteWatchpointsStopAfterTheAccessInEveryTier() {
        for (CpuModel m : CpuModel.values()) {
            List<Hit> unwatched = hits(m, 0, 1_000_000, List.of());
            List<Watchpoint> watch = List.of(new Watchpoint(0x6000, 4, Watchpoint.Kind.WRITE), new Watchpoint(0x6002, 1, Watchpoint.Kind.READ));
            List<Hit> reference = hits(m, 0, 1_000_000, watch);
            // writes: r3 = 3k with (3k & 0x3fc) == 0 for k = 1, 342, 683; reads: every iteration
            List<Hit> writes = reference.stream().filter(h -> h.kind() == Watchpoint.Kind.WRITE).toList();
            List<Hit> reads = reference.stream().filter(h -> h.kind() == Watchpoint.Kind.READ).toList();
            assertEquals(List.of(3L, 1026L, 2049L), writes.stream().map(Hit::r3).toList(), m.toString());
            for (Hit h : writes) {
                assertEquals(STWX, h.stopPc());
                assertEquals(STWX + 4, h.pc());
                assertEquals(h.r3(), h.word(), "the store completed");
                assertEquals(0x6000, h.address());
            }
            assertEquals(700, reads.size(), m.toString());
            for (Hit h : reads) {
                assertEquals(LWZ, h.stopPc());
                assertEquals(LWZ + 4, h.pc());
                assertEquals(h.word(), h.r7(), "the load completed");
                assertEquals(0x6002, h.address(), "the first watched byte it touched");
            }
            assertEquals(unwatched.getLast(), reference.getLast(), m + ": the same end state as without watchpoints");
            for (int threshold : new int[] {0, 1, 50}) {
                for (int slice : new int[] {1_000_000, 1, 7}) {
                    assertEquals(reference, hits(m, threshold, slice, watch), m + " threshold " + threshold + " slice " + slice);
                }
            }
            List<Hit> access = hits(m, 1, 1_000_000, List.of(new Watchpoint(0x6000, 8, Watchpoint.Kind.ACCESS)));
            // stores to 0x6004 too: r3 = 6, 1029, 2052, 2055
            assertEquals(700 + 7 + 1, access.size(), m + ": every load, the seven stores and the end");
        }
    }

    @Test
    void clearedWatchpointsStopNothing() {
        Cpu cpu = ProgramTest.load(CpuModel.E500MC, BlockTierTest.MIX);
        cpu.setWatchpoints(List.of(new Watchpoint(0x6000, 4, Watchpoint.Kind.READ)));
        assertSame(StopReason.WATCHPOINT, cpu.run(1_000_000));
        cpu.setWatchpoints(List.of());
        assertSame(StopReason.HYPERCALL, cpu.run(1_000_000));
        assertNull(cpu.watchpointHit());
    }
}
