package epaprlab.machine.engine;

import static epaprlab.machine.hcall.HcallAbi.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.machine.api.Capability;
import epaprlab.machine.api.ExitReason;
import epaprlab.machine.api.Hypervisor;
import epaprlab.machine.api.Vcpu;
import epaprlab.machine.api.VcpuExit;
import epaprlab.machine.api.Vm;
import epaprlab.machine.api.VmSpec;
import epaprlab.machine.testing.GnuAs;
import epaprlab.ppc.cpu.CpuModel;
import org.junit.jupiter.api.Test;

/**
 * KVM_EXIT_EPAPR_HCALL as the README's ABI table states it: nr from r11, args[i] from r(3+i),
 * ret to r3, args[1..7] to r4..r10, upper halves zero both ways when MSR[CM] = 0.
 */
class HypercallExitTest {
    private static final long CODE = 0x1000;
    private static final long MSR_CM = 0x80000000L;
    private static final long MSR_PR = 0x00004000L;
    private static final int SPR_ESR = 62, SPR_SRR0 = 26, SPR_IVPR = 63, SPR_IVOR6 = 406;
    private static final long ESR_PPR = 0x04000000L;

    /** r3..r10 = 1..8, r11 = token, sc 1, then spin. */
    private static final String CALL_WITH_ARGS = """
            li 3,1
            li 4,2
            li 5,3
            li 6,4
            li 7,5
            li 8,6
            li 9,7
            li 10,8
            lis 11,%d
            ori 11,11,%d
            sc 1
            0: b 0b
            """;

    /** sc 1 with whatever the host put in the registers, then spin. */
    private static final String BARE_CALL = """
            sc 1
            0: b 0b
            """;

    private Vm vm;

    private Vcpu boot(CpuModel model, String asm, boolean capability) {
        vm = Hypervisor.software().createVm(new VmSpec(model, 64 * 1024, 1));
        byte[] code = GnuAs.assemble(asm, false);
        vm.memory().write(CODE, code, 0, code.length);
        Vcpu vcpu = vm.createVcpu(0);
        if (capability) vcpu.enableCapability(Capability.EXIT_EPAPR_HCALL);
        vcpu.setPc(CODE);
        return vcpu;
    }

    private static String call(int token) {
        return CALL_WITH_ARGS.formatted(token >>> 16, token & 0xFFFF);
    }

    @Test
    void exitCarriesTokenAndArgsAndTheNextRunWritesRetAndOutputs() {
        Vcpu vcpu = boot(CpuModel.E500MC, call(0x12345678), true);
        assertEquals(ExitReason.EPAPR_HCALL, vcpu.run(1000));
        VcpuExit.Hcall h = vcpu.exit().hcall();
        assertEquals(0x12345678, h.nr());
        for (int i = 0; i < 8; i++) assertEquals(i + 1, h.arg(i), "args[" + i + "] from r" + (3 + i));
        long afterSc = CODE + 11 * 4;
        assertEquals(afterSc, vcpu.pc(), "PC is past sc 1 at the exit");

        h.setRet(0x99);
        for (int i = 1; i < 8; i++) h.setArg(i, 0x40 + i);
        assertEquals(ExitReason.INTR, vcpu.run(10));
        assertEquals(0x99, vcpu.gpr(3), "ret -> r3");
        for (int i = 1; i < 8; i++) assertEquals(0x40 + i, vcpu.gpr(3 + i), "args[" + i + "] -> r" + (3 + i));
        assertEquals(0x12345678, vcpu.gpr(11), "r11 is not written back");
        assertEquals(afterSc, vcpu.pc(), "resumed after sc 1 (and spins there)");
    }

    @Test
    void argsTheHostLeavesAloneComeBackUnchanged() {
        Vcpu vcpu = boot(CpuModel.E500MC, call(0x00000777), true);
        assertEquals(ExitReason.EPAPR_HCALL, vcpu.run(1000));
        vcpu.exit().hcall().setRet(0);
        vcpu.run(1);
        for (int i = 1; i < 8; i++) assertEquals(i + 1, vcpu.gpr(3 + i));
    }

    @Test
    void thirtyTwoBitModeZeroesUpperHalvesBothWays() {
        Vcpu vcpu = boot(CpuModel.E5500, BARE_CALL, true);
        assertFalse(vcpu.is64BitMode());
        vcpu.setGpr(11, 0xDEAD0000_00000777L);
        for (int i = 0; i < 8; i++) vcpu.setGpr(3 + i, 0xFFFFFFFF_00000000L | (i + 1));
        assertEquals(ExitReason.EPAPR_HCALL, vcpu.run(10));
        VcpuExit.Hcall h = vcpu.exit().hcall();
        assertEquals(0x777, h.nr(), "upper half of r11 is zero in nr");
        for (int i = 0; i < 8; i++) assertEquals(i + 1, h.arg(i), "upper half of r" + (3 + i) + " is zero");

        h.setRet(0xAAAAAAAA_00000005L);
        for (int i = 1; i < 8; i++) h.setArg(i, 0xBBBBBBBB_00000000L | (0x60 + i));
        vcpu.run(1);
        assertEquals(5, vcpu.gpr(3), "upper half of ret is zero in r3");
        for (int i = 1; i < 8; i++) assertEquals(0x60 + i, vcpu.gpr(3 + i), "upper half is zero in r" + (3 + i));
    }

