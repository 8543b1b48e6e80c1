package epaprlab.cli.report;

import epaprlab.orchestrator.config.LabConfig;
import epaprlab.orchestrator.config.VmConfig;
import epaprlab.orchestrator.lab.LabEvent;
import epaprlab.orchestrator.lab.LabEvent.LabFinished;
import epaprlab.orchestrator.lab.LabObserver;
import epaprlab.orchestrator.vm.Outcome;
import epaprlab.orchestrator.vm.VmEvent.VmFinished;
import epaprlab.orchestrator.vm.VmResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Every VM's result as it comes, so that a lab that cannot end normally (its VMs do not stop
 * within the grace after Ctrl-C, or the actor system dies of an internal failure such as an
 * OutOfMemoryError) still gets a complete summary and complete reports: the results that came,
 * and for every other VM a result with the outcome and reason the caller gives. Written by the
 * guardian thread, read by whichever thread ends the run.
 */
public final class ResultLedger implements LabObserver {
    private final LabConfig lab;
    private final Instant started = Instant.now();
    private final Map<String, VmResult> results = new LinkedHashMap<>();
    private volatile LabFinished finished;

    public ResultLedger(LabConfig lab) {
        this.lab = lab;
    }

    @Override
    public boolean wantsEveryTransition() {
        return false;           // results only
    }

    @Override
    public synchronized void onEvent(LabEvent event) {
        switch (event) {
            case LabEvent.OfVm(VmFinished f) -> results.put(f.vm(), f.result());
            case LabFinished l -> finished = l;
            default -> { }
        }
    }

    /** The lab's end as the guardian published it, or null when it has not come. */
    public LabFinished finished() { return finished; }

    /** How many VMs have no result yet. */
    public synchronized int pending() { return lab.vms().size() - results.size(); }

    /** The lab's end so far: every result that came, and {@code outcome} with {@code why} for the others. */
    public synchronized LabFinished endNow(Outcome outcome, String why) {
        if (finished != null) return finished;
        List<VmResult> all = new ArrayList<>(lab.vms().size());
        Duration wall = Duration.between(started, Instant.now());
        for (VmConfig vm : lab.vms()) {
            VmResult r = results.get(vm.name());
            all.add(r != null ? r : new VmResult(vm.name(), outcome, vm.expect(), 0, 0, 0, wall, why,
                    OptionalLong.empty(), 0, Duration.ZERO));
        }
        return new LabFinished(lab.name(), all, Instant.now());
    }
}
