package epaprlab.machine.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.machine.api.ExitReason;
import epaprlab.machine.api.Vcpu;
import epaprlab.machine.api.VcpuExit.SystemEvent;
import epaprlab.machine.boot.ResetReason;
import epaprlab.ppc.cpu.CpuModel;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import epaprlab.machine.boot.CrossTools;
import epaprlab.machine.boot.ElfImage;
import org.junit.jupiter.api.io.TempDir;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Debian's U-Boot for qemu-ppce500 on our board and engine, side by side with
 * {@code qemu-system-ppc -M ppce500 -cpu e500mc -nographic -bios} on the same file (and
 * {@code qemu-system-ppc64 -cpu e5500}, which runs the same 32-bit firmware): the console up
 * to the {@code =>} prompt and the output of {@code bdinfo} and {@code version} must be the same,
 * line for line, except the autoboot countdown (it depends on time). QEMU runs with
 * {@code -nic none}: its default virtio NIC is not part of our board (it would change the "Net:"
 * line). Then {@code reset} and {@code poweroff} end the run as the system events the GUTS and
 * GPIO devices raise.
 */
@Timeout(600)
class UbootBootTest {
    static final Path UBOOT = Path.of("/usr/lib/u-boot/qemu-ppce500/uboot.elf");
    private static final long BUDGET = 1_500_000_000L;   // the prompt comes after about 410 million
    private static final String PROMPT = "=> ";
    /** A prompt at the start of a line: crc32 prints "==> " in its output. */
    private static final String LINE_PROMPT = "\n" + PROMPT;
    /**
     * Typed at the prompt on both sides; their output is compared too: memory, environment, the
     * device tree QEMU hands over (the phandles of boot 1 and, after {@code reset}, of boot 2 differ
     * from each other and from {@code dumpdtb}'s), registers and the TLB.
     */
    private static final List<String> COMMANDS = List.of("bdinfo", "version",
            "md.l 0x100000 8", "mw.l 0x100000 0x12345678 4", "md.l 0x100000 8", "cp.l 0x100000 0x200000 4",
            "cmp.l 0x100000 0x200000 4", "cmp.l 0x100000 0x200010 4", "crc32 0x100000 0x10", "mw.b 0x300000 0xa5 0x40",
            "md.b 0x300000 0x20", "echo hello $bootdelay", "setenv foo bar", "printenv foo", "itest 5 -gt 3 && echo yes",
            "setexpr x 0x10 + 0x20", "printenv x", "printenv", "base", "coninfo", "iminfo 0x100000", "pci", "reginfo",
            "fdt addr 0x2700000", "fdt print /cpus", "fdt print /soc", "fdt print /aliases", "fdt print /memory",
            "reset",
            "fdt addr 0x2700000", "fdt print /soc/pic@40000", "fdt print /soc/power-off", "fdt print /platform@f00000000");

    private static Ppce500Run boot() throws Exception {
        return boot(CpuModel.E500MC);
    }

    private static Ppce500Run boot(CpuModel cpu) throws Exception {
        return boot(cpu, 256);
    }

    private static Ppce500Run boot(CpuModel cpu, long ramMiB) throws Exception {
        Ppce500Run run = new Ppce500Run(cpu, ramMiB << 20, 1, Optional.of(UBOOT), Optional.empty(), Optional.empty(), "");
        assertTrue(run.runUntil(c -> c.endsWith(PROMPT), BUDGET), () -> run.where() + "\n" + run.console());
        return run;
    }

    /**
     * The same firmware on both cores (qemu-system-ppc for e500mc, qemu-system-ppc64 for e5500):
     * the boot log, then what {@code bdinfo} and {@code version} print at the prompt.
     */
    @ParameterizedTest @EnumSource(CpuModel.class)
    void bootsToThePromptWithQemusConsoleOutput(CpuModel cpu) throws Exception {
        Ppce500Run run = boot(cpu);
        for (String command : COMMANDS) {
            int before = run.console().length();
            run.board.vm().consoleInput((command + "\r").getBytes(StandardCharsets.US_ASCII));
            if (command.equals("reset")) {         // the GUTS reset; then boot 2 as the supervisor does it
                assertTrue(!run.runUntil(c -> false, BUDGET) && run.last == ExitReason.SYSTEM_EVENT, run::where);
                run.board.powerOn(2, ResetReason.GUEST_RESET);
                int second = run.console().length();
                assertTrue(run.runUntil(c -> c.length() > second && c.endsWith(LINE_PROMPT), BUDGET), run::where);
                continue;
            }
            assertTrue(run.runUntil(c -> c.length() > before + command.length() + 1 && c.endsWith(LINE_PROMPT), BUDGET), run::where);
        }
        List<String> ours = comparable(run.console());
        List<String> qemu = comparable(qemuSession(cpu, 256, COMMANDS));
        assertEquals(qemu, ours);
        assertTrue(ours.contains("DRAM:  256 MiB") && ours.contains("fdt_blob    = 0x0fa8de80"), ours::toString);
    }

