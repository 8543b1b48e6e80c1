package epaprlab.machine.fdt;

import epaprlab.machine.boot.ResetReason;
import java.util.Optional;

/**
 * Everything {@link Ppce500TreeBuilder} needs for one boot of a ppce500 VM.
 *
 * @param guestName   {@code /hypervisor/guest-name}
 * @param guestId     {@code /hypervisor/guest-id}
 * @param vcpus       cpu nodes; cpu 0 boots, the others wait on the spin table
 * @param ramBytes    the one memory bank at physical 0
 * @param bootargs    {@code /chosen/bootargs} (QEMU's {@code -append}; may be empty)
 * @param initrd      {@code linux,initrd-start/-end} when an initrd was loaded
 * @param bootKernel  {@code qemu,boot-kernel} (base, size) when a kernel was loaded
 * @param rngSeed     the 32 bytes of {@code /chosen/rng-seed}
 */
public record Ppce500TreeSpec(String guestName, int guestId, int vcpus, long ramBytes, String bootargs,
                              boolean hasReset, boolean hasShutdown, boolean hasResult, boolean hasIdle,
                              int bootCount, ResetReason resetReason,
                              Optional<Range> initrd, Optional<Range> bootKernel, byte[] rngSeed) {
    /** Bytes of {@code rng-seed}, as QEMU writes them. */
    public static final int RNG_SEED_BYTES = 32;

    /** A physical range: {@code start} and its size in bytes. */
    public record Range(long start, long size) {
        public long end() { return start + size; }
    }

    public Ppce500TreeSpec {
        if (guestName == null || guestName.isEmpty()) throw new IllegalArgumentException("guest name is required");
        if (vcpus < 1 || vcpus > Ppce500TreeBuilder.MAX_CPUS) {
            throw new IllegalArgumentException("guest " + guestName + ": 1.." + Ppce500TreeBuilder.MAX_CPUS + " vCPUs, got " + vcpus);
        }
        if (ramBytes <= 0) throw new IllegalArgumentException("guest " + guestName + ": RAM size must be positive");
        if (bootargs == null) throw new IllegalArgumentException("guest " + guestName + ": bootargs must not be null");
        if (bootCount < 1) throw new IllegalArgumentException("guest " + guestName + ": boot count starts at 1");
        if (resetReason == null) throw new IllegalArgumentException("guest " + guestName + ": reset reason is required");
        if (rngSeed == null || rngSeed.length != RNG_SEED_BYTES) {
            throw new IllegalArgumentException("guest " + guestName + ": rng-seed must be " + RNG_SEED_BYTES + " bytes");
        }
        rngSeed = rngSeed.clone();
    }

    @Override public byte[] rngSeed() { return rngSeed.clone(); }
}
