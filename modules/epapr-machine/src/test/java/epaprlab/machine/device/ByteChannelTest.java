package epaprlab.machine.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import epaprlab.machine.api.Hypervisor;
import epaprlab.machine.api.Vm;
import epaprlab.machine.api.VmSpec;
import epaprlab.ppc.cpu.CpuModel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Console input on the byte channel's receive side: nothing dropped, order kept, a reset keeps what the guest has not read. */
class ByteChannelTest {
    /** What the guest reads with receive calls of at most {@code max} bytes until nothing is left. */
    private static String drain(ByteChannel ch, int max) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[16];
        int n;
        while ((n = ch.guestReceive(buf, 0, max)) > 0) got.write(buf, 0, n);
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void inputBeyondTheReceiveQueueIsKeptInOrderUntilTheGuestReads() {
        ByteChannel ch = new ByteChannel(0, 16, 8);             // an 8-byte receive queue
        ch.hostInput("hello, ".getBytes(StandardCharsets.ISO_8859_1));
        ch.hostInput("world\n".getBytes(StandardCharsets.ISO_8859_1));
        ch.hostInput("second line\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(25, ch.readable(), "poll counts what waits behind the queue");
        byte[] buf = new byte[16];
        assertEquals(3, ch.guestReceive(buf, 0, 3));
        assertEquals("hel", new String(buf, 0, 3, StandardCharsets.ISO_8859_1));
        assertEquals(22, ch.readable());
        assertEquals("lo, world\nsecond line\n", drain(ch, 16), "16-byte receives cross the queue's end");
        assertEquals(0, ch.readable());
        assertEquals(0, ch.guestReceive(buf, 0, 16), "nothing available: 0 bytes");
    }

    @Test
    void resetKeepsUnreadInputInOrderAndDropsUndrainedOutput() {
        ByteChannel ch = new ByteChannel(0, 16, 4);
        ch.hostInput("0123456789".getBytes(StandardCharsets.ISO_8859_1));
        byte[] buf = new byte[16];
        assertEquals(2, ch.guestReceive(buf, 0, 2));             // "01" read before the reset
        ch.guestSend(buf, 0, 2);
        ch.reset();
        assertEquals(0, ch.pendingOutput(), "the guest's undrained output goes with the reset");
        assertEquals(8, ch.readable(), "typed input the guest has not read survives, like the UART's host queue");
        ch.hostInput("ab".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("23456789ab", drain(ch, 1));
    }

    @Test
    void vmConsoleInputReachesTheConnectedDeviceEvenWhenTypedBeforeIt() {
        Vm vm = Hypervisor.software().createVm(new VmSpec(CpuModel.E500MC, 64 * 1024, 1));
        ByteChannel ch = new ByteChannel(0, 16, 4);
        byte[] typed = "early ".getBytes(StandardCharsets.ISO_8859_1);
        vm.consoleInput(typed);
        typed[0] = 'X';                                          // the caller may reuse its array
        vm.connectConsoleInput(ch::hostInput, ch::readable);
        vm.consoleInput("late".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("early late", drain(ch, 16));
    }
}
