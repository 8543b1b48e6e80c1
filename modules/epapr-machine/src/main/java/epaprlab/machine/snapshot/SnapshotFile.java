package epaprlab.machine.snapshot;
/** LOCAL STUB (lab-snap, uncommitted). */
public final class SnapshotFile {
    public static void write(java.nio.file.Path file, MachineSnapshot s) throws java.io.IOException { throw new java.io.IOException("stub"); }
    public static MachineSnapshot read(java.nio.file.Path file) throws java.io.IOException, SnapshotFileException { throw new java.io.IOException("stub"); }
}
