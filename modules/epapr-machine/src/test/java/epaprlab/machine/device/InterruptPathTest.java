package epaprlab.machine.device;

import static org.junit.jupiter.api.Assertions.*;

import epaprlab.ppc.mem.PhysicalBus;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * UART0 -> MPIC source 42 -> vCPU, wired on a bus at the ppce500 addresses, driven through the
 * per-CPU bus views the way Linux drives them (proxy mode: the core acknowledges, the driver EOIs).
 */
class InterruptPathTest {
    static final long CCSR = 0xF_E000_0000L, UART0 = CCSR + 0x4500, MPIC = CCSR + 0x40000;

    /** A vCPU as the MPIC sees it; volatile because the host thread raises it. */
    static final class Core implements InterruptTarget {
        volatile boolean ext;
        volatile java.util.function.IntSupplier proxy;

        @Override public void setExternal(boolean raised) { ext = raised; }

        @Override public void setExternalProxy(java.util.function.IntSupplier iack) { proxy = iack; }
    }

    private final Core core0 = new Core(), core1 = new Core();
    private final OpenPic pic = new OpenPic(List.of(core0, core1));
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final Uart16550 uart = new Uart16550(pic.source(42), console::write);
    private final MmioBus bus = new MmioBus();
    private final PhysicalBus cpu0 = bus.forCpu(0), cpu1 = bus.forCpu(1);

    {
        bus.map("uart0", UART0, 8, uart);
        bus.map("mpic", MPIC, OpenPic.SIZE, pic);
    }

    private void linuxPicInit() {
        cpu0.write(MPIC + 0x1020, 4, 0x80000000L);
        cpu0.write(MPIC + 0x1020, 4, 0x60000000L);                      // proxy
        cpu0.write(MPIC + 0x10000 + 0x20 * 42, 4, 8 << 16 | 42);         // unmask, priority 8
        cpu0.write(MPIC + 0x10010 + 0x20 * 42, 4, 1);                    // to CPU 0
        cpu0.write(MPIC + 0x20080, 4, 0);                                // CTPR of CPU 0
        cpu1.write(MPIC + 0x80, 4, 0);                                   // CPU 1 through the this-CPU alias
        assertEquals(0, cpu0.read(MPIC + 0x21080, 4), "CPU 1's CTPR was written through the alias");
        assertEquals(1, cpu1.read(MPIC + 0x90, 4), "WHOAMI");
        uart.write(1, 1, 0x01);                                          // IER: RX data
    }

    @Test
    void typedByteReachesTheCoreAndIsDrainedAndEoied() {
        linuxPicInit();
        uart.receive('x');
        assertTrue(core0.ext);
        assertFalse(core1.ext);
        assertEquals(42, core0.proxy.getAsInt());
        assertEquals('x', cpu0.read(UART0, 1));
        cpu0.write(MPIC + 0x200B0, 4, 0);
        assertFalse(core0.ext);
        cpu0.write(UART0, 1, 'y');
        assertEquals("y", console.toString());
    }

    @Test
    @Timeout(20)
    void hostTypingWhileTheCoreServicesInterruptsLosesNothing() throws InterruptedException {
        linuxPicInit();
        cpu0.write(UART0 + 2, 1, 0x81);                                  // FIFO, trigger 8
        int n = 20_000;
        AtomicBoolean failed = new AtomicBoolean();
        Thread host = new Thread(() -> {
            try { for (int i = 0; i < n; i++) uart.receive(i & 0x7F); } catch (RuntimeException e) { failed.set(true); }
        });
        host.start();
        int got = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (got < n && System.nanoTime() < deadline) {
            if (!core0.ext) { Thread.onSpinWait(); continue; }
            int vector = core0.proxy.getAsInt();                         // the core takes External Input
            if (vector == 42) {
                while ((cpu0.read(UART0 + 5, 1) & 1) != 0) {
                    assertEquals(got & 0x7F, cpu0.read(UART0, 1), "byte " + got);
                    got++;
                }
                cpu0.write(MPIC + 0x200B0, 4, 0);
            } else {
                assertEquals(0xFFFF, vector, "only the UART or a spurious vector");
            }
        }
        host.join(5000);
        assertFalse(failed.get());
        assertEquals(n, got);
    }
}
