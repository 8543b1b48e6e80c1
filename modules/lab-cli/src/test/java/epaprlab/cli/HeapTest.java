package epaprlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * A forked {@code epapr-lab run} with a small heap ({@code -Xmx256m}): what cannot fit is a
 * config error or that VM's clear outcome, and the process always ends with its summary and
 * reports, never with an OutOfMemoryError that takes the JVM down (exit 255).
 */
@Timeout(120)
class HeapTest {
    @TempDir Path dir;

    private static final List<String> SMALL_HEAP = List.of("-Xmx256m");
    private static final Duration LIMIT = Duration.ofSeconds(90);

    @Test
    void aVmAskingForMoreRamThanTheHeapIsAConfigErrorNamingItsRamKey() throws Exception {
        Path conf = Files.writeString(dir.resolve("big.conf"),
                "vm {\n  name = big\n  image = \"" + RunHardeningTest.HELLO + "\"\n  ram = 1G\n}\n");
        ForkedCli.Ended end = ForkedCli.run(dir, LIMIT, SMALL_HEAP, "run", conf.toString(), "--progress", "off");
        assertEquals(2, end.code(), end.err());
        assertEquals(1, end.err().lines().count(), end.err());
        assertTrue(end.err().startsWith("epapr-lab: " + conf + ":4: vm.ram: a VM with 1 GiB of RAM needs about"), end.err());
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
    void aVmWhoseRamCannotBeHadEndsAsCrashedAndTheLabEndsWithEveryReport() throws Exception {
        Path conf = Files.writeString(dir.resolve("hungry.conf"), """
                lab {
                  name = hungry
                  vms = [
                    { name = ok, image = "%1$s", count = 3 }
                    { name = hungry, image = "%1$s", ram = 1G }
                  ]
                }
                """.formatted(RunHardeningTest.HELLO));
        Path json = dir.resolve("summary.json"), junit = dir.resolve("junit.xml");
        ForkedCli.Ended end = ForkedCli.run(dir, LIMIT, List.of("-Xmx256m", "-Depaprlab.heap-check=off"), "run", conf.toString(),
                "--json", json.toString(), "--junit", junit.toString(), "--progress", "off");
        assertEquals(11, end.code(), end.out() + end.err());
        assertTrue(end.out().contains("[hungry] -- ended crashed (expected passed or shutdown): cannot boot: not enough heap "
                + "for this VM's 1048576 KiB of RAM"), end.out());
        assertTrue(end.out().contains("lab hungry: 4 VMs, 3 as expected, 1 not (3 shutdown, 1 crashed)"), end.out());
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals(11, doc.get("exitCode").asInt());
        assertEquals("crashed", doc.get("results").get(3).get("outcome").asText());
        assertEquals("1", DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile())
                .getDocumentElement().getAttribute("failures"));
    }
}
