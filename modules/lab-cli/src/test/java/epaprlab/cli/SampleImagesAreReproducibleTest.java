package epaprlab.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import epaprlab.testsupport.OutsideTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed guest images are exactly what `make -C sample-vms` builds from the committed sources. */
class SampleImagesAreReproducibleTest {
    private static final Path SAMPLES = Path.of("../../sample-vms").toAbsolutePath().normalize();

    @TempDir Path out;

    @Test
    void rebuildingTheSampleGuestsGivesTheCommittedBytes() throws Exception {
        // needs gcc-powerpc-linux-gnu and gcc-powerpc64-linux-gnu too; bin/test installs them
        OutsideTool.MAKE.run("-s", "-C", SAMPLES.toString(), "OUT=" + out).timeout(Duration.ofMinutes(5)).output();
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
