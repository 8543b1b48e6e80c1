package epaprlab.orchestrator.vm;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The end of one VM: what the summary and reports show.
 *
 * @param expected     the outcomes its config accepts
 * @param boots        how many times the guest started (1 + resets and restarts)
 * @param restarts     restarts after a crash or watchdog (counted against the restart intensity)
 * @param instructions guest instructions executed over all boots and vCPUs
 * @param detail       why it ended, in words (for a crash: VM, vCPU, PC, instruction, reason)
 * @param resultCode   the code the guest reported with the test-result hypercall, if it did
 * @param guestResets  resets the guest asked for and got
 * @param resetTime    time spent in those resets: from the supervisor receiving the reset request
 *                     to the fresh vCPU subtree being told to start
 */
public record VmResult(String vm, Outcome outcome, Set<Outcome> expected, int boots, int restarts, long instructions,
                       Duration wallTime, String detail, OptionalLong resultCode, int guestResets,
                       Duration resetTime) {
    public VmResult {
        expected = Set.copyOf(expected);
    }

    /** True when the VM ended the way its config said it should. */
    public boolean asExpected() { return expected.contains(outcome); }
}
