package epaprlab.machine.boot;

/** Why the guest is booting, as told in {@code /chosen/epapr-lab,reset-reason}. */
public enum ResetReason {
    POWER_ON("power-on"),
    GUEST_RESET("guest-reset"),
    WATCHDOG("watchdog"),
    CRASH_RESTART("crash-restart"),
    HOST_REQUEST("host-request");

    private final String dtValue;

    ResetReason(String dtValue) { this.dtValue = dtValue; }

    /** The device tree string. */
    public String dtValue() { return dtValue; }
}
