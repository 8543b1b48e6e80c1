package epaprlab.ppc.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.ppc.exec.Interpreter;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tiering inside the region tier: a region that ran its share of instructions is translated
 * again with one way into each loop, replaces the first translation, and still gives the
 * interpreter's results: budgets that end anywhere in it (entries at blocks the hot form does not
 * enter, which then get regions of their own), and the loop rewriting its own body after the swap.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RegionHotTierTest {

    /**
     * Two nested loops with an inner if and a compare-and-branch; after each pass of the inner
     * loop the program rewrites the inner loop's {@code addi r4,r4,k} into {@code addi r4,r4,k+1}.
     * {@code k} differs per test run so its regions are fresh ones, counted from this test's threshold.
     */
    private static String program(int k) {
        return """
                _start:
                    li    r3,0
                    li    r4,0
                    li    r6,0
                    li    r11,0
                    lis   r9,0x3884
                    ori   r9,r9,%d          # the word of addi r4,r4,k+1
                    lis   r10,patch@ha
                    addi  r10,r10,patch@l
                outer:
                    li    r5,400
                    mtctr r5
                loop:
                    addi  r3,r3,1
                    andi. r7,r3,3
                    beq   skip
                patch:
                    addi  r4,r4,%d
                skip:
                    add   r6,r6,r3
                    cmplw cr1,r6,r4
                    bgt   cr1,over
                    addi  r6,r6,3
                over:
                    bdnz  loop
                    addi  r11,r11,1
                    cmpwi r11,3
                    bge   done
                    stw   r9,0(r10)         # self-modifying: the hot loop's body changes
                    b     outer
                done:
                    sc    1
                """.formatted(k + 1, k);
    }

    @Test
    void aHotRegionIsTranslatedAgainAndGivesTheInterpretersStateForEveryBudgetSlicing() {
        int saved = Interpreter.regionHotInstructions();
        try {
            for (CpuModel m : CpuModel.values()) {
                for (int hot : new int[] {50, 700, 5_000}) {
                    int k = 1 + (int) (System.nanoTime() & 0x3FF);   // words no other run translated: counted from this threshold
                    Interpreter.setRegionHotInstructions(hot);
                    Cpu reference = ProgramTest.load(m, program(k));
                    Tier.INTERPRETER.select(reference, 0);
                    List<Long> interpreted = RegionTierTest.runInSlices(reference, 1_000_000);
                    assertEquals(300L * k + 600L * (k + 1), interpreted.get(4), m + " r4: both versions of the patched word ran");
                    long before = Interpreter.regionsRetranslated();
                    for (int slice : new int[] {1_000_000, 1, 5, 64, 333, 1000}) {
                        Cpu cpu = ProgramTest.load(m, program(k));
                        Tier.REGIONS.select(cpu, 1);
                        assertEquals(interpreted, RegionTierTest.runInSlices(cpu, slice), m + " hot " + hot + " slice " + slice);
                    }
                    assertTrue(Interpreter.regionsRetranslated() > before, m + " hot " + hot + ": a hot region was translated again");
                }
            }
        } finally {
            Interpreter.setRegionHotInstructions(saved);
        }
    }
}
