package epaprlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code epapr-lab run} and {@code epapr-lab dtb} as a user runs them, output and exit code asserted. */
class QuickstartEndToEndTest {
    @TempDir Path dir;

    /** Runs the CLI in this JVM and returns (exit code, stdout, stderr). */
    record Result(int code, String out, String err, byte[] rawOut) {}

    static synchronized Result cli(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), out.toByteArray());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void quickstartPrintsEveryConsoleLinePrefixedAndASummaryAndExitsZero() {
        Result r = cli("run", "../../sample-vms/quickstart.conf");
        assertEquals(0, r.code(), r.out() + r.err());
        List<String> lines = r.out().lines().toList();
        for (String expected : List.of(
                "[hello-32] hello from hello-32 (32-bit, has-reset=yes, has-shutdown=yes)",
                "[hello-64] hello from hello-64 (64-bit, has-reset=yes, has-shutdown=yes)",
                "[reset-loop-32] boot 1 reason power-on",
                "[reset-loop-32] boot 2 reason guest-reset",
                "[reset-loop-32] boot 3 reason guest-reset",
                "[reset-loop-64] boot 1 reason power-on",
                "[reset-loop-64] boot 2 reason guest-reset",
                "[reset-loop-64] boot 3 reason guest-reset")) {
            assertTrue(lines.contains(expected), "missing line: " + expected + "\nin:\n" + r.out());
        }
        assertTrue(lines.indexOf("[reset-loop-32] boot 1 reason power-on") < lines.indexOf("[reset-loop-32] boot 2 reason guest-reset"));
        Pattern row = Pattern.compile("^(hello|reset-loop)-(32|64)\\s+shutdown\\s+([13])\\s+[\\d,]+\\s+\\d+\\.\\d{3} s\\s+yes$");
        long rows = lines.stream().filter(l -> row.matcher(l).matches()).count();
        assertEquals(4, rows, "four summary rows in:\n" + r.out());
        assertTrue(lines.contains("lab quickstart: 4 VMs, 4 as expected, 0 not (4 shutdown)"), r.out());
        assertTrue(lines.getLast().matches("vms=4 passed=4 wall-s=\\d+\\.\\d{3} starts-per-s=\\d+ peak-heap-mib=\\d+"),
                lines.getLast());
        assertTrue(r.err().isBlank(), "nothing on stderr, got:\n" + r.err());
    }

    @Test
    void aVmThatSucceedsWhereFailureWasExpectedGivesExitCodeOne() throws Exception {
        Path conf = dir.resolve("hello.conf");
        Files.writeString(conf, "vm { name = h, image = \"" + Path.of("../../sample-vms/images/hello-e500mc.elf").toAbsolutePath()
                + "\", expect = failed }\n");
        Result r = cli("run", conf.toString());
        assertEquals(ExitCode.UNEXPECTED_SUCCESS.code(), r.code(), r.out() + r.err());
        assertTrue(r.out().contains("NO (expected failed)"), r.out());
        assertTrue(r.out().contains("[h] -- ended shutdown (expected failed): vCPU 0 called KVM_HC_VM_SHUTDOWN"), r.out());
    }

    @Test
    void aBadConfigGivesExitCodeTwoAndNamesFileLineAndKey() throws Exception {
        Path conf = dir.resolve("bad.conf");
        Files.writeString(conf, "vm {\n  name = h\n  image = x.elf\n  cpu = e300\n}\n");
        Result r = cli("run", conf.toString());
        assertEquals(ExitCode.BAD_INPUT.code(), r.code());
        assertTrue(r.err().contains("bad.conf:"), r.err());
        assertTrue(r.err().contains("vm.image"), r.err());
    }

    @Test
    void helpReadsWell() {
        Result r = cli("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("run"), r.out());
        assertTrue(r.out().contains("dtb"), r.out());
        assertTrue(r.out().contains("Exit codes"), r.out());
    }
}
