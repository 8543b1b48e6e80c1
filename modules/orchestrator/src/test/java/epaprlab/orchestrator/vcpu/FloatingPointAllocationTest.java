package epaprlab.orchestrator.vcpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import epaprlab.machine.api.ExitReason;
import epaprlab.machine.api.Vcpu;
import epaprlab.machine.board.Board;
import epaprlab.orchestrator.testing.Allocations;
import epaprlab.orchestrator.testing.TestGuests;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Floating-point instructions allocate nothing either: arithmetic in a directed rounding mode,
 * single precision, multiply-add, division, conversion, compare, FPSCR moves, loads and stores,
 * measured like {@link HotPathAllocationTest}.
 */
class FloatingPointAllocationTest {
    /** Enables MSR[FP] once, then 17 instructions per loop iteration ending in a hypercall. */
    private static final String FP_LOOP = """
            .globl _start
            _start:
                li 9,0x2000
                mtmsr 9
                isync
                lis 10,0x2
                lis 3,0x3ff0
                stw 3,0(10)
                li 3,0
                stw 3,4(10)
                lfd 1,0(10)
                mtfsfi 7,3
            loop:
                fadd 2,1,1
                fmul 3,2,1
                fdivs 4,1,3
                fmadd 5,2,3,4
                fnmsub. 6,5,4,2
                fctiwz 7,6
                fcmpo 1,7,5
                frsp 8,5
                stfd 8,8(10)
                lfs 9,8(10)
                mffs 0
                mtfsf 255,0
                li 3,0
                lis 11,0x0001
                ori 11,11,0x0001
                sc 1
                b loop
            """;

    @TempDir Path dir;

    @Test
    void floatingPointInstructionsAllocateNothing() throws Exception {
        Board board = TestGuests.poweredOn(dir, "fp-loop", FP_LOOP);
        Vcpu vcpu = board.vcpus().getFirst();

        loops(vcpu, 20_000);   // warm up: JIT, decode cache
        long instructions = vcpu.instructionsRetired();
        long allocated = Allocations.allocatedBy(() -> loops(vcpu, 100_000));
        assertEquals(100_000 * 17L, vcpu.instructionsRetired() - instructions, "17 instructions per loop");
        assertTrue(allocated < 16 * 1024, "1,700,000 FP-heavy instructions allocated " + allocated + " bytes");
    }

    private static void loops(Vcpu vcpu, int n) {
        for (int i = 0; i < n; i++) {
            ExitReason r = vcpu.run(1_000);
            if (r != ExitReason.EPAPR_HCALL) {   // no capturing lambda here: it would allocate
                fail(r + ": " + vcpu.exit().internalError().description());
            }
        }
    }
}
