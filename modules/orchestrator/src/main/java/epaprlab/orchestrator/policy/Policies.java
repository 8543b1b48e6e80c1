package epaprlab.orchestrator.policy;

/**
 * What a VM does at each kind of ending, from its config ({@code on-reset}, {@code on-shutdown},
 * {@code on-crash}, {@code on-watchdog}). A guest-requested reset is never counted as a crash.
 */
public record Policies(OnReset onReset, OnShutdown onShutdown, OnFault onCrash, OnFault onWatchdog,
                       RestartIntensity intensity) {

    /**
     * {@code on-reset}: honour KVM_HC_VM_RESET, treat it as a shutdown (like QEMU's -no-reboot),
     * decline it (the host does not honour it, the guest gets EV_INTERNAL in r3 and continues), or
     * return the VM to its snapshot (a full restart while it has none yet).
     */
    public enum OnReset { RESTART, SHUTDOWN, DECLINE, SNAPSHOT }

    /**
     * {@code on-shutdown}: end the VM, boot it again (a guest that loops forever), or decline it
     * (EV_INTERNAL in r3, the guest continues).
     */
    public enum OnShutdown { STOP, RESTART, DECLINE }

    /** {@code on-crash}, {@code on-watchdog}: restart (within the intensity) or end the VM. */
    public enum OnFault { RESTART, STOP }

    /** The defaults: resets restart, shutdowns stop, crashes and watchdogs stop. */
    public static final Policies DEFAULT = new Policies(OnReset.RESTART, OnShutdown.STOP, OnFault.STOP, OnFault.STOP,
            RestartIntensity.DEFAULT);
}
