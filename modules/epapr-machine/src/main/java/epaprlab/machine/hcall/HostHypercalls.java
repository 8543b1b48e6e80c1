package epaprlab.machine.hcall;

import static epaprlab.machine.hcall.HcallAbi.*;

import epaprlab.machine.api.VcpuExit;
import epaprlab.machine.device.ByteChannel;
import java.util.List;

/**
 * The host's side of {@code KVM_EXIT_EPAPR_HCALL}: answers what a vCPU thread can answer on its
 * own (byte channels, the test result, unknown or disabled calls) and names the ones only the VM
 * can decide (reset, shutdown). One instance per vCPU: it keeps a scratch buffer, so it
 * allocates nothing per call.
 */
public final class HostHypercalls {
    /** What the caller must do after {@link #handle}. */
    public enum Action {
        /** The answer is in the exit record: run the vCPU again. */
        RESUME,
        /** The guest reported a test result (code in args[0]); the answer is in the record: resume. */
        RESULT_REPORTED,
        /** An enabled {@code KVM_HC_VM_RESET}: the VM decides; if it cannot, answer EV_INTERNAL. */
        RESET_VM,
        /** An enabled {@code KVM_HC_VM_SHUTDOWN}: the VM decides; if it cannot, answer EV_INTERNAL. */
        SHUTDOWN_VM,
        /**
         * {@code EPAPRLAB_HC_SNAPSHOT}: the record already answers {@code EV_UNIMPLEMENTED} (r4 = 0),
         * right for a VM the lab takes no snapshots of. A host that takes one calls
         * {@link #snapshotTaken} and takes {@code Machine.snapshot()} before running the vCPU again.
         */
        SNAPSHOT_VM,
    }

    private final EnabledHypercalls enabled;
    private final ByteChannel[] channelsByHandle;
    private final byte[] scratch = new byte[BYTE_CHANNEL_MAX_BYTES];

    public HostHypercalls(EnabledHypercalls enabled, List<ByteChannel> channels) {
        this.enabled = enabled;
        int maxHandle = -1;
        for (ByteChannel c : channels) maxHandle = Math.max(maxHandle, c.handle());
        this.channelsByHandle = new ByteChannel[maxHandle + 1];
        for (ByteChannel c : channels) {
            if (channelsByHandle[c.handle()] != null) {
                throw new IllegalArgumentException("two byte channels with handle " + c.handle());
            }
            channelsByHandle[c.handle()] = c;
        }
    }

    /** Answers {@code h} where it can; see {@link Action}. */
    public Action handle(VcpuExit.Hcall h) {
        long nr = h.nr();
        if (nr == EV_BYTE_CHANNEL_SEND) return send(h);
        if (nr == EV_BYTE_CHANNEL_RECEIVE) return receive(h);
        if (nr == EV_BYTE_CHANNEL_POLL) return poll(h);
        if (nr == KVM_HC_VM_RESET) return enabled.reset() ? Action.RESET_VM : unimplemented(h);
        if (nr == KVM_HC_VM_SHUTDOWN) return enabled.shutdown() ? Action.SHUTDOWN_VM : unimplemented(h);
        if (nr == EPAPRLAB_HC_SNAPSHOT) {
            unimplemented(h);
            return Action.SNAPSHOT_VM;
        }
        if (nr == EPAPR_LAB_RESULT) {
            if (!enabled.result()) return unimplemented(h);
            h.setRet(EV_SUCCESS);
            return Action.RESULT_REPORTED;
        }
        return unimplemented(h);
    }

    /** The answer for a lifecycle call the VM could not honour. */
    public static void decline(VcpuExit.Hcall h) {
        h.setRet(EV_INTERNAL);
    }

    /**
     * The answer for a snapshot the host took: r3 = 0, r4 = 0 (this VM goes on as the one that took
     * it; a VM restored from the snapshot sees r4 = 1, which {@code Machine.restore} sets).
     */
    public static void snapshotTaken(VcpuExit.Hcall h) {
        h.setRet(EV_SUCCESS);
        h.setArg(1, 0);
    }

    private static Action unimplemented(VcpuExit.Hcall h) {
        h.setRet(EV_UNIMPLEMENTED);
        h.setArg(1, 0);   // r4 = 0, as mainline KVM answers unknown hypercalls
        return Action.RESUME;
    }

    private ByteChannel channel(long handle) {
        return handle >= 0 && handle < channelsByHandle.length ? channelsByHandle[(int) handle] : null;
    }

    /** r3 handle, r4 count (≤16), r5..r8 data → r3 status, r4 bytes sent. */
    private Action send(VcpuExit.Hcall h) {
        ByteChannel ch = channel(h.arg(0));
        long count = h.arg(1);
        if (ch == null || count < 0 || count > BYTE_CHANNEL_MAX_BYTES) return status(h, EV_EINVAL, 0);
        int n = (int) count;
        for (int i = 0; i < n; i++) scratch[i] = unpack(h, i);
        int sent = ch.guestSend(scratch, 0, n);
        if (sent == 0 && n > 0) return status(h, EV_EAGAIN, 0);  // nothing fitted: r4 must be 0
        return status(h, EV_SUCCESS, sent);
    }

    /** r3 handle, r4 max (clamped to 16) → r3 status, r4 count, r5..r8 data. */
    private Action receive(VcpuExit.Hcall h) {
        ByteChannel ch = channel(h.arg(0));
        if (ch == null || h.arg(1) < 0) return status(h, EV_EINVAL, 0);
        int max = (int) Math.min(h.arg(1), BYTE_CHANNEL_MAX_BYTES);
        java.util.Arrays.fill(scratch, (byte) 0);
        int got = ch.guestReceive(scratch, 0, max);
        for (int reg = 0; reg < 4; reg++) {
            int word = 0;
            for (int b = 0; b < 4; b++) word = (word << 8) | (scratch[reg * 4 + b] & 0xFF);
            h.setArg(2 + reg, word & 0xFFFF_FFFFL);
        }
        return status(h, EV_SUCCESS, got);
    }

    /** r3 handle → r3 status, r4 bytes readable, r5 space writable. */
    private Action poll(VcpuExit.Hcall h) {
        ByteChannel ch = channel(h.arg(0));
        if (ch == null) return status(h, EV_EINVAL, 0);
        h.setArg(2, ch.writable());
        return status(h, EV_SUCCESS, ch.readable());
    }

    /** Byte i of a send: r(5 + i/4), shift 24 - 8*(i%4) of the low word. */
    private static byte unpack(VcpuExit.Hcall h, int i) {
        return (byte) (h.arg(2 + i / 4) >>> (24 - 8 * (i % 4)));
    }

    private static Action status(VcpuExit.Hcall h, int status, long r4) {
        h.setRet(status);
        h.setArg(1, r4);
        return Action.RESUME;
    }
}
