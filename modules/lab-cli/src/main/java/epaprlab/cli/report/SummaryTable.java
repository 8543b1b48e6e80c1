package epaprlab.cli.report;

import epaprlab.orchestrator.lab.LabEvent.LabFinished;
import epaprlab.orchestrator.vm.Outcome;
import epaprlab.orchestrator.vm.VmResult;
import java.io.PrintStream;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What {@code run} prints at the end: one row per VM (for large labs only the VMs that did not
 * end as expected), the count per outcome, and one machine-readable line.
 */
public final class SummaryTable {
    /** Labs larger than this list only their unexpected VMs. */
    public static final int FULL_TABLE_MAX_VMS = 50;

    private final LabFinished lab;
    private final Duration wall;
    private final long peakHeapBytes;
    /** The most VMs alive at once and the restores' rate; null = not measured. */
    private final StartRate starts;

    public SummaryTable(LabFinished lab, Duration wall, long peakHeapBytes) {
        this(lab, wall, peakHeapBytes, null);
    }

    public SummaryTable(LabFinished lab, Duration wall, long peakHeapBytes, StartRate starts) {
        this.lab = lab;
        this.wall = wall;
        this.peakHeapBytes = peakHeapBytes;
        this.starts = starts;
    }

    public void print(PrintStream out) {
        var rows = lab.results().size() <= FULL_TABLE_MAX_VMS ? lab.results()
                : lab.results().stream().filter(r -> !r.asExpected()).toList();
        int nameWidth = Math.max(2, rows.stream().mapToInt(r -> r.vm().length()).max().orElse(2));
        String format = "%-" + nameWidth + "s  %-17s  %5s  %14s  %10s  %s%n";
        out.println();
        if (!rows.isEmpty()) {
            out.printf(Locale.ROOT, format, "VM", "STATE", "BOOTS", "INSTRUCTIONS", "WALL", "EXPECTED");
            for (VmResult r : rows) {
                out.printf(Locale.ROOT, format, r.vm(), r.outcome().configName(),
                        r.restores() == 0 ? String.valueOf(r.boots()) : r.boots() + "+" + r.restores() + "r",
                        String.format(Locale.ROOT, "%,d", r.instructions()),
                        String.format(Locale.ROOT, "%.3f s", r.wallTime().toNanos() / 1e9),
                        r.asExpected() ? "yes" : "NO (expected " + expected(r) + ")");
            }
        }
        int ok = (int) lab.results().stream().filter(VmResult::asExpected).count();
        Map<Outcome, Integer> byOutcome = new EnumMap<>(Outcome.class);
        lab.results().forEach(r -> byOutcome.merge(r.outcome(), 1, Integer::sum));
        out.printf(Locale.ROOT, "lab %s: %d VMs, %d as expected, %d not (%s)%n", lab.lab(), lab.results().size(), ok,
                lab.results().size() - ok, byOutcome.entrySet().stream()
                        .map(e -> e.getValue() + " " + e.getKey().configName()).collect(Collectors.joining(", ")));
        long resets = lab.results().stream().mapToLong(VmResult::guestResets).sum();
        if (resets > 0) {
            long nanos = lab.results().stream().mapToLong(r -> r.resetTime().toNanos()).sum();
            out.printf(Locale.ROOT, "guest resets=%d mean-reset-cycle-us=%.1f%n", resets, nanos / 1e3 / resets);
        }
        long restores = lab.results().stream().mapToLong(VmResult::restores).sum();
        if (restores > 0) {
            out.printf(Locale.ROOT, "started from a snapshot: %d of %d starts%s%n", restores,
                    lab.results().stream().mapToLong(VmResult::starts).sum(), starts == null ? ""
                            : String.format(Locale.ROOT, "; restores-per-s=%.0f (from the first restore to the last)",
                            starts.restoresPerSecond()));
        }
        int atOnce = starts == null ? 0 : starts.mostAlive();
        // a large lab whose VMs were all alive at once (idle guests): what one VM costs
        if (atOnce >= 1000 && atOnce == lab.results().size()) {
            out.printf(Locale.ROOT, "heap-per-vm-kib=%.1f (peak heap / %d VMs alive at once)%n",
                    peakHeapBytes / 1024.0 / atOnce, atOnce);
        }
        long starts = lab.results().stream().mapToLong(VmResult::starts).sum();
        double seconds = Math.max(wall.toNanos() / 1e9, 1e-9);
        out.printf(Locale.ROOT, "vms=%d passed=%d wall-s=%.3f starts-per-s=%.0f peak-heap-mib=%d%n",
                lab.results().size(), ok, seconds, starts / seconds, peakHeapBytes >> 20);
    }

    private static String expected(VmResult r) {
        return r.expected().stream().sorted().map(Outcome::configName).collect(Collectors.joining(" or "));
    }
}
