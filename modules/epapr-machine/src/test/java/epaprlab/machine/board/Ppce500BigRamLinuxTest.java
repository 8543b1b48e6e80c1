package epaprlab.machine.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.ppc.cpu.CpuModel;
import epaprlab.testsupport.OutsideTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sample Linux with RAM above 1 GiB, side by side with QEMU 7.2 given the same {@code -m}: the
 * kernel's zones, page count and {@code Memory:} line (highmem on e500mc, a DMA and a Normal zone
 * past 4 GiB on e5500) are QEMU's to the byte, and so is the PCI bridge's DMA window line, which
 * depends on the RAM size.
 */
@Timeout(300)
class Ppce500BigRamLinuxTest {
    private static final Path LINUX = Path.of("../../sample-vms/linux");
    /** "Memory:" comes after about 60 million instructions on both cores. */
    private static final long BUDGET = 1_000_000_000L;

    record Case(CpuModel cpu, long ramMiB) {
        @Override public String toString() { return cpu.configName() + "-" + ramMiB + "M"; }
        String kernel() { return cpu.has64Bit() ? "vmlinux-e5500.gz" : "vmlinux-e500mc.gz"; }
        String initrd() { return cpu.has64Bit() ? "initramfs-ppc64.cpio.gz" : "initramfs-ppc32.cpio.gz"; }
    }

    static List<Case> cases() {
        return List.of(new Case(CpuModel.E500MC, 2048), new Case(CpuModel.E500MC, 4096), new Case(CpuModel.E5500, 5120));
    }

    @ParameterizedTest @MethodSource("cases")
    void memoryLinesAreQemus(Case c, @TempDir Path dir) throws Exception {
        Path kernel = dir.resolve("vmlinux");
        try (var in = new GZIPInputStream(Files.newInputStream(LINUX.resolve(c.kernel())))) {
            Files.copy(in, kernel);
        }
        Ppce500Run run = new Ppce500Run(c.cpu(), c.ramMiB() << 20, 1, Optional.empty(), Optional.of(LINUX.resolve(c.kernel())),
                Optional.of(LINUX.resolve(c.initrd())), "console=ttyS0");
        assertTrue(run.runUntil(t -> t.contains("DMA domain TLB invalidation policy"), BUDGET), () -> run.where() + "\n" + run.console());
        String qemu = (c.cpu().has64Bit() ? OutsideTool.QEMU_SYSTEM_PPC64 : OutsideTool.QEMU_SYSTEM_PPC)
                .run("-M", "ppce500", "-cpu", c.cpu().configName(), "-m", String.valueOf(c.ramMiB()), "-nographic", "-no-reboot",
                        "-nic", "none", "-kernel", kernel.toString(), "-initrd", LINUX.resolve(c.initrd()).toString(),
                        "-append", "console=ttyS0")
                .timeout(Duration.ofSeconds(120)).output();
        List<String> ours = memoryLines(run.console()), theirs = memoryLines(qemu);
        assertEquals(theirs, ours);
        assertTrue(ours.stream().anyMatch(l -> l.startsWith("Memory: ") && l.contains("/" + (c.ramMiB() << 10) + "K available")), ours::toString);
    }

    /** The lines (timestamps cut) that depend on the RAM size, up to the first boot's end of PCI set-up. */
    private static List<String> memoryLines(String console) {
        return console.replace("\r", "").lines()
                .takeWhile(l -> !l.contains("DMA domain TLB invalidation policy"))
                .map(l -> l.replaceFirst("^\\[ *[0-9.]+\\] ", ""))
                .filter(l -> l.startsWith("Memory: ") || l.startsWith("  Normal") || l.startsWith("  HighMem")
                        || l.startsWith("  DMA ") || l.contains("Total pages") || l.contains("DMA window") || l.contains("highmem PTEs"))
                .toList();
    }
}
