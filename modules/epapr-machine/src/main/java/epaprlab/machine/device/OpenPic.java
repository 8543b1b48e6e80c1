package epaprlab.machine.device;

import epaprlab.machine.state.StateIo;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The Freescale MPIC 4.2 of QEMU's ppce500 board ({@code hw/intc/openpic.c}, model FSL_MPIC_42;
 * board spec section 7): 0x40000 bytes of 32-bit registers, 256 sources, 4 IPIs, 4 global timers
 * (group A), the MSI bank, and per-CPU blocks for up to 32 CPUs.
 *
 * <p><b>Which CPU is asking.</b> The "this CPU" registers at 0x40..0xB0 act for the CPU making the
 * access: the board installs {@link MmioBus#forCpu}{@code (i)} in vCPU i, and the bus calls
 * {@link #readBy}/{@link #writeBy} with that index (nothing per access is allocated or looked up
 * in a thread-local). Plain {@link #read}/{@link #write} act for CPU 0.
 *
 * <p><b>Time.</b> The timers count ticks of 25 MHz, QEMU's rate (16 ticks of ppce500's 400 MHz
 * time base each), on the {@link TimerClock} given to the constructor. They have no thread: the
 * clock is told the next expiry ({@link TimerClock#arm}) and its owner calls
 * {@link #expireTimers} when the time comes (the board: vCPU 0 at that instruction of its time
 * base); expiries are also looked for at every access, with the accessing CPU's time. Several
 * expiries found at one look raise the timer's (edge) interrupt once. Without a board the clock is
 * the host's {@link System#nanoTime} and only accesses look. Linux masks these timers; U-Boot does
 * not use them.
 *
 * <p><b>Locking.</b> One monitor guards all state. Sources may be set from any thread (device
 * threads, vCPUs). The CPU outputs ({@link InterruptTarget}) are driven with the monitor held, so
 * they must not block nor call back into the MPIC; proxy acknowledges ({@link #acknowledge}) come
 * from the vCPU's own thread and take the monitor like any register access. Lock order: a device's
 * own lock, then this one.
 *
 * <p><b>Deliberate differences from QEMU 7.2</b> (none seen by Linux or U-Boot): a PIC reset
 * (GCR[RST] or {@link #reset}) also lowers every CPU output, and the board reset also clears MSIRs
 * and proxy mode (a source's latched input survives, as in QEMU, so a device still asserting its
 * line is seen once unmasked); priorities are always recomputed rather than cached, so a CTPR
 * write right after an IACK cannot raise a stale INT; 8-byte accesses act as two 4-byte ones.
 * Kept from QEMU although odd: IVPR[MODE] is read-only 0 (directed delivery only), and since every
 * IDR resets to CPU 0 and IPIDR only adds CPUs, after a reset an IPI also reaches CPU 0 until CPU 0
 * has acknowledged one of that kind (e500mc Linux sends IPIs as doorbells, not through the MPIC).
 */
public final class OpenPic implements MmioDevice {
    public static final int SIZE = 0x40000;
    public static final int MAX_CPUS = 32;
    /** External (0..15) and internal (16..255) sources. */
    public static final int SOURCES = 256;
    static final int IPI0 = 256, TIMER0 = 260, IRQS = 264, MSI0 = 224;
    private static final int NIRQ_REPORTED = 196, VID = 2;
    private static final int BRR1 = 0x00400402;

    private static final int IVPR_MSK = 0x8000_0000, IVPR_A = 0x4000_0000, IVPR_POL = 0x0080_0000,
            IVPR_SENSE = 0x0040_0000, IVPR_PRI = 0x000F_0000, IVPR_VEC = 0xFFFF;
    private static final int IVPR_WRITABLE = IVPR_MSK | IVPR_PRI | IVPR_SENSE | IVPR_POL | IVPR_VEC;
    private static final int GCR_RST = 0x8000_0000, GCR_MODE = 0x6000_0000, GCR_PROXY = 0x6000_0000;
    private static final int TBCR_CI = 0x8000_0000, TCCR_TOG = 0x8000_0000;
    private static final long NS_PER_TICK = 40;        // 25 MHz
    /** Time base ticks (400 MHz on ppce500) per timer tick. */
    public static final long TB_PER_TICK = 16;
    private static final int WORDS = (IRQS + 63) / 64;

    /** Where a source's output goes (ILR). */
    private static final int OUT_INT = 0, OUT_CINT = 1, OUT_MCK = 2;
    /** Source kinds: external (sense from IVPR), FSL internal (always level), IPI/timer (edge). */
    private static final byte EXTERNAL = 0, INTERNAL = 1, SPECIAL = 2;

    private final int ncpus;
    private final InterruptTarget[] cpus;
    private final IntSupplier[] proxies;
    private final TimerClock clock;
    private final IrqLine[] lines = new IrqLine[SOURCES];

    private int gcr, spve, tfrr, vir;
    private final byte[] kind = new byte[IRQS];
    private final int[] ivpr = new int[IRQS], idr = new int[IRQS], destmask = new int[IRQS], output = new int[IRQS];
    private final boolean[] pending = new boolean[IRQS], level = new boolean[IRQS];

    private final int[] ctpr;
    private final long[][] raised, servicing;
    private final int[][] outputsActive;              // per CPU, per non-INT output: sources asserting it

    private final int[] tccr = new int[4], tbcr = new int[4];
    private final boolean[] timerRunning = new boolean[4];
    /** The tick a running timer started its current period at (absolute: the clock restores with the VM). */
    private final long[] timerOrigin = new long[4];
    private final int[] msir = new int[8];
    /** Proxy mode as last installed in the CPUs: a GCR[RST] clears GCR but leaves the CPUs in it (QEMU). */
    private boolean proxyMode;

    /**
     * The global timers' time: the tick (25 MHz) a CPU's access happens at, and where the next
     * expiry is announced.
     */
    public interface TimerClock {
        /** The current tick as CPU {@code cpu} sees it (any thread; called with the MPIC's monitor held). */
        long ticks(int cpu);

        /**
         * The owner is to call {@link #expireTimers} at tick {@code tick}: the earliest expiry of a
         * running timer; {@link #AT_ONCE} when a timer waits to start; Long.MAX_VALUE: none runs.
         */
        void arm(long tick);

        /**
         * True when the owner calls {@link #expireTimers} as armed and a timer started by an access
         * begins to count at the owner's next call, a point its time base fixes exactly (an access
         * inside translated code only knows the time its run began at). False: it counts from the
         * access's {@link #ticks}.
         */
        default boolean startsAtExpiryCall() { return false; }
    }

    /** {@link TimerClock#arm}: at the owner's next chance. */
    public static final long AT_ONCE = Long.MIN_VALUE;
    /** A running timer's origin while it waits for the owner's next call to start counting. */
    private static final long WAITING = Long.MIN_VALUE;

    /** A clock of host time ({@code nanos}, in nanoseconds) that nobody drives: expiries are seen on access. */
    public static TimerClock hostClock(LongSupplier nanos) {
        return new TimerClock() {
            @Override public long ticks(int cpu) { return nanos.getAsLong() / NS_PER_TICK; }
            @Override public void arm(long tick) {}
        };
    }

    public OpenPic(List<InterruptTarget> cpus) { this(cpus, System::nanoTime); }

    /** @param nanos the host clock of the global timers, in nanoseconds */
    public OpenPic(List<InterruptTarget> cpus, LongSupplier nanos) { this(cpus, hostClock(nanos)); }

    public OpenPic(List<InterruptTarget> cpus, TimerClock clock) {
        if (cpus.isEmpty() || cpus.size() > MAX_CPUS)
            throw new IllegalArgumentException("MPIC serves 1.." + MAX_CPUS + " CPUs, got " + cpus.size());
        this.ncpus = cpus.size();
        this.cpus = cpus.toArray(InterruptTarget[]::new);
        this.clock = clock;
        this.proxies = new IntSupplier[ncpus];
        for (int c = 0; c < ncpus; c++) {
            int cpu = c;
            proxies[c] = () -> acknowledge(cpu);
        }
        for (int n = 0; n < SOURCES; n++) {
            int irq = n;
            lines[n] = l -> setIrq(irq, l);
        }
        ctpr = new int[ncpus];
        raised = new long[ncpus][WORDS];
        servicing = new long[ncpus][WORDS];
        outputsActive = new int[ncpus][3];
        for (int n = 0; n < IRQS; n++) kind[n] = n < 16 ? EXTERNAL : n < SOURCES ? INTERNAL : SPECIAL;
        for (int n = 0; n < SOURCES; n++) level[n] = kind[n] == INTERNAL;
        reset();
    }

    /** Interrupt input {@code n} (0..255): external 0..15, internal 16..255 (MSI banks at 224..231). */
    public IrqLine source(int n) {
        if (n < 0 || n >= SOURCES) throw new IllegalArgumentException("MPIC source out of range 0..255: " + n);
        return lines[n];
    }

    /** The IACK of CPU {@code cpu}: what proxy mode calls when that CPU takes External Input. */
    public synchronized int acknowledge(int cpu) {
        pollTimers(clock.ticks(cpu));
        return iack(cpu);
    }

    /**
     * The clock's owner: tick {@code now} has come. Timers waiting to start begin counting from it;
     * raises the interrupts of the timers expired by then and re-arms the clock.
     */
    public synchronized void expireTimers(long now) {
        boolean started = false;
        for (int t = 0; t < 4; t++) {
            if (timerRunning[t] && timerOrigin[t] == WAITING) {
                timerOrigin[t] = now;
                started = true;
            }
        }
        pollTimers(now);
        if (started) armNext();
    }

    @Override
    public synchronized void reset() {
        picReset();
        java.util.Arrays.fill(msir, 0);
        proxyMode = false;
        for (InterruptTarget t : cpus) t.setExternalProxy(null);
    }

    /**
     * Every register and every piece of delivery state, for snapshots: global registers, per source
     * (IVPR with its activity bit, IDR, destination mask, output, latched input, sense), per CPU
     * (CTPR, raised and in-service queues, critical outputs asserted), the global timers, and the
     * MSI registers. A running timer is saved as the tick its period began at (Long.MIN_VALUE while
     * it waits to start): the clock is the VM's time base, which a restore puts back as it was.
     * Arrays are never written.
     */
    public record State(int cpus, boolean proxyMode, int gcr, int spve, int tfrr, int vir, int[] ivpr, int[] idr, int[] destmask, int[] output,
                        boolean[] pending, boolean[] level, int[] ctpr, long[] raised, long[] servicing, int[] outputsActive,
                        int[] tccr, int[] tbcr, boolean[] timerRunning, long[] timerOrigin, int[] msir) {
        public void write(DataOutput out) throws IOException {
            out.writeInt(cpus);
            out.writeBoolean(proxyMode);
            out.writeInt(gcr); out.writeInt(spve); out.writeInt(tfrr); out.writeInt(vir);
            StateIo.writeInts(out, ivpr); StateIo.writeInts(out, idr); StateIo.writeInts(out, destmask);
            StateIo.writeInts(out, output); StateIo.writeBooleans(out, pending); StateIo.writeBooleans(out, level);
            StateIo.writeInts(out, ctpr); StateIo.writeLongs(out, raised); StateIo.writeLongs(out, servicing);
            StateIo.writeInts(out, outputsActive); StateIo.writeInts(out, tccr); StateIo.writeInts(out, tbcr);
            StateIo.writeBooleans(out, timerRunning); StateIo.writeLongs(out, timerOrigin); StateIo.writeInts(out, msir);
        }

        public static State read(DataInput in) throws IOException {
            int n = in.readInt();
            if (n < 1 || n > MAX_CPUS) throw new epaprlab.machine.state.StateFormatException("mpic: " + n + " CPUs");
            return new State(n, in.readBoolean(), in.readInt(), in.readInt(), in.readInt(), in.readInt(),
                    StateIo.readInts(in, IRQS, "mpic ivpr"), StateIo.readInts(in, IRQS, "mpic idr"),
                    StateIo.readInts(in, IRQS, "mpic destmask"), StateIo.readInts(in, IRQS, "mpic output"),
                    StateIo.readBooleans(in, IRQS, "mpic pending"), StateIo.readBooleans(in, IRQS, "mpic level"),
                    StateIo.readInts(in, n, "mpic ctpr"), StateIo.readLongs(in, n * WORDS, "mpic raised"),
                    StateIo.readLongs(in, n * WORDS, "mpic in service"), StateIo.readInts(in, n * 3, "mpic outputs"),
                    StateIo.readInts(in, 4, "mpic tccr"), StateIo.readInts(in, 4, "mpic tbcr"),
                    StateIo.readBooleans(in, 4, "mpic timer running"), StateIo.readLongs(in, 4, "mpic timer origin"),
                    StateIo.readInts(in, 8, "mpic msir"));
        }
    }

    public synchronized State saveState() {
        long[] r = new long[ncpus * WORDS], sv = new long[ncpus * WORDS];
        int[] oa = new int[ncpus * 3];
        for (int c = 0; c < ncpus; c++) {
            System.arraycopy(raised[c], 0, r, c * WORDS, WORDS);
            System.arraycopy(servicing[c], 0, sv, c * WORDS, WORDS);
            System.arraycopy(outputsActive[c], 0, oa, c * 3, 3);
        }
        long[] origin = new long[4];
        for (int t = 0; t < 4; t++) origin[t] = timerRunning[t] ? timerOrigin[t] : 0;
        return new State(ncpus, proxyMode, gcr, spve, tfrr, vir, ivpr.clone(), idr.clone(), destmask.clone(), output.clone(),
                pending.clone(), level.clone(), ctpr.clone(), r, sv, oa, tccr.clone(), tbcr.clone(), timerRunning.clone(),
                origin, msir.clone());
    }

    /**
     * Puts the MPIC in {@code s}. The CPU outputs are not driven (each vCPU's saved state holds its
     * pending interrupts); proxy mode is re-installed in the CPUs, because it lives there, and the
     * clock is armed for the next expiry.
     *
     * @throws IllegalArgumentException if {@code s} is of an MPIC serving another number of CPUs
     */
    public synchronized void restoreState(State s) {
        if (s.cpus() != ncpus) {
            throw new IllegalArgumentException("mpic state of %d CPUs cannot be restored into one of %d".formatted(s.cpus(), ncpus));
        }
        gcr = s.gcr(); spve = s.spve(); tfrr = s.tfrr(); vir = s.vir();
        System.arraycopy(s.ivpr(), 0, ivpr, 0, IRQS);
        System.arraycopy(s.idr(), 0, idr, 0, IRQS);
        System.arraycopy(s.destmask(), 0, destmask, 0, IRQS);
        System.arraycopy(s.output(), 0, output, 0, IRQS);
        System.arraycopy(s.pending(), 0, pending, 0, IRQS);
        System.arraycopy(s.level(), 0, level, 0, IRQS);
        System.arraycopy(s.ctpr(), 0, ctpr, 0, ncpus);
        for (int c = 0; c < ncpus; c++) {
            System.arraycopy(s.raised(), c * WORDS, raised[c], 0, WORDS);
            System.arraycopy(s.servicing(), c * WORDS, servicing[c], 0, WORDS);
            System.arraycopy(s.outputsActive(), c * 3, outputsActive[c], 0, 3);
        }
        System.arraycopy(s.tccr(), 0, tccr, 0, 4);
        System.arraycopy(s.tbcr(), 0, tbcr, 0, 4);
        for (int t = 0; t < 4; t++) {
            timerRunning[t] = s.timerRunning()[t];
            timerOrigin[t] = s.timerOrigin()[t];
        }
        System.arraycopy(s.msir(), 0, msir, 0, 8);
        proxyMode = s.proxyMode();
        for (int c = 0; c < ncpus; c++) cpus[c].setExternalProxy(proxyMode ? proxies[c] : null);
        armNext();
    }

    @Override public long read(long offset, int size) { return readBy(0, offset, size); }

    @Override public void write(long offset, int size, long value) { writeBy(0, offset, size, value); }

    @Override
    public synchronized long readBy(int cpu, long offset, int size) {
        pollTimers(clock.ticks(cpu));
        int off = (int) offset;
        return switch (size) {
            case 4 -> read32(cpu, off) & 0xFFFF_FFFFL;
            case 8 -> (read32(cpu, off) & 0xFFFF_FFFFL) << 32 | (read32(cpu, off + 4) & 0xFFFF_FFFFL);
            // narrower loads: QEMU widens them to a 4-byte access at the same offset and keeps the top bytes
            default -> (read32(cpu, off) & 0xFFFF_FFFFL) >>> (32 - 8 * size);
        };
    }

    @Override
    public synchronized void writeBy(int cpu, long offset, int size, long value) {
        pollTimers(clock.ticks(cpu));
        int off = (int) offset;
        switch (size) {
            case 4 -> write32(cpu, off, (int) value);
            case 8 -> { write32(cpu, off, (int) (value >>> 32)); write32(cpu, off + 4, (int) value); }
            default -> write32(cpu, off, (int) (value << (32 - 8 * size)));
        }
    }

    // Register blocks: global, timers, MSI, summary, sources, per-CPU; holes between them read 0.

    private int read32(int cpu, int off) {
        if (off < 0x10F0) return globalRead(cpu, off);
        if (off < 0x1310) return timerRead(cpu, off - 0x10F0);
        if (off >= 0x1600 && off < 0x1800) return msiRead(off - 0x1600);
        if (off >= 0x3800 && off < 0x4000) return 0;                      // EISR/EIMR summary: not modelled
        if (off >= 0x10000 && off < 0x10000 + SOURCES * 0x20) return sourceRead(off - 0x10000);
        if (off >= 0x20000 && off < 0x20000 + 0x100 + (MAX_CPUS - 1) * 0x1000) return cpuRead((off >> 12) & 0x1F, off);
        return 0;
    }

    private void write32(int cpu, int off, int v) {
        if (off < 0x10F0) globalWrite(cpu, off, v);
        else if (off < 0x1310) timerWrite(cpu, off - 0x10F0, v);
        else if (off >= 0x1600 && off < 0x1800) msiWrite(off - 0x1600, v);
        else if (off >= 0x10000 && off < 0x10000 + SOURCES * 0x20) sourceWrite(off - 0x10000, v);
        else if (off >= 0x20000 && off < 0x20000 + 0x100 + (MAX_CPUS - 1) * 0x1000) cpuWrite((off >> 12) & 0x1F, off, v);
    }

    private int globalRead(int cpu, int off) {
        if ((off & 0xF) != 0) return -1;
        return switch (off) {
            case 0x0000 -> BRR1;
            case 0x0040, 0x0050, 0x0060, 0x0070, 0x0080, 0x0090, 0x00A0, 0x00B0 -> cpuRead(cpu, off);
            case 0x1000 -> (NIRQ_REPORTED - 1) << 16 | (ncpus - 1) << 8 | VID;
            case 0x1020 -> gcr;
            case 0x1080 -> vir;
            case 0x1090 -> 0;                                             // PIR reads 0
            case 0x10A0, 0x10B0, 0x10C0, 0x10D0 -> ivpr[IPI0 + ((off - 0x10A0) >> 4)];
            case 0x10E0 -> spve;
            default -> -1;
        };
    }

    private void globalWrite(int cpu, int off, int v) {
        if ((off & 0xF) != 0) return;
        switch (off) {
            case 0x0040, 0x0050, 0x0060, 0x0070, 0x0080, 0x0090, 0x00A0, 0x00B0 -> cpuWrite(cpu, off, v);
            case 0x1020 -> gcrWrite(v);
            case 0x10A0, 0x10B0, 0x10C0, 0x10D0 -> ivprWrite(IPI0 + ((off - 0x10A0) >> 4), v);
            case 0x10E0 -> spve = v & IVPR_VEC;
            default -> { }                     // BRR1, FRR, VIR read-only; PIR drives reset lines ppce500 leaves unconnected
        }
    }

    private void gcrWrite(int v) {
        if ((v & GCR_RST) != 0) {              // resets the PIC, reads back 0; proxy mode is left as it was (QEMU)
            picReset();
            return;
        }
        gcr = (gcr & ~GCR_MODE) | (v & GCR_MODE);
        boolean proxy = (v & GCR_MODE) == GCR_PROXY;
        proxyMode = proxy;
        for (int c = 0; c < ncpus; c++) cpus[c].setExternalProxy(proxy ? proxies[c] : null);
    }

    private int timerRead(int cpu, int rel) {
        if ((rel & 0xF) != 0) return -1;
        if (rel == 0) return tfrr;
        int t = ((rel - 0x10) >> 6) & 3;
        return switch ((rel - 0x10) & 0x30) {
            case 0x00 -> currentCount(t, clock.ticks(cpu));
            case 0x10 -> tbcr[t];
            case 0x20 -> ivpr[TIMER0 + t];
            default -> idr[TIMER0 + t];
        };
    }

    private void timerWrite(int cpu, int rel, int v) {
        if ((rel & 0xF) != 0) return;
        if (rel == 0) { tfrr = v; return; }
        int t = ((rel - 0x10) >> 6) & 3;
        switch ((rel - 0x10) & 0x30) {
            case 0x00 -> { }                                               // TCCR is read-only
            case 0x10 -> {
                if (((tbcr[t] ^ v) & TBCR_CI) != 0) {
                    if ((v & TBCR_CI) == 0) {                              // CI 1 -> 0: load the count and start
                        tccr[t] = v & ~TCCR_TOG;
                        startTimer(t, v & ~TBCR_CI, clock.ticks(cpu));
                    } else {
                        stopTimer(t);
                    }
                }
                tbcr[t] = v;
            }
            case 0x20 -> ivprWrite(TIMER0 + t, v);
            default -> idrWrite(TIMER0 + t, v);
        }
    }

    private void startTimer(int t, int count, long now) {
        if (count == 0) { stopTimer(t); return; }                          // QEMU never runs a zero count
        timerRunning[t] = true;
        timerOrigin[t] = clock.startsAtExpiryCall() ? WAITING : now;
        armNext();
    }

    private void stopTimer(int t) {
        timerRunning[t] = false;
        tccr[t] &= TCCR_TOG;
        armNext();
    }

    /** Tells the clock the earliest expiry of a running timer (its current count after its origin). */
    private void armNext() {
        long next = Long.MAX_VALUE;
        for (int t = 0; t < 4; t++) {
            if (timerRunning[t]) next = Math.min(next, timerOrigin[t] == WAITING ? AT_ONCE : timerOrigin[t] + (tccr[t] & ~TCCR_TOG));
        }
        clock.arm(next);
    }

    /**
     * The count as read at tick {@code now}; a CPU whose time is still behind the period's start
     * (another CPU's clock, or vCPU 0 reading in the run its expiry came in) sees the full count.
     */
    private int currentCount(int t, long now) {
        if (!timerRunning[t] || timerOrigin[t] == WAITING) return tccr[t];
        long used = Math.max(0, now - timerOrigin[t]);
        int count = (tccr[t] & ~TCCR_TOG) - (int) used;
        return (tccr[t] & TCCR_TOG) | (count & ~TCCR_TOG);
    }

    private void pollTimers(long now) {
        boolean expired = false;
        for (int t = 0; t < 4; t++) {
            if (!timerRunning[t] || timerOrigin[t] == WAITING) continue;
            long period = tccr[t] & ~TCCR_TOG;
            if (now - timerOrigin[t] < period) continue;
            expired = true;
            // expiry: reload from TBCR (which may have changed), toggle, and restart from the deadline
            long origin = timerOrigin[t] + period;
            int base = tbcr[t] & ~TBCR_CI;
            long expiries = 1;
            if (base != 0) {
                long more = (now - origin) / base;                         // further whole periods since then
                expiries += more;
                origin += more * base;
            }
            int tog = (tccr[t] & TCCR_TOG) ^ ((expiries & 1) != 0 ? TCCR_TOG : 0);
            tccr[t] = base | tog;
            if (base == 0) stopTimer(t); else timerOrigin[t] = origin;
            int n = TIMER0 + t;
            destmask[n] = idr[n];
            setIrq(n, true);
            setIrq(n, false);
        }
        if (expired) armNext();
    }

    private int msiRead(int rel) {
        if ((rel & 0xF) != 0) return -1;
        if (rel <= 0x70) {                                                 // MSIR k: read and clear
            int k = rel >> 4, r = msir[k];
            msir[k] = 0;
            setIrq(MSI0 + k, false);
            return r;
        }
        if (rel == 0x120) {                                                // MSISR
            int r = 0;
            for (int k = 0; k < 8; k++) if (msir[k] != 0) r |= 1 << k;
            return r;
        }
        return 0;
    }

    private void msiWrite(int rel, int v) {
        if (rel != 0x140) return;                                          // only MSIIR is writable
        int bank = v >>> 29, bit = (v >>> 24) & 0x1F;
        msir[bank] |= 1 << bit;
        setIrq(MSI0 + bank, true);
    }

    private int sourceRead(int rel) {
        int n = rel >> 5;
        return switch (rel & 0x1F) {
            case 0x00 -> ivpr[n];
            case 0x10 -> idr[n];
            case 0x18 -> output[n];                                        // ILR: INTTGT codes equal the outputs
            default -> -1;
        };
    }

    private void sourceWrite(int rel, int v) {
        int n = rel >> 5;
        switch (rel & 0x1F) {
            case 0x00 -> ivprWrite(n, v);
            case 0x10 -> idrWrite(n, v);
            case 0x18 -> output[n] = switch (v & 0xFF) { case 1 -> OUT_CINT; case 2 -> OUT_MCK; default -> OUT_INT; };
            default -> { }
        }
    }

    private void ivprWrite(int n, int v) {
        int x = (ivpr[n] & IVPR_A) | (v & IVPR_WRITABLE);
        switch (kind[n]) {
            case EXTERNAL -> level[n] = (x & IVPR_SENSE) != 0;
            case INTERNAL -> x &= ~IVPR_SENSE;
            default -> x &= ~(IVPR_SENSE | IVPR_POL);
        }
        ivpr[n] = x;
        update(n);
    }

    private void idrWrite(int n, int v) {
        idr[n] = (int) (v & ((1L << ncpus) - 1));
        destmask[n] = idr[n];
    }

    private int cpuRead(int c, int off) {
        if (c >= ncpus || (off & 0xF) != 0) return -1;
        return switch (off & 0xFF0) {
            case 0x80 -> ctpr[c];
            case 0x90 -> c;                                                // WHOAMI
            case 0xA0 -> iack(c);
            case 0xB0 -> 0;                                                // EOI reads 0
            default -> -1;
        };
    }

    private void cpuWrite(int c, int off, int v) {
        if (c >= ncpus || (off & 0xF) != 0) return;
        switch (off & 0xFF0) {
            case 0x40, 0x50, 0x60, 0x70 -> {                               // IPIDR: send IPI to the CPUs in v
                int n = IPI0 + (((off & 0xFF0) - 0x40) >> 4);
                destmask[n] |= v;
                setIrq(n, true);
                setIrq(n, false);
            }
            case 0x80 -> {
                ctpr[c] = v & 0xF;
                int r = priority(raised[c]);
                if (r <= ctpr[c]) cpus[c].setExternal(false);
                else if (r > priority(servicing[c])) cpus[c].setExternal(true);
            }
            case 0xB0 -> eoi(c);
            default -> { }                                                 // WHOAMI, IACK: read-only
        }
    }

    // Delivery.

    private void setIrq(int n, boolean on) {
        if (level[n]) {
            pending[n] = on;
            update(n);
        } else if (on) {                                                   // edge: a rising level latches
            pending[n] = true;
            update(n);
        }
        if (!level[n] && output[n] != OUT_INT) {                           // edges on non-INT outputs only pulse
            pending[n] = false;
            update(n);
        }
    }

    /** Re-evaluates source {@code n} after its input or registers changed. */
    private void update(int n) {
        boolean active = pending[n] && (ivpr[n] & IVPR_MSK) == 0;
        boolean wasActive = (ivpr[n] & IVPR_A) != 0;
        if (!active && !wasActive) return;
        ivpr[n] = active ? ivpr[n] | IVPR_A : ivpr[n] & ~IVPR_A;
        int mask = destmask[n];
        for (int c = 0; c < ncpus; c++) if ((mask & (1 << c)) != 0) deliver(c, n, active, wasActive);
    }

    private void deliver(int c, int n, boolean active, boolean wasActive) {
        if (output[n] != OUT_INT) {                                        // critical / machine check: no priorities
            int o = output[n];
            if (active && !wasActive && outputsActive[c][o]++ == 0) driveOther(c, o, true);
            else if (!active && wasActive && --outputsActive[c][o] == 0) driveOther(c, o, false);
            return;
        }
        if (active) set(raised[c], n); else clear(raised[c], n);
        int pri = (ivpr[n] & IVPR_PRI) >>> 16;
        if (active && pri > ctpr[c]) {
            if (pri > priority(servicing[c])) cpus[c].setExternal(true);   // else hidden by one in service
        } else {
            int r = priority(raised[c]);
            if (!(r > ctpr[c] && r > priority(servicing[c]))) cpus[c].setExternal(false);
        }
    }

    private void driveOther(int c, int o, boolean on) {
        if (o == OUT_CINT) cpus[c].setCritical(on);                        // machine check output: not wired on ppce500
    }

    private int iack(int c) {
        cpus[c].setExternal(false);
        int n = next(raised[c]);
        if (n < 0) return spve;
        int r;
        int pri = (ivpr[n] & IVPR_PRI) >>> 16;
        if ((ivpr[n] & IVPR_A) == 0 || pri <= ctpr[c]) {
            update(n);                                                     // raised but not deliverable: spurious
            r = spve;
        } else {
            set(servicing[c], n);
            r = ivpr[n] & IVPR_VEC;
        }
        if (!level[n]) {                                                   // edge: consumed by this acknowledge
            ivpr[n] &= ~IVPR_A;
            pending[n] = false;
            clear(raised[c], n);
        }
        if (n >= IPI0) {                                                   // IPIs and timers are multicast
            destmask[n] &= ~(1 << c);
            if (destmask[n] != 0 && !level[n]) {                           // still owed to other CPUs
                setIrq(n, true);
                setIrq(n, false);
                ivpr[n] |= IVPR_A;
            }
        }
        return r;
    }

    private void eoi(int c) {
        int s = next(servicing[c]);
        if (s < 0) return;
        clear(servicing[c], s);
        int n = next(raised[c]);
        if (n >= 0 && (next(servicing[c]) < 0 || (ivpr[n] & IVPR_PRI) >>> 16 > priority(servicing[c])))
            cpus[c].setExternal(true);
    }

    private void picReset() {
        gcr = 0;
        vir = 0;
        spve = 0xFFFF;
        tfrr = 0;
        for (int n = 0; n < IRQS; n++) {
            ivpr[n] = IVPR_MSK | (kind[n] == INTERNAL ? IVPR_POL : 0);
            if (kind[n] == EXTERNAL) level[n] = false;
            output[n] = OUT_INT;
            idrWrite(n, 1);
        }
        for (int c = 0; c < ncpus; c++) {
            ctpr[c] = 15;
            java.util.Arrays.fill(raised[c], 0);
            java.util.Arrays.fill(servicing[c], 0);
            java.util.Arrays.fill(outputsActive[c], 0);
            cpus[c].setExternal(false);
            cpus[c].setCritical(false);
        }
        for (int t = 0; t < 4; t++) {
            tccr[t] = 0;
            tbcr[t] = TBCR_CI;
            timerRunning[t] = false;
        }
        armNext();
    }

    // Per-CPU bit queues of source numbers.

    private static void set(long[] q, int n) { q[n >>> 6] |= 1L << n; }

    private static void clear(long[] q, int n) { q[n >>> 6] &= ~(1L << n); }

    /** The queued source with the highest priority, the lowest number among equals; -1 if none. */
    private int next(long[] q) {
        int best = -1, bestPri = -1;
        for (int w = 0; w < WORDS; w++) {
            for (long bits = q[w]; bits != 0; bits &= bits - 1) {
                int n = w << 6 | Long.numberOfTrailingZeros(bits);
                int pri = (ivpr[n] & IVPR_PRI) >>> 16;
                if (pri > bestPri) { best = n; bestPri = pri; }
            }
        }
        return best;
    }

    /** Priority of {@link #next}, or -1 for an empty queue. */
    private int priority(long[] q) {
        int n = next(q);
        return n < 0 ? -1 : (ivpr[n] & IVPR_PRI) >>> 16;
    }
}
