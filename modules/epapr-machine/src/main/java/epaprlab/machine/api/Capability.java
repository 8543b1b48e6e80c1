package epaprlab.machine.api;

/**
 * Capabilities a vCPU can be asked to enable, with their KVM-style numbers.
 *
 * <p>{@code KVM_CAP_EXIT_EPAPR_HCALL} never got a mainline number; 4096 is epapr-lab's own,
 * outside mainline's range (README, "Hypercall ABI").
 */
public enum Capability {
    /** Forward every hypercall the engine does not answer itself to the host as an exit. */
    EXIT_EPAPR_HCALL(4096);

    private final int kvmNumber;

    Capability(int kvmNumber) { this.kvmNumber = kvmNumber; }

    public int kvmNumber() { return kvmNumber; }
}
