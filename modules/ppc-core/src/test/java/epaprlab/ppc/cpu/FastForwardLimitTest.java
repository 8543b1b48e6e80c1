package epaprlab.ppc.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Instruction time with CPUs taking turns ({@link Cpu#setFastForwardLimit}): a wait moves the time
 * base on to the next timer event only up to the limit; past it the run stops IDLE, telling the
 * event's time base, with the time base where it was; a later run with the limit at the event
 * takes the interrupt at the same time base as an unlimited run does.
 */
class FastForwardLimitTest {
    /** DEC = 100 at TB 6 (zero at TB 106), then MSR[EE] and wait; the handler records TB in r9. */
    static final String DEC_WAIT = """
                li    r1,0
                mtspr 63,r1
                li    r2,h@l
                mtspr 410,r2
                lis   r20,0x1
                li    r3,100
                mtspr 22,r3
                lis   r4,0x0400
                mtspr 340,r4
                li    r5,0
                ori   r5,r5,0x8000
                mtmsr r5
                wait
                sc    1
                .balign 16
            h:
                mftb  r9
                sc    1
            """;

    @Test
    void aWaitStopsAtTheLimitAndTakesTheInterruptOnceTheLimitReachesTheEvent() {
        Cpu cpu = TimerProgramTest.load(CpuModel.E500MC, DEC_WAIT);
        cpu.setFastForwardLimit(50);
        assertEquals(StopReason.IDLE, ProgramTest.runToStop(cpu));
        assertEquals(106, cpu.idleUntilTimeBase());
        long tb = cpu.timeBase();
        assertTrue(tb < 50, "the time base did not jump: " + tb);
        assertEquals(StopReason.IDLE, cpu.run(1000), "still not due");
        assertEquals(tb, cpu.timeBase());
        cpu.setFastForwardLimit(106);
        assertEquals(StopReason.HYPERCALL, ProgramTest.runToStop(cpu));
        assertEquals(106, cpu.gpr(9), "taken at the same time base as without a limit");
    }

    @Test
    void withoutALimitTheWaitFastForwardsAtOnce() {
        Cpu cpu = TimerProgramTest.load(CpuModel.E500MC, DEC_WAIT);
        assertEquals(StopReason.HYPERCALL, ProgramTest.runToStop(cpu));
        assertEquals(106, cpu.gpr(9));
    }
}
