package epaprlab.machine.boot;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Image files may be stored gzip-compressed (the Linux images of the samples are): a file that
 * starts with the gzip magic {@code 1f 8b} is decompressed on load, anything else is used as is.
 */
public final class GzipImage {
    private static final int MAGIC0 = 0x1f, MAGIC1 = 0x8b;
    private static final int CHUNK = 1 << 20;

    private GzipImage() {}

    public static boolean isGzip(byte[] bytes) {
        return bytes.length >= 2 && (bytes[0] & 0xFF) == MAGIC0 && (bytes[1] & 0xFF) == MAGIC1;
    }

    /**
     * The image's bytes: decompressed when {@code bytes} is a gzip stream, else {@code bytes}.
     *
     * @param limit decompressed bytes above this are refused (no image larger than guest RAM is usable)
     * @throws BootException.BadCompression when the stream is corrupt, cut short or larger than {@code limit}
     */
    public static byte[] inflateIfGzip(Path origin, byte[] bytes, long limit) throws BootException {
        if (!isGzip(bytes)) return bytes;
        // in chunks, copied once at the end: a gzip bomb costs at most limit bytes of heap, and an
        // image twice its size (a doubling buffer would take three times)
        List<byte[]> chunks = new ArrayList<>();
        long total = 0;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes), 64 * 1024)) {
            while (true) {
                byte[] chunk = new byte[CHUNK];
                int filled = in.readNBytes(chunk, 0, CHUNK);
                if (filled == 0) break;
                total += filled;
                if (total > limit) throw new BootException.BadCompression(origin, "decompresses to more than " + limit + " bytes");
                chunks.add(filled == CHUNK ? chunk : Arrays.copyOf(chunk, filled));
                if (filled < CHUNK) break;
            }
        } catch (IOException e) {      // EOFException for a cut stream, ZipException for corrupt data
            throw new BootException.BadCompression(origin, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        byte[] out = new byte[(int) total];
        int at = 0;
        for (byte[] chunk : chunks) {
            System.arraycopy(chunk, 0, out, at, chunk.length);
            at += chunk.length;
        }
        return out;
    }
}
