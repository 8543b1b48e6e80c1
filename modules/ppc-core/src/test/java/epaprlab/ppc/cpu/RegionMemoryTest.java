package epaprlab.ppc.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.ppc.exec.Interpreter;
import epaprlab.ppc.mem.GuestMemory;
import epaprlab.ppc.mem.MemoryImage;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The edges of the region tier's inline loads and stores (its fast path reads and writes the
 * memory's pages itself; everything else goes to {@link epaprlab.ppc.exec.CpuState}'s accessors):
 * accesses that cross a page or are misaligned inside one, the first store into a page shared with
 * the memory's image (copy-on-write), stores into data beside the code of a watched page, a store
 * into the running region right after them, a load outside RAM (Data Storage interrupt), FP
 * loads and stores (the first one with MSR[FP] = 0: FP Unavailable). Every
 * program runs interpreted, in the block tier and in the region tier (translated on this thread),
 * for several budget slicings, on memories made from one image: all end in the same state, and
 * the image is never written.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RegionMemoryTest {

    /** r12: a data page of the image (0x6000); r20: data in the code's own page. */
    private static String program(CpuModel m) {
        String wide = m.has64Bit() ? """
                    std   r3,0xffc(r12)    # crosses into the next page
                    ld    r13,0xffc(r12)
                    stdx  r3,r12,r15       # misaligned inside the page
                    ldx   r14,r12,r15
                    add   r21,r21,r13
                    add   r21,r21,r14
                """ : "";
        return """
                _start:
                    li    r1,0
                    mtspr 63,r1            # IVPR = 0
                    li    r2,on_dsi@l
                    mtspr 402,r2           # IVOR2: data storage
                    li    r2,on_fpu@l
                    mtspr 407,r2           # IVOR7: FP unavailable (MSR[FP] starts 0)
                    li    r26,0x6400
                    li    r27,0x7100
                    li    r12,0x6000
                    li    r15,0x203
                    li    r20,data@l
                    lis   r10,0x7000       # outside RAM
                    li    r3,0
                    li    r21,0
                    lis   r7,0x3863
                    ori   r7,r7,0x222      # the word of addi r3,r3,0x222
                    li    r6,head@l
                    li    r5,300
                    mtctr r5
                loop:
                    cmpwi r3,0x7000
                    blt   head
                    stw   r7,0(r6)         # from then on, head adds 0x222 (a store into the running region)
                head:
                    addi  r3,r3,0x111
                    stw   r3,0xffe(r12)    # crosses into the next page
                    lwz   r4,0xffe(r12)
                    sth   r3,0xfff(r12)
                    lhz   r8,0xfff(r12)
                    lha   r9,0xfff(r12)
                    stw   r3,0x101(r12)    # misaligned inside the page
                    lwz   r11,0x101(r12)
                    stb   r3,0(r20)        # beside the code, in its (watched) page
                    sth   r3,2(r20)
                    stwu  r4,4(r20)
                    lbz   r16,-4(r20)
                    lhz   r17,-2(r20)
                    lwz   r18,0(r20)
                    lbzx  r19,r12,r15
                    lfd   f1,0x100(r12)    # the first one: FP Unavailable, then again with MSR[FP] = 1
                    stfd  f1,0xffc(r12)    # crosses into the next page
                    lfd   f2,0xffc(r12)
                    stfdx f2,r12,r15       # misaligned inside the page
                    lfdx  f3,r12,r15
                    lfdu  f4,8(r26)
                    stfdu f3,8(r27)
                    stfd  f4,8(r20)        # beside the code
                    add   r21,r21,r4
                    add   r21,r21,r8
                    add   r21,r21,r9
                    add   r21,r21,r11
                    add   r21,r21,r16
                    add   r21,r21,r17
                    add   r21,r21,r18
                    add   r21,r21,r19
                """ + wide + """
                    andi. r0,r3,0xf00
                    bne   1f
                    lwz   r0,0(r10)        # faults: Data Storage
                1:  bdnz  loop
                    sc    1
                    .balign 16
                on_dsi:
                    mfsrr0 r0
                    add   r22,r22,r0
                    mfspr r0,61            # DEAR
                    add   r22,r22,r0
                    mfspr r0,62            # ESR
                    add   r22,r22,r0
                    mfsrr0 r1
                    addi  r1,r1,4
                    mtsrr0 r1
                    rfi
                    .balign 16
                on_fpu:
                    mfsrr1 r1
                    ori   r1,r1,0x2000     # MSR[FP]; SRR0 is the lfd, run again
                    mtsrr1 r1
                    addi  r23,r23,1
                    rfi
                    .balign 64
                data:
                    .space 1300
                """;
    }

    private static List<Long> run(Cpu cpu, int slice) {
        Slices.runToHypercall(cpu, slice);
        return Slices.state(cpu, 0x8000);
    }

    @Test
    void inlineLoadsAndStoresGiveTheInterpretersStateAtTheirEdges() {
        for (CpuModel m : CpuModel.values()) {
            GuestMemory built = new GuestMemory(ProgramTest.RAM);
            byte[] code = Binutils.assemble(program(m), m.has64Bit());
            built.write(0, code, 0, code.length);
            for (int a = 0x6000; a < 0x8000; a += 4) built.store32(a, a * 0x9E3779B1);   // image data to copy on write
            MemoryImage image = built.snapshot();
            List<Long> interpreted = run(Tier.INTERPRETER.boot(m, image), 1_000_000);
            long before = Interpreter.regionsTranslated();
            for (int slice : new int[] {1_000_000, 1, 7, 100}) {
                for (Tier t : new Tier[] {Tier.REGIONS, Tier.BLOCKS}) {
                    assertEquals(interpreted, run(t.boot(m, image), slice), m + " " + t + " slice " + slice);
                }
            }
            assertTrue(Interpreter.regionsTranslated() > before, m + ": regions were translated");
            GuestMemory fresh = new GuestMemory(image);
            assertEquals(0x6000 * 0x9E3779B1, fresh.load32(0x6000), "the image's page was copied, not written");
            assertEquals(0x38630111, fresh.load32(4 * headIndex(code)), "the image's code was not patched");
            assertEquals(106 * 0x111 + 194 * 0x222, interpreted.get(3), m + ": r3 (the patched head ran from the 107th pass on)");
            assertTrue(interpreted.get(22) != 0, m + ": the Data Storage interrupts were taken");
            assertEquals(1L, interpreted.get(23), m + ": one FP Unavailable interrupt");
        }
    }

    /**
     * A FLAT region keeps the page of its last access in a local when the page is this RAM's own
     * (RegionMemEmitter's page cache). Every pass reads a page of the image not yet copied (never
     * cached), makes the first store into it (it is copied: the read table's entry changes) and
     * reads it again, switches to the data page and back: the copy's words, the stored one and
     * the image's, by every size, aligned and not. Caching the image's page, or keeping
     * the cached page after the copy, reads the image's old bytes and fails it.
     */
    @Test
    void loadsSeeTheCopyOfAPageAfterItsFirstStore() {
        String program = """
                _start:
                    lis   r12,1            # 0x10000: 64 pages of the image, one per pass
                    li    r13,0x2000       # a data page (this RAM's own after the first pass)
                    li    r3,0x55
                    li    r21,0
                    li    r5,64
                    mtctr r5
                loop:
                    lwz   r4,0(r12)        # the image's page: not this RAM's own yet
                    stw   r3,4(r12)        # the first store into it: copied
                    lwz   r6,4(r12)        # the copy's words from here on
                    lwz   r7,0(r12)
                    lwz   r5,8(r13)        # the data page, then back
                    stw   r6,8(r13)
                    lbz   r8,5(r12)
                    lhz   r9,6(r12)
                    lwz   r10,0x102(r12)   # misaligned inside the page
                    lha   r11,0xffe(r12)
                    lbz   r14,0xfff(r12)
                    lwz   r15,8(r12)
                    add   r21,r21,r4
                    add   r21,r21,r5
                    add   r21,r21,r6
                    add   r21,r21,r7
                    add   r21,r21,r8
                    add   r21,r21,r9
                    add   r21,r21,r10
                    add   r21,r21,r11
                    add   r21,r21,r14
                    add   r21,r21,r15
                    addi  r3,r3,0x123
                    addi  r12,r12,0x1000
                    bdnz  loop
                    sc    1
                """;
        for (CpuModel m : CpuModel.values()) {
            GuestMemory built = new GuestMemory(ProgramTest.RAM);
            byte[] code = Binutils.assemble(program, m.has64Bit());
            built.write(0, code, 0, code.length);
            for (int a = 0x10000; a < 0x50000; a += 4) built.store32(a, a * 0x9E3779B1);
            MemoryImage image = built.snapshot();
            List<Long> interpreted = run(Tier.INTERPRETER.boot(m, image), 1_000_000);
            for (int slice : new int[] {1_000_000, 1, 7, 100}) {
                for (Tier t : new Tier[] {Tier.REGIONS, Tier.BLOCKS}) {
                    assertEquals(interpreted, run(t.boot(m, image), slice), m + " " + t + " slice " + slice);
                }
            }
            int last = 0x10000 + 63 * 0x1000;
            assertEquals(0x55 + 63 * 0x123, interpreted.get(6), m + ": r6, the word stored into the last page's copy");
            assertEquals(last * 0x9E3779B1L & 0xFFFFFFFFL, interpreted.get(7), m + ": r7, the image's word in the copy");
            assertEquals(interpreted.get(7), interpreted.get(4), m + ": r4, the image's word before the copy");
            assertEquals((last + 8) * 0x9E3779B1L & 0xFFFFFFFFL, interpreted.get(15), m + ": r15");
        }
    }

    /** B: an endless loop at 0x30000 whose first instruction (li r3,1) A rewrites. */
    private static final String WATCHED = """
            loop:
                li    r3,1
                addi  r4,r4,1
                b     loop
            """;

    /**
     * A, at 0x20000: stores into page 0x30000 forever, beside B's code (0x30800) and over B's
     * first word with the same base register (one page-cache slot: its page stays cached), the
     * old word until the flag at 0x40000 is set, then li r3,2; counts passes at 0x40010.
     */
    private static final String WRITER = """
                lis   r7,3
                ori   r7,r7,0x800      # beside B's code, in its page
                lis   r8,4             # the flag and the pass count
                lis   r10,0x3860
                ori   r10,r10,2        # li r3,2
                lis   r11,0x3860
                ori   r11,r11,1        # li r3,1
                li    r13,0
            loop:
                stw   r13,0(r7)
                lwz   r5,0(r8)
                cmpwi r5,0
                mr    r9,r11
                beq   1f
                mr    r9,r10
            1:  stw   r9,-0x800(r7)    # over B's first word
                addi  r13,r13,1
                stw   r13,16(r8)
                b     loop
            """;

    /**
     * The page cache of stores keeps a page's watched code lines while the memory's watch epoch
     * stays the same. Here vCPU A's region caches page 0x30000 while nothing is translated there
     * and goes on storing into it in the same run; vCPU B (same RAM, this thread) then translates
     * its loop in that page (watched from then on), and A rewrites B's first word: B's next
     * entries must run the new word. A cache that kept A's lines from before the watch writes
     * past it without moving the page's code generation on, and B runs its old translation (r3
     * stays 1).
     */
    @Test
    void aPageWatchedByAnotherVcpuWhileAStoreCachesItIsNotWrittenPast() throws Exception {
        for (CpuModel m : CpuModel.values()) {
            for (Tier t : Tier.values()) {
                GuestMemory mem = new GuestMemory(ProgramTest.RAM);
                byte[] b0 = Binutils.assemble(".org 0x30000\n" + WATCHED, m.has64Bit());
                mem.write(0x30000, b0, 0x30000, b0.length - 0x30000);
                byte[] a0 = Binutils.assemble(".org 0x20000\n" + WRITER, m.has64Bit());
                mem.write(0x20000, a0, 0x20000, a0.length - 0x20000);
                mem.store32(0x40000, 0);
                Cpu a = new Cpu(m, mem), b = new Cpu(m, mem);
                t.select(a, 1);
                t.select(b, 1);
                a.setPc(0x20000);
                b.setPc(0x30000);
                Thread writer = Thread.ofPlatform().start(() -> {
                    while (a.run(Long.MAX_VALUE / 2) != StopReason.KICKED) { }
                });
                try {
                    passes(mem, 2_000);                        // A's region has cached page 0x30000
                    assertEquals(StopReason.BUDGET, b.run(3_000));
                    assertEquals(1L, b.gpr(3), m + " " + t + ": B's old word");
                    passes(mem, mem.load32(0x40010) + 2_000);  // A stores on, past B's watch
                    mem.store32(0x40000, 1);
                    passes(mem, mem.load32(0x40010) + 2_000);  // li r3,2 written over B's first word
                    assertEquals(StopReason.BUDGET, b.run(3_000));
                    assertEquals(2L, b.gpr(3), m + " " + t + ": B runs the word A wrote after B's translation");
                } finally {
                    a.requestStop();
                    writer.join(10_000);
                }
            }
        }
    }

    /** Waits (bounded by the test's timeout) until writer A's pass count reaches {@code n}. */
    private static void passes(GuestMemory mem, int n) throws InterruptedException {
        while (mem.load32(0x40010) - n < 0) Thread.sleep(1);
    }

    /** The word index of addi r3,r3,0x111 (head) in the assembled code. */
    private static int headIndex(byte[] code) {
        for (int i = 0; i + 4 <= code.length; i += 4) {
            int w = (code[i] & 0xFF) << 24 | (code[i + 1] & 0xFF) << 16 | (code[i + 2] & 0xFF) << 8 | code[i + 3] & 0xFF;
            if (w == 0x38630111) return i / 4;
        }
        throw new AssertionError("no addi r3,r3,0x111");
    }
}
