package epaprlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code epapr-lab bench} end to end with a tiny workload: both cores, the QEMU side, the table
 * and the final line. Nothing here is timed; the figures themselves are not asserted.
 */
class BenchCommandTest {
    private static final String SAMPLES = "../../sample-vms";

    record Case(List<String> args, int exitCode, String stderrContains) {}

    @Test
    void benchPrintsBothCoresAndEndsWithTheFiguresLine() {
        var r = QuickstartEndToEndTest.cli("bench", "--sample-vms", SAMPLES, "--iterations", "3", "--runs", "1", "--warmup", "0");
        assertEquals(0, r.code(), r.out() + r.err());
        List<String> lines = r.out().lines().toList();
        Pattern row = Pattern.compile("^(e500mc|e5500)\\s+([\\d,]+)\\s+\\d+\\.\\d{3} s\\s+\\d+\\.\\d\\s+\\d+\\.\\d\\s+\\d+\\.\\d{3} s\\s+\\d+\\.\\d\\s+\\d+\\.\\d{3}$");
        long[] insns = lines.stream().map(row::matcher).filter(Matcher::matches)
                .mapToLong(m -> Long.parseLong(m.group(2).replace(",", ""))).toArray();
        assertEquals(2, insns.length, "one row per core in:\n" + r.out());
        for (long n : insns) assertTrue(n > 3 * 10_000, "3 iterations execute far more than 30,000 instructions, got " + n);
        assertTrue(lines.getLast().matches("^guest-mips=\\d+\\.\\d qemu-mips=\\d+\\.\\d ratio=\\d+\\.\\d{3}$"),
                "last line: " + lines.getLast());
    }

    /**
     * The short-guest suite: every kernel on both cores verifies its checksum in epapr-lab (with
     * the default threshold and with 0) and under qemu-user, each program runs 1-10 M instructions,
     * and the last line carries the sums.
     */
    @Test
    void shortSuiteRunsEveryKernelOnBothCoresAndEndsWithTheSumsLine() {
        var r = QuickstartEndToEndTest.cli("bench", "--short", "--sample-vms", SAMPLES, "--runs", "1");
        assertEquals(0, r.code(), r.out() + r.err());
        List<String> lines = r.out().lines().toList();
        Pattern row = Pattern.compile("^(e500mc|e5500)\\s+([a-z0-9_]+)\\s+([\\d,]+)\\s+\\d+\\.\\d{3} s\\s+\\d+\\.\\d{3} s"
                + "\\s+\\d+\\.\\d{2}\\s+\\d+\\.\\d{2}-\\s*\\d+\\.\\d{2}\\s+\\d+\\.\\d{2}\\s+\\d+\\.\\d{2}\\s+\\d+\\.\\d{2}"
                + "\\s+\\d+\\.\\d{3} s\\s+\\d+\\.\\d{3} s\\s+\\d+\\.\\d{3} s(  SLOWER)?$");
        List<Matcher> rows = lines.stream().map(row::matcher).filter(Matcher::matches).toList();
        assertTrue(rows.size() >= 15, "at least 15 programs in:\n" + r.out());
        assertEquals(rows.size(), rows.stream().map(m -> m.group(1) + "/" + m.group(2)).distinct().count());
        assertEquals(rows.size() / 2, rows.stream().filter(m -> m.group(1).equals("e5500")).count(), "both cores");
        for (Matcher m : rows) {
            long n = Long.parseLong(m.group(3).replace(",", ""));
            assertTrue(n >= 1_000_000 && n <= 10_000_000, m.group(1) + " " + m.group(2) + ": 1-10 M instructions, got " + n);
        }
        long marked = rows.stream().filter(m -> m.group(4) != null).count();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("slower-than-interpreter=" + marked + " of " + rows.size() + " (VCPU-VS > 1.00; ")),
                "the summary counts the " + marked + " rows marked SLOWER:\n" + r.out());
        assertTrue(lines.get(lines.size() - 2).matches("^interp-s=\\d+\\.\\d{3} epapr-lab-cpu-s=\\d+\\.\\d{3} interp-cpu-s=\\d+\\.\\d{3}"
                + " qemu-cpu-s=\\d+\\.\\d{3} cpu-ratio=\\d+\\.\\d{3}$"), "CPU line: " + lines.get(lines.size() - 2));
        assertTrue(lines.getLast().matches("^short-guests=" + rows.size() + " epapr-lab-s=\\d+\\.\\d{3} qemu-s=\\d+\\.\\d{3} ratio=\\d+\\.\\d{3}$"),
                "last line: " + lines.getLast());
    }

    /** --kernels picks programs of the suite by name; a name the suite lacks is bad input. */
    @Test
    void shortSuiteRunsOnlyTheNamedKernels() {
        var r = QuickstartEndToEndTest.cli("bench", "--short", "--sample-vms", SAMPLES, "--runs", "1", "--no-qemu",
                "--kernels", "nbody,crc32");
        assertEquals(0, r.code(), r.out() + r.err());
        List<String> kernels = r.out().lines().filter(l -> l.matches("^(e500mc|e5500)\\s.*"))
                .map(l -> l.split("\\s+")[0] + "/" + l.split("\\s+")[1]).sorted().toList();
        assertEquals(List.of("e500mc/crc32", "e500mc/nbody", "e5500/crc32", "e5500/nbody"), kernels, r.out());
        assertTrue(r.out().lines().toList().getLast().startsWith("short-guests=4 "), r.out());
        var bad = QuickstartEndToEndTest.cli("bench", "--short", "--sample-vms", SAMPLES, "--no-qemu", "--kernels", "nbody,whetstone");
        assertEquals(2, bad.code(), bad.out() + bad.err());
        assertTrue(bad.err().contains("no kernel whetstone"), bad.err());
    }

    @Test
    void badArgumentsAreRejectedWithExitCode2() {
        for (Case c : List.of(
                new Case(List.of("bench", "--sample-vms", SAMPLES, "--iterations", "0"), 2, "--iterations"),
                new Case(List.of("bench", "--sample-vms", "/nonexistent"), 2, "not the sample-vms directory"),
                new Case(List.of("bench", "--cpu", "e600"), 2, "e600"))) {
            var r = QuickstartEndToEndTest.cli(c.args().toArray(String[]::new));
            assertEquals(c.exitCode(), r.code(), c + "\n" + r.out() + r.err());
            assertTrue(r.err().contains(c.stderrContains()), c + ": " + r.err());
        }
    }
}
