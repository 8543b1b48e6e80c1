package epaprlab.machine.fdt;

import epaprlab.machine.boot.ResetReason;
import epaprlab.ppc.cpu.CpuModel;

import java.util.Optional;

/**
 * Everything {@link GuestTreeBuilder} needs to describe one VM.
 *
 * @param guestName     {@code /hypervisor/guest-name}
 * @param guestId       {@code /hypervisor/guest-id} (u32)
 * @param cpu           core model; selects the cpu nodes' {@code compatible}
 * @param vcpus         number of vCPUs, at least 1; cpu@0 boots, the others spin
 * @param ramBytes      size of the one memory bank at physical 0
 * @param clockHz       {@code clock-frequency} of every cpu node
 * @param timebaseHz    {@code timebase-frequency} of every cpu node
 * @param hasReset      advertise {@code kvm,has-reset}
 * @param hasShutdown   advertise {@code kvm,has-shutdown}
 * @param hasResult     advertise {@code epapr-lab,has-result}
 * @param hasIdle       advertise {@code has-idle}
 * @param bootCount     {@code /chosen/epapr-lab,boot-count}, 1 on the first boot
 * @param resetReason   {@code /chosen/epapr-lab,reset-reason}
 * @param bootargs      {@code /chosen/bootargs} (may be empty)
 * @param spinTableBase guest physical address of the spin table; entry of cpu N at base + 32·N.
 *                      Ignored (may be 0) for one vCPU.
 */
public record GuestTreeSpec(
        String guestName, int guestId, CpuModel cpu, int vcpus, long ramBytes,
        long clockHz, long timebaseHz,
        boolean hasReset, boolean hasShutdown, boolean hasResult, boolean hasIdle,
        int bootCount, ResetReason resetReason, String bootargs, long spinTableBase) {

    /** Distance between spin-table entries (QEMU's spacing; ePAPR's minimum entry is 24 bytes). */
    public static final int SPIN_ENTRY_BYTES = 32;
    /** QEMU's TCG default for both clock and timebase; the caller passes it when config says nothing. */
    public static final long DEFAULT_FREQUENCY_HZ = 400_000_000L;

    public GuestTreeSpec {
        if (guestName == null || guestName.isEmpty()) throw new IllegalArgumentException("guest name is required");
        if (guestName.indexOf('\0') >= 0) throw new IllegalArgumentException("guest name contains NUL");
        if (cpu == null) throw new IllegalArgumentException("guest " + guestName + ": cpu model is required");
        if (vcpus < 1) throw new IllegalArgumentException("guest " + guestName + ": needs at least one vCPU, got " + vcpus);
        if (ramBytes <= 0) throw new IllegalArgumentException("guest " + guestName + ": RAM size must be positive, got " + ramBytes);
        if (clockHz <= 0) throw new IllegalArgumentException("guest " + guestName + ": clock frequency must be positive, got " + clockHz);
        if (timebaseHz <= 0) throw new IllegalArgumentException("guest " + guestName + ": timebase frequency must be positive, got " + timebaseHz);
        if (bootCount < 1) throw new IllegalArgumentException("guest " + guestName + ": boot count starts at 1, got " + bootCount);
        if (resetReason == null) throw new IllegalArgumentException("guest " + guestName + ": reset reason is required");
        if (bootargs == null) throw new IllegalArgumentException("guest " + guestName + ": bootargs must not be null (use \"\")");
        if (vcpus > 1) {
            // each entry is read with 8-byte accesses, so the table must be at least 8-byte aligned
            if ((spinTableBase & 7) != 0) {
                throw new IllegalArgumentException("guest %s: spin table base 0x%x is not 8-byte aligned".formatted(guestName, spinTableBase));
            }
            long bytes = (long) vcpus * SPIN_ENTRY_BYTES;
            if (spinTableBase < 0 || spinTableBase > ramBytes - bytes) {
                throw new IllegalArgumentException("guest %s: spin table 0x%x+0x%x lies outside RAM (0x%x bytes)"
                        .formatted(guestName, spinTableBase, bytes, ramBytes));
            }
        }
    }

    /** Physical address of cpu N's spin-table entry ({@code cpu-release-addr}). */
    public long cpuReleaseAddr(int cpuIndex) {
        if (cpuIndex < 0 || cpuIndex >= vcpus) throw new IndexOutOfBoundsException("cpu " + cpuIndex + " of " + vcpus);
        return spinTableBase + (long) cpuIndex * SPIN_ENTRY_BYTES;
    }

    /** The spin table as a reservation for the blob, present when there are secondaries. */
    public Optional<MemoryReservation> spinTableReservation() {
        return vcpus > 1
                ? Optional.of(new MemoryReservation(spinTableBase, (long) vcpus * SPIN_ENTRY_BYTES))
                : Optional.empty();
    }
}
