package epaprlab.orchestrator.snapshot;

import epaprlab.machine.snapshot.MachineSnapshot;

/**
 * A VM's snapshot as the lab keeps it: the machine's state (immutable, shared by every VM started
 * from it) and where it came from, in words, for reports.
 *
 * @param origin "snapshot of vm x (at its hypercall)", "snapshot file /p/x.snap", ...
 */
public record VmSnapshot(MachineSnapshot machine, String origin) {}
