package epaprlab.machine.snapshot;

import epaprlab.machine.api.VcpuState;
import epaprlab.machine.api.VmState;
import epaprlab.ppc.mem.MemoryImage;
import java.util.List;
import java.util.Objects;

/**
 * The immutable state of a whole machine, as {@code Machine.snapshot()} takes it and
 * {@code Machine.restore} puts it back: which board and hardware it is of (board, CPU model, RAM
 * size, vCPU count, and a fingerprint naming the rest of the spec), the VM's engine state (RAM as a
 * shared {@link MemoryImage}, every vCPU, an unreported system event) and every device's state
 * (console bytes pending in either direction included). Any number of machines may be restored
 * from one snapshot at once: none of it is ever written.
 */
public final class MachineSnapshot {
    private final String board;
    private final String cpu;
    private final String fingerprint;
    private final VmState vm;
    private final BoardState devices;

    /**
     * @param cpu         the CPU model's config name ({@code e500mc}, {@code e5500})
     * @param fingerprint the board's spec in one line, for files and messages (see the boards)
     */
    public MachineSnapshot(String cpu, String fingerprint, VmState vm, BoardState devices) {
        this.board = devices.board();
        this.cpu = Objects.requireNonNull(cpu, "cpu");
        this.fingerprint = Objects.requireNonNull(fingerprint, "fingerprint");
        this.vm = Objects.requireNonNull(vm, "vm");
        this.devices = devices;
        int perCpu = switch (devices) {                     // device state sized by CPUs must match the vCPUs
            case BoardState.Epapr e -> e.released().length;
            case BoardState.Ppce500 p -> p.mpic().cpus();
        };
        if (perCpu != vm.vcpus().size()) {
            throw new IllegalArgumentException("device state for %d CPUs in a snapshot of %d vCPUs".formatted(perCpu, vm.vcpus().size()));
        }
    }

    /** {@code "epapr"} or {@code "ppce500"}. */
    public String board() { return board; }

    public String cpu() { return cpu; }

    public String fingerprint() { return fingerprint; }

    public MemoryImage memory() { return vm.memory(); }

    public long ramBytes() { return vm.memory().size(); }

    public int vcpus() { return vm.vcpus().size(); }

    public List<VcpuState> vcpuStates() { return vm.vcpus(); }

    public VmState vm() { return vm; }

    public BoardState devices() { return devices; }

    /**
     * Why this snapshot cannot go into a machine of {@code board}, {@code cpu}, {@code ramBytes}
     * and {@code vcpus}, or null when it can. The boards throw it as an IllegalArgumentException.
     */
    public String mismatch(String board, String cpu, long ramBytes, int vcpus) {
        if (!this.board.equals(board)) return "a snapshot of a %s machine cannot be restored into a %s machine".formatted(this.board, board);
        if (!this.cpu.equals(cpu)) return "a snapshot of an %s machine cannot be restored into an %s one".formatted(this.cpu, cpu);
        if (ramBytes() != ramBytes) {
            return "the snapshot has %d KiB of RAM, this machine %d KiB".formatted(ramBytes() >> 10, ramBytes >> 10);
        }
        if (vcpus() != vcpus) return "the snapshot has %d vCPUs, this machine %d".formatted(vcpus(), vcpus);
        return null;
    }

    @Override
    public String toString() { return "MachineSnapshot[" + fingerprint + "]"; }
}
