package epaprlab.machine.snapshot;
/** LOCAL STUB (lab-snap, uncommitted). */
public class SnapshotFileException extends Exception {
    public SnapshotFileException(String m) { super(m); }
}
