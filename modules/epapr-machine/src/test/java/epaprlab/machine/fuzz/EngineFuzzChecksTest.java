package epaprlab.machine.fuzz;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.machine.api.Hypervisor;
import epaprlab.machine.api.Vcpu;
import epaprlab.machine.api.Vm;
import epaprlab.machine.api.VmSpec;
import epaprlab.ppc.cpu.Cpu;
import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.mem.GuestMemory;
import org.junit.jupiter.api.Test;

/**
 * The fuzz targets' checks fail on an engine error: a guest of {@code addi r3,r3,1} (0x38630001)
 * in a loop, with that word's handler made to throw.
 */
class EngineFuzzChecksTest {
    static final int ADDI = 0x38630001, B_BACK = 0x4bfffffc;   // addi r3,r3,1; b .-4

    @Test
    void theCpuTargetFailsOnAnEngineError() {
        GuestMemory mem = new GuestMemory(EngineFuzzTest.RAM);
        mem.store32(0x100, ADDI);
        mem.store32(0x104, B_BACK);
        Cpu cpu = new Cpu(CpuModel.E500MC, mem);
        cpu.setPc(0x100);
        EngineFuzzTest.runAndCheck(cpu);                  // healthy: passes
        cpu.injectEngineFault(ADDI);
        AssertionError e = assertThrows(AssertionError.class, () -> EngineFuzzTest.runAndCheck(cpu));
        assertTrue(e.getMessage().startsWith("engine error at PC 0x100 on word 0x38630001"), e.getMessage());
        assertTrue(e.getCause() instanceof IllegalStateException, String.valueOf(e.getCause()));
    }

    @Test
    void theVcpuTargetFailsOnAnEngineError() {
        System.setProperty(Cpu.FAULT_WORD_PROPERTY, Integer.toHexString(ADDI));
        Vm vm;
        try {
            vm = Hypervisor.software().createVm(new VmSpec(CpuModel.E5500, EngineFuzzTest.RAM, 1));
            vm.createVcpu(0);
        } finally {
            System.clearProperty(Cpu.FAULT_WORD_PROPERTY);
        }
        vm.memory().store32(0x100, ADDI);
        vm.memory().store32(0x104, B_BACK);
        Vcpu vcpu = vm.vcpus().getFirst();
        vcpu.setPc(0x100);
        AssertionError e = assertThrows(AssertionError.class, () -> EngineFuzzTest.runAndCheck(vcpu));
        assertTrue(e.getMessage().startsWith("engine error at PC 0x100 on word 0x38630001"), e.getMessage());
    }
}
