package epaprlab.orchestrator.vm;

import java.util.Optional;

/**
 * How a VM ended: a closed set, each with the process exit code {@code epapr-lab run} returns
 * when a VM ends this way although its config expected otherwise (the README lists them).
 */
public enum Outcome {
    /** The guest reported success: the result hypercall with 0, or a console line matched the pass pattern. */
    PASSED("passed", 0),
    /** The guest called KVM_HC_VM_SHUTDOWN without reporting a result. */
    SHUTDOWN("shutdown", 0),
    /** The guest reported failure: a non-zero result, or a console line matched the fail pattern. */
    FAILED("failed", 10),
    /** The guest took an interrupt it had no handler for, the engine failed on it, or it could not boot. */
    CRASHED("crashed", 11),
    /** The guest's watchdog expired for good (TCR[WRC] != 0) and the policy said stop. */
    WATCHDOG("watchdog", 12),
    /** The VM ran out of its wall-clock limit. */
    TIMED_OUT("timed-out", 13),
    /** The VM executed its instruction limit. */
    INSTRUCTION_LIMIT("instruction-limit", 14),
    /** The guest wrote nothing to its console for longer than its silence limit. */
    CONSOLE_SILENT("console-silent", 15),
    /** The guest crashed or hit its watchdog more often than the restart intensity allows. */
    RESTART_LIMIT("restart-limit", 16),
    /** The host stopped the VM (for example on Ctrl-C). */
    STOPPED("stopped", 17),
    /** A scripted console step ({@code console.steps}) did not see its pattern within its timeout. */
    STEP_TIMED_OUT("step-timed-out", 18),
    /**
     * The host's memory, not the guest: the lab's heap could not give the VM what it needed (its
     * fixed share and console buffers at start, or a page of RAM it wrote for the first time).
     */
    HOST_OUT_OF_MEMORY("host-out-of-memory", 19);

    private final String configName;
    private final int exitCode;

    Outcome(String configName, int exitCode) {
        this.configName = configName;
        this.exitCode = exitCode;
    }

    /** The name used in configs and reports. */
    public String configName() { return configName; }

    /** The process exit code when this outcome was not expected (0 for the successes: then 1 is used). */
    public int exitCode() { return exitCode; }

    /** True for the outcomes that mean the guest itself did what a test wants. */
    public boolean isSuccess() { return this == PASSED || this == SHUTDOWN; }

    public static Optional<Outcome> byConfigName(String name) {
        for (Outcome o : values()) if (o.configName.equals(name)) return Optional.of(o);
        return Optional.empty();
    }
}
