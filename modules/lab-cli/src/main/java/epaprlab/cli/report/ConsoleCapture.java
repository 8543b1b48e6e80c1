package epaprlab.cli.report;

import epaprlab.orchestrator.lab.LabEvent;
import epaprlab.orchestrator.lab.LabObserver;
import epaprlab.orchestrator.vm.VmEvent.ConsoleLine;
import epaprlab.orchestrator.vm.VmEvent.VmFinished;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps each VM's console text in memory, up to a limit per VM (the first bytes, then a marker),
 * for reports that attach it (JUnit XML, the failure listing). Only VMs that end unexpectedly are
 * read, so a VM that ends as expected is forgotten at once: a large lab keeps only its failures.
 * Guardian thread only; must see each event before the observers that read it.
 */
public final class ConsoleCapture implements LabObserver {
    private final int limitBytes;
    private final Map<String, StringBuilder> text = new HashMap<>();
    private final Map<String, Long> dropped = new HashMap<>();

    public ConsoleCapture(int limitBytes) { this.limitBytes = limitBytes; }

    @Override
    public void onEvent(LabEvent event) {
        if (event instanceof LabEvent.OfVm(VmFinished f) && f.result().asExpected()) {
            text.remove(f.vm());
            dropped.remove(f.vm());
        } else if (event instanceof LabEvent.OfVm(ConsoleLine c)) {
            StringBuilder sb = text.computeIfAbsent(c.vm(), k -> new StringBuilder());
            int need = c.line().length() + 1;
            if (sb.length() + need <= limitBytes) {
                sb.append(c.line()).append('\n');
            } else {
                dropped.merge(c.vm(), (long) need, Long::sum);
            }
        }
    }

    /** The captured console of a VM that has not ended as expected, with a marker line if it was cut. */
    public String of(String vm) {
        String s = text.getOrDefault(vm, new StringBuilder()).toString();
        Long cut = dropped.get(vm);
        return cut == null ? s : s + ConsoleLogs.cutMarker(limitBytes, cut) + "\n";
    }
}
