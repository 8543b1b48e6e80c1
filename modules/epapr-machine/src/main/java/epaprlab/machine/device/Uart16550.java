package epaprlab.machine.device;

import epaprlab.machine.state.StateIo;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.function.IntConsumer;

/**
 * A 16550A UART as QEMU's {@code serial.c} shows it to the guest (board spec section 6): eight
 * byte registers (offset & 7, any access size, low byte only), DLAB, 16-byte RX FIFO with trigger
 * levels, IIR priorities, and a level interrupt raised while IIR is not 0x01.
 *
 * <p>Differences from QEMU, all invisible to polling and to Linux's and U-Boot's drivers:
 * transmission is instantaneous (THRE and TEMT never drop); host input that does not fit the FIFO
 * (or RBR) waits in an unbounded queue in order, so nothing is lost and OE is never set by host
 * input; the RX timeout interrupt (IIR 0x0C) has no clock: it is pending whenever the FIFO holds
 * fewer bytes than the trigger level, because the host's input has then ended.
 *
 * <p>Locking: one monitor per UART. {@code transmit} and the IRQ line are called with it held, so
 * bytes leave in register order; neither may block for long nor call back into this UART.
 */
public final class Uart16550 implements MmioDevice {
    /** The registers QEMU decodes; the device tree's 0x100 is larger, the rest is unassigned. */
    public static final int SIZE = 8;
    private static final int FIFO = 16;
    private static final int IER_RDI = 0x01, IER_THRI = 0x02, IER_RLSI = 0x04, IER_MSI = 0x08;
    private static final int IIR_NONE = 0x01, IIR_MSI = 0x00, IIR_THRI = 0x02, IIR_RDI = 0x04, IIR_RLSI = 0x06,
            IIR_CTI = 0x0C, IIR_FIFOS = 0xC0;
    private static final int FCR_FE = 0x01, FCR_RFR = 0x02, FCR_XFR = 0x04;
    private static final int LCR_DLAB = 0x80;
    private static final int MCR_LOOP = 0x10, MCR_OUT2 = 0x08;
    private static final int LSR_DR = 0x01, LSR_OE = 0x02, LSR_BI = 0x10, LSR_THRE = 0x20, LSR_TEMT = 0x40,
            LSR_INT_ANY = 0x1E;
    private static final int MSR_DELTAS = 0x0F, MSR_RESET = 0xB0;   // DCD | DSR | CTS

    private final IrqLine irq;
    private final IntConsumer transmit;
    private final ByteQueue host = new ByteQueue();     // host input not yet in the FIFO/RBR
    private final byte[] fifo = new byte[FIFO];
    private int fifoHead, fifoCount;

    private int rbr, ier, iir, fcr, lcr, mcr, lsr, msr, scr, divisor, triggerLevel;
    private boolean thrPending;
    private boolean irqLevel;

    public Uart16550(IrqLine irq, IntConsumer transmit) {
        this.irq = irq;
        this.transmit = transmit;
        reset();
    }

    /** One byte typed by the host for the guest to read; never blocks, never drops. Thread-safe. */
    public synchronized void receive(int b) {
        host.add((byte) b);
        refill();
        update();
    }

    /** Bytes typed by the host, in order; one lock and one IRQ update for all of them. Thread-safe. */
    public synchronized void receive(byte[] bytes, int off, int len) {
        for (int i = 0; i < len; i++) host.add(bytes[off + i]);
        refill();
        update();
    }

    /** Host input still waiting to enter the FIFO (or RBR). */
    public synchronized int queuedInput() { return host.size(); }

    @Override
    public synchronized void reset() {
        rbr = 0; ier = 0; iir = IIR_NONE; fcr = 0; lcr = 0; mcr = MCR_OUT2; scr = 0;
        lsr = LSR_TEMT | LSR_THRE; msr = MSR_RESET; divisor = 0x0C; triggerLevel = 1;
        fifoHead = fifoCount = 0;
        thrPending = false;
        refill();                                        // typed input survives a reset, in order
        update();
    }

