package epaprlab.machine.api;

import epaprlab.machine.state.StateIo;
import epaprlab.ppc.cpu.CpuSnapshot;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Optional;

/**
 * One vCPU's whole state for snapshots: the CPU's architected state ({@link CpuSnapshot}), whether
 * the vCPU is halted waiting for a start, and a hypercall exit still out with the host (its
 * record, to be completed by the next {@code run()}). Immutable.
 *
 * @param hcall the pending hypercall exit, if the vCPU was saved between the exit and the next run
 */
public record VcpuState(CpuSnapshot cpu, boolean halted, Optional<PendingHcall> hcall) {
    /**
     * A hypercall exit the host has (or has not yet) answered: token, answer, arguments, and the
     * width (MSR[CM] at the exit) both directions use. The array is never written.
     */
    public record PendingHcall(long nr, long ret, long[] args, boolean wide) {
        public PendingHcall {
            if (args.length != VcpuExit.Hcall.ARGS) throw new IllegalArgumentException("a hypercall has " + VcpuExit.Hcall.ARGS + " args");
        }
    }

    public void write(DataOutput out) throws IOException {
        cpu.write(out);
        out.writeBoolean(halted);
        out.writeBoolean(hcall.isPresent());
        if (hcall.isPresent()) {
            PendingHcall h = hcall.get();
            out.writeLong(h.nr());
            out.writeLong(h.ret());
            StateIo.writeLongs(out, h.args());
            out.writeBoolean(h.wide());
        }
    }

    public static VcpuState read(DataInput in) throws IOException {
        CpuSnapshot cpu = CpuSnapshot.read(in);
        boolean halted = in.readBoolean();
        Optional<PendingHcall> hcall = Optional.empty();
        if (in.readBoolean()) {
            long nr = in.readLong(), ret = in.readLong();
            long[] args = StateIo.readLongs(in, VcpuExit.Hcall.ARGS, "hypercall args");
            hcall = Optional.of(new PendingHcall(nr, ret, args, in.readBoolean()));
        }
        return new VcpuState(cpu, halted, hcall);
    }
}
