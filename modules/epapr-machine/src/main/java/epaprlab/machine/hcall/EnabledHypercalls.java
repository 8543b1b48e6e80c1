package epaprlab.machine.hcall;

/**
 * Which optional hypercalls a VM offers. Only these are advertised in the device tree
 * ({@code kvm,has-reset}, {@code kvm,has-shutdown}, {@code epapr-lab,has-result}); a disabled one
 * answers {@code EV_UNIMPLEMENTED} and never acts.
 */
public record EnabledHypercalls(boolean reset, boolean shutdown, boolean result) {
    public static final EnabledHypercalls ALL = new EnabledHypercalls(true, true, true);
    public static final EnabledHypercalls NONE = new EnabledHypercalls(false, false, false);
}
