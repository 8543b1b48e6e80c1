package epaprlab.machine.snapshot;
/** LOCAL STUB (lab-snap, uncommitted) until the snapshot branch lands. */
public final class MachineSnapshot {
    public int vcpus() { return 1; }
    public String board() { return "epapr"; }
    public epaprlab.ppc.mem.MemoryImage memory() { throw new UnsupportedOperationException(); }
}
