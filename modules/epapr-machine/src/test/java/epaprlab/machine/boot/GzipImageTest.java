package epaprlab.machine.boot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link GzipImage}: exact contents at every size, and a gzip bomb refused within its limit's heap. */
@Timeout(60)
class GzipImageTest {
    private static final Path ORIGIN = Path.of("/images/kernel.gz");

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(data);
        }
        return out.toByteArray();
    }

    @Test
    void everySizeAroundTheGrowthStepsComesBackExactly() throws Exception {
        Random random = new Random(7);
        for (int size : new int[] {0, 1, 1023, 65_536, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 << 20}) {
            byte[] data = new byte[size];
            random.nextBytes(data);
            Arrays.fill(data, 0, size / 2, (byte) 0);          // compressible, so the output outgrows 3 × input
            assertArrayEquals(data, GzipImage.inflateIfGzip(ORIGIN, gzip(data), 3 << 20), "size " + size);
        }
    }

    @Test
    void notGzipIsReturnedAsIs() throws Exception {
        byte[] elf = {0x7f, 'E', 'L', 'F', 1};
        assertSame(elf, GzipImage.inflateIfGzip(ORIGIN, elf, 4));
    }

    @Test
    void exactlyTheLimitIsAcceptedOneMoreByteIsNot() throws Exception {
        byte[] data = new byte[100_000];
        new Random(3).nextBytes(data);
        assertArrayEquals(data, GzipImage.inflateIfGzip(ORIGIN, gzip(data), data.length));
        BootException e = assertThrows(BootException.BadCompression.class,
                () -> GzipImage.inflateIfGzip(ORIGIN, gzip(data), data.length - 1));
        assertTrue(e.getMessage().contains("/images/kernel.gz: gzip-compressed image cannot be decompressed: "
                + "decompresses to more than 99999 bytes"), e.getMessage());
    }

    @Test
    void aGzipBombIsRefusedWithoutAllocatingFarPastTheLimit() throws Exception {
        byte[] bomb = gzip(new byte[64 << 20]);            // 64 MiB of zeros in about 64 KiB
        long limit = 16 << 20;
        // com.sun.management.ThreadMXBean through reflection: this test module does not read
        // java.management; surefire adds jdk.management
        Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        Method allocatedBytes = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        long before = (long) allocatedBytes.invoke(threads);
        assertThrows(BootException.BadCompression.class, () -> GzipImage.inflateIfGzip(ORIGIN, bomb, limit));
        long allocated = (long) allocatedBytes.invoke(threads) - before;
        // the chunks read up to the limit, and no more (a doubling ByteArrayOutputStream allocates
        // about 3 × limit before it sees the limit passed)
        assertTrue(allocated < 3 * limit / 2, "allocated " + allocated + " bytes for a limit of " + limit);
    }
}
