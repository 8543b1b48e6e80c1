package epaprlab.cli.report;

import epaprlab.orchestrator.lab.LabEvent;
import epaprlab.orchestrator.lab.LabObserver;
import epaprlab.orchestrator.vm.Lifecycle;
import epaprlab.orchestrator.vm.VmEvent.LifecycleChanged;
import epaprlab.orchestrator.vm.VmEvent.VmFinished;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * The figures of a lab's starts that the results alone do not give: the most VMs alive at once
 * (for the heap per VM), and the restores' own rate, from the first VM started from a snapshot to
 * the last one (the lab's wall time also holds the JVM's warm-up, the boot that took the snapshot
 * and the VMs' own run). Fed on the guardian's thread.
 */
public final class StartRate implements LabObserver {
    private final Set<String> alive = new HashSet<>();
    private int mostAlive;
    private long restores;
    private Instant firstRestore;
    private Instant lastRestore;

    @Override
    public boolean wantsEveryTransition() {
        return false;           // transitions into RUNNING and ends only
    }

    @Override
    public synchronized void onEvent(LabEvent event) {
        switch (event) {
            case LabEvent.OfVm(LifecycleChanged l) when l.to() == Lifecycle.RUNNING -> {
                if (alive.add(l.vm())) mostAlive = Math.max(mostAlive, alive.size());
                if (l.from() == Lifecycle.RESTORING) {
                    restores++;
                    if (firstRestore == null) firstRestore = l.at();
                    lastRestore = l.at();
                }
            }
            case LabEvent.OfVm(VmFinished f) -> alive.remove(f.vm());
            default -> { }
        }
    }

    /** The most VMs that were running at the same time. */
    public synchronized int mostAlive() { return mostAlive; }

    /** Restores per second from the first to the last (each when its VM ran); 0 with fewer than two. */
    public synchronized double restoresPerSecond() {
        if (restores < 2) return 0;
        double s = Math.max(1e-9, Duration.between(firstRestore, lastRestore).toNanos() / 1e9);
        return (restores - 1) / s;
    }
}
