package epaprlab.ppc.mem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The host side of paged, copy-on-write guest RAM. The engine side: CopyOnWriteTest, CodeWatchTest. */
class GuestMemoryTest {
    static final int PAGE = GuestMemory.PAGE_SIZE;

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

    static byte[] all(GuestMemory m) {
        byte[] b = new byte[(int) m.size()];
        m.read(0, b, 0, b.length);
        return b;
    }

    /** 16 pages: pages 2..5 hold a pattern, the rest are zero. */
    static MemoryImage patterned() {
        GuestMemory m = new GuestMemory(16 * PAGE);
        byte[] p = new byte[4 * PAGE];
        new Random(7).nextBytes(p);
        m.write(2 * PAGE, p, 0, p.length);
        return m.snapshot();
    }

    @Test
    void hostAccessOutsideRamIsAMemoryFault() {
        GuestMemory m = new GuestMemory(4096);
        MemoryFault f = assertThrows(MemoryFault.class, () -> m.load32(4094));
        assertEquals(4094, f.address());
        assertThrows(MemoryFault.class, () -> m.store8(4096, 1));
        assertThrows(IllegalArgumentException.class, () -> new GuestMemory(1000));
    }

    @Test
    void memoriesFromOneImageAreIsolatedAndShareItsPages() {
        MemoryImage image = patterned();
        assertEquals(4L * PAGE, image.storedBytes(), "zero pages are not stored");
        GuestMemory a = new GuestMemory(image), b = new GuestMemory(image);
        byte[] before = all(a);
        assertEquals(0, a.privateBytes());
        a.store32(2 * PAGE + 8, 0x11223344);
        b.store32(2 * PAGE + 8, 0x55667788);
        a.store8(10 * PAGE, 0x7F);                      // a zero page
        assertEquals(0x11223344, a.load32(2 * PAGE + 8));
        assertEquals(0x55667788, b.load32(2 * PAGE + 8));
        assertEquals(0, b.load8(10 * PAGE));
        assertEquals(2L * PAGE, a.privateBytes());
        assertEquals(PAGE, b.privateBytes());
        assertArrayEquals(before, all(new GuestMemory(image)), "the image is never written");
        assertSame(a.readTable()[3], b.readTable()[3], "unwritten pages are the image's own arrays");
    }

    @Test
    void snapshotFreezesTheContentsAndWritesAfterItCopyAgain() {
        GuestMemory m = new GuestMemory(patterned());
        m.store64(3 * PAGE, 0x0102030405060708L);
        byte[] frozen = all(m);
        MemoryImage snap = m.snapshot();
        assertEquals(0, m.privateBytes(), "its pages now belong to the image");
        m.store64(3 * PAGE, -1L);
        m.zero(2 * PAGE, PAGE);
        assertEquals(-1L, m.load64(3 * PAGE));
        assertArrayEquals(frozen, all(new GuestMemory(snap)));
        assertEquals(2L * PAGE, m.privateBytes());
    }

    @Test
    void resetToDropsTheWrittenPagesAndGivesThemBack() {
        MemoryImage image = patterned();
        Budget budget = new Budget(100);
        GuestMemory m = new GuestMemory(image);
        m.setPageBudget(budget);
        byte[][] read = m.readTable(), write = m.writeTable();
        byte[] junk = new byte[6 * PAGE];
        Arrays.fill(junk, (byte) 0x5A);
        m.write(PAGE + 100, junk, 0, junk.length);       // pages 1..7
        assertEquals(7L * PAGE, m.privateBytes());
        assertEquals(93, budget.room);
        m.resetTo(image);
        assertArrayEquals(all(new GuestMemory(image)), all(m));
        assertEquals(0, m.privateBytes());
        assertEquals(100, budget.room);
        assertSame(read, m.readTable(), "tables are mutated in place");
        assertSame(write, m.writeTable());
        assertThrows(IllegalArgumentException.class, () -> m.resetTo(new MemoryImage(PAGE)));
        m.store8(0, 1);
        m.clear();
        assertArrayEquals(new byte[(int) m.size()], all(m));
        assertEquals(100, budget.room);
        m.store8(5, 1);
        m.release();
        assertEquals(100, budget.room);
        assertEquals(0, m.privateBytes());
    }

