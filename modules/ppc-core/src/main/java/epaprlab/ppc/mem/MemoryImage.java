package epaprlab.ppc.mem;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.EOFException;
import java.io.IOException;
import java.util.zip.CRC32;

/**
 * Immutable contents of guest RAM: its size and its 4 KiB pages. Nothing ever writes a page of an
 * image (a {@link GuestMemory} copies a page before its first write), so any number of memories
 * in the JVM share its pages. Pages never written are the one shared zero page and are not stored.
 */
public final class MemoryImage {
    /** "EPMI": epapr-lab memory image. */
    private static final int MAGIC = 0x45504D49;
    /** Version 2 stores the size in 4 KiB pages (version 1, still read, in bytes: at most 2 GiB). */
    private static final int VERSION = 2;

    private final long size;
    /** One entry per page, never null: {@link GuestMemory#ZERO_PAGE} or a page nobody writes. */
    final byte[][] pages;

    /** The image of {@code size} bytes of zeros. */
    public MemoryImage(long size) {
        this(size, blank(size));
    }

    /** Takes ownership of {@code pages} (the caller keeps no reference it writes through). */
    MemoryImage(long size, byte[][] pages) {
        this.size = size;
        this.pages = pages;
    }

    private static byte[][] blank(long size) {
        GuestMemory.checkSize(size);
        byte[][] p = new byte[(int) (size >>> GuestMemory.PAGE_SHIFT)][];
        java.util.Arrays.fill(p, GuestMemory.ZERO_PAGE);
        return p;
    }

    /** Bytes; a multiple of 4 KiB. */
    public long size() { return size; }

    /** Bytes of the pages this image holds (every page but the zero page). */
    public long storedBytes() {
        long n = 0;
        for (byte[] p : pages) if (p != GuestMemory.ZERO_PAGE) n++;
        return n << GuestMemory.PAGE_SHIFT;
    }

    /**
     * Writes the image: magic, version, size in pages, then each page that is not all zeros as its number
     * and its bytes, then -1 and a CRC-32 of everything before it.
     */
    public void write(DataOutput out) throws IOException {
        CRC32 crc = new CRC32();
        byte[] head = new byte[12];
        putInt(head, 0, MAGIC);
        putInt(head, 4, VERSION);
        putInt(head, 8, pages.length);
        out.write(head);
        crc.update(head);
        byte[] number = new byte[4];
        for (int pn = 0; pn < pages.length; pn++) {
            byte[] p = pages[pn];
            if (p == GuestMemory.ZERO_PAGE || allZero(p)) continue;
            putInt(number, 0, pn);
            out.write(number);
            out.write(p);
            crc.update(number);
            crc.update(p);
        }
        putInt(number, 0, -1);
        out.write(number);
        crc.update(number);
        out.writeInt((int) crc.getValue());
    }

    /**
     * Reads an image written by {@link #write}.
     *
     * @throws StateFormatException when the data is not such an image, is of another version, is
     *         cut short or damaged (page numbers out of order or out of range, bad checksum)
     */
    public static MemoryImage read(DataInput in) throws IOException {
        try {
            CRC32 crc = new CRC32();
            byte[] head = new byte[12];
            in.readFully(head);
            crc.update(head);
            if (getInt(head, 0) != MAGIC) throw new StateFormatException("not a memory image (magic 0x%08x)".formatted(getInt(head, 0)));
            int version = getInt(head, 4);
            if (version != 1 && version != VERSION) {
                throw new StateFormatException("memory image version %d, this build reads versions 1 and %d".formatted(version, VERSION));
            }
            long size = version == 1 ? getInt(head, 8) : (getInt(head, 8) & 0xFFFFFFFFL) << GuestMemory.PAGE_SHIFT;
            if (size <= 0 || (size & (GuestMemory.PAGE_SIZE - 1)) != 0 || size > GuestMemory.MAX_SIZE) {
                throw new StateFormatException("memory image size %d is not a positive multiple of 4 KiB up to %d".formatted(size, GuestMemory.MAX_SIZE));
            }
            byte[][] pages = blank(size);
            byte[] number = new byte[4];
            int previous = -1;
            while (true) {
                in.readFully(number);
                crc.update(number);
                int pn = getInt(number, 0);
                if (pn == -1) break;
                if (pn <= previous || pn >= pages.length) {
                    throw new StateFormatException("memory image page %d out of order or beyond its %d pages".formatted(pn, pages.length));
                }
                byte[] p = new byte[GuestMemory.PAGE_SIZE];
                in.readFully(p);
                crc.update(p);
                pages[pn] = p;
                previous = pn;
            }
            int stored = in.readInt();
            if (stored != (int) crc.getValue()) throw new StateFormatException("memory image checksum mismatch");
            return new MemoryImage(size, pages);
        } catch (EOFException e) {
            throw new StateFormatException("memory image cut short", e);
        }
    }

    private static boolean allZero(byte[] p) {
        for (byte b : p) if (b != 0) return false;
        return true;
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static int getInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }
}
