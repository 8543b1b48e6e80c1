package epaprlab.orchestrator.testing;

import akka.actor.testkit.typed.javadsl.TestProbe;
import epaprlab.orchestrator.vm.Lifecycle;
import epaprlab.orchestrator.vm.VmEvent;
import epaprlab.orchestrator.vm.VmEvent.ConsoleLine;
import epaprlab.orchestrator.vm.VmEvent.LifecycleChanged;
import epaprlab.orchestrator.vm.VmEvent.VmFinished;
import epaprlab.orchestrator.vm.VmResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Everything one VM published until it finished, in order: its transitions, console and result. */
public record VmRun(List<Lifecycle> transitions, List<String> console, VmResult result) {

    /** Reads a VM's events from {@code events} until its VmFinished; each wait is bounded. */
    public static VmRun collect(TestProbe<VmEvent> events, Duration wait) {
        List<Lifecycle> transitions = new ArrayList<>();
        List<String> console = new ArrayList<>();
        while (true) {
            switch (events.receiveMessage(wait)) {
                case LifecycleChanged l -> transitions.add(l.to());
                case ConsoleLine l -> console.add(l.line());
                case VmEvent.SnapshotTaken _ -> { }
                case VmFinished f -> {
                    return new VmRun(List.copyOf(transitions), List.copyOf(console), f.result());
                }
            }
        }
    }
}
