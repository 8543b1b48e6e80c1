package epaprlab.machine.device;

/**
 * An ePAPR byte channel: a bounded transmit queue (guest → host) and a bounded receive queue
 * (host → guest). The guest side is driven by the byte-channel hypercalls; the host drains what
 * the guest sent and feeds what it should read. Safe for several vCPUs and one host at once.
 */
public final class ByteChannel {
    private final int handle;
    private final Ring tx;
    private final Ring rx;

    public ByteChannel(int handle, int txCapacity, int rxCapacity) {
        if (handle < 0) throw new IllegalArgumentException("byte-channel handle must be >= 0, got " + handle);
        this.handle = handle;
        this.tx = new Ring(txCapacity);
        this.rx = new Ring(rxCapacity);
    }

    /** The {@code hv-handle} the guest names this channel by. */
    public int handle() { return handle; }

    // Guest side.

    /** Queues up to {@code len} bytes for the host; returns how many fitted. */
    public synchronized int guestSend(byte[] src, int off, int len) { return tx.put(src, off, len); }

    /** Takes up to {@code max} bytes the host fed; returns how many were taken. */
    public synchronized int guestReceive(byte[] dst, int off, int max) { return rx.take(dst, off, max); }

    /** Bytes the guest can read now. */
    public synchronized int readable() { return rx.size(); }

    /** Bytes the guest can still send now. */
    public synchronized int writable() { return tx.free(); }

    // Host side.

    /** Moves what the guest sent into {@code dst}; returns the number of bytes. */
    public synchronized int hostDrain(byte[] dst, int off, int max) { return tx.take(dst, off, max); }

    /** Bytes the guest sent that the host has not drained. */
    public synchronized int pendingOutput() { return tx.size(); }

    /** Offers bytes for the guest to read; returns how many fitted. */
    public synchronized int hostFeed(byte[] src, int off, int len) { return rx.put(src, off, len); }

    /** Drops everything queued both ways (device reset). */
    public synchronized void reset() {
        tx.clear();
        rx.clear();
    }

    /** A fixed-capacity byte FIFO. */
    private static final class Ring {
        private final byte[] buf;
        private int head;
        private int size;

        Ring(int capacity) {
            if (capacity <= 0) throw new IllegalArgumentException("byte-channel queue capacity must be > 0, got " + capacity);
            buf = new byte[capacity];
        }

        int size() { return size; }

        int free() { return buf.length - size; }

        int put(byte[] src, int off, int len) {
            int n = Math.min(len, free());
            for (int i = 0; i < n; i++) buf[(head + size + i) % buf.length] = src[off + i];
            size += n;
            return n;
        }

        int take(byte[] dst, int off, int max) {
            int n = Math.min(max, size);
            for (int i = 0; i < n; i++) dst[off + i] = buf[(head + i) % buf.length];
            head = (head + n) % buf.length;
            size -= n;
            return n;
        }

        void clear() {
            head = 0;
            size = 0;
        }
    }
}
