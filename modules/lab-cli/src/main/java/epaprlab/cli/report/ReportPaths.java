package epaprlab.cli.report;

import epaprlab.orchestrator.config.FileKind;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Checks the paths of {@code --junit}, {@code --json} and {@code --logs} before a lab starts, so
 * that a path that cannot be written costs a one-line error (exit 2) instead of the reports of a
 * lab that ran. Reports are written to regular files only: an existing directory, device
 * ({@code /dev/full}), pipe or socket is refused, so is a file that cannot be opened for writing
 * (most of {@code /proc}, even for root) or whose directory cannot be made.
 */
public final class ReportPaths {
    private ReportPaths() {}

    /** A report path that cannot be used; the message is one line naming the option and the path. */
    public static final class Unusable extends Exception {
        Unusable(String message) { super(message); }
    }

    /** Checks that {@code file} can be (over)written as a report; returns normally or throws with one line. */
    public static void checkFile(String option, Path file) throws ReportPaths.Unusable {
        checkGiven(option, file, "FILE");
        FileKind kind = FileKind.of(file);
        if (kind != FileKind.REGULAR && kind != FileKind.MISSING) {
            throw new ReportPaths.Unusable(option + " " + file + ": is " + kind.description()
                    + "; reports are written to regular files");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (kind == FileKind.MISSING && parent != null) checkDirectory(option, parent);
        String pseudo = pseudoFileSystem(kind == FileKind.MISSING ? parent : file);
        if (pseudo != null) {
            throw new ReportPaths.Unusable(option + " " + file + ": cannot be written: it is on the " + pseudo
                    + " pseudo file system; reports are written to regular files");
        }
        try {
            if (kind == FileKind.MISSING) {
                Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                Files.delete(file);                         // written whole at the end; no empty file meanwhile
            } else {
                Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND).close();
            }
        } catch (IOException e) {
            throw new ReportPaths.Unusable(option + " " + file + ": cannot be written: " + reason(e));
        }
    }

    /** An empty path ({@code --logs ""}) would mean the current directory: a slip, not a choice. */
    private static void checkGiven(String option, Path path, String form) throws ReportPaths.Unusable {
        if (path.toString().isEmpty()) throw new ReportPaths.Unusable(option + ": no path given (expected " + option + " " + form + ")");
    }

    /** Creates {@code dir} (and its parents) if needed and checks that a file can be made in it. */
    public static void checkDirectory(String option, Path dir) throws ReportPaths.Unusable {
        checkGiven(option, dir, "DIR");
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            FileKind kind = FileKind.of(p);
            if (kind == FileKind.MISSING) continue;
            if (kind != FileKind.DIRECTORY) {
                throw new ReportPaths.Unusable(option + " " + dir + ": " + (p.equals(dir.toAbsolutePath()) ? "" : p + " ")
                        + "is " + kind.description() + ", not a directory");
            }
            break;
        }
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".epapr-lab-probe", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new ReportPaths.Unusable(option + " " + dir + ": cannot write there: " + reason(e));
        }
    }

    /** Kernel interfaces that look like files (root may even open them) but do not keep what is written. */
    private static final java.util.Set<String> PSEUDO = java.util.Set.of("proc", "sysfs", "cgroup", "cgroup2", "debugfs",
            "tracefs", "securityfs", "devpts", "configfs", "bpf");

    private static String pseudoFileSystem(Path p) {
        try {
            String type = p == null ? null : Files.getFileStore(p).type();
            return type != null && PSEUDO.contains(type) ? type : null;
        } catch (IOException e) {
            return null;                                  // the open below reports it
        }
    }

    /** An I/O failure in a few words (the JDK's messages repeat the path). */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof NoSuchFileException) return "no such file or directory";
        if (e instanceof FileAlreadyExistsException) return "a file of that name exists";
        if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
