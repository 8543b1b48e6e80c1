package epaprlab.ppc.cpu;

import epaprlab.ppc.exec.BlockIndex;
import epaprlab.ppc.exec.CpuState;
import epaprlab.ppc.exec.Interpreter;
import epaprlab.ppc.mem.StateFormatException;
import epaprlab.ppc.mmu.Tlb;
import epaprlab.ppc.timer.Timers;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * Immutable architected state of one vCPU ({@link Cpu#saveState()}): GPRs, FPRs, FPSCR, CR, LR,
 * CTR, XER, MSR, PC, every SPR (MAS and PID registers included), the translation mode and the
 * TLB0/TLB1 entries, the timers (time base, DEC, TCR/TSR/DECAR, FIT and watchdog state), the
 * interrupt requests pending from outside (input levels, machine check, doorbells), the wait
 * state and the retired-instruction count. Not the lwarx reservation: a restore clears it, as an
 * interrupt would. Nothing of the host's wiring (physical bus, proxy, hooks) is in it.
 *
 * <p>Time: in instruction time a restore is exact (TB = retired + the same offset). In wall-clock
 * time the time base goes on from the value it had when saved: the guest sees no time pass while
 * it was saved, like a paused VM; DEC, FIT and the watchdog keep their distance to their next
 * events.
 */
public final class CpuSnapshot {
    /** "EPCS": epapr-lab CPU state. */
    private static final int MAGIC = 0x45504353;
    private static final int VERSION = 1;
    /** Far more than a snapshot ever needs (about 25 KiB with BOOK_E): a bigger length is damage. */
    private static final int MAX_BODY = 1 << 20;

    private final CpuModel model;
    private final Translation translation;
    private final long[] gpr, fpr;
    private final int fpscr, cr;
    private final long lr, ctr, xer, msr, pc;
    /** The non-zero SPRs: numbers and values. */
    private final short[] sprNumbers;
    private final long[] sprValues;
    private final long ivorInstalled, retired, watchdogTb;
    private final boolean waiting;
    private final Timers.State timers;
    private final long sharedTb;
    private final int pendingBits;
    private final long mcsr;
    /** Null with FLAT translation. */
    private final Tlb.State tlb;
    /**
     * The blocks the vCPU had decoded (frozen), shared with every vCPU restored from this state;
     * not architected: never written to a file, not compared, null when read from one.
     */
    private final BlockIndex predecoded;

    private CpuSnapshot(CpuModel model, Translation translation, long[] gpr, long[] fpr, int fpscr, int cr,
                        long lr, long ctr, long xer, long msr, long pc, short[] sprNumbers, long[] sprValues,
                        long ivorInstalled, long retired, long watchdogTb, boolean waiting, Timers.State timers,
                        long sharedTb, int pendingBits, long mcsr, Tlb.State tlb, BlockIndex predecoded) {
        this.model = model;
        this.translation = translation;
        this.gpr = gpr;
        this.fpr = fpr;
        this.fpscr = fpscr;
        this.cr = cr;
        this.lr = lr;
        this.ctr = ctr;
        this.xer = xer;
        this.msr = msr;
        this.pc = pc;
        this.sprNumbers = sprNumbers;
        this.sprValues = sprValues;
        this.ivorInstalled = ivorInstalled;
        this.retired = retired;
        this.watchdogTb = watchdogTb;
        this.waiting = waiting;
        this.timers = timers;
        this.sharedTb = sharedTb;
        this.pendingBits = pendingBits;
        this.mcsr = mcsr;
        this.predecoded = predecoded;
        this.tlb = tlb;
    }

    public CpuModel model() { return model; }
    public Translation translation() { return translation; }
    public long pc() { return pc; }
    public long gpr(int n) { return gpr[n]; }
    public long instructionsRetired() { return retired; }

    /** The vCPU's frozen predecoded blocks when it was saved (see {@link Interpreter#inherit}); null when read from a file. */
    public BlockIndex predecoded() { return predecoded; }

    static CpuSnapshot capture(CpuModel model, Translation translation, CpuState s, BlockIndex predecoded) {
        int n = 0;
        for (int i = 0; i < 1024; i++) if (Spr.slot(i) != 0 && s.sprs[Spr.slot(i)] != 0) n++;
        short[] numbers = new short[n];
        long[] values = new long[n];
        for (int i = 0, k = 0; i < 1024; i++) {
            long v = s.sprs[Spr.slot(i)];
            if (Spr.slot(i) != 0 && v != 0) {
                numbers[k] = (short) i;
                values[k++] = v;
            }
        }
        return new CpuSnapshot(model, translation, s.gpr.clone(), s.fpr.clone(), s.fpscr, s.cr, s.lr, s.ctr, s.xer(),
                s.msr, s.pc, numbers, values, s.ivorInstalled, s.retired, s.watchdogTb, s.waiting,
                s.timers.state(s), s.sharedTb.latest(), s.pending.bits(), s.pending.mcsr(),
                s.bookE ? s.mmu.tlb.state() : null, predecoded);
    }

    /** Puts {@code s} (of this model, already in this translation mode) in this state. */
    void apply(CpuState s) {
        System.arraycopy(gpr, 0, s.gpr, 0, 32);
        System.arraycopy(fpr, 0, s.fpr, 0, 32);
        s.fpscr = fpscr;
        s.cr = cr;
        s.lr = lr;
        s.ctr = ctr;
        s.setXer(xer);
        Arrays.fill(s.sprs, 0);
        for (int i = 0; i < sprNumbers.length; i++) s.sprs[Spr.slot(sprNumbers[i])] = sprValues[i];
        s.setMsr(msr);
        s.pc = pc;
        s.nia = pc;
        s.ivorInstalled = ivorInstalled;
        s.retired = retired;
        s.watchdogTb = watchdogTb;
        s.waiting = waiting;
        s.timers.restore(s, timers);
        if (sharedTb != Long.MIN_VALUE) s.sharedTb.show(sharedTb);
        s.pending.setPir(s.sprs[Spr.slot(Spr.PIR)]);
        s.pending.restore(pendingBits, mcsr);
        if (tlb != null) s.mmu.restore(tlb);
        s.resValid = false;
        s.codeWritten = false;
        s.limit = 0;                                    // timers and interrupts looked at before the first instruction
        s.idleDeadline = -1;
        s.stop = null;
        s.stopInterrupt = -1;
        s.stopPc = 0;
        s.stopInsn = 0;
        s.stopDetail = "";
    }

    /**
     * Writes the state: a length, the body (magic, version, model, translation, registers,
     * SPRs, timers, interrupts, TLBs) and a CRC-32 of the body.
     */
    public void write(DataOutput out) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(tlb == null ? 1024 : 16 * 1024);
        DataOutputStream d = new DataOutputStream(bytes);
        d.writeInt(MAGIC);
        d.writeInt(VERSION);
        d.writeUTF(model.configName());
        d.writeUTF(translation.name());
        for (long v : gpr) d.writeLong(v);
        for (long v : fpr) d.writeLong(v);
        d.writeInt(fpscr);
        d.writeInt(cr);
        d.writeLong(lr);
        d.writeLong(ctr);
        d.writeLong(xer);
        d.writeLong(msr);
        d.writeLong(pc);
        d.writeInt(sprNumbers.length);
        for (int i = 0; i < sprNumbers.length; i++) {
            d.writeShort(sprNumbers[i]);
            d.writeLong(sprValues[i]);
        }
        d.writeLong(ivorInstalled);
        d.writeLong(retired);
        d.writeLong(watchdogTb);
        d.writeBoolean(waiting);
        d.writeLong(timers.tb());
        d.writeLong(timers.lastTb());
        d.writeLong(timers.decBase());
        d.writeLong(timers.decSince());
        d.writeBoolean(timers.watchdogExpired());
        d.writeLong(sharedTb);
        d.writeInt(pendingBits);
        d.writeLong(mcsr);
        d.writeBoolean(tlb != null);
        if (tlb != null) {
            for (int v : tlb.mas1()) d.writeInt(v);
            for (long v : tlb.mas2()) d.writeLong(v);
            for (long v : tlb.mas73()) d.writeLong(v);
            d.writeInt(tlb.victim());
        }
        d.flush();
        byte[] body = bytes.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(body);
        out.writeInt(body.length);
        out.write(body);
        out.writeInt((int) crc.getValue());
    }

    /**
     * Reads a state written by {@link #write}.
     *
     * @throws StateFormatException when the data is cut short, damaged (checksum, out-of-range
     *         values), of another version or of an unknown model
     */
    public static CpuSnapshot read(DataInput in) throws IOException {
        byte[] body;
        try {
            int length = in.readInt();
            if (length <= 0 || length > MAX_BODY) throw new StateFormatException("CPU state length %d is not plausible".formatted(length));
            body = new byte[length];
            in.readFully(body);
            CRC32 crc = new CRC32();
            crc.update(body);
            if (in.readInt() != (int) crc.getValue()) throw new StateFormatException("CPU state checksum mismatch");
        } catch (EOFException e) {
            throw new StateFormatException("CPU state cut short", e);
        }
        DataInputStream d = new DataInputStream(new ByteArrayInputStream(body));
        try {
            if (d.readInt() != MAGIC) throw new StateFormatException("not a CPU state");
            int version = d.readInt();
            if (version != VERSION) throw new StateFormatException("CPU state version %d, this build reads version %d".formatted(version, VERSION));
            String modelName = d.readUTF();
            CpuModel model = CpuModel.byConfigName(modelName)
                    .orElseThrow(() -> new StateFormatException("CPU state of unknown model '" + modelName + "'"));
            String translationName = d.readUTF();
            Translation translation = Arrays.stream(Translation.values()).filter(t -> t.name().equals(translationName)).findFirst()
                    .orElseThrow(() -> new StateFormatException("CPU state with unknown translation '" + translationName + "'"));
            long[] gpr = longs(d, 32), fpr = longs(d, 32);
            int fpscr = d.readInt(), cr = d.readInt();
            long lr = d.readLong(), ctr = d.readLong(), xer = d.readLong(), msr = d.readLong(), pc = d.readLong();
            int sprs = d.readInt();
            if (sprs < 0 || sprs > 1024) throw new StateFormatException("CPU state with %d SPRs".formatted(sprs));
            short[] numbers = new short[sprs];
            long[] values = new long[sprs];
            for (int i = 0; i < sprs; i++) {
                numbers[i] = d.readShort();
                if (numbers[i] < 0 || numbers[i] > 1023 || Spr.slot(numbers[i]) == 0) {
                    throw new StateFormatException("CPU state with SPR number " + numbers[i]);
                }
                values[i] = d.readLong();
            }
            long ivorInstalled = d.readLong(), retired = d.readLong(), watchdogTb = d.readLong();
            boolean waiting = d.readBoolean();
            Timers.State timers = new Timers.State(d.readLong(), d.readLong(), d.readLong(), d.readLong(), d.readBoolean());
            long sharedTb = d.readLong();
            int pendingBits = d.readInt();
            long mcsr = d.readLong();
            boolean hasTlb = d.readBoolean();
            if (hasTlb != (translation == Translation.BOOK_E)) throw new StateFormatException("CPU state: TLBs do not match translation " + translation);
            Tlb.State tlb = null;
            if (hasTlb) {
                int[] mas1 = new int[Tlb.ENTRIES];
                for (int i = 0; i < mas1.length; i++) mas1[i] = d.readInt();
                tlb = new Tlb.State(mas1, longs(d, Tlb.ENTRIES), longs(d, Tlb.ENTRIES), d.readInt() & 3);
            }
            if (d.available() != 0) throw new StateFormatException("CPU state has %d bytes too many".formatted(d.available()));
            return new CpuSnapshot(model, translation, gpr, fpr, fpscr, cr, lr, ctr, xer, msr, pc, numbers, values,
                    ivorInstalled, retired, watchdogTb, waiting, timers, sharedTb, pendingBits, mcsr, tlb, null);
        } catch (EOFException e) {
            throw new StateFormatException("CPU state body cut short", e);
        }
    }

    private static long[] longs(DataInputStream d, int n) throws IOException {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) a[i] = d.readLong();
        return a;
    }

    /** Equal state (for tests and deduplication). */
    @Override public boolean equals(Object o) {
        if (!(o instanceof CpuSnapshot c)) return false;
        return model == c.model && translation == c.translation && Arrays.equals(gpr, c.gpr) && Arrays.equals(fpr, c.fpr)
                && fpscr == c.fpscr && cr == c.cr && lr == c.lr && ctr == c.ctr && xer == c.xer && msr == c.msr && pc == c.pc
                && Arrays.equals(sprNumbers, c.sprNumbers) && Arrays.equals(sprValues, c.sprValues)
                && ivorInstalled == c.ivorInstalled && retired == c.retired && watchdogTb == c.watchdogTb
                && waiting == c.waiting && timers.equals(c.timers) && sharedTb == c.sharedTb
                && pendingBits == c.pendingBits && mcsr == c.mcsr && tlbEquals(tlb, c.tlb);
    }

    private static boolean tlbEquals(Tlb.State a, Tlb.State b) {
        if (a == null || b == null) return a == b;
        return Arrays.equals(a.mas1(), b.mas1()) && Arrays.equals(a.mas2(), b.mas2())
                && Arrays.equals(a.mas73(), b.mas73()) && a.victim() == b.victim();
    }

    @Override public int hashCode() { return Long.hashCode(pc) * 31 + Long.hashCode(retired); }

    @Override public String toString() {
        return "CpuSnapshot[%s %s pc=0x%x retired=%d]".formatted(model.configName(), translation, pc, retired);
    }
}
