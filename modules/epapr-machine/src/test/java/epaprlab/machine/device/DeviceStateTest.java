package epaprlab.machine.device;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Every device's state round trip: a device driven into a non-trivial state through its registers
 * is saved, written and read back, restored into a fresh device, and both are then observed
 * through the same register accesses, which must answer the same (and differ from a fresh device,
 * so the check can fail).
 */
class DeviceStateTest {
    interface Io<T> { void write(T state, DataOutputStream out) throws IOException; }
    interface In<T> { T read(DataInputStream in) throws IOException; }

    /** The state as a snapshot file carries it: written and read back. */
    static <T> T throughBytes(T state, Io<T> write, In<T> read) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var out = new DataOutputStream(bytes)) { write.write(state, out); }
        var in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        T back = read.read(in);
        assertEquals(-1, in.read(), "the reader consumed every byte the writer wrote");
        return back;
    }

    // UART

    static List<Integer> observeUart(Uart16550 u) {
        List<Integer> seen = new ArrayList<>();
        for (int reg : new int[] {1, 2, 3, 4, 7}) seen.add((int) u.read(reg, 1));
        seen.add(u.queuedInput());
        int lcr = (int) u.read(3, 1);
        u.write(3, 1, lcr | 0x80);
        seen.add((int) u.read(0, 1));
        seen.add((int) u.read(1, 1));
        u.write(3, 1, lcr);
        for (int i = 0; i < 40 && (u.read(5, 1) & 1) != 0; i++) {
            seen.add((int) u.read(2, 1));
            seen.add((int) u.read(0, 1));
        }
        seen.add((int) u.read(5, 1));
        seen.add((int) u.read(6, 1));
        return seen;
    }

    @Test
    void uartKeepsRegistersFifoAndWaitingInput() throws IOException {
        boolean[] irq = new boolean[2];
        Uart16550 a = new Uart16550(l -> irq[0] = l, b -> {});
        a.write(3, 1, 0x83); a.write(0, 1, 0xD9); a.write(1, 1, 0x01); a.write(3, 1, 0x03);
        a.write(2, 1, 0x41);                              // FIFO on, trigger 4
        a.write(1, 1, 0x05);                              // RDI | RLSI
        a.write(7, 1, 0x5A);
        a.write(4, 1, 0x0B);
        for (int i = 0; i < 21; i++) a.receive('a' + i);  // 16 in the FIFO, 5 waiting
        a.read(0, 1);
        a.read(0, 1);
        Uart16550.State s = throughBytes(a.saveState(), Uart16550.State::write, Uart16550.State::read);
        Uart16550 b = new Uart16550(l -> irq[1] = l, x -> {});
        List<Integer> fresh = observeUart(new Uart16550(l -> {}, x -> {}));
        b.restoreState(s);
        assertEquals(irq[0], s.irqLevel());
        List<Integer> original = observeUart(a);
        assertEquals(original, observeUart(b));
        assertNotEquals(fresh, original);
    }

    // byte channel

    @Test
    void byteChannelKeepsBothDirectionsAndTheBacklog() throws IOException {
        ByteChannel a = new ByteChannel(0, 8, 8);
        a.guestSend("hello".getBytes(), 0, 5);
        a.hostInput("0123456789abcdef".getBytes());
        byte[] got = new byte[3];
        a.guestReceive(got, 0, 3);
        ByteChannel.State s = throughBytes(a.saveState(), ByteChannel.State::write, ByteChannel.State::read);
        ByteChannel b = new ByteChannel(0, 8, 8);
        b.restoreState(s);
        assertEquals(a.readable(), b.readable());
        assertEquals(a.writable(), b.writable());
        String original = drain(a);
        assertEquals("hello|3456789abcdef", original);
        assertEquals(original, drain(b));
        ByteChannel small = new ByteChannel(0, 4, 8);
        var e = assertThrows(IllegalArgumentException.class, () -> small.restoreState(s));
        assertTrue(e.getMessage().contains("5 bytes of saved output"), e.getMessage());
    }

    private static String drain(ByteChannel c) {
        byte[] buf = new byte[64];
        int out = c.hostDrain(buf, 0, 64);
        StringBuilder sb = new StringBuilder(new String(buf, 0, out)).append('|');
        int n;
        while ((n = c.guestReceive(buf, 0, 16)) > 0) sb.append(new String(buf, 0, n));
        return sb.toString();
    }

    // MPIC

    static List<Long> observePic(OpenPic p, OpenPicTest.Cpu c0, OpenPicTest.Cpu c1, long[] clock) {
        List<Long> seen = new ArrayList<>();
        seen.add(c0.proxy == null ? 0L : 1L);
        for (int off : new int[] {0x1020, 0x1080, 0x10A0, 0x10E0, 0x10F0, 0x1100, 0x1110, 0x1120, 0x1130, 0x1140, 0x1150}) {
            seen.add(p.read(off, 4));
        }
        for (int src : new int[] {1, 42, 43, 47, 224, 225}) {
            seen.add(p.read(0x10000 + 0x20L * src, 4));
            seen.add(p.read(0x10010 + 0x20L * src, 4));
            seen.add(p.read(0x10018 + 0x20L * src, 4));
        }
        seen.add(p.read(0x1720, 4));                       // MSISR
        clock[0] += 25 * 40;                              // 25 ticks later: timer 0 (count 20) has expired
        for (int cpu = 0; cpu < 2; cpu++) {
            seen.add(p.readBy(cpu, 0x80, 4));
            for (int i = 0; i < 4; i++) {
                seen.add(p.readBy(cpu, 0xA0, 4));          // IACK
                p.writeBy(cpu, 0xB0, 4, 0);                // EOI
            }
        }
        seen.add(p.read(0x1600, 4));                       // MSIR0, read and clear
        seen.add(p.read(0x1100, 4));
        return seen;
    }

    @Test
    void mpicKeepsSourcesQueuesInServiceTimersAndMsi() throws IOException {
        long[] clock = {1_000_000};
        var a0 = new OpenPicTest.Cpu();
        var a1 = new OpenPicTest.Cpu();
        OpenPic a = new OpenPic(List.of(a0, a1), () -> clock[0]);
        a.write(0x1020, 4, 0x6000_0000L);                 // proxy mode
        a.write(0x10E0, 4, 0x1234);
        a.write(0x10F0, 4, 25_000_000);
        for (int src : new int[] {42, 43, 47}) {
            a.write(0x10000 + 0x20L * src, 4, (src - 40L) << 16 | src);   // priority src-40, vector src
        }
        a.write(0x10010 + 0x20L * 43, 4, 2);               // I2C to CPU 1
        a.write(0x10000 + 0x20L * 224, 4, 9L << 16 | 0x224);
        a.write(0x1120, 4, 7L << 16 | 0x77);               // timer 0 unmasked
        a.write(0x1110, 4, 20);                            // count 20, running
        a.writeBy(1, 0x80, 4, 0);                          // CTPR 0 on both
        a.writeBy(0, 0x80, 4, 0);
        a.source(42).set(true);
        a.source(43).set(true);
        a.source(47).set(true);
        a.write(0x1740, 4, 0x0300_0000L);                  // MSI bank 0, bit 3
        assertEquals(0x224, a.readBy(0, 0xA0, 4));         // CPU 0 takes the MSI (priority 9): in service
        clock[0] += 10 * 40;
        OpenPic.State s = throughBytes(a.saveState(), OpenPic.State::write, OpenPic.State::read);

        long[] later = {clock[0]};                         // restored with the VM's time put back as it was
        var b0 = new OpenPicTest.Cpu();
        var b1 = new OpenPicTest.Cpu();
        OpenPic b = new OpenPic(List.of(b0, b1), () -> later[0]);
        b.restoreState(s);
        long[] fc = {0};
        List<Long> fresh = observePic(new OpenPic(List.of(new OpenPicTest.Cpu(), new OpenPicTest.Cpu()), () -> fc[0]),
                new OpenPicTest.Cpu(), new OpenPicTest.Cpu(), fc);
        List<Long> original = observePic(a, a0, a1, clock);
        assertEquals(original, observePic(b, b0, b1, later));
        assertNotEquals(fresh, original);
        var three = new OpenPic(List.of(new OpenPicTest.Cpu(), new OpenPicTest.Cpu(), new OpenPicTest.Cpu()));
        assertThrows(IllegalArgumentException.class, () -> three.restoreState(s));
    }

    // GPIO, PCI host, spin table

    @Test
    void gpioKeepsItsRegisters() throws IOException {
        QoriqGpio a = new QoriqGpio(IrqLine.NONE, () -> {});
        int[] regs = {0x00, 0x04, 0x08, 0x0C, 0x10, 0x14};
        for (int r : regs) a.write(r, 4, 0x1111_0000L * (r + 1) | r);
        QoriqGpio.State s = throughBytes(a.saveState(), QoriqGpio.State::write, QoriqGpio.State::read);
        QoriqGpio b = new QoriqGpio(IrqLine.NONE, () -> {});
        b.restoreState(s);
        for (int r : regs) assertEquals(a.read(r, 4), b.read(r, 4), "register 0x" + Integer.toHexString(r));
        assertNotEquals(0, a.read(0x08, 4));
    }

    @Test
    void pciHostKeepsConfigAddressHeaderAndWindows() throws IOException {
        E500PciHost a = new E500PciHost();
        a.write(0, 4, 0x8000_0010L);                       // BAR0
        a.write(4, 4, Integer.reverseBytes(0xE000_0000) & 0xFFFF_FFFFL);
        a.write(0, 4, 0x8000_0040L);
        a.write(4, 4, 0x1234_5678L);
        a.write(0xC20, 4, 0xABCD);                         // outbound window 1 POTAR
        a.write(0xDA8, 4, 0x77);                           // inbound
        a.write(0xE20, 4, 5);                              // gasket timer
        E500PciHost.State s = throughBytes(a.saveState(), E500PciHost.State::write, E500PciHost.State::read);
        E500PciHost b = new E500PciHost();
        b.restoreState(s);
        Consumer<E500PciHost> select = h -> h.write(0, 4, 0x8000_0010L);
        for (long off : new long[] {0, 4, 0xC20, 0xDA8, 0xE20}) assertEquals(a.read(off, 4), b.read(off, 4));
        select.accept(a);
        select.accept(b);
        assertEquals(a.read(4, 4), b.read(4, 4));
        assertNotEquals(new E500PciHost().read(0xC20, 4), b.read(0xC20, 4));
    }

    @Test
    void spinTableKeepsItsEntriesWithoutReleasingAnyone() throws IOException {
        List<Integer> released = new ArrayList<>();
        SpinTable a = new SpinTable(4, (cpu, addr, r3) -> released.add(cpu));
        a.write(0x20 + 0x08, 8, 0xCAFE);                   // r3 of entry 1
        a.write(0x40, 8, 0x100000);                         // release CPU 2
        SpinTable.State s = throughBytes(a.saveState(), SpinTable.State::write, SpinTable.State::read);
        SpinTable b = new SpinTable(4, (cpu, addr, r3) -> released.add(100 + cpu));
        b.restoreState(s);
        assertEquals(List.of(2), released);
        for (long off = 0; off < SpinTable.SIZE; off += 4) assertEquals(a.read(off, 4), b.read(off, 4), "offset " + off);
    }

    // I2C controller with the RTC

    @Test
    void i2cAndRtcKeepTheTransferNvramAndTheGuestsOffset() throws IOException {
        Instant t0 = Instant.parse("2026-11-24T23:59:58Z");
        Ds1338 rtcA = new Ds1338(Clock.fixed(t0, ZoneOffset.UTC));
        MpcI2c a = new MpcI2c(IrqLine.NONE).attach(Ds1338.ADDRESS, rtcA);
        // write: pointer 8, NVRAM bytes 0x42 0x43, then the year register (pointer 6): 2030
        a.write(0x08, 1, 0x80);
        a.write(0x08, 1, 0xB0);
        a.write(0x10, 1, Ds1338.ADDRESS << 1);
        a.write(0x10, 1, 6);
        a.write(0x10, 1, 0x30);                             // year 2030: the offset moves
        a.write(0x10, 1, 0x00);                             // control
        a.write(0x10, 1, 0x42);                             // NVRAM 8; the transfer stays open
        MpcI2c.State s = throughBytes(a.saveState(), MpcI2c.State::write, MpcI2c.State::read);
        Ds1338.State r = throughBytes(rtcA.saveState(), Ds1338.State::write, Ds1338.State::read);
        assertTrue(r.offsetSeconds() > 3L * 365 * 86400, "the guest's offset: " + r.offsetSeconds());

        Instant later = t0.plusSeconds(3600);               // restored an hour later on the host
        Ds1338 rtcB = new Ds1338(Clock.fixed(later, ZoneOffset.UTC));
        MpcI2c b = new MpcI2c(IrqLine.NONE).attach(Ds1338.ADDRESS, rtcB);
        b.restoreState(s);
        rtcB.restoreState(r);
        for (MpcI2c c : List.of(a, b)) c.write(0x10, 1, 0x43);   // continues the open transfer: NVRAM 9
        for (int off = 0; off < MpcI2c.SIZE; off += 4) assertEquals(a.read(off, 1), b.read(off, 1), "register " + off);
        int[] ra = rtcA.saveState().regs(), rb = rtcB.saveState().regs();
        assertArrayEquals(Arrays.copyOfRange(ra, 7, 64), Arrays.copyOfRange(rb, 7, 64), "control and NVRAM");
        assertEquals(0x42, rb[8]);
        assertEquals(0x43, rb[9]);
        // the time read after restore is the host's time now plus the guest's offset: an hour on
        rtcA.start(true);
        rtcB.start(true);
        LocalDateTime shownA = shown(rtcA.saveState().regs()), shownB = shown(rtcB.saveState().regs());
        assertEquals(2030, shownA.getYear());
        assertEquals(shownA.plusHours(1), shownB);
        MpcI2c empty = new MpcI2c(IrqLine.NONE);
        assertThrows(IllegalArgumentException.class, () -> empty.restoreState(s));
    }

    private static int unbcd(int b) { return (b >> 4) * 10 + (b & 0xF); }

    /** The date and time the RTC's registers 0..6 show (24-hour form). */
    private static LocalDateTime shown(int[] r) {
        return LocalDateTime.of(2000 + unbcd(r[6]), unbcd(r[5]), unbcd(r[4]), unbcd(r[2] & 0x3F), unbcd(r[1]), unbcd(r[0] & 0x7F));
    }

    // No device left out

    /**
     * The fields of each device class that hold state, as its State record saves them (or why not).
     * A device that gains a field fails here until its State and this list name it.
     */
    static final Map<Class<?>, Set<String>> STATE_FIELDS = Map.of(
            Uart16550.class, Set.of("host", "fifo", "fifoHead", "fifoCount", "rbr", "ier", "iir", "fcr", "lcr", "mcr",
                    "lsr", "msr", "scr", "divisor", "triggerLevel", "thrPending", "irqLevel"),
            ByteChannel.class, Set.of("tx", "rx", "backlog", "backlogHead", "backlogBytes"),
            OpenPic.class, Set.of("gcr", "spve", "tfrr", "vir", "ivpr", "idr", "destmask", "output", "pending", "level",
                    "ctpr", "raised", "servicing", "outputsActive", "tccr", "tbcr", "timerRunning", "timerOrigin", "msir",
                    "proxyMode"),
            QoriqGpio.class, Set.of("dir", "odr", "dat", "ier", "imr", "icr"),
            E500PciHost.class, Set.of("config", "configAddress", "outbound", "inbound", "gasketTimer"),
            SpinTable.class, Set.of("table"),
            MpcI2c.class, Set.of("adr", "fdr", "cr", "sr", "dr", "current", "address"),
            Ds1338.class, Set.of("regs", "offsetSeconds", "weekdayOffset", "pointer", "addressByte"),
            Guts.class, Set.of());

    /** Wiring fixed at construction (callbacks, sizes, constants of the model): not state. */
    static final Map<Class<?>, Set<String>> WIRING = Map.of(
            Uart16550.class, Set.of("irq", "transmit"),
            ByteChannel.class, Set.of("handle"),
            OpenPic.class, Set.of("ncpus", "cpus", "proxies", "clock", "lines", "kind"),
            QoriqGpio.class, Set.of("irq", "powerOff"),
            E500PciHost.class, Set.of("writable"),
            SpinTable.class, Set.of("cpus", "release"),
            MpcI2c.class, Set.of("irq", "devices"),
            Ds1338.class, Set.of("clock"),
            Guts.class, Set.of("pvr", "resetRequest"));

    @Test
    void everyFieldOfEveryDeviceIsSavedOrWiring() {
        for (var e : STATE_FIELDS.entrySet()) {
            Set<String> fields = new TreeSet<>();
            for (Field f : e.getKey().getDeclaredFields()) if (!Modifier.isStatic(f.getModifiers())) fields.add(f.getName());
            Set<String> known = new TreeSet<>(e.getValue());
            known.addAll(WIRING.get(e.getKey()));
            assertEquals(known, fields, e.getKey().getSimpleName()
                    + " has fields its State does not cover (or lost some): update its State and DeviceStateTest");
        }
    }
}
