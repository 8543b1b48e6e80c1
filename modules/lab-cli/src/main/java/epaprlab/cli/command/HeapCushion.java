package epaprlab.cli.command;

/**
 * Heap held back while a lab runs and given up if the lab dies of an internal failure (an
 * OutOfMemoryError is the likely one): the summary and the reports then have room to be made.
 */
final class HeapCushion {
    private static final long MAX_BYTES = 32L << 20;
    private volatile byte[] reserve;

    HeapCushion() {
        reserve = new byte[(int) Math.min(MAX_BYTES, Runtime.getRuntime().maxMemory() / 32)];
    }

    void release() {
        reserve = null;
    }

    /** How much is held (0 once released). */
    int bytes() {
        byte[] r = reserve;
        return r == null ? 0 : r.length;
    }
}
