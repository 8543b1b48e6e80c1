package epaprlab.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed guest images are exactly what `make -C sample-vms` builds from the committed sources. */
class SampleImagesAreReproducibleTest {
    private static final Path SAMPLES = Path.of("../../sample-vms").toAbsolutePath().normalize();

    @TempDir Path out;

    @Test
    void rebuildingTheSampleGuestsGivesTheCommittedBytes() throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("make", "-s", "-C", SAMPLES.toString(), "OUT=" + out).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("make not found: install the Debian package make", e);
        }
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(true, p.waitFor(5, TimeUnit.MINUTES), "make timed out");
        assertEquals(0, p.exitValue(), "make -C sample-vms failed (needs gcc-powerpc-linux-gnu and "
                + "gcc-powerpc64-linux-gnu; bin/test installs them):\n" + log);
        List<Path> committed;
        try (Stream<Path> s = Files.list(SAMPLES.resolve("images"))) {
            committed = s.filter(f -> f.toString().endsWith(".elf")).sorted().toList();
        }
        assertFalse(committed.isEmpty(), "no committed images");
        for (Path image : committed) {
            Path rebuilt = out.resolve(image.getFileName());
            assertArrayEquals(Files.readAllBytes(image), Files.readAllBytes(rebuilt),
                    image.getFileName() + " differs from what its sources build: run `make -C sample-vms` and commit");
        }
    }
}
