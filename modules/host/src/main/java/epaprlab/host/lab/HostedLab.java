package epaprlab.host.lab;

import epaprlab.host.vm.ConsoleLog;
import epaprlab.host.vm.EventLog;
import epaprlab.orchestrator.lab.LabEvent;
import epaprlab.orchestrator.lab.LabEvent.LabFinished;
import epaprlab.orchestrator.lab.LabObserver;
import epaprlab.orchestrator.vm.VmEvent;
import epaprlab.orchestrator.vm.VmEvent.ConsoleLine;
import epaprlab.orchestrator.vm.VmEvent.LifecycleChanged;
import epaprlab.orchestrator.vm.VmEvent.VmFinished;
import epaprlab.orchestrator.vm.VmResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A lab submitted to the host, followed as its orchestrator {@code LabGuardian} reports: how
 * many VMs have ended and how, its events and the console lines of its VMs ({@code [vm] line}).
 * The guardian calls {@link #onEvent} one event at a time; HTTP readers call the getters.
 */
public final class HostedLab implements LabObserver {
    /** What the API shows of a lab. */
    public record LabView(String id, String name, String state, int vms, int finished, int asExpected,
                          int notAsExpected, List<VmOutcome> results) {}

    /** One ended VM of the lab. */
    public record VmOutcome(String vm, String outcome, boolean asExpected, int boots, long instructions, String detail) {}

    private final String id;
    private final String name;
    private final int vms;
    private final EventLog events = new EventLog(10_000);
    private final ConsoleLog console;
    private final List<VmOutcome> results = new ArrayList<>();
    private int asExpected;
    private boolean done;

    public HostedLab(String id, String name, int vms, int consoleBytes) {
        this.id = id;
        this.name = name;
        this.vms = vms;
        this.console = new ConsoleLog(consoleBytes);
    }

    public String id() { return id; }
    public EventLog events() { return events; }
    public ConsoleLog console() { return console; }

    @Override
    public synchronized void onEvent(LabEvent event) {
        switch (event) {
            case LabEvent.OfVm(LifecycleChanged l) -> events.add(l.vm(), "lifecycle", lower(l.from().name()),
                    lower(l.to().name()), l.why());
            case LabEvent.OfVm(VmEvent.SnapshotTaken t) -> events.add(t.vm(), "snapshot", "", "taken", t.snapshot().origin()
                    + t.savedTo().map(p -> "; saved to " + p).orElse(""));
            case LabEvent.OfVm(ConsoleLine c) -> console.append(("[" + c.vm() + "] " + c.line() + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            case LabEvent.OfVm(VmFinished f) -> {
                VmResult r = f.result();
                if (r.asExpected()) asExpected++;
                results.add(new VmOutcome(r.vm(), r.outcome().configName(), r.asExpected(), r.boots(), r.instructions(),
                        r.detail()));
                events.add(r.vm(), "finished", "", r.outcome().configName(), r.detail());
            }
            case LabFinished f -> {
                done = true;
                events.add("", "lab", "running", "finished", f.allAsExpected() ? "every VM ended as expected"
                        : (results.size() - asExpected) + " VMs did not end as expected");
            }
        }
    }

    public synchronized boolean done() { return done; }

    public synchronized LabView view() {
        return new LabView(id, name, done ? "finished" : "running", vms, results.size(), asExpected,
                results.size() - asExpected, List.copyOf(results));
    }

    private static String lower(String s) { return s.toLowerCase(Locale.ROOT).replace('_', '-'); }
}
