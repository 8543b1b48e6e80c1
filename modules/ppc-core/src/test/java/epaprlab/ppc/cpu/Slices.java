package epaprlab.ppc.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import epaprlab.ppc.mem.GuestMemory;
import java.util.ArrayList;
import java.util.List;

/** Runs a test program in budget slices of a given size until its ending hypercall, and what the tier tests compare after it. */
final class Slices {
    private Slices() {}

    /**
     * Runs {@code cpu} {@code slice} instructions at a time until it stops for another reason
     * than the budget, failing on an engine error or when that reason is not the hypercall.
     */
    static void runToHypercall(Cpu cpu, int slice) {
        StopReason r;
        do {
            r = cpu.run(slice);
            if (cpu.lastEngineError() != null) throw new AssertionError("engine error", cpu.lastEngineError());
        } while (r == StopReason.BUDGET);
        assertEquals(StopReason.HYPERCALL, r, cpu::stopDetail);
    }

    /**
     * Everything a difference between the tiers could show in: GPRs, FPRs, CR, FPSCR, LR, CTR, XER,
     * MSR, PC, the count, the time base, SRR0/1, DEAR, ESR, TSR and a hash of the first
     * {@code hashedBytes} of RAM.
     */
    static List<Long> state(Cpu cpu, int hashedBytes) {
        List<Long> v = new ArrayList<>();
        for (int i = 0; i < 32; i++) v.add(cpu.gpr(i));
        for (int i = 0; i < 32; i++) v.add(cpu.fpr(i));
        v.addAll(List.of((long) cpu.cr(), (long) cpu.fpscr(), cpu.lr(), cpu.ctr(), cpu.xer(), cpu.msr(), cpu.pc(),
                cpu.instructionsRetired(), cpu.timeBase(), cpu.spr(Spr.SRR0), cpu.spr(Spr.SRR1),
                cpu.spr(Spr.DEAR), cpu.spr(Spr.ESR), cpu.spr(Spr.TSR)));
        GuestMemory mem = cpu.memory();
        long h = 0;
        for (int a = 0; a < hashedBytes; a += 4) h = h * 31 + mem.load32(a);
        v.add(h);
        return v;
    }
}
