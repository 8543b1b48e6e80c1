package epaprlab.orchestrator.config;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * What the config checks need to know of an image file before any VM loads it: whether it is a
 * 64-bit ELF, where its segments end, and how large it is once decompressed (images may be gzip files). Reads only what
 * it needs and keeps nothing of the contents; each file's size is counted once per loader.
 */
final class ImagePeek {
    private static final int GZIP0 = 0x1f, GZIP1 = 0x8b;
    private final long mostCounted;
    private final Map<Path, Long> inflatedSizes = new HashMap<>();
    private final Map<Path, Long> physicalEnds = new HashMap<>();

    /** @param mostCounted decompressed sizes are counted up to this and no further */
    ImagePeek(long mostCounted) {
        this.mostCounted = mostCounted;
    }

    /**
     * True when the file starts like an ELF64 file (EI_CLASS = 2), also inside a gzip stream (the
     * ppce500 loader decompresses); anything else, a broken gzip stream included, is left to the
     * image loader.
     */
    static boolean isElf64(Path image) throws IOException {
        try (BufferedInputStream in = new BufferedInputStream(Files.newInputStream(image))) {
            InputStream body = isGzip(in) ? new GZIPInputStream(in) : in;
            byte[] ident = body.readNBytes(5);
            return ident.length == 5 && ident[0] == 0x7f && ident[1] == 'E' && ident[2] == 'L' && ident[3] == 'F' && ident[4] == 2;
        } catch (java.util.zip.ZipException | java.io.EOFException broken) {
            return false;
        }
    }

    /**
     * The decompressed size of a gzip file, counted as it streams and at most the limit given at
     * construction; 0 for a file that is not gzip.
     *
     * @throws java.util.zip.ZipException or {@link java.io.EOFException} for a broken or cut stream
     */
    long inflatedSize(Path file) throws IOException {
        Long known = inflatedSizes.get(file);
        if (known != null) return known;
        long n = 0;
        try (BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            if (isGzip(in)) {
                GZIPInputStream z = new GZIPInputStream(in, 64 * 1024);
                byte[] sink = new byte[64 * 1024];
                for (int r; n < mostCounted && (r = z.read(sink)) > 0; ) n += r;
            }
        }
        inflatedSizes.put(file, n);
        return n;
    }

    /**
     * The highest {@code p_paddr + p_memsz} of the ELF's loadable segments, read from its headers
     * only (the ePAPR board puts the device tree blob after it); -1 when the file is no ELF these
     * headers describe plainly (truncated, foreign, a segment beyond 2^63): the image loader
     * names the problem then.
     */
    long physicalEnd(Path image) throws IOException {
        Long known = physicalEnds.get(image);
        if (known != null) return known;
        long end = -1;
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
            ByteBuffer h = read(ch, 0, 64);
            if (h != null && h.getInt(0) == 0x7f454c46 && h.get(5) == 2 && (h.get(4) == 1 || h.get(4) == 2)) {
                boolean is64 = h.get(4) == 2;
                long phoff = is64 ? h.getLong(32) : h.getInt(28) & 0xFFFF_FFFFL;
                int phentsize = h.getShort(is64 ? 54 : 42) & 0xFFFF, phnum = h.getShort(is64 ? 56 : 44) & 0xFFFF;
                long high = 0;
                for (int i = 0; i < phnum && high >= 0; i++) {
                    ByteBuffer ph = phoff < 0 ? null : read(ch, phoff + (long) i * phentsize, is64 ? 56 : 32);
                    if (ph == null) { high = -1; break; }
                    if (ph.getInt(0) != 1) continue;                                    // PT_LOAD only
                    long paddr = is64 ? ph.getLong(24) : ph.getInt(12) & 0xFFFF_FFFFL;
                    long memsz = is64 ? ph.getLong(40) : ph.getInt(20) & 0xFFFF_FFFFL;
                    if (memsz == 0) continue;
                    high = paddr < 0 || memsz < 0 || paddr + memsz < 0 ? -1 : Math.max(high, paddr + memsz);
                }
                end = high > 0 ? high : -1;
            }
        }
        physicalEnds.put(image, end);
        return end;
    }

    /** {@code length} big-endian bytes at {@code offset}, or null when the file ends before them. */
    private static ByteBuffer read(FileChannel ch, long offset, int length) throws IOException {
        if (offset > ch.size() - length) return null;
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) if (ch.read(b, offset + b.position()) < 0) return null;
        return b.flip().order(ByteOrder.BIG_ENDIAN);
    }

    /** Looks at the first two bytes and puts them back. */
    private static boolean isGzip(BufferedInputStream in) throws IOException {
        in.mark(2);
        boolean gzip = in.read() == GZIP0 && in.read() == GZIP1;
        in.reset();
        return gzip;
    }
}