    /**
     * Everything the UART holds, for snapshots: the registers, the receive FIFO (oldest first), the
     * host input waiting behind it, and the IRQ level last driven. Arrays are never written.
     */
    public record State(int rbr, int ier, int iir, int fcr, int lcr, int mcr, int lsr, int msr, int scr, int divisor,
                        int triggerLevel, boolean thrPending, boolean irqLevel, byte[] fifo, byte[] hostInput) {
        public void write(DataOutput out) throws IOException {
            for (int v : new int[] {rbr, ier, iir, fcr, lcr, mcr, lsr, msr, scr, divisor, triggerLevel}) out.writeInt(v);
            out.writeBoolean(thrPending);
            out.writeBoolean(irqLevel);
            StateIo.writeBytes(out, fifo);
            StateIo.writeBytes(out, hostInput);
        }

        public static State read(DataInput in) throws IOException {
            int[] r = new int[11];
            for (int i = 0; i < r.length; i++) r[i] = in.readInt();
            boolean thr = in.readBoolean(), irq = in.readBoolean();
            return new State(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], thr, irq,
                    StateIo.readBytes(in, FIFO, "uart fifo"), StateIo.readBytes(in, Integer.MAX_VALUE - 8, "uart host input"));
        }
    }

    public synchronized State saveState() {
        byte[] f = new byte[fifoCount];
        for (int i = 0; i < fifoCount; i++) f[i] = fifo[(fifoHead + i) % FIFO];
        return new State(rbr, ier, iir, fcr, lcr, mcr, lsr, msr, scr, divisor, triggerLevel, thrPending, irqLevel,
                f, host.toArray());
    }

    /**
     * Puts the UART in {@code s}. The IRQ line is not driven: the interrupt controller's own saved
     * state already holds what the line did.
     */
    public synchronized void restoreState(State s) {
        rbr = s.rbr(); ier = s.ier(); iir = s.iir(); fcr = s.fcr(); lcr = s.lcr(); mcr = s.mcr(); lsr = s.lsr();
        msr = s.msr(); scr = s.scr(); divisor = s.divisor(); triggerLevel = s.triggerLevel();
        thrPending = s.thrPending(); irqLevel = s.irqLevel();
        fifoHead = 0;
        fifoCount = 0;
        for (byte b : s.fifo()) put(b);
        host.clear();
        for (byte b : s.hostInput()) host.add(b);
    }

    @Override
    public synchronized long read(long offset, int size) {
        int r;
        switch ((int) offset & 7) {
            case 0 -> r = (lcr & LCR_DLAB) != 0 ? divisor & 0xFF : readRbr();
            case 1 -> r = (lcr & LCR_DLAB) != 0 ? divisor >>> 8 : ier;
            case 2 -> {
                r = iir;
                if ((r & 0x0F) == IIR_THRI) { thrPending = false; update(); }
            }
            case 3 -> r = lcr;
            case 4 -> r = mcr;
            case 5 -> {
                r = lsr;
                if ((lsr & (LSR_BI | LSR_OE)) != 0) { lsr &= ~(LSR_BI | LSR_OE); update(); }
            }
            case 6 -> {
                if ((mcr & MCR_LOOP) != 0) {             // outputs looped to inputs: RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD
                    r = ((mcr & 0x0C) << 4) | ((mcr & 0x02) << 3) | ((mcr & 0x01) << 5);
                } else {
                    r = msr;
                    if ((msr & MSR_DELTAS) != 0) { msr &= 0xF0; update(); }
                }
            }
            default -> r = scr;
        }
        return r;
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        int v = (int) value & 0xFF;
        switch ((int) offset & 7) {
            case 0 -> {
                if ((lcr & LCR_DLAB) != 0) { divisor = (divisor & 0xFF00) | v; return; }
                writeThr(v);
            }
            case 1 -> {
                if ((lcr & LCR_DLAB) != 0) { divisor = (divisor & 0x00FF) | v << 8; return; }
                ier = v & 0x0F;
                if ((lsr & LSR_THRE) != 0) thrPending = true;   // enabling THRI on an empty THR interrupts at once
                update();
            }
            case 2 -> writeFcr(v);
            case 3 -> lcr = v;
            case 4 -> {
                boolean wasLoop = (mcr & MCR_LOOP) != 0;
                mcr = v & 0x1F;
                if (wasLoop && (mcr & MCR_LOOP) == 0) { refill(); update(); }   // host input flows again
            }
            case 5, 6 -> { }                              // LSR, MSR: read-only
            default -> scr = v;
        }
    }

    private int readRbr() {
        int r;
        if ((fcr & FCR_FE) != 0) {
            r = 0;
            if (fifoCount > 0) {
                r = fifo[fifoHead] & 0xFF;
                fifoHead = (fifoHead + 1) % FIFO;
                fifoCount--;
            }
            refill();
            if (fifoCount == 0) lsr &= ~(LSR_DR | LSR_BI);
        } else {
            r = rbr;
            lsr &= ~(LSR_DR | LSR_BI);
            refill();
        }
        update();
        return r;
    }

    private void writeThr(int v) {
        if ((mcr & MCR_LOOP) != 0) {
            loopBack(v);
        } else {
            transmit.accept(v);
        }
        // sent at once: THR and the shift register are empty again, which the guest sees as a THR-empty interrupt
        lsr |= LSR_THRE | LSR_TEMT;
        thrPending = true;
        update();
    }

    /** Loopback: what the guest sends arrives on its own receive side (QEMU: an overrun if full). */
    private void loopBack(int v) {
        if ((fcr & FCR_FE) != 0) {
            if (fifoCount < FIFO) put(v); else lsr |= LSR_OE;
        } else {
            if ((lsr & LSR_DR) != 0) lsr |= LSR_OE;
            rbr = v;
        }
        lsr |= LSR_DR;
    }

    private void writeFcr(int v) {
        if (v == fcr) return;
        if (((v ^ fcr) & FCR_FE) != 0) v |= FCR_RFR | FCR_XFR;   // toggling FE flushes both FIFOs
        if ((v & FCR_RFR) != 0) {
            fifoHead = fifoCount = 0;
            lsr &= ~(LSR_DR | LSR_BI);
        }
        if ((v & FCR_FE) != 0) {
            iir |= IIR_FIFOS;
            triggerLevel = switch (v & 0xC0) { case 0x00 -> 1; case 0x40 -> 4; case 0x80 -> 8; default -> 14; };
        } else {
            iir &= ~IIR_FIFOS;
        }
        fcr = v & 0xC9;
        refill();
        update();
    }

    /** Moves waiting host input into the FIFO (or an empty RBR); nothing moves in loopback. */
    private void refill() {
        if ((mcr & MCR_LOOP) != 0) return;
        if ((fcr & FCR_FE) != 0) {
            while (fifoCount < FIFO && host.size() > 0) put(host.take());
            if (fifoCount > 0) lsr |= LSR_DR;
        } else if ((lsr & LSR_DR) == 0 && host.size() > 0) {
            rbr = host.take();
            lsr |= LSR_DR;
        }
    }

    private void put(int b) {
        fifo[(fifoHead + fifoCount) % FIFO] = (byte) b;
        fifoCount++;
    }

    /** Recomputes IIR by priority and drives the level IRQ. */
    private void update() {
        boolean fifoOn = (fcr & FCR_FE) != 0;
        int id;
        if ((ier & IER_RLSI) != 0 && (lsr & LSR_INT_ANY) != 0) id = IIR_RLSI;
        else if ((ier & IER_RDI) != 0 && fifoOn && fifoCount > 0 && fifoCount < triggerLevel) id = IIR_CTI;
        else if ((ier & IER_RDI) != 0 && (lsr & LSR_DR) != 0 && (!fifoOn || fifoCount >= triggerLevel)) id = IIR_RDI;
        else if ((ier & IER_THRI) != 0 && thrPending) id = IIR_THRI;
        else if ((ier & IER_MSI) != 0 && (msr & MSR_DELTAS) != 0) id = IIR_MSI;
        else id = IIR_NONE;
        iir = id | (iir & 0xF0);
        boolean level = id != IIR_NONE;
        if (level != irqLevel) {
            irqLevel = level;
            irq.set(level);
        }
    }

    /** A growable FIFO of bytes for host input. */
    private static final class ByteQueue {
        private byte[] buf = new byte[64];
        private int head, size;

        int size() { return size; }

        void clear() { head = size = 0; }

        byte[] toArray() {
            byte[] a = new byte[size];
            for (int i = 0; i < size; i++) a[i] = buf[(head + i) % buf.length];
            return a;
        }

        void add(byte b) {
            if (size == buf.length) {
                byte[] bigger = new byte[buf.length * 2];
                for (int i = 0; i < size; i++) bigger[i] = buf[(head + i) % buf.length];
                buf = bigger;
                head = 0;
            }
            buf[(head + size++) % buf.length] = b;
        }

        int take() {
            int b = buf[head] & 0xFF;
            head = (head + 1) % buf.length;
            size--;
            return b;
        }
    }
}