    /**
     * The devices a stock U-Boot or Linux touches, read and written at U-Boot's CCSR mapping
     * (0xe0000000) with {@code md}/{@code mw}/{@code setexpr}, as under QEMU: every UART register
     * (divisor latch through DLAB, IER to IIR, FIFO control, loopback to MSR, scratch), the MPIC's
     * global, IPI, timer, source and per-CPU registers, the GPIO block, PCI config access and
     * outbound windows, GUTS (PVR read-only), and unassigned CCSR space.
     */
    @Test void deviceRegistersReadAndWriteAsQemus() throws Exception {
        List<String> commands = List.of("md.b 0xe0004500 8", "mw.b 0xe0004507 0x5a", "md.b 0xe0004500 8",
                "mw.b 0xe0004503 0x83; mw.b 0xe0004500 0x12; mw.b 0xe0004501 0x34; setexpr.b a *0xe0004500; "
                        + "setexpr.b b *0xe0004501; setexpr.b c *0xe0004502; mw.b 0xe0004503 3; echo $a $b $c",
                "mw.b 0xe0004501 0x0f; setexpr.b a *0xe0004501; setexpr.b b *0xe0004502; mw.b 0xe0004501 0; echo $a $b",
                "mw.b 0xe0004504 0x10; setexpr.b a *0xe0004506; mw.b 0xe0004504 0x1f; setexpr.b c *0xe0004506; "
                        + "mw.b 0xe0004504 0; setexpr.b d *0xe0004506; echo $a $c $d",
                "mw.b 0xe0004502 0x07", "md.b 0xe0004500 8", "mw.b 0xe0004502 0x00", "md.b 0xe0004600 8",
                "md.l 0xe0040000 0x10", "md.l 0xe0041000 0x10", "md.l 0xe00410a0 8", "md.l 0xe00410f0 4",
                "md.l 0xe0050000 8", "mw.l 0xe0050540 0x00050042", "mw.l 0xe0050550 0x1", "md.l 0xe0050540 8",
                "mw.l 0xe0060080 0x5", "md.l 0xe0060000 0x30", "mw.l 0xe0041110 0x80000000", "mw.l 0xe0041120 0x00040055",
                "md.l 0xe0041100 0x10", "mw.l 0xe00ff000 0x7fffffff", "mw.l 0xe00ff008 0x00ff0000", "mw.l 0xe00ff00c 0xffffffff",
                "mw.l 0xe00ff010 0x0000ffff", "mw.l 0xe00ff014 0x12345678", "md.l 0xe00ff000 8",
                "mw.l 0xe0008000 0x80000000", "md.l 0xe0008004 1", "mw.l 0xe0008000 0x80000010", "mw.l 0xe0008004 0xffffffff",
                "md.l 0xe0008004 1", "md.l 0xe0008c00 0x10", "mw.l 0xe0008c20 0x12340000", "md.l 0xe0008c20 8",
                "mw.l 0xe00e00a0 0", "mw.l 0xe00e0040 0xffffffff", "md.l 0xe00e0040 0x1c", "md.l 0xe0001000 4", "md.l 0xe0003000 8");
        Ppce500Run run = boot();
        for (String command : commands) {
            int before = run.console().length();
            run.board.vm().consoleInput((command + "\r").getBytes(StandardCharsets.US_ASCII));
            assertTrue(run.runUntil(t -> t.length() > before + command.length() + 1 && t.endsWith(LINE_PROMPT), BUDGET), run::where);
        }
        assertEquals(comparable(qemuSession(CpuModel.E500MC, 256, commands)), comparable(run.console()));
    }

    record BigRam(CpuModel cpu, long ramMiB, String dram) {}

