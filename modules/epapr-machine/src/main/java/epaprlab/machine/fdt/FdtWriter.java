package epaprlab.machine.fdt;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a version-17 flattened device tree blob (spec 3.6): header, memory reservation block at
 * offset 0x28 (8-byte aligned), structure block (each node's properties before its children),
 * strings block (each property name once).
 *
 * <p>The writer adds one reservation covering the blob itself, {@code (loadAddress, totalsize)}, so
 * a client that honours the reservation block never reuses the tree's memory. Its size does not
 * depend on the load address, which is why {@link #totalSize} can be asked before placing the blob.
 */
public final class FdtWriter {
    static final int FDT_BEGIN_NODE = 0x1, FDT_END_NODE = 0x2, FDT_PROP = 0x3, FDT_NOP = 0x4, FDT_END = 0x9;
    private static final int RSV_ENTRY = 16;

    private FdtWriter() {}

    /**
     * The exact size in bytes of the blob {@link #write} produces for this tree and these
     * reservations (the self-reservation included).
     */
    public static int totalSize(DeviceTreeNode root, List<MemoryReservation> reservations) {
        return new Layout(root, reservations.size() + 1).totalSize;
    }

    /**
     * Writes a blob the way QEMU's boards hand it over: an empty reservation block (not even the
     * blob itself) and {@code totalSize} bytes in all, the structure and strings first and zeros
     * after them as free space a client may grow the tree into.
     *
     * @throws IllegalArgumentException when the tree does not fit in {@code totalSize}
     */
    public static byte[] writePadded(DeviceTreeNode root, int bootCpuidPhys, int totalSize) {
        if (!root.name().isEmpty()) {
            throw new IllegalArgumentException("the root node of a blob has an empty name, got \"" + root.name() + "\"");
        }
        Layout layout = new Layout(root, 0);
        if (layout.totalSize > totalSize) {
            throw new IllegalArgumentException("device tree needs %d bytes, more than the %d given".formatted(layout.totalSize, totalSize));
        }
        ByteBuffer out = ByteBuffer.allocate(totalSize).order(ByteOrder.BIG_ENDIAN);
        writeBlocks(out, root, bootCpuidPhys, layout, totalSize, List.of());
        return out.array();
    }

    /**
     * Writes the blob.
     *
     * @param root           the root node (its name must be empty)
     * @param bootCpuidPhys  {@code reg} of the boot CPU, stored in the header
     * @param reservations   regions the client must not use (spin table, ...); written sorted by
     *                       address, together with the blob's own region
     * @param loadAddress    guest physical address the blob will be loaded at (8-byte aligned)
     * @throws IllegalArgumentException on a misaligned load address, a non-root root, or when any
     *                                  two reservations (the blob's own included) overlap
     */
    public static byte[] write(DeviceTreeNode root, int bootCpuidPhys, List<MemoryReservation> reservations,
                               long loadAddress) {
        if (!root.name().isEmpty()) {
            throw new IllegalArgumentException("the root node of a blob has an empty name, got \"" + root.name() + "\"");
        }
        if ((loadAddress & 7) != 0) {
            throw new IllegalArgumentException("a device tree blob must be loaded 8-byte aligned, got 0x%x".formatted(loadAddress));
        }
        Layout layout = new Layout(root, reservations.size() + 1);
        List<MemoryReservation> rsv = new ArrayList<>(reservations);
        rsv.add(new MemoryReservation(loadAddress, layout.totalSize));
        rsv.sort(Comparator.comparing(MemoryReservation::address, Long::compareUnsigned));
        for (int i = 1; i < rsv.size(); i++) {
            if (rsv.get(i - 1).overlaps(rsv.get(i))) {
                throw new IllegalArgumentException("memory reservations %s and %s overlap (blob loaded at 0x%x, %d bytes)"
                        .formatted(rsv.get(i - 1), rsv.get(i), loadAddress, layout.totalSize));
            }
        }

        ByteBuffer out = ByteBuffer.allocate(layout.totalSize).order(ByteOrder.BIG_ENDIAN);
        writeBlocks(out, root, bootCpuidPhys, layout, layout.totalSize, rsv);
        return out.array();
    }

    private static void writeBlocks(ByteBuffer out, DeviceTreeNode root, int bootCpuidPhys, Layout layout, int totalSize,
                                    List<MemoryReservation> rsv) {
        out.putInt(FdtHeader.MAGIC).putInt(totalSize).putInt(layout.offStruct).putInt(layout.offStrings)
                .putInt(layout.offRsvmap).putInt(FdtHeader.VERSION).putInt(FdtHeader.LAST_COMP_VERSION)
                .putInt(bootCpuidPhys).putInt(layout.sizeStrings).putInt(layout.sizeStruct);

        out.position(layout.offRsvmap);
        for (MemoryReservation r : rsv) out.putLong(r.address()).putLong(r.size());
        out.putLong(0).putLong(0);

        out.position(layout.offStruct);
        writeNode(out, root, layout.stringOffsets);
        out.putInt(FDT_END);
        if (out.position() != layout.offStruct + layout.sizeStruct) {
            throw new IllegalStateException("structure block size miscomputed: " + out.position());
        }

        for (String s : layout.stringOffsets.keySet()) {
            out.put(s.getBytes(StandardCharsets.UTF_8)).put((byte) 0);
        }
        if (out.position() != layout.totalSize) throw new IllegalStateException("blob size miscomputed: " + out.position());
    }

    private static void writeNode(ByteBuffer out, DeviceTreeNode node, Map<String, Integer> strings) {
        out.putInt(FDT_BEGIN_NODE);
        byte[] name = node.name().getBytes(StandardCharsets.UTF_8);
        out.put(name);
        zeros(out, align4(name.length + 1) - name.length);   // NUL, then padding to 4 bytes
        for (Property p : node.properties()) {
            byte[] v = p.value();
            out.putInt(FDT_PROP).putInt(v.length).putInt(strings.get(p.name()));
            out.put(v);
            zeros(out, align4(v.length) - v.length);
        }
        for (DeviceTreeNode c : node.children()) writeNode(out, c, strings);
        out.putInt(FDT_END_NODE);
    }

    private static void zeros(ByteBuffer out, int n) {
        for (int i = 0; i < n; i++) out.put((byte) 0);
    }

    static int align4(int n) { return (n + 3) & ~3; }

    /** Block sizes and offsets, computed once from the tree. */
    private static final class Layout {
        final Map<String, Integer> stringOffsets = new LinkedHashMap<>();
        final int offRsvmap = FdtHeader.SIZE;          // 0x28 is already 8-byte aligned
        final int offStruct, offStrings, sizeStruct, sizeStrings, totalSize;
        private int stringBytes;

        Layout(DeviceTreeNode root, int reservations) {
            int rsvBytes = (reservations + 1) * RSV_ENTRY;         // + the terminator
            sizeStruct = structSize(root) + 4;                     // + FDT_END
            sizeStrings = stringBytes;
            offStruct = offRsvmap + rsvBytes;
            offStrings = offStruct + sizeStruct;
            long total = (long) offStrings + sizeStrings;
            if (total > Integer.MAX_VALUE) throw new IllegalArgumentException("device tree too large: " + total + " bytes");
            totalSize = (int) total;
        }

        private int structSize(DeviceTreeNode node) {
            int size = 4 + align4(node.name().getBytes(StandardCharsets.UTF_8).length + 1);
            for (Property p : node.properties()) {
                size += 12 + align4(p.length());
                if (!stringOffsets.containsKey(p.name())) {
                    stringOffsets.put(p.name(), stringBytes);
                    stringBytes += p.name().getBytes(StandardCharsets.UTF_8).length + 1;
                }
            }
            for (DeviceTreeNode c : node.children()) size += structSize(c);
            return size + 4;
        }
    }
}
