package epaprlab.machine.board;

import epaprlab.machine.api.Vcpu;
import epaprlab.machine.api.Vm;
import epaprlab.machine.boot.BootException;
import epaprlab.machine.boot.BootLayout;
import epaprlab.machine.boot.ResetReason;
import epaprlab.machine.device.ByteChannel;
import epaprlab.machine.hcall.HostHypercalls;
import epaprlab.machine.snapshot.MachineSnapshot;
import java.util.List;

/**
 * One assembled guest machine of some board ({@code epapr} or {@code ppce500}): the VM, its
 * vCPUs and devices, and the pristine images it boots from. The host (the orchestrator) drives
 * every board through this: power it on for each boot, run the vCPUs, connect the console.
 */
public sealed interface Machine permits Board, Ppce500Board {
    /** How a board hands guest console output to the host. */
    @FunctionalInterface
    interface ConsoleOutput {
        void write(byte[] bytes, int offset, int length);
    }

    BoardSpec spec();

    Vm vm();

    List<Vcpu> vcpus();

    /**
     * Puts the whole machine in its entry state for boot number {@code bootCount}: RAM rebuilt
     * from the pristine images, a fresh device tree, devices and vCPUs reset, CPU 0 at its entry.
     * Call only while no vCPU runs.
     */
    BootLayout powerOn(int bootCount, ResetReason reason) throws BootException;

    /**
     * Called by a secondary vCPU's own thread before it runs: true when it may run now. The ePAPR
     * board looks at the vCPU's spin-table entry in RAM; the ppce500 board always says yes, because
     * its secondaries wait halted inside the engine until the spin-table device starts them.
     */
    boolean releaseIfRequested(int cpu);

    /** A fresh host-side hypercall handler for one vCPU. */
    HostHypercalls newHostHypercalls();

    /** The hypercall console byte channel (handle 0), drained by the host after hypercalls. */
    ByteChannel console();

    /**
     * Where console output that does not go through hypercalls is written as the guest produces it
     * (the ppce500 board's UART0; called on vCPU threads). The ePAPR board has none: its console
     * is the byte channel.
     */
    void connectConsole(ConsoleOutput output);

    /** The device tree blob the guest gets on boot {@code bootCount}. */
    byte[] deviceTreeBlob(int bootCount, ResetReason reason) throws BootException;

    /**
     * The whole machine's state (RAM as a shared image, every vCPU, every device, console bytes
     * pending either way). RAM pages are not copied: this machine carries on copy-on-write over
     * the snapshot's image. Call only while no vCPU runs.
     */
    MachineSnapshot snapshot();

    /**
     * Puts the machine exactly in the snapshot's state, RAM copy-on-write over its image. A vCPU
     * that was in its {@code EPAPRLAB_HC_SNAPSHOT} call resumes after it with r3 = 0 and r4 = 1.
     * Call only while no vCPU runs; the host then runs every vCPU as after a power-on (the ePAPR
     * board's {@link #releaseIfRequested} answers true at once for a secondary the snapshot had
     * released).
     *
     * @throws IllegalArgumentException (with the reason) for a snapshot of another board, CPU
     *         model, RAM size or number of vCPUs
     */
    void restore(MachineSnapshot s);
}
