package epaprlab.orchestrator.vcpu;

import static epaprlab.machine.hcall.HcallAbi.*;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Hypercalls by token, counted by the vCPU exit handlers of every VM that shares this instance
 * (the host keeps one for {@code /metrics}). Only calls that exit to the host are seen: EV_IDLE
 * and KVM_HC_FEATURES are answered inside the engine and never reach here. A fixed table of {@link LongAdder}s, one per known
 * token plus one for every other token: counting is a switch and an add, allocation-free and
 * uncontended across vCPU threads.
 */
public final class HypercallCounts {

    /** The known tokens' names, as exported (the index is the table slot); "other" is the last. */
    public static final List<String> NAMES = List.of("ev_byte_channel_send", "ev_byte_channel_receive",
            "ev_byte_channel_poll", "kvm_hc_vm_reset", "kvm_hc_vm_shutdown", "epapr_lab_result", "other");

    private static final int OTHER = 6;

    private final LongAdder[] counts = new LongAdder[NAMES.size()];

    public HypercallCounts() {
        for (int i = 0; i < counts.length; i++) counts[i] = new LongAdder();
    }

    /** Counts one hypercall with token {@code nr} (r11). */
    public void count(long nr) {
        counts[slot(nr)].increment();
    }

    /** How many hypercalls named {@code NAMES.get(slot)} were counted. */
    public long get(int slot) {
        return counts[slot].sum();
    }

    /** The tokens are not compile-time constants (HcallAbi.token), so an if-chain, most frequent first. */
    private static int slot(long nr) {
        if (nr == EV_BYTE_CHANNEL_SEND) return 0;
        if (nr == EV_BYTE_CHANNEL_RECEIVE) return 1;
        if (nr == EV_BYTE_CHANNEL_POLL) return 2;
        if (nr == KVM_HC_VM_RESET) return 3;
        if (nr == KVM_HC_VM_SHUTDOWN) return 4;
        if (nr == EPAPR_LAB_RESULT) return 5;
        return OTHER;
    }
}
