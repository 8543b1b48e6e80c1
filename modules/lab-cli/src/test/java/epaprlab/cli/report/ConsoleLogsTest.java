package epaprlab.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.orchestrator.lab.LabEvent;
import epaprlab.orchestrator.vm.Outcome;
import epaprlab.orchestrator.vm.VmEvent.ConsoleLine;
import epaprlab.orchestrator.vm.VmEvent.VmFinished;
import epaprlab.orchestrator.vm.VmResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code --logs}: lines in the file as they come, a cut log is a prefix, one bad file costs one log, one run per directory. */
@Timeout(30)
class ConsoleLogsTest {
    @TempDir Path dir;
    private final ByteArrayOutputStream warnings = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(warnings, true, StandardCharsets.UTF_8);

    private static LabEvent line(String vm, String text) {
        return new LabEvent.OfVm(new ConsoleLine(vm, text, Instant.now()));
    }

    private static LabEvent end(String vm) {
        return new LabEvent.OfVm(new VmFinished(new VmResult(vm, Outcome.PASSED, Set.of(Outcome.PASSED), 1, 0, 1,
                Duration.ZERO, "", OptionalLong.empty(), 0, Duration.ZERO), Instant.now()));
    }

    @Test
    void eachLineIsInTheFileAsSoonAsItCame() throws Exception {
        try (ConsoleLogs logs = ConsoleLogs.open(dir, 1 << 20, err)) {
            logs.onEvent(line("v", "first"));
            assertEquals("first\n", Files.readString(dir.resolve("v.log")), "before the VM ends");
            logs.onEvent(line("v", "second"));
            assertEquals("first\nsecond\n", Files.readString(dir.resolve("v.log")));
        }
    }

    @Test
    void linesAfterTheRunEndedNeverTouchTheLogs() throws Exception {
        ConsoleLogs logs = ConsoleLogs.open(dir, 1 << 20, err);
        logs.onEvent(line("v", "kept"));
        logs.finish();                              // the run ends while VMs still print (after Ctrl-C)
        logs.onEvent(line("v", "late"));
        logs.onEvent(line("w", "late"));
        assertEquals("kept\n", Files.readString(dir.resolve("v.log")));
        assertTrue(!Files.exists(dir.resolve("w.log")));
        logs.close();
    }

    @Test
    void aCutLogIsATruePrefixFollowedByTheMarker() throws Exception {
        try (ConsoleLogs logs = ConsoleLogs.open(dir, 10, err)) {
            logs.onEvent(line("v", "abcd"));       // 5 bytes: kept
            logs.onEvent(line("v", "efghijk"));    // 8 more pass the limit: the cut
            logs.onEvent(line("v", "xy"));         // would fit, but the log must stay a prefix
            logs.onEvent(end("v"));
        }
        assertEquals("abcd\n[epapr-lab: console cut at 10 bytes; 11 more bytes not kept]\n",
                Files.readString(dir.resolve("v.log")));
    }

    @Test
    void aLogThatCannotBeCreatedCostsOnlyThatVmsLog() throws Exception {
        Files.createDirectory(dir.resolve("bad.log"));   // a directory where the file must go
        try (ConsoleLogs logs = ConsoleLogs.open(dir, 1 << 20, err)) {
            logs.onEvent(line("bad", "lost"));
            logs.onEvent(line("good", "kept"));
            logs.onEvent(line("bad", "lost too"));
            logs.onEvent(end("bad"));
            logs.onEvent(end("good"));
            assertEquals(List.of("bad"), logs.failures());
        }
        assertEquals("kept\n", Files.readString(dir.resolve("good.log")));
        String w = warnings.toString(StandardCharsets.UTF_8);
        assertEquals(1, w.lines().count(), w);
        assertTrue(w.startsWith("epapr-lab: --logs: cannot write " + dir.resolve("bad.log")), w);
    }

    @Test
    void manyFailingLogsPrintTenWarningsAndAreAllCounted() throws Exception {
        for (int i = 0; i < 25; i++) Files.createDirectory(dir.resolve("vm" + i + ".log"));
        try (ConsoleLogs logs = ConsoleLogs.open(dir, 1 << 20, err)) {
            for (int i = 0; i < 25; i++) logs.onEvent(line("vm" + i, "x"));
            assertEquals(25, logs.failures().size());
        }
        List<String> lines = warnings.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(11, lines.size(), String.join("\n", lines));
        assertEquals("epapr-lab: --logs: more VM logs cannot be written; they are counted at the end", lines.getLast());
    }

    @Test
    void aSecondRunOnTheSameDirectoryIsRefusedWhileTheFirstHoldsIt() throws Exception {
        try (ConsoleLogs first = ConsoleLogs.open(dir, 1 << 20, err)) {
            ReportPaths.Unusable u = assertThrows(ReportPaths.Unusable.class, () -> ConsoleLogs.open(dir, 1 << 20, err));
            assertTrue(u.getMessage().contains("another epapr-lab run is writing its logs there"), u.getMessage());
        }
        ConsoleLogs.open(dir, 1 << 20, err).close();     // free again once the first run ended
    }
}
