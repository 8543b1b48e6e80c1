package epaprlab.machine.device;

import epaprlab.machine.state.StateIo;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * An ePAPR byte channel: a bounded transmit queue (guest → host) and a bounded receive queue
 * (host → guest). The guest side is driven by the byte-channel hypercalls; the host drains what
 * the guest sent and feeds what it should read. Safe for several vCPUs and one host at once.
 *
 * <p>Console input ({@link #hostInput}) is never dropped: what does not fit the receive queue
 * waits in a backlog, in order, and moves up as the guest reads; {@link #readable()} counts both,
 * so a guest's EV_BYTE_CHANNEL_POLL sees all of it (ePAPR platform notes 1.5: receive returns up
 * to 16 bytes, 0 when nothing is available).
 */
public final class ByteChannel {
    private final int handle;
    private final Ring tx;
    private final Ring rx;
    /** Host input that did not fit {@link #rx} yet, oldest first; the first chunk from {@link #backlogHead}. */
    private final ArrayDeque<byte[]> backlog = new ArrayDeque<>();
    private int backlogHead;
    private int backlogBytes;

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
    public synchronized int guestReceive(byte[] dst, int off, int max) {
        int n = rx.take(dst, off, max);
        if (n < max && backlogBytes > 0) {        // the queue ran dry: what waits behind it comes next
            refill();
            n += rx.take(dst, off + n, max - n);
        }
        refill();
        return n;
    }

    /** Bytes the guest can read now (its queue and the backlog behind it). */
    public synchronized int readable() { return rx.size() + backlogBytes; }

    /** Bytes the guest can still send now. */
    public synchronized int writable() { return tx.free(); }

    // Host side.

    /** Moves what the guest sent into {@code dst}; returns the number of bytes. */
    public synchronized int hostDrain(byte[] dst, int off, int max) { return tx.take(dst, off, max); }

    /** Bytes the guest sent that the host has not drained. */
    public synchronized int pendingOutput() { return tx.size(); }

    /** Offers bytes for the guest to read; returns how many fitted. */
    public synchronized int hostFeed(byte[] src, int off, int len) { return rx.put(src, off, len); }

    /** Console input: queues all of {@code bytes} for the guest, after any earlier input; never blocks. */
    public synchronized void hostInput(byte[] bytes) {
        int queued = backlogBytes == 0 ? rx.put(bytes, 0, bytes.length) : 0;
        if (queued < bytes.length) {
            backlog.addLast(Arrays.copyOfRange(bytes, queued, bytes.length));
            backlogBytes += bytes.length - queued;
        }
    }

    /**
     * Device reset: drops the guest's undrained output but keeps the input it has not received yet,
     * in order, as the ppce500 UART keeps its host queue (and QEMU's chardev what a device has not
     * read): the channel has no hardware FIFO, so typed input never vanishes across a guest reset.
     */
    public synchronized void reset() { tx.clear(); }

    /** Empties both ways, the input backlog too. */
    private void clear() {
        tx.clear();
        rx.clear();
        backlog.clear();
        backlogHead = 0;
        backlogBytes = 0;
    }

    /**
     * What the channel holds, for snapshots: the bytes the guest sent and the host has not drained,
     * the bytes queued for the guest, and the input backlog behind them (oldest first each).
     */
    public record State(byte[] toHost, byte[] toGuest, byte[] backlog) {
        public void write(DataOutput out) throws IOException {
            StateIo.writeBytes(out, toHost);
            StateIo.writeBytes(out, toGuest);
            StateIo.writeBytes(out, backlog);
        }

        public static State read(DataInput in) throws IOException {
            int max = Integer.MAX_VALUE - 8;
            return new State(StateIo.readBytes(in, max, "byte channel output"), StateIo.readBytes(in, max, "byte channel input"),
                    StateIo.readBytes(in, max, "byte channel input backlog"));
        }
    }

    public synchronized State saveState() {
        byte[] waiting = new byte[backlogBytes];
        int at = 0, skip = backlogHead;
        for (byte[] chunk : backlog) {
            System.arraycopy(chunk, skip, waiting, at, chunk.length - skip);
            at += chunk.length - skip;
            skip = 0;
        }
        return new State(tx.toArray(), rx.toArray(), waiting);
    }

    /**
     * Puts the channel in {@code s}. Input beyond this channel's receive capacity waits in the
     * backlog (never dropped); output beyond its transmit capacity is refused.
     *
     * @throws IllegalArgumentException if the saved output does not fit the transmit queue
     */
    public synchronized void restoreState(State s) {
        if (s.toHost().length > tx.capacity()) {
            throw new IllegalArgumentException("byte channel %d: %d bytes of saved output do not fit its %d-byte queue"
                    .formatted(handle, s.toHost().length, tx.capacity()));
        }
        clear();
        tx.put(s.toHost(), 0, s.toHost().length);
        hostInput(s.toGuest());
        hostInput(s.backlog());
    }

    /** Moves backlog into the receive queue while it has room. */
    private void refill() {
        while (backlogBytes > 0 && rx.free() > 0) {
            byte[] first = backlog.peekFirst();
            int moved = rx.put(first, backlogHead, first.length - backlogHead);
            backlogHead += moved;
            backlogBytes -= moved;
            if (backlogHead == first.length) {
                backlog.removeFirst();
                backlogHead = 0;
            }
        }
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

        int capacity() { return buf.length; }

        byte[] toArray() {
            byte[] a = new byte[size];
            for (int i = 0; i < size; i++) a[i] = buf[(head + i) % buf.length];
            return a;
        }

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
