package epaprlab.orchestrator.vm;

import epaprlab.orchestrator.debug.CrashReport;
import java.time.Duration;
import java.util.Optional;
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
 * @param crash        where every vCPU was when the VM was stopped from outside or crashed (empty
 *                     for the endings the guest chose: passed, failed, shutdown; and for a VM
 *                     that never booted)
 * @param restores     starts from a snapshot instead of a boot (the first start of a clone or of
 *                     a VM started from a file, and each reset with {@code on-reset = snapshot});
 *                     {@code boots} counts the boots from the images only
 * @param restoredFrom the snapshot of the last restore, in words ("snapshot of vm x at its
 *                     hypercall", "snapshot file /p/x.snap"), if any
 */
public record VmResult(String vm, Outcome outcome, Set<Outcome> expected, int boots, int restarts, long instructions,
                       Duration wallTime, String detail, OptionalLong resultCode, int guestResets,
                       Duration resetTime, Optional<CrashReport> crash, int restores, Optional<String> restoredFrom) {
    public VmResult {
        expected = Set.copyOf(expected);
    }

    /** A VM that was never restored from a snapshot. */
    public VmResult(String vm, Outcome outcome, Set<Outcome> expected, int boots, int restarts, long instructions,
                    Duration wallTime, String detail, OptionalLong resultCode, int guestResets,
                    Duration resetTime, Optional<CrashReport> crash) {
        this(vm, outcome, expected, boots, restarts, instructions, wallTime, detail, resultCode, guestResets, resetTime,
                crash, 0, Optional.empty());
    }

    /** How often it started: boots and restores. */
    public int starts() { return boots + restores; }

    /** A result without a crash report. */
    public VmResult(String vm, Outcome outcome, Set<Outcome> expected, int boots, int restarts, long instructions,
                    Duration wallTime, String detail, OptionalLong resultCode, int guestResets, Duration resetTime) {
        this(vm, outcome, expected, boots, restarts, instructions, wallTime, detail, resultCode, guestResets, resetTime,
                Optional.empty());
    }

    /** True when the VM ended the way its config said it should. */
    public boolean asExpected() { return expected.contains(outcome); }
}
