package epaprlab.orchestrator.lab;

import epaprlab.orchestrator.vm.VmEvent;
import epaprlab.orchestrator.vm.VmResult;
import java.time.Instant;
import java.util.List;

/** What a lab publishes to its observer: the events of its VMs, then one {@link LabFinished}. */
public sealed interface LabEvent {
    /** Something happened to one VM of the lab. */
    record OfVm(VmEvent event) implements LabEvent {}

    /** Every VM of the lab has ended; results in the order of the lab file. */
    record LabFinished(String lab, List<VmResult> results, Instant at) implements LabEvent {
        public LabFinished {
            results = List.copyOf(results);
        }

        /** True when every VM ended as its config expects. */
        public boolean allAsExpected() {
            return results.stream().allMatch(VmResult::asExpected);
        }
    }
}
