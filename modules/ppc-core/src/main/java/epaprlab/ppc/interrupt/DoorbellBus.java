package epaprlab.ppc.interrupt;

import epaprlab.ppc.mem.GuestMemory;

import java.util.Arrays;

/**
 * The processor doorbell fabric of one RAM (spec 5.8): every CPU created on a {@link GuestMemory}
 * joins its bus, and {@code msgsnd} pends a doorbell on each member whose PIR matches the
 * payload's tag, or on all members when the broadcast bit is set. Sending allocates nothing.
 */
public final class DoorbellBus {
    /** msgsnd payload fields (Linux dbell.h). */
    public static final long TYPE_MASK = 0xF8000000L, BROADCAST = 0x04000000L, PIR_TAG = 0x3FFFL;
    public static final int TYPE_DBELL = 0, TYPE_DBELL_CRIT = 1;

    private volatile PendingInterrupts[] members = new PendingInterrupts[0];

    public static DoorbellBus of(GuestMemory memory) {
        return memory.engineShared(DoorbellBus.class, DoorbellBus::new);
    }

    public synchronized void join(PendingInterrupts p) {
        PendingInterrupts[] old = members;
        PendingInterrupts[] n = Arrays.copyOf(old, old.length + 1);
        n[old.length] = p;
        members = n;
    }

    /**
     * msgsnd: types 0 (doorbell) and 1 (critical doorbell) are delivered; the guest types 2..4
     * target a hypervisor's guests and are ignored here (no E.HV category modelled); LPID is not
     * compared, as the guest runs without a logical partition.
     */
    public void send(long payload) {
        int type = (int) ((payload & TYPE_MASK) >>> 27);
        int bit = switch (type) {
            case TYPE_DBELL -> PendingInterrupts.DOORBELL;
            case TYPE_DBELL_CRIT -> PendingInterrupts.DOORBELL_CRITICAL;
            default -> 0;
        };
        if (bit == 0) return;
        boolean all = (payload & BROADCAST) != 0;
        long tag = payload & PIR_TAG;
        for (PendingInterrupts p : members) {
            if (all || (p.pir & PIR_TAG) == tag) p.set(bit, true);
        }
    }

    /** msgclr: clears the pending doorbell of the payload's type on this CPU (QEMU helper_msgclr). */
    public static void clear(PendingInterrupts self, long payload) {
        int type = (int) ((payload & TYPE_MASK) >>> 27);
        if (type == TYPE_DBELL) self.set(PendingInterrupts.DOORBELL, false);
        else if (type == TYPE_DBELL_CRIT) self.set(PendingInterrupts.DOORBELL_CRITICAL, false);
    }
}
