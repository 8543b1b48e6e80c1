package epaprlab.machine.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.machine.boot.BootException;
import epaprlab.machine.boot.CrossTools;
import epaprlab.machine.boot.ElfImage;
import epaprlab.ppc.cpu.CpuModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A uImage as the payload ({@code kernel} without {@code bios}), as QEMU's ppce500 loads it: data
 * at its load address, CPU 0 at its entry point, the tree after it. The program maps UART0 itself
 * (a 4 KiB TLB1 entry to PA 0xF_E000_4000) and prints "ok"; QEMU must print the same.
 */
@Timeout(120)
class Ppce500UImageTest {
    private static final long LOAD = 0x100000;
    private static final String PROGRAM = """
                .globl _start
            _start:
                lis 3,0x1002
                mtspr 624,3           # MAS0: TLB1 entry 2
                lis 3,0x8000
                ori 3,3,0x0100
                mtspr 625,3           # MAS1: valid, 4 KiB
                lis 3,0xE000
                ori 3,3,0x400A
                mtspr 626,3           # MAS2: EA 0xE0004000, I G
                lis 3,0xE000
                ori 3,3,0x403F
                mtspr 627,3           # MAS3: PA 0x?_E000_4000, all permissions
                li 3,0xF
                mtspr 944,3           # MAS7: PA bits 32..35
                isync
                tlbwe
                isync
                lis 4,0xE000
                ori 4,4,0x4500
                li 5,'o'
                stb 5,0(4)
                li 5,'k'
                stb 5,0(4)
                li 5,10
                stb 5,0(4)
            0:  b 0b
            """;

    @TempDir Path dir;

    private byte[] code() throws Exception {
        byte[] elf = CrossTools.build(CrossTools.Target.PPC32, dir, PROGRAM, "-Wl,-Ttext=0x100000");
        var segment = ElfImage.parse(dir.resolve("ok.elf"), elf).segments().getFirst();   // may start with the ELF headers
        byte[] data = segment.data();
        return Arrays.copyOfRange(data, (int) (LOAD - segment.vaddr()), data.length);
    }

    @ParameterizedTest @ValueSource(booleans = {false, true})
    void aUImageKernelRunsFromItsLoadAddressAsUnderQemu(boolean gzip) throws Exception {
        Path uimage = Files.write(dir.resolve("ok.uimg"), UImageFiles.kernel("ok", LOAD, LOAD, gzip, code()));
        Ppce500Run run = new Ppce500Run(CpuModel.E500MC, 256L << 20, 1, Optional.empty(), Optional.of(uimage), Optional.empty(), "");
        var cpu0 = run.board.vcpus().get(0);
        assertEquals(LOAD, cpu0.pc());
        assertEquals((LOAD + code().length + (24L << 20)) & -(1L << 20), cpu0.gpr(3), "the tree after the image, as for an ELF");
        assertTrue(run.runUntil(c -> c.contains("ok\n"), 10_000_000), () -> run.where() + "\n" + run.console());
        assertEquals("ok\n", run.console());
        assertEquals("ok\n", UbootBootTest.qemuUntil(List.of("-kernel", uimage.toString()), "ok\n").replace("\r", ""));
    }

    @Test void aDamagedUImageIsNamed() throws Exception {
        byte[] good = UImageFiles.kernel("ok", LOAD, LOAD, false, code());
        byte[] flipped = good.clone();
        flipped[70] ^= 1;
        Path bad = Files.write(dir.resolve("flipped.uimg"), flipped);
        var e = assertThrows(BootException.Malformed.class, () -> new Ppce500Run(CpuModel.E500MC, 256L << 20, 1,
                Optional.empty(), Optional.of(bad), Optional.empty(), ""));
        assertTrue(e.getMessage().startsWith(bad + ": malformed uImage data: CRC32"), e.getMessage());
        Path cut = Files.write(dir.resolve("cut.uimg"), Arrays.copyOf(good, good.length - 4));
        var t = assertThrows(BootException.Truncated.class, () -> new Ppce500Run(CpuModel.E500MC, 256L << 20, 1,
                Optional.empty(), Optional.of(cut), Optional.empty(), ""));
        assertTrue(t.getMessage().startsWith(cut + ": truncated: uImage data"), t.getMessage());
    }
}
