package epaprlab.ppc.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every SPR number (0..1023) against QEMU 7.2's ppce500 machine, in supervisor and in user state:
 * a bare-metal probe loads a marker into a register, runs {@code mfspr}, then {@code mtspr} of what
 * it read (so nothing it can write changes), writes all ones to the SPRs the engine once lacked
 * and reads them back, and prints one line per access: the register after the
 * read and the ESR of a Program interrupt (0 when none was taken). The marker kept means QEMU's
 * "no-op"; a changed register means a value was read. QEMU runs it with {@code -M ppce500
 * -kernel}, the engine with the Book E translation ({@link MmuQemuDifferentialTest}'s harness);
 * the lines must be equal, except the value (not the outcome) of the registers that count time.
 */
class SprQemuDifferentialTest {
    /** DEC and the time base (read through 268/269 and 284/285): they count, so only the outcome is compared. */
    static final Set<Integer> COUNTING = Set.of(22, 268, 269, 284, 285);
    static final int MARKER = 0x5A5A0000;
    /** SPRs QEMU has and the engine lacked: all ones written and read back ("KS"), to see which bits they keep. */
    static final int[] KEPT = {512, 513, 514, 517, 947, 948};

    /** The probes' first lines: WIDE set on a 64-bit core, and {@code LI32} (a 32-bit constant, zero-extended there). */
    static String header(boolean wide) {
        return (wide ? "        .set WIDE, 1\n" : "") + """
                .macro LI32 r, v
                lis     \\r, ((\\v) >> 16) & 0xFFFF
                ori     \\r, \\r, (\\v) & 0xFFFF
                .ifdef WIDE
                clrldi  \\r, \\r, 32
                .endif
                .endm
                """;
    }

    /** The probe's last line, "END" (the harness waits for it), then a loop that parks the CPU. */
    static final String END_AND_PARK = """
                li      r5, 'E'
                stb     r5, 0(r20)
                li      r5, 'N'
                stb     r5, 0(r20)
                li      r5, 'D'
                stb     r5, 0(r20)
                li      r5, '\\n'
                stb     r5, 0(r20)
        3:      b       3b
        """;

    /**
     * The probes' output routines: {@code line} prints the tag in r22 (two characters), the number
     * in r21 (3 digits), r15 (WIDTH digits) and r16 (8 digits) to the UART at r20; {@code hex}
     * prints r3's low r6 hex digits and a space.
     */
    static final String PRINT = """
        # one line: the tag in r22 (two characters), SPR r21, value r15, ESR r16
        line:
                mflr    r23
                srwi    r5, r22, 8
                stb     r5, 0(r20)
                stb     r22, 0(r20)
                li      r5, ' '
                stb     r5, 0(r20)
                mr      r3, r21
                li      r6, 3
                bl      hex
                mr      r3, r15
                li      r6, WIDTH
                bl      hex
                mr      r3, r16
                li      r6, 8
                bl      hex
                li      r5, '\\n'
                stb     r5, 0(r20)
                mtlr    r23
                blr
        # r3's low r6 hex digits, then a space, as "0" + digits would be (clobbers r3, r5, r7, ctr)
        hex:
                mtctr   r6
                slwi    r7, r6, 2
        1:      addi    r7, r7, -4
                .ifdef WIDE
                srd     r5, r3, r7
                .else
                srw     r5, r3, r7
                .endif
                andi.   r5, r5, 0xF
                cmpwi   r5, 10
                blt     2f
                addi    r5, r5, 'a' - '0' - 10
        2:      addi    r5, r5, '0'
                stb     r5, 0(r20)
                bdnz    1b
                li      r5, ' '
                stb     r5, 0(r20)
                blr
            """;

    @ParameterizedTest
    @EnumSource(MmuQemuDifferentialTest.Case.class)
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void everySprNumberAsQemu(MmuQemuDifferentialTest.Case c) throws IOException {
        Path dir = Files.createTempDirectory("spr-diff");
        try {
            Path elf = Toolchain.assembleAndLink(c.target, probe(c.model.has64Bit()), dir, "sprs", MmuQemuDifferentialTest.BASE);
            String qemu = MmuQemuDifferentialTest.runQemu(c, elf);
            String ours = MmuQemuDifferentialTest.runEngine(c, Elf.parse(Files.readAllBytes(elf)));
            String[] q = qemu.split("\n"), o = ours.split("\n");
            assertEquals(4 * 1024 + KEPT.length + 1, q.length, "QEMU's line count");
            List<String> diffs = new ArrayList<>();
            for (int i = 0; i < q.length; i++) {
                String a = q[i], b = i < o.length ? o[i] : "(none)";
                if (!a.equals(b) && !(counting(a) && outcome(a).equals(outcome(b)))) diffs.add("QEMU " + a + " | ours " + b);
            }
            assertTrue(diffs.isEmpty(), diffs.size() + " SPR accesses differ (kind spr value esr):\n" + String.join("\n", diffs));
        } finally {
            Toolchain.cleanup(dir);
        }
    }

    private static boolean counting(String line) {
        String[] f = line.split(" ");
        return f.length == 4 && COUNTING.contains(Integer.parseInt(f[1], 16));
    }

    /** Marker kept, value read, or the ESR of the interrupt taken. */
    private static String outcome(String line) {
        String[] f = line.split(" ");
        if (f.length != 4) return line;
        if (Long.parseUnsignedLong(f[3], 16) != 0) return "esr " + f[3];
        return Long.parseUnsignedLong(f[2], 16) == (MARKER | Integer.parseInt(f[1], 16)) ? "no-op" : "value";
    }

    /** The probe: read and write sweeps in supervisor state ("RS", "WS"), then in user state ("RU", "WU"). */
    static String probe(boolean wide) {
        StringBuilder s = new StringBuilder(header(wide));
        s.append("""

                .text
                .globl  _start
        _start:
                b       main
                .org    0x100 + 0x20 * 6          # Program: r16 = ESR, resume after the instruction
                mfspr   r16, 62
                mfsrr0  r17
                addi    r17, r17, 4
                mtsrr0  r17
                mfsrr1  r17                       # back with the MSR of before: SRR1 also has 0x40000
                rlwinm  r17, r17, 0, 14, 12       # (ESR[PPR]'s echo; the cores drop it as MSR[WE])
                mtsrr1  r17
                rfi
                .org    0x100 + 0x20 * 8          # System call: back to supervisor state at r30
                mtsrr0  r30
                li      r17, 0
                mtsrr1  r17
                rfi

                .org    0x400
        """);
        s.append(PRINT);
        s.append("""
        main:
                # UART: TLB1[1], EA 0xE0000000 -> PA 0xF_E000_0000, 1 MiB, I|G, UR UW SR SW
                LI32    r3, 0x10010000
                mtspr   624, r3
                LI32    r3, 0x80000500
                mtspr   625, r3
                LI32    r3, 0xE000000A
                mtspr   626, r3
                LI32    r3, 0xE000000F
                mtspr   627, r3
                li      r3, 0xF
                mtspr   944, r3
                tlbwe
                isync
                LI32    r20, 0xE0004500
                LI32    r3, 0x100000
                mtspr   63, r3
                li      r3, 0x100 + 0x20 * 6
                mtspr   406, r3
                li      r3, 0x100 + 0x20 * 8
                mtspr   408, r3
        """);
        sweep(s, "RS", "WS");
        for (int n : KEPT) {
            s.append("        LI32 r15, 0xFFFFFFFF\n        li r16, 0\n        mtspr ").append(n).append(", r15\n");
            s.append("        LI32 r15, ").append(MARKER | n).append("\n        mfspr r15, ").append(n).append('\n');
            s.append("        li r21, ").append(n).append("\n        LI32 r22, ").append('K' << 8 | 'S').append("\n        bl line\n");
        }
        s.append("""
                lis     r30, supervisor_again@ha
                addi    r30, r30, supervisor_again@l
                li      r3, 0x4000                # MSR[PR]
                mtsrr1  r3
                lis     r3, user@ha
                addi    r3, r3, user@l
                mtsrr0  r3
                rfi
        user:
        """);
        sweep(s, "RU", "WU");
        s.append("""
                sc
        supervisor_again:
        """);
        s.append(END_AND_PARK);
        return s.toString().replace("WIDTH", wide ? "16" : "8");
    }

    private static void sweep(StringBuilder s, String read, String write) {
        for (int n = 0; n < 1024; n++) {
            for (String tag : new String[] {read, write}) {
                boolean w = tag == write;
                s.append("        LI32 r15, ").append(MARKER | n).append('\n');
                s.append("        li r16, 0\n");
                s.append("        mfspr r15, ").append(n).append('\n');
                if (w) {
                    s.append("        li r16, 0\n");
                    s.append("        mtspr ").append(n).append(", r15\n");
                }
                s.append("        li r21, ").append(n).append('\n');
                s.append("        LI32 r22, ").append(tag.charAt(0) << 8 | tag.charAt(1)).append('\n');
                s.append("        bl line\n");
            }
        }
    }
}
