package epaprlab.machine.api;

/** Creates VMs, like opening {@code /dev/kvm}. */
public interface Hypervisor {
    /** {@code KVM_CHECK_EXTENSION} on the system: what VMs of this hypervisor can offer. */
    boolean checkExtension(Capability capability);

    Vm createVm(VmSpec spec);

    /** The software engine: the interpreter in ppc-core acting as the hypervisor. */
    static Hypervisor software() {
        return epaprlab.machine.engine.SoftHypervisor.INSTANCE;
    }
}
