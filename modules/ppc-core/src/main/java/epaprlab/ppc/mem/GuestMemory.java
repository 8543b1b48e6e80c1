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

    /** Page size of the engine's predecode cache. */
    public static final int PAGE_SHIFT = 12;

    private final byte[] ram;

    public GuestMemory(int sizeBytes) {
        if (sizeBytes <= 0 || (sizeBytes & 0xFFF) != 0) {
            throw new IllegalArgumentException("guest RAM must be a positive multiple of 4 KiB, got " + sizeBytes);
        }
        this.ram = new byte[sizeBytes];
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

    private final java.util.Map<Class<?>, Object> engineShared = new java.util.HashMap<>();

    /**
     * Engine use: the one object of type {@code kind} that the CPUs sharing this RAM share (their
     * doorbell bus, their TLB shootdown domain), made by {@code make} on first use. Kept here so
     * it lives and dies with the RAM.
     */
    public synchronized <T> T engineShared(Class<T> kind, java.util.function.Supplier<T> make) {
        return kind.cast(engineShared.computeIfAbsent(kind, k -> make.get()));
    }

    /** Number of 4 KiB pages. */
    public int pages() { return ram.length >>> PAGE_SHIFT; }

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

    public void store8(long pa, int v) { check(pa, 1); ram[(int) pa] = (byte) v; }
    public void store16(long pa, int v) { check(pa, 2); U16.set(ram, (int) pa, (short) v); }
    public void store32(long pa, int v) { check(pa, 4); U32.set(ram, (int) pa, v); }
    public void store64(long pa, long v) { check(pa, 8); U64.set(ram, (int) pa, v); }

    /** Copies {@code len} bytes of {@code src} from {@code off} into RAM at {@code pa}. */
    public void write(long pa, byte[] src, int off, int len) {
        check(pa, len);
        System.arraycopy(src, off, ram, (int) pa, len);
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
    }

    /** Sets all of RAM to zero (power-on state). */
    public void clear() {
        Arrays.fill(ram, (byte) 0);
    }

    private void check(long pa, long len) {
        if (!contains(pa, len)) throw new MemoryFault(pa, len, ram.length);
    }
}
