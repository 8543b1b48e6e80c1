package epaprlab.cli.report;

import epaprlab.orchestrator.lab.LabEvent.LabFinished;
import epaprlab.orchestrator.vm.VmResult;
import java.io.PrintStream;
import java.util.Locale;

/** The table printed at the end of a run: one row per VM, then a count. */
public final class SummaryTable {
    private final LabFinished lab;

    public SummaryTable(LabFinished lab) { this.lab = lab; }

    public void print(PrintStream out) {
        int nameWidth = Math.max(2, lab.results().stream().mapToInt(r -> r.vm().length()).max().orElse(2));
        String format = "%-" + nameWidth + "s  %-10s  %5s  %14s  %10s  %s%n";
        out.println();
        out.printf(Locale.ROOT, format, "VM", "STATE", "BOOTS", "INSTRUCTIONS", "WALL", "EXPECTED");
        int ok = 0;
        for (VmResult r : lab.results()) {
            boolean asExpected = r.asExpected();
            if (asExpected) ok++;
            out.printf(Locale.ROOT, format, r.vm(), r.outcome().configName(), r.boots(),
                    String.format(Locale.ROOT, "%,d", r.instructions()),
                    String.format(Locale.ROOT, "%.3f s", r.wallTime().toNanos() / 1e9),
                    asExpected ? "yes" : "NO (expected " + r.expected().configName() + ")");
        }
        out.printf(Locale.ROOT, "lab %s: %d VMs, %d as expected, %d not%n",
                lab.lab(), lab.results().size(), ok, lab.results().size() - ok);
    }
}
