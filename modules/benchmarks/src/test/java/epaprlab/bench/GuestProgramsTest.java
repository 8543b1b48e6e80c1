package epaprlab.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import epaprlab.ppc.cpu.Cpu;
import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.StopReason;
import epaprlab.testsupport.OutsideTool;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark fixtures are what GNU as makes of their text, and they compute what they should. */
class GuestProgramsTest {
    @TempDir Path dir;

    record Case(GuestPrograms.Program program) {}

    static final List<Case> CASES = List.of(
            new Case(GuestPrograms.DISPATCH), new Case(GuestPrograms.LOAD_STORE), new Case(GuestPrograms.HCALL));

    @Test
    void everyProgramsWordsAreWhatGnuAsAssembles() throws Exception {
        for (Case c : CASES) {
            assertArrayEquals(assemble(c.program().asm()), c.program().words(), c.program().name());
        }
    }

    @Test
    void aWrongWordIsNoticed() throws Exception {
        int[] words = GuestPrograms.DISPATCH.words().clone();
        words[0] ^= 1;   // addi 3,3,1 -> addi 3,3,0
        assertEquals(false, java.util.Arrays.equals(assemble(GuestPrograms.DISPATCH.asm()), words));
    }

    /** The dispatch loop: after k iterations r3 = k; r6 sums slwi(r4, 3), r4 being the xor chain of 1..i. */
    @Test
    void dispatchLoopComputesItsSums() {
        for (CpuModel model : CpuModel.values()) {
            Cpu cpu = InterpreterBenchmark.load(model, GuestPrograms.DISPATCH);
            int iterations = 1000;
            assertEquals(StopReason.BUDGET, cpu.run(9L * iterations));
            long r4 = 0, r6 = 0;
            for (int i = 1; i <= iterations; i++) {
                r4 ^= i;
                r6 += (r4 << 3) & 0xFFFFFFF8L;
            }
            assertEquals(iterations, cpu.gpr(3), model.name());
            assertEquals(r4, cpu.gpr(4), model.name());
            assertEquals(r6, cpu.gpr(6), model.name());
            assertEquals(GuestPrograms.ORIGIN, cpu.pc(), "back at the loop head");
        }
    }

    /** The load/store loop copies word 0 to 4, byte 8 to 9, word 16 to 20 and half 12 to 14. */
    @Test
    void loadStoreLoopMovesTheData() {
        for (CpuModel model : CpuModel.values()) {
            Cpu cpu = InterpreterBenchmark.load(model, GuestPrograms.LOAD_STORE);
            int data = 0x8000;
            cpu.setGpr(4, data);
            cpu.setGpr(10, 16);
            cpu.setGpr(11, 20);
            var ram = cpu.memory();
            ram.store32(data, 0x11223344);
            ram.store8(data + 8, 0x55);
            ram.store16(data + 12, 0x6677);
            ram.store32(data + 16, 0x8899AABB);
            assertEquals(StopReason.BUDGET, cpu.run(9));
            assertEquals(0x11223344, ram.load32(data + 4));
            assertEquals(0x55, ram.load8(data + 9));
            assertEquals(0x8899AABB, ram.load32(data + 20));
            assertEquals(0x6677, ram.load16(data + 14));
        }
    }

    private int[] assemble(String asm) throws Exception {
        Path src = dir.resolve("p.s"), obj = dir.resolve("p.o"), bin = dir.resolve("p.bin");
        Files.writeString(src, asm);
        run("powerpc-linux-gnu-as", "-mbooke", "-me500mc", "-o", obj.toString(), src.toString());
        run("powerpc-linux-gnu-objcopy", "-O", "binary", "-j", ".text", obj.toString(), bin.toString());
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(bin));
        int[] words = new int[b.remaining() / 4];
        for (int i = 0; i < words.length; i++) words[i] = b.getInt();
        return words;
    }

    private static void run(String... cmd) {
        OutsideTool.byCommand(cmd[0]).run(java.util.Arrays.copyOfRange(cmd, 1, cmd.length)).output();
    }
}
