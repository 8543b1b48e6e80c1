package epaprlab.machine.boot;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * A legacy U-Boot image ({@code mkimage -A ppc -T kernel}) as QEMU's ppce500 accepts it for
 * {@code -kernel} without {@code -bios}: a 64-byte big-endian header (magic 0x27051956, header
 * and data CRC32, data size, load address, entry point, OS, architecture, type, compression,
 * name), then the data, uncompressed or gzip. Both CRCs are checked, so a cut or damaged file is
 * an error here rather than a guest crash later.
 *
 * @param load  ih_load: where the (decompressed) data goes
 * @param entry ih_ep: where CPU 0 starts
 * @param data  the data, decompressed
 */
public record UImage(long load, long entry, byte[] data) {
    static final int MAGIC = 0x27051956, HEADER = 64;
    static final int ARCH_PPC = 7, TYPE_KERNEL = 2, COMP_NONE = 0, COMP_GZIP = 1;

    public UImage {
        data = data.clone();
    }

    @Override public byte[] data() { return data.clone(); }

    public static boolean isUImage(byte[] bytes) {
        return bytes.length >= 4 && ByteBuffer.wrap(bytes).getInt(0) == MAGIC;
    }

    /**
     * @param limit decompressed data above this many bytes is refused
     * @throws BootException.Truncated when the header or the data is cut short
     * @throws BootException.Malformed for a wrong CRC, architecture, type or compression
     */
    public static UImage parse(Path origin, byte[] bytes, long limit) throws BootException {
        if (bytes.length < HEADER) throw new BootException.Truncated(origin, "uImage header", 0, HEADER, bytes.length);
        ByteBuffer h = ByteBuffer.wrap(bytes);
        long size = h.getInt(12) & 0xFFFF_FFFFL;
        if (size > bytes.length - HEADER) throw new BootException.Truncated(origin, "uImage data", HEADER, size, bytes.length);
        byte[] header = Arrays.copyOf(bytes, HEADER);
        ByteBuffer.wrap(header).putInt(4, 0);          // the header CRC covers the header with that field zero
        check(origin, "header", h.getInt(4), crc(header, 0, HEADER));
        check(origin, "data", h.getInt(24), crc(bytes, HEADER, (int) size));
        int arch = bytes[29] & 0xFF, type = bytes[30] & 0xFF, comp = bytes[31] & 0xFF;
        if (arch != ARCH_PPC) throw new BootException.Malformed(origin, "uImage header", "ih_arch is " + arch + "; accepted: 7 (PowerPC)");
        if (type != TYPE_KERNEL) throw new BootException.Malformed(origin, "uImage header", "ih_type is " + type + "; accepted: 2 (kernel)");
        byte[] data = Arrays.copyOfRange(bytes, HEADER, HEADER + (int) size);
        data = switch (comp) {
            case COMP_NONE -> data;
            case COMP_GZIP -> {
                if (!GzipImage.isGzip(data)) throw new BootException.BadCompression(origin, "ih_comp says gzip, the data is not");
                yield GzipImage.inflateIfGzip(origin, data, limit);
            }
            default -> throw new BootException.Malformed(origin, "uImage header",
                    "ih_comp is " + comp + "; accepted: 0 (none) or 1 (gzip)");
        };
        return new UImage(h.getInt(16) & 0xFFFF_FFFFL, h.getInt(20) & 0xFFFF_FFFFL, data);
    }

    private static void check(Path origin, String what, int stored, int computed) throws BootException {
        if (stored != computed) {
            throw new BootException.Malformed(origin, "uImage " + what,
                    "CRC32 is 0x%08x, the %s gives 0x%08x".formatted(stored, what, computed));
        }
    }

    private static int crc(byte[] b, int off, int len) {
        CRC32 c = new CRC32();
        c.update(b, off, len);
        return (int) c.getValue();
    }
}
