package epaprlab.ppc.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;

import org.junit.jupiter.api.Test;

/**
 * Timers, interrupt delivery, doorbells and idle fast-forward allocate nothing: a guest that takes
 * a decrementer interrupt every 200 instructions, a FIT interrupt every 512 ticks and sends
 * itself a doorbell in every loop pass, half of the time waiting, measured with the JVM's
 * per-thread allocation counter.
 */
class TimerAllocationTest {
    static final String BUSY = """
                li    r1,0
                mtspr 63,r1
                li    r2,h_dec@l
                mtspr 410,r2
                li    r2,h_fit@l
                mtspr 411,r2
                li    r2,h_db@l
                mtspr 532,r2           # IVOR36
                li    r3,200
                mtspr 54,r3
                mtspr 22,r3
                lis   r4,0x0740        # DIE | FP=3 | ARE
                ori   r4,r4,0xA000     # FPEXT = 13 = 0x1A000 (FIT on TB bit 8)
                oris  r4,r4,0x0081     # FIE | FPEXT high bit
                mtspr 340,r4
                lis   r7,0             # doorbell to PIR 0 (ourselves)
                wrteei 1
            loop:
                addi  r9,r9,1
                msgsnd r7
                andi. r8,r9,1
                beq   loop
                wait
                b     loop
                .balign 16
            h_dec:
                addi  r10,r10,1
                lis   r6,0x0800
                mtspr 336,r6
                rfi
                .balign 16
            h_fit:
                addi  r11,r11,1
                lis   r6,0x0400
                mtspr 336,r6
                rfi
                .balign 16
            h_db:
                addi  r12,r12,1
                rfi
            """;

    /**
     * com.sun.management.ThreadMXBean#getThreadAllocatedBytes through reflection: this test module
     * (epaprlab.ppc, no dependencies) does not read java.management; surefire adds jdk.management.
     */
    static final class AllocationCounter {
        private final Object bean;
        private final Method allocated;

        AllocationCounter() {
            try {
                bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
                allocated = Class.forName("com.sun.management.ThreadMXBean").getMethod("getThreadAllocatedBytes", long.class);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError("jdk.management is needed (surefire argLine --add-modules=jdk.management)", e);
            }
        }

        long getThreadAllocatedBytes(long tid) {
            try {
                return (long) allocated.invoke(bean, tid);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void timerInterruptsDoorbellsAndWaitingAllocateNothing() {
        Cpu cpu = ProgramTest.load(CpuModel.E500MC, BUSY);
        // warm up: in the region-tier test run every new resume point is translated at its first
        // run, and the last ones (the first FIT interrupts) come after 2 million instructions
        for (int i = 0; i < 400; i++) assertEquals(StopReason.BUDGET, cpu.run(10_000));
        AllocationCounter threads = new AllocationCounter();
        long tid = Thread.currentThread().threadId();
        long dec = cpu.gpr(10), fit = cpu.gpr(11), db = cpu.gpr(12), retired = cpu.instructionsRetired();
        long before = threads.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 500; i++) cpu.run(10_000);
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        long decs = cpu.gpr(10) - dec, fits = cpu.gpr(11) - fit, dbs = cpu.gpr(12) - db;
        assertEquals(5_000_000, cpu.instructionsRetired() - retired);
        assertTrue(decs > 1000 && fits > 1000 && dbs > 100_000, () -> "dec %d fit %d doorbell %d".formatted(decs, fits, dbs));
        assertTrue(allocated < 16 * 1024, () -> "%d interrupts in 5,000,000 instructions allocated %d bytes"
                .formatted(decs + fits + dbs, allocated));
    }
}
