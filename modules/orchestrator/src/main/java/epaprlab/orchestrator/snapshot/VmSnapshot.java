package epaprlab.orchestrator.snapshot;

import epaprlab.machine.snapshot.MachineSnapshot;
import java.util.Set;

/**
 * A VM's snapshot as the lab keeps it: the machine's state (immutable, shared by every VM started
 * from it), the secondary vCPUs that had left their spin table (they run at once after a restore
 * instead of spinning again), and where it came from, in words, for reports.
 *
 * @param origin "snapshot of vm x (at its hypercall)", "snapshot file /p/x.snap", ...
 */
public record VmSnapshot(MachineSnapshot machine, Set<Integer> released, String origin) {
    public VmSnapshot {
        released = Set.copyOf(released);
    }
}
