package epaprlab.ppc.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.ppc.exec.Interpreter;
import epaprlab.ppc.mem.GuestMemory;
import epaprlab.ppc.mem.MemoryImage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The region tier's inline loads and stores under {@link Translation#BOOK_E}: software-TLB hits
 * are read and written inline, everything else goes to the accessor. A supervisor loop and then
 * a user loop load and store through TLB1 mappings (read/write, read-only, supervisor-only),
 * take Data TLB errors on unmapped pages (the handler records SRR0/DEAR/ESR/MAS0-2 and maps the
 * page, the access runs again), Data Storage interrupts (a store to the read-only page, one
 * crossing into it, a user store to a page without UW, a user load of a supervisor-only page the
 * supervisor loop cached), and remap the read/write page by tlbwe every 32 passes after a
 * tlbivax of TLB0; between runs the host remaps it too. Every tier, several budget slicings, both
 * cores: all end in the interpreter's state.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RegionBookEMemoryTest {

    static final int RAM = 1 << 20;
    /** Physical pages: A and A2 (the read/write EA's two targets), B read-only, S supervisor-only, C (misses), A3 (host remap). */
    static final int PAGE_A = 0x80000, PAGE_B = 0x81000, PAGE_S = 0x82000, PAGE_C = 0x83000, PAGE_A2 = 0x84000, PAGE_A3 = 0x85000;
    static final int PASSES = 200, HOST_REMAP_AT = 5_000;

    private static final String PROGRAM = """
            _start:
                b     body
                .org  0x100                # Data Storage: count, record, skip the access
                addi  r25,r25,1
                mfsrr0 r28
                add   r26,r26,r28
                mfspr r28,61               # DEAR
                rotlwi r26,r26,1
                add   r26,r26,r28
                mfspr r28,62               # ESR
                rotlwi r26,r26,1
                add   r26,r26,r28
                mfsrr0 r28
                addi  r28,r28,4
                mtsrr0 r28
                rfi
                .org  0x200                # Data TLB error: count, record, map the page to C, run it again
                addi  r24,r24,1
                mfsrr0 r28
                add   r27,r27,r28
                mfspr r28,61
                rotlwi r27,r27,3
                add   r27,r27,r28
                mfspr r28,62
                add   r27,r27,r28
                mfspr r28,624              # MAS0
                rotlwi r27,r27,5
                add   r27,r27,r28
                mfspr r28,625              # MAS1
                add   r27,r27,r28
                mfspr r28,626              # MAS2
                add   r27,r27,r28
                lis   r28,0x8
                ori   r28,r28,0x303f       # PAGE_C, all permissions
                mtspr 627,r28
                tlbwe
                isync
                rfi
                .org  0x300                # Program (the user loop's mfmsr): stop
                sc    1
                .org  0x400
            body:
                lis   r29,0x1001           # TLB1[1]: EA 0x20000000 -> A, SR|SW|UR
                mtspr 624,r29
                lis   r29,0x8000
                ori   r29,r29,0x100
                #ZEXT r29
                mtspr 625,r29
                lis   r29,0x2000
                mtspr 626,r29
                lis   r29,0x8
                ori   r29,r29,0x07
                mtspr 627,r29
                tlbwe
                lis   r29,0x1002           # TLB1[2]: EA 0x20001000 -> B, SR|UR
                mtspr 624,r29
                lis   r29,0x2000
                ori   r29,r29,0x1000
                mtspr 626,r29
                lis   r29,0x8
                ori   r29,r29,0x1003
                mtspr 627,r29
                tlbwe
                lis   r29,0x1003           # TLB1[3]: EA 0x20002000 -> S, SR|SW
                mtspr 624,r29
                lis   r29,0x2000
                ori   r29,r29,0x2000
                mtspr 626,r29
                lis   r29,0x8
                ori   r29,r29,0x2005
                mtspr 627,r29
                tlbwe
                isync
                lis   r12,0x2000
                addi  r13,r12,0x1000
                addi  r14,r12,0x2000
                lis   r15,0x3000           # unmapped
                li    r3,0
                li    r21,0
                li    r22,0
                li    r5,%d
                mtctr r5
            loop1:
                addi  r3,r3,0x111
                stw   r3,0x10(r12)         # hits
                lwz   r4,0x10(r12)
                sth   r3,0x22(r12)
                lhz   r8,0x22(r12)
                lha   r9,0x22(r12)
                stb   r3,0x33(r12)
                lbz   r10,0x33(r12)
                stw   r3,0x101(r12)        # misaligned inside the page
                lwz   r11,0x101(r12)
                lwz   r16,0(r13)           # read-only: loads hit
                stw   r3,4(r13)            # Data Storage
                stw   r3,0xffe(r12)        # crosses into the read-only page: Data Storage
                stw   r3,0(r14)            # supervisor-only, as supervisor
                lwz   r17,0(r14)
                stfd  f1,0x40(r12)
                lfd   f2,0x40(r12)
                fadd  f1,f1,f2
                rlwinm r18,r3,8,17,19      # one of 8 pages
                lwzx  r19,r15,r18          # Data TLB error until mapped
                stwx  r3,r15,r18
                add   r21,r21,r4
                add   r21,r21,r8
                add   r21,r21,r9
                add   r21,r21,r10
                add   r21,r21,r11
                add   r21,r21,r16
                add   r21,r21,r17
                add   r21,r21,r19
                addi  r22,r22,1
                andi. r0,r22,31
                bne   2f
                li    r0,4
                tlbivax 0,r0               # all of TLB0: the 8 pages miss again
                lis   r29,0x1001           # remap TLB1[1]: A or A2
                mtspr 624,r29
                lis   r29,0x8000
                ori   r29,r29,0x100
                #ZEXT r29
                mtspr 625,r29
                lis   r29,0x2000
                mtspr 626,r29
                rlwinm r29,r22,9,17,17
                oris  r29,r29,0x8
                ori   r29,r29,0x07
                mtspr 627,r29
                tlbwe
                isync
            2:  bdnz  loop1
                li    r29,user@l
                mtsrr0 r29
                mfmsr r29
                ori   r29,r29,0x4000       # MSR[PR]
                mtsrr1 r29
                rfi
            user:
                lis   r15,0x3100           # other unmapped pages
                li    r5,%d
                mtctr r5
            loop2:
                addi  r3,r3,0x111
                lwz   r4,0x10(r12)         # UR: hits
                stw   r3,0x14(r12)         # no UW: Data Storage
                lwz   r17,0(r14)           # supervisor-only (cached by the supervisor): Data Storage
                lwz   r16,0(r13)
                lhz   r8,0x22(r12)
                lbz   r10,0x33(r12)
                rlwinm r18,r3,8,17,19
                stwx  r3,r15,r18           # Data TLB error until mapped, then hits
                lwzx  r9,r15,r18
                lfd   f3,0x40(r12)
                add   r21,r21,r4
                add   r21,r21,r8
                add   r21,r21,r9
                add   r21,r21,r10
                add   r21,r21,r16
                add   r21,r21,r17
                bdnz  loop2
                mfmsr r0                   # privileged: Program, whose handler stops
            """.formatted(PASSES, PASSES);

    private static List<Long> run(Cpu cpu, int slice) {
        StopReason r;
        boolean remapped = false;
        do {
            r = cpu.run(slice);
            if (cpu.lastEngineError() != null) throw new AssertionError("engine error", cpu.lastEngineError());
            if (!remapped && r == StopReason.BUDGET && cpu.instructionsRetired() >= HOST_REMAP_AT) {
                cpu.tlbWrite(1, 1, 0x80000100, 0x20000000, PAGE_A3 | 0x07, 0);   // seen until the guest's next remap
                remapped = true;
            }
        } while (r == StopReason.BUDGET);
        assertEquals(StopReason.HYPERCALL, r, cpu::stopDetail);
        List<Long> v = new ArrayList<>();
        for (int i = 0; i < 32; i++) v.add(cpu.gpr(i) & 0xFFFFFFFFL);
        for (int i = 1; i <= 3; i++) v.add(cpu.fpr(i));
        v.addAll(List.of((long) cpu.cr(), cpu.ctr(), cpu.xer(), cpu.pc(), cpu.instructionsRetired(), cpu.msr()));
        for (int spr : new int[] {Spr.SRR0, Spr.SRR1, Spr.DEAR, Spr.ESR, Spr.MAS0, Spr.MAS1, Spr.MAS2, Spr.MAS3, Spr.MAS6}) {
            v.add(cpu.spr(spr));
        }
        GuestMemory mem = cpu.memory();
        long h = 0;
        for (int a = PAGE_A; a < PAGE_A3 + 0x1000; a += 4) h = h * 31 + mem.load32(a);
        v.add(h);
        return v;
    }

    private static Cpu boot(CpuModel m, MemoryImage image, Tier t) {
        Cpu cpu = new Cpu(m, new GuestMemory(image));
        cpu.setTranslation(Translation.BOOK_E);
        cpu.reset();
        cpu.tlbWrite(1, 0, 0xC0000500, 0, 0x3F, 0);       // EA 0 -> PA 0, 1 MiB, IPROT, all permissions
        cpu.setSpr(Spr.ivorSpr(2), 0x100);
        cpu.setSpr(Spr.ivorSpr(13), 0x200);
        cpu.setSpr(Spr.ivorSpr(6), 0x300);
        cpu.setMsr(Msr.FP);
        cpu.setPc(0);
        t.select(cpu, 1);
        return cpu;
    }

    @Test
    void inlineSoftTlbHitsGiveTheInterpretersStateWithMissesFaultsAndRemaps() {
        for (CpuModel m : CpuModel.values()) {
            String text = m.has64Bit() ? PROGRAM.replaceAll("#ZEXT (r\\d+)", "clrldi $1,$1,32") : PROGRAM;
            byte[] code = Binutils.assemble(text, m.has64Bit());
            GuestMemory built = new GuestMemory(RAM);
            built.write(0, code, 0, code.length);
            for (int a = PAGE_A; a < PAGE_A3 + 0x1000; a += 4) built.store32(a, a * 0x9E3779B1);
            MemoryImage image = built.snapshot();
            List<Long> interpreted = run(boot(m, image, Tier.INTERPRETER), 1_000_000);
            long before = Interpreter.regionsTranslated();
            for (int slice : new int[] {1_000_000, 1, 7, 100, 1000}) {
                // sliced runs see the host's remap: the interpreter with the same slices is the reference
                List<Long> reference = slice == 1_000_000 ? interpreted : run(boot(m, image, Tier.INTERPRETER), slice);
                if (slice != 1_000_000) {
                    assertTrue(!reference.getLast().equals(interpreted.getLast()), m + ": the host's remap was seen (stores went to A3)");
                }
                for (Tier t : new Tier[] {Tier.REGIONS, Tier.BLOCKS}) {
                    assertEquals(reference, run(boot(m, image, t), slice), m + " " + t + " slice " + slice);
                }
            }
            assertTrue(Interpreter.regionsTranslated() > before, m + ": regions were translated");
            assertEquals(4L * PASSES, interpreted.get(25), m + ": r25, Data Storage interrupts (two a pass in each loop)");
            assertTrue(interpreted.get(24) >= 8 * (PASSES / 32) + 8, m + ": r24, Data TLB errors " + interpreted.get(24));
            assertTrue((interpreted.get(42) & Msr.PR) != 0, m + ": SRR1, the Program interrupt came from the user loop");
        }
    }
}
