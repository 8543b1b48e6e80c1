package epaprlab.machine.board;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;

/** Legacy U-Boot images as {@code mkimage -A ppc -O linux -T kernel -C none|gzip} writes them. */
final class UImageFiles {
    private UImageFiles() {}

    static byte[] kernel(String name, long load, long entry, boolean gzip, byte[] code) throws IOException {
        byte[] data = code;
        if (gzip) {
            ByteArrayOutputStream z = new ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(z)) { out.write(code); }
            data = z.toByteArray();
        }
        ByteBuffer h = ByteBuffer.allocate(64 + data.length);
        h.putInt(0x27051956).putInt(0).putInt(0).putInt(data.length).putInt((int) load).putInt((int) entry)
                .putInt(crc(data, 0, data.length))
                .put((byte) 5).put((byte) 7).put((byte) 2).put((byte) (gzip ? 1 : 0));   // Linux, PowerPC, kernel
        h.put(Arrays.copyOf(name.getBytes(StandardCharsets.US_ASCII), 32));
        h.putInt(4, crc(h.array(), 0, 64));
        h.put(data);
        return h.array();
    }

    private static int crc(byte[] b, int off, int len) {
        CRC32 c = new CRC32();
        c.update(b, off, len);
        return (int) c.getValue();
    }
}