    @Test
    void hostAccessesAcrossPageBoundariesAtEverySize() {
        GuestMemory m = new GuestMemory(patterned());
        GuestMemory plain = new GuestMemory(patterned());
        for (int size : new int[] {1, 2, 4, 8}) {
            for (long pa = 3 * PAGE - 8; pa <= 3 * PAGE; pa++) {
                long v = 0x8877665544332211L * (pa + size);
                switch (size) {
                    case 1 -> m.store8(pa, (int) v);
                    case 2 -> m.store16(pa, (int) v);
                    case 4 -> m.store32(pa, (int) v);
                    default -> m.store64(pa, v);
                }
                long expect = size == 8 ? v : v & ((1L << (8 * size)) - 1);
                long got = switch (size) {
                    case 1 -> m.load8(pa);
                    case 2 -> m.load16(pa);
                    case 4 -> m.load32(pa) & 0xFFFFFFFFL;
                    default -> m.load64(pa);
                };
                assertEquals(expect, got, "size %d at 0x%x".formatted(size, pa));
                for (int k = 0; k < size; k++) {
                    assertEquals((byte) (v >>> (8 * (size - 1 - k))), (byte) m.load8(pa + k), "big-endian byte " + k);
                }
            }
        }
        assertEquals(plain.load32(3 * PAGE + 8), m.load32(3 * PAGE + 8), "bytes beyond the stores kept");
    }

    @Test
    void zeroKeepsZeroPagesSharedAndCopiesTheOthers() {
        GuestMemory m = new GuestMemory(patterned());
        m.zero(8 * PAGE, 4 * PAGE);
        assertEquals(0, m.privateBytes(), "zeroing zero pages writes nothing");
        m.zero(PAGE + 10, 2 * PAGE);                    // pages 1 (zero), 2 (image), 3 (image, up to +10)
        assertEquals(2L * PAGE, m.privateBytes());
        byte[] b = new byte[2 * PAGE];
        m.read(PAGE + 10, b, 0, b.length);
        assertArrayEquals(new byte[2 * PAGE], b);
        assertNotEquals(0, m.load8(3 * PAGE + 10) | m.load8(3 * PAGE + 11) | m.load8(3 * PAGE + 12));
    }

    @Test
    void aRefusedHostWriteWritesNothingAndNamesThePages() {
        GuestMemory m = new GuestMemory(patterned());
        Budget budget = new Budget(1);
        m.setPageBudget(budget);
        byte[] before = all(m);
        byte[] src = new byte[PAGE + 2];
        Arrays.fill(src, (byte) 1);
        PageBudgetExceeded e = assertThrows(PageBudgetExceeded.class, () -> m.write(2 * PAGE - 1, src, 0, src.length));
        assertEquals(3, e.pages());
        assertEquals(2 * PAGE - 1, e.address());
        assertArrayEquals(before, all(m));
        assertEquals(1, budget.room);
        m.store32(5 * PAGE, 9);                          // one page fits
        assertEquals(0, budget.room);
        assertThrows(PageBudgetExceeded.class, () -> m.store8(6 * PAGE, 1));
        m.store8(5 * PAGE + 7, 3);                       // its own page needs nothing
        Budget small = new Budget(0);
        assertThrows(PageBudgetExceeded.class, () -> m.setPageBudget(small), "the owned page does not fit");
        Budget big = new Budget(10);
        m.setPageBudget(big);
        assertEquals(9, big.room);
        assertEquals(1, budget.room, "the old budget got its page back");
    }

    @Test
    void codeGenerationsMoveOnWithHostWritesAndResets() {
        MemoryImage image = patterned();
        GuestMemory m = new GuestMemory(image);
        assertEquals(0, m.codeGeneration(2));
        int g = m.watchCode(2);
        assertEquals(g, m.codeGeneration(2));
        m.store32(3 * PAGE, 1);                          // another page
        assertEquals(g, m.codeGeneration(2));
        m.store32(2 * PAGE + 4, 1);
        int g2 = m.codeGeneration(2);
        assertNotEquals(g, g2);
        assertTrue(m.writeTable()[2] == null, "a watched page has no write page: engine stores take the slow path");
        m.zero(2 * PAGE, 8);
        int g3 = m.codeGeneration(2);
        assertNotEquals(g2, g3);
        m.resetTo(image);
        assertNotEquals(g3, m.codeGeneration(2));
        byte[] src = {1, 2, 3};
        int g4 = m.codeGeneration(2);
        m.write(2 * PAGE - 1, src, 0, 3);
        assertNotEquals(g4, m.codeGeneration(2));
    }

