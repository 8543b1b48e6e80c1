package epaprlab.ppc.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.ppc.mem.GuestMemory;
import epaprlab.ppc.mem.MemoryImage;
import epaprlab.ppc.mem.PageBudget;

import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Guest accesses to copy-on-write RAM through the engine: every access path must see and leave
 * exactly what flat RAM would, while a memory made from the same image never sees another's
 * writes. BOOK_E runs reach the data through a TLB1 entry that maps EA 0x1000_0000 to PA 0, so
 * software-TLB hits, misses and page-crossing translations all take part.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CopyOnWriteTest {
    static final int RAM = 1 << 20;
    static final long CODE = 0x1000, DATA = 0x40000, DATA_EA = 0x1000_0000L;
    static final int SC1 = 0x44000022;

    /** 1 MiB: code page free for the tests, pages 0x40..0x47 a random pattern, the rest zero. */
    static MemoryImage image() {
        GuestMemory m = new GuestMemory(RAM);
        byte[] p = new byte[8 * GuestMemory.PAGE_SIZE];
        new Random(11).nextBytes(p);
        m.write(DATA, p, 0, p.length);
        m.store32(0x800, 0);
        return m.snapshot();
    }

    static Cpu cpu(GuestMemory mem, Translation t) {
        Cpu cpu = new Cpu(CpuModel.E5500, mem);           // 32-bit mode; ld/std exist
        if (t == Translation.BOOK_E) {
            cpu.setTranslation(Translation.BOOK_E);
            cpu.reset();
            cpu.tlbWrite(1, 0, MmuTest.BOOT_MAS1, 0, 0x3F, 0);            // code: EA 0 -> PA 0, 1 MiB
            cpu.tlbWrite(1, 1, MmuTest.BOOT_MAS1, DATA_EA, 0x3F, 0);      // data: EA 0x1000_0000 -> PA 0
        }
        return cpu;
    }

    static long ea(Translation t, long pa) { return t == Translation.BOOK_E ? DATA_EA + pa : pa; }

    /** Runs {@code words} then {@code sc 1} from CODE; the code page is written by the host first. */
    static StopReason exec(Cpu cpu, int... words) {
        GuestMemory mem = cpu.memory();
        for (int i = 0; i < words.length; i++) mem.store32(CODE + 4L * i, words[i]);
        mem.store32(CODE + 4L * words.length, SC1);
        cpu.setPc(CODE);
        return cpu.run(1000);
    }

    static int dForm(int opcd, int rt, int ra, int d) { return opcd << 26 | rt << 21 | ra << 16 | (d & 0xFFFF); }

    static int load(int size) { return dForm(switch (size) { case 1 -> 34; case 2 -> 40; case 4 -> 32; default -> 58; }, 5, 4, 0); }

    static int store(int size) { return dForm(switch (size) { case 1 -> 38; case 2 -> 44; case 4 -> 36; default -> 62; }, 5, 4, 0); }

    static long hostLoad(GuestMemory m, long pa, int size) {
        return switch (size) {
            case 1 -> m.load8(pa);
            case 2 -> m.load16(pa);
            case 4 -> m.load32(pa) & 0xFFFFFFFFL;
            default -> m.load64(pa);
        };
    }

    static byte[] all(GuestMemory m) {
        byte[] b = new byte[(int) m.size()];
        m.read(0, b, 0, b.length);
        return b;
    }

    @ParameterizedTest
    @EnumSource(Translation.class)
    void loadsAndStoresAtEverySizeAndPageOffset(Translation t) {
        MemoryImage image = image();
        GuestMemory mem = new GuestMemory(image), sibling = new GuestMemory(image);
        Cpu cpu = cpu(mem, t);
        long boundary = DATA + 2 * GuestMemory.PAGE_SIZE;
        for (int size : new int[] {1, 2, 4, 8}) {
            for (long pa = boundary - 8; pa <= boundary; pa++) {
                cpu.setGpr(4, ea(t, pa));
                assertEquals(StopReason.HYPERCALL, exec(cpu, load(size)));
                assertEquals(hostLoad(mem, pa, size), cpu.gpr(5), "load%d at PA 0x%x".formatted(size, pa));
            }
        }
        for (int size : new int[] {1, 2, 4, 8}) {
            boundary += GuestMemory.PAGE_SIZE;             // a page pair not yet written by the engine
            for (long pa = boundary - 8; pa <= boundary; pa++) {
                long v = 0x0123456789ABCDEFL ^ (pa * 0x9E3779B97F4A7C15L);
                byte[] before = new byte[24];
                mem.read(boundary - 12, before, 0, 24);
                cpu.setGpr(4, ea(t, pa));
                cpu.setGpr(5, v);
                assertEquals(StopReason.HYPERCALL, exec(cpu, store(size)));
                long mask = size == 8 ? -1L : (1L << (8 * size)) - 1;
                assertEquals(v & mask, hostLoad(mem, pa, size), "store%d at PA 0x%x".formatted(size, pa));
                byte[] after = new byte[24];
                mem.read(boundary - 12, after, 0, 24);
                int from = (int) (pa - (boundary - 12));
                for (int k = 0; k < 24; k++) {
                    if (k < from || k >= from + size) assertEquals(before[k], after[k], "byte %d beside store%d at 0x%x".formatted(k, size, pa));
                }
            }
        }
        assertArrayEquals(all(new GuestMemory(image)), all(sibling), "the sibling and the image never change");
    }

    @ParameterizedTest
    @EnumSource(Translation.class)
    void dcbzLeavesZeroPagesSharedAndCopiesImagePages(Translation t) {
        MemoryImage image = image();
        GuestMemory mem = new GuestMemory(image);
        Cpu cpu = cpu(mem, t);
        int dcbz = 31 << 26 | 4 << 11 | 1014 << 1;            // dcbz 0,r4
        exec(cpu, 0x60000000);
        long owned = mem.privateBytes();
        cpu.setGpr(4, ea(t, 0x80000 + 100));
        assertEquals(StopReason.HYPERCALL, exec(cpu, dcbz));
        assertEquals(owned, mem.privateBytes(), "a zero page stays the shared zero page");
        long line = DATA + 0x1040;
        cpu.setGpr(4, ea(t, line + 5));
        byte[] before = new byte[256];
        mem.read(line - 64, before, 0, 256);
        assertEquals(StopReason.HYPERCALL, exec(cpu, dcbz));
        assertEquals(owned + GuestMemory.PAGE_SIZE, mem.privateBytes());
        byte[] after = new byte[256];
        mem.read(line - 64, after, 0, 256);
        for (int k = 0; k < 256; k++) assertEquals(k >= 64 && k < 128 ? 0 : before[k], after[k], "byte " + k);
        assertArrayEquals(before, copy(new GuestMemory(image), line - 64, 256), "the image keeps its line");
    }

    static byte[] copy(GuestMemory m, long pa, int n) {
        byte[] b = new byte[n];
        m.read(pa, b, 0, n);
        return b;
    }

    @ParameterizedTest
    @EnumSource(Translation.class)
    void aReservationSurvivesTheCopyOfItsPage(Translation t) {
        MemoryImage image = image();
        GuestMemory mem = new GuestMemory(image);
        Cpu cpu = cpu(mem, t);
        long pa = DATA + 0x3000;
        int old = mem.load32(pa);
        cpu.setGpr(4, ea(t, pa));
        cpu.setGpr(7, 0x77);
        int[] copyThenStore = {
            0x7CA02028,                 // lwarx  r5,0,r4   (the image's page)
            dForm(36, 7, 4, 8),         // stw    r7,8(r4)  (copies the page)
            dForm(14, 6, 5, 1),         // addi   r6,r5,1
            0x7CC0212D,                 // stwcx. r6,0,r4
            0x7D000026,                 // mfcr   r8
        };
        assertEquals(StopReason.HYPERCALL, exec(cpu, copyThenStore));
        assertEquals(0x20000000, cpu.gpr(8) & 0x20000000, "stwcx. succeeded");
        assertEquals(old + 1, mem.load32(pa));
        assertEquals(0x77, mem.load32(pa + 8));

        long pb = DATA + 0x5000;                              // the stwcx. itself copies the page
        int oldB = mem.load32(pb);
        cpu.setGpr(4, ea(t, pb));
        assertEquals(StopReason.HYPERCALL, exec(cpu, 0x7CA02028, dForm(14, 6, 5, 1), 0x7CC0212D, 0x7D000026));
        assertEquals(0x20000000, cpu.gpr(8) & 0x20000000);
        assertEquals(oldB + 1, mem.load32(pb));
        assertEquals(oldB, new GuestMemory(image).load32(pb));
    }

    @Test
    void storeConditionalIsAtomicAcrossCpusWhileTheirPageIsCopied() throws Exception {
        byte[] code = Binutils.assemble(".set ITER,20000\n" + ProgramTest.ATOMIC_INCREMENT, false);
        GuestMemory boot = new GuestMemory(RAM);
        boot.write(0, code, 0, code.length);
        MemoryImage image = boot.snapshot();                   // code and counter (0x800) share page 0
        GuestMemory one = new GuestMemory(image), two = new GuestMemory(image);
        Cpu a = new Cpu(CpuModel.E500MC, one), b = new Cpu(CpuModel.E500MC, one), c = new Cpu(CpuModel.E500MC, two);
        ExecutorService ex = Executors.newFixedThreadPool(3);
        try {
            Future<StopReason> fa = ex.submit(() -> a.run(100_000_000));
            Future<StopReason> fb = ex.submit(() -> b.run(100_000_000));
            Future<StopReason> fc = ex.submit(() -> c.run(100_000_000));
            assertEquals(StopReason.HYPERCALL, fa.get(50, TimeUnit.SECONDS));
            assertEquals(StopReason.HYPERCALL, fb.get(50, TimeUnit.SECONDS));
            assertEquals(StopReason.HYPERCALL, fc.get(50, TimeUnit.SECONDS));
        } finally {
            ex.shutdownNow();
        }
        assertEquals(40000, one.load32(0x800));
        assertEquals(20000, two.load32(0x800), "another memory of the same image counts alone");
        assertEquals(0, new GuestMemory(image).load32(0x800));
    }

    /** A page budget with {@code room} pages left. */
    static final class Budget implements PageBudget {
        int room;
        Budget(int room) { this.room = room; }
        @Override public synchronized boolean take(int pages) {
            if (pages > room) return false;
            room -= pages;
            return true;
        }
        @Override public synchronized void give(int pages) { room += pages; }
    }

    @ParameterizedTest
    @EnumSource(Translation.class)
    void aRefusedPageStopsTheCpuBeforeTheStoreAndARunWithRoomRetriesIt(Translation t) {
        MemoryImage image = image();
        GuestMemory mem = new GuestMemory(image);
        Cpu cpu = cpu(mem, t);
        int stw = dForm(36, 5, 4, 0), stmw = dForm(47, 28, 6, 0);
        for (int i = 0; i < 3; i++) mem.store32(CODE + 4L * i, new int[] {stmw, stw, SC1}[i]);
        Budget budget = new Budget(2);
        mem.setPageBudget(budget);                              // the code page moves to it: room for 1
        byte[] before = all(mem);
        long crossing = DATA + 0x2000 - 8;                     // stmw r28..r31: 16 bytes over two image pages
        cpu.setGpr(6, ea(t, crossing));
        for (int r = 28; r < 32; r++) cpu.setGpr(r, 0x1111 * r);
        cpu.setGpr(4, ea(t, DATA + 0x6000));
        cpu.setGpr(5, 0xABCD);
        cpu.setPc(CODE);
        long retired = cpu.instructionsRetired();

        assertEquals(StopReason.HOST_OUT_OF_MEMORY, cpu.run(1000));
        assertEquals(CODE, cpu.stopPc());
        assertEquals(stmw, cpu.stopInsn());
        assertEquals(CODE, cpu.pc(), "the store runs again on the next run");
        assertEquals(retired, cpu.instructionsRetired(), "not counted");
        assertArrayEquals(before, all(mem), "nothing written, not even the first page's half");
        assertEquals(1, budget.room);

        budget.give(1);
        assertEquals(StopReason.HOST_OUT_OF_MEMORY, cpu.run(1000), "the stw's page is the third one");
        assertEquals(CODE + 4, cpu.stopPc());
        assertEquals(stw, cpu.stopInsn());
        assertEquals(retired + 1, cpu.instructionsRetired());
        for (int r = 28; r < 32; r++) assertEquals(0x1111 * r, mem.load32(crossing + 4L * (r - 28)));
        assertEquals(before[(int) DATA + 0x6000], (byte) mem.load8(DATA + 0x6000));

        budget.give(1);
        assertEquals(StopReason.HYPERCALL, cpu.run(1000));
        assertEquals(0xABCD, mem.load32(DATA + 0x6000));
        assertEquals(retired + 3, cpu.instructionsRetired());
        assertEquals(0, budget.room);
        assertTrue(mem.privateBytes() >= 4L * GuestMemory.PAGE_SIZE, "code page and three data pages");
    }
}
