package epaprlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import epaprlab.testsupport.OutsideTool;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A forked {@code epapr-lab run} with a small heap ({@code -Xmx256m}): guest RAM is charged by the
 * page as the guest writes it, so a VM with more RAM than the heap runs as long as it writes little,
 * and one that writes more than the heap can give ends as host-out-of-memory while the lab goes on;
 * the process always ends with its summary and reports, never with an OutOfMemoryError (exit 255).
 */
@Timeout(120)
class HeapTest {
    @TempDir Path dir;

    private static final List<String> SMALL_HEAP = List.of("-Xmx256m");
    private static final Duration LIMIT = Duration.ofSeconds(90);

    /** Writes a word into every 4 KiB page from 0x20000 to the end of RAM (r7, ePAPR's IMA size), then shuts down. */
    private static final String FILL = """
            .globl _start
            _start:
                lis 4,0x2
            1:  stw 4,0(4)
                addi 4,4,4096
                cmplw 4,7
                blt 1b
                lis 11,0x002A
                ori 11,11,0x0021
                sc 1
                b .
            """;

    private Path fillGuest() throws Exception {
        Path src = Files.writeString(dir.resolve("fill.S"), FILL);
        Path out = dir.resolve("fill.elf");
        OutsideTool.GCC_32.run(List.of("-mcpu=e500mc", "-nostdlib", "-static", "-Wl,-Ttext=0x10000", "-Wl,--build-id=none",
                "-o", out.toString(), src.toString())).output();
        return out;
    }

    @Test
    void aVmWithMoreRamThanTheHeapRunsWhenItWritesLittle() throws Exception {
        Path conf = Files.writeString(dir.resolve("big.conf"),
                "vm {\n  name = big\n  image = \"" + RunHardeningTest.HELLO + "\"\n  ram = 1G\n}\n");
        ForkedCli.Ended end = ForkedCli.run(dir, LIMIT, SMALL_HEAP, "run", conf.toString(), "--progress", "off");
        assertEquals(0, end.code(), end.out() + end.err());
        assertTrue(end.out().contains("[big] hello from big"), end.out());
    }

    @Test
    void aSmallImageInsideAThreeGibFileRunsInASmallHeap() throws Exception {
        Path image = dir.resolve("sparse.elf");
        Files.copy(Path.of(RunHardeningTest.HELLO), image);
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(3L << 30);                      // holes: no disk space, but 3 GiB to whoever reads it whole
        }
        Path conf = Files.writeString(dir.resolve("sparse.conf"), "vm { name = sparse, image = \"" + image + "\" }\n");
        ForkedCli.Ended end = ForkedCli.run(dir, LIMIT, SMALL_HEAP, "run", conf.toString(), "--progress", "off");
        assertEquals(0, end.code(), end.out() + end.err());
        assertTrue(end.out().contains("[sparse] hello from sparse"), end.out());
    }

    @Test
    void aVmWritingMoreRamThanTheHeapEndsAsHostOutOfMemoryAndTheLabEndsWithEveryReport() throws Exception {
        Path conf = Files.writeString(dir.resolve("hungry.conf"), """
                lab {
                  name = hungry
                  vms = [
                    { name = ok, image = "%1$s", count = 3 }
                    { name = hungry, image = "%2$s", ram = 1G }
                  ]
                }
                """.formatted(RunHardeningTest.HELLO, fillGuest()));
        Path json = dir.resolve("summary.json"), junit = dir.resolve("junit.xml");
        ForkedCli.Ended end = ForkedCli.run(dir, LIMIT, SMALL_HEAP, "run", conf.toString(),
                "--json", json.toString(), "--junit", junit.toString(), "--progress", "off");
        assertEquals(19, end.code(), end.out() + end.err());
        assertTrue(end.out().contains("[hungry] -- ended host-out-of-memory (expected passed or shutdown): vm hungry vCPU 0 at PC "
                + "0x00010004 _start+0x4: the host's memory, not a guest fault"), end.out());
        assertTrue(end.out().contains("MiB of written guest RAM and 6.0 MiB up front; the lab's pool of"), end.out());
        assertTrue(end.out().contains("lab hungry: 4 VMs, 3 as expected, 1 not (3 shutdown, 1 host-out-of-memory)"), end.out());
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals(19, doc.get("exitCode").asInt());
        assertEquals("host-out-of-memory", doc.get("results").get(3).get("outcome").asText());
        assertEquals("1", DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile())
                .getDocumentElement().getAttribute("failures"));
    }
}
