package epaprlab.machine.hcall;

import static epaprlab.machine.hcall.HcallAbi.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import epaprlab.machine.api.VcpuExit;
import epaprlab.machine.device.ByteChannel;
import epaprlab.machine.hcall.HostHypercalls.Action;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The host side of the hypercall exit: byte channels (spec 1.5), lifecycle and result calls. */
class HostHypercallsTest {
    private final ByteChannel console = new ByteChannel(0, 32, 32);

    private static VcpuExit.Hcall call(int token, long... args) {
        VcpuExit.Hcall h = new VcpuExit().hcall();
        h.begin(token);
        for (int i = 0; i < args.length; i++) h.loadArg(i, args[i]);
        return h;
    }

    private String drained() {
        byte[] b = new byte[64];
        int n = console.hostDrain(b, 0, b.length);
        return new String(b, 0, n, StandardCharsets.ISO_8859_1);
    }

    @Test
    void sendUnpacksSixteenBytesFromTheLowWordsOfR5ToR8() {
        var h = call(EV_BYTE_CHANNEL_SEND, 0, 16, 0xFFFFFFFF_41424344L, 0x45464748, 0x494A4B4C, 0x4D4E4F50);
        assertEquals(Action.RESUME, new HostHypercalls(EnabledHypercalls.ALL, List.of(console)).handle(h));
        assertEquals(EV_SUCCESS, h.ret());
        assertEquals(16, h.arg(1));
        assertEquals("ABCDEFGHIJKLMNOP", drained());  // upper word of r5 is ignored
    }

    @Test
    void sendOfFewerBytesTakesThemFromTheHighEndOfR5() {
        var h = call(EV_BYTE_CHANNEL_SEND, 0, 5, 0x68656C6C, 0x6F000000, 0, 0);
        new HostHypercalls(EnabledHypercalls.ALL, List.of(console)).handle(h);
        assertEquals(EV_SUCCESS, h.ret());
        assertEquals(5, h.arg(1));
        assertEquals("hello", drained());
    }

    @Test
    void sendToAFullChannelIsEagainWithNothingSent() {
        var hc = new HostHypercalls(EnabledHypercalls.ALL, List.of(console));
        hc.handle(call(EV_BYTE_CHANNEL_SEND, 0, 16, 0x41414141, 0x41414141, 0x41414141, 0x41414141));
        var partial = call(EV_BYTE_CHANNEL_SEND, 0, 16, 0x42424242, 0x42424242, 0x42424242, 0x42424242);
        hc.handle(partial);
        assertEquals(EV_SUCCESS, partial.ret(), "a partial send succeeds");
        assertEquals(16, partial.arg(1));
        var full = call(EV_BYTE_CHANNEL_SEND, 0, 4, 0x43434343, 0, 0, 0);
        hc.handle(full);
        assertEquals(EV_EAGAIN, full.ret());
        assertEquals(0, full.arg(1), "r4 must be 0 with EV_EAGAIN (Linux advances by r4)");
        assertEquals("A".repeat(16) + "B".repeat(16), drained());
    }

    @Test
    void partialSendReportsWhatFitted() {
        ByteChannel small = new ByteChannel(0, 6, 6);
        var h = call(EV_BYTE_CHANNEL_SEND, 0, 8, 0x31323334, 0x35363738, 0, 0);
        new HostHypercalls(EnabledHypercalls.ALL, List.of(small)).handle(h);
        assertEquals(EV_SUCCESS, h.ret());
        assertEquals(6, h.arg(1));
    }

    record Bad(String why, VcpuExit.Hcall call) {
        @Override public String toString() { return why; }
    }

    static Stream<Bad> badByteChannelCalls() {
        return Stream.of(
                new Bad("send count 17", call(EV_BYTE_CHANNEL_SEND, 0, 17)),
                new Bad("send to unknown handle", call(EV_BYTE_CHANNEL_SEND, 3, 1, 0x41000000)),
                new Bad("send to negative handle", call(EV_BYTE_CHANNEL_SEND, -1, 1)),
                new Bad("receive from unknown handle", call(EV_BYTE_CHANNEL_RECEIVE, 7, 16)),
                new Bad("poll unknown handle", call(EV_BYTE_CHANNEL_POLL, 0xFFFFFFFFL)));
    }

    @ParameterizedTest
    @MethodSource("badByteChannelCalls")
    void badHandleOrCountIsEinval(Bad bad) {
        new HostHypercalls(EnabledHypercalls.ALL, List.of(console)).handle(bad.call());
        assertEquals(EV_EINVAL, bad.call().ret());
        assertEquals(0, bad.call().arg(1));
        assertEquals(0, console.pendingOutput());
    }

