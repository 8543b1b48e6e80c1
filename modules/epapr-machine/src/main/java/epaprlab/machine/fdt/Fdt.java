package epaprlab.machine.fdt;

import java.util.List;

/** A decoded blob: its header, its reservation entries in blob order, and its tree. */
public record Fdt(FdtHeader header, List<MemoryReservation> reservations, DeviceTreeNode root) {
    public Fdt {
        reservations = List.copyOf(reservations);
    }
}
