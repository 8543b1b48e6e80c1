package epaprlab.ppc.mem;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Guest physical RAM: one flat big-endian byte array starting at physical address 0.
 *
 * <p>The typed accessors are for the host (boot code, devices, hypercall buffers) and throw
 * {@link MemoryFault} outside RAM. The interpreter checks bounds itself and turns a bad guest
 * access into an architected storage interrupt instead.
 */
public final class GuestMemory {
    private static final VarHandle U16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle U32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle U64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** Page size used for code-write tracking (decode-cache invalidation). */
    public static final int PAGE_SHIFT = 12;

    private final byte[] ram;
    /**
     * Code-write tracking for caches of decoded or translated code that cannot re-check each
     * instruction word (the block translator to come; the interpreter's predecode cache tags
     * every entry with its word instead). Per 4 KiB page: non-zero while some cache holds code
     * of the page. A write to a marked page bumps {@link #codeVersions} and clears the mark; the
     * cache compares the version it recorded with the current one before reusing its entries.
     */
    private final byte[] codeMarks;
    private final int[] codeVersions;

    public GuestMemory(int sizeBytes) {
        if (sizeBytes <= 0 || (sizeBytes & 0xFFF) != 0) {
            throw new IllegalArgumentException("guest RAM must be a positive multiple of 4 KiB, got " + sizeBytes);
        }
        this.ram = new byte[sizeBytes];
        this.codeMarks = new byte[sizeBytes >>> PAGE_SHIFT];
        this.codeVersions = new int[sizeBytes >>> PAGE_SHIFT];
    }

    private final Object[] atomicLocks = new Object[64];
    {
        for (int i = 0; i < atomicLocks.length; i++) atomicLocks[i] = new Object();
    }

    /**
     * Engine use: the lock that serialises store-conditional operations on the 64-byte
     * reservation granule holding {@code pa} (byte-array views have no compare-and-set).
     */
    public Object atomicLock(long pa) { return atomicLocks[(int) (pa >>> 6) & (atomicLocks.length - 1)]; }

    /** Number of 4 KiB pages. */
    public int pages() { return codeMarks.length; }

    /**
     * Engine use: records that a code cache is about to hold instructions of {@code page} and
     * returns the page's current code version.
     */
    public int markCode(int page) {
        codeMarks[page] = 1;
        return codeVersions[page];
    }

    /** Engine use: the current code version of {@code page}; it changes when a marked page is written. */
    public int codeVersion(int page) { return codeVersions[page]; }

    /**
     * Must be called after every write of [pa, pa+len) that bypasses the typed accessors (the
     * interpreter's stores, anyone writing through {@link #array()}); the host accessors call it
     * themselves. Cheap when no code is cached in the range.
     */
    public void noteWrite(long pa, long len) {
        if (len <= 0) return;
        int first = (int) (pa >>> PAGE_SHIFT);
        int last = (int) ((pa + len - 1) >>> PAGE_SHIFT);
        for (int p = first; p <= last; p++) {
            if (codeMarks[p] != 0) {
                codeMarks[p] = 0;
                codeVersions[p]++;
            }
        }
    }

    public int size() { return ram.length; }

    /** True when [pa, pa+len) lies inside RAM. */
    public boolean contains(long pa, long len) {
        return pa >= 0 && len >= 0 && pa <= ram.length - len;
    }

    /** The backing array, for the engine's hot path only (same package family). */
    public byte[] array() { return ram; }

    public int load8(long pa) { check(pa, 1); return ram[(int) pa] & 0xFF; }
    public int load16(long pa) { check(pa, 2); return (short) U16.get(ram, (int) pa) & 0xFFFF; }
    public int load32(long pa) { check(pa, 4); return (int) U32.get(ram, (int) pa); }
    public long load64(long pa) { check(pa, 8); return (long) U64.get(ram, (int) pa); }

    public void store8(long pa, int v) { check(pa, 1); ram[(int) pa] = (byte) v; noteWrite(pa, 1); }
    public void store16(long pa, int v) { check(pa, 2); U16.set(ram, (int) pa, (short) v); noteWrite(pa, 2); }
    public void store32(long pa, int v) { check(pa, 4); U32.set(ram, (int) pa, v); noteWrite(pa, 4); }
    public void store64(long pa, long v) { check(pa, 8); U64.set(ram, (int) pa, v); noteWrite(pa, 8); }

    /** Copies {@code len} bytes of {@code src} from {@code off} into RAM at {@code pa}. */
    public void write(long pa, byte[] src, int off, int len) {
        check(pa, len);
        System.arraycopy(src, off, ram, (int) pa, len);
        noteWrite(pa, len);
    }

    /** Copies {@code len} bytes of RAM at {@code pa} into {@code dst} at {@code off}. */
    public void read(long pa, byte[] dst, int off, int len) {
        check(pa, len);
        System.arraycopy(ram, (int) pa, dst, off, len);
    }

    /** Sets [pa, pa+len) to zero. */
    public void zero(long pa, long len) {
        check(pa, len);
        Arrays.fill(ram, (int) pa, (int) (pa + len), (byte) 0);
        noteWrite(pa, len);
    }

    /** Sets all of RAM to zero (power-on state). */
    public void clear() {
        Arrays.fill(ram, (byte) 0);
        noteWrite(0, ram.length);
    }

    private void check(long pa, long len) {
        if (!contains(pa, len)) throw new MemoryFault(pa, len, ram.length);
    }
}
