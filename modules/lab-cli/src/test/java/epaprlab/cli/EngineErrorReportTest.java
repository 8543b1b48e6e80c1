package epaprlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import epaprlab.ppc.cpu.Cpu;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

/**
 * An engine error (injected into the first instruction of {@code hello}, {@code mr r31,r3}) is
 * reported as what it is in every report: outcome {@code crashed}, exit code 11, and a detail
 * that says "engine error" with the PC, the word, its disassembly and the exception.
 */
@Timeout(120)
class EngineErrorReportTest {
    @TempDir Path dir;

    private static final String HELLO = Path.of("../../sample-vms/images/hello-e500mc.elf").toAbsolutePath().toString();
    private static final String DETAIL = "vm h vCPU 0: engine error at PC 0x00010000 _start (instruction 0x7c7f1b78: mr r31,r3): "
            + "java.lang.IllegalStateException: injected engine fault";

    @Test
    void summaryJsonAndJunitNameTheEngineError() throws Exception {
        Path vm = dir.resolve("vm.conf");
        Files.writeString(vm, "vm { name = h, image = \"" + HELLO + "\" }\n");
        QuickstartEndToEndTest.Result r;
        System.setProperty(Cpu.FAULT_WORD_PROPERTY, "0x7c7f1b78");
        try {
            r = QuickstartEndToEndTest.cli("run", vm.toString(), "--junit", dir.resolve("junit.xml").toString(),
                    "--json", dir.resolve("summary.json").toString(), "--progress", "off");
        } finally {
            System.clearProperty(Cpu.FAULT_WORD_PROPERTY);
        }
        assertEquals(11, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("[h] -- ended crashed (expected "), r.out());
        assertTrue(r.out().contains(DETAIL), r.out());

        JsonNode result = new ObjectMapper().readTree(dir.resolve("summary.json").toFile()).get("results").get(0);
        assertEquals("crashed", result.get("outcome").asText());
        assertTrue(result.get("detail").asText().startsWith(DETAIL), result.toString());

        Element failure = (Element) DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(dir.resolve("junit.xml").toFile()).getElementsByTagName("failure").item(0);
        assertEquals("crashed", failure.getAttribute("type"));
        assertTrue(failure.getTextContent().contains(DETAIL), failure.getTextContent());
        // the crash report names where the engine stopped: the first instruction, with its registers
        assertTrue(failure.getTextContent().contains("vCPU 0 at 0x00010000 _start: 0x7c7f1b78 mr r31,r3"), failure.getTextContent());
        assertEquals("_start", result.get("crash").get(0).get("symbol").asText());
    }
}
