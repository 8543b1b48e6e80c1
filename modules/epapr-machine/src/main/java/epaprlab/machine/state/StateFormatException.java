package epaprlab.machine.state;

import java.io.IOException;

/** Saved state that cannot be a state of this machine: a length, count or value out of range. */
public final class StateFormatException extends IOException {
    public StateFormatException(String message) { super(message); }
}
