package epaprlab.ppc.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;


import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The engine's two tiers (predecoded blocks in the interpreter, and the same blocks compiled to
 * JVM bytecode) give identical results: registers, counts, time base, interrupt state, memory,
 * however the run is cut into budgets, and with code changed under a running block.
 */
class BlockTierTest {
    /** Loops, calls, loads and stores, data storage interrupts in the middle of blocks, mftb. */
    static final String MIX = """
            _start:
                li    r1,0
                mtspr 63,r1            # IVPR = 0
                li    r2,dsi@l
                mtspr 402,r2           # IVOR2: data storage
                li    r3,0
                li    r4,0
                li    r11,0
                lis   r10,0x7000       # outside RAM
                li    r5,700
                mtctr r5
                li    r12,0x6000       # data
            loop:
                addi  r3,r3,3
                andi. r6,r3,0x3fc
                stwx  r3,r12,r6
                lwz   r7,0(r12)
                add   r4,r4,r7
                andi. r8,r3,15
                bne   skip
                addi  r4,r4,5
                lwz   r9,0(r10)        # faults; the handler skips it
                addi  r4,r4,7
            skip:
                mftb  r13
                xor   r4,r4,r13
                bl    leaf
                bdnz  loop
                sc    1
            leaf:
                rlwinm r15,r4,3,0,28
                add   r16,r16,r15
                blr
                .balign 16
            dsi:
                mfsrr0 r14
                addi  r14,r14,4
                mtsrr0 r14
                addi  r11,r11,1
                rfi
            """;

    private static Cpu load(CpuModel model, String source, int threshold) {
        Cpu cpu = ProgramTest.load(model, source);
        cpu.setCompileThreshold(threshold);
        return cpu;
    }

    private static List<Long> runInSlices(Cpu cpu, int slice) {
        Slices.runToHypercall(cpu, slice);
        return Slices.state(cpu, 0x8000);
    }

    @Test
    void compiledBlocksGiveTheInterpretersResultsForEveryBudgetSlicing() {
        for (CpuModel m : CpuModel.values()) {
            List<Long> interpreted = runInSlices(load(m, MIX, 0), 1_000_000);
            assertEquals(43L, interpreted.get(11), m + ": r3 = 3k is a multiple of 16 on 43 of the 700 iterations, each one fault");
            for (int threshold : new int[] {1, 2, 50}) {
                for (int slice : new int[] {1_000_000, 1, 7, 64, 1000}) {
                    assertEquals(interpreted, runInSlices(load(m, MIX, threshold), slice),
                            m + " threshold " + threshold + " slice " + slice);
                }
            }
        }
    }

    /** The loop's store rewrites the next instruction of its own block before that one runs. */
    static final String PATCH_OWN_BLOCK = """
            _start:
                li    r3,0
                li    r5,50
                mtctr r5
                lis   r7,0x3880
                ori   r7,r7,2          # the word of li r4,2
                li    r6,target@l
            loop:
                stw   r7,0(r6)
            target:
                li    r4,1
                add   r3,r3,r4
                bdnz  loop
                sc    1
            """;

    @Test
    void aStoreIntoTheRunningBlockTakesEffectBeforeThePatchedInstructionRuns() {
        for (CpuModel m : CpuModel.values()) {
            for (int threshold : new int[] {0, 1, 2, 50}) {
                Cpu cpu = load(m, PATCH_OWN_BLOCK, threshold);
                assertEquals(StopReason.HYPERCALL, ProgramTest.runToStop(cpu));
                assertEquals(100, cpu.gpr(3), m + " threshold " + threshold);
                assertEquals(6 + 1 + 50 * 4, cpu.instructionsRetired(), m + " threshold " + threshold);
            }
        }
    }

    @Test
    void aHostWriteToCompiledCodeTakesEffectOnTheNextRun() {
        for (CpuModel m : CpuModel.values()) {
            for (int threshold : new int[] {0, 1}) {
                Cpu cpu = load(m, """
                        _start:
                            li    r3,0
                        loop:
                            addi  r3,r3,1
                            b     loop
                        """, threshold);
                assertEquals(StopReason.BUDGET, cpu.run(1 + 2 * 500));
                assertEquals(500, cpu.gpr(3));
                cpu.memory().store32(4, 0x38630002);      // addi r3,r3,2
                assertEquals(StopReason.BUDGET, cpu.run(2 * 500));
                assertEquals(1500, cpu.gpr(3), m + " threshold " + threshold);
            }
        }
    }

    @Test
    void aFaultWithoutAHandlerStopsAtTheFaultingInstructionInBothTiers() {
        for (CpuModel m : CpuModel.values()) {
            List<List<Long>> results = new ArrayList<>();
            for (int threshold : new int[] {0, 1}) {
                Cpu cpu = load(m, """
                        _start:
                            li    r5,20
                            mtctr r5
                            lis   r10,0x7000
                        loop:
                            addi  r3,r3,1
                            cmpwi r3,15
                            addi  r4,r4,2
                            bne   next
                            lwz   r9,0(r10)       # no IVOR2: the CPU stops here
                        next:
                            addi  r6,r6,1
                            bdnz  loop
                            sc    1
                        """, threshold);
                assertEquals(StopReason.UNHANDLED_INTERRUPT, ProgramTest.runToStop(cpu));
                assertEquals(cpu.pc(), cpu.stopPc());
                assertEquals(0x812a0000, cpu.stopInsn(), "lwz r9,0(r10)");
                results.add(Slices.state(cpu, 0x8000));
            }
            assertEquals(results.get(0), results.get(1), m.toString());
        }
    }
}
