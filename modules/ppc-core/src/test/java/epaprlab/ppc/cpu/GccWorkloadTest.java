package epaprlab.ppc.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import epaprlab.ppc.mem.GuestMemory;

import java.io.IOException;
import java.io.InputStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Runs an integer workload compiled by GCC 12 at -O2 for e500mc (32-bit) and e5500 (64-bit,
 * ELFv1) — sorting, CRC, 32/64-bit division and multiplication (libgcc helpers on 32-bit),
 * bit tricks, a jump table, calls through function pointers, recursion — and compares its
 * checksum with the same C code compiled for the host. Sources and build script:
 * {@code src/test/resources/gcc/}.
 */
class GccWorkloadTest {
    @ParameterizedTest(name = "{0} seed {1}")
    @CsvSource({
            "E500MC, 0x1,      0x7b60f176, work-e500mc.bin",
            "E500MC, 0xC0FFEE, 0x834f0348, work-e500mc.bin",
            "E5500,  0x1,      0x7b60f176, work-e5500.bin",
            "E5500,  0xC0FFEE, 0x834f0348, work-e5500.bin",
    })
    void checksumMatchesTheHost(CpuModel model, String seed, String expected, String image) throws IOException {
        run(model, seed, expected, image, Translation.FLAT);
    }

    /** The same workloads with the Book E MMU on: one TLB1 entry maps EA 0..1 MiB to PA 0. */
    @ParameterizedTest(name = "{0} seed {1} {3}")
    @CsvSource({
            "E500MC, 0x1,      0x7b60f176, work-e500mc.bin",
            "E5500,  0xC0FFEE, 0x834f0348, work-e5500.bin",
            "E500MC, 0x1,      0xf0190b73, fpwork-e500mc.bin",
            "E5500,  0xC0FFEE, 0x5e764dbb, fpwork-e5500.bin",
    })
    void checksumIsTheSameWithTranslation(CpuModel model, String seed, String expected, String image) throws IOException {
        run(model, seed, expected, image, Translation.BOOK_E);
    }

    private static void run(CpuModel model, String seed, String expected, String image, Translation translation) throws IOException {
        byte[] img;
        try (InputStream in = GccWorkloadTest.class.getResourceAsStream("/gcc/" + image)) {
            assertNotNull(in, image);
            img = in.readAllBytes();
        }
        GuestMemory mem = new GuestMemory(1 << 20);
        mem.write(0, img, 0, img.length);
        Cpu cpu = new Cpu(model, mem);
        if (translation == Translation.BOOK_E) {
            cpu.setTranslation(translation);
            cpu.tlbWrite(1, 0, 0x80000500, 0, 0x3F, 0);
        }
        cpu.setGpr(3, Long.decode(seed));
        StopReason r = cpu.run(10_000_000);
        assertNull(cpu.lastEngineError());
        assertEquals(StopReason.HYPERCALL, r, cpu::stopDetail);
        assertEquals(Long.decode(expected).longValue(), cpu.gpr(3) & 0xFFFFFFFFL);
        assertEquals(model.has64Bit(), cpu.is64BitMode());
    }

    /**
     * The hard-float workload (src/test/resources/gcc/fpwork.c, GCC 12 -O2 -mhard-float): its
     * checksum covers every double/float result's bits and the final FPSCR, and must equal what
     * the same object code computes under qemu-user (-cpu e500mc / e5500), printed by
     * build-fp.sh. The start code sets MSR[FP].
     */
    @ParameterizedTest(name = "{0} seed {1}")
    @CsvSource({
            "E500MC, 0x1,      0xf0190b73, fpwork-e500mc.bin",
            "E500MC, 0xC0FFEE, 0x5e764dbb, fpwork-e500mc.bin",
            "E5500,  0x1,      0xf0190b73, fpwork-e5500.bin",
            "E5500,  0xC0FFEE, 0x5e764dbb, fpwork-e5500.bin",
    })
    void hardFloatChecksumMatchesQemu(CpuModel model, String seed, String expected, String image) throws IOException {
        checksumMatchesTheHost(model, seed, expected, image);
    }
}
