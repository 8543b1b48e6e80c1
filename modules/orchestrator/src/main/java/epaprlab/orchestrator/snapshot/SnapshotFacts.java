package epaprlab.orchestrator.snapshot;

import epaprlab.machine.snapshot.MachineSnapshot;

/** What the lab reads of a machine snapshot, in one place. */
public final class SnapshotFacts {
    private SnapshotFacts() {}

    /** The RAM size of the VM it was taken of. */
    public static long ramBytes(MachineSnapshot s) {
        return s.memory().size();
    }

    /** Heap its RAM image holds: the pages that are not zero. */
    public static long storedBytes(MachineSnapshot s) {
        return s.memory().storedBytes();
    }
}
