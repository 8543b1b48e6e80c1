package epaprlab.machine.api;

import epaprlab.ppc.mem.GuestMemory;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/** One virtual machine: guest RAM plus its vCPUs, shaped like a KVM VM file descriptor. */
public interface Vm {
    VmSpec spec();

    /** {@code KVM_CHECK_EXTENSION}. */
    boolean checkExtension(Capability capability);

    /** {@code KVM_CREATE_VCPU}; ids are 0..vcpus-1 and each may be created once. */
    Vcpu createVcpu(int id);

    /** The vCPUs created so far, in id order. */
    List<Vcpu> vcpus();

    /**
     * For boards: a device asks the whole VM for a reset or a power-off. Any thread (normally the
     * vCPU thread whose store reached the device); never blocks. Every vCPU is kicked, and the
     * first {@link Vcpu#run} to return afterwards reports it once as {@link ExitReason#SYSTEM_EVENT}.
     * A second request before that one is reported is dropped (the VM is going down anyway).
     */
    void raiseSystemEvent(VcpuExit.SystemEvent.Type type, String source);

    /** Guest physical RAM, shared by every vCPU. */
    GuestMemory memory();

    /**
     * Bytes typed into the VM's console: thread-safe, never blocks the caller. They go to the
     * console device the board connected ({@link #connectConsoleInput}; on the ePAPR board the
     * console byte channel's receive side); bytes that do not fit there are kept, in order,
     * until the guest reads. Input before a device is connected waits for it.
     */
    void consoleInput(byte[] bytes);

    /**
     * Most console input a host should let wait unread ({@link #pendingConsoleInput}): the host API
     * refuses more and an attached terminal waits; the VM itself never drops any.
     */
    int MAX_PENDING_CONSOLE_INPUT = 64 * 1024;

    /** Bytes of {@link #consoleInput} the guest has not read yet (waiting for the device, or in its queue). */
    long pendingConsoleInput();

    /**
     * For boards: the console device that takes {@link #consoleInput} (all of it, in order), and
     * how many of the bytes it took the guest has not read yet.
     */
    void connectConsoleInput(Consumer<byte[]> device, LongSupplier unread);

    /**
     * The VM's state for a snapshot: RAM frozen into an image (no page copied; the VM goes on
     * copy-on-write over it), every vCPU's {@link Vcpu#saveState}, and an unreported system event.
     * Only while no vCPU runs.
     */
    VmState saveState();

    /**
     * Puts the VM in {@code s}: RAM copy-on-write over {@code s.memory()}, every vCPU restored,
     * the system event as saved. Only while no vCPU runs.
     *
     * @throws IllegalArgumentException if {@code s} has another RAM size or number of vCPUs
     */
    void restoreState(VmState s);
}
