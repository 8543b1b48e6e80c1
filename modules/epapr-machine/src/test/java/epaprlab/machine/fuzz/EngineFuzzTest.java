package epaprlab.machine.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import epaprlab.machine.api.ExitReason;
import epaprlab.machine.api.Hypervisor;
import epaprlab.machine.api.Vcpu;
import epaprlab.machine.api.VcpuExit;
import epaprlab.machine.api.Vm;
import epaprlab.machine.api.VmSpec;
import epaprlab.machine.boot.BootException;
import epaprlab.machine.boot.ElfImage;
import epaprlab.ppc.cpu.Cpu;
import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.StopReason;
import epaprlab.ppc.mem.GuestMemory;

import java.nio.file.Path;

/**
 * Jazzer fuzz targets: random instruction words and RAM contents on {@code Cpu.run} and
 * {@code Vcpu.run}, random bytes on {@code ElfImage.parse}. No Java exception may escape other
 * than the documented checked {@link BootException}, and none may happen inside the engine: an
 * engine error ({@link StopReason#ENGINE_ERROR}, {@code KVM_INTERNAL_ERROR_EMULATION}) fails the
 * target with its exception, PC and word. Every stop is a {@link StopReason}/{@link ExitReason}
 * that keeps the budget, and an unhandled interrupt names an IVOR and the PC of an instruction.
 *
 * <p>{@code mvn test} runs them in regression mode over the seed corpus in
 * {@code src/test/resources/epaprlab/machine/fuzz/EngineFuzzTestInputs/<method>/}. Real
 * coverage-guided fuzzing: {@code JAZZER_FUZZ=1 mvn -pl modules/epapr-machine -am test
 * -Dtest=EngineFuzzTest#cpuRunNeverThrows -Dsurefire.failIfNoSpecifiedTests=false
 * -Djazzer.max_duration=60s} (one target per run); findings are written to that inputs folder
 * and become regression cases.
 */
class EngineFuzzTest {
    static final int RAM = 64 * 1024;

    /** Fills RAM from the input (words first, then random fill) and sets up registers/IVORs. */
    static void setUp(FuzzedDataProvider d, GuestMemory mem, Cpu cpu) {
        int words = d.consumeInt(1, 256);
        long at = (d.consumeInt(0, RAM / 4 - 1) & ~3L) & (RAM - 1);
        for (int i = 0; i < words && d.remainingBytes() >= 4; i++) {
            mem.store32((at + 4L * i) % RAM, d.consumeInt());
        }
        cpu.setPc(at);
        if (d.consumeBoolean()) { // interrupts delivered into RAM: IVPR 0, IVORs inside RAM
            for (int n = 400; n <= 415; n++) cpu.setSpr(n, (d.consumeInt(0, RAM / 16 - 1) * 16L));
        }
        for (int r = 0; r < 32; r++) cpu.setGpr(r, d.consumeBoolean() ? d.consumeLong(0, RAM - 1) : d.consumeLong());
        cpu.setCr(d.consumeInt());
        cpu.setXer(d.consumeLong());
        cpu.setLr(d.consumeLong());
        cpu.setCtr(d.consumeLong());
        cpu.setMsr(d.consumeLong());
    }

    @FuzzTest(maxDuration = "20s")
    void cpuRunNeverThrows(FuzzedDataProvider d) {
        CpuModel model = d.consumeBoolean() ? CpuModel.E5500 : CpuModel.E500MC;
        GuestMemory mem = new GuestMemory(RAM);
        Cpu cpu = new Cpu(model, mem);
        setUp(d, mem, cpu);
        runAndCheck(cpu);
    }

    /** Four runs of 2000: every stop well-formed, and an engine error fails with its exception, PC and word. */
    static void runAndCheck(Cpu cpu) {
        for (int i = 0; i < 4; i++) {
            long before = cpu.instructionsRetired();
            StopReason why = cpu.run(2000);
            assertNotNull(why);
            if (why == StopReason.ENGINE_ERROR) {
                throw new AssertionError("engine error at PC 0x%x on word 0x%08x".formatted(cpu.stopPc(), cpu.stopInsn()),
                        cpu.engineError());
            }
            assertNull(cpu.engineError());
            long ran = cpu.instructionsRetired() - before;
            assertTrue(ran >= 0 && ran <= 2000, () -> why + " after " + ran + " instructions of a budget of 2000");
            if (why == StopReason.BUDGET) assertEquals(2000, ran, "a BUDGET stop spends exactly the budget");
            if (why == StopReason.UNHANDLED_INTERRUPT) {
                assertTrue(cpu.stopInterrupt() >= 0 && cpu.stopInterrupt() <= 42, cpu.stopDetail());
                break;
            }
        }
    }

    @FuzzTest(maxDuration = "20s")
    void vcpuRunNeverThrows(FuzzedDataProvider d) {
        CpuModel model = d.consumeBoolean() ? CpuModel.E5500 : CpuModel.E500MC;
        Vm vm = Hypervisor.software().createVm(new VmSpec(model, RAM, 1));
        Vcpu vcpu = vm.createVcpu(0);
        byte[] ram = d.consumeBytes(RAM);
        vm.memory().write(0, ram, 0, ram.length);
        vcpu.setPc(d.consumeInt(0, RAM / 4 - 1) * 4L);
        for (int r = 0; r < 32; r++) vcpu.setGpr(r, d.consumeLong());
        vcpu.setMsr(d.consumeLong());
        runAndCheck(vcpu);
    }

    /** Up to eight runs of 2000: every exit well-formed, and an engine error fails with its exception, PC and word. */
    static void runAndCheck(Vcpu vcpu) {
        for (int i = 0; i < 8; i++) {
            long before = vcpu.instructionsRetired();
            ExitReason why = vcpu.run(2000);
            assertEquals(why, vcpu.exit().reason());
            long ran = vcpu.instructionsRetired() - before;
            assertTrue(ran >= 0 && ran <= 2000, () -> why + " after " + ran + " instructions of a budget of 2000");
            switch (why) {
                case INTR -> {
                    if (!vcpu.exit().idle()) assertEquals(2000, ran, "INTR without idle: the budget is spent");
                }
                case INTERNAL_ERROR -> {
                    VcpuExit.InternalError e = vcpu.exit().internalError();
                    if (e.suberror() == VcpuExit.InternalError.Suberror.EMULATION) {
                        throw new AssertionError("engine error at PC 0x%x on word 0x%08x".formatted(e.pc(), e.insn()),
                                e.cause());
                    }
                    assertTrue(e.ivor() >= 0 && e.ivor() <= 42, e.description());
                    assertEquals(e.pc(), vcpu.pc(), "the vCPU stays at the instruction with no handler");
                    assertFalse(e.description().isEmpty());
                    return;                 // the guest cannot go on
                }
                case WATCHDOG -> { return; }   // the host would reset or stop the VM
                // the capability is off: every hypercall is answered in the engine; nothing asks for debug
                case EPAPR_HCALL, DEBUG -> fail("unexpected exit " + why + " with the capability off");
            }
        }
    }

    @FuzzTest(maxDuration = "20s")
    void elfParseThrowsOnlyBootException(byte[] bytes) {
        try {
            ElfImage image = ElfImage.parse(Path.of("fuzz.elf"), bytes);
            GuestMemory mem = new GuestMemory(RAM);
            image.checkFits(RAM);
            image.loadInto(mem);
        } catch (BootException expected) {
            assertNotNull(expected.getMessage());
        }
    }
}
