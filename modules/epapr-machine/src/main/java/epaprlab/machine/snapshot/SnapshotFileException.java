package epaprlab.machine.snapshot;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A snapshot file that cannot be loaded: it names the file and what is wrong with it. Nothing of
 * such a file is ever used (a snapshot file is loaded whole or not at all).
 */
public final class SnapshotFileException extends IOException {
    /** What is wrong with the file. */
    public enum Problem {
        /** Not a snapshot file at all: the first bytes are not the magic. */
        WRONG_MAGIC,
        /** A snapshot file of another format version. */
        OTHER_VERSION,
        /** Shorter than its header says: cut off while written or copied. */
        TRUNCATED,
        /** The checksum over the file does not match: bytes were changed. */
        CHECKSUM_MISMATCH,
        /** Intact but not a snapshot this version can build: a section missing, extra or malformed. */
        INCONSISTENT,
        /** Larger than a snapshot file can be (2 GiB). */
        TOO_LARGE,
    }

    private final Path file;
    private final Problem problem;

    public SnapshotFileException(Path file, Problem problem, String detail) {
        super("snapshot file %s: %s: %s".formatted(file, problem.name().toLowerCase().replace('_', ' '), detail));
        this.file = file;
        this.problem = problem;
    }

    public SnapshotFileException(Path file, Problem problem, String detail, Throwable cause) {
        this(file, problem, detail);
        initCause(cause);
    }

    public Path file() { return file; }

    public Problem problem() { return problem; }
}
