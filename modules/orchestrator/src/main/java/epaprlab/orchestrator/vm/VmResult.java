package epaprlab.orchestrator.vm;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * The end of one VM: what the summary and reports show.
 *
 * @param boots        how many times the guest started (1 + resets)
 * @param instructions guest instructions executed over all boots and vCPUs
 * @param detail       why it ended, in words (for a crash: VM, vCPU, PC, instruction, reason)
 * @param resultCode   the code the guest reported with the test-result hypercall, if it did
 */
public record VmResult(String vm, Outcome outcome, Outcome expected, int boots, long instructions,
                       Duration wallTime, String detail, OptionalLong resultCode) {
    /** True when the VM ended the way its config said it should. */
    public boolean asExpected() { return outcome == expected; }
}
