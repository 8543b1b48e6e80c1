package epaprlab.machine.device;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The QorIQ GPIO block (QEMU's {@code mpc8xxx.c}; board spec section 10): 32 pins, pin n at bit
 * {@code 0x80000000 >>> n}. A GPDAT write drives every output pin whose bit changes; pin 0 is
 * the board's power-off line, so its rise calls {@code powerOff}. No input pins are wired, so
 * GPIER only ever loses bits; the IRQ is {@code (GPIER & GPIMR) != 0}. 4-byte accesses only:
 * other sizes read 0 and are dropped.
 *
 * <p>Locking: one monitor for the registers; the IRQ line is set with it held (lock order: GPIO,
 * then MPIC); {@code powerOff} runs after it is released, on the writing vCPU's thread.
 */
public final class QoriqGpio implements MmioDevice {
    public static final int SIZE = 0x1000;
    static final int GPDIR = 0x00, GPODR = 0x04, GPDAT = 0x08, GPIER = 0x0C, GPIMR = 0x10, GPICR = 0x14;
    private static final int PIN0 = 0x8000_0000;

    private final IrqLine irq;
    private final Runnable powerOff;
    private int dir, odr, dat, ier, imr, icr;

    public QoriqGpio(IrqLine irq, Runnable powerOff) {
        this.irq = irq;
        this.powerOff = powerOff;
    }

    @Override
    public synchronized void reset() {
        dir = odr = dat = ier = imr = icr = 0;
        irq.set(false);
    }

    /** The six registers, for snapshots (the IRQ level follows from GPIER and GPIMR). */
    public record State(int dir, int odr, int dat, int ier, int imr, int icr) {
        public void write(DataOutput out) throws IOException {
            for (int v : new int[] {dir, odr, dat, ier, imr, icr}) out.writeInt(v);
        }

        public static State read(DataInput in) throws IOException {
            return new State(in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readInt());
        }
    }

    public synchronized State saveState() { return new State(dir, odr, dat, ier, imr, icr); }

    /** Puts the registers back; the IRQ line is not driven (the MPIC's saved state has its input). */
    public synchronized void restoreState(State s) {
        dir = s.dir(); odr = s.odr(); dat = s.dat(); ier = s.ier(); imr = s.imr(); icr = s.icr();
    }

    @Override
    public synchronized long read(long offset, int size) {
        if (size != 4) return 0;
        int v = switch ((int) offset & (SIZE - 1)) {
            case GPDIR -> dir;
            case GPODR -> odr;
            case GPDAT -> dat;
            case GPIER -> ier;
            case GPIMR -> imr;
            case GPICR -> icr;
            default -> 0;                                               // GPIBE and above: not modelled
        };
        return v & 0xFFFF_FFFFL;
    }

    @Override
    public void write(long offset, int size, long value) {
        if (size != 4) return;
        int v = (int) value;
        boolean off;
        synchronized (this) {
            off = false;
            switch ((int) offset & (SIZE - 1)) {
                case GPDIR -> dir = v;                                  // direction alone drives nothing
                case GPODR -> odr = v;
                case GPDAT -> {
                    int rising = (dat ^ v) & v & dir;
                    dat = v;
                    off = (rising & PIN0) != 0;
                }
                case GPIER -> { ier &= ~v; irq.set((ier & imr) != 0); }  // write 1 to clear
                case GPIMR -> { imr = v; irq.set((ier & imr) != 0); }
                case GPICR -> icr = v;
                default -> { }
            }
        }
        if (off) powerOff.run();
    }
}
