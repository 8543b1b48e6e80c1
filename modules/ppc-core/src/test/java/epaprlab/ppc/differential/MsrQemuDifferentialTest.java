package epaprlab.ppc.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each of the MSR's 32 low bits against QEMU 7.2's ppce500 machine, written seven ways: by
 * {@code mtmsr} ("MT"; "ML" with its L bit, which QEMU honours), by {@code rfi}/{@code rfci}/
 * {@code rfdi}/{@code rfmci} from SRR1/CSRR1/DSRR1/MCSRR1 ("RF", "RC", "RD", "RM"), and as the
 * MSR a system call saves to SRR1 ("SC"). Each line holds the MSR read back by {@code mfmsr} (or
 * SRR1 when the read trapped: the PR bit) and the ESR of a Program interrupt. A TLB entry in
 * address space 1 lets IS/DS run on. Then the wait state: MSR[WE] and EE set while no interrupt
 * can come ("WE": the instruction after the {@code mtmsr} must run, as nothing could wake a vCPU
 * that slept; then SRR1 of a decrementer interrupt armed after it), the same with {@code wait},
 * which the decrementer wakes ("WT"), the MSR at entry ("IN") and SRR1 after a privileged
 * instruction in user state ("PV"). QEMU's lines must equal the engine's, so a bit QEMU's
 * {@code msr_mask} drops (MSR[WE] on both cores) neither stays set nor puts the vCPU to sleep.
 *
 * <p>QEMU's decrementer counts host time, the engine's instructions, so no line depends on
 * when the decrementer fires: "WE" arms it only after the instruction it checks (it used to arm
 * it 168 ms ahead, and a loaded host that froze QEMU that long before the next instruction made
 * the line read 1), and for "WT" the handler steps over a {@code wait} it interrupted before the
 * {@code wait} ran (the same freeze made QEMU wait for ever).
 */
class MsrQemuDifferentialTest {
    /** Tag of each write: the instruction that sets the MSR from a register pair, with its SPR numbers. */
    private record Way(String tag, String insn, int sr0, int sr1) {}

    private static final Way[] RETURNS = {
        new Way("RF", "rfi", 26, 27), new Way("RC", "rfci", 58, 59),
        new Way("RD", "rfdi", 574, 575), new Way("RM", "rfmci", 570, 571),
    };

    @ParameterizedTest
    @EnumSource(MmuQemuDifferentialTest.Case.class)
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void everyMsrBitAsQemu(MmuQemuDifferentialTest.Case c) throws IOException {
        Path dir = Files.createTempDirectory("msr-diff");
        try {
            Path elf = Toolchain.assembleAndLink(c.target, probe(c.model.has64Bit()), dir, "msr", MmuQemuDifferentialTest.BASE);
            String qemu = MmuQemuDifferentialTest.runQemu(c, elf);
            String ours = MmuQemuDifferentialTest.runEngine(c, Elf.parse(Files.readAllBytes(elf)));
            assertEquals(32 * (3 + RETURNS.length) + 5, qemu.split("\n").length, "QEMU's line count:\n" + qemu);
            MmuQemuDifferentialTest.compare(qemu, ours);
        } finally {
            Toolchain.cleanup(dir);
        }
    }

