package epaprlab.machine.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.machine.api.ExitReason;
import epaprlab.machine.api.Vcpu;
import epaprlab.machine.api.VcpuExit.SystemEvent;
import epaprlab.machine.boot.CrossTools;
import epaprlab.machine.boot.ResetReason;
import epaprlab.machine.hcall.EnabledHypercalls;
import epaprlab.ppc.cpu.Cpu;
import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.TimeSource;
import epaprlab.testsupport.OutsideTool;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The ppce500 MPIC's global timer 0 as a periodic External Input interrupt
 * ({@code mpic-timer.S}): the guest prints the time base between five interrupts and their vectors.
 * QEMU 7.2 with {@code -icount shift=0,sleep=off} (its virtual clock, which drives both its time
 * base and openpic's timers, then counts instructions, so its figures are exact) gives 0x10000
 * time base ticks for a count of 0x1000: 16 ticks of the 400 MHz time base per timer tick (25 MHz).
 * The board on the instruction time base must print the same lines and end at the same instruction
 * count on every run, interpreted or translated, and on the wall clock still deliver every interrupt.
 */
@Timeout(120)
class MpicTimerTest {
    enum Core {
        E500MC(CpuModel.E500MC, OutsideTool.QEMU_SYSTEM_PPC, "e500mc"),
        E5500(CpuModel.E5500, OutsideTool.QEMU_SYSTEM_PPC64, "e5500");

        final CpuModel model;
        final OutsideTool qemu;
        final String qemuCpu;

        Core(CpuModel model, OutsideTool qemu, String qemuCpu) { this.model = model; this.qemu = qemu; this.qemuCpu = qemuCpu; }
    }

    static final String EXPECTED = "00010000\n00000033\n".repeat(5) + "END\n";

    @TempDir Path dir;

    private Path guest() throws Exception {
        String source = new String(MpicTimerTest.class.getResourceAsStream("mpic-timer.S").readAllBytes(), StandardCharsets.UTF_8);
        return Files.write(dir.resolve("mpic-timer.elf"),
                CrossTools.build(CrossTools.Target.PPC32, dir, source, "-Wl,-Ttext=0x10000", "-mcpu=e500mc"));
    }

    @ParameterizedTest
    @EnumSource(Core.class)
    void timerPeriodInGuestTimeIsQemusAndRunsAreExact(Core core) throws Exception {
        Path elf = guest();
        String qemu = core.qemu.run(List.of("-M", "ppce500", "-cpu", core.qemuCpu, "-m", "128", "-nographic",
                "-icount", "shift=0,sleep=off", "-kernel", elf.toString())).timeout(Duration.ofSeconds(60)).output();
        assertEquals(EXPECTED, guestLines(qemu), "QEMU's output:\n" + qemu);

        Outcome whole = run(core, elf, TimeSource.INSTRUCTIONS, 200_000, Cpu.DEFAULT_COMPILE_THRESHOLD);
        assertEquals(EXPECTED, whole.console());
        assertEquals(whole, run(core, elf, TimeSource.INSTRUCTIONS, 200_000, Cpu.DEFAULT_COMPILE_THRESHOLD), "a second run");
        assertEquals(whole, run(core, elf, TimeSource.INSTRUCTIONS, 200_000, 0), "interpreted");
        assertEquals(whole, run(core, elf, TimeSource.INSTRUCTIONS, 200_000, 1), "every block translated at its first run");
        // the timer starts counting when vCPU 0's next run begins: other runs, another start, the same periods
        Outcome sliced = run(core, elf, TimeSource.INSTRUCTIONS, 997, Cpu.DEFAULT_COMPILE_THRESHOLD);
        assertEquals(EXPECTED, sliced.console());
        assertEquals(sliced, run(core, elf, TimeSource.INSTRUCTIONS, 997, 1), "sliced, translated");
    }

    /**
     * On the wall clock the timers count host time: every interrupt still comes, with the time base
     * moving on between them (how far depends on the host's scheduling, so no figure is asserted).
     */
    @Test
    void wallClockTimersStillInterrupt() throws Exception {
        String console = run(Core.E500MC, guest(), TimeSource.WALL_CLOCK, 10_000, Cpu.DEFAULT_COMPILE_THRESHOLD).console();
        String[] lines = console.split("\n");
        assertEquals(11, lines.length, console);
        for (int i = 0; i < 10; i += 2) {
            assertEquals("00000033", lines[i + 1], console);
            assertTrue(Long.parseLong(lines[i], 16) > 0, console);
        }
        assertEquals("END", lines[10]);
    }

    record Outcome(String console, long instructions) {}

    /** Boots the guest as {@code -kernel} and runs vCPU 0 in runs of {@code slice} until the GPIO power-off. */
    private static Outcome run(Core core, Path elf, TimeSource time, long slice, int compileThreshold) throws Exception {
        BoardSpec spec = new BoardSpec("mpic-timer", 1, core.model, 128 << 20, 1, new EnabledHypercalls(true, true, true),
                true, "", 400_000_000L, 400_000_000L, 4096, time, compileThreshold);
        Ppce500Board board = Ppce500Board.assemble(spec, Ppce500Images.read(Optional.empty(), Optional.of(elf), Optional.empty()));
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        board.connectConsole((b, off, len) -> console.write(b, off, len));
        board.powerOn(1, ResetReason.POWER_ON);
        Vcpu v = board.vcpus().get(0);
        ExitReason r = ExitReason.INTR;
        for (int i = 0; i < 50_000_000 / slice && r == ExitReason.INTR; i++) r = v.run(slice);
        assertEquals(ExitReason.SYSTEM_EVENT, r, () -> "no power-off; console:\n" + console);
        assertEquals(SystemEvent.Type.SHUTDOWN, v.exit().systemEvent().type());
        return new Outcome(console.toString(StandardCharsets.ISO_8859_1), v.instructionsRetired());
    }

    /** The guest's lines in QEMU's output (QEMU may add its own messages). */
    private static String guestLines(String out) {
        StringBuilder b = new StringBuilder();
        Arrays.stream(out.split("\r?\n")).filter(l -> l.matches("[0-9a-f]{8}|END")).forEach(l -> b.append(l).append('\n'));
        return b.toString();
    }
}
