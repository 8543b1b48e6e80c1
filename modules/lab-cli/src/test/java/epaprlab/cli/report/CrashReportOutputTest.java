package epaprlab.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import epaprlab.cli.progress.Progress;
import epaprlab.orchestrator.debug.CrashReport;
import epaprlab.orchestrator.debug.VcpuSnapshot;
import epaprlab.orchestrator.lab.LabEvent;
import epaprlab.orchestrator.lab.LabEvent.LabFinished;
import epaprlab.orchestrator.vm.Outcome;
import epaprlab.orchestrator.vm.VmEvent.VmFinished;
import epaprlab.orchestrator.vm.VmResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A crash report reaches the console summary, the --logs file, the JUnit failure text and the JSON report. */
@Timeout(60)
class CrashReportOutputTest {
    @TempDir Path dir;

    static VmResult crashed() {
        List<Long> gpr = new ArrayList<>(Collections.nCopies(32, 0L));
        gpr.set(1, 0x1b1b0L);
        gpr.set(31, 0xdeadbeefL);
        VcpuSnapshot v = new VcpuSnapshot(0, false, 0x12c78, "main+0x188", OptionalInt.of(0), ".long 0x0", 0, 0x20000002,
                0x12c78, 0, 0x20000000, gpr, List.of(new VcpuSnapshot.Spr("esr", 0x08000000L)),
                List.of(new VcpuSnapshot.Frame(0x12c78, "main+0x188", "pc"), new VcpuSnapshot.Frame(0x10048, "_start+0x48", "chain")),
                List.of(), 15539);
        return new VmResult("crasher", Outcome.CRASHED, Set.of(Outcome.PASSED), 1, 0, 15539, Duration.ofMillis(5),
                "vm crasher vCPU 0 crashed at PC 0x00012c78 main+0x188", OptionalLong.empty(), 0, Duration.ZERO,
                Optional.of(new CrashReport("chaos.elf", List.of(v))));
    }

    @Test
    void renderedText() {
        String text = crashed().crash().orElseThrow().render();
        assertTrue(text.startsWith("vCPU 0 at 0x00012c78 main+0x188: 0x00000000 .long 0x0  [15539 instructions]\n"), text);
        assertTrue(text.contains("r31 deadbeef"), text);
        assertTrue(text.contains("esr 08000000"), text);
        assertTrue(text.endsWith("    #0 0x00012c78 main+0x188 (pc)\n    #1 0x00010048 _start+0x48"), text);
    }

    @Test
    void everySinkShowsIt() throws Exception {
        VmResult r = crashed();
        String render = r.crash().orElseThrow().render();
        LabFinished lab = new LabFinished("lab", List.of(r), Instant.now());

        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
        ConsolePrinter printer = new ConsolePrinter(out, ConsolePrinter.ConsoleMode.FAILURES, false,
                new ConsoleCapture(1024, 1 << 20), new Progress(Progress.Mode.OFF, out, 1, Duration.ofSeconds(10)), false);
        printer.onEvent(new LabEvent.OfVm(new VmFinished(r, Instant.now())));
        assertTrue(console.toString(StandardCharsets.UTF_8).contains("[crasher]        #1 0x00010048 _start+0x48"), console.toString());

        try (ConsoleLogs logs = ConsoleLogs.open(dir, 1 << 20, out)) {
            logs.onEvent(new LabEvent.OfVm(new VmFinished(r, Instant.now())));
        }
        String log = Files.readString(dir.resolve("crasher.log"));
        assertEquals("[epapr-lab: ended crashed: " + r.detail() + "]\n" + render + "\n", log);

        ByteArrayOutputStream xml = new ByteArrayOutputStream();
        JunitReport.write(xml, lab, Duration.ofSeconds(1), new ConsoleCapture(1024, 1 << 20));
        assertTrue(xml.toString(StandardCharsets.UTF_8).contains("r31 deadbeef"), xml.toString());

        Path json = dir.resolve("r.json");
        JsonReport.write(json, lab, Duration.ofSeconds(1), 11);
        JsonNode vcpu = new ObjectMapper().readTree(json.toFile()).get("results").get(0).get("crash").get(0);
        assertEquals("0x12c78", vcpu.get("pc").asText());
        assertEquals("main+0x188", vcpu.get("symbol").asText());
        assertEquals("0xdeadbeef", vcpu.get("gpr").get(31).asText());
        assertEquals("_start+0x48", vcpu.get("backtrace").get(1).get("symbol").asText());
        assertFalse(vcpu.get("registers").get("cr").asText().isEmpty());
    }
}
