package epaprlab.machine.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.machine.api.ExitReason;
import epaprlab.machine.api.Hypervisor;
import epaprlab.machine.api.Vcpu;
import epaprlab.machine.api.VcpuExit.SystemEvent;
import epaprlab.machine.api.Vm;
import epaprlab.machine.api.VmSpec;
import epaprlab.machine.testing.GnuAs;
import epaprlab.ppc.cpu.CpuModel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** KVM_EXIT_SYSTEM_EVENT from a device's request, and halted vCPUs started on their own thread. */
@Timeout(30)
class SystemEventTest {
    private static final long CODE = 0x1000;
    /** Counts in r5 forever. */
    private static final String LOOP = """
            li 5,0
            0: addi 5,5,1
            b 0b
            """;

    private Vm vm;

    private Vcpu[] boot(int vcpus) {
        vm = Hypervisor.software().createVm(new VmSpec(CpuModel.E500MC, 64 * 1024, vcpus));
        byte[] code = GnuAs.assemble(LOOP, false);
        vm.memory().write(CODE, code, 0, code.length);
        Vcpu[] v = new Vcpu[vcpus];
        for (int i = 0; i < vcpus; i++) {
            v[i] = vm.createVcpu(i);
            v[i].setPc(CODE);
        }
        return v;
    }

    @Test void aRequestRaisedWhileRunningEndsTheRunAsOneSystemEvent() throws Exception {
        Vcpu[] v = boot(2);
        CountDownLatch running = new CountDownLatch(1);
        Thread device = Thread.ofPlatform().start(() -> {
            try {
                running.await();
            } catch (InterruptedException e) {
                return;
            }
            vm.raiseSystemEvent(SystemEvent.Type.RESET, "guts-rstcr");
        });
        running.countDown();
        ExitReason r;
        do {
            r = v[0].run(Long.MAX_VALUE / 2);       // only the kick can end it
        } while (r == ExitReason.INTR && device.isAlive());
        if (r == ExitReason.INTR) r = v[0].run(1000);
        assertTrue(device.join(java.time.Duration.ofSeconds(10)), "the device thread ended");
        assertEquals(ExitReason.SYSTEM_EVENT, r);
        assertEquals(SystemEvent.Type.RESET, v[0].exit().systemEvent().type());
        assertEquals(2, v[0].exit().systemEvent().type().kvmNumber());
        assertEquals("guts-rstcr", v[0].exit().systemEvent().source());
        assertEquals(ExitReason.INTR, v[1].run(100), "reported once, by one vCPU");
        assertEquals(ExitReason.INTR, v[0].run(100));
    }

    @Test void aSecondRequestBeforeTheFirstIsReportedIsDroppedAndResetForgetsIt() {
        Vcpu[] v = boot(1);
        vm.raiseSystemEvent(SystemEvent.Type.SHUTDOWN, "gpio-poweroff");
        vm.raiseSystemEvent(SystemEvent.Type.RESET, "guts-rstcr");
        assertEquals(ExitReason.SYSTEM_EVENT, v[0].run(100));
        assertEquals(SystemEvent.Type.SHUTDOWN, v[0].exit().systemEvent().type());
        assertEquals(1, v[0].exit().systemEvent().type().kvmNumber());
        vm.raiseSystemEvent(SystemEvent.Type.RESET, "guts-rstcr");
        v[0].reset();
        v[0].setPc(CODE);
        assertEquals(ExitReason.INTR, v[0].run(100));
    }

    @Test void aHaltedVcpuRunsNothingUntilStartedAndTheSetupRunsOnItsOwnThread() throws Exception {
        Vcpu[] v = boot(2);
        AtomicInteger wakes = new AtomicInteger();
        v[1].onInterruptRaised(wakes::incrementAndGet);
        v[1].halt();
        assertEquals(ExitReason.INTR, v[1].run(1000));
        assertTrue(v[1].exit().idle());
        assertEquals(-1, v[1].exit().idleUntilNanos());
        assertEquals(0, v[1].instructionsRetired());

        Thread[] setupThread = new Thread[1];
        Thread releaser = Thread.ofPlatform().start(() -> v[1].start(cpu -> {
            setupThread[0] = Thread.currentThread();
            cpu.setGpr(3, 0x1234);
            cpu.setPc(CODE);
        }));
        releaser.join(TimeUnit.SECONDS.toMillis(5));
        assertEquals(1, wakes.get(), "start wakes the vCPU's host");
        assertEquals(ExitReason.INTR, v[1].run(1000));
        assertEquals(Thread.currentThread(), setupThread[0]);
        assertEquals(0x1234, v[1].gpr(3));
        assertEquals(1000, v[1].instructionsRetired());
        assertTrue(v[1].gpr(5) > 0);
    }
}
