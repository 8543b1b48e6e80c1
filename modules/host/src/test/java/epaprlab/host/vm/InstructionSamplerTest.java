package epaprlab.host.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.host.Host;
import epaprlab.machine.api.Vcpu;
import epaprlab.machine.board.Machine;
import epaprlab.machine.snapshot.MachineSnapshot;
import epaprlab.machine.boot.ResetReason;
import epaprlab.orchestrator.config.LabConfigLoader;
import epaprlab.orchestrator.vm.ImageCache;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The host's live instruction count of a VM that is reset to its snapshot in place: a restore
 * rewinds the vCPU's retired count to the snapshot's, and the samples must count only what ran.
 */
@Timeout(60)
class InstructionSamplerTest {

    @Test
    void countsWhatRanAcrossRestoresInPlaceAndResets() throws Exception {
        Path conf = Path.of("../../sample-vms/reset-loop-32.conf").toAbsolutePath().normalize();
        var config = new LabConfigLoader(Host.systemConfig(null)).load(conf).vms().getFirst();
        Machine board = new ImageCache().build(config);
        board.powerOn(1, ResetReason.POWER_ON);
        Vcpu v = board.vcpus().getFirst();
        InstructionSampler sampler = new InstructionSampler();

        v.run(5_000);
        long ranToSnapshot = v.instructionsRetired();
        assertEquals(ranToSnapshot, sampler.sample(board.vcpus()));
        MachineSnapshot snap = board.snapshot();
        long counted = ranToSnapshot;

        for (int restore = 0; restore < 3; restore++) {
            long before = v.instructionsRetired();
            v.run(2_000);
            long ran = v.instructionsRetired() - before;
            assertTrue(ran > 0, "the guest ran on");
            board.restore(snap);           // the retired count is the snapshot's again
            assertEquals(ranToSnapshot, v.instructionsRetired());
            assertEquals(ran, sampler.sample(board.vcpus()), "restore " + restore + ": only what ran since the last sample");
            counted += ran;
        }
        v.run(1_000);
        long afterLastRestore = v.instructionsRetired() - ranToSnapshot;
        board.powerOn(2, ResetReason.GUEST_RESET);   // a full reset: retired back to 0
        assertEquals(afterLastRestore, sampler.sample(board.vcpus()));
        counted += afterLastRestore;
        assertEquals(0, sampler.sample(board.vcpus()), "nothing ran since");
        assertEquals(counted, v.instructionsExecuted(), "the board was built for this run: it counts from 0");
    }
}
