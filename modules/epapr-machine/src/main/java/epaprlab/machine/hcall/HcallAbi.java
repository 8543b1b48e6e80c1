package epaprlab.machine.hcall;

/**
 * The hypercall ABI as epapr-lab implements it: tokens, status codes and register roles.
 * Upstream values come from Linux's {@code epapr_hcalls.h} and {@code kvm_para.h}; the
 * lifecycle and test-result tokens are epapr-lab's own choices (README, "Hypercall ABI").
 */
public final class HcallAbi {
    private HcallAbi() {}

    /** The hypercall instruction advertised in {@code hcall-instructions}: {@code sc 1}. */
    public static final int HCALL_INSTRUCTION = 0x44000022;

    // Vendor ids (token bits 1..15).
    public static final int VENDOR_PRIVATE = 0;
    public static final int VENDOR_EPAPR = 1;
    public static final int VENDOR_KVM = 42;

    /** {@code token = (vendor << 16) | number}; bit 0 (the MSB) stays 0. */
    public static int token(int vendor, int number) {
        if (vendor < 0 || vendor > 0x7FFF || number < 0 || number > 0xFFFF) {
            throw new IllegalArgumentException("vendor %d / number %d out of range".formatted(vendor, number));
        }
        return (vendor << 16) | number;
    }

    // ePAPR hypercalls (vendor 1).
    public static final int EV_BYTE_CHANNEL_SEND = token(VENDOR_EPAPR, 1);
    public static final int EV_BYTE_CHANNEL_RECEIVE = token(VENDOR_EPAPR, 2);
    public static final int EV_BYTE_CHANNEL_POLL = token(VENDOR_EPAPR, 3);
    public static final int EV_IDLE = token(VENDOR_EPAPR, 16);

    // KVM hypercalls (vendor 42).
    public static final int KVM_HC_FEATURES = token(VENDOR_KVM, 3);
    /** epapr-lab's number for the seed's {@code KVM_HC_VM_RESET}: KVM vendor, number 32. */
    public static final int KVM_HC_VM_RESET = token(VENDOR_KVM, 32);
    /** epapr-lab's number for the seed's {@code KVM_HC_VM_SHUTDOWN}: KVM vendor, number 33. */
    public static final int KVM_HC_VM_SHUTDOWN = token(VENDOR_KVM, 33);

    /** epapr-lab's test-result hypercall (private vendor 0, number 1): r3 = result, 0 = pass. */
    public static final int EPAPR_LAB_RESULT = token(VENDOR_PRIVATE, 1);
    /**
     * epapr-lab's snapshot hypercall {@code EPAPRLAB_HC_SNAPSHOT} (private vendor 0, number 2): r3 =
     * status (0 = taken), r4 = 0 in the VM that took it, 1 in a VM started or reset from it.
     */
    public static final int EPAPRLAB_HC_SNAPSHOT = token(VENDOR_PRIVATE, 2);

    // Status codes returned in r3.
    public static final int EV_SUCCESS = 0;
    public static final int EV_EPERM = 1;
    public static final int EV_ENOENT = 2;
    public static final int EV_EIO = 3;
    public static final int EV_EAGAIN = 4;
    public static final int EV_ENOMEM = 5;
    public static final int EV_EFAULT = 6;
    public static final int EV_ENODEV = 7;
    public static final int EV_EINVAL = 8;
    public static final int EV_INTERNAL = 9;
    public static final int EV_CONFIG = 10;
    public static final int EV_INVALID_STATE = 11;
    public static final int EV_UNIMPLEMENTED = 12;
    public static final int EV_BUFFER_OVERFLOW = 13;

    /** Bytes one byte-channel send or receive carries at most. */
    public static final int BYTE_CHANNEL_MAX_BYTES = 16;

    /** A readable name for a token, for logs and reports ("EV_BYTE_CHANNEL_SEND", "0x002a0063"). */
    public static String nameOf(long token) {
        int t = (int) token;
        if (t == EV_BYTE_CHANNEL_SEND) return "EV_BYTE_CHANNEL_SEND";
        if (t == EV_BYTE_CHANNEL_RECEIVE) return "EV_BYTE_CHANNEL_RECEIVE";
        if (t == EV_BYTE_CHANNEL_POLL) return "EV_BYTE_CHANNEL_POLL";
        if (t == EV_IDLE) return "EV_IDLE";
        if (t == KVM_HC_FEATURES) return "KVM_HC_FEATURES";
        if (t == KVM_HC_VM_RESET) return "KVM_HC_VM_RESET";
        if (t == KVM_HC_VM_SHUTDOWN) return "KVM_HC_VM_SHUTDOWN";
        if (t == EPAPR_LAB_RESULT) return "EPAPR_LAB_RESULT";
        if (t == EPAPRLAB_HC_SNAPSHOT) return "EPAPRLAB_HC_SNAPSHOT";
        return "0x%08x".formatted(token);
    }
}
