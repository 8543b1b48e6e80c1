package epaprlab.cli.report;

import epaprlab.orchestrator.lab.LabEvent;
import epaprlab.orchestrator.lab.LabEvent.LabFinished;
import epaprlab.orchestrator.lab.LabObserver;
import epaprlab.orchestrator.vm.VmEvent.ConsoleLine;
import epaprlab.orchestrator.vm.VmEvent.LifecycleChanged;
import epaprlab.orchestrator.vm.VmEvent.VmFinished;
import java.io.PrintStream;
import java.util.Optional;

/** Prints a lab's events as they come: console lines prefixed with the VM's name. */
public final class ConsolePrinter implements LabObserver {
    private final PrintStream out;
    private final boolean lifecycle;
    private volatile LabFinished finished;

    public ConsolePrinter(PrintStream out, boolean lifecycle) {
        this.out = out;
        this.lifecycle = lifecycle;
    }

    @Override
    public void onEvent(LabEvent event) {
        switch (event) {
            case LabEvent.OfVm(ConsoleLine c) -> out.println("[" + c.vm() + "] " + c.line());
            case LabEvent.OfVm(LifecycleChanged l) -> {
                if (lifecycle) out.println("[" + l.vm() + "] -- " + l.from() + " -> " + l.to() + ": " + l.why());
            }
            case LabEvent.OfVm(VmFinished f) -> {
                if (!f.result().asExpected()) {
                    out.println("[" + f.vm() + "] -- ended " + f.result().outcome().configName()
                            + " (expected " + f.result().expected().configName() + "): " + f.result().detail());
                }
            }
            case LabFinished l -> finished = l;
        }
    }

    /** The lab's end, once it has come. */
    public Optional<LabFinished> finished() { return Optional.ofNullable(finished); }
}
