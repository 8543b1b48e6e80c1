package epaprlab.machine.boot;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Image files may be stored gzip-compressed (the Linux images of the samples are): a file that
 * starts with the gzip magic {@code 1f 8b} is decompressed on load, anything else is used as is.
 */
public final class GzipImage {
    private static final int MAGIC0 = 0x1f, MAGIC1 = 0x8b;

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
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(1024, bytes.length * 3));
        byte[] buffer = new byte[64 * 1024];
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes), buffer.length)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
                if (out.size() > limit) {
                    throw new BootException.BadCompression(origin, "decompresses to more than " + limit + " bytes");
                }
            }
        } catch (IOException e) {      // EOFException for a cut stream, ZipException for corrupt data
            throw new BootException.BadCompression(origin, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return out.toByteArray();
    }
}
