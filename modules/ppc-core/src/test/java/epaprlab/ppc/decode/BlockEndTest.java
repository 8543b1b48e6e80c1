package epaprlab.ppc.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.ppc.cpu.CpuModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The block executors keep PC, NIA and the instruction count out of the state while straight-line
 * instructions run, so every handler that reads or redirects them must end a block: all those
 * bound from {@code Branch}, {@code ProcessorControl} and {@code SystemRegisters} (read from the
 * table source, so a new one cannot be forgotten), isync, and the TLB instructions (the next fetch
 * may be translated differently).
 */
class BlockEndTest {
    private static final Pattern BINDING = Pattern.compile(
            "put\\w*\\(\\w+, \\d+, \"([^\"]+)\", (Branch|ProcessorControl|SystemRegisters)::");

    private static Set<String> controlNames() throws IOException {
        String src = Files.readString(Path.of("src/main/java/epaprlab/ppc/decode/DecodeTable.java"));
        Set<String> names = new HashSet<>();
        Matcher m = BINDING.matcher(src);
        while (m.find()) names.add(m.group(1));
        return names;
    }

    @Test
    void everyControlOrSystemInstructionEndsABlockAndNothingElseDoes() throws IOException {
        Set<String> control = controlNames();
        assertTrue(control.containsAll(Set.of("b", "bc", "bclr", "bcctr", "sc", "rfi", "mtmsr", "mftb", "wait")),
                "the source scan found the control bindings: " + control);
        for (CpuModel model : CpuModel.values()) {
            DecodeTable t = DecodeTable.forModel(model);
            for (DecodeTable.Slot slot : t.slots()) {
                boolean expected = control.contains(slot.name()) || slot.name().equals("isync") || slot.name().startsWith("tlb");
                // the slot word has SPR field 0, which is not one of the plain moves
                assertEquals(expected, t.endsBlock(slot.word()), model + " " + slot.name());
            }
        }
    }

    @Test
    void moveToAndFromLrCtrXerAreStraightLineButOtherSprsAreNot() {
        DecodeTable t = DecodeTable.forModel(CpuModel.E500MC);
        for (int spr : new int[] {1, 8, 9}) {
            assertFalse(t.endsBlock(mfspr(3, spr)), "mfspr " + spr);
            assertFalse(t.endsBlock(mtspr(3, spr)), "mtspr " + spr);
        }
        for (int spr : new int[] {22, 26, 268, 284, 340, 400}) {
            assertTrue(t.endsBlock(mfspr(3, spr)), "mfspr " + spr);
            assertTrue(t.endsBlock(mtspr(3, spr)), "mtspr " + spr);
        }
    }

    private static int sprField(int spr) { return ((spr & 0x1f) << 16) | ((spr >>> 5) << 11); }
    private static int mfspr(int rt, int spr) { return (31 << 26) | (rt << 21) | sprField(spr) | (339 << 1); }
    private static int mtspr(int rs, int spr) { return (31 << 26) | (rs << 21) | sprField(spr) | (467 << 1); }
}
