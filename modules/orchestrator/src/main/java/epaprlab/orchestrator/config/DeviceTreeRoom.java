package epaprlab.orchestrator.config;

import epaprlab.machine.board.BoardSpec;
import epaprlab.machine.boot.BootLayout;
import epaprlab.machine.boot.ResetReason;
import epaprlab.machine.fdt.FdtWriter;
import epaprlab.machine.fdt.GuestTreeBuilder;
import epaprlab.machine.fdt.GuestTreeSpec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Whether the ePAPR board's device tree blob fits in a VM's RAM, computed as the board places it
 * at every boot ({@code Board}): at the first 4 KiB boundary after the image, the spin table (with
 * several vCPUs) on the next cache line after the blob. The blob holds {@code bootargs}, so this
 * is the real limit of their length; the config checks it so that a VM that cannot boot is
 * refused when the config is loaded instead of ending {@code crashed} at its first boot.
 */
final class DeviceTreeRoom {
    /** The blob is sized for the longest reset reason, so that every later boot fits too, not only the first. */
    private static final ResetReason LONGEST_REASON = Arrays.stream(ResetReason.values())
            .max(Comparator.comparingInt(r -> r.dtValue().length())).orElseThrow();
    /** A string property takes its bytes and a NUL, padded to 4 (devicetree spec 5.4.1). */
    private static final int EMPTY_STRING_BYTES = 4;

    private DeviceTreeRoom() {}

    /** The blob's size for this board with these bootargs, on its longest boot. */
    static int blobBytes(BoardSpec b, String bootargs) {
        GuestTreeSpec spec = new GuestTreeSpec(b.name(), b.guestId(), b.cpu(), b.vcpus(), b.ramBytes(), b.clockHz(),
                b.timebaseHz(), b.hypercalls().reset(), b.hypercalls().shutdown(), b.hypercalls().result(), b.idle(),
                1, LONGEST_REASON, bootargs, 0);
        return FdtWriter.totalSize(GuestTreeBuilder.build(spec), spec.spinTableReservation().stream().toList());
    }

    /** True when a blob of {@code blobBytes} after an image ending at {@code imageEnd}, and the spin table after it, fit RAM. */
    static boolean fits(long imageEnd, long blobBytes, BoardSpec b) {
        long ram = b.ramBytes();
        long dtb = (imageEnd + BootLayout.DTB_ALIGN - 1) & -BootLayout.DTB_ALIGN;
        if (dtb > ram || blobBytes > ram - dtb) return false;
        if (b.vcpus() == 1) return true;
        long spin = (dtb + blobBytes + GuestTreeBuilder.CACHE_LINE_BYTES - 1) & -GuestTreeBuilder.CACHE_LINE_BYTES;
        return spin + (long) b.vcpus() * GuestTreeSpec.SPIN_ENTRY_BYTES <= ram;
    }

    /** The most bytes of bootargs that fit (UTF-8); -1 when the blob does not fit even without bootargs. */
    static long mostBootargs(long imageEnd, BoardSpec b) {
        long rest = blobBytes(b, "") - EMPTY_STRING_BYTES;
        if (!fits(imageEnd, rest + EMPTY_STRING_BYTES, b)) return -1;
        long lo = 0, hi = b.ramBytes();                 // fits(lo), and nothing longer than RAM fits
        while (lo < hi) {
            long mid = lo + (hi - lo + 1) / 2;
            if (fits(imageEnd, rest + ((mid + 1 + 3) & -4), b)) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    static int utf8Bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
