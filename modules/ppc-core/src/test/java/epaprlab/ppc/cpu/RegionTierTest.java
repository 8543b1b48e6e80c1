package epaprlab.ppc.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.ppc.exec.Interpreter;
import epaprlab.ppc.mem.GuestMemory;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The region tier (guest code translated a region at a time, registers in JVM locals) gives the
 * interpreter's results exactly: budgets and timer events that end in the middle of a region,
 * faults and interrupts in the middle of one (same SRR0, SRR1, ESR, DEAR), stores into the
 * running region, code changed by another vCPU, and a translated page mapped away by the MMU.
 * Every program runs interpreted (threshold 0), in the block tier and in the region tier, whose
 * regions are translated on this thread (synchronous mode) so they really run.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RegionTierTest {

    private static Cpu load(CpuModel model, String source, Tier tier, int threshold) {
        Cpu cpu = ProgramTest.load(model, source);
        tier.select(cpu, threshold);
        return cpu;
    }

    static List<Long> runInSlices(Cpu cpu, int slice) {
        Slices.runToHypercall(cpu, slice);
        return Slices.state(cpu, 0x10000);
    }

    /**
     * One loop body of most of what the region emits as bytecode (arithmetic with carries, logic,
     * rotates, shifts, compares, CR logic, mfcr/mtcrf, XER, loads and stores of every size with
     * update forms, a call and return), plus what it leaves to handlers inside a region: a trap
     * (Program interrupt), a load outside RAM (Data Storage interrupt, with ESR and DEAR), mftb.
     * Each interrupt handler sums SRR0, SRR1, ESR and DEAR into registers and skips the instruction.
     * The decrementer fires every 101 instructions, wherever that is in the loop.
     */
    static final String MIX = """
            _start:
                li    r1,0
                mtspr 63,r1            # IVPR = 0
                li    r2,on_dsi@l
                mtspr 402,r2           # IVOR2: data storage
                li    r2,on_prog@l
                mtspr 406,r2           # IVOR6: program
                li    r2,on_dec@l
                mtspr 410,r2           # IVOR10: decrementer
                li    r3,101
                mtspr 54,r3            # DECAR
                mtspr 22,r3            # DEC
                lis   r4,0x0440        # TCR = DIE | ARE
                mtspr 340,r4
                wrteei 1
                li    r3,0
                li    r4,1
                li    r11,0
                li    r21,0
                lis   r10,0x7000       # outside RAM
                li    r5,600
                mtctr r5
                li    r12,0x6000       # data
            loop:
                addi  r3,r3,3
                addc  r4,r4,r3
                adde  r6,r4,r3
                subfc r7,r3,r4
                subfe r8,r7,r6
                addze r9,r8
                subf. r9,r9,r3
                neg   r13,r9
                mullw r14,r13,r3
                mulhw r15,r14,r4
                mulhwu r16,r14,r4
                divw  r17,r14,r3
                divwu r18,r14,r13
                and.  r19,r17,r18
                or    r19,r19,r16
                xor   r19,r19,r15
                nor   r20,r19,r4
                andc  r20,r20,r3
                rlwinm r22,r20,5,3,27
                rlwimi r22,r3,9,0,15
                rlwnm. r23,r22,r3,7,30
                slw   r24,r23,r3
                srw   r25,r22,r3
                sraw  r26,r13,r3
                srawi. r27,r13,7
                cntlzw r28,r27
                extsb r29,r22
                extsh r30,r22
                cmpw  cr3,r29,r30
                cmplw cr4,r29,r30
                cmpwi cr5,r3,300
                cmplwi cr6,r3,300
                crand 1,13,17
                cror  2,14,22
                crxor 3,15,21
                mfcr  r0
                xor   r21,r21,r0
                mtcrf 0x18,r21
                mfxer r0
                add   r21,r21,r0
                andi. r6,r3,0x3fc
                stwx  r3,r12,r6
                stwu  r4,4(r12)
                sth   r22,2(r12)
                stb   r23,3(r12)
                lwz   r7,0(r12)
                lhz   r8,2(r12)
                lha   r9,2(r12)
                lbz   r0,3(r12)
                lbzu  r0,1(r12)
                lhzx  r9,r12,r6
                add   r21,r21,r7
                add   r21,r21,r8
                add   r21,r21,r9
                andi. r8,r3,15
                bne   skip
                addi  r21,r21,5
                lwz   r9,0(r10)        # faults: Data Storage
                tweq  r3,r3            # traps: Program
                addi  r21,r21,7
            skip:
                mftb  r0
                xor   r21,r21,r0
                bl    leaf
                bdnz  loop
                sc    1
            leaf:
                mflr  r0
                rlwinm r0,r21,3,0,28
                add   r2,r2,r0
                blr
                .balign 16
            on_dsi:
                mfsrr0 r0
                add   r11,r11,r0
                mfsrr1 r0
                add   r11,r11,r0
                mfspr r0,61            # DEAR
                add   r11,r11,r0
                mfspr r0,62            # ESR
                add   r11,r11,r0
                mfsrr0 r1
                addi  r1,r1,4
                mtsrr0 r1
                rfi
                .balign 16
            on_prog:
                mfsrr0 r0
                add   r11,r11,r0
                mfspr r0,62            # ESR
                add   r11,r11,r0
                mfsrr0 r1
                addi  r1,r1,4
                mtsrr0 r1
                rfi
                .balign 16
            on_dec:
                mfsrr0 r0
                add   r11,r11,r0
                lis   r0,0x0800        # TSR[DIS], write-one-to-clear
                mtspr 336,r0
                rfi
            """;

    @Test
    void everyTierGivesTheInterpretersStateForEveryBudgetSlicing() {
        for (CpuModel m : CpuModel.values()) {
            List<Long> interpreted = runInSlices(load(m, MIX, Tier.INTERPRETER, 0), 1_000_000);
            long before = Interpreter.regionsTranslated();
            for (int threshold : new int[] {1, 3}) {
                for (int slice : new int[] {1_000_000, 1, 5, 64, 333, 1000}) {
                    for (Tier t : new Tier[] {Tier.REGIONS, Tier.BLOCKS}) {
                        assertEquals(interpreted, runInSlices(load(m, MIX, t, threshold), slice),
                                m + " " + t + " threshold " + threshold + " slice " + slice);
                    }
                }
            }
            assertTrue(Interpreter.regionsTranslated() > before, m + ": regions were translated");
        }
    }

    /**
     * Every compare-and-branch pair the region tier fuses into one compare and one branch
     * (signed, unsigned, immediate, record forms; each CR field bit and sense, SO not fused), on
     * values of both signs and equal ones, with XER[SO] set every other iteration, and a
     * {@code bdnzt}-style branch testing CTR and the bit together.
     */
    static final String COMPARE_BRANCH;

    static {
        StringBuilder s = new StringBuilder("""
                _start:
                    li    r3,0
                    li    r21,0
                    lis   r9,0x1999
                    ori   r9,r9,0x999a
                    li    r5,41
                    mtctr r5
                loop:
                    rlwinm r0,r3,31,0,0    # XER[SO] on odd iterations
                    mtxer r0
                    subi  r4,r3,20
                    mullw r4,r4,r9         # both signs, 0 at r3 = 20
                    srawi r7,r4,1
                    addi  r3,r3,1
                """);
        String[] compares = {"cmpw r4,r7", "cmplw r4,r7", "cmpwi cr2,r4,0", "cmplwi cr7,r4,5", "cmpw cr5,r7,r7",
            "add. r8,r4,r7", "and. r8,r4,r7"};
        String[] fields = {"cr0", "cr0", "cr2", "cr7", "cr5", "cr0", "cr0"};
        String[] branches = {"blt", "bge", "bgt", "ble", "beq", "bne", "bso", "bns"};
        int n = 0;
        for (int c = 0; c < compares.length; c++) {
            for (String b : branches) {
                n++;
                s.append("    ").append(compares[c]).append('\n')
                        .append("    ").append(b).append(' ').append(fields[c]).append(",t").append(n).append('\n')
                        .append("    addi  r21,r21,").append(n).append('\n')
                        .append("t").append(n).append(":\n    rotlwi r21,r21,1\n");
            }
        }
        s.append("""
                    cmpwi cr1,r4,0
                    bdnzt 4*cr1+gt,loop    # on while CTR != 0 and r4 > 0
                    cmpwi r3,41
                    blt   loop
                    sc    1
                """);
        COMPARE_BRANCH = s.toString();
    }

    @Test
    void fusedCompareAndBranchGiveTheInterpretersState() {
        for (CpuModel m : CpuModel.values()) {
            List<Long> interpreted = runInSlices(load(m, COMPARE_BRANCH, Tier.INTERPRETER, 0), 1_000_000);
            for (int threshold : new int[] {1, 3}) {
                for (int slice : new int[] {1_000_000, 7, 333}) {
                    for (Tier t : new Tier[] {Tier.REGIONS, Tier.BLOCKS}) {
                        assertEquals(interpreted, runInSlices(load(m, COMPARE_BRANCH, t, threshold), slice),
                                m + " " + t + " threshold " + threshold + " slice " + slice);
                    }
                }
            }
        }
    }

    /**
     * CR fields a region keeps as their compare's operands ({@code RegionCompiler}'s split
     * fields) holding nibbles no compare gives (none, two or all of LT/GT/EQ, with and without
     * SO): loaded at a region's entry (after {@code mtsprg}, which ends a region), written whole
     * by {@code mtcrf} inside it, a bit changed by {@code crxor}; each read by branches that
     * are not fused to a compare, by {@code mfcr} and at the exits.
     */
    static final String CR_NIBBLES;

    static {
        StringBuilder s = new StringBuilder("""
                _start:
                    li    r3,0
                    li    r21,0
                    lis   r9,0x1111
                    ori   r9,r9,0x1111
                loop:
                    rlwinm r0,r3,27,0,0    # XER[SO] when r3 has bit 4
                    mtxer r0
                    subi  r4,r3,13
                    srawi r7,r4,1
                    mullw r10,r3,r9        # every field holds r3's low nibble
                    rlwnm r10,r10,r3,0,31  # and, rotated, others
                    mtcrf 0xff,r10
                    mtsprg 0,r3
                """);
        String[] set = {"blt", "bgt", "beq", "bso"}, clear = {"bge", "ble", "bne", "bns"};
        int n = 0;
        for (int f : new int[] {0, 2, 7}) {
            String cr = "cr" + f;
            for (int part = 0; part < 4; part++) {
                switch (part) {
                    case 1 -> s.append("    cmpw  ").append(cr).append(",r4,r7\n    addi  r8,r8,1\n");
                    case 2 -> s.append("    mtcrf 0xff,r10\n");
                    case 3 -> s.append("    crxor 4*").append(cr).append("+gt,4*").append(cr).append("+lt,4*").append(cr).append("+eq\n");
                    default -> { }
                }
                for (int j = 0; j < 4; j++) {
                    n++;
                    String b = (part + j) % 2 == 0 ? set[j] : clear[j];
                    s.append("    ").append(b).append(' ').append(cr).append(",t").append(n).append('\n')
                            .append("    addi  r21,r21,").append(n).append('\n')
                            .append("t").append(n).append(":\n    rotlwi r21,r21,1\n");
                }
            }
            s.append("    mfcr  r11\n    add   r21,r21,r11\n    mtsprg 0,r3\n");
        }
        s.append("""
                    addi  r3,r3,1
                    cmpwi r3,40
                    blt   loop
                    sc    1
                """);
        CR_NIBBLES = s.toString();
    }

    @Test
    void crFieldsNoCompareGivesAreReadAsTheInterpreterReadsThem() {
        for (CpuModel m : CpuModel.values()) {
            List<Long> interpreted = runInSlices(load(m, CR_NIBBLES, Tier.INTERPRETER, 0), 1_000_000);
            for (int threshold : new int[] {1, 3}) {
                for (int slice : new int[] {1_000_000, 7, 333}) {
                    assertEquals(interpreted, runInSlices(load(m, CR_NIBBLES, Tier.REGIONS, threshold), slice),
                            m + " threshold " + threshold + " slice " + slice);
                }
            }
        }
    }

    /** The loop rewrites an instruction of an earlier block of its own region (the loop head). */
    static final String PATCH_LOOP_HEAD = """
            _start:
                li    r3,0
                li    r5,40
                mtctr r5
                lis   r7,0x3863
                ori   r7,r7,100        # the word of addi r3,r3,100
                li    r6,head@l
            loop:
                cmpwi r3,30
                blt   head
                stw   r7,0(r6)         # from r3 >= 30 on, head adds 100
            head:
                addi  r3,r3,1
                addi  r4,r4,2
                bdnz  loop
                sc    1
            """;

    @Test
    void aStoreIntoTheRunningRegionIsSeenByItsNextInstruction() {
        for (CpuModel m : CpuModel.values()) {
            List<Long> interpreted = runInSlices(load(m, PATCH_LOOP_HEAD, Tier.INTERPRETER, 0), 1_000_000);
            for (int threshold : new int[] {1, 2}) {
                assertEquals(interpreted, runInSlices(load(m, PATCH_LOOP_HEAD, Tier.REGIONS, threshold), 1_000_000),
                        m + " threshold " + threshold);
            }
            assertEquals(30 + 10 * 100, interpreted.get(3), "r3");
        }
    }

    /** An endless loop; another vCPU of the same RAM patches its first instruction. */
    static final String SPIN = """
            _start:
                li    r3,0
            loop:
                addi  r3,r3,1
                addi  r4,r4,1
                b     loop
            """;

    /** The other vCPU: stores addi r3,r3,1000 over the loop's first instruction. */
    static final String PATCHER = """
                lis   r7,0x3863
                ori   r7,r7,1000
                lis   r6,1
                ori   r6,r6,4
                stw   r7,0(r6)
                sc    1
            """;

    @Test
    void codeChangedByAnotherVcpuIsSeenWhenTheRegionIsEnteredAgain() {
        for (CpuModel m : CpuModel.values()) {
            long[] r3 = new long[Tier.values().length];
            for (Tier t : Tier.values()) {
                GuestMemory mem = new GuestMemory(ProgramTest.RAM);
                byte[] spin = Binutils.assemble(".org 0x10000\n" + SPIN, m.has64Bit());
                mem.write(0, spin, 0, spin.length);
                byte[] patcher = Binutils.assemble(".org 0x20000\n" + PATCHER, m.has64Bit());
                mem.write(0x20000, patcher, 0x20000, patcher.length - 0x20000);
                Cpu a = new Cpu(m, mem), b = new Cpu(m, mem);
                t.select(a, 1);
                a.setPc(0x10000);
                b.setPc(0x20000);
                assertEquals(StopReason.BUDGET, a.run(3001));
                assertEquals(StopReason.HYPERCALL, b.run(100));
                assertEquals(StopReason.BUDGET, a.run(3000));
                r3[t.ordinal()] = a.gpr(3);
            }
            assertEquals(1000 + 1000 * 1000, r3[Tier.INTERPRETER.ordinal()], m + " interpreted");
            assertEquals(r3[Tier.INTERPRETER.ordinal()], r3[Tier.REGIONS.ordinal()], m + " regions");
            assertEquals(r3[Tier.INTERPRETER.ordinal()], r3[Tier.BLOCKS.ordinal()], m + " blocks");
        }
    }

    /**
     * Book E: a function at EA 0x20000000 is called in a loop through TLB0 (page A: li r3,1), then
     * the page is mapped to page B (li r3,2) and called again: the translated code of page A must
     * not run for EA 0x20000000 any more.
     */
    @Test
    void aTranslatedPageMappedAwayIsNeverRunForItsOldAddress() {
        String call = """
                li    r6,50
                mtctr r6
            1:  lis   r7,0x2000
                mtlr  r7
                blrl
                add   r5,r5,r3
                bdnz  1b
            """;
        String body = "li r5,0\n" + MmuTest.tlbwe(0, 0x80000000L, 0x20000000, MmuTest.PAGE_A | 0x15) + call
                + MmuTest.tlbwe(0, 0x80000000L, 0x20000000, MmuTest.PAGE_B | 0x15) + call;
        for (MmuTest.Mode mode : MmuTest.Mode.values()) {
            for (Tier t : Tier.values()) {
                Cpu cpu = MmuTest.boot(mode, body, epaprlab.ppc.mem.PhysicalBus.NONE);
                t.select(cpu, 1);
                GuestMemory mem = cpu.memory();
                mem.store32(MmuTest.PAGE_A, 0x38600001);      // li r3,1
                mem.store32(MmuTest.PAGE_A + 4, 0x4e800020);  // blr
                mem.store32(MmuTest.PAGE_B, 0x38600002);      // li r3,2
                mem.store32(MmuTest.PAGE_B + 4, 0x4e800020);
                assertEquals(StopReason.HYPERCALL, cpu.run(100_000), cpu::stopDetail);
                assertEquals(-1, cpu.gpr(31), mode + " " + t + ": no interrupt");
                assertEquals(50 + 2 * 50, cpu.gpr(5), mode + " " + t);
            }
        }
    }
}
