package epaprlab.host.vm;

import epaprlab.machine.api.Vcpu;
import java.util.List;

/**
 * Counts what one run's vCPUs execute, from readings taken now and then on another thread (the
 * live figures; exact totals come with the run's result). Reads {@link Vcpu#instructionsExecuted},
 * which a reset or a restore in place does not take back: the retired count they rewind would count
 * the instructions before a snapshot again after every restore to it.
 */
final class InstructionSampler {
    private long[] last = new long[0];

    /** Instructions executed since the previous reading (since the board was built, on the first). */
    long sample(List<Vcpu> vcpus) {
        if (last.length != vcpus.size()) last = new long[vcpus.size()];
        long delta = 0;
        for (int i = 0; i < vcpus.size(); i++) {
            long now = vcpus.get(i).instructionsExecuted();
            if (now > last[i]) {                // a reading taken mid-restore may be low for a moment
                delta += now - last[i];
                last[i] = now;
            }
        }
        return delta;
    }
}
