package epaprlab.ppc.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.ppc.exec.Interpreter;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A loop longer than a region (coremix's state machine): its region grows to hold the whole
 * loop, in its first and in its hot translation, and gives the interpreter's state for every
 * budget slicing, both cores.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RegionLoopTest {

    /**
     * A state machine of four states over pseudo-random 3-bit symbols, about 60 instructions from
     * its head back to it through ten paths (each ends in a branch back), counting visits per
     * state in memory with indexed loads and stores, then a straight tail after the loop. One
     * path loads from outside RAM (a data storage interrupt) and the decrementer fires every 97
     * instructions, wherever that is in the loop; the handlers sum SRR0, DEAR and ESR into r11.
     * {@code k} (odd) makes the loop's words differ per run, so its regions are fresh ones.
     */
    static String program(int k) {
        return """
                _start:
                    li    r1,0
                    mtspr 63,r1             # IVPR = 0
                    li    r2,on_dsi@l
                    mtspr 402,r2            # IVOR2: data storage
                    li    r2,on_dec@l
                    mtspr 410,r2            # IVOR10: decrementer
                    li    r2,97
                    mtspr 54,r2             # DECAR
                    mtspr 22,r2             # DEC
                    lis   r2,0x0440         # TCR = DIE | ARE
                    mtspr 340,r2
                    wrteei 1
                    li    r11,0
                    lis   r13,0x7000        # outside RAM
                    li    r3,0              # state
                    li    r4,0              # transitions
                    li    r5,0              # i
                    li    r6,0
                    lis   r10,0x1234
                    ori   r10,r10,0x5679    # generator
                    li    r12,0x6000        # visits per state
                head:
                    mulli r10,r10,4093
                    addi  r10,r10,%d        # odd: a full-period generator
                    rlwinm r7,r10,28,29,31  # the symbol, 0..7
                    slwi  r8,r3,2
                    lwzx  r9,r12,r8
                    addi  r9,r9,1
                    stwx  r9,r12,r8
                    cmpwi r3,1
                    beq   s1
                    bgt   high
                    cmpwi r7,3
                    blt   to1
                    cmpwi r7,6
                    beq   to3
                    xor   r6,r6,r7
                    b     next
                high:
                    cmpwi r3,2
                    bne   s3
                    cmplwi r7,4
                    bge   to0
                    rlwinm r6,r6,3,0,31
                    add   r6,r6,r7
                    cmpwi r7,1
                    beq   to3
                    b     next
                s1:
                    cmpwi r7,2
                    ble   to2
                    andi. r0,r7,1
                    beq   to0
                    subf  r6,r7,r6
                    b     next
                s3:
                    cmpwi r7,7
                    beq   to0
                    lwz   r14,0(r13)        # a data storage interrupt inside the loop
                    addi  r6,r6,5
                    cmpwi r7,2
                    blt   to1
                    b     next
                to0:
                    li    r3,0
                    addi  r4,r4,1
                    b     next
                to1:
                    li    r3,1
                    addi  r4,r4,1
                    b     next
                to2:
                    li    r3,2
                    addi  r4,r4,1
                    b     next
                to3:
                    li    r3,3
                    addi  r4,r4,1
                next:
                    addi  r5,r5,1
                    cmpwi r5,3000
                    blt   head
                    addi  r6,r6,1
                    addi  r6,r6,2
                    addi  r6,r6,3
                    sc    1
                    .balign 16
                on_dsi:
                    mfsrr0 r0
                    add   r11,r11,r0
                    mfspr r0,61             # DEAR
                    add   r11,r11,r0
                    mfspr r0,62             # ESR
                    add   r11,r11,r0
                    mfsrr0 r1
                    addi  r1,r1,4
                    mtsrr0 r1
                    rfi
                    .balign 16
                on_dec:
                    mfsrr0 r0
                    add   r11,r11,r0
                    lis   r0,0x0800         # TSR[DIS], write-one-to-clear
                    mtspr 336,r0
                    rfi
                """.formatted(k);
    }

    @Test
    void aLoopLongerThanARegionRunsAsTheInterpreterRunsItForEveryBudgetSlicing() {
        int saved = Interpreter.regionHotInstructions();
        try {
            for (CpuModel m : CpuModel.values()) {
                for (int hot : new int[] {50_000_000, 5_000}) {
                    int k = 1 + 2 * (int) (System.nanoTime() & 0x3FFF);
                    Interpreter.setRegionHotInstructions(hot);
                    Cpu reference = ProgramTest.load(m, program(k));
                    Tier.INTERPRETER.select(reference, 0);
                    List<Long> interpreted = RegionTierTest.runInSlices(reference, 1_000_000);
                    assertTrue(interpreted.get(4) > 500, m + ": the machine changes state often (" + interpreted.get(4) + " transitions)");
                    assertTrue(interpreted.get(11) != 0, m + ": interrupts were taken inside the loop");
                    long before = Interpreter.regionsRetranslated();
                    for (int slice : new int[] {1_000_000, 1, 7, 64, 333, 1000}) {
                        Cpu cpu = ProgramTest.load(m, program(k));
                        Tier.REGIONS.select(cpu, 1);
                        assertEquals(interpreted, RegionTierTest.runInSlices(cpu, slice), m + " hot " + hot + " slice " + slice);
                    }
                    if (hot == 5_000) assertTrue(Interpreter.regionsRetranslated() > before, m + ": a hot form was made");
                }
            }
        } finally {
            Interpreter.setRegionHotInstructions(saved);
        }
    }
}
