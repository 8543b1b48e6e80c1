package epaprlab.machine.device;

import epaprlab.machine.state.StateIo;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The e500 PCI host controller (QEMU's {@code hw/pci-host/ppce500.c}; board spec section 9) with
 * an empty bus: CFG_ADDR (big-endian, stored on 4-byte writes only) and CFG_DATA (little-endian,
 * 1/2/4 bytes, byte offset added to the register), the host bridge at bus 0 device 0 function 0,
 * and the ATMU window registers, stored and read back.
 *
 * <p>The bridge's config header is what QEMU 7.2 gives (checked with U-Boot's {@code pci display}
 * and {@code pci write} under qemu-system-ppc): vendor 0x1957, device 0x0030, class 0x0B2000,
 * subsystem 0x1AF4:0x1100, COMMAND writable bits 0x0507, BAR0 a 1 MiB 32-bit memory BAR (writable
 * bits 0xFFF00000), INTERRUPT_LINE writable, 0x40..0xFF plain read/write bytes, the rest read-only.
 * Every other device reads all-ones and ignores writes; so do config cycles with CFG_ADDR's enable
 * bit clear.
 *
 * <p>Nothing sits behind the outbound windows, so an enabled window reads 0 like the holes around
 * it (QEMU's empty bus memory); BAR0 is not decoded (QEMU aliases CCSR there). A board reset
 * clears the ATMU registers, which QEMU keeps. Locking: one monitor.
 */
public final class E500PciHost implements MmioDevice {
    public static final int SIZE = 0x1000;
    static final int CFG_ADDR = 0x000, CFG_DATA = 0x004, REG_BASE = 0xC00;
    static final int VENDOR = 0x1957, DEVICE = 0x0030, CLASS = 0x0B2000;
    private static final int ENABLE = 0x8000_0000;

    private final byte[] config = new byte[256];
    private final byte[] writable = new byte[256];
    private int configAddress;
    private final int[] outbound = new int[5 * 4];                     // [window 1..4][POTAR, POTEAR, POWBAR, POWAR]
    private final int[] inbound = new int[3 * 4];                      // [IW3, IW2, IW1][PITAR, PIWBAR, PIWBEAR, PIWAR]
    private int gasketTimer;

    public E500PciHost() {
        putLe(writable, 0x04, 2, 0x0507);                              // COMMAND: IO, MEM, MASTER, SERR, INTX_DISABLE
        putLe(writable, 0x10, 4, 0xFFF0_0000L);                        // BAR0: 1 MiB, memory, 32-bit
        writable[0x3C] = (byte) 0xFF;                                  // INTERRUPT_LINE
        for (int i = 0x40; i < 256; i++) writable[i] = (byte) 0xFF;    // device-specific space
        reset();
    }

    @Override
    public synchronized void reset() {
        java.util.Arrays.fill(config, (byte) 0);
        putLe(config, 0x00, 2, VENDOR);
        putLe(config, 0x02, 2, DEVICE);
        putLe(config, 0x08, 4, (long) CLASS << 8);                     // revision 0
        putLe(config, 0x2C, 2, 0x1AF4);                                // subsystem vendor (QEMU's default)
        putLe(config, 0x2E, 2, 0x1100);                                // subsystem id
        configAddress = 0;
        java.util.Arrays.fill(outbound, 0);
        java.util.Arrays.fill(inbound, 0);
        gasketTimer = 0;
    }

    /** The bridge's config header, CFG_ADDR and the ATMU registers, for snapshots. Arrays are never written. */
    public record State(byte[] config, int configAddress, int[] outbound, int[] inbound, int gasketTimer) {
        public void write(DataOutput out) throws IOException {
            StateIo.writeBytes(out, config);
            out.writeInt(configAddress);
            StateIo.writeInts(out, outbound);
            StateIo.writeInts(out, inbound);
            out.writeInt(gasketTimer);
        }

        public static State read(DataInput in) throws IOException {
            return new State(StateIo.readBytesExactly(in, 256, "pci config"), in.readInt(),
                    StateIo.readInts(in, 20, "pci outbound windows"), StateIo.readInts(in, 12, "pci inbound windows"), in.readInt());
        }
    }

    public synchronized State saveState() {
        return new State(config.clone(), configAddress, outbound.clone(), inbound.clone(), gasketTimer);
    }

    public synchronized void restoreState(State s) {
        System.arraycopy(s.config(), 0, config, 0, config.length);
        configAddress = s.configAddress();
        System.arraycopy(s.outbound(), 0, outbound, 0, outbound.length);
        System.arraycopy(s.inbound(), 0, inbound, 0, inbound.length);
        gasketTimer = s.gasketTimer();
    }

    @Override
    public synchronized long read(long offset, int size) {
        if (size == 8) return read(offset, 4) << 32 | read(offset + 4, 4);
        int off = (int) offset & (SIZE - 1);
        long mask = (1L << 8 * size) - 1;
        if (off < CFG_DATA) return configAddress & mask;               // QEMU answers any size with the low bytes
        if (off < CFG_DATA + 4) return swap(configRead(off & 3, size), size);
        if (off >= REG_BASE) return atmuRead(off - REG_BASE) & mask;
        return 0;
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        if (size == 8) {
            write(offset, 4, value >>> 32);
            write(offset + 4, 4, value & 0xFFFF_FFFFL);
            return;
        }
        int off = (int) offset & (SIZE - 1);
        long mask = (1L << 8 * size) - 1;
        if (off == CFG_ADDR && size == 4) configAddress = (int) value;
        else if (off >= CFG_DATA && off < CFG_DATA + 4) configWrite(off & 3, size, swap(value & mask, size));
        else if (off >= REG_BASE) atmuWrite(off - REG_BASE, (int) (value & mask));
    }

    /** A config read through CFG_DATA; {@code lane} is the byte offset within CFG_DATA. */
    private long configRead(int lane, int size) {
        long ones = (1L << 8 * size) - 1;
        int reg = bridgeRegister(lane);
        if (reg < 0) return ones;
        int n = Math.min(size, 256 - reg);
        long v = 0;
        for (int i = n - 1; i >= 0; i--) v = v << 8 | (config[reg + i] & 0xFF);
        return v;
    }

    private void configWrite(int lane, int size, long v) {
        int reg = bridgeRegister(lane);
        if (reg < 0) return;
        int n = Math.min(size, 256 - reg);
        for (int i = 0; i < n; i++, v >>>= 8) {
            int w = writable[reg + i];
            config[reg + i] = (byte) ((config[reg + i] & ~w) | ((int) v & w));
        }
    }

    /** The config-space offset CFG_ADDR selects on the host bridge, or -1 (disabled, other device). */
    private int bridgeRegister(int lane) {
        int a = configAddress | lane;
        if ((configAddress & ENABLE) == 0) return -1;
        int bus = (a >>> 16) & 0xFF, devfn = (a >>> 8) & 0xFF;
        return bus == 0 && devfn == 0 ? a & 0xFF : -1;
    }

    // ATMU: outbound windows 1..4 at 0xC20 + 0x20 * (n - 1), inbound 3, 2, 1 at 0xDA0, 0xDC0, 0xDE0.

    private int atmuSlot(int rel) {
        int win = rel & 0xFE0, field = switch (rel & 0x1F) { case 0x00 -> 0; case 0x04 -> 1; case 0x08 -> 2; case 0x10 -> 3; default -> -1; };
        if (win >= 0x20 && win <= 0x80 && field >= 0) return ((rel >> 5) & 7) * 4 + field;
        if (win >= 0x1A0 && win <= 0x1E0) {
            int inField = switch (rel & 0x1F) { case 0x00 -> 0; case 0x08 -> 1; case 0x0C -> 2; case 0x10 -> 3; default -> -1; };
            return inField < 0 ? -1 : 1000 + (((rel >> 5) & 3) - 1) * 4 + inField;
        }
        return win == 0x220 ? 2000 : -1;                                // GASKET_TIMR
    }

    private int atmuRead(int rel) {
        int s = atmuSlot(rel);
        if (s < 0) return 0;
        if (s >= 2000) return gasketTimer;
        return s >= 1000 ? inbound[s - 1000] : outbound[s];
    }

    private void atmuWrite(int rel, int v) {
        int s = atmuSlot(rel);
        if (s < 0) return;
        if (s >= 2000) gasketTimer = v;
        else if (s >= 1000) inbound[s - 1000] = v;
        else outbound[s] = v;
    }

    private static long swap(long v, int size) {
        return switch (size) {
            case 4 -> Integer.reverseBytes((int) v) & 0xFFFF_FFFFL;
            case 2 -> Short.reverseBytes((short) v) & 0xFFFF;
            default -> v;
        };
    }

    private static void putLe(byte[] b, int off, int size, long v) {
        for (int i = 0; i < size; i++, v >>>= 8) b[off + i] = (byte) v;
    }
}