    @Test
    void receivePacksBytesAndClampsTheCountToSixteen() {
        byte[] in = "0123456789abcdefXYZ".getBytes(StandardCharsets.US_ASCII);
        console.hostFeed(in, 0, in.length);
        var h = call(EV_BYTE_CHANNEL_RECEIVE, 0, 100);
        new HostHypercalls(EnabledHypercalls.ALL, List.of(console)).handle(h);
        assertEquals(EV_SUCCESS, h.ret());
        assertEquals(16, h.arg(1));
        assertArrayEquals(new long[] {0x30313233, 0x34353637, 0x38396162, 0x63646566},
                new long[] {h.arg(2), h.arg(3), h.arg(4), h.arg(5)});
        var rest = call(EV_BYTE_CHANNEL_RECEIVE, 0, 16);
        new HostHypercalls(EnabledHypercalls.ALL, List.of(console)).handle(rest);
        assertEquals(3, rest.arg(1));
        assertEquals(0x58595A00L, rest.arg(2), "bytes beyond the count are zero");
    }

    @Test
    void pollReportsReadableAndWritable() {
        console.hostFeed(new byte[5], 0, 5);
        console.guestSend(new byte[7], 0, 7);
        var h = call(EV_BYTE_CHANNEL_POLL, 0);
        new HostHypercalls(EnabledHypercalls.ALL, List.of(console)).handle(h);
        assertEquals(EV_SUCCESS, h.ret());
        assertEquals(5, h.arg(1));
        assertEquals(32 - 7, h.arg(2));
    }

    @Test
    void enabledLifecycleCallsGoToTheVmAndDisabledOnesAreUnimplemented() {
        var on = new HostHypercalls(EnabledHypercalls.ALL, List.of(console));
        assertEquals(Action.RESET_VM, on.handle(call(KVM_HC_VM_RESET)));
        assertEquals(Action.SHUTDOWN_VM, on.handle(call(KVM_HC_VM_SHUTDOWN)));
        var off = new HostHypercalls(EnabledHypercalls.NONE, List.of(console));
        for (int token : new int[] {KVM_HC_VM_RESET, KVM_HC_VM_SHUTDOWN, EPAPR_LAB_RESULT}) {
            var h = call(token, 0, 0x1234);
            assertEquals(Action.RESUME, off.handle(h), nameOf(token));
            assertEquals(EV_UNIMPLEMENTED, h.ret(), nameOf(token));
            assertEquals(0, h.arg(1), "r4 = 0 for " + nameOf(token));
        }
    }

    @Test
    void resultIsReportedAndAnsweredWithSuccess() {
        var h = call(EPAPR_LAB_RESULT, 7);
        assertEquals(Action.RESULT_REPORTED, new HostHypercalls(EnabledHypercalls.ALL, List.of(console)).handle(h));
        assertEquals(EV_SUCCESS, h.ret());
        assertEquals(7, h.arg(0));
    }

    @Test
    void unknownTokenIsUnimplementedWithR4Zero() {
        var h = call(token(VENDOR_KVM, 99), 1, 2, 3);
        assertEquals(Action.RESUME, new HostHypercalls(EnabledHypercalls.ALL, List.of(console)).handle(h));
        assertEquals(EV_UNIMPLEMENTED, h.ret());
        assertEquals(0, h.arg(1));
        assertEquals(3, h.arg(2), "other args are left as the guest passed them");
    }

    @Test
    void snapshotGoesToTheHostAnsweredUnimplementedUntilItIsTaken() {
        var h = call(EPAPRLAB_HC_SNAPSHOT, 5, 6, 7);
        assertEquals(Action.SNAPSHOT_VM, new HostHypercalls(EnabledHypercalls.NONE, List.of(console)).handle(h));
        assertEquals(EV_UNIMPLEMENTED, h.ret(), "a lab that takes no snapshot leaves this answer");
        assertEquals(0, h.arg(1));
        HostHypercalls.snapshotTaken(h);
        assertEquals(EV_SUCCESS, h.ret());
        assertEquals(0, h.arg(1), "r4 = 0 in the VM that took it");
        assertEquals(7, h.arg(2));
        assertEquals("EPAPRLAB_HC_SNAPSHOT", nameOf(0x00000002));
    }

    @Test
    void declinedLifecycleCallAnswersInternal() {
        var h = call(KVM_HC_VM_RESET);
        HostHypercalls.decline(h);
        assertEquals(EV_INTERNAL, h.ret());
    }

    @Test
    void tokensMatchTheDocumentedValues() {
        assertEquals(0x00010001, EV_BYTE_CHANNEL_SEND);
        assertEquals(0x00010010, EV_IDLE);
        assertEquals(0x002A0003, KVM_HC_FEATURES);
        assertEquals(0x002A0020, KVM_HC_VM_RESET);
        assertEquals(0x002A0021, KVM_HC_VM_SHUTDOWN);
        assertEquals(0x00000001, EPAPR_LAB_RESULT);
        assertEquals(0x00000002, EPAPRLAB_HC_SNAPSHOT);
    }
}
