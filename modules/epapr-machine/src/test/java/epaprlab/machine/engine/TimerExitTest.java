package epaprlab.machine.engine;

import static epaprlab.machine.hcall.HcallAbi.EV_IDLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.machine.api.Capability;
import epaprlab.machine.api.ExitReason;
import epaprlab.machine.api.Hypervisor;
import epaprlab.machine.api.Vcpu;
import epaprlab.machine.api.Vm;
import epaprlab.machine.api.VmSpec;
import epaprlab.machine.testing.GnuAs;
import epaprlab.ppc.cpu.Cpu;
import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.TimeSource;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Timers seen through the KVM-shaped API: EV_IDLE waits inside the engine until the guest's
 * decrementer fires (instruction time fast-forwards), the watchdog's final expiry is
 * KVM_EXIT_WATCHDOG (21), and wall-clock idling carries the timer deadline.
 */
class TimerExitTest {
    private static final int SPR_IVPR = 63, SPR_IVOR4 = 404, SPR_IVOR10 = 410;

    /**
     * DEC = 300 with DIE and EE, then EV_IDLE; the DEC handler records SRR0 and TB, clears DIS and
     * returns; then a second hypercall (token 0x77) exits to the host. The mtspr DEC is
     * instruction 5, so DEC expires at TB 305.
     */
    private static final String IDLE_THEN_DEC = """
                li    1,0
                mtspr 63,1
                li    2,0x100
                mtspr 410,2
                li    3,300
                mtspr 22,3
                lis   4,0x0400
                mtspr 340,4
                wrteei 1
                lis   11,%d
                ori   11,11,%d
                sc    1
                li    11,0x77
                sc    1
                .org 0x100
                mftb  20
                mfsrr0 21
                lis   6,0x0800
                mtspr 336,6
                rfi
            """.formatted(EV_IDLE >>> 16, EV_IDLE & 0xFFFF);

    private Vcpu boot(VmSpec spec, String asm) {
        Vm vm = Hypervisor.software().createVm(spec);
        byte[] code = GnuAs.assemble(asm, false);
        vm.memory().write(0, code, 0, code.length);
        Vcpu vcpu = vm.createVcpu(0);
        vcpu.enableCapability(Capability.EXIT_EPAPR_HCALL);
        vcpu.setPc(0);
        return vcpu;
    }

    @Test
    void evIdleWaitsInTheEngineForTheDecrementer() {
        Vcpu vcpu = boot(new VmSpec(CpuModel.E500MC, 64 * 1024, 1), IDLE_THEN_DEC);
        assertEquals(ExitReason.EPAPR_HCALL, vcpu.run(10_000));
        assertEquals(0x77, vcpu.exit().hcall().nr(), "the guest went on after the timer interrupt");
        assertEquals(305, vcpu.gpr(20), "fast-forwarded exactly to the DEC expiry");
        assertEquals(12 * 4, vcpu.gpr(21), "the interrupt returned after the EV_IDLE sc 1");
        assertEquals(0, vcpu.gpr(3), "EV_IDLE answered EV_SUCCESS");
    }

    @Test
    void evIdleWithNothingArmedIsAnIdleExitUntilTheHostRaisesExternalInput() {
        String src = IDLE_THEN_DEC.replace("li    3,300", "li    3,0").replace(".org 0x100", ".org 0x100\n    nop");
        Vcpu vcpu = boot(new VmSpec(CpuModel.E500MC, 64 * 1024, 1), src);
        vcpu.setSpr(SPR_IVOR4, 0x100);
        assertEquals(ExitReason.INTR, vcpu.run(10_000));
        assertTrue(vcpu.exit().idle());
        assertEquals(-1, vcpu.exit().idleUntilNanos());
        assertEquals(ExitReason.INTR, vcpu.run(10_000));
        assertTrue(vcpu.exit().idle(), "still idle");
        vcpu.setExternalInterrupt(true);
        assertEquals(ExitReason.INTR, vcpu.run(5), "the handler runs: a budget exit, not idle");
        assertFalse(vcpu.exit().idle());
        assertEquals(0x100 + 5 * 4, vcpu.pc(), "in the external-input handler");
        assertEquals(12 * 4, vcpu.spr(26), "SRR0 = after the EV_IDLE sc 1");
    }

    @Test
    void watchdogFinalExpiryIsExitWatchdog() {
        // watchdog on TB bit 6 (WP=1, WPEXT=14: 63 - 57), WRC = 1, no WIE: transitions at 64, 192, 320
        long tcr = (1L << 30) | (14L << 17) | (1L << 28);
        Vcpu vcpu = boot(new VmSpec(CpuModel.E5500, 64 * 1024, 1), """
                    lis   4,%d
                    ori   4,4,%d
                    mtspr 340,4
                0:  b     0b
                """.formatted(tcr >>> 16, tcr & 0xFFFF));
        assertEquals(ExitReason.WATCHDOG, vcpu.run(100_000));
        assertEquals(21, ExitReason.WATCHDOG.kvmNumber());
        assertEquals(320, vcpu.exit().timeBase());
        assertEquals(0xD0000000L, vcpu.spr(336), "TSR = ENW | WIS | WRS=1");
    }

    @Test
    void wallClockIdleExitCarriesTheDeadline() {
        VmSpec spec = new VmSpec(CpuModel.E500MC, 64 * 1024, 1, TimeSource.WALL_CLOCK, 1_000_000);
        Vcpu vcpu = boot(spec, IDLE_THEN_DEC.replace("li    3,300", "li    3,30000"));   // 30 ms
        long before = System.nanoTime();
        assertEquals(ExitReason.INTR, vcpu.run(10_000));
        long after = System.nanoTime();
        assertTrue(vcpu.exit().idle());
        long until = vcpu.exit().idleUntilNanos();
        // DEC was written between before and after; one tick (1 µs) of rounding either way
        assertTrue(until >= before + 30_000_000L - 1_000 && until <= after + 30_000_000L + 1_000,
                () -> "deadline %d ns after the run began, which took %d ns".formatted(until - before, after - before));
    }

    record BadSpec(String what, TimeSource source, long hz) {}

    @Test
    void vmSpecDefaultsToInstructionTimeAndRejectsBadTime() {
        VmSpec spec = new VmSpec(CpuModel.E500MC, 4096, 1);
        assertEquals(TimeSource.INSTRUCTIONS, spec.timeSource());
        assertEquals(Cpu.DEFAULT_TIMEBASE_HZ, spec.timebaseHz());
        for (BadSpec b : List.of(new BadSpec("no source", null, 1), new BadSpec("zero hz", TimeSource.WALL_CLOCK, 0),
                new BadSpec("negative hz", TimeSource.INSTRUCTIONS, -5))) {
            assertThrows(IllegalArgumentException.class, () -> new VmSpec(CpuModel.E500MC, 4096, 1, b.source(), b.hz()), b.what());
        }
    }
}
