package epaprlab.machine.device;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class OpenPicTest {
    /** One vCPU's interrupt inputs as the MPIC drives them. */
    static final class Cpu implements InterruptTarget {
        boolean ext, crit;
        IntSupplier proxy;
        int raises;

        @Override public void setExternal(boolean raised) { if (raised && !ext) raises++; ext = raised; }

        @Override public void setExternalProxy(IntSupplier iack) { proxy = iack; }

        @Override public void setCritical(boolean raised) { crit = raised; }
    }

    static final int BRR1 = 0x0, CTPR = 0x80, WHOAMI = 0x90, IACK = 0xA0, EOI = 0xB0, FRR = 0x1000, GCR = 0x1020,
            VIR = 0x1080, PIR = 0x1090, IPIVPR0 = 0x10A0, SPVR = 0x10E0, TFRR = 0x10F0, GTCCR0 = 0x1100,
            GTBCR0 = 0x1110, GTVPR0 = 0x1120, GTDR0 = 0x1130, MSIR0 = 0x1600, MSISR = 0x1720, MSIIR = 0x1740;
    static final int UART = 42, I2C = 43, GPIO = 47;

    private final Cpu cpu0 = new Cpu(), cpu1 = new Cpu();
    private long now = 1_000_000;
    private final OpenPic pic = new OpenPic(List.of(cpu0, cpu1), () -> now);

    static int ivpr(int s) { return 0x10000 + 0x20 * s; }

    static int idr(int s) { return 0x10010 + 0x20 * s; }

    static int ilr(int s) { return 0x10018 + 0x20 * s; }

    static int percpu(int c, int reg) { return 0x20000 + 0x1000 * c + reg; }

    private int rd(int off) { return (int) pic.read(off, 4); }

    private int rd(int cpu, int off) { return (int) pic.readBy(cpu, off, 4); }

    private void wr(int off, int v) { pic.write(off, 4, v & 0xFFFF_FFFFL); }

    private void wr(int cpu, int off, int v) { pic.writeBy(cpu, off, 4, v & 0xFFFF_FFFFL); }

    record Reg(String name, int offset, int value) {
        @Override public String toString() { return name + " = 0x" + Integer.toHexString(value); }
    }

    static Stream<Reg> resetValues() {
        return Stream.of(
                new Reg("BRR1", BRR1, 0x00400402), new Reg("FRR (2 CPUs)", FRR, 0x00C30102), new Reg("GCR", GCR, 0),
                new Reg("VIR", VIR, 0), new Reg("PIR", PIR, 0), new Reg("IPIVPR0", IPIVPR0, 0x80000000),
                new Reg("IPIVPR3", IPIVPR0 + 0x30, 0x80000000), new Reg("SPVR", SPVR, 0xFFFF), new Reg("TFRR", TFRR, 0),
                new Reg("GTCCR0", GTCCR0, 0), new Reg("GTBCR0", GTBCR0, 0x80000000), new Reg("GTVPR0", GTVPR0, 0x80000000),
                new Reg("GTDR0", GTDR0, 1), new Reg("GTBCR3", GTBCR0 + 0xC0, 0x80000000), new Reg("GTDR3", GTDR0 + 0xC0, 1),
                new Reg("CTPR (this CPU)", CTPR, 0xF), new Reg("WHOAMI (this CPU = 0)", WHOAMI, 0),
                new Reg("IACK with nothing pending", IACK, 0xFFFF), new Reg("EOI", EOI, 0),
                new Reg("CTPR cpu 1", percpu(1, CTPR), 0xF), new Reg("WHOAMI cpu 1", percpu(1, WHOAMI), 1),
                new Reg("IVPR 0 (external)", ivpr(0), 0x80000000), new Reg("IVPR 15", ivpr(15), 0x80000000),
                new Reg("IVPR 16 (internal)", ivpr(16), 0x80800000), new Reg("IVPR 255", ivpr(255), 0x80800000),
                new Reg("IDR 42", idr(42), 1), new Reg("ILR 42", ilr(42), 0),
                new Reg("MSIR0", MSIR0, 0), new Reg("MSISR", MSISR, 0),
                // unimplemented offsets inside blocks read all-ones; holes between blocks read 0
                new Reg("glb unaligned", 0x1004, 0xFFFFFFFF), new Reg("glb unimplemented", 0x1010, 0xFFFFFFFF),
                new Reg("src +0x04", ivpr(3) + 4, 0xFFFFFFFF), new Reg("cpu block unimplemented", percpu(0, 0x40), 0xFFFFFFFF),
                new Reg("cpu block of an absent CPU", percpu(2, CTPR), 0xFFFFFFFF),
                new Reg("msi unaligned", MSIR0 + 4, 0xFFFFFFFF), new Reg("msi unimplemented", 0x1700, 0),
                new Reg("summary EISR", 0x3800, 0), new Reg("hole after timers (group B)", 0x2100, 0),
                new Reg("hole after sources", 0x12000, 0), new Reg("hole at the end", 0x3FFFC, 0));
    }

    @ParameterizedTest @MethodSource("resetValues")
    void registersResetToQemusValues(Reg r) {
        assertEquals(r.value, rd(r.offset));
    }

    @Test
    void narrowLoadsSeeTheTopOfTheWordLikeQemusWidenedAccess() {
        assertEquals(0x00, pic.read(BRR1, 1));
        assertEquals(0x0040, pic.read(BRR1, 2));
        assertEquals(0x00400402_00000000L | 0xFFFFFFFFL, pic.read(BRR1, 8), "8 bytes = BRR1 then the unaligned 0x4");
        pic.write(SPVR, 1, 0x12);                // widened to the word 0x12000000: vector bits 15:0 are 0
        assertEquals(0, rd(SPVR));
    }

    @Test
    void gcrResetRestoresEveryRegisterAndReadsBackZero() {
        wr(ivpr(UART), 0x00080000 | UART);
        wr(idr(UART), 3);
        wr(SPVR, 255);
        wr(percpu(1, CTPR), 2);
        wr(GTBCR0, 100);
        wr(GCR, 0x80000000);
        assertEquals(0, rd(GCR));
        assertEquals(0x80800000, rd(ivpr(UART)));
        assertEquals(1, rd(idr(UART)));
        assertEquals(0xFFFF, rd(SPVR));
        assertEquals(15, rd(percpu(1, CTPR)));
        assertEquals(0x80000000, rd(GTBCR0));
    }

    @Test
    void ivprKeepsOnlyWritableBitsAndSenseFollowsTheSourceKind() {
        wr(ivpr(3), 0xFFFFFFFF);
        assertEquals(0x80CFFFFF, rd(ivpr(3)), "A and MODE read-only; external keeps POL and SENSE");
        wr(ivpr(UART), 0xFFFFFFFF);
        assertEquals(0x808FFFFF, rd(ivpr(UART)), "internal: SENSE forced 0");
        wr(IPIVPR0, 0xFFFFFFFF);
        assertEquals(0x800FFFFF, rd(IPIVPR0), "IPI: no SENSE, no POL");
        wr(GTVPR0, 0xFFFFFFFF);
        assertEquals(0x800FFFFF, rd(GTVPR0), "timer: no SENSE, no POL");
    }

    @Test
    void idrKeepsOnlyBitsOfExistingCpus() {
        wr(idr(5), 0xFFFFFFFF);
        assertEquals(3, rd(idr(5)));
    }

    /** Linux 6.1's mpic_init for one CPU (spec 7), then a UART interrupt through proxy mode. */
    @Test
    void linuxInitSequenceThenAUartInterruptThroughProxyMode() {
        Cpu only = new Cpu();
        OpenPic p = new OpenPic(List.of(only), () -> now);
        assertEquals(0x00400402, p.read(BRR1, 4));
        assertEquals(0x00C30002, p.read(FRR, 4));
        p.write(GCR, 4, p.read(GCR, 4) | 0x80000000L);
        assertEquals(0, p.read(GCR, 4), "reset done at once");
        p.write(GCR, 4, p.read(GCR, 4) | 0x60000000L);
        assertNotNull(only.proxy, "proxy (coreint) mode on");
        p.write(percpu(0, CTPR), 4, 15);
        for (int i = 0; i < 4; i++) {            // timers group A, then group B in unimplemented space
            p.write(GTDR0 + 0x40 * i, 4, 1);
            p.write(GTVPR0 + 0x40 * i, 4, 0x80000000L | 9 << 16 | (243 + i));
            p.write(0x2130 + 0x40 * i, 4, 1);
            p.write(0x2120 + 0x40 * i, 4, 0x80000000L | 9 << 16 | (247 + i));
        }
        for (int i = 0; i < 4; i++) p.write(IPIVPR0 + 0x10 * i, 4, 0x80000000L | 10 << 16 | (251 + i));
        for (int s = 0; s < 256; s++) {
            p.write(ivpr(s), 4, 0x80000000L | 8 << 16 | s);
            p.write(idr(s), 4, 1);
        }
        p.write(SPVR, 4, 255);
        p.write(GCR, 4, p.read(GCR, 4) | 0x20000000L);
        assertEquals(0x60000000, p.read(GCR, 4));
        assertNotNull(only.proxy, "still proxy");
        p.write(percpu(0, CTPR), 4, 0);
        assertFalse(only.ext);
        assertEquals(0x80000000L | 9 << 16 | 243, p.read(GTVPR0, 4));
        assertEquals(0, p.read(0x2120, 4), "group B is not there");

        p.source(UART).set(true);                 // masked: nothing yet, but latched
        assertFalse(only.ext);
        p.write(ivpr(UART), 4, 8 << 16 | UART);   // unmask (Linux also sets sense; internal ignores it)
        assertTrue(only.ext, "unmasking a pending level source raises INT");
        assertEquals(0x40080000L | UART, p.read(ivpr(UART), 4), "A set; Linux's write cleared POL");
        assertEquals(UART, only.proxy.getAsInt(), "the core's proxy IACK gives the vector");
        assertFalse(only.ext);
        p.source(UART).set(false);                // the driver drained the UART
        p.write(percpu(0, EOI), 4, 0);
        assertFalse(only.ext);
        assertEquals(0x80000L | UART, p.read(ivpr(UART), 4), "inactive again");
        p.source(UART).set(true);
        assertTrue(only.ext, "next interrupt after EOI");
    }

    /** U-Boot only resets the PIC and selects mixed mode (spec 7). */
    @Test
    void ubootSequenceLeavesMixedModeWithoutProxy() {
        wr(GCR, 0x60000000);
        assertNotNull(cpu0.proxy);
        wr(GCR, 0x80000000);
        assertEquals(0, rd(GCR));
        assertNotNull(cpu0.proxy, "QEMU: GCR[RST] does not touch the cores' proxy setting");
        wr(GCR, 0x20000000);
        assertEquals(0x20000000, rd(GCR));
        assertNull(cpu0.proxy);
        assertNull(cpu1.proxy);
        assertFalse(cpu0.ext);
    }

    @Test
    void proxyModeIsSetAndClearedForEveryCpu() {
        wr(GCR, 0x60000000);
        assertNotNull(cpu0.proxy);
        assertNotNull(cpu1.proxy);
        wr(GCR, 0x40000000);                     // not the full proxy mode
        assertNull(cpu0.proxy);
        assertNull(cpu1.proxy);
        wr(GCR, 0x60000000);
        pic.reset();
        assertNull(cpu0.proxy, "board reset: proxy off");
    }

    private void unmask(int s, int pri) { wr(ivpr(s), pri << 16 | s); }

    @Test
    void higherPriorityWinsAndEqualPrioritiesGoByLowerSourceNumber() {
        wr(CTPR, 0);
        unmask(GPIO, 5);
        unmask(I2C, 5);
        unmask(UART, 7);
        pic.source(GPIO).set(true);
        pic.source(I2C).set(true);
        pic.source(UART).set(true);
        assertEquals(UART, rd(IACK));
        assertFalse(cpu0.ext, "I2C/GPIO (5) are hidden by the UART (7) in service");
        pic.source(UART).set(false);
        wr(EOI, 0);
        assertTrue(cpu0.ext);
        assertEquals(I2C, rd(IACK), "tie: lower number first");
        wr(EOI, 0);
        assertEquals(I2C, rd(IACK), "a level source still asserted comes back");
    }

    @Test
    void nestedInterruptsAndEoiRetireTheHighestInService() {
        wr(CTPR, 0);
        unmask(I2C, 3);
        unmask(UART, 9);
        pic.source(I2C).set(true);
        assertEquals(I2C, rd(IACK));
        pic.source(UART).set(true);
        assertTrue(cpu0.ext, "9 preempts 3 in service");
        assertEquals(UART, rd(IACK));
        pic.source(UART).set(false);
        pic.source(I2C).set(false);
        wr(EOI, 0);                               // retires the UART (9)
        assertFalse(cpu0.ext);
        pic.source(UART).set(true);
        assertTrue(cpu0.ext, "I2C (3) still in service, 9 > 3");
        assertEquals(UART, rd(IACK));
        wr(EOI, 0);
        wr(EOI, 0);
        wr(EOI, 0);                               // EOI with nothing in service is harmless
        assertEquals(UART, rd(IACK));
    }

    record Gate(String why, int ctpr, int pri, boolean raised) {
        @Override public String toString() { return why; }
    }

    static Stream<Gate> ctprGates() {
        return Stream.of(new Gate("reset CTPR 15 blocks everything", 15, 15, false),
                new Gate("priority equal to CTPR is blocked", 6, 6, false),
                new Gate("priority above CTPR is delivered", 6, 7, true),
                new Gate("priority 0 never delivers", 0, 0, false),
                new Gate("priority 1 over CTPR 0", 0, 1, true));
    }

    @ParameterizedTest @MethodSource("ctprGates")
    void ctprGatesDelivery(Gate g) {
        wr(CTPR, g.ctpr);
        unmask(UART, g.pri);
        pic.source(UART).set(true);
        assertEquals(g.raised, cpu0.ext);
        assertEquals(g.raised ? UART : 0xFFFF, rd(IACK), "IACK gives the spurious vector when nothing qualifies");
    }

    @Test
    void loweringCtprReleasesAWaitingInterruptAndRaisingItWithdrawsIt() {
        unmask(UART, 4);
        pic.source(UART).set(true);
        assertFalse(cpu0.ext);
        wr(CTPR, 3);
        assertTrue(cpu0.ext);
        wr(CTPR, 4);
        assertFalse(cpu0.ext);
    }

    @Test
    void maskingAnActiveSourceWithdrawsIt() {
        wr(CTPR, 0);
        unmask(UART, 4);
        pic.source(UART).set(true);
        assertTrue(cpu0.ext);
        wr(ivpr(UART), 0x80000000 | 4 << 16 | UART);
        assertFalse(cpu0.ext);
        assertEquals(0xFFFF, rd(IACK));
    }

    @Test
    void edgeExternalSourcesLatchAndAreConsumedByIack() {
        wr(CTPR, 0);
        unmask(1, 5);                             // SENSE = 0: edge
        pic.source(1).set(true);
        pic.source(1).set(false);
        assertTrue(cpu0.ext, "the edge is latched");
        assertEquals(1, rd(IACK));
        wr(EOI, 0);
        assertFalse(cpu0.ext, "consumed");
        wr(ivpr(2), 0x00400000 | 5 << 16 | 2);    // SENSE = 1: level
        pic.source(2).set(true);
        pic.source(2).set(false);
        assertFalse(cpu0.ext, "a level source follows its input");
    }

    @Test
    void sourcesGoOnlyToTheCpusInTheirIdr() {
        wr(percpu(1, CTPR), 0);
        wr(CTPR, 0);
        unmask(UART, 5);
        wr(idr(UART), 2);
        pic.source(UART).set(true);
        assertFalse(cpu0.ext);
        assertTrue(cpu1.ext);
        assertEquals(0xFFFF, rd(0, IACK));
        assertEquals(UART, rd(1, IACK), "the this-CPU alias acts for the accessing CPU");
        assertEquals(1, rd(1, WHOAMI));
        assertEquals(0, rd(0, WHOAMI));
    }

    @Test
    void ipisGoToTheCpusNamedAndEachAcknowledgesItsOwn() {
        wr(percpu(0, CTPR), 0);
        wr(percpu(1, CTPR), 0);
        wr(IPIVPR0 + 0x10, 10 << 16 | 0xFB);
        wr(0, 0x50, 3);                           // IPIDR1 from CPU 0 to CPUs 0 and 1
        assertTrue(cpu0.ext);
        assertTrue(cpu1.ext);
        assertEquals(0xFB, rd(1, IACK));
        assertTrue(cpu0.ext, "CPU 0 still owed the IPI");
        assertEquals(0xFB, rd(0, IACK));
        wr(0, EOI, 0);
        wr(1, EOI, 0);
        assertFalse(cpu0.ext || cpu1.ext);
        assertEquals(0xFFFF, rd(0, IACK));
    }

    @Test
    void afterResetEveryIpiAlsoGoesToCpu0AsInQemu() {
        wr(percpu(0, CTPR), 0);
        wr(percpu(1, CTPR), 0);
        wr(IPIVPR0, 10 << 16 | 0xFB);
        wr(1, 0x40, 2);                           // CPU 1 to itself only
        assertTrue(cpu1.ext);
        assertTrue(cpu0.ext, "QEMU resets every IDR, the IPIs' too, to CPU 0, and IPIDR only adds CPUs");
        assertEquals(0xFB, rd(0, IACK));
        assertEquals(0xFB, rd(1, IACK));
        wr(0, EOI, 0);
        wr(1, EOI, 0);
        wr(1, 0x40, 2);                           // both acknowledged: the mask is empty, so now only CPU 1
        assertFalse(cpu0.ext);
        assertTrue(cpu1.ext);
    }

    @Test
    void msiirSetsMsirBitsWhichReadAndClearThroughTheMsiSources() {
        wr(CTPR, 0);
        unmask(224 + 2, 6);
        wr(MSIIR, 2 << 29 | 17 << 24);
        wr(MSIIR, 2 << 29 | 3 << 24);
        assertTrue(cpu0.ext);
        assertEquals(0b100, rd(MSISR));
        assertEquals(224 + 2, rd(IACK));
        assertEquals(1 << 17 | 1 << 3, rd(MSIR0 + 0x20));
        assertEquals(0, rd(MSIR0 + 0x20), "read clears");
        assertEquals(0, rd(MSISR));
        wr(EOI, 0);
        assertFalse(cpu0.ext);
        wr(MSIR0, 0xFF);                          // MSIRs are read-only
        assertEquals(0, rd(MSIR0));
    }

    @Test
    void ilrRoutesASourceToTheCriticalInput() {
        wr(CTPR, 15);
        wr(ilr(UART), 1);
        assertEquals(1, rd(ilr(UART)));
        unmask(UART, 0);
        pic.source(UART).set(true);
        assertTrue(cpu0.crit, "critical ignores priorities");
        assertFalse(cpu0.ext);
        pic.source(UART).set(false);
        assertFalse(cpu0.crit);
        wr(ilr(UART), 7);
        assertEquals(0, rd(ilr(UART)), "unknown targets mean INT");
    }

    @Test
    void globalTimerCountsDownAt25MhzTogglesAndInterrupts() {
        wr(CTPR, 0);
        wr(GTVPR0, 9 << 16 | 243);
        wr(GTBCR0, 0x80000000 | 1000);            // still inhibited: nothing counts
        now += 1_000_000;
        assertEquals(0, rd(GTCCR0));
        wr(GTBCR0, 1000);                         // CI 1 -> 0: load and start
        assertEquals(1000, rd(GTCCR0));
        now += 400;                               // 10 ticks of 40 ns
        assertEquals(990, rd(GTCCR0));
        assertFalse(cpu0.ext);
        now += 40 * 990;                          // expiry
        pic.expireTimers(now / 40);              // the clock's owner: this tick has come
        assertTrue(cpu0.ext);
        assertEquals(0x80000000 | 1000, rd(GTCCR0), "reloaded, toggle set");
        assertEquals(243, rd(IACK));
        wr(EOI, 0);
        now += 40 * 1000 * 3;                     // three more periods: one interrupt, toggled three times
        assertEquals(1000, rd(GTCCR0));
        assertTrue(cpu0.ext);
        assertEquals(243, rd(IACK));
        wr(EOI, 0);
        assertFalse(cpu0.ext);
        wr(GTBCR0, 0x80000000 | 1000);            // inhibit: the count reads 0 (toggle kept)
        assertEquals(0, rd(GTCCR0));
        now += 40 * 5000;
        pic.expireTimers(now / 40);              // the clock's owner: this tick has come
        assertFalse(cpu0.ext);
    }

    @Test
    void maskedTimersAsLinuxLeavesThemNeverInterrupt() {
        wr(CTPR, 0);
        wr(GTVPR0, 0x80000000 | 9 << 16 | 243);
        wr(GTBCR0, 10);
        now += 1_000_000;
        pic.expireTimers(now / 40);              // the clock's owner: this tick has come
        assertFalse(cpu0.ext);
        assertEquals(0xFFFF, rd(IACK));
    }

    @Test
    void everySourceLineIsAvailableAndOutOfRangeIsRefused() {
        IntStream.range(0, 256).forEach(n -> assertNotNull(pic.source(n)));
        assertThrows(IllegalArgumentException.class, () -> pic.source(256));
        assertThrows(IllegalArgumentException.class, () -> pic.source(-1));
        assertThrows(IllegalArgumentException.class, () -> new OpenPic(List.of()));
        List<InterruptTarget> many = new ArrayList<>();
        for (int i = 0; i < 33; i++) many.add(new Cpu());
        assertThrows(IllegalArgumentException.class, () -> new OpenPic(many));
    }

    /** A vCPU as another thread sees it. */
    static final class VolatileCpu implements InterruptTarget {
        volatile boolean ext;

        @Override public void setExternal(boolean raised) { ext = raised; }

        @Override public void setExternalProxy(IntSupplier iack) {}
    }

    /** Two vCPU threads play IPI ping-pong while a device thread toggles a level source of CPU 0. */
    @Test
    @org.junit.jupiter.api.Timeout(60)
    void concurrentIpisAndDeviceInterruptsAreEachTakenOnce() throws InterruptedException {
        VolatileCpu a = new VolatileCpu(), b = new VolatileCpu();
        OpenPic p = new OpenPic(List.of(a, b));
        p.write(IPIVPR0, 4, 10 << 16 | 0xFB);
        p.write(ivpr(UART), 4, 5 << 16 | UART);
        p.write(idr(UART), 4, 1);
        p.writeBy(0, CTPR, 4, 0);
        p.writeBy(1, CTPR, 4, 0);
        int rounds = 2_000;
        int[] ipis = new int[2];
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread device = new Thread(() -> {
            boolean level = false;
            while (!stop.get()) p.source(UART).set(level = !level);
            p.source(UART).set(false);
        });
        Thread[] cpus = new Thread[2];
        for (int c = 0; c < 2; c++) {
            int me = c, other = 1 - c;
            VolatileCpu self = me == 0 ? a : b;
            cpus[c] = new Thread(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
                while (ipis[me] < rounds && System.nanoTime() < deadline) {
                    if (!self.ext) { Thread.onSpinWait(); continue; }
                    int v = (int) p.readBy(me, IACK, 4);
                    if (v == 0xFFFF) continue;
                    p.writeBy(me, EOI, 4, 0);
                    if (v == 0xFB && (++ipis[me] < rounds || me == 0)) p.writeBy(me, 0x40, 4, 1L << other);
                }
            });
        }
        device.start();
        for (Thread t : cpus) t.start();
        p.writeBy(1, 0x40, 4, 0b01);                                   // serve to CPU 0 (see the reset quirk below)
        for (Thread t : cpus) t.join(50_000);
        stop.set(true);
        device.join(5_000);
        assertEquals(rounds, ipis[1], "every IPI to CPU 1 taken exactly once");
        assertEquals(rounds, ipis[0], "every IPI to CPU 0 taken exactly once, between UART interrupts");
        while (a.ext) { if (p.readBy(0, IACK, 4) != 0xFFFF) p.writeBy(0, EOI, 4, 0); }
        assertEquals(0xFFFF, p.readBy(0, IACK, 4), "nothing left pending once the device is quiet");
        assertFalse(b.ext);
    }

    @Test
    void readOnlyRegistersIgnoreWrites() {
        wr(BRR1, 0);
        wr(FRR, 0);
        wr(VIR, 5);
        wr(PIR, 3);
        wr(WHOAMI, 7);
        wr(GTCCR0, 5);
        assertEquals(0x00400402, rd(BRR1));
        assertEquals(0x00C30102, rd(FRR));
        assertEquals(0, rd(VIR));
        assertEquals(0, rd(PIR));
        assertEquals(0, rd(WHOAMI));
        assertEquals(0, rd(GTCCR0));
    }
}
