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
 * the end of the last one (the lab's wall time also holds the JVM's warm-up and the boot that took
 * the snapshot). Fed on the guardian's thread.
 */
public final class StartRate implements LabObserver {
    private final Set<String> alive = new HashSet<>();
    private int mostAlive;
    private long restores;
    private Instant firstRestore;
    private Instant lastRestoredEnd;
    private final Set<String> restored = new HashSet<>();

    @Override
    public synchronized void onEvent(LabEvent event) {
        switch (event) {
            case LabEvent.OfVm(LifecycleChanged l) when l.to() == Lifecycle.RUNNING -> {
                if (alive.add(l.vm())) mostAlive = Math.max(mostAlive, alive.size());
                if (l.from() == Lifecycle.RESTORING) {
                    restores++;
                    restored.add(l.vm());
                    if (firstRestore == null) firstRestore = l.at();
                }
            }
            case LabEvent.OfVm(VmFinished f) -> {
                alive.remove(f.vm());
                if (restored.remove(f.vm())) lastRestoredEnd = f.at();
            }
            default -> { }
        }
    }

    /** The most VMs that were running at the same time. */
    public synchronized int mostAlive() { return mostAlive; }

    /** Restores per second from the first restore to the end of the last restored VM; 0 without restores. */
    public synchronized double restoresPerSecond() {
        if (restores == 0 || firstRestore == null || lastRestoredEnd == null) return 0;
        double s = Math.max(1e-9, Duration.between(firstRestore, lastRestoredEnd).toNanos() / 1e9);
        return restores / s;
    }
}
