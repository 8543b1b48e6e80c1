package epaprlab.ppc.mem;

import java.io.IOException;

/**
 * Saved engine state (a {@link MemoryImage}, a {@code CpuSnapshot}) that cannot be read back: not
 * of this format, of another version, cut short or damaged. Nothing half-read is ever returned.
 */
public final class StateFormatException extends IOException {
    public StateFormatException(String message) { super(message); }

    public StateFormatException(String message, Throwable cause) { super(message, cause); }
}