    /**
     * Watching lines of a page: only writes over a watched 64-byte line move the generation on, and
     * {@link GuestMemory#dataPage} hands out the page for writes beside them once it is owned.
     */
    @Test
    void onlyWritesOverWatchedLinesMoveTheCodeGenerationOn() {
        MemoryImage image = patterned();
        GuestMemory m = new GuestMemory(image);
        int imageWord = m.load32(2 * PAGE + 256);
        int g = m.watchCode(2, 1L << 1 | 1L << 63);      // bytes 64..127 and 4032..4095
        assertEquals(null, m.dataPage(2 * PAGE + 256, 4), "not owned yet: the first write copies");
        m.store32(2 * PAGE + 256, 7);                    // data beside the code
        assertEquals(g, m.codeGeneration(2));
        byte[] page = m.dataPage(2 * PAGE + 256, 4);
        assertSame(m.readTable()[2], page, "owned now: written in place");
        assertEquals(null, m.writeTable()[2], "engine stores still take the slow path");
        assertEquals(null, m.dataPage(2 * PAGE + 62, 4), "over line 1");
        assertEquals(null, m.dataPage(2 * PAGE + 4094, 4), "crosses into the next page");
        assertEquals(null, m.dataPage(2 * PAGE + 4032, 1), "line 63");
        assertTrue(m.dataPage(2 * PAGE + 128, 8) != null, "line 2");
        m.store16(2 * PAGE + 63, 1);                     // its second byte is in line 1
        int g2 = m.codeGeneration(2);
        assertNotEquals(g, g2);
        m.store8(2 * PAGE + 4031, 1);
        assertEquals(g2, m.codeGeneration(2), "line 62 is not watched");
        m.store32(2 * PAGE + 4094, 1);                   // line 63, into page 3
        assertNotEquals(g2, m.codeGeneration(2));
        int g3 = m.watchCode(2, 1L << 2);                // lines add up
        m.store8(2 * PAGE + 130, 1);
        assertNotEquals(g3, m.codeGeneration(2));
        assertEquals(imageWord, new GuestMemory(image).load32(2 * PAGE + 256), "the image is never written");
    }

    @Test
    void imagesRoundTripAndDamagedOnesAreRefused() throws IOException {
        GuestMemory m = new GuestMemory(patterned());
        m.store32(9 * PAGE, 0);                          // written but all zeros: not stored
        m.store32(12 * PAGE + 40, 0xCAFEBABE);
        MemoryImage image = m.snapshot();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        image.write(new DataOutputStream(out));
        byte[] good = out.toByteArray();
        assertEquals(12 + 5 * (4 + PAGE) + 4 + 4, good.length, "header, five pages, end mark, checksum");
        MemoryImage back = MemoryImage.read(new DataInputStream(new ByteArrayInputStream(good)));
        assertEquals(image.size(), back.size());
        assertEquals(5L * PAGE, back.storedBytes());
        assertArrayEquals(all(m), all(new GuestMemory(back)));
        for (int cut : new int[] {0, 5, 12, 100, good.length - 1}) {
            byte[] shortInput = Arrays.copyOf(good, cut);
            assertThrows(StateFormatException.class, () -> MemoryImage.read(new DataInputStream(new ByteArrayInputStream(shortInput))),
                    "cut at " + cut);
        }
        for (int at : new int[] {1, 6, 10, 13, 5000, good.length - 9, good.length - 2}) {
            byte[] damaged = good.clone();
            damaged[at] ^= 0x40;
            assertThrows(StateFormatException.class, () -> MemoryImage.read(new DataInputStream(new ByteArrayInputStream(damaged))),
                    "flipped byte " + at);
        }
    }

    /** RAM past 4 GiB (ppce500 takes up to 48 GiB): pages are owned on first write only, and images keep every page. */
    @Test
    void ramAbove4GiBCostsOnlyWhatIsWrittenAndRoundTrips() throws IOException {
        long size = 5L << 30;
        GuestMemory m = new GuestMemory(size);
        assertEquals(size, m.size());
        assertEquals(size >> 12, m.pages());
        m.store32((4L << 30) + 0x1000, 0x12345678);
        m.store64(size - 8, 0x0102030405060708L);
        assertEquals(2L * PAGE, m.privateBytes());
        assertEquals(0x12345678, m.load32((4L << 30) + 0x1000));
        assertThrows(MemoryFault.class, () -> m.load8(size));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.snapshot().write(new DataOutputStream(out));
        MemoryImage back = MemoryImage.read(new DataInputStream(new ByteArrayInputStream(out.toByteArray())));
        assertEquals(size, back.size());
        GuestMemory restored = new GuestMemory(back);
        assertEquals(0x0102030405060708L, restored.load64(size - 8));
        assertEquals(0x12345678, restored.load32((4L << 30) + 0x1000));
        assertThrows(IllegalArgumentException.class, () -> new GuestMemory(GuestMemory.MAX_SIZE + PAGE));
    }

    /** Version 1 images (size in bytes), written before RAM could pass 2 GiB, still read. */
    @Test
    void versionOneImagesStillRead() throws IOException {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(12 + 4 + PAGE + 4);
        b.putInt(0x45504D49).putInt(1).putInt(8 * PAGE).putInt(3);
        byte[] page = new byte[PAGE];
        page[7] = 0x5A;
        b.put(page).putInt(-1);
        crc.update(b.array(), 0, b.position());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b.array(), 0, b.position());
        new DataOutputStream(out).writeInt((int) crc.getValue());
        MemoryImage image = MemoryImage.read(new DataInputStream(new ByteArrayInputStream(out.toByteArray())));
        assertEquals(8L * PAGE, image.size());
        assertEquals(0x5A, new GuestMemory(image).load8(3L * PAGE + 7));
    }
}
