package epaprlab.orchestrator.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a path names, so that an error can say "is a directory" or "is a character device"
 * instead of "no such file" when a user gives the wrong kind of path.
 */
public enum FileKind {
    REGULAR("a regular file"),
    MISSING("no such file"),
    DIRECTORY("a directory"),
    CHARACTER_DEVICE("a character device"),
    BLOCK_DEVICE("a block device"),
    FIFO("a named pipe"),
    SOCKET("a socket"),
    LINK_LOOP("a symbolic link loop"),
    OTHER("not a regular file");

    private final String description;

    FileKind(String description) { this.description = description; }

    /** "a directory", "no such file", ... */
    public String description() { return description; }

    /** The kind of what {@code path} names, following symbolic links. */
    public static FileKind of(Path path) {
        if (Files.isRegularFile(path)) return REGULAR;
        if (Files.isDirectory(path)) return DIRECTORY;
        if (!Files.exists(path)) return linkLoop(path) ? LINK_LOOP : MISSING;
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode");   // st_mode: the type is in S_IFMT
            return switch (mode & 0170000) {
                case 0020000 -> CHARACTER_DEVICE;
                case 0060000 -> BLOCK_DEVICE;
                case 0010000 -> FIFO;
                case 0140000 -> SOCKET;
                default -> OTHER;
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return OTHER;
        }
    }

    /**
     * True when {@code path} is a symbolic link whose chain comes back to itself (a link to a
     * missing file is not: writing through it creates the file).
     */
    private static boolean linkLoop(Path path) {
        java.util.Set<Path> seen = new java.util.HashSet<>();
        Path p = path.toAbsolutePath().normalize();
        try {
            while (Files.isSymbolicLink(p)) {
                if (!seen.add(p) || seen.size() > 40) return true;      // 40: the kernel's own limit
                p = p.resolveSibling(Files.readSymbolicLink(p)).normalize();
            }
        } catch (IOException | SecurityException unreadable) {
            return false;
        }
        return false;
    }

    /** {@code "/dev/null is a character device"}, {@code "x.elf: no such file"}. */
    public String problem(Path path) {
        if (path.toString().isEmpty()) return "\"\": an empty path names no file";   // else "the current directory"
        return this == MISSING ? path + ": no such file" : path + " is " + description + ", not a regular file";
    }

}
