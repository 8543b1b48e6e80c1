package epaprlab.ppc.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.ppc.mem.GuestMemory;
import epaprlab.ppc.mem.MemoryImage;
import epaprlab.ppc.mem.PhysicalBus;
import epaprlab.ppc.mem.StateFormatException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Save a vCPU in the middle of a guest program (DEC interrupts with auto-reload, stores over four
 * pages, console bytes to a device), run on, then restore the saved state into a fresh CPU on a
 * memory made from the memory snapshot and run the same number of instructions: everything must
 * be identical, in both models and both translation modes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CpuSnapshotTest {
    static final int RAM = 1 << 20;
    static final long CONSOLE = 0xF000_0000L;

    static final String PROGRAM = """
            _start:
                li    r1,0
                mtspr 63,r1            # IVPR = 0
                li    r2,dec_handler@l
                mtspr 410,r2           # IVOR10
                lis   r20,0x1          # data at 0x10000..0x13fff, DEC log at 0x14000
                lis   r21,0xf000       # console device
                li    r3,700
                mtspr 54,r3            # DECAR
                mtspr 22,r3            # DEC
                lis   r4,0x0440        # TCR = DIE | ARE
                mtspr 340,r4
                wrteei 1
                li    r10,0
                li    r7,0
            loop:
                addi  r10,r10,1
                rlwinm r5,r10,2,18,29  # (r10 * 4) & 0x3ffc: four pages
                stwx  r10,r20,r5
                addi  r5,r5,0x3ffe
                lhzx  r6,r20,r5        # sometimes across a page
                add   r7,r7,r6
                andi. r8,r10,63
                bne   loop
                stb   r10,0(r21)       # a console byte every 64 rounds
                b     loop
                .balign 16
            dec_handler:
                mftb  r9
                rlwinm r12,r11,2,22,29
                addi  r12,r12,0x4000
                stwx  r9,r20,r12
                addi  r11,r11,1
                lis   r6,0x0800        # TSR[DIS]
                mtspr 336,r6
                rfi
            """;

    /** The console: bytes stored to it, in order. */
    static final class Console implements PhysicalBus {
        final List<Byte> bytes = new ArrayList<>();
        @Override public long read(long pa, int size) { return 0; }
        @Override public void write(long pa, int size, long value) { bytes.add((byte) value); }
        @Override public boolean decodes(long pa) { return pa >= CONSOLE; }
    }

    static Stream<Arguments> modes() {
        return Stream.of(CpuModel.values()).flatMap(m -> Stream.of(Translation.values()).map(t -> Arguments.of(m, t)));
    }

    static Cpu cpu(CpuModel model, Translation translation, GuestMemory mem, Console console) {
        Cpu cpu = new Cpu(model, mem);
        cpu.setPhysicalBus(console);
        if (translation == Translation.BOOK_E) {
            cpu.setTranslation(Translation.BOOK_E);
            cpu.reset();
            cpu.tlbWrite(1, 0, MmuTest.BOOT_MAS1, 0, 0x3F, 0);                  // 1 MiB of RAM at EA 0
            cpu.tlbWrite(1, 1, 0xC0000100, CONSOLE | 0x0A, 0x3F, 0xF);          // 4 KiB: the console at PA 0xF_0000_0000
        }
        cpu.setPc(0);
        return cpu;
    }

    static GuestMemory programMemory(CpuModel model) {
        byte[] image = Binutils.assemble(PROGRAM, model.has64Bit());
        GuestMemory mem = new GuestMemory(RAM);
        mem.write(0, image, 0, image.length);
        return mem;
    }

    /** Runs exactly {@code n} instructions (the program never stops by itself). */
    static void runFor(Cpu cpu, long n) {
        long end = cpu.instructionsRetired() + n;
        while (cpu.instructionsRetired() < end) {
            StopReason r = cpu.run(end - cpu.instructionsRetired());
            assertEquals(StopReason.BUDGET, r, () -> "stop at 0x%x: %s".formatted(cpu.stopPc(), cpu.stopDetail()));
        }
    }

    static byte[] ram(GuestMemory mem) {
        byte[] b = new byte[(int) mem.size()];
        mem.read(0, b, 0, b.length);
        return b;
    }

    static CpuSnapshot roundTrip(CpuSnapshot s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        s.write(new DataOutputStream(out));
        return CpuSnapshot.read(new DataInputStream(new ByteArrayInputStream(out.toByteArray())));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("modes")
    void restoredCpuRunsOnExactlyAsTheOriginal(CpuModel model, Translation translation) throws IOException {
        final long n = 12_345, m = 30_000;
        GuestMemory memA = programMemory(model);
        Console consoleA = new Console();
        Cpu a = cpu(model, translation, memA, consoleA);
        runFor(a, n);
        MemoryImage image = memA.snapshot();
        CpuSnapshot saved = a.saveState();
        int consoleAtSave = consoleA.bytes.size();
        runFor(a, m);

        GuestMemory memB = new GuestMemory(image);
        Console consoleB = new Console();
        Cpu b = new Cpu(model, memB);                   // FLAT and fresh: the snapshot brings translation and TLBs
        b.setPhysicalBus(consoleB);
        b.restoreState(roundTrip(saved));
        assertEquals(saved, b.saveState(), "restored state reads back the same");
        runFor(b, m);

        assertEquals(a.saveState(), b.saveState(), "every register, SPR, timer and TLB entry");
        assertEquals(a.instructionsRetired(), b.instructionsRetired());
        assertEquals(n + m, b.instructionsRetired());
        for (int r = 0; r < 32; r++) assertEquals(a.gpr(r), b.gpr(r), "r" + r);
        assertEquals(a.pc(), b.pc());
        assertArrayEquals(ram(memA), ram(memB), "RAM");
        assertEquals(consoleA.bytes.subList(consoleAtSave, consoleA.bytes.size()), consoleB.bytes, "console bytes after the snapshot");
        assertTrue(consoleB.bytes.size() >= 5, "the program wrote to the console: " + consoleB.bytes.size());
        assertTrue(a.gpr(11) >= 30, "DEC interrupts were taken: " + a.gpr(11));
    }

    @Test
    void aWallClockTimeBaseGoesOnFromItsSavedValue() throws Exception {
        GuestMemory mem = programMemory(CpuModel.E500MC);
        Cpu a = new Cpu(CpuModel.E500MC, mem, TimeSource.WALL_CLOCK, 1_000_000_000L);
        a.setPhysicalBus(new Console());
        a.setPc(0);
        runFor(a, 5_000);
        long saving = System.nanoTime();
        long tbAtSave = a.timeBase();                       // read first: the saved TB is not below it
        CpuSnapshot saved = a.saveState();
        long whileSaving = System.nanoTime() - saving;      // the saved TB is at most this above tbAtSave
        Thread.sleep(300);                                  // 300,000,000 ticks at 1 GHz would pass on the wall clock
        Cpu b = new Cpu(CpuModel.E500MC, new GuestMemory(mem.snapshot()), TimeSource.WALL_CLOCK, 1_000_000_000L);
        long restoring = System.nanoTime();
        b.restoreState(saved);
        long tb = b.timeBase();
        long sinceRestore = System.nanoTime() - restoring;   // 1 GHz: ticks = ns; whatever a loaded host takes here
        assertTrue(tb >= tbAtSave && tb - tbAtSave <= whileSaving + sinceRestore + 2,
                "TB %d goes on from %d, as after a pause (%d ns saving, %d ns since the restore)"
                        .formatted(tb, tbAtSave, whileSaving, sinceRestore));
        assertEquals(a.spr(Spr.TCR), b.spr(Spr.TCR));
        assertEquals(a.spr(Spr.DECAR), b.spr(Spr.DECAR));
    }

    @Test
    void restoreRefusesAnotherModelAndClearsTheReservation() {
        Cpu e500 = new Cpu(CpuModel.E500MC, new GuestMemory(RAM));
        Cpu e5500 = new Cpu(CpuModel.E5500, new GuestMemory(RAM));
        assertThrows(IllegalArgumentException.class, () -> e5500.restoreState(e500.saveState()));
        e500.restoreState(e500.saveState());
        assertFalse(e500.hasReservation());
    }

    @Test
    void damagedOrShortInputIsAStateFormatException() throws IOException {
        Cpu a = cpu(CpuModel.E5500, Translation.BOOK_E, programMemory(CpuModel.E5500), new Console());
        runFor(a, 1000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        a.saveState().write(new DataOutputStream(out));
        byte[] good = out.toByteArray();
        assertEquals(a.saveState(), CpuSnapshot.read(new DataInputStream(new ByteArrayInputStream(good))));
        for (int cut : new int[] {0, 3, 4, 100, good.length - 1}) {
            byte[] shortInput = java.util.Arrays.copyOf(good, cut);
            assertThrows(StateFormatException.class, () -> CpuSnapshot.read(new DataInputStream(new ByteArrayInputStream(shortInput))),
                    "cut at " + cut);
        }
        for (int at : new int[] {2, 9, 200, good.length / 2, good.length - 2}) {
            byte[] damaged = good.clone();
            damaged[at] ^= 0x10;
            assertThrows(StateFormatException.class, () -> CpuSnapshot.read(new DataInputStream(new ByteArrayInputStream(damaged))),
                    "flipped byte " + at);
        }
    }
}
