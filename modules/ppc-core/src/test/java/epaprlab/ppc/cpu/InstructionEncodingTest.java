package epaprlab.ppc.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import epaprlab.ppc.cpu.InstructionCases.Case;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Cross-checks every case's encoding with GNU objdump: the case's {@code asm} must be what
 * objdump prints for its word (options e500mc,64, falling back to e5500 for words e500mc does
 * not know), after whitespace normalisation. Relative branches are disassembled one by one at
 * the case address (0x2000), everything else in one batch.
 */
class InstructionEncodingTest {
    private static final Map<Integer, String> DISASM = new HashMap<>();

    static boolean relativeBranch(int w) {
        int op = w >>> 26;
        return (op == 16 || op == 18) && (w & 2) == 0;
    }

    @BeforeAll
    static void disassembleAll() {
        LinkedHashSet<Integer> batch = new LinkedHashSet<>();
        for (Case c : (Iterable<Case>) cases()::iterator) {
            if (relativeBranch(c.word())) {
                DISASM.computeIfAbsent(c.word(),
                        w -> Binutils.disassembleAny(new int[] {w}, InstructionCaseTest.CODE).getFirst());
            } else {
                batch.add(c.word());
            }
        }
        List<Integer> words = new ArrayList<>(batch);
        int[] arr = words.stream().mapToInt(Integer::intValue).toArray();
        List<String> texts = Binutils.disassembleAny(arr, 0);
        for (int i = 0; i < arr.length; i++) DISASM.put(arr[i], texts.get(i));
    }

    static Stream<Case> cases() { return InstructionCaseTest.cases(); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void asmMatchesObjdump(Case c) {
        assertEquals(Binutils.normalise(c.asm()), DISASM.get(c.word()),
                () -> "objdump disagrees with the case for word 0x%08x".formatted(c.word()));
    }
}
