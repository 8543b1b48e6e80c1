package epaprlab.ppc.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Runs a test program in budget slices of a given size until its ending hypercall. */
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
}
