package epaprlab.orchestrator.vcpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.machine.api.ExitReason;
import epaprlab.machine.api.Vcpu;
import epaprlab.machine.board.Board;
import epaprlab.orchestrator.testing.Allocations;
import epaprlab.orchestrator.testing.TestGuests;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vCPU actor's hot path allocates nothing: executing instructions and answering console
 * hypercalls through the reused exit record and {@link VcpuExitHandler}, as VcpuActor does each
 * turn. Measured with the JVM's per-thread allocation counter on a real board.
 */
class HotPathAllocationTest {
    /** Sends one byte per iteration on the console and does some arithmetic: 10 instructions. */
    private static final String SEND_LOOP = """
            .globl _start
            _start:
                li 3,0
                li 4,1
                lis 5,0x4100
                lis 11,0x0001
                ori 11,11,0x0001
                sc 1
                addi 6,6,1
                mulli 7,6,3
                xor 8,7,6
                b _start
            """;

    @TempDir Path dir;

    @Test
    void instructionsAndHypercallRoundTripsAllocateNothing() throws Exception {
        Board board = TestGuests.poweredOn(dir, "send-loop", SEND_LOOP);
        Vcpu vcpu = board.vcpus().getFirst();
        long[] consoleBytes = new long[1];
        HypercallCounts counts = new HypercallCounts();
        VcpuExitHandler exits = new VcpuExitHandler(board.newHostHypercalls(), board.console(),
                (b, off, len) -> consoleBytes[0] += len, counts);

        roundTrips(vcpu, exits, 20_000);              // warm up: JIT, decode cache
        long instructions = vcpu.instructionsRetired();
        long allocated = Allocations.allocatedBy(() -> roundTrips(vcpu, exits, 200_000));
        assertEquals(200_000 * 10L, vcpu.instructionsRetired() - instructions, "ten instructions per round trip");
        assertEquals(220_000, consoleBytes[0], "one console byte per round trip");
        assertEquals(220_000, counts.get(HypercallCounts.NAMES.indexOf("ev_byte_channel_send")), "counted by token");
        for (int slot = 0; slot < HypercallCounts.NAMES.size(); slot++) {
            if (!HypercallCounts.NAMES.get(slot).equals("ev_byte_channel_send")) assertEquals(0, counts.get(slot));
        }
        assertTrue(allocated < 16 * 1024, "2,000,000 instructions and 200,000 hypercall round trips allocated "
                + allocated + " bytes");
    }

    private static void roundTrips(Vcpu vcpu, VcpuExitHandler exits, int n) {
        for (int i = 0; i < n; i++) {
            assertEquals(ExitReason.EPAPR_HCALL, vcpu.run(1_000));
            assertEquals(ExitAction.KeepRunning.INSTANCE, exits.handle(vcpu));
        }
    }
}
