package epaprlab.machine.device;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class Uart16550Test {
    static final int RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;

    private final List<Boolean> irqEdges = new ArrayList<>();
    private boolean irq;
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    private final Uart16550 uart = new Uart16550(level -> { irq = level; irqEdges.add(level); }, sent::write);

    private int rd(int reg) { return (int) uart.read(reg, 1); }

    private void wr(int reg, int v) { uart.write(reg, 1, v); }

    private void type(String s) { for (char c : s.toCharArray()) uart.receive(c); }

    record Reset(String reg, int offset, int value) {
        @Override public String toString() { return reg + " = 0x" + Integer.toHexString(value); }
    }

    static Stream<Reset> resetValues() {
        return Stream.of(new Reset("RBR", RBR, 0), new Reset("IER", IER, 0), new Reset("IIR", IIR, 0x01),
                new Reset("LCR", LCR, 0), new Reset("MCR", MCR, 0x08), new Reset("LSR", LSR, 0x60),
                new Reset("MSR", MSR, 0xB0), new Reset("SCR", SCR, 0));
    }

    @ParameterizedTest @MethodSource("resetValues")
    void registersResetToQemusValues(Reset r) {
        wr(SCR, 0x5A); wr(MCR, 0x1F); wr(IER, 0x0F); wr(LCR, 0x03);
        uart.reset();
        assertEquals(r.value, rd(r.offset));
        assertFalse(irq);
    }

    @Test
    void divisorLatchResetsTo12AndIsReachedThroughDlab() {
        wr(LCR, 0x80);
        assertEquals(0x0C, rd(DLL));
        assertEquals(0x00, rd(DLM));
        wr(DLL, 217); wr(DLM, 0x01);            // U-Boot: 400 MHz / 16 / 115200
        assertEquals(217, rd(DLL));
        assertEquals(0x01, rd(DLM));
        wr(LCR, 0x03);
        assertEquals(0, rd(IER), "DLM writes did not reach IER");
        assertEquals(0, sent.size(), "DLL writes are not transmitted");
    }

    @Test
    void thrBytesGoToTheHostAtOnceAndLsrStaysReady() {
        for (char c : "hi\n".toCharArray()) {
            assertEquals(0x60, rd(LSR) & 0x60);
            wr(THR, c);
        }
        assertEquals("hi\n", sent.toString());
    }

    @Test
    void wideAccessesUseTheLowByteAndReturnItZeroExtended() {
        uart.write(SCR, 4, 0xFFFF_FF42L);
        assertEquals(0x42, uart.read(SCR, 4));
        assertEquals(0x60, uart.read(LSR, 8));
        assertEquals(0x42, uart.read(SCR + 8, 1), "offsets wrap at 8 like QEMU's addr & 7");
    }

    @Test
    void receivedBytesAreReadInOrderWithoutFifo() {
        type("ab");
        assertEquals(0x61, rd(LSR));            // DR | THRE | TEMT
        assertEquals('a', rd(RBR));
        assertEquals(0x61, rd(LSR), "the next byte moved into RBR");
        assertEquals('b', rd(RBR));
        assertEquals(0x60, rd(LSR));
        assertEquals(0, uart.queuedInput());
    }

    @Test
    void aBurstOfHostBytesIsQueuedInOrder() {
        byte[] burst = "xxhello".getBytes();
        uart.receive(burst, 2, 5);
        wr(IER, 0x01);
        assertTrue(irq);
        StringBuilder got = new StringBuilder();
        while ((rd(LSR) & 1) != 0) got.append((char) rd(RBR));
        assertEquals("hello", got.toString());
        assertFalse(irq);
    }

    @Test
    void inputBeyondTheFifoIsQueuedInOrderAndNotLost() {
        wr(FCR, 0x07);
        String input = "0123456789abcdefghijklmnopqrstuvwxyz".repeat(3);
        type(input);
        assertEquals(input.length() - 16, uart.queuedInput());
        StringBuilder got = new StringBuilder();
        while ((rd(LSR) & 1) != 0) got.append((char) rd(RBR));
        assertEquals(input, got.toString());
        assertEquals(0, rd(RBR), "an empty FIFO reads 0");
    }

    record Irq(String why, int ier, int fcr, String typed, int iir) {
        @Override public String toString() { return why; }
    }

    static Stream<Irq> interruptIdentification() {
        return Stream.of(
                new Irq("nothing enabled", 0x00, 0x00, "x", 0x01),
                new Irq("RX data, no FIFO", 0x01, 0x00, "x", 0x04),
                new Irq("THR empty once enabled", 0x02, 0x00, "", 0x02),
                new Irq("RX data beats THR empty", 0x03, 0x00, "x", 0x04),
                new Irq("FIFO below trigger 8: timeout", 0x01, 0x81, "abc", 0xCC),
                new Irq("FIFO at trigger 8: data", 0x01, 0x81, "abcdefgh", 0xC4),
                new Irq("FIFO trigger 1", 0x01, 0x01, "a", 0xC4),
                new Irq("FIFO on, nothing pending", 0x00, 0x01, "", 0xC1),
                new Irq("modem status deltas are never set", 0x08, 0x00, "", 0x01));
    }

    @ParameterizedTest @MethodSource("interruptIdentification")
    void iirReportsTheHighestPriorityCauseAndTheLineFollowsIt(Irq c) {
        wr(FCR, c.fcr);
        type(c.typed);
        wr(IER, c.ier);
        assertEquals(c.iir != 0x01 && (c.iir & 0x0F) != 0x01, irq, "IRQ is raised while IIR says so");
        assertEquals(c.iir, rd(IIR));
    }

    @Test
    void readingIirClearsThrEmptyAndTheNextWriteRaisesItAgain() {
        wr(IER, 0x02);
        assertTrue(irq);
        assertEquals(0x02, rd(IIR));
        assertFalse(irq);
        assertEquals(0x01, rd(IIR));
        wr(THR, 'z');
        assertTrue(irq, "THR is empty again at once");
        wr(IER, 0x00);
        assertFalse(irq);
    }

    @Test
    void readingTheDataDropsTheLine() {
        wr(IER, 0x01);
        type("q");
        assertTrue(irq);
        assertEquals('q', rd(RBR));
        assertFalse(irq);
        assertEquals(List.of(true, false), irqEdges, "one edge each way, no glitches");
    }

    @Test
    void fcrClearsTheRxFifoAndToggledFifoEnableFlushes() {
        wr(FCR, 0x01);
        type("abc");
        wr(FCR, 0x03);                           // RX reset
        assertEquals(0x60, rd(LSR));
        type("d");
        wr(FCR, 0x00);                           // FIFO off: flushed too
        assertEquals(0x60, rd(LSR));
        assertEquals(0x01, rd(IIR), "FIFO bits gone");
    }

    @Test
    void loopbackReturnsSentBytesAndMirrorsModemLines() {
        wr(MCR, 0x10 | 0x0B);                    // LOOP | OUT2 | RTS | DTR
        wr(THR, 'L');
        assertEquals(0, sent.size(), "loopback sends nothing to the host");
        assertEquals('L', rd(RBR));
        assertEquals(0xB0, rd(MSR));            // DCD (OUT2) | DSR (DTR) | CTS (RTS)
        type("h");
        assertEquals(1, uart.queuedInput(), "host input waits while looped back");
        wr(MCR, 0x08);
        assertEquals('h', rd(RBR));
    }

    @Test
    void loopbackOverrunSetsOeWhichLsrReadClears() {
        wr(MCR, 0x10);
        wr(THR, 1);
        wr(THR, 2);
        assertEquals(0x63, rd(LSR));
        assertEquals(0x61, rd(LSR), "OE cleared by the read");
        wr(IER, 0x04);
        wr(THR, 3);
        assertEquals(0x06, rd(IIR), "line status has top priority");
    }

    @Test
    @Timeout(10)
    void hostInputFromAnotherThreadArrivesCompleteAndInOrder() throws InterruptedException {
        wr(FCR, 0x01);
        int n = 10_000;
        CountDownLatch done = new CountDownLatch(1);
        Thread host = new Thread(() -> { for (int i = 0; i < n; i++) uart.receive(i & 0xFF); done.countDown(); });
        host.start();
        int got = 0;
        while (got < n) {
            if ((rd(LSR) & 1) != 0) {
                assertEquals(got & 0xFF, rd(RBR), "byte " + got);
                got++;
            } else {
                Thread.onSpinWait();
            }
        }
        assertTrue(done.await(5, TimeUnit.SECONDS));
        host.join(5000);
    }
}
