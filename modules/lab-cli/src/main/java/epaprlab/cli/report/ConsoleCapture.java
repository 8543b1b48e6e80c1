package epaprlab.cli.report;

import epaprlab.orchestrator.lab.LabEvent;
import epaprlab.orchestrator.lab.LabObserver;
import epaprlab.orchestrator.vm.VmEvent.ConsoleLine;
import epaprlab.orchestrator.vm.VmEvent.VmFinished;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps each VM's console text in memory, up to a limit per VM (the first lines that fit, then
 * nothing more but a marker, so the text is a true prefix of the console), for reports that
 * attach it (JUnit XML, the failure listing). Only VMs that end unexpectedly are read, so a VM
 * that ends as expected is forgotten at once. All VMs together keep at most {@code totalBytes}
 * (a lab of many failing VMs with a large limit would otherwise fill the heap): past it, a VM's
 * text is cut the same way. Guardian thread only; must see each event before the observers that
 * read it.
 */
public final class ConsoleCapture implements LabObserver {
    private final int limitBytes;
    private final long totalBytes;
    private long kept;
    private final Map<String, StringBuilder> text = new HashMap<>();
    private final Map<String, Long> dropped = new HashMap<>();

    /** @param totalBytes what all VMs together may keep (the heap's share for console text) */
    public ConsoleCapture(int limitBytes, long totalBytes) {
        this.limitBytes = limitBytes;
        this.totalBytes = totalBytes;
    }

    /** A capture that may use an eighth of this JVM's max heap. */
    public static ConsoleCapture forThisJvm(int limitBytes) {
        return new ConsoleCapture(limitBytes, Runtime.getRuntime().maxMemory() / 8);
    }

    @Override
    public boolean wantsEveryTransition() {
        return false;           // console lines and ends only
    }

    @Override
    public synchronized void onEvent(LabEvent event) {
        if (event instanceof LabEvent.OfVm(VmFinished f) && f.result().asExpected()) {
            StringBuilder gone = text.remove(f.vm());
            if (gone != null) kept -= gone.length();
            dropped.remove(f.vm());
        } else if (event instanceof LabEvent.OfVm(ConsoleLine c)) {
            StringBuilder sb = text.computeIfAbsent(c.vm(), k -> new StringBuilder());
            int need = c.line().length() + 1;
            if (!dropped.containsKey(c.vm()) && sb.length() + need <= limitBytes && kept + need <= totalBytes) {
                sb.append(c.line()).append('\n');
                kept += need;
            } else {
                dropped.merge(c.vm(), (long) need, Long::sum);   // once cut, always cut: a true prefix
            }
        }
    }

    /** The captured console of a VM that has not ended as expected, with a marker line if it was cut. */
    public synchronized String of(String vm) {
        String s = text.getOrDefault(vm, new StringBuilder()).toString();
        Long cut = dropped.get(vm);
        return cut == null ? s : s + ConsoleLogs.cutMarker(limitBytes, cut) + "\n";
    }
}
