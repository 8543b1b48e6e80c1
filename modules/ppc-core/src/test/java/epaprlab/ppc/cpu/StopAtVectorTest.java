package epaprlab.ppc.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import epaprlab.ppc.cpu.TimerProgramTest.Case;
import org.junit.jupiter.api.Test;

/**
 * A debugger's single step ({@link Cpu#setStopAtVector}): a one-instruction run that delivers an
 * asynchronous interrupt stops at the vector before its first instruction runs (nothing retired),
 * so a breakpoint there is seen; the next run runs it. Without it, the delivering run runs the
 * vector's first instruction too (the behaviour every other caller keeps).
 */
class StopAtVectorTest {

    @Test
    void aSteppedRunStopsAtTheVectorOfEachHostInput() {
        for (Case c : TimerProgramTest.CASES) {
            Cpu cpu = steppingInTheLoop(true);
            long retired = cpu.instructionsRetired();
            TimerProgramTest.raise(cpu, c.input(), true);
            assertEquals(StopReason.BUDGET, cpu.run(1), c.toString());
            assertEquals(retired, cpu.instructionsRetired(), c + ": the vector's first instruction has not run");
            assertEquals(c.handler(), cpu.pc(), c + ": at the vector");
            assertEquals(c.msrInHandler(), cpu.msr(), c + ": delivered");
            assertEquals(StopReason.HYPERCALL, cpu.run(1), c + ": the vector's sc 1 runs in the next run");
            assertEquals(retired + 1, cpu.instructionsRetired());
            assertEquals(c.handler() + 4, cpu.pc());
        }
    }

    @Test
    void withoutItTheDeliveringRunRunsTheVectorsFirstInstruction() {
        for (Case c : TimerProgramTest.CASES) {
            Cpu cpu = steppingInTheLoop(false);
            long retired = cpu.instructionsRetired();
            TimerProgramTest.raise(cpu, c.input(), true);
            assertEquals(StopReason.HYPERCALL, cpu.run(1), c.toString());
            assertEquals(retired + 1, cpu.instructionsRetired());
            assertEquals(c.handler() + 4, cpu.pc());
        }
    }

    @Test
    void aSteppedRunWithNothingToDeliverRunsOneInstruction() {
        Cpu cpu = steppingInTheLoop(true);
        long retired = cpu.instructionsRetired();
        assertEquals(StopReason.BUDGET, cpu.run(1));
        assertEquals(retired + 1, cpu.instructionsRetired());
    }

    /** The inputs program with every interrupt enabled, some way into its endless loop. */
    private static Cpu steppingInTheLoop(boolean stopAtVector) {
        Cpu cpu = TimerProgramTest.inputsCpu();
        cpu.setMsr(TimerProgramTest.ALL);
        assertEquals(StopReason.BUDGET, cpu.run(100));
        cpu.setStopAtVector(stopAtVector);
        return cpu;
    }
}