    static String probe(boolean wide) {
        StringBuilder s = new StringBuilder(SprQemuDifferentialTest.header(wide));
        s.append("""
                .macro TLB1 esel, mas1, mas2, mas3, mas7
                LI32    r3, 0x10000000 | (\\esel << 16)
                mtspr   624, r3
                LI32    r3, \\mas1
                mtspr   625, r3
                LI32    r3, \\mas2
                mtspr   626, r3
                LI32    r3, \\mas3
                mtspr   627, r3
                li      r3, \\mas7
                mtspr   944, r3
                tlbwe
                isync
                .endm

                .text
                .globl  _start
        _start:
                b       main
                .org    0x100 + 0x20 * 6          # Program: r15 = SRR1, r16 = ESR, on after it at the entry MSR
                mfsrr1  r15
                mfspr   r16, 62
                mfsrr0  r17
                addi    r17, r17, 4
                mtsrr0  r17
                mtsrr1  r31
                rfi
                .org    0x100 + 0x20 * 8          # System call: r15 = SRR1, on at the entry MSR
                mfsrr1  r15
                mtsrr1  r31
                rfi
                .org    0x100 + 0x20 * 10         # Decrementer: r25 = SRR1, r24 = 1, timer off
                b       decrementer
                .org    0x400
        decrementer:
                mfsrr1  r25
                li      r24, 1
                lis     r17, 0x0800
                mtspr   336, r17
                li      r17, 0
                mtspr   340, r17
                mfsrr0  r17                       # a wait not yet run (QEMU frozen until the DEC fired): step over it
                lwz     r18, 0(r17)
                LI32    r19, 0x7C00007C
                cmpw    r18, r19
                bne     1f
                addi    r17, r17, 4
                mtsrr0  r17
        1:      mtsrr1  r31
                rfi
        """);
        s.append(SprQemuDifferentialTest.PRINT);
        s.append("""
        main:
                mfmsr   r31
                # UART: EA 0xE0000000 -> PA 0xF_E000_0000, 1 MiB, I|G, in address space 0 (TLB1[1]) and 1 (TLB1[3]);
                # RAM's first 64 MiB in address space 1 too (TLB1[2]), as QEMU's boot entry maps it in space 0
                TLB1    1, 0x80000500, 0xE000000A, 0xE000000F, 0xF
                TLB1    3, 0x80001500, 0xE000000A, 0xE000000F, 0xF
                TLB1    2, 0x80001800, 0, 0x3F, 0
                LI32    r20, 0xE0004500
                LI32    r3, 0x100000
                mtspr   63, r3
                li      r3, 0x100 + 0x20 * 6
                mtspr   406, r3
                li      r3, 0x100 + 0x20 * 8
                mtspr   408, r3
                li      r3, 0x100 + 0x20 * 10
                mtspr   410, r3
                mr      r15, r31
                li      r16, 0
                li      r21, 0
                LI32    r22, 0x494E
                bl      line
        """);
        for (int b = 0; b < 32; b++) {
            String bit = "0x%08X".formatted(1L << b);
            s.append("        LI32 r3, ").append(bit).append("\n        or r3, r3, r31\n        li r16, 0\n");
            s.append("        mtmsr r3\n        mfmsr r15\n        mtmsr r31\n        isync\n");
            line(s, "MT", b);
            s.append("        LI32 r3, ").append(bit).append("\n        or r3, r3, r31\n        li r16, 0\n");
            s.append("        mtmsr r3, 1\n        mfmsr r15\n        mtmsr r31\n        isync\n");
            line(s, "ML", b);
            for (Way w : RETURNS) {
                String back = "back_%s_%d".formatted(w.tag, b);
                s.append("        LI32 r3, ").append(bit).append("\n        or r3, r3, r31\n        mtspr ").append(w.sr1).append(", r3\n");
                s.append("        lis r3, ").append(back).append("@ha\n        addi r3, r3, ").append(back).append("@l\n");
                s.append("        mtspr ").append(w.sr0).append(", r3\n        li r16, 0\n        ").append(w.insn).append('\n');
                s.append(back).append(":\n        mfmsr r15\n        mtmsr r31\n        isync\n");
                line(s, w.tag, b);
            }
            s.append("        LI32 r3, ").append(bit).append("\n        or r3, r3, r31\n        li r16, 0\n");
            s.append("        mtmsr r3\n        sc\n        mtmsr r31\n        isync\n");
            line(s, "SC", b);
        }
        s.append("""
                # MSR[WE] and EE with no interrupt to come: the next instruction must run (r15 = r24 = 0), as
                # nothing would wake a sleeping vCPU; then SRR1 of a decrementer interrupt armed after it
                lis     r3, 0x0800
                mtspr   336, r3
                li      r24, 0
                LI32    r3, 0x00048000
                or      r3, r3, r31
                mtmsr   r3
                mr      r15, r24
                LI32    r3, 0x10000
                mtspr   22, r3
                lis     r3, 0x0400
                mtspr   340, r3
        1:      cmpwi   r24, 0
                beq     1b
                mr      r16, r25
                li      r21, 0
                LI32    r22, 0x5745
                bl      line
                # the same with wait
                li      r24, 0
                LI32    r3, 0x4000000             # 168 ms of QEMU's 400 MHz time base: the wait really waits
                mtspr   22, r3
                lis     r3, 0x0400
                mtspr   340, r3
                LI32    r3, 0x00008000
                or      r3, r3, r31
                mtmsr   r3
                wait
                mr      r15, r24
        1:      cmpwi   r24, 0
                beq     1b
                mr      r16, r25
                li      r21, 0
                LI32    r22, 0x5754
                bl      line
                # a privileged instruction in user state: SRR1 and ESR
                li      r16, 0
                LI32    r3, 0x4000
                or      r3, r3, r31
                mtmsr   r3
                mtmsr   r3
                mtmsr   r31
                li      r21, 0
                LI32    r22, 0x5056
                bl      line
        """);
        s.append(SprQemuDifferentialTest.END_AND_PARK);
        return s.toString().replace("WIDTH", wide ? "16" : "8");
    }

    private static void line(StringBuilder s, String tag, int bit) {
        s.append("        li r21, ").append(bit).append("\n        LI32 r22, ").append(tag.charAt(0) << 8 | tag.charAt(1)).append("\n        bl line\n");
    }
}
