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
