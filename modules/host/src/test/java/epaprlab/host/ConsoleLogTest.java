package epaprlab.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import epaprlab.host.vm.ConsoleLog;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConsoleLogTest {
    @Test
    void keepsTheLastCapacityBytesAtTheirOffsetsWhileItGrows() {
        int capacity = 5000;
        ConsoleLog log = new ConsoleLog(capacity);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        Random random = new Random(13);
        for (int round = 0; round < 400; round++) {
            byte[] piece = new byte[random.nextInt(90)];
            random.nextBytes(piece);
            log.append(piece);
            all.writeBytes(piece);
            byte[] written = all.toByteArray();
            assertEquals(written.length, log.end());
            long from = random.nextInt(written.length + 1);
            ConsoleLog.Chunk c = log.read(from, Integer.MAX_VALUE);
            long firstKept = Math.max(0, written.length - capacity);
            assertEquals(Math.max(from, firstKept), c.start(), "round " + round);
            assertArrayEquals(Arrays.copyOfRange(written, (int) c.start(), written.length), c.bytes(), "round " + round);
            assertEquals(written.length, c.next());
        }
    }

    @Test
    void readsAreBoundedAndAFollowerGetsEveryByteOnce() {
        ConsoleLog log = new ConsoleLog(1 << 16);
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        long next = 0;
        for (int i = 0; i < 1000; i++) {
            log.append(("line " + i + "\n").getBytes());
            ConsoleLog.Chunk c = log.read(next, 7);
            assertEquals(next, c.start());
            seen.writeBytes(c.bytes());
            next = c.next();
        }
        for (ConsoleLog.Chunk c = log.read(next, 7); c.bytes().length > 0; c = log.read(next, 7)) {
            seen.writeBytes(c.bytes());
            next = c.next();
        }
        StringBuilder want = new StringBuilder();
        for (int i = 0; i < 1000; i++) want.append("line ").append(i).append('\n');
        assertEquals(want.toString(), seen.toString());
    }
}
