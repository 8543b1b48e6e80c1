package epaprlab.machine.fdt;

/** A blob that does not follow the flattened format (spec 3.6); names the blob and the byte offset. */
public final class MalformedFdtException extends Exception {
    private final String origin;
    private final long offset;

    public MalformedFdtException(String origin, long offset, String problem) {
        super("%s: malformed device tree blob at offset 0x%x: %s".formatted(origin, offset, problem));
        this.origin = origin;
        this.offset = offset;
    }

    /** The blob's file name or other description given to the reader. */
    public String origin() { return origin; }

    public long offset() { return offset; }
}