    /**
     * RAM above 1 GiB, as QEMU takes it: the tree's /memory holds all of it; U-Boot (32-bit) prints
     * the size and uses at most 2 GiB ("effective"), relocating itself below that; its words at the
     * top of those 2 GiB read as QEMU's. Up to 5 GiB, past the 32-bit boundary.
     */
    static List<BigRam> bigRams() {
        return List.of(new BigRam(CpuModel.E500MC, 2048, "DRAM:  2 GiB"), new BigRam(CpuModel.E500MC, 3072, "DRAM:  3 GiB (effective 2 GiB)"),
                new BigRam(CpuModel.E5500, 4096, "DRAM:  4 GiB (effective 2 GiB)"), new BigRam(CpuModel.E5500, 5120, "DRAM:  5 GiB (effective 2 GiB)"));
    }

    @ParameterizedTest @org.junit.jupiter.params.provider.MethodSource("bigRams")
    void ramAbove1GiBIsWhatQemuShows(BigRam c) throws Exception {
        List<String> commands = List.of("bdinfo", "fdt addr 0x2700000", "fdt print /memory", "md.l 0x7fffff00 8");
        Ppce500Run run = boot(c.cpu(), c.ramMiB());
        for (String command : commands) {
            int before = run.console().length();
            run.board.vm().consoleInput((command + "\r").getBytes(StandardCharsets.US_ASCII));
            assertTrue(run.runUntil(t -> t.length() > before + command.length() + 1 && t.endsWith(LINE_PROMPT), BUDGET), run::where);
        }
        List<String> ours = comparable(run.console());
        assertEquals(comparable(qemuSession(c.cpu(), c.ramMiB(), commands)), ours);
        assertTrue(ours.contains(c.dram()), ours::toString);
        assertTrue(run.board.vm().memory().privateBytes() < 64L << 20, "pages are owned on first write only: "
                + run.board.vm().memory().privateBytes());
    }

    /**
     * On the instruction time base the DS1338 shows guest time ({@link GuestTimeClock}): 2000-01-01
     * plus vCPU 0's time base, never the host's clock, so a guest that reads it runs the same on
     * every run. U-Boot's {@code date} reads it over I2C.
     */
    @Test void dateShowsGuestTimeOnTheInstructionTimeBase() throws Exception {
        Ppce500Run run = boot();
        Vcpu v = run.board.vcpus().get(0);
        long secondsBefore = v.timeBase() / 400_000_000L;
        int before = run.console().length();
        run.board.vm().consoleInput("date\r".getBytes(StandardCharsets.US_ASCII));
        assertTrue(run.runUntil(c -> c.length() > before + 6 && c.endsWith(PROMPT), BUDGET), run::where);
        long secondsAfter = v.timeBase() / 400_000_000L;
        String reply = run.console().substring(before);
        Matcher m = Pattern.compile("Date: 2000-01-01 \\(Saturday\\)\\s+Time:\\s+0:00:(\\d\\d)").matcher(reply);
        assertTrue(m.find(), reply);
        long shown = Long.parseLong(m.group(1));
        assertTrue(shown >= secondsBefore && shown <= secondsAfter,
                "RTC seconds " + shown + " outside the guest's time " + secondsBefore + ".." + secondsAfter + ": " + reply);
    }

