package epaprlab.ppc.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import epaprlab.ppc.cpu.Cpu;
import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.StopReason;
import epaprlab.ppc.cpu.Translation;
import epaprlab.ppc.mem.GuestMemory;
import epaprlab.ppc.mem.PhysicalBus;
import epaprlab.ppc.testing.ExternalTools;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Book E MMU against QEMU 7.2's ppce500 machine: one bare-metal probe
 * ({@code src/test/resources/mmu/probe.s}: tlbwe/tlbre/tlbsx/tlbivax/tlbilx, MMUCSR0, TLB errors,
 * storage interrupts, user state, PID/TID, address spaces, page sizes, page-crossing accesses,
 * execution through a remapped page, and on e5500 MAS7_MAS3 and 64-bit mode) prints its
 * registers as "label=value" lines on the UART. QEMU runs it with {@code -M ppce500 -kernel};
 * the engine runs it with {@link Translation#BOOK_E}, QEMU's boot TLB1[0] written with
 * {@link Cpu#tlbWrite} and a {@link PhysicalBus} that collects the UART's THR bytes. The two
 * outputs must be equal line for line. Fails (never skips) without qemu-system-ppc.
 */
class MmuQemuDifferentialTest {
    enum Case {
        E500MC(CpuModel.E500MC, Toolchain.Target.PPC32, "qemu-system-ppc", "e500mc"),
        E5500(CpuModel.E5500, Toolchain.Target.PPC64, "qemu-system-ppc64", "e5500");

        final CpuModel model;
        final Toolchain.Target target;
        final String qemu, qemuCpu;

        Case(CpuModel model, Toolchain.Target target, String qemu, String qemuCpu) {
            this.model = model; this.target = target; this.qemu = qemu; this.qemuCpu = qemuCpu;
        }
    }

    static final long BASE = 0x100000;
    static final int RAM = 64 << 20;
    /** QEMU's boot mapping for a small -kernel image: TLB1[0], EA 0 -> PA 0, 64 MiB, all permissions. */
    static final int BOOT_MAS1 = 0x80000800, BOOT_MAS3 = 0x3F;
    static final long UART_THR = 0xF_E000_4500L;
    static final String END = "END\n";

    @ParameterizedTest
    @EnumSource(Case.class)
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void engineMatchesQemu(Case c) throws IOException {
        Path dir = Files.createTempDirectory("mmu-diff");
        try {
            String source = Files.readString(Path.of("src/test/resources/mmu/probe.s"));
            if (c.model.has64Bit()) source = "        .set WIDE, 1\n" + source;
            Path elf = Toolchain.assembleAndLink(c.target, source, dir, "probe", BASE);
            String qemu = runQemu(c, elf);
            String ours = runEngine(c, Elf.parse(Files.readAllBytes(elf)));
            compare(qemu, ours);
        } finally {
            Toolchain.cleanup(dir);
        }
    }

    static String runQemu(Case c, Path elf) throws IOException {
        // QEMU itself once stopped printing mid-line for the whole minute (CI, load 5; the same
        // probe takes it under a second): a reference run that never reaches END is run once
        // more, and what it prints is compared in full as always.
        String text = qemuOnce(c, elf);
        if (!text.contains(END)) {
            System.err.println("QEMU did not print END within 60 s; running it again. Its output:\n" + text);
            text = qemuOnce(c, elf);
        }
        if (!text.contains(END)) fail("QEMU did not print END within 60 s, twice:\n" + text);
        return text.substring(0, text.indexOf(END) + END.length());
    }

    /** One run of QEMU on {@code elf}: what it printed until END, or until 60 s passed without it. */
    private static String qemuOnce(Case c, Path elf) throws IOException {
        String qemu = ExternalTools.find(c.qemu, "qemu-system-ppc");
        Process p = new ProcessBuilder(List.of(qemu, "-M", "ppce500", "-cpu", c.qemuCpu, "-m", "64", "-nographic",
                "-kernel", elf.toString()))
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            byte[] buf = new byte[4096];
            while (!out.toString(StandardCharsets.UTF_8).contains(END)) {
                if (System.nanoTime() > deadline) break;
                if (in.available() == 0) {
                    if (!p.isAlive()) fail("QEMU exited " + p.exitValue() + " before END:\n" + out);
                    Thread.sleep(20);
                    continue;
                }
                int n = in.read(buf);
                if (n < 0) break;
                out.write(buf, 0, n);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        } finally {
            p.destroyForcibly();
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A bus that records the bytes written to UART0's THR; everything else reads 0, as unassigned space. */
    static final class UartCollector implements PhysicalBus {
        final StringBuilder text = new StringBuilder();

        @Override public long read(long pa, int size) { return 0; }
        @Override public void write(long pa, int size, long value) {
            if (pa == UART_THR && size == 1) text.append((char) (value & 0xFF));
        }
    }

    static String runEngine(Case c, Elf elf) {
        GuestMemory mem = new GuestMemory(RAM);
        elf.load(mem);
        Cpu cpu = new Cpu(c.model, mem);
        UartCollector uart = new UartCollector();
        cpu.setPhysicalBus(uart);
        cpu.setTranslation(Translation.BOOK_E);
        cpu.reset();
        cpu.tlbWrite(1, 0, BOOT_MAS1, 0, BOOT_MAS3, 0);
        cpu.setPc(elf.entry());
        for (int i = 0; i < 1000 && !uart.text.toString().contains(END); i++) {
            StopReason r = cpu.run(100_000);
            assertEquals(StopReason.BUDGET, r, () -> "engine stopped: " + cpu.stopDetail() + " at 0x"
                    + Long.toHexString(cpu.stopPc()) + "\noutput so far:\n" + uart.text);
        }
        assertTrue(uart.text.toString().contains(END), "engine did not print END:\n" + uart.text);
        return uart.text.toString();
    }

    static void compare(String qemu, String ours) {
        String[] q = qemu.split("\n"), o = ours.split("\n");
        for (int i = 0; i < Math.max(q.length, o.length); i++) {
            String a = i < q.length ? q[i] : "(none)", b = i < o.length ? o[i] : "(none)";
            if (!a.equals(b)) {
                StringBuilder ctx = new StringBuilder();
                for (int k = Math.max(0, i - 12); k <= i && k < q.length; k++) ctx.append("  ").append(q[k]).append('\n');
                fail("line %d differs: QEMU '%s', engine '%s'; QEMU's lines up to it:%n%s".formatted(i + 1, a, b, ctx));
            }
        }
    }
}
