package epaprlab.ppc.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.StopReason;
import epaprlab.ppc.mem.GuestMemory;
import epaprlab.ppc.mem.MemoryImage;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Clones share the decoded form of their snapshot's blocks ({@link Interpreter#predecoded},
 * {@link Interpreter#inherit}) only where RAM holds the same words at the same address: a clone
 * whose code differs runs its own code, a clone that rewrites code after it ran the shared block
 * runs the new words, and the snapshot's vCPU going on changes nothing in the clones.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InheritedBlocksTest {
    static final long CODE = 0x3000;
    static final int LI_R3_1 = 0x38600001, ADDI_R3_1 = 0x38630001, ADDI_R3_5 = 0x38630005, SC_1 = 0x44000022;

    static GuestMemory program(int second) {
        GuestMemory mem = new GuestMemory(1 << 20);
        mem.store32(CODE, LI_R3_1);
        mem.store32(CODE + 4, second);
        mem.store32(CODE + 8, SC_1);
        return mem;
    }

    static long runToHypercall(Interpreter in) {
        in.state().pc = CODE;
        assertEquals(StopReason.HYPERCALL, in.run(100));
        return in.state().gpr[3];
    }

    static Interpreter clone(MemoryImage image, BlockIndex frozen) {
        Interpreter in = new Interpreter(CpuModel.E500MC, new GuestMemory(image));
        in.reset();
        in.inherit(frozen);
        return in;
    }

    @Test
    void aCloneRunsTheWordsInItsOwnRamWhateverTheSnapshotDecoded() {
        Interpreter source = new Interpreter(CpuModel.E500MC, program(ADDI_R3_1));
        source.reset();
        assertEquals(2, runToHypercall(source));
        BlockIndex frozen = source.predecoded();
        assertNotNull(frozen.get(CODE));

        Interpreter same = clone(program(ADDI_R3_1).snapshot(), frozen);
        assertEquals(2, runToHypercall(same));
        Interpreter other = clone(program(ADDI_R3_5).snapshot(), frozen);
        assertEquals(6, runToHypercall(other), "another word at the same address: its own block");

        same.state().mem.store32(CODE + 4, ADDI_R3_5);  // rewritten after it ran the shared block
        assertEquals(6, runToHypercall(same));
        source.state().mem.store32(CODE + 4, 0x38630009);
        assertEquals(10, runToHypercall(source));
        assertEquals(6, runToHypercall(same), "the source's code and blocks are its own");
        assertEquals(6, runToHypercall(other));
    }

    @Test
    void aDecodedBlockSharesOpsAndWordsOnlyWhenTheWordsAreTheSame() {
        Interpreter source = new Interpreter(CpuModel.E500MC, program(ADDI_R3_1));
        source.reset();
        runToHypercall(source);
        BlockIndex frozen = source.predecoded();
        Block shared = frozen.get(CODE);

        Interpreter same = clone(program(ADDI_R3_1).snapshot(), frozen);
        Block b = Block.decode(same.table(), same.state(), CODE, frozen);
        assertSame(shared.ops, b.ops);
        assertSame(shared.words, b.words);
        assertNotSame(shared, b, "its tiering state is its own");

        Interpreter other = clone(program(ADDI_R3_5).snapshot(), frozen);
        Block c = Block.decode(other.table(), other.state(), CODE, frozen);
        assertNotSame(shared.ops, c.ops);
        assertEquals(ADDI_R3_5, c.words[1]);
        assertSame(other.table().decode(ADDI_R3_5), c.ops[1]);

        Block elsewhere = Block.decode(same.table(), same.state(), CODE + 4, frozen);
        assertNotSame(shared.words, elsewhere.words, "a block at another address is decoded anew");
        assertEquals(2, elsewhere.words.length);
    }

    @Test
    void aResetForgetsTheInheritedBlocks() {
        Interpreter source = new Interpreter(CpuModel.E500MC, program(ADDI_R3_1));
        source.reset();
        runToHypercall(source);
        Interpreter same = clone(program(ADDI_R3_1).snapshot(), source.predecoded());
        same.reset();
        assertNull(same.predecoded().get(CODE), "nothing decoded since the reset");
        assertEquals(2, runToHypercall(same));
        Block b = same.predecoded().get(CODE);
        assertNotSame(source.predecoded().get(CODE).ops, b.ops, "decoded anew after the reset");
    }
}
