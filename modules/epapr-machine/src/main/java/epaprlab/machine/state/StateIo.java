package epaprlab.machine.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Writes and reads the arrays of device and vCPU state records for snapshot files. Every read
 * checks the length it finds against what the caller expects or allows, so damaged data fails
 * with {@link StateFormatException} instead of allocating whatever a bad length asks for.
 */
public final class StateIo {
    private StateIo() {}

    public static void writeBytes(DataOutput out, byte[] a) throws IOException {
        out.writeInt(a.length);
        out.write(a);
    }

    /**
     * A byte array of at most {@code max} bytes. When {@code in} is an InputStream its
     * {@code available()} must be exact, as over a byte array (how snapshot files read sections).
     */
    public static byte[] readBytes(DataInput in, int max, String what) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) throw new StateFormatException("%s: %d bytes, expected 0..%d".formatted(what, n, max));
        if (in instanceof java.io.InputStream s && n > s.available()) {     // never allocate what a bad length asks for
            throw new StateFormatException("%s: %d bytes, only %d left".formatted(what, n, s.available()));
        }
        byte[] a = new byte[n];
        in.readFully(a);
        return a;
    }

    /** A byte array of exactly {@code length} bytes. */
    public static byte[] readBytesExactly(DataInput in, int length, String what) throws IOException {
        byte[] a = readBytes(in, length, what);
        if (a.length != length) throw new StateFormatException("%s: %d bytes, expected %d".formatted(what, a.length, length));
        return a;
    }

    public static void writeInts(DataOutput out, int[] a) throws IOException {
        out.writeInt(a.length);
        for (int v : a) out.writeInt(v);
    }

    /** An int array of exactly {@code length} elements. */
    public static int[] readInts(DataInput in, int length, String what) throws IOException {
        int n = in.readInt();
        if (n != length) throw new StateFormatException("%s: %d values, expected %d".formatted(what, n, length));
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = in.readInt();
        return a;
    }

    public static void writeLongs(DataOutput out, long[] a) throws IOException {
        out.writeInt(a.length);
        for (long v : a) out.writeLong(v);
    }

    /** A long array of exactly {@code length} elements. */
    public static long[] readLongs(DataInput in, int length, String what) throws IOException {
        int n = in.readInt();
        if (n != length) throw new StateFormatException("%s: %d values, expected %d".formatted(what, n, length));
        long[] a = new long[n];
        for (int i = 0; i < n; i++) a[i] = in.readLong();
        return a;
    }

    public static void writeBooleans(DataOutput out, boolean[] a) throws IOException {
        out.writeInt(a.length);
        for (boolean v : a) out.writeBoolean(v);
    }

    /** A boolean array of exactly {@code length} elements. */
    public static boolean[] readBooleans(DataInput in, int length, String what) throws IOException {
        int n = in.readInt();
        if (n != length) throw new StateFormatException("%s: %d values, expected %d".formatted(what, n, length));
        boolean[] a = new boolean[n];
        for (int i = 0; i < n; i++) a[i] = in.readBoolean();
        return a;
    }

    /** A count read from the stream, checked against {@code 0..max}. */
    public static int readCount(DataInput in, int max, String what) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) throw new StateFormatException("%s: %d, expected 0..%d".formatted(what, n, max));
        return n;
    }
}
