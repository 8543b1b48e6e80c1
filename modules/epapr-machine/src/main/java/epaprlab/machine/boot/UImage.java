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
    static final int MAGIC = 0x27051956;
    /** The header's length; the data follows it. */
    public static final int HEADER_BYTES = 64;
    static final int ARCH_PPC = 7, TYPE_KERNEL = 2, COMP_NONE = 0, COMP_GZIP = 1;

    public UImage {
        data = data.clone();
    }

    @Override public byte[] data() { return data.clone(); }

    public static boolean isUImage(byte[] bytes) {
        return bytes.length >= 4 && ByteBuffer.wrap(bytes).getInt(0) == MAGIC;
    }

    /**
     * A uImage's header as {@link #parse} checks it (magic, header CRC, data within the file,
     * architecture, type, compression), from its first {@link #HEADER_BYTES} bytes and the file's
     * size alone; the data CRC needs the data ({@link #checkDataCrc}).
     *
     * @param load        ih_load: where the (decompressed) data goes
     * @param entry       ih_ep: where CPU 0 starts
     * @param dataBytes   ih_size: the stored data's length after the header
     * @param dataCrc     ih_dcrc: the stored data's CRC32
     * @param gzip        ih_comp is gzip (the data decompresses to what is loaded)
     */
    public record Header(long load, long entry, long dataBytes, int dataCrc, boolean gzip) {}

    /**
     * @param start    the file's first bytes (at least {@link #HEADER_BYTES} unless the file is shorter)
     * @param fileSize the whole file's length
     * @throws BootException.Truncated when the header or the data is cut short
     * @throws BootException.Malformed for a wrong header CRC, architecture, type or compression
     */
    public static Header header(Path origin, byte[] start, long fileSize) throws BootException {
        if (start.length < HEADER_BYTES || fileSize < HEADER_BYTES) {
            throw new BootException.Truncated(origin, "uImage header", 0, HEADER_BYTES, Math.min(start.length, fileSize));
        }
        ByteBuffer h = ByteBuffer.wrap(start);
        long size = h.getInt(12) & 0xFFFF_FFFFL;
        if (size > fileSize - HEADER_BYTES) throw new BootException.Truncated(origin, "uImage data", HEADER_BYTES, size, fileSize);
        byte[] header = Arrays.copyOf(start, HEADER_BYTES);
        ByteBuffer.wrap(header).putInt(4, 0);          // the header CRC covers the header with that field zero
        check(origin, "header", h.getInt(4), crc(header, 0, HEADER_BYTES));
        int arch = start[29] & 0xFF, type = start[30] & 0xFF, comp = start[31] & 0xFF;
        if (arch != ARCH_PPC) throw new BootException.Malformed(origin, "uImage header", "ih_arch is " + arch + "; accepted: 7 (PowerPC)");
        if (type != TYPE_KERNEL) throw new BootException.Malformed(origin, "uImage header", "ih_type is " + type + "; accepted: 2 (kernel)");
        if (comp != COMP_NONE && comp != COMP_GZIP) {
            throw new BootException.Malformed(origin, "uImage header", "ih_comp is " + comp + "; accepted: 0 (none) or 1 (gzip)");
        }
        return new Header(h.getInt(16) & 0xFFFF_FFFFL, h.getInt(20) & 0xFFFF_FFFFL, size, h.getInt(24), comp == COMP_GZIP);
    }

    /** @throws BootException.Malformed when {@code computed}, the CRC32 of the data, is not the header's */
    public static void checkDataCrc(Path origin, Header header, int computed) throws BootException {
        check(origin, "data", header.dataCrc(), computed);
    }

    /**
     * @param limit decompressed data above this many bytes is refused
     * @throws BootException.Truncated when the header or the data is cut short
     * @throws BootException.Malformed for a wrong CRC, architecture, type or compression
     */
    public static UImage parse(Path origin, byte[] bytes, long limit) throws BootException {
        Header h = header(origin, bytes, bytes.length);
        checkDataCrc(origin, h, crc(bytes, HEADER_BYTES, (int) h.dataBytes()));
        byte[] data = Arrays.copyOfRange(bytes, HEADER_BYTES, HEADER_BYTES + (int) h.dataBytes());
        if (h.gzip()) {
            if (!GzipImage.isGzip(data)) throw new BootException.BadCompression(origin, "ih_comp says gzip, the data is not");
            data = GzipImage.inflateIfGzip(origin, data, limit);
        }
        return new UImage(h.load(), h.entry(), data);
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
