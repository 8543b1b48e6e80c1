package epaprlab.orchestrator.vm;

/** How a VM ended: the "final state" of the summary and of a VM config's {@code expect}. */
public enum Outcome {
    /** The guest called KVM_HC_VM_SHUTDOWN. */
    SHUTDOWN("shutdown"),
    /** The guest crashed (an interrupt it had no handler for) or the engine failed on it. */
    FAILED("failed"),
    /** The VM ran out of its wall-clock limit ({@code limits.wall-timeout}). */
    TIMED_OUT("timed-out"),
    /** The host stopped the VM ({@link VmSupervisor.Stop}, for example on Ctrl-C). */
    STOPPED("stopped");

    private final String configName;

    Outcome(String configName) { this.configName = configName; }

    /** The name used in configs and reports. */
    public String configName() { return configName; }

    public static java.util.Optional<Outcome> byConfigName(String name) {
        for (Outcome o : values()) if (o.configName.equals(name)) return java.util.Optional.of(o);
        return java.util.Optional.empty();
    }
}
