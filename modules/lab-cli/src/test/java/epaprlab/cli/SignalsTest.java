package epaprlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import epaprlab.testsupport.OutsideTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

/**
 * Ctrl-C and SIGTERM given to a forked {@code epapr-lab run} mid-run: exit code 17 and a complete
 * summary, JSON and JUnit XML, for a small lab and for one of 10,000 VMs.
 */
@Timeout(180)
class SignalsTest {
    @TempDir Path dir;

    private Path lab(int hanging, int concurrency) throws Exception {
        return Files.writeString(dir.resolve("signals.conf"), """
                lab {
                  name = signals
                  concurrency = %d
                  vms = [
                    { name = ok, image = "%s", count = 4, expect = [shutdown, stopped] }
                    { name = hang, image = "%s", bootargs = "mode=hang", count = %d, expect = timed-out }
                  ]
                }
                """.formatted(concurrency, RunHardeningTest.HELLO, RunHardeningTest.CHAOS, hanging));
    }

    private void stopMidRun(int hanging, int concurrency, String signal) throws Exception {
        Path conf = lab(hanging, concurrency);
        Path junit = dir.resolve("junit.xml"), json = dir.resolve("summary.json"), logs = dir.resolve("logs");
        Process p = ForkedCli.start(dir, List.of("-Xmx1g"), "run", conf.toString(), "--junit", junit.toString(),
                "--json", json.toString(), "--logs", logs.toString(), "--progress", "off");
        ForkedCli.awaitText(logs.resolve("ok-1.log"), "hello from ok-1", Duration.ofSeconds(90));   // the lab runs
        var second = QuickstartEndToEndTest.cli("run", conf.toString(), "--logs", logs.toString(), "--progress", "off");
        assertEquals(2, second.code(), "a second process on the same --logs is refused: " + second.err());
        assertTrue(second.err().contains("another epapr-lab run is writing its logs there"), second.err());
        OutsideTool.BASH.run("-c", "kill -" + signal + " " + p.pid()).timeout(Duration.ofSeconds(10)).output();
        ForkedCli.Ended end = ForkedCli.await(p, dir, Duration.ofSeconds(90));
        int total = hanging + 4;

        assertEquals(17, end.code(), "the stopped code after SIG" + signal + "\n" + end.err());
        // an ok VM may still be between its last line and its shutdown when the signal comes
        assertTrue(end.out().contains("lab signals: " + total + " VMs, 4 as expected, " + hanging + " not ("), end.out());
        assertTrue(end.out().strip().lines().reduce((a, b) -> b).orElseThrow().startsWith("vms=" + total + " passed=4 "), end.out());

        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals(17, doc.get("exitCode").asInt());
        assertEquals(total, doc.get("vms").asInt());
        assertEquals(total, doc.get("results").size());
        assertTrue(doc.get("outcomes").get("stopped").asInt() >= hanging, doc.get("outcomes").toString());
        int counted = 0;
        for (JsonNode n : doc.get("outcomes")) counted += n.asInt();
        assertEquals(total, counted);

        Element suite = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile()).getDocumentElement();
        assertEquals(String.valueOf(total), suite.getAttribute("tests"));
        assertEquals(total, suite.getElementsByTagName("testcase").getLength());
        assertEquals(String.valueOf(hanging), suite.getAttribute("failures"));
        assertTrue(Files.readString(logs.resolve("ok-1.log")).startsWith("hello from ok-1"));
    }

    @Test
    void sigtermMidRunExits17WithCompleteReports() throws Exception {
        stopMidRun(20, 8, "TERM");
    }

    @Test
    void ctrlCMidRunExits17WithCompleteReports() throws Exception {
        stopMidRun(20, 8, "INT");
    }

    @Test
    void aTenThousandVmLabStoppedMidRunStillGetsEveryReport() throws Exception {
        stopMidRun(10_000, 64, "TERM");
    }
}