    @Test void typedCommandsThenResetAndPoweroffAreSystemEvents() throws Exception {
        Ppce500Run run = boot();
        int before = run.console().length();
        run.board.vm().consoleInput("version\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(run.runUntil(c -> c.length() > before && c.endsWith(PROMPT), BUDGET), run::where);
        String reply = run.console().substring(before);
        assertTrue(reply.contains("U-Boot 2023.01"), reply);

        run.board.vm().consoleInput("reset\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(!run.runUntil(c -> false, BUDGET) && run.last == ExitReason.SYSTEM_EVENT, run::where);
        assertEquals(SystemEvent.Type.RESET, run.board.vcpus().get(0).exit().systemEvent().type());
        assertEquals("guts-rstcr", run.board.vcpus().get(0).exit().systemEvent().source());

        run.board.powerOn(2, ResetReason.GUEST_RESET);     // what the supervisor does on a reset
        int second = run.console().length();
        assertTrue(run.runUntil(c -> c.length() > second && c.endsWith(PROMPT), BUDGET), run::where);
        run.board.vm().consoleInput("poweroff\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(!run.runUntil(c -> false, BUDGET) && run.last == ExitReason.SYSTEM_EVENT, run::where);
        assertEquals(SystemEvent.Type.SHUTDOWN, run.board.vcpus().get(0).exit().systemEvent().type());
        assertEquals("gpio-poweroff", run.board.vcpus().get(0).exit().systemEvent().source());
    }

    /**
     * {@code bios} plus {@code kernel}: the kernel file is copied raw at 32 MiB and named by
     * {@code /chosen/qemu,boot-kernel}; U-Boot's default boot command finds it there and
     * {@code bootm}s it. The kernel is a uImage (built here, header and CRCs as mkimage writes them)
     * of a bare-metal program that prints "ok" through UART0 at U-Boot's CCSR mapping. The whole
     * console, from power-on to "ok", must be QEMU's.
     */
    @Test void theFirmwareBootsTheKernelQemuNamesForIt(@TempDir Path dir) throws Exception {
        byte[] elf = CrossTools.build(CrossTools.Target.PPC32, dir, """
                    .globl _start
                _start:
                    lis 4,0xE000
                    ori 4,4,0x4500
                    li 5,'o'
                    stb 5,0(4)
                    li 5,'k'
                    stb 5,0(4)
                    li 5,10
                    stb 5,0(4)
                0:  b 0b
                """, "-Wl,-Ttext=0x0");
        byte[] code = ElfImage.parse(dir.resolve("bare.elf"), elf).segments().getFirst().data();
        Path uimage = Files.write(dir.resolve("bare.uimg"), UImageFiles.kernel("bare", 0, 0, false, code));
        Ppce500Run run = new Ppce500Run(CpuModel.E500MC, 256L << 20, 1, Optional.of(UBOOT), Optional.of(uimage),
                Optional.empty(), "");
        assertTrue(run.runUntil(c -> c.contains("ok\n"), BUDGET), () -> run.where() + "\n" + run.console());
        String qemu = qemuUntil(List.of("-bios", UBOOT.toString(), "-kernel", uimage.toString()), "ok\n");
        assertEquals(comparable(qemu), comparable(run.console()));
    }

    /** QEMU's console (e500mc, 256 MiB, no NIC) with extra options, until {@code end} appears. */
    static String qemuUntil(List<String> options, String end) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("qemu-system-ppc", "-M", "ppce500", "-cpu", "e500mc", "-m", "256",
                "-nic", "none", "-nographic"));
        cmd.addAll(options);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline) {
                int b = in.read();
                if (b < 0) break;
                out.write(b);
                if (out.toString(StandardCharsets.ISO_8859_1).replace("\r", "").endsWith(end)) break;
            }
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        String text = out.toString(StandardCharsets.ISO_8859_1);
        assertTrue(text.replace("\r", "").endsWith(end), "QEMU did not print " + end + ":\n" + text);
        return text;
    }

    /** Lines without carriage returns; the countdown line (time-dependent) and a bare prompt dropped. */
    static List<String> comparable(String console) {
        return console.replace("\r", "").lines()
                .filter(l -> !l.startsWith("Hit any key to stop autoboot"))
                .filter(l -> !l.strip().equals(PROMPT.strip()))
                .toList();
    }

    /** QEMU's console from power-on to the first prompt and through {@code commands} (then QEMU is stopped). */
    private static String qemuSession(CpuModel cpu, long ramMiB, List<String> commands) throws Exception {
        Process p = new ProcessBuilder(cpu.has64Bit() ? "qemu-system-ppc64" : "qemu-system-ppc", "-M", "ppce500",
                "-cpu", cpu.configName(), "-m", String.valueOf(ramMiB), "-nic", "none",
                "-nographic", "-bios", UBOOT.toString()).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream(); OutputStream keys = p.getOutputStream()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            int prompts = 0;
            while (System.nanoTime() < deadline && prompts <= commands.size()) {
                int b = in.read();
                if (b < 0) break;
                out.write(b);
                if (out.toString(StandardCharsets.ISO_8859_1).endsWith(LINE_PROMPT)) {
                    if (prompts < commands.size()) {
                        keys.write((commands.get(prompts) + "\r").getBytes(StandardCharsets.US_ASCII));
                        keys.flush();
                    }
                    prompts++;
                }
            }
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        String text = out.toString(StandardCharsets.ISO_8859_1);
        assertTrue(text.endsWith(PROMPT) && text.contains("=> " + commands.getLast()), "QEMU did not answer:\n" + text);
        return text;
    }
}
