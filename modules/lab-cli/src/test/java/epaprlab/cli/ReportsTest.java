package epaprlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** {@code run --junit --json --logs}: what CI systems read, with outcomes from console patterns. */
class ReportsTest {
    @TempDir Path dir;

    private static final String HELLO = Path.of("../../sample-vms/images/hello-e500mc.elf").toAbsolutePath().toString();

    @Test
    void junitJsonAndLogsDescribeEveryVm() throws Exception {
        Path lab = dir.resolve("lab.conf");
        Files.writeString(lab, """
                lab {
                  name = reports
                  vms = [
                    { name = good, image = "%1$s", result.pass-pattern = "^hello from", expect = passed }
                    { name = bad, image = "%1$s", result.fail-pattern = "hello", expect = passed }
                    { name = plain, image = "%1$s", count = 2 }
                  ]
                }
                """.formatted(HELLO));
        var r = QuickstartEndToEndTest.cli("run", lab.toString(), "--junit", dir.resolve("out/junit.xml").toString(),
                "--json", dir.resolve("out/summary.json").toString(), "--logs", dir.resolve("logs").toString(),
                "--log-limit", "30", "--progress", "off");
        assertEquals(10, r.code(), "the failed VM's outcome code\n" + r.out() + r.err());

        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(dir.resolve("out/junit.xml").toFile());
        Element suite = xml.getDocumentElement();
        assertEquals("testsuite", suite.getTagName());
        assertEquals("4", suite.getAttribute("tests"));
        assertEquals("1", suite.getAttribute("failures"));
        NodeList cases = suite.getElementsByTagName("testcase");
        assertEquals(4, cases.getLength());
        Element bad = (Element) cases.item(1);
        assertEquals("bad", bad.getAttribute("name"));
        Element failure = (Element) bad.getElementsByTagName("failure").item(0);
        assertEquals("failed", failure.getAttribute("type"));
        assertEquals("ended failed (expected passed)", failure.getAttribute("message"));
        assertTrue(failure.getTextContent().contains("console line matched: hello from bad"), failure.getTextContent());
        String out = bad.getElementsByTagName("system-out").item(0).getTextContent();
        assertTrue(out.startsWith("[epapr-lab: console cut at 30 bytes;"), "the 51-byte line exceeds the 30-byte limit: " + out);
        assertEquals(0, ((Element) cases.item(0)).getElementsByTagName("failure").getLength());

        JsonNode json = new ObjectMapper().readTree(dir.resolve("out/summary.json").toFile());
        assertEquals("reports", json.get("lab").asText());
        assertEquals(4, json.get("vms").asInt());
        assertEquals(3, json.get("asExpected").asInt());
        assertEquals(10, json.get("exitCode").asInt());
        assertEquals(1, json.get("outcomes").get("passed").asInt());
        assertEquals(2, json.get("outcomes").get("shutdown").asInt());
        assertEquals("plain-1", json.get("results").get(2).get("vm").asText());
        assertEquals("failed", json.get("results").get(1).get("outcome").asText());

        String goodLog = Files.readString(dir.resolve("logs/good.log"));
        int lineBytes = "hello from good (32-bit, has-reset=yes, has-shutdown=yes)\n".length();
        assertEquals("[epapr-lab: console cut at 30 bytes; " + lineBytes + " more bytes not kept]\n", goodLog);
        Path big = dir.resolve("logs-big");
        var r2 = QuickstartEndToEndTest.cli("run", lab.toString(), "--logs", big.toString(), "--progress", "off");
        assertEquals(10, r2.code());
        assertEquals("hello from plain-2 (32-bit, has-reset=yes, has-shutdown=yes)\n", Files.readString(big.resolve("plain-2.log")));
    }

    @Test
    void aPassPatternEndsTheVmAsPassed() throws Exception {
        Path vm = dir.resolve("vm.conf");
        Files.writeString(vm, "vm { name = p, image = \"" + HELLO + "\", result.pass-pattern = \"hello\", expect = passed }\n");
        var r = QuickstartEndToEndTest.cli("run", vm.toString(), "--progress", "off");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("lab p: 1 VMs, 1 as expected, 0 not (1 passed)"), r.out());
    }
}
