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

    /**
     * For boards: a device asks the whole VM for a reset or a power-off. Any thread (normally the
     * vCPU thread whose store reached the device); never blocks. Every vCPU is kicked, and the
     * first {@link Vcpu#run} to return afterwards reports it once as {@link ExitReason#SYSTEM_EVENT}.
     * A second request before that one is reported is dropped (the VM is going down anyway).
     */
    void raiseSystemEvent(VcpuExit.SystemEvent.Type type, String source);

    /**
     * Bytes typed into the VM's console (host to guest). Thread-safe, never blocks the caller; the
     * board's console device keeps what does not fit, in order, until the guest reads it. Dropped
     * while the board has connected no console input.
     */
    void consoleInput(byte[] bytes);

    /** For boards: where {@link #consoleInput} delivers (the ppce500 board's UART0 receive side). */
    void connectConsoleInput(java.util.function.Consumer<byte[]> receiver);
}
