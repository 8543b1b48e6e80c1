package epaprlab.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The runner itself: output, failures that name the command, time limits, packages named for missing tools. */
@Timeout(60)
class ToolRunTest {
    @TempDir Path dir;

    @Test
    void outputOfASuccessfulRunIsStdoutThenStderr() {
        assertEquals("out\nerr\n", OutsideTool.BASH.run("-c", "echo out; echo err >&2").output());
    }

    @Test
    void aFailingRunNamesTheCommandItsCodeAndItsOutput() {
        AssertionError e = assertThrows(AssertionError.class, () -> OutsideTool.BASH.run("-c", "echo why; exit 3").output());
        assertTrue(e.getMessage().startsWith("bash -c echo why; exit 3 exited 3:\nwhy"), e.getMessage());
        assertEquals(3, OutsideTool.BASH.run("-c", "exit 3").result().exitCode());
    }

    @Test
    void aRunPastItsTimeLimitIsKilledAndFails() {
        long t0 = System.nanoTime();
        AssertionError e = assertThrows(AssertionError.class,
                () -> OutsideTool.BASH.run("-c", "sleep 30").timeout(Duration.ofSeconds(1)).output());
        assertTrue(e.getMessage().contains("did not finish within 1 s"), e.getMessage());
        assertTrue(System.nanoTime() - t0 < 15_000_000_000L, "killed, not waited for");
    }

    @Test
    void stdinStdoutAndDirectoryAreRedirected() throws Exception {
        Path in = Files.writeString(dir.resolve("in.txt"), "data\n");
        Path out = dir.resolve("out.txt");
        OutsideTool.BASH.run("-c", "cat; pwd").in(dir).stdin(in).stdout(out).output();
        assertEquals("data\n" + dir.toRealPath() + "\n", Files.readString(out));
    }

    @Test
    void stderrKeptApartIsLeftOutOfTheOutputButShownOnFailure() {
        assertEquals("out\n", OutsideTool.BASH.run("-c", "echo out; echo err >&2").stderrApart().output());
        AssertionError e = assertThrows(AssertionError.class,
                () -> OutsideTool.BASH.run("-c", "echo out; echo why >&2; exit 1").stderrApart().output());
        assertTrue(e.getMessage().endsWith("out\nwhy\n"), e.getMessage());
    }

    @Test
    void environmentVariablesReachTheTool() {
        assertEquals("set\n", OutsideTool.BASH.run("-c", "echo $EPAPR_TEST_VAR").env(java.util.Map.of("EPAPR_TEST_VAR", "set")).output());
    }

    @Test
    void toolsAreFoundByTheirCommandOrAPathEndingInIt() {
        assertEquals(OutsideTool.DTC, OutsideTool.byCommand("/usr/bin/dtc"));
        AssertionError e = assertThrows(AssertionError.class, () -> OutsideTool.byCommand("no-such-tool"));
        assertTrue(e.getMessage().startsWith("no-such-tool is not an outside tool test-support knows"), e.getMessage());
    }

    @Test
    void everyToolNamesItsDebianPackage() {
        for (OutsideTool t : OutsideTool.values()) {
            assertTrue(t.missing().contains("install the Debian package " + t.debianPackage()), t.missing());
        }
        assertEquals(OutsideTool.OBJDUMP_64, OutsideTool.binutil("objdump", true));
    }
}
