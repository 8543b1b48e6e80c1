package epaprlab.machine.device;

import epaprlab.ppc.mem.PhysicalBus;
import java.util.Arrays;

/**
 * The physical addresses outside RAM of a board: device windows that never overlap (like crosvm's
 * {@code bus.rs}), and holes where reads give 0 and writes are dropped, as QEMU's ppce500 leaves
 * unassigned space. {@link #decodes} is true everywhere for that reason.
 *
 * <p>Lookups binary-search sorted arrays and allocate nothing. {@link #map} publishes a new
 * immutable {@link Windows} snapshot (copy on write), so accesses need no lock; devices lock
 * themselves. The bus's own {@link PhysicalBus} methods act for vCPU 0; a board with several
 * vCPUs installs {@link #forCpu}{@code (i)} in vCPU i so that per-CPU registers see the right CPU.
 */
public final class MmioBus implements PhysicalBus {
    /** Thrown by {@link #map} when a new window would overlap one already mapped. */
    public static final class OverlapException extends IllegalArgumentException {
        public OverlapException(String name, long base, long size, String otherName, long otherBase, long otherSize) {
            super("mmio window %s [0x%x, 0x%x) overlaps %s [0x%x, 0x%x)".formatted(
                    name, base, base + size, otherName, otherBase, otherBase + otherSize));
        }
    }

    /** One immutable, sorted view of the mapped windows. */
    private record Windows(String[] names, long[] bases, long[] sizes, MmioDevice[] devices) {
        /** Index of the window holding {@code pa}, or -1. */
        int find(long pa) {
            int i = Arrays.binarySearch(bases, pa);
            if (i < 0) i = -i - 2;                       // the last window starting below pa
            return i >= 0 && pa - bases[i] < sizes[i] ? i : -1;
        }
    }

    private volatile Windows windows = new Windows(new String[0], new long[0], new long[0], new MmioDevice[0]);
    private final PhysicalBus[] cpuViews = new PhysicalBus[64];

    /**
     * Maps {@code device} at {@code [base, base + size)}.
     *
     * @throws OverlapException if the window overlaps one already mapped
     * @throws IllegalArgumentException if the size is not positive or the window wraps
     */
    public synchronized void map(String name, long base, long size, MmioDevice device) {
        if (size <= 0 || base < 0 || base + size < base)
            throw new IllegalArgumentException("mmio window %s: bad range base 0x%x size 0x%x".formatted(name, base, size));
        Windows w = windows;
        for (int i = 0; i < w.bases.length; i++) {
            if (base < w.bases[i] + w.sizes[i] && w.bases[i] < base + size)
                throw new OverlapException(name, base, size, w.names[i], w.bases[i], w.sizes[i]);
        }
        int n = w.bases.length, at = -Arrays.binarySearch(w.bases, base) - 1;
        String[] names = new String[n + 1];
        long[] bases = new long[n + 1], sizes = new long[n + 1];
        MmioDevice[] devices = new MmioDevice[n + 1];
        for (int i = 0, j = 0; i <= n; i++) {
            if (i == at) { names[i] = name; bases[i] = base; sizes[i] = size; devices[i] = device; continue; }
            names[i] = w.names[j]; bases[i] = w.bases[j]; sizes[i] = w.sizes[j]; devices[i] = w.devices[j]; j++;
        }
        windows = new Windows(names, bases, sizes, devices);
    }

    /** Resets every mapped device, in address order. */
    public void reset() {
        for (MmioDevice d : windows.devices) d.reset();
    }

    /** The name of the window holding {@code pa}, or null in a hole (for crash reports). */
    public String windowAt(long pa) {
        Windows w = windows;
        int i = w.find(pa);
        return i < 0 ? null : w.names[i];
    }

    /** The bus as vCPU {@code cpu} sees it: the same windows, with per-CPU registers of that CPU. */
    public synchronized PhysicalBus forCpu(int cpu) {
        if (cpu < 0 || cpu >= cpuViews.length) throw new IllegalArgumentException("vCPU index out of range: " + cpu);
        if (cpuViews[cpu] == null) cpuViews[cpu] = new CpuView(cpu);
        return cpuViews[cpu];
    }

    @Override public long read(long pa, int size) { return readBy(0, pa, size); }

    @Override public void write(long pa, int size, long value) { writeBy(0, pa, size, value); }

    @Override public boolean decodes(long pa) { return true; }

    private long readBy(int cpu, long pa, int size) {
        Windows w = windows;
        int i = w.find(pa);
        return i < 0 ? 0 : w.devices[i].readBy(cpu, pa - w.bases[i], size);
    }

    private void writeBy(int cpu, long pa, int size, long value) {
        Windows w = windows;
        int i = w.find(pa);
        if (i >= 0) w.devices[i].writeBy(cpu, pa - w.bases[i], size, value);
    }

    private final class CpuView implements PhysicalBus {
        private final int cpu;

        CpuView(int cpu) { this.cpu = cpu; }

        @Override public long read(long pa, int size) { return readBy(cpu, pa, size); }

        @Override public void write(long pa, int size, long value) { writeBy(cpu, pa, size, value); }

        @Override public boolean decodes(long pa) { return true; }
    }
}
