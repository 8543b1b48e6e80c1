package epaprlab.machine.device;

import epaprlab.machine.state.StateIo;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The ePAPR spin table QEMU's ppce500 keeps in MMIO ({@code ppce500_spin.c}; board spec section
 * 5): 32 entries of 32 bytes (addr, r3, resv, pir, reserved; big-endian), entry i reset to addr 1,
 * r3 i, pir i. Reads and writes of 1, 2 or 4 bytes (an 8-byte access is two 4-byte ones, high word
 * first, so a 64-bit store of addr triggers on its low word). Writes to entry 0 or to an entry with
 * no CPU are discarded. After every stored write, an entry whose 64-bit addr has bit 0 clear
 * releases its CPU (again on each such write) and its pir field takes the CPU's PIR, its index.
 *
 * <p>What a release does to the CPU (PC = addr & 0x03FFFFFF, the 64 MiB TLB1[1] mapping, r3..r9)
 * is the board's: {@link Release} gets the full entry address and r3. Locking: one monitor for the
 * table; {@code release} runs after it is released, on the writing vCPU's thread.
 */
public final class SpinTable implements MmioDevice {
    public static final int ENTRIES = 32, ENTRY_SIZE = 0x20, SIZE = ENTRIES * ENTRY_SIZE;
    static final int ADDR = 0x00, R3 = 0x08, PIR = 0x14;

    /** Starts a secondary CPU from the spin table. */
    @FunctionalInterface
    public interface Release { void release(int cpu, long entryAddress, long r3); }

    private final int cpus;
    private final Release release;
    private final byte[] table = new byte[SIZE];

    public SpinTable(int cpus, Release release) {
        if (cpus < 1 || cpus > ENTRIES) throw new IllegalArgumentException("spin table serves 1.." + ENTRIES + " CPUs, got " + cpus);
        this.cpus = cpus;
        this.release = release;
        reset();
    }

    @Override
    public synchronized void reset() {
        java.util.Arrays.fill(table, (byte) 0);
        for (int i = 0; i < ENTRIES; i++) {
            int e = i * ENTRY_SIZE;
            put(e + ADDR, 8, 1);
            put(e + R3, 8, i);
            put(e + PIR, 4, i);
        }
    }

    /** The table's bytes, for snapshots. The array is never written. */
    public record State(byte[] table) {
        public void write(DataOutput out) throws IOException { StateIo.writeBytes(out, table); }

        public static State read(DataInput in) throws IOException {
            return new State(StateIo.readBytesExactly(in, SIZE, "spin table"));
        }
    }

    public synchronized State saveState() { return new State(table.clone()); }

    /** Puts the table back; releases nothing (released CPUs are running in the saved vCPU state). */
    public synchronized void restoreState(State s) { System.arraycopy(s.table(), 0, table, 0, SIZE); }

    @Override
    public synchronized long read(long offset, int size) {
        if (offset < 0 || offset + size > SIZE) return 0;
        int off = (int) offset;
        if (size == 8) return get(off, 4) << 32 | get(off + 4, 4);
        return get(off, size);
    }

    @Override
    public void write(long offset, int size, long value) {
        if (size == 8) {
            write(offset, 4, value >>> 32);
            write(offset + 4, 4, value & 0xFFFF_FFFFL);
            return;
        }
        if (offset < 0 || offset + size > SIZE) return;
        int off = (int) offset, cpu = off / ENTRY_SIZE, e = cpu * ENTRY_SIZE;
        if (cpu == 0 || cpu >= cpus) return;                           // the boot CPU and absent CPUs do not spin
        long addr, r3;
        synchronized (this) {
            put(off, size, value);
            addr = get(e + ADDR, 4) << 32 | get(e + ADDR + 4, 4);
            if ((addr & 1) != 0) return;
            r3 = get(e + R3, 4) << 32 | get(e + R3 + 4, 4);
            put(e + PIR, 4, cpu);                                       // the CPU reports its own PIR
        }
        release.release(cpu, addr, r3);
    }

    private long get(int off, int size) {
        long v = 0;
        for (int i = 0; i < size; i++) v = v << 8 | (table[off + i] & 0xFF);
        return v;
    }

    private void put(int off, int size, long v) {
        for (int i = size - 1; i >= 0; i--, v >>>= 8) table[off + i] = (byte) v;
    }
}
