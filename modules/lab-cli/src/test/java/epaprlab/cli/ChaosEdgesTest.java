package epaprlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

/**
 * {@code sample-vms/edges.conf} as its header says to run it: a bad report path is refused at once;
 * then a small heap (the hungry VM's 1 GiB of RAM runs in it), a blocked log file and SIGTERM mid-run. The
 * run must end with exit 17, a complete summary and valid JSON and JUnit naming every VM.
 */
@Timeout(180)
class ChaosEdgesTest {
    @TempDir Path dir;

    private static final Path LAB = Path.of("../../sample-vms/edges.conf").toAbsolutePath().normalize();
    private static final int VMS = 8 + 1 + 1 + 1 + 1 + 40;

    @Test
    void aBadReportPathSignalAndHungryVmStillEndWithACompleteSummaryAndValidReports() throws Exception {
        ForkedCli.Ended refused = ForkedCli.run(dir, Duration.ofSeconds(60), List.of("-Xmx256m"),
                "run", LAB.toString(), "--json", "/dev/full");
        assertEquals(2, refused.code(), refused.err());
        assertEquals("epapr-lab: --json /dev/full: is a character device; reports are written to regular files\n", refused.err());
        assertEquals("", refused.out());

        Path logs = dir.resolve("logs"), junit = dir.resolve("edges.xml"), json = dir.resolve("edges.json");
        Files.createDirectories(logs.resolve("log-blocked.log"));
        Process p = ForkedCli.start(dir, List.of("-Xmx256m"), "run", LAB.toString(),
                "--junit", junit.toString(), "--json", json.toString(), "--logs", logs.toString(), "--console", "all", "--events", "--progress", "off");
        // every VM but the hanging ones has ended (its last transition is printed as it comes)
        for (String vm : List.of("spammer", "escape", "log-blocked", "healthy-1", "healthy-2", "healthy-3", "healthy-4",
                "healthy-5", "healthy-6", "healthy-7", "healthy-8")) {
            ForkedCli.awaitText(dir.resolve("stdout.txt"), "[" + vm + "] -- SHUTTING_DOWN -> STOPPED", Duration.ofSeconds(120));
        }
        p.destroy();                                              // SIGTERM
        ForkedCli.Ended end = ForkedCli.await(p, dir, Duration.ofSeconds(90));

        assertEquals(17, end.code(), end.err());
        assertTrue(end.out().contains("lab edges: " + VMS + " VMs, " + VMS + " as expected, 0 not"), end.out());
        String last = end.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(last.startsWith("vms=" + VMS + " passed=" + VMS + " "), "last line: " + last);
        assertTrue(end.out().contains("[escape] escape: unknown bootargs \"\\x1b[2J\\x1b[31mred\""), end.out());
        assertFalse(end.out().contains("\u001b"), "no escape byte reaches the terminal");
        assertTrue(Files.readString(logs.resolve("escape.log")).contains("\u001b[2J\u001b[31mred"), "the log keeps the bytes");
        assertTrue(end.err().contains("epapr-lab: --logs: cannot write " + logs.resolve("log-blocked.log")), end.err());

        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals(17, doc.get("exitCode").asInt());
        assertEquals(VMS, doc.get("results").size());
        Map<String, JsonNode> byVm = new HashMap<>();
        doc.get("results").forEach(r -> byVm.put(r.get("vm").asText(), r));
        assertEquals("shutdown", byVm.get("hungry").get("outcome").asText(), byVm.get("hungry").toString());
        assertEquals("failed", byVm.get("escape").get("outcome").asText());
        assertEquals(40, doc.get("outcomes").get("stopped").asInt());

        Element suite = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile()).getDocumentElement();
        assertEquals(String.valueOf(VMS), suite.getAttribute("tests"));
        assertEquals("0", suite.getAttribute("failures"));
        assertTrue(p.waitFor(1, TimeUnit.SECONDS));
    }
}
