package epaprlab.machine.boot;

/**
 * Where things go in guest physical memory at boot, and the entry register values that follow
 * from it (spec 4.2): r3 = {@link #dtbAddress}, r7 = {@link #imaSize}, PC = {@link #entry}.
 *
 * <p>The engine maps EA = PA over all of RAM as the boot IMA, so the IMA size is the RAM size and
 * everything in RAM is inside it, as ePAPR requires of the image and the tree.
 *
 * @param ramBytes   guest RAM size
 * @param entry      physical entry point of the image
 * @param imageEnd   highest p_paddr + p_memsz of the image
 * @param dtbAddress where the device tree blob is loaded (8-byte aligned)
 * @param dtbSize    the blob's totalsize
 * @param imaSize    size of the boot IMA, for r7
 */
public record BootLayout(long ramBytes, long entry, long imageEnd, long dtbAddress, int dtbSize, long imaSize) {
    /** The blob goes on the first page boundary after the image, away from its last bytes. */
    public static final long DTB_ALIGN = 4096;

    /**
     * Places the blob at the first 4 KiB boundary at or after the image's end.
     *
     * @throws BootException.SegmentOutsideRam   when the image itself does not fit
     * @throws BootException.NoRoomForDeviceTree when the blob does not fit after the image
     */
    public static BootLayout place(ElfImage image, long ramBytes, int dtbSize) throws BootException {
        checkSizes(ramBytes, dtbSize);
        image.checkFits(ramBytes);
        long end = image.highestPhysicalEnd();
        long dtb = (end + DTB_ALIGN - 1) & -DTB_ALIGN;
        if (dtb > ramBytes || dtbSize > ramBytes - dtb) {
            throw new BootException.NoRoomForDeviceTree(image.origin(), dtb, dtbSize, end, ramBytes);
        }
        return new BootLayout(ramBytes, image.entryPhysical(), end, dtb, dtbSize, ramBytes);
    }

    /**
     * Places the blob at a chosen address (for hosts that pin it, for example below the image).
     *
     * @throws IllegalArgumentException              when the address is not 8-byte aligned
     * @throws BootException.SegmentOutsideRam       when the image does not fit
     * @throws BootException.DeviceTreeOverlapsImage when the blob would overwrite a segment
     * @throws BootException.NoRoomForDeviceTree     when the blob does not fit in RAM there
     */
    public static BootLayout placeAt(ElfImage image, long ramBytes, int dtbSize, long dtbAddress) throws BootException {
        checkSizes(ramBytes, dtbSize);
        if (dtbAddress < 0 || (dtbAddress & 7) != 0) {
            throw new IllegalArgumentException("%s: device tree address 0x%x is not 8-byte aligned".formatted(image.origin(), dtbAddress));
        }
        image.checkFits(ramBytes);
        long end = image.highestPhysicalEnd();
        if (dtbAddress > ramBytes || dtbSize > ramBytes - dtbAddress) {
            throw new BootException.NoRoomForDeviceTree(image.origin(), dtbAddress, dtbSize, end, ramBytes);
        }
        for (LoadSegment s : image.segments()) {
            if (dtbAddress < s.physicalEnd() && s.paddr() < dtbAddress + dtbSize) {
                throw new BootException.DeviceTreeOverlapsImage(image.origin(), dtbAddress, dtbSize, s.index(), s.paddr(), s.memsz());
            }
        }
        return new BootLayout(ramBytes, image.entryPhysical(), end, dtbAddress, dtbSize, ramBytes);
    }

    /** First byte after the blob. */
    public long dtbEnd() { return dtbAddress + dtbSize; }

    private static void checkSizes(long ramBytes, int dtbSize) {
        if (ramBytes <= 0) throw new IllegalArgumentException("RAM size must be positive, got " + ramBytes);
        if (dtbSize < 40) throw new IllegalArgumentException("a device tree blob is at least 40 bytes, got " + dtbSize);
    }
}
