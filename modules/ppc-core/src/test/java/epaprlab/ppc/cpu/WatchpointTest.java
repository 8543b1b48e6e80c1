package epaprlab.ppc.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import epaprlab.ppc.mem.PhysicalBus;
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

    /** Under the Book E MMU watchpoints are by effective address: EA 0x20000008 is PA 0x80008 (MmuTest's page A). */
    @Test
    void underTheMmuEffectiveAddressesAreWatched() {
        for (MmuTest.Mode mode : MmuTest.Mode.values()) {
            String body = MmuTest.MAP_A + MmuTest.li("r4", 0x20000000) + "li r5,7\nstw r5,8(r4)\nlwz r6,8(r4)\naddi r7,r6,1\n";
            Cpu cpu = MmuTest.boot(mode, body, PhysicalBus.NONE);
            cpu.setWatchpoints(List.of(new Watchpoint(0x80008, 4, Watchpoint.Kind.ACCESS),       // a PA: never an EA here
                    new Watchpoint(0x2000000A, 1, Watchpoint.Kind.WRITE), new Watchpoint(0x20000008, 4, Watchpoint.Kind.READ)));
            assertSame(StopReason.WATCHPOINT, cpu.run(100_000), mode + ": " + cpu.stopDetail());
            assertEquals(Watchpoint.Kind.WRITE, cpu.watchpointHit().kind(), mode.toString());
            assertEquals(0x2000000A, cpu.watchpointAddress());
            assertEquals(7, cpu.memory().load32(0x80008), "the store completed");
            assertEquals(cpu.stopPc() + 4, cpu.pc());
            assertSame(StopReason.WATCHPOINT, cpu.run(100_000));
            assertEquals(Watchpoint.Kind.READ, cpu.watchpointHit().kind());
            assertEquals(7, cpu.gpr(6), "the load completed");
            assertEquals(0, cpu.gpr(7), "the next instruction has not run");
            assertSame(StopReason.HYPERCALL, cpu.run(100_000));
            assertEquals(-1, cpu.gpr(31), "no interrupt");
            assertEquals(8, cpu.gpr(7));
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
