package epaprlab.orchestrator.config;

import epaprlab.machine.boot.BootException;
import epaprlab.machine.boot.ElfImage;
import epaprlab.machine.boot.UImage;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.GZIPInputStream;

/**
 * What the config checks need to know of an image file before any VM loads it: whether it is a
 * 64-bit ELF, its ELF headers, and how large it is once decompressed (images may be gzip files). Reads only what
 * it needs and keeps nothing of the contents; each file's size is counted once per loader.
 */
final class ImagePeek {
    private static final int GZIP0 = 0x1f, GZIP1 = 0x8b;
    /** How much of a gzip image is decompressed for its ELF headers (Linux's lie in its first page). */
    private static final int HEADER_BYTES = 64 * 1024;
    private final long mostCounted;
    private final Map<Path, Long> inflatedSizes = new HashMap<>();
    private final Map<Path, ElfImage> headers = new HashMap<>();
    private final Map<Path, Optional<UImageLoad>> uimages = new HashMap<>();

    /** Where the ppce500 board puts a uImage's data: at its load address, decompressed when gzip (at most the count limit + 1). */
    record UImageLoad(long load, long loadedBytes) {
        long end() { return load + loadedBytes; }
    }

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
     * The image's ELF headers, checked as the image loader checks them (an image the loader would
     * refuse is refused here, by the same exception): its segments' addresses and sizes, not their
     * bytes. Read once per file.
     */
    ElfImage headers(Path image) throws BootException, IOException {
        ElfImage known = headers.get(image);
        if (known == null) {
            known = ElfImage.readHeaders(image);
            headers.put(image, known);
        }
        return known;
    }

    /**
     * {@link #headers} of a ppce500 image, which may be gzip (the board decompresses it): of a gzip
     * file, the headers in its first {@link #HEADER_BYTES} decompressed bytes; nothing more is read.
     */
    ElfImage ppce500Headers(Path image) throws BootException, IOException {
        long inflated = inflatedSize(image);
        if (inflated == 0) return headers(image);
        ElfImage known = headers.get(image);
        if (known == null) {
            byte[] start;
            try (InputStream z = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(image)))) {
                start = z.readNBytes(HEADER_BYTES);
            }
            known = ElfImage.readHeaders(image, start, inflated);
            headers.put(image, known);
        }
        return known;
    }

    /**
     * A ppce500 payload that is a uImage (also inside a gzip file, which the board decompresses
     * first), checked as the board's loader checks it ({@link UImage}: header, both CRCs, arch,
     * type, compression, gzip data that decompresses), streamed once and never held; empty for a
     * file that is no uImage. Read once per file.
     *
     * @throws BootException in the loader's words for a uImage it would refuse
     */
    Optional<UImageLoad> ppce500UImage(Path image) throws BootException, IOException {
        Optional<UImageLoad> known = uimages.get(image);
        if (known != null) return known;
        long outer = inflatedSize(image);
        try (BufferedInputStream raw = new BufferedInputStream(Files.newInputStream(image))) {
            InputStream file = outer > 0 ? new GZIPInputStream(raw, 64 * 1024) : raw;
            byte[] start = file.readNBytes(UImage.HEADER_BYTES);
            if (!UImage.isUImage(start)) {
                known = Optional.empty();
            } else {
                UImage.Header h = UImage.header(image, start, outer > 0 ? outer : Files.size(image));
                CRC32 crc = new CRC32();
                InputStream data = new CheckedInputStream(new Window(file, h.dataBytes()), crc);
                long loaded = h.gzip() ? gunzippedSize(image, data) : h.dataBytes();
                data.transferTo(OutputStream.nullOutputStream());        // the rest of the data, for its CRC
                UImage.checkDataCrc(image, h, (int) crc.getValue());
                known = Optional.of(new UImageLoad(h.load(), loaded));
            }
        }
        uimages.put(image, known);
        return known;
    }

    /** The decompressed size of a uImage's gzip data, counted up to the limit given at construction. */
    private long gunzippedSize(Path image, InputStream data) throws BootException, IOException {
        BufferedInputStream in = new BufferedInputStream(data);
        if (!isGzip(in)) throw new BootException.BadCompression(image, "ih_comp says gzip, the data is not");
        long n = 0;
        try {
            GZIPInputStream z = new GZIPInputStream(in, 64 * 1024);
            byte[] sink = new byte[64 * 1024];
            for (int r; n < mostCounted && (r = z.read(sink)) > 0; ) n += r;
        } catch (java.util.zip.ZipException | java.io.EOFException broken) {
            throw new BootException.BadCompression(image, broken.getClass().getSimpleName() + ": " + broken.getMessage());
        }
        in.transferTo(OutputStream.nullOutputStream());
        return n;
    }

    /** The next {@code left} bytes of a stream, then its end: a uImage's data and nothing after it. */
    private static final class Window extends FilterInputStream {
        private long left;

        Window(InputStream in, long left) {
            super(in);
            this.left = left;
        }

        @Override public int read() throws IOException {
            if (left == 0) return -1;
            int b = in.read();
            if (b >= 0) left--;
            return b;
        }

        @Override public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) return -1;
            int r = in.read(b, off, (int) Math.min(len, left));
            if (r > 0) left -= r;
            return r;
        }

        @Override public long skip(long n) throws IOException {
            long s = in.skip(Math.min(n, left));
            left -= s;
            return s;
        }

        @Override public int available() throws IOException { return (int) Math.min(in.available(), left); }

        @Override public boolean markSupported() { return false; }

        @Override public void close() {}
    }

    /** Looks at the first two bytes and puts them back. */
    private static boolean isGzip(BufferedInputStream in) throws IOException {
        in.mark(2);
        boolean gzip = in.read() == GZIP0 && in.read() == GZIP1;
        in.reset();
        return gzip;
    }
}
