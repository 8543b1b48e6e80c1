package epaprlab.machine.board;

import epaprlab.machine.api.ExitReason;
import epaprlab.machine.api.Vcpu;
import epaprlab.machine.boot.ResetReason;
import epaprlab.machine.hcall.EnabledHypercalls;
import epaprlab.ppc.cpu.Cpu;
import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.TimeSource;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Predicate;

/** Drives a ppce500 board's boot vCPU on the test thread, collecting UART0's output. */
final class Ppce500Run {
    final Ppce500Board board;
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    ExitReason last = ExitReason.INTR;

    Ppce500Run(CpuModel cpu, long ramBytes, int vcpus, Optional<Path> bios, Optional<Path> kernel, Optional<Path> initrd,
               String bootargs) throws Exception {
        this(cpu, ramBytes, vcpus, bios, kernel, initrd, bootargs, true);
    }

    /** With {@code powerOn} false the board is left as assembled (for a restore into a fresh machine). */
    Ppce500Run(CpuModel cpu, long ramBytes, int vcpus, Optional<Path> bios, Optional<Path> kernel, Optional<Path> initrd,
               String bootargs, boolean powerOn) throws Exception {
        BoardSpec spec = new BoardSpec("ppce500-test", 1, cpu, ramBytes, vcpus, new EnabledHypercalls(true, true, true),
                true, bootargs, 400_000_000L, 400_000_000L, 4096, TimeSource.INSTRUCTIONS, Cpu.DEFAULT_COMPILE_THRESHOLD);
        board = Ppce500Board.assemble(spec, Ppce500Images.read(bios, kernel, initrd));
        board.connectConsole((b, off, len) -> {
            synchronized (console) { console.write(b, off, len); }
        });
        if (powerOn) board.powerOn(1, ResetReason.POWER_ON);
    }

    String console() {
        synchronized (console) { return console.toString(StandardCharsets.ISO_8859_1); }
    }

    /** Runs vCPU 0 until {@code done} holds for the console, an exit other than INTR, or the budget is spent. */
    boolean runUntil(Predicate<String> done, long maxInstructions) {
        Vcpu v = board.vcpus().get(0);
        long start = v.instructionsRetired();
        while (v.instructionsRetired() - start < maxInstructions) {
            last = v.run(200_000);
            if (done.test(console())) return true;
            if (last != ExitReason.INTR) return false;
            if (v.exit().idle() && v.exit().idleUntilNanos() < 0) return false;
        }
        return false;
    }

    String where() {
        Vcpu v = board.vcpus().get(0);
        return ("exit %s, PC 0x%08x, MSR 0x%08x, LR 0x%08x, %d instructions; SRR0 0x%x SRR1 0x%x ESR 0x%x DEAR 0x%x "
                + "CSRR0 0x%x MCSRR0 0x%x MCSR 0x%x IVPR 0x%x r1 0x%x").formatted(last, v.pc(), v.msr(), v.spr(8),
                v.instructionsRetired(), v.spr(26), v.spr(27), v.spr(62), v.spr(61), v.spr(58), v.spr(570), v.spr(572),
                v.spr(63), v.gpr(1));
    }
}
