package epaprlab.machine.device;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The MPC8xxx I2C controller (QEMU's {@code hw/i2c/mpc_i2c.c}; board spec section 11) as a bus
 * master with devices attached by address. Byte registers at 0x00 ADR, 0x04 FDR, 0x08 CR, 0x0C SR,
 * 0x10 DR in a 0x14-byte window; reset SR 0x81 (MCF | RXAK). Wider accesses are split into byte
 * accesses, big-endian, as qemu-system-ppc 7.2 was seen to do (a 4-byte load of SR gives
 * 0x81000000); offsets at or beyond 0x14 read 0.
 *
 * <p>Transfers complete at once: the address byte written to DR starts a transfer (a missing
 * device only sets RXAK, without MCF/MIF, so a driver waits for its own timeout as under QEMU),
 * each data byte written or read sets MCF and MIF, and a DR read in receive mode returns the byte
 * fetched by the previous read and fetches the next. The IRQ is MEN & MIEN & MIF.
 *
 * <p>Locking: one monitor; attached devices and the IRQ line are called with it held.
 */
public final class MpcI2c implements MmioDevice {
    public static final int SIZE = 0x14;
    static final int ADR = 0x00, FDR = 0x04, CR = 0x08, SR = 0x0C, DR = 0x10;
    private static final int CR_MEN = 0x80, CR_MIEN = 0x40, CR_MSTA = 0x20, CR_MTX = 0x10, CR_RSTA = 0x04;
    private static final int SR_MCF = 0x80, SR_MBB = 0x20, SR_MAL = 0x10, SR_MIF = 0x02, SR_RXAK = 0x01;
    private static final int IDLE = -1;

    private final IrqLine irq;
    private final I2cDevice[] devices = new I2cDevice[128];
    private int adr, fdr, cr, sr, dr;
    private I2cDevice current;                       // the device of the transfer under way, or null
    private int address = IDLE;

    public MpcI2c(IrqLine irq) {
        this.irq = irq;
        reset();
    }

    /** Puts {@code device} on the bus at 7-bit address {@code address}. */
    public synchronized MpcI2c attach(int address, I2cDevice device) {
        if (address < 0 || address > 127 || devices[address] != null)
            throw new IllegalArgumentException("I2C address 0x%x is invalid or taken".formatted(address));
        devices[address] = device;
        return this;
    }

    /**
     * The controller's registers and transfer, for snapshots: {@code address} is the address byte of
     * the transfer under way (-1: none) and {@code acknowledged} whether its device still takes
     * part (false after a NACK). The attached devices keep their own state.
     */
    public record State(int adr, int fdr, int cr, int sr, int dr, int address, boolean acknowledged) {
        public void write(DataOutput out) throws IOException {
            for (int v : new int[] {adr, fdr, cr, sr, dr, address}) out.writeInt(v);
            out.writeBoolean(acknowledged);
        }

        public static State read(DataInput in) throws IOException {
            return new State(in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readBoolean());
        }
    }

    public synchronized State saveState() { return new State(adr, fdr, cr, sr, dr, address, current != null); }

    /**
     * Puts the controller back, with the device of the saved transfer as its partner; the IRQ line
     * is not driven (the MPIC's saved state has its input).
     *
     * @throws IllegalArgumentException if the saved transfer names an address with no device here
     */
    public synchronized void restoreState(State s) {
        I2cDevice partner = null;
        if (s.address() != IDLE && s.acknowledged()) {
            partner = s.address() >= 0 && s.address() < 256 ? devices[s.address() >>> 1] : null;
            if (partner == null) throw new IllegalArgumentException("i2c transfer to address byte 0x%x: no device there".formatted(s.address()));
        }
        adr = s.adr(); fdr = s.fdr(); cr = s.cr(); sr = s.sr(); dr = s.dr();
        address = s.address();
        current = partner;
    }

    @Override
    public synchronized void reset() {
        softReset();
        adr = 0;
        for (I2cDevice d : devices) if (d != null) d.reset();
    }

    private void softReset() {
        if (current != null) current.finish();
        current = null;
        address = IDLE;
        fdr = cr = dr = 0;
        sr = SR_MCF | SR_RXAK;
        updateIrq();
    }

    @Override
    public synchronized long read(long offset, int size) {
        long v = 0;
        for (int i = 0; i < size; i++) v = v << 8 | readByte((int) offset + i);
        return v;
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        for (int i = 0; i < size; i++) writeByte((int) offset + i, (int) (value >>> 8 * (size - 1 - i)) & 0xFF);
    }

    private int readByte(int off) {
        return switch (off) {
            case ADR -> adr;
            case FDR -> fdr;
            case CR -> cr;
            case SR -> sr;
            case DR -> {
                int r = dr;
                if ((cr & CR_MSTA) != 0 && (cr & CR_MTX) == 0) receiveNext();
                yield r;
            }
            default -> 0;
        };
    }

    private void writeByte(int off, int v) {
        switch (off) {
            case ADR -> adr = v & 0xFE;
            case FDR -> fdr = v & 0x3F;
            case CR -> writeCr(v);
            case SR -> {
                sr = v & 0xED;
                if ((sr & SR_MIF) == 0 || (sr & SR_MAL) == 0) updateIrq();   // QEMU leaves the line alone if both
            }
            case DR -> {
                if ((cr & CR_MEN) == 0) return;
                dr = v;
                if ((cr & CR_MSTA) == 0) return;
                if (address == IDLE) sendAddress(); else sendData();
            }
            default -> { }
        }
    }

    private void writeCr(int v) {
        if ((cr & CR_MEN) != 0 && (v & CR_MEN) == 0) {    // disabling resets all but ADR
            softReset();
            return;
        }
        cr = v & 0xFC;
        if ((cr & CR_MSTA) != 0) {
            sr |= SR_MBB;
        } else {                                             // STOP
            sr &= ~SR_MBB;
            endTransfer();
        }
        if ((cr & CR_RSTA) != 0 && address != IDLE) {       // repeated START: the next DR write is an address
            endTransfer();
            cr &= ~CR_RSTA;
        }
    }

    private void sendAddress() {
        I2cDevice d = devices[dr >>> 1];
        if (d == null) {
            sr |= SR_RXAK;                                   // nobody acknowledged
            return;
        }
        current = d;
        address = dr;
        d.start((dr & 1) != 0);
        sr = (sr & ~SR_RXAK) | SR_MCF | SR_MIF;
        updateIrq();
    }

    private void sendData() {
        if (current == null || !current.send(dr)) {         // NACK ends the transfer; later bytes go nowhere
            sr |= SR_RXAK;
            if (current != null) current.finish();
            current = null;
            return;
        }
        sr = (sr & ~SR_RXAK) | SR_MCF | SR_MIF;
        updateIrq();
    }

    private void receiveNext() {
        if (current == null) { dr = 0xFF; return; }
        dr = current.receive() & 0xFF;
        sr |= SR_MCF | SR_MIF;
        updateIrq();
    }

    private void endTransfer() {
        if (address == IDLE) return;
        if (current != null) current.finish();
        current = null;
        address = IDLE;
    }

    private void updateIrq() {
        irq.set((cr & CR_MEN) != 0 && (cr & CR_MIEN) != 0 && (sr & SR_MIF) != 0);
    }
}
