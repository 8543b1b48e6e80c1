package epaprlab.ppc.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.ppc.mem.GuestMemory;
import java.nio.ByteBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Java exception inside an instruction handler (injected: the engine has no known one) stops
 * the CPU with {@link StopReason#ENGINE_ERROR} at that instruction, in both tiers, and never
 * reaches the guest: its Program handler does not run, SRR0 and ESR stay untouched.
 */
class EngineErrorTest {
    static final String GUEST = """
            _start:
                li    r1,0
                mtspr 63,r1            # IVPR = 0
                li    r2,handler@l
                mtspr 406,r2           # IVOR6: a Program interrupt would land here
                li    r3,1
                li    r4,2
                add   r6,r3,r4         # the handler of this word throws
                li    r3,99
                sc    1
                .align 4
            handler:
                li    r3,66
                sc    1
            """;
    static final int FAULT_PC = 6 * 4;
    static final int SRR0 = 26, ESR = 62;

    @ParameterizedTest(name = "compile threshold {0}")
    @ValueSource(ints = {0, 1})   // 0: interpreter only; 1: the block is compiled at its first run
    void aHandlerExceptionStopsTheCpuAndNeverReachesTheGuest(int compileThreshold) {
        for (CpuModel model : CpuModel.values()) {
            byte[] image = Binutils.assemble(GUEST, model.has64Bit());
            int word = ByteBuffer.wrap(image, FAULT_PC, 4).getInt();
            assertEquals(word, ByteBuffer.wrap(Binutils.assemble("add r6,r3,r4", model.has64Bit())).getInt());
            GuestMemory mem = new GuestMemory(1 << 16);
            mem.write(0, image, 0, image.length);
            Cpu cpu = new Cpu(model, mem);
            cpu.setCompileThreshold(compileThreshold);
            cpu.injectEngineFault(word);
            cpu.setPc(0);

            assertEquals(StopReason.ENGINE_ERROR, cpu.run(1_000), model.toString());
            assertEquals(FAULT_PC, cpu.pc(), "PC stays at the instruction that threw");
            assertEquals(FAULT_PC, cpu.stopPc());
            assertEquals(word, cpu.stopInsn());
            assertEquals(-1, cpu.stopInterrupt());
            IllegalStateException e = assertInstanceOf(IllegalStateException.class, cpu.engineError());
            assertTrue(e.getMessage().contains("injected engine fault"), e.getMessage());
            assertTrue(cpu.stopDetail().startsWith("engine error: java.lang.IllegalStateException"), cpu.stopDetail());
            assertEquals(6, cpu.instructionsRetired(), "the six instructions before it, not the one that threw");
            assertEquals(1, cpu.gpr(3), "neither the next instruction nor the Program handler ran");
            assertEquals(0, cpu.spr(SRR0), "no interrupt was delivered");
            assertEquals(0, cpu.spr(ESR));

            cpu.reset();
            assertNull(cpu.engineError(), "reset forgets the engine error");
        }
    }
}
