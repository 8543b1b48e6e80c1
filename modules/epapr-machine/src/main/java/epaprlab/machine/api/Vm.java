package epaprlab.machine.api;

import epaprlab.ppc.mem.GuestMemory;
import java.util.List;

/** One virtual machine: guest RAM plus its vCPUs, shaped like a KVM VM file descriptor. */
public interface Vm {
    VmSpec spec();

    /** {@code KVM_CHECK_EXTENSION}. */
    boolean checkExtension(Capability capability);

    /** {@code KVM_CREATE_VCPU}; ids are 0..vcpus-1 and each may be created once. */
    Vcpu createVcpu(int id);

    /** The vCPUs created so far, in id order. */
    List<Vcpu> vcpus();

    /** Guest physical RAM, shared by every vCPU. */
    GuestMemory memory();
}