    @Test
    void sixtyFourBitModeKeepsFullRegistersBothWays() {
        Vcpu vcpu = boot(CpuModel.E5500, BARE_CALL, true);
        vcpu.setMsr(MSR_CM);
        assertTrue(vcpu.is64BitMode());
        vcpu.setGpr(11, 0x00000001_00000777L);
        for (int i = 0; i < 8; i++) vcpu.setGpr(3 + i, 0x12345678_00000000L | (i + 1));
        assertEquals(ExitReason.EPAPR_HCALL, vcpu.run(10));
        VcpuExit.Hcall h = vcpu.exit().hcall();
        assertEquals(0x00000001_00000777L, h.nr());
        for (int i = 0; i < 8; i++) assertEquals(0x12345678_00000000L | (i + 1), h.arg(i));
        h.setRet(0xAAAAAAAA_00000005L);
        h.setArg(7, 0xCCCCCCCC_DDDDDDDDL);
        vcpu.run(1);
        assertEquals(0xAAAAAAAA_00000005L, vcpu.gpr(3));
        assertEquals(0xCCCCCCCC_DDDDDDDDL, vcpu.gpr(10));
    }

    @Test
    void withoutTheCapabilityUnknownCallsAreUnimplementedWithR4ZeroAndNoExit() {
        Vcpu vcpu = boot(CpuModel.E500MC, call(KVM_HC_VM_SHUTDOWN), false);
        assertFalse(vcpu.capabilityEnabled(Capability.EXIT_EPAPR_HCALL));
        assertEquals(ExitReason.INTR, vcpu.run(100), "no exit: the guest went on and spent the budget");
        assertEquals(EV_UNIMPLEMENTED, vcpu.gpr(3));
        assertEquals(0, vcpu.gpr(4));
        assertEquals(3, vcpu.gpr(5), "other registers are untouched");
    }

    @Test
    void featuresIsAnsweredInTheEngineWithNoMagicPage() {
        Vcpu vcpu = boot(CpuModel.E500MC, call(KVM_HC_FEATURES), true);
        assertEquals(ExitReason.INTR, vcpu.run(100));
        assertFalse(vcpu.exit().idle());
        assertEquals(0, vcpu.gpr(3));
        assertEquals(0, vcpu.gpr(4));
    }

    @Test
    void idleIsAnsweredInTheEngineAndEndsTheTurnAsIdle() {
        Vcpu vcpu = boot(CpuModel.E500MC, call(EV_IDLE), true);
        assertEquals(ExitReason.INTR, vcpu.run(100));
        assertTrue(vcpu.exit().idle());
        assertEquals(0, vcpu.gpr(3));
        assertEquals(CODE + 11 * 4, vcpu.pc());
    }

    @Test
    void scOneInUserModeIsAProgramInterruptWithEsrPpr() {
        Vcpu vcpu = boot(CpuModel.E500MC, call(0x12345678), true);
        byte[] handler = GnuAs.assemble("0: b 0b", false);
        vcpu.setSpr(SPR_IVPR, 0);
        vcpu.setSpr(SPR_IVOR6, 0x800);
        vm.memory().write(0x800, handler, 0, handler.length);
        vcpu.setMsr(MSR_PR);
        assertEquals(ExitReason.INTR, vcpu.run(100), "no hypercall exit from user mode");
        assertEquals(0x800, vcpu.pc());
        assertEquals(CODE + 10 * 4, vcpu.spr(SPR_SRR0), "SRR0 is the sc 1 itself");
        assertEquals(ESR_PPR, vcpu.spr(SPR_ESR));
        assertEquals(0, vcpu.msr() & MSR_PR, "the handler runs in supervisor state");
    }

    @Test
    void scOneInUserModeWithoutAHandlerIsAnInternalError() {
        Vcpu vcpu = boot(CpuModel.E500MC, call(0x12345678), true);
        vcpu.setMsr(MSR_PR);
        assertEquals(ExitReason.INTERNAL_ERROR, vcpu.run(100));
        VcpuExit.InternalError e = vcpu.exit().internalError();
        assertEquals(6, e.ivor());
        assertEquals(CODE + 10 * 4, e.pc());
        assertEquals(0x44000022, e.insn());
        assertTrue(e.description().contains("IVOR6"), e.description());
    }

    @Test
    void immediateExitBeforeRunReturnsAtOnce() {
        Vcpu vcpu = boot(CpuModel.E500MC, call(0x12345678), true);
        vcpu.requestImmediateExit();
        assertEquals(ExitReason.INTR, vcpu.run(1000));
        assertEquals(CODE, vcpu.pc());
        assertEquals(ExitReason.EPAPR_HCALL, vcpu.run(1000), "the request is used up");
    }

    @Test
    void budgetIsCountedInInstructions() {
        Vcpu vcpu = boot(CpuModel.E500MC, "0: b 0b", true);
        assertEquals(ExitReason.INTR, vcpu.run(500));
        assertEquals(500, vcpu.instructionsRetired());
        vcpu.run(250);
        assertEquals(750, vcpu.instructionsRetired());
    }
}
