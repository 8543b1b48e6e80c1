package epaprlab.ppc.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Pages marked little-endian (MAS2[E]=1) against QEMU 7.2's ppce500 machine: the probe
 * ({@code src/test/resources/mmu/little-endian.s}) loads, stores and executes through an E=1
 * mapping and prints what it sees. QEMU ignores E (its e500 MMU never looks at it): every access
 * is big-endian, the fetch runs the code as it is, and tlbre gives MAS2 back with E set. The
 * engine must print the same lines; the expected text is also spelled out, so a QEMU that starts
 * honouring E fails here instead of silently changing what "the same" means.
 */
class LittleEndianPageQemuTest {
    static final String EXPECTED = """
            a 11223344
            b 00001122
            c 00000022
            d 44332211
            e aabbccdd
            f 000000aa
            g 12340000
            h 20000001
            i 00000077
            END
            """;

    @ParameterizedTest
    @EnumSource(MmuQemuDifferentialTest.Case.class)
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void littleEndianPagesAreAccessedBigEndianAsInQemu(MmuQemuDifferentialTest.Case c) throws IOException {
        Path dir = Files.createTempDirectory("le-page");
        try {
            String source = Files.readString(Path.of("src/test/resources/mmu/little-endian.s"));
            Path elf = Toolchain.assembleAndLink(c.target, source, dir, "le", MmuQemuDifferentialTest.BASE);
            assertEquals(EXPECTED, MmuQemuDifferentialTest.runQemu(c, elf), "QEMU");
            assertEquals(EXPECTED, MmuQemuDifferentialTest.runEngine(c, Elf.parse(Files.readAllBytes(elf))), "engine");
        } finally {
            Toolchain.cleanup(dir);
        }
    }
}
