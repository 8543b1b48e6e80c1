package epaprlab.ppc.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.ppc.mem.GuestMemory;
import epaprlab.ppc.mem.PhysicalBus;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Book E MMU one instruction or interrupt at a time, on e500mc, e5500 in 32-bit mode and e5500
 * in 64-bit mode. Every program runs with {@link Translation#BOOK_E} from EA 0, which TLB1[0]
 * maps to PA 0 (1 MiB, IPROT, all permissions); data page A is PA 0x80000, page B PA 0x81000;
 * interrupt n vectors to 0x100 + 0x10·n, which sets r31 = n and stops with {@code sc 1}; the
 * body ends with r31 = -1. Expected values are SPRs by name, GPRs ("r6") or the IVOR ("int").
 * (The same behaviour is checked against QEMU by MmuQemuDifferentialTest.)
 */
class MmuTest {
    static final int RAM = 1 << 20;
    static final long PAGE_A = 0x80000, PAGE_B = 0x81000;
    static final int BOOT_MAS1 = 0xC0000500;       // V, IPROT, 1 MiB

    enum Mode {
        E500MC(CpuModel.E500MC, false), E5500_32(CpuModel.E5500, false), E5500_64(CpuModel.E5500, true);
        final CpuModel model;
        final boolean wide;
        Mode(CpuModel model, boolean wide) { this.model = model; this.wide = wide; }
    }

    record Case(String name, String body, Map<String, Long> expect) {
        @Override public String toString() { return name; }
    }

    static Map<String, Long> expect(Object... kv) {
        Map<String, Long> m = new TreeMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], ((Number) kv[i + 1]).longValue());
        return m;
    }

    /** MAS writes: setmas MAS0, MAS1, MAS2, MAS3 (MAS7 = 0) through r3. */
    static String setmas(long m0, long m1, long m2, long m3) {
        return li("r3", m0) + "mtspr 624,r3\n" + li("r3", m1) + "mtspr 625,r3\n" + li("r3", m2) + "mtspr 626,r3\n"
                + li("r3", m3) + "mtspr 627,r3\nli r3,0\nmtspr 944,r3\n";
    }

    static String tlbwe(long m0, long m1, long m2, long m3) { return setmas(m0, m1, m2, m3) + "tlbwe\nisync\n"; }

    static String li(String r, long v) {
        return "lis %s,0x%x\nori %s,%s,0x%x\n".formatted(r, (v >>> 16) & 0xFFFF, r, r, v & 0xFFFF)
                + (v >= 0x80000000L && v <= 0xFFFFFFFFL ? "#ZEXT %s\n".formatted(r) : "");   // clrldi on e5500
    }

    /** Jumps over the padding to 0x400, where the instruction under test goes. */
    static final String AT_400 = "b 9f\n.org 0x400\n9: ";

    /** TLB0 entry: EA 0x20000000 -> page A, SR|SW|UR. */
    static final String MAP_A = tlbwe(0x00000000, 0x80000000L, 0x20000000, PAGE_A | 0x07);

    static Stream<Object[]> cases() {
        List<Case> cs = new ArrayList<>();
        cs.add(new Case("tlbwe into TLB0 forces 4 KiB, drops IPROT, masks the EPN; tlbre reads it back",
                tlbwe(0x00020000, 0xC0000400L, 0x20000ABEL, 0x3000 | 0x3F) + "li r3,0\nmtspr 625,r3\nmtspr 627,r3\n"
                        + li("r3", 0x00020000) + "mtspr 624,r3\n" + li("r3", 0x20000000) + "mtspr 626,r3\ntlbre\n",
                expect("MAS0", 0x00020000, "MAS1", 0x80000100L, "MAS2", 0x2000003EL, "MAS3", 0x303F, "int", -1)));
        cs.add(new Case("TLB1 entry keeps IPROT and size; EPN masked to the page",
                tlbwe(0x10050000, 0xC0000200L, 0x70002ABCL, 0x1005) + li("r3", 0x10050000) + "mtspr 624,r3\ntlbre\n",
                expect("MAS0", 0x10050000, "MAS1", 0xC0000200L, "MAS2", 0x7000003CL, "MAS3", 0x1005, "int", -1)));
        cs.add(new Case("tlbwe TLB1 with a 1 KiB page is an illegal instruction",
                setmas(0x10060000, 0x80000000L, 0x71000000, 0x3F) + "" + AT_400 + "tlbwe\n",
                expect("int", 6, "ESR", 0x08000000, "SRR0", 0x400, "SRR1", 0x00080000)));
        cs.add(new Case("tlbwe TLBSEL=2 is an illegal instruction; tlbre TLBSEL=2 clears MAS1",
                li("r3", 0x20000000) + "mtspr 624,r3\nli r3,-1\nmtspr 625,r3\ntlbre\nmfspr r6,625\n" + "" + AT_400 + "tlbwe\n",
                expect("r6", 0, "int", 6, "ESR", 0x08000000, "SRR0", 0x400)));
        cs.add(new Case("translation through a TLB0 entry",
                MAP_A + li("r4", PAGE_A) + li("r5", 0x11223344) + "stw r5,0x10(r4)\n" + li("r4", 0x20000000) + "lwz r6,0x10(r4)\n",
                expect("r6", 0x11223344, "int", -1)));
        cs.add(new Case("tlbsx hit loads the entry; NV is the victim counter",
                MAP_A + "li r3,0\nmtspr 630,r3\n" + li("r4", 0x20000123) + "tlbsx 0,r4\n",
                expect("MAS0", 0, "MAS1", 0x80000100L, "MAS2", 0x20000000, "MAS3", PAGE_A | 0x07, "int", -1)));
        cs.add(new Case("tlbsx miss loads MAS4 defaults and advances the victim",
                li("r3", 0x00050001) + "mtspr 630,r3\n" + li("r3", 0x10030F9F) + "mtspr 628,r3\n" + li("r4", 0x30000000)
                        + "tlbsx 0,r4\ntlbsx 0,r4\n",
                expect("MAS0", 0x10010002, "MAS1", 0x00051F80, "MAS2", 0x1F, "MAS3", 0, "MAS7", 0, "int", -1)));
        cs.add(new Case("Data TLB error on a load: MAS from MAS4/PID1, MAS6 = PID0, ESR 0",
                li("r3", 0x00010A8A) + "mtspr 628,r3\nli r3,7\nmtspr 48,r3\nli r3,9\nmtspr 633,r3\n" + li("r4", 0x30000010)
                        + "" + AT_400 + "lwz r6,0(r4)\n",
                expect("int", 13, "SRR0", 0x400, "ESR", 0, "DEAR", 0x30000010, "MAS0", 0x1, "MAS1", 0x80090A80L,
                        "MAS2", 0x3000000A, "MAS3", 0, "MAS6", 0x00070000)));
        cs.add(new Case("Data TLB error on a store sets ESR[ST]",
                li("r4", 0x30001020) + "" + AT_400 + "stw r6,0(r4)\n",
                expect("int", 13, "SRR0", 0x400, "ESR", 0x00800000, "DEAR", 0x30001020, "MAS1", 0x80000000L, "MAS2", 0x30001000)));
        cs.add(new Case("DSI: store to a read-only page, MAS untouched",
                tlbwe(0, 0x80000000L, 0x20001000, PAGE_B | 0x01) + li("r4", 0x20001000) + "lwz r6,4(r4)\n" + AT_400 + "stw r6,8(r4)\n",
                expect("int", 2, "SRR0", 0x400, "ESR", 0x00800000, "DEAR", 0x20001008, "MAS2", 0x20001000)));
        cs.add(new Case("DSI: user load of a supervisor-only page (after a supervisor load cached it)",
                tlbwe(0, 0x80000000L, 0x20001000, PAGE_B | 0x05) + li("r4", 0x20001000) + "lwz r6,0(r4)\n"
                        + "li r3,user@l\nmtsrr0 r3\nmfmsr r3\nori r3,r3,0x4000\nmtsrr1 r3\nrfi\n" + AT_400 + "user: lwz r6,0(r4)\n",
                expect("int", 2, "SRR0", 0x400, "ESR", 0, "DEAR", 0x20001000)));
        cs.add(new Case("TLB instructions are privileged",
                "li r3,user@l\nmtsrr0 r3\nmfmsr r3\nori r3,r3,0x4000\nmtsrr1 r3\nrfi\n" + AT_400 + "user: tlbsx 0,r4\n",
                expect("int", 6, "SRR0", 0x400, "ESR", 0x04000000)));
        cs.add(new Case("Instruction TLB error: SRR0 = DEAR = EA, ESR 0, TS from MSR[IS]",
                li("r3", 0x40000100) + "mtctr r3\nbctr\n",
                expect("int", 14, "SRR0", 0x40000100, "DEAR", 0x40000100, "ESR", 0, "MAS1", 0x80000000L, "MAS2", 0x40000000)));
        cs.add(new Case("Instruction storage interrupt: page without SX",
                tlbwe(0, 0x80000000L, 0x50000000, 0x3000 | 0x05) + li("r3", 0x50000000) + "mtctr r3\nbctr\n",
                expect("int", 3, "SRR0", 0x50000000, "ESR", 0)));
        cs.add(new Case("execution through a mapping, then the same EA remapped to other code",
                tlbwe(0, 0x80000000L, 0x60000000, 0x3000 | 0x15) + li("r3", 0x60000000) + "mtctr r3\nbctrl\nmr r6,r3\n"
                        + tlbwe(0, 0x80000000L, 0x60000000, 0x4000 | 0x15) + li("r3", 0x60000000) + "mtctr r3\nbctrl\nmr r7,r3\n"
                        + "b 1f\n.org 0x3000\nli r3,0x1234\nblr\n.org 0x4000\nli r3,0x5678\nblr\n1:\n",
                expect("r6", 0x1234, "r7", 0x5678, "int", -1)));
        cs.add(new Case("a remap by tlbwe is seen by the next load (software TLB flushed)",
                MAP_A + li("r4", PAGE_B) + "li r5,77\nstw r5,0(r4)\n" + li("r4", 0x20000000) + "lwz r6,0(r4)\n"
                        + tlbwe(0, 0x80000000L, 0x20000000, PAGE_B | 0x07) + "lwz r7,0(r4)\n",
                expect("r6", 0, "r7", 77, "int", -1)));
        cs.add(new Case("a PID change is seen by the next load (software TLB flushed)",
                tlbwe(0, 0x80050000L, 0x20000000, PAGE_A | 0x07) + "li r3,5\nmtspr 48,r3\n" + li("r4", 0x20000000)
                        + "lwz r6,0(r4)\nli r3,6\nmtspr 48,r3\n" + AT_400 + "lwz r6,0(r4)\n",
                expect("int", 13, "SRR0", 0x400, "MAS1", 0x80060000L, "MAS6", 0x00060000)));
        cs.add(new Case("PID1 matches a TID like PID0",
                tlbwe(0, 0x80050000L, 0x20000000, PAGE_A | 0x07) + "li r3,6\nmtspr 48,r3\nli r3,5\nmtspr 633,r3\n" + li("r4", 0x20000000)
                        + "lwz r6,0(r4)\n",
                expect("r6", 0, "int", -1)));
        cs.add(new Case("MSR[DS] selects TS=1 entries",
                tlbwe(0, 0x80001000L, 0x20000000, PAGE_A | 0x07) + li("r4", 0x20000000) + "mfmsr r3\nori r3,r3,0x10\nmtmsr r3\n"
                        + "lwz r6,0(r4)\nli r3,0\nmtmsr r3\n" + AT_400 + "lwz r6,0(r4)\n",
                expect("int", 13, "SRR0", 0x400, "MAS1", 0x80000000L)));
        cs.add(new Case("tlbivax of one page, then the load misses",
                MAP_A + li("r4", 0x20000000) + "lwz r6,0(r4)\ntlbivax 0,r4\ntlbsync\n" + AT_400 + "lwz r6,0(r4)\n",
                expect("int", 13, "SRR0", 0x400)));
        cs.add(new Case("tlbivax of all TLB1 keeps IPROT entries",
                tlbwe(0x10070000, 0x80000100L, 0x73000000, 0x3F) + "li r4,0xC\ntlbivax 0,r4\n" + li("r3", 0x10070000)
                        + "mtspr 624,r3\ntlbre\nmfspr r6,625\n" + li("r3", 0x10000000) + "mtspr 624,r3\ntlbre\nmfspr r7,625\n",
                expect("r6", 0x00000100, "r7", BOOT_MAS1 & 0xFFFFFFFFL, "int", -1)));
        cs.add(new Case("tlbilx T=1 removes TID == SPID in both TLBs, T=3 removes EA with TID 0 or SPID",
                tlbwe(0, 0x80030000L, 0x27000000, PAGE_A | 0x05) + tlbwe(0x00010000, 0x80040000L, 0x27000000, PAGE_A | 0x05)
                        + tlbwe(0x10080000, 0x80030100L, 0x28000000, PAGE_A | 0x05) + li("r3", 0x00030000) + "mtspr 630,r3\ntlbilx 1,0,r4\n"
                        + "li r3,0\nmtspr 624,r3\n" + li("r3", 0x27000000) + "mtspr 626,r3\ntlbre\nmfspr r6,625\n"
                        + li("r3", 0x10080000) + "mtspr 624,r3\ntlbre\nmfspr r7,625\n"
                        + li("r3", 0x00040000) + "mtspr 630,r3\n" + li("r4", 0x27000000) + "tlbilx 3,0,r4\n"
                        + li("r3", 0x00010000) + "mtspr 624,r3\n" + li("r3", 0x27000000) + "mtspr 626,r3\ntlbre\nmfspr r8,625\n",
                expect("r6", 0x00030100, "r7", 0x00030100, "r8", 0x00040100, "int", -1)));
        cs.add(new Case("tlbilx T=0 keeps IPROT; T=2 is illegal",
                MAP_A + "tlbilx 0,0,r4\nli r3,0\nmtspr 624,r3\n" + li("r3", 0x20000000) + "mtspr 626,r3\ntlbre\nmfspr r6,625\n"
                        + li("r3", 0x10000000) + "mtspr 624,r3\ntlbre\nmfspr r7,625\n" + AT_400 + ".long 0x7c402024\n",
                expect("r6", 0x00000100, "r7", BOOT_MAS1 & 0xFFFFFFFFL, "int", 6, "ESR", 0x08000000, "SRR0", 0x400)));
        cs.add(new Case("MMUCSR0 flash-invalidates TLB0 and reads 0",
                MAP_A + li("r4", 0x20000000) + "lwz r6,0(r4)\nli r3,4\nmtspr 1012,r3\nmfspr r7,1012\n" + AT_400 + "lwz r6,0(r4)\n",
                expect("r7", 0, "int", 13, "SRR0", 0x400)));
        cs.add(new Case("configuration registers", "mfspr r6,688\nmfspr r7,689\nmfspr r8,1015\n",
                expect("r6", 0x04110200, "r7", 0x401CC040, "r8", 0, "int", -1)));
        cs.add(new Case("a load across two pages mapped to separate frames",
                tlbwe(0, 0x80000000L, 0x24000000, PAGE_B | 0x05) + tlbwe(0, 0x80000000L, 0x24001000, PAGE_A | 0x05)
                        + li("r4", PAGE_B + 0xFFC) + li("r5", 0xA1A2A3A4L) + "stw r5,0(r4)\n" + li("r4", PAGE_A) + li("r5", 0xB1B2B3B4L)
                        + "stw r5,0(r4)\n" + li("r4", 0x24000FFE) + "lwz r6,0(r4)\n",
                expect("r6", 0xA3A4B1B2L, "int", -1)));
        cs.add(new Case("the device page: a store and a load reach the physical bus",
                tlbwe(0x10010000, 0x80000500L, 0xE000000AL, 0xE0000005L) + "li r3,0xF\nmtspr 944,r3\ntlbwe\n" + li("r4", 0xE0004500L)
                        + "li r5,0x41\nstb r5,0(r4)\nlwz r6,8(r4)\n",
                expect("r6", 0xF_E000_4508L & 0xFFFFFFFFL, "int", -1)));
        cs.add(new Case("dcbst of an unmapped address is a Data TLB error (QEMU treats it as a load)",
                li("r4", 0x31000020) + AT_400 + "dcbst 0,r4\n",
                expect("int", 13, "SRR0", 0x400, "ESR", 0, "DEAR", 0x31000020)));
        cs.add(new Case("icbi probes the line with a load; dcbz of a read-only page is a DSI store",
                MAP_A + li("r4", 0x20000044) + "icbi 0,r4\n" + tlbwe(0, 0x80000000L, 0x20001000, PAGE_B | 0x01) + li("r4", 0x20001010)
                        + AT_400 + "dcbz 0,r4\n",
                expect("int", 2, "SRR0", 0x400, "ESR", 0x00800000, "DEAR", 0x20001000)));
        // dcbz and lwarx/stwcx. take the software TLB's hit when it holds the page (Linux clears
        // pages with dcbz and locks with lwarx/stwcx.): the same frame, permission and faults as the walk
        cs.add(new Case("dcbz through a cached mapping zeroes its frame's line; after a remap, the new frame's",
                MAP_A + li("r4", PAGE_A) + "li r5,77\nstw r5,0x40(r4)\nstw r5,0x80(r4)\n" + li("r4", PAGE_B) + "stw r5,0x40(r4)\n"
                        + li("r4", 0x20000000) + "lwz r6,0x40(r4)\nstw r6,0x44(r4)\naddi r4,r4,0x40\ndcbz 0,r4\n"
                        + tlbwe(0, 0x80000000L, 0x20000000, PAGE_B | 0x07) + "dcbz 0,r4\n"
                        + li("r4", PAGE_A) + "lwz r7,0x40(r4)\nlwz r9,0x80(r4)\n" + li("r4", PAGE_B) + "lwz r8,0x40(r4)\n",
                expect("r6", 77, "r7", 0, "r8", 0, "r9", 77, "int", -1)));
        cs.add(new Case("lwarx/stwcx. through a cached mapping; stwcx. to a cached read-only page is a DSI store",
                MAP_A + li("r4", PAGE_A) + "li r5,5\nstw r5,0x20(r4)\n" + li("r4", 0x20000020) + "lwz r6,0(r4)\n"
                        + "lwarx r6,0,r4\naddi r6,r6,1\nstwcx. r6,0,r4\nmfcr r8\n" + li("r4", PAGE_A) + "lwz r7,0x20(r4)\n"
                        + tlbwe(0, 0x80000000L, 0x20001000, PAGE_B | 0x01) + li("r4", 0x20001010) + "lwz r6,0(r4)\nlwarx r6,0,r4\n"
                        + AT_400 + "stwcx. r6,0,r4\n",
                expect("r7", 6, "r8", 0x20000000, "int", 2, "SRR0", 0x400, "ESR", 0x00800000, "DEAR", 0x20001010)));
        cs.add(new Case("an SPR the core lacks is a supervisor no-op; SPR 0 is a privileged-instruction interrupt",
                "li r6,0x55\nmfspr r6,1000\nmtspr 1000,r6\n" + AT_400 + "mfspr r7,0\n",
                expect("r6", 0x55, "int", 6, "SRR0", 0x400, "ESR", 0x04000000, "SRR1", 0x00040000)));
        List<Object[]> out = new ArrayList<>();
        for (Mode m : Mode.values()) for (Case c : cs) out.add(new Object[] {m, c});
        return out.stream();
    }

    /** A bus double: records writes; a load returns the low word of its address. */
    static class Recorder implements PhysicalBus {
        final List<String> log = new ArrayList<>();
        @Override public long read(long pa, int size) { log.add("r%x/%d".formatted(pa, size)); return pa & 0xFFFFFFFFL; }
        @Override public void write(long pa, int size, long value) { log.add("w%x/%d=%x".formatted(pa, size, value)); }
        @Override public boolean decodes(long pa) { return pa >= 0xF_0000_0000L; }
    }

    static Cpu boot(Mode mode, String body, PhysicalBus bus) {
        StringBuilder src = new StringBuilder("b body\n");
        for (int n : new int[] {2, 3, 5, 6, 13, 14}) src.append(".org 0x%x\nli r31,%d\nsc 1\n".formatted(0x100 + 0x10 * n, n));
        src.append(".org 0x200\nbody:\n").append(body).append("\nli r31,-1\nsc 1\n");
        String text = mode.model.has64Bit() ? src.toString().replaceAll("#ZEXT (r\\d+)", "clrldi $1,$1,32") : src.toString();
        byte[] image = Binutils.assemble(text, mode.model.has64Bit());
        GuestMemory mem = new GuestMemory(RAM);
        mem.write(0, image, 0, image.length);
        Cpu cpu = new Cpu(mode.model, mem);
        cpu.setPhysicalBus(bus);
        cpu.setTranslation(Translation.BOOK_E);
        cpu.reset();
        cpu.tlbWrite(1, 0, BOOT_MAS1, 0, 0x3F, 0);
        for (int n : new int[] {2, 3, 5, 6, 13, 14}) cpu.setSpr(Spr.ivorSpr(n), 0x100 + 0x10 * n);
        if (mode.wide) {
            cpu.setSpr(Spr.EPCR, Spr.EPCR_ICM);
            cpu.setMsr(Msr.CM);
        }
        cpu.setPc(0);
        return cpu;
    }

    static final Map<String, Integer> SPRS = Map.ofEntries(Map.entry("MAS0", Spr.MAS0), Map.entry("MAS1", Spr.MAS1),
            Map.entry("MAS2", Spr.MAS2), Map.entry("MAS3", Spr.MAS3), Map.entry("MAS6", Spr.MAS6), Map.entry("MAS7", Spr.MAS7),
            Map.entry("ESR", Spr.ESR), Map.entry("DEAR", Spr.DEAR), Map.entry("SRR0", Spr.SRR0), Map.entry("SRR1", Spr.SRR1));

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void mmuCase(Mode mode, Case c) {
        Cpu cpu = boot(mode, c.body(), new Recorder());
        StopReason r = cpu.run(100_000);
        assertEquals(StopReason.HYPERCALL, r, () -> "stop " + r + ": " + cpu.stopDetail());
        String state = "int %d SRR0 %x ESR %x DEAR %x".formatted(cpu.gpr(31), cpu.spr(Spr.SRR0), cpu.spr(Spr.ESR), cpu.spr(Spr.DEAR));
        for (var e : c.expect().entrySet()) {
            String k = e.getKey();
            long want = e.getValue();
            long got;
            if (k.equals("int")) got = cpu.gpr(31);
            else if (k.startsWith("r")) got = cpu.gpr(Integer.parseInt(k.substring(1)));
            else got = cpu.spr(SPRS.get(k));
            if (k.equals("SRR1")) got &= 0x00FFFFFFL;                  // the reason bits, not CM
            if (!mode.wide && !k.equals("int") && !k.startsWith("r")) got &= 0xFFFFFFFFL;
            if (k.startsWith("r") && !k.equals("r31")) got &= 0xFFFFFFFFL;
            if (k.equals("int")) { assertEquals(want, got, k + "; " + state); continue; }
            assertEquals(want & 0xFFFFFFFFL, got & 0xFFFFFFFFL, k + "; " + state);
        }
    }

    @Test
    void sixtyFourBitEffectiveAddresses() {
        String body = "li r3,1\nsldi r3,r3,32\noris r3,r3,0x7000\nmtspr 626,r3\n" + li("r3", 0x10040000) + "mtspr 624,r3\n"
                + li("r3", 0x80000100L) + "mtspr 625,r3\n" + li("r3", PAGE_A | 0x05) + "mtspr 627,r3\ntlbwe\n"
                + li("r4", PAGE_A) + "li r5,99\nstw r5,4(r4)\nli r4,1\nsldi r4,r4,32\noris r4,r4,0x7000\nlwz r6,4(r4)\n"
                + "li r4,2\nsldi r4,r4,32\noris r4,r4,0x8000\n" + AT_400 + "lwz r6,0x10(r4)\n";
        Cpu cpu = boot(Mode.E5500_64, body, new Recorder());
        assertEquals(StopReason.HYPERCALL, cpu.run(100_000), cpu.stopDetail());
        assertEquals(13, cpu.gpr(31));
        assertEquals(99, cpu.gpr(6));
        assertEquals(0x2_8000_0010L, cpu.spr(Spr.DEAR));
        assertEquals(0x2_8000_0000L, cpu.spr(Spr.MAS2));
        // written in 32-bit mode the entry loses EPN bits 63:32, and EAs are truncated
        Cpu c32 = boot(Mode.E5500_32, body.replace("li r4,1\nsldi r4,r4,32\noris r4,r4,0x7000\n", li("r4", 0x70000000)), new Recorder());
        assertEquals(StopReason.HYPERCALL, c32.run(100_000), c32.stopDetail());
        assertEquals(13, c32.gpr(31));
        assertEquals(99, c32.gpr(6), "EPN 0x70000000 maps page A");
        assertEquals(0x80000010L, c32.spr(Spr.DEAR));
        assertEquals(0x80000000L, c32.spr(Spr.MAS2));
    }

    /** QEMU 7.2 ignores MAS2[E]: a little-endian page is read and written big-endian (LittleEndianPageQemuTest). */
    @Test
    void littleEndianPageIsAccessedBigEndian() {
        Cpu cpu = boot(Mode.E500MC, tlbwe(0, 0x80000000L, 0x20000001, PAGE_A | 0x07) + li("r4", 0x20000000) + li("r5", 0x11223344)
                + "stw r5,8(r4)\nlhz r6,8(r4)\nlbz r7,11(r4)\n", new Recorder());
        assertEquals(StopReason.HYPERCALL, cpu.run(100_000), cpu.stopDetail());
        assertEquals(0x1122, cpu.gpr(6));
        assertEquals(0x44, cpu.gpr(7));
    }

    @Test
    void fetchFromAPhysicalAddressOutsideRamStops() {
        Cpu cpu = boot(Mode.E500MC, tlbwe(0, 0x80000000L, 0x60000000, 0x00200000 | 0x15) + li("r3", 0x60000000) + "mtctr r3\nbctr\n", new Recorder());
        assertEquals(StopReason.UNHANDLED_INTERRUPT, cpu.run(100_000));
        assertEquals(0x60000000L, cpu.stopPc());
        assertTrue(cpu.stopDetail().contains("outside RAM"), cpu.stopDetail());
    }

    @Test
    void deviceAccessesReachTheBusWithTheirPhysicalAddressAndSize() {
        Recorder bus = new Recorder();
        Cpu cpu = boot(Mode.E500MC, tlbwe(0x10010000, 0x80000500L, 0xE000000AL, 0xE0000005L) + "li r3,0xF\nmtspr 944,r3\ntlbwe\n"
                + li("r4", 0xE0004500L) + "li r5,0x41\nstb r5,0(r4)\nlhz r6,2(r4)\nstw r5,4(r4)\n", bus);
        assertEquals(StopReason.HYPERCALL, cpu.run(100_000), cpu.stopDetail());
        assertEquals(List.of("wfe0004500/1=41", "rfe0004502/2", "wfe0004504/4=41"), bus.log);
        assertEquals(0x4502, cpu.gpr(6));
    }

    @Test
    void flatModeSendsAccessesOutsideRamToTheBusWhenItDecodesThem() {
        Recorder bus = new Recorder() {
            @Override public boolean decodes(long pa) { return pa >= 0xE0000000L; }
        };
        byte[] image = Binutils.assemble(li("r4", 0xE0000000L) + "li r5,7\nstw r5,0(r4)\nlwz r6,8(r4)\nsc 1\n", false);
        GuestMemory mem = new GuestMemory(RAM);
        mem.write(0, image, 0, image.length);
        Cpu cpu = new Cpu(CpuModel.E500MC, mem);
        cpu.setPhysicalBus(bus);
        cpu.setPc(0);
        assertEquals(StopReason.HYPERCALL, cpu.run(1000), cpu.stopDetail());
        assertEquals(List.of("we0000000/4=7", "re0000008/4"), bus.log);
        assertEquals(0xE0000008L, cpu.gpr(6));
    }

    @Test
    void resetInvalidatesEveryEntryAndTlbWriteChecksItsArguments() {
        Cpu cpu = boot(Mode.E500MC, "", new Recorder());
        cpu.reset();
        cpu.setPc(0x200);
        assertEquals(StopReason.UNHANDLED_INTERRUPT, cpu.run(10), "no mapping, no IVOR14 after reset");
        assertEquals(14, cpu.stopInterrupt());
        assertThrows(IllegalArgumentException.class, () -> cpu.tlbWrite(1, 0, 0x80000000, 0, 0x3F, 0));
        assertThrows(IllegalArgumentException.class, () -> cpu.tlbWrite(2, 0, 0x80000800, 0, 0x3F, 0));
        assertThrows(IllegalArgumentException.class, () -> cpu.tlbWrite(0, 4, 0x80000800, 0, 0x3F, 0));
        Cpu flat = new Cpu(CpuModel.E500MC, new GuestMemory(RAM));
        assertThrows(IllegalStateException.class, () -> flat.tlbWrite(1, 0, 0x80000800, 0, 0x3F, 0));
    }

    @Test
    void externalProxyPutsTheAcknowledgedVectorInEpr() {
        Cpu cpu = boot(Mode.E500MC, "li r3,0\nori r3,r3,0x8000\nmtmsr r3\nb .\n", new Recorder());
        cpu.setSpr(Spr.ivorSpr(4), 0x140);
        cpu.setExternalProxy(() -> 0x2A);
        cpu.setExternalInterrupt(true);
        byte[] handler = Binutils.assemble("mfspr r7,702\nli r31,4\nsc 1\n", false);
        cpu.memory().write(0x140, handler, 0, handler.length);
        assertEquals(StopReason.HYPERCALL, cpu.run(100_000), cpu.stopDetail());
        assertEquals(4, cpu.gpr(31));
        assertEquals(0x2A, cpu.gpr(7));
    }

    /**
     * tlbivax on one vCPU reaches the other vCPU of the same RAM: B loops accessing through a
     * mapping (a load, a reservation, a dcbz: each served by the software TLB while it holds the
     * page); A invalidates it with tlbivax + tlbsync; B's next access takes the Data TLB error.
     */
    @ParameterizedTest
    @ValueSource(strings = {"lwz r6,0(r4)", "lwarx r6,0,r4", "dcbz 0,r4"})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void tlbivaxIsBroadcastToTheOtherCpusOfTheRam(String access) throws Exception {
        GuestMemory mem = new GuestMemory(RAM);
        String loopB = MAP_A + li("r4", 0x20000000) + "1: " + access + "\naddi r8,r8,1\nb 1b\n";
        byte[] b = Binutils.assemble("b body\n.org 0x1d0\nli r31,13\nsc 1\n.org 0x200\nbody:\n" + loopB, false);
        mem.write(0, b, 0, b.length);
        byte[] a = Binutils.assemble(li("r4", 0x20000000) + "tlbivax 0,r4\ntlbsync\nli r31,-1\nsc 1\n", false);
        mem.write(0x10000, a, 0, a.length);
        Cpu cpuA = new Cpu(CpuModel.E500MC, mem), cpuB = new Cpu(CpuModel.E500MC, mem);
        for (Cpu c : List.of(cpuA, cpuB)) {
            c.setTranslation(Translation.BOOK_E);
            c.reset();
            c.tlbWrite(1, 0, BOOT_MAS1, 0, 0x3F, 0);
            c.setSpr(Spr.ivorSpr(13), 0x1d0);
        }
        cpuA.setPc(0x10000);
        cpuB.setPc(0);
        CountDownLatch looping = new CountDownLatch(1);
        AtomicReference<StopReason> stopB = new AtomicReference<>();
        Thread t = new Thread(() -> {
            StopReason r;
            do {
                r = cpuB.run(10_000);
                if (cpuB.gpr(8) > 1000) looping.countDown();
            } while (r == StopReason.BUDGET);
            stopB.set(r);
        });
        t.start();
        assertTrue(looping.await(30, TimeUnit.SECONDS), "B runs through the mapping");
        assertEquals(StopReason.HYPERCALL, cpuA.run(1000), cpuA.stopDetail());
        t.join(30_000);
        assertNotNull(stopB.get(), "B stopped");
        assertEquals(StopReason.HYPERCALL, stopB.get(), cpuB.stopDetail());
        assertEquals(13, cpuB.gpr(31), "B took the Data TLB error");
        assertEquals(0x20000000L, cpuB.spr(Spr.DEAR));
    }

    /**
     * A host tlbWrite comes after every tlbivax other CPUs posted before it (a spin-table release
     * writes the secondary's boot entry after the primary's boot flushed all of TLB1): the posted
     * flush must not remove the entry written after it.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void tlbWriteComesAfterTheInvalidationsPostedBeforeIt() throws Exception {
        GuestMemory mem = new GuestMemory(RAM);
        byte[] a = Binutils.assemble("li r4,0xC\ntlbivax 0,r4\ntlbsync\nli r31,-1\nsc 1\n", false);
        mem.write(0x10000, a, 0, a.length);
        byte[] b = Binutils.assemble("b body\n.org 0x1d0\nli r31,14\nsc 1\n.org 0x200\nbody:\n"
                + "li r8,0\n1: addi r8,r8,1\ncmpwi r8,300\nblt 1b\nli r31,-1\nsc 1\n", false);   // many blocks
        mem.write(0, b, 0, b.length);
        Cpu cpuA = new Cpu(CpuModel.E500MC, mem), cpuB = new Cpu(CpuModel.E500MC, mem);
        for (Cpu c : List.of(cpuA, cpuB)) {
            c.setTranslation(Translation.BOOK_E);
            c.reset();
        }
        cpuA.tlbWrite(1, 0, BOOT_MAS1, 0, 0x3F, 0);                // IPROT: A keeps running
        cpuA.setPc(0x10000);
        assertEquals(StopReason.HYPERCALL, cpuA.run(1000), cpuA.stopDetail());   // B is not running: tlbsync does not wait
        cpuB.tlbWrite(1, 1, BOOT_MAS1 & ~0x40000000, 0, 0x3F, 0);   // no IPROT, as QEMU's spin_kick
        cpuB.setSpr(Spr.ivorSpr(14), 0x1d0);
        cpuB.setPc(0x200);
        assertEquals(StopReason.HYPERCALL, cpuB.run(10_000), cpuB.stopDetail());
        assertEquals(-1L, cpuB.gpr(31), "B ran through the entry written after A's flush, without an ITLB error");
    }
}
