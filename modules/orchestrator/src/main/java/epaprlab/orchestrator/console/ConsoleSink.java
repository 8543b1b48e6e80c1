package epaprlab.orchestrator.console;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Turns the bytes a guest writes to its console into lines. Called by the VM's vCPU actors
 * (possibly several at once), hence synchronized. A line longer than {@code maxLineBytes} is
 * passed on in pieces, so a guest that never writes a newline cannot grow the host's memory.
 */
public final class ConsoleSink {
    private final int maxLineBytes;
    private final Consumer<String> lines;
    /** Every chunk as it comes, newline or not (for console steps waiting on a prompt); may be null. */
    private final Consumer<String> text;
    private final ByteArrayOutputStream current = new ByteArrayOutputStream();
    /** System.nanoTime of the last byte (or of creation), read by the supervisor's silence check. */
    private volatile long lastWriteNanos = System.nanoTime();

    public ConsoleSink(int maxLineBytes, Consumer<String> lines) {
        this(maxLineBytes, lines, null);
    }

    /** Also passes every chunk of output to {@code text} as it comes (UTF-8 decoded), before lines. */
    public ConsoleSink(int maxLineBytes, Consumer<String> lines, Consumer<String> text) {
        if (maxLineBytes <= 0) throw new IllegalArgumentException("max line length must be > 0");
        this.maxLineBytes = maxLineBytes;
        this.lines = lines;
        this.text = text;
    }

    /** Takes {@code len} bytes the guest wrote. */
    public synchronized void write(byte[] bytes, int off, int len) {
        if (len > 0) lastWriteNanos = System.nanoTime();
        if (text != null && len > 0) text.accept(new String(bytes, off, len, StandardCharsets.UTF_8));
        for (int i = off; i < off + len; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                emit();
            } else if (b != '\r') {
                current.write(b);
                if (current.size() >= maxLineBytes) emit();
            }
        }
    }

    /** Passes on an unfinished last line (at the end of a boot), if any. */
    public synchronized void flush() {
        if (current.size() > 0) emit();
    }

    /** Counts as a write for the silence limit (a debugger's hold has ended: silence starts again). */
    public synchronized void touch() { lastWriteNanos = System.nanoTime(); }

    /** When the guest last wrote a byte (System.nanoTime), or when the sink was made. */
    public long lastWriteNanos() { return lastWriteNanos; }


    private void emit() {
        String line = current.toString(StandardCharsets.UTF_8);
        current.reset();
        lines.accept(line);
    }
}
