package epaprlab.machine.device;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The device models side by side with qemu-system-ppc 7.2's ppce500: U-Boot (Debian's u-boot-qemu)
 * boots to its prompt under QEMU, then the same loads and stores are made there ({@code md}/{@code
 * mw}) and on our devices, after replaying on them the stores U-Boot made while booting (spec 7, 9
 * and its ns16550 init). Steps run in order; every value must be equal.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QemuDifferentialTest {
    static final long CCSR = 0xF_E000_0000L, I2C = CCSR + 0x3000, UART = CCSR + 0x4500, PCI = CCSR + 0x8000,
            MPIC = CCSR + 0x40000, GUTS = CCSR + 0xE0000, GPIO = CCSR + 0xFF000;

    static QemuUboot qemu;
    static final MmioBus model = new MmioBus();

    @BeforeAll
    static void boot() throws Exception {
        qemu = new QemuUboot();
        OpenPic pic = new OpenPic(List.of(new InterruptTarget() {
            @Override public void setExternal(boolean raised) {}
            @Override public void setExternalProxy(java.util.function.IntSupplier iack) {}
        }));
        model.map("i2c", I2C, MpcI2c.SIZE, new MpcI2c(pic.source(43)).attach(Ds1338.ADDRESS, new Ds1338(Clock.systemUTC())));
        model.map("uart0", UART, Uart16550.SIZE, new Uart16550(pic.source(42), b -> {}));
        model.map("pci", PCI, E500PciHost.SIZE, new E500PciHost());
        model.map("mpic", MPIC, OpenPic.SIZE, pic);
        model.map("guts", GUTS, Guts.SIZE, new Guts(0x80230020L, () -> fail("reset requested")));
        model.map("gpio", GPIO, QoriqGpio.SIZE, new QoriqGpio(pic.source(47), () -> fail("power-off requested")));
        replayUbootBoot();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (qemu != null) qemu.close();
    }

    /** The device stores U-Boot 2023.01 makes before its prompt. */
    static void replayUbootBoot() {
        model.write(MPIC + 0x1020, 4, 0x80000000L);
        model.write(MPIC + 0x1020, 4, 0x20000000L);
        for (long[] w : new long[][] {{0x10, 0xE0000000L}, {0x04, 0x0006}}) {      // BAR0, COMMAND of 0:0.0
            model.write(PCI, 4, 0x80000000L | w[0]);
            model.write(PCI + 4, 4, Integer.reverseBytes((int) w[1]) & 0xFFFFFFFFL);
        }
        long[][] atmu = {{0xC20, 0x000E0000L}, {0xC24, 0}, {0xC28, 0x00C00000L}, {0xC30, 0x8004401CL},
                {0xC40, 0}, {0xC44, 0}, {0xC48, 0x00FE1000L}, {0xC50, 0x8008800FL}, {0xDE0, 0}, {0xDE8, 0},
                {0xDF0, 0xA0F5501EL}, {0xC70, 0}, {0xC90, 0}, {0xDD0, 0}, {0xDB0, 0}};
        for (long[] w : atmu) model.write(PCI + w[0], 4, w[1]);
        int[][] uart = {{1, 0}, {4, 0x03}, {2, 0x07}, {3, 0x83}, {0, 217}, {1, 0}, {3, 0x03}};
        for (int[] w : uart) model.write(UART + w[0], 1, w[1]);
    }

    /** One access made on both sides: a store when {@code store} is set, then a load compared. */
    record Step(String what, long pa, int size, Long store) {
        static Step load(String what, long pa, int size) { return new Step(what, pa, size, null); }

        static Step store(String what, long pa, int size, long v) { return new Step(what, pa, size, v); }

        @Override public String toString() { return what; }
    }

    static Stream<Step> steps() {
        return Stream.of(
                Step.load("MPIC BRR1", MPIC, 4), Step.load("MPIC BRR1 byte", MPIC, 1), Step.load("MPIC BRR1 halfword", MPIC, 2),
                Step.load("MPIC BRR1+1 byte (unaligned word)", MPIC + 1, 1), Step.load("MPIC FRR", MPIC + 0x1000, 4),
                Step.load("MPIC GCR after U-Boot", MPIC + 0x1020, 4), Step.load("MPIC VIR", MPIC + 0x1080, 4),
                Step.load("MPIC PIR", MPIC + 0x1090, 4), Step.load("MPIC IPIVPR2", MPIC + 0x10C0, 4),
                Step.load("MPIC SPVR", MPIC + 0x10E0, 4), Step.load("MPIC glb unimplemented", MPIC + 0x1010, 4),
                Step.load("MPIC TFRR", MPIC + 0x10F0, 4), Step.load("MPIC GTCCR0", MPIC + 0x1100, 4),
                Step.load("MPIC GTBCR0", MPIC + 0x1110, 4), Step.load("MPIC GTVPR3", MPIC + 0x11E0, 4),
                Step.load("MPIC GTDR3", MPIC + 0x11F0, 4), Step.load("MPIC timer alias at 0x1300", MPIC + 0x1300, 4),
                Step.load("MPIC hole at 0x1310", MPIC + 0x1310, 4), Step.load("MPIC timer unaligned", MPIC + 0x1104, 4),
                Step.load("MPIC MSIR0", MPIC + 0x1600, 4), Step.load("MPIC MSISR", MPIC + 0x1720, 4),
                Step.load("MPIC MSI unimplemented", MPIC + 0x1700, 4), Step.load("MPIC MSI unaligned", MPIC + 0x1604, 4),
                Step.load("MPIC summary", MPIC + 0x3800, 4), Step.load("MPIC timer group B (hole)", MPIC + 0x2100, 4),
                Step.load("MPIC IVPR 0", MPIC + 0x10000, 4), Step.load("MPIC IDR 0", MPIC + 0x10010, 4),
                Step.load("MPIC ILR 0", MPIC + 0x10018, 4), Step.load("MPIC IVPR 42", MPIC + 0x10540, 4),
                Step.load("MPIC IVPR 255", MPIC + 0x11FE0, 4), Step.load("MPIC source +0x14", MPIC + 0x10014, 4),
                Step.load("MPIC hole after sources", MPIC + 0x12000, 4), Step.load("MPIC CTPR alias", MPIC + 0x80, 4),
                Step.load("MPIC WHOAMI alias", MPIC + 0x90, 4), Step.load("MPIC IACK alias, nothing pending", MPIC + 0xA0, 4),
                Step.load("MPIC EOI alias", MPIC + 0xB0, 4), Step.load("MPIC CTPR cpu 0", MPIC + 0x20080, 4),
                Step.load("MPIC cpu 0 unimplemented", MPIC + 0x20040, 4), Step.load("MPIC cpu 1 block (absent)", MPIC + 0x21080, 4),
                Step.load("MPIC last word (hole)", MPIC + 0x3FFFC, 4),
                Step.store("MPIC SPVR store", MPIC + 0x10E0, 4, 0x00012345L),
                Step.store("MPIC IVPR 100 all ones (stays masked)", MPIC + 0x10C80, 4, 0xFFFFFFFFL),
                Step.store("MPIC IDR 100 all ones", MPIC + 0x10C90, 4, 0xFFFFFFFFL),
                Step.store("MPIC ILR 100 critical", MPIC + 0x10C98, 4, 1),
                Step.store("MPIC ILR 100 unknown", MPIC + 0x10C98, 4, 5),
                Step.store("MPIC IVPR 3 all ones (external)", MPIC + 0x10060, 4, 0xFFFFFFFFL),
                Step.store("MPIC IPIVPR1 all ones", MPIC + 0x10B0, 4, 0xFFFFFFFFL),
                Step.store("MPIC GTBCR1 inhibited", MPIC + 0x1150, 4, 0x80001000L),
                Step.store("MPIC GTVPR1 all ones", MPIC + 0x1160, 4, 0xFFFFFFFFL),
                Step.store("MPIC GTDR1 all ones", MPIC + 0x1170, 4, 0xFF),
                Step.store("MPIC TFRR", MPIC + 0x10F0, 4, 0x1234),
                Step.store("MPIC MSIIR bank 2 bit 5, then MSISR", MPIC + 0x1740, 4, 0x45000000L),
                Step.load("MPIC MSISR", MPIC + 0x1720, 4), Step.load("MPIC MSIR2 (clears)", MPIC + 0x1620, 4),
                Step.load("MPIC MSIR2 again", MPIC + 0x1620, 4), Step.load("MPIC MSISR cleared", MPIC + 0x1720, 4),
                Step.load("MPIC IVPR 226 (MSI source)", MPIC + 0x11C40, 4),
                Step.load("GUTS PORPLLSR", GUTS, 4), Step.load("GUTS PVR", GUTS + 0xA0, 4), Step.load("GUTS SVR", GUTS + 0xA4, 4),
                Step.load("GUTS RSTCR", GUTS + 0xB0, 4), Step.load("GUTS PVR byte", GUTS + 0xA0, 1),
                Step.load("GUTS PVR halfword", GUTS + 0xA0, 2), Step.load("GUTS DEVDISR", GUTS + 0x70, 4),
                Step.load("GPIO GPDIR", GPIO, 4), Step.store("GPIO GPODR", GPIO + 0x04, 4, 0xF0F0F0F0L),
                Step.store("GPIO GPIMR", GPIO + 0x10, 4, 0x0F0F0F0FL), Step.store("GPIO GPICR", GPIO + 0x14, 4, 5),
                Step.store("GPIO GPIER write-one-to-clear", GPIO + 0x0C, 4, 0xFFFFFFFFL),
                Step.store("GPIO GPIBE", GPIO + 0x18, 4, 0xFFFFFFFFL), Step.store("GPIO GPDIR", GPIO, 4, 0x00FF0000L),
                Step.store("GPIO GPDAT pin 15", GPIO + 0x08, 4, 0x00010000L), Step.load("GPIO GPDIR byte", GPIO, 1),
                Step.store("GPIO GPDIR byte store", GPIO + 3, 1, 0xFF), Step.load("GPIO GPDIR after", GPIO, 4),
                Step.load("I2C ADR", I2C, 1), Step.load("I2C FDR", I2C + 4, 1), Step.load("I2C CR", I2C + 8, 1),
                Step.load("I2C SR", I2C + 0xC, 1), Step.load("I2C SR word", I2C + 0xC, 4), Step.load("I2C DR", I2C + 0x10, 1),
                Step.store("I2C ADR all ones", I2C, 1, 0xFF), Step.store("I2C FDR all ones", I2C + 4, 1, 0xFF),
                Step.load("UART IER", UART + 1, 1), Step.load("UART IIR", UART + 2, 1), Step.load("UART LCR", UART + 3, 1),
                Step.load("UART MCR", UART + 4, 1), Step.load("UART LSR", UART + 5, 1), Step.load("UART MSR", UART + 6, 1),
                Step.load("UART SCR", UART + 7, 1), Step.store("UART SCR", UART + 7, 1, 0x5A),
                Step.load("UART MCR as a word", UART + 4, 4), Step.load("UART hole past 8 bytes", UART + 8, 4),
                Step.load("PCI ATMU POTAR1", PCI + 0xC20, 4), Step.load("PCI ATMU POWBAR1", PCI + 0xC28, 4),
                Step.load("PCI ATMU POWAR1", PCI + 0xC30, 4), Step.load("PCI ATMU POWBAR2", PCI + 0xC48, 4),
                Step.load("PCI ATMU POWAR2", PCI + 0xC50, 4), Step.load("PCI ATMU PIWAR1", PCI + 0xDF0, 4),
                Step.load("PCI window 0 (not decoded)", PCI + 0xC00, 4), Step.load("PCI block revision (hole)", PCI + 0xBF8, 4),
                Step.load("PCI GASKET_TIMR", PCI + 0xE20, 4),
                Step.store("PCI CFG_ADDR 0:0.0 reg 0", PCI, 4, 0x80000000L), Step.load("PCI CFG_ADDR", PCI, 4),
                Step.load("PCI CFG_DATA vendor/device", PCI + 4, 4), Step.load("PCI CFG_DATA halfword", PCI + 6, 2),
                Step.store("PCI CFG_ADDR reg 8", PCI, 4, 0x80000008L), Step.load("PCI class", PCI + 4, 4),
                Step.store("PCI CFG_ADDR reg 0x10", PCI, 4, 0x80000010L), Step.load("PCI BAR0 as U-Boot set it", PCI + 4, 4),
                Step.store("PCI CFG_ADDR reg 0x2C", PCI, 4, 0x8000002CL), Step.load("PCI subsystem", PCI + 4, 4),
                Step.store("PCI CFG_ADDR slot 1", PCI, 4, 0x80000800L), Step.load("PCI absent device", PCI + 4, 4),
                Step.store("PCI CFG_ADDR disabled", PCI, 4, 0x00000000L), Step.load("PCI disabled cycle", PCI + 4, 4));
    }

    /** U-Boot's {@code date} reads QEMU's DS1338 over I2C; ours, read the same way, tells the same time. */
    @Test @Order(2)                                  // after the register steps: U-Boot's date reprograms the I2C controller
    void rtcTellsTheSameDateWeekdayAndTime() throws Exception {
        String line = qemu.command("date");
        Matcher m = Pattern.compile("Date: (\\d+)-(\\d+)-(\\d+) \\((\\w+)\\)\\s+Time:\\s+(\\d+):(\\d+):(\\d+)").matcher(line);
        assertTrue(m.find(), "U-Boot date output: " + line);
        LocalDateTime theirs = LocalDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)), Integer.parseInt(m.group(7)));
        int[] r = readRtc();
        LocalDateTime ours = LocalDateTime.of(2000 + unbcd(r[6]), unbcd(r[5]), unbcd(r[4]), unbcd(r[2]), unbcd(r[1]), unbcd(r[0]));
        assertTrue(Math.abs(Duration.between(theirs, ours).getSeconds()) <= 5, "QEMU " + theirs + ", ours " + ours);
        String[] days = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
        assertEquals(m.group(4), days[r[3] - 1], "weekday register (1 = Sunday), which U-Boot prints as is");
    }

    private static int unbcd(int b) { return (b >> 4) * 10 + (b & 0xF); }

    /** Registers 0..6 of the RTC through our I2C controller: pointer write, repeated START, reads. */
    private static int[] readRtc() {
        long cr = I2C + 8, dr = I2C + 0x10;
        model.write(cr, 1, 0x80);
        model.write(cr, 1, 0xB0);
        model.write(dr, 1, Ds1338.ADDRESS << 1);
        model.write(dr, 1, 0);
        model.write(cr, 1, 0xB4);
        model.write(dr, 1, Ds1338.ADDRESS << 1 | 1);
        model.write(cr, 1, 0xA0);
        model.read(dr, 1);
        int[] r = new int[7];
        for (int i = 0; i < 7; i++) r[i] = (int) model.read(dr, 1);
        model.write(cr, 1, 0x80);
        return r;
    }

    @ParameterizedTest(name = "{0}") @MethodSource("steps") @Order(1)
    void sameValueAsQemu(Step s) throws Exception {
        if (s.store != null) {
            qemu.mw(s.pa, s.size, s.store);
            model.write(s.pa, s.size, s.store);
        }
        long expected = qemu.md(s.pa, s.size);
        assertEquals(Long.toHexString(expected), Long.toHexString(model.read(s.pa, s.size)));
    }
}
