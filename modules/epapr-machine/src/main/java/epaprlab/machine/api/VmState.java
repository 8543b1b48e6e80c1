package epaprlab.machine.api;

import epaprlab.ppc.mem.MemoryImage;
import java.util.List;
import java.util.Optional;

/**
 * A whole VM's engine state for snapshots (what {@link Vm#saveState} takes): RAM as an immutable
 * image, every vCPU in id order, and a device's reset or power-off request no vCPU has reported
 * yet. Immutable; the image is shared by every VM restored from it.
 */
public record VmState(MemoryImage memory, List<VcpuState> vcpus, Optional<PendingEvent> systemEvent) {
    public VmState {
        vcpus = List.copyOf(vcpus);
    }

    /** A system event raised by a device and not yet reported by a vCPU exit. */
    public record PendingEvent(VcpuExit.SystemEvent.Type type, String source) {}
}
