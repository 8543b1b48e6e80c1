package epaprlab.host.vm;

/**
 * The console output of one hosted VM as a byte log with absolute offsets: the last
 * {@code capacity} bytes are kept, so a reader that asks from an offset gets every byte from
 * there in order, or learns how many it missed. The buffer starts small and grows to the
 * capacity only for a guest that writes that much (thousands of quiet guests cost little).
 * Written by the VM's actor, read by HTTP streams: synchronized.
 */
public final class ConsoleLog {
    private static final int FIRST_SIZE = 1024;

    private final int capacity;
    private byte[] ring;
    /** Bytes ever appended; the next byte's offset. */
    private long end;

    public ConsoleLog(int capacity) {
        if (capacity <= 0) throw new IllegalArgumentException("console log capacity must be > 0");
        this.capacity = capacity;
        this.ring = new byte[Math.min(capacity, FIRST_SIZE)];
    }

    /**
     * Bytes from {@code from}: {@code start} is where they begin (later than {@code from} when the
     * bytes before were dropped), {@code next} the offset to ask for next.
     */
    public record Chunk(long start, byte[] bytes, long next) {}

    public void append(byte[] bytes) {
        append(bytes, 0, bytes.length);
    }

    /** Appends {@code len} bytes of {@code bytes} from {@code off} (called on vCPU threads: no allocation once grown). */
    public synchronized void append(byte[] bytes, int off, int len) {
        long kept = Math.min(end, ring.length);
        if (kept + len > ring.length && ring.length < capacity) grow(kept + len);
        for (int i = off; i < off + len; i++) ring[(int) (end++ % ring.length)] = bytes[i];
    }

    /** A larger ring holding the same kept bytes at their offsets. */
    private void grow(long needed) {
        int size = (int) Math.min(capacity, Math.max(needed, 2L * ring.length));
        byte[] bigger = new byte[size];
        for (long off = Math.max(0, end - ring.length); off < end; off++) {
            bigger[(int) (off % size)] = ring[(int) (off % ring.length)];
        }
        ring = bigger;
    }

    public synchronized long end() { return end; }

    /** At most {@code max} bytes from {@code from} (clamped to what is kept). */
    public synchronized Chunk read(long from, int max) {
        long first = Math.max(Math.max(0, from), end - ring.length);
        int n = (int) Math.max(0, Math.min(max, end - first));
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) out[i] = ring[(int) ((first + i) % ring.length)];
        return new Chunk(first, out, first + n);
    }

    @Override
    public synchronized String toString() {
        return "ConsoleLog[end=" + end + ", kept=" + Math.min(end, ring.length) + ", buffer=" + ring.length + "]";
    }
}
