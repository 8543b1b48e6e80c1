package epaprlab.ppc.differential;

import epaprlab.ppc.cpu.CpuModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Cache configuration and control against QEMU 7.2's ppce500 machine: the bare-metal probe
 * {@code src/test/resources/mmu/cache.s} prints L1CFG0/L1CFG1 (U-Boot sizes its cache loops from
 * them), what
 * L1CSR0/L1CSR1/L2CSR0 read back after writes with the self-clearing bits set (U-Boot polls for
 * them to clear), and what the cache-locking instructions do in supervisor and user state (only
 * dcbtls decodes in QEMU 7.2, setting L1CSR0[CUL]). Run and compared exactly as
 * {@link MmuQemuDifferentialTest} runs its probe; fails (never skips) without qemu-system-ppc.
 */
class CacheControlQemuDifferentialTest {

    @ParameterizedTest
    @EnumSource(MmuQemuDifferentialTest.Case.class)
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void engineMatchesQemu(MmuQemuDifferentialTest.Case c) throws IOException {
        Path dir = Files.createTempDirectory("cache-diff");
        try {
            String source = Files.readString(Path.of("src/test/resources/mmu/cache.s"));
            if (c.model.has64Bit()) source = "        .set WIDE, 1\n" + source;
            Path elf = Toolchain.assembleAndLink(c.target, source, dir, "cache", MmuQemuDifferentialTest.BASE);
            String qemu = MmuQemuDifferentialTest.runQemu(c, elf);
            String ours = MmuQemuDifferentialTest.runEngine(c, Elf.parse(Files.readAllBytes(elf)));
            MmuQemuDifferentialTest.compare(qemu, ours);
            if (c.model == CpuModel.E500MC && !qemu.contains("L1CFG0=01003820")) {
                throw new AssertionError("probe did not report L1CFG0:\n" + qemu);
            }
        } finally {
            Toolchain.cleanup(dir);
        }
    }
}
