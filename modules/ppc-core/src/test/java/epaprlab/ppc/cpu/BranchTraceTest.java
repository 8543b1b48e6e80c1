package epaprlab.ppc.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The branch trace against a reference taken one instruction at a time (a PC that does not move
 * on by 4 is a taken branch or an interrupt): the same pairs in both tiers and however the run is
 * sliced; only the last N are kept; off, it holds nothing.
 */
@Timeout(120)
class BranchTraceTest {
    /** The tier test's mix: loops, calls and returns, data storage interrupts and their rfi. */
    private static final String PROGRAM = BlockTierTest.MIX;

    /** Runs one instruction per run() and records every PC that did not move on by 4. */
    private static long[] reference(CpuModel m) {
        Cpu cpu = ProgramTest.load(m, PROGRAM);
        List<Long> pairs = new ArrayList<>();
        while (true) {
            long before = cpu.pc();
            StopReason r = cpu.run(1);
            if (r == StopReason.HYPERCALL) break;
            assertEquals(StopReason.BUDGET, r);
            if (cpu.pc() != before + 4) {
                pairs.add(before);
                pairs.add(cpu.pc());
            }
        }
        return pairs.stream().mapToLong(Long::longValue).toArray();
    }

    private static long[] traced(CpuModel m, int threshold, int slice, int n) {
        Cpu cpu = ProgramTest.load(m, PROGRAM);
        cpu.setCompileThreshold(threshold);
        cpu.setBranchTrace(n);
        StopReason r;
        do {
            r = cpu.run(slice);
        } while (r == StopReason.BUDGET);
        assertEquals(StopReason.HYPERCALL, r);
        return cpu.branchTrace();
    }

    @Test
    void bothTiersRecordTheReferencesBranches() {
        for (CpuModel m : CpuModel.values()) {
            long[] expected = reference(m);
            assertTrue(expected.length > 2 * 2000, m + ": " + expected.length / 2 + " branches");
            for (int threshold : new int[] {0, 1, 50}) {
                for (int slice : new int[] {1_000_000, 7, 1000}) {
                    assertArrayEquals(expected, traced(m, threshold, slice, 100_000), m + " threshold " + threshold + " slice " + slice);
                    assertArrayEquals(Arrays.copyOfRange(expected, expected.length - 2 * 5, expected.length),
                            traced(m, threshold, slice, 5), m + " threshold " + threshold + " slice " + slice + ": the last 5");
                }
            }
            assertEquals(0, traced(m, 1, 1_000_000, 0).length, "off");
        }
    }

    @Test
    void resetEmptiesButKeepsIt() {
        Cpu cpu = ProgramTest.load(CpuModel.E500MC, PROGRAM);
        cpu.setBranchTrace(4);
        cpu.run(1_000_000);
        assertEquals(8, cpu.branchTrace().length);
        cpu.reset();
        assertEquals(0, cpu.branchTrace().length);
    }
}
