package epaprlab.cli.report;

import epaprlab.orchestrator.lab.LabEvent;
import epaprlab.orchestrator.lab.LabObserver;
import epaprlab.orchestrator.vm.VmEvent.ConsoleLine;
import epaprlab.orchestrator.vm.VmEvent.VmFinished;
import epaprlab.orchestrator.vm.VmResult;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --logs DIR}: one console log file per VM ({@code DIR/<vm>.log}), each line written to
 * the file as it comes (a killed run leaves every line so far), capped at {@code limitBytes}: the
 * first lines that fit, then, once one does not, nothing more but a marker line at the VM's end
 * saying how much was left out, so a cut log is a true prefix of the console.
 *
 * <p>A run holds an exclusive lock on {@code DIR/.epapr-lab.lock} from start to end; a second run
 * given the same directory is refused at its start ({@link #open}) instead of mixing its files
 * into the first one's. A file that cannot be created or written costs only that VM's log: the
 * failure is printed once and listed in {@link #failures()}. Guardian thread only.
 */
public final class ConsoleLogs implements LabObserver, AutoCloseable {
    static final String LOCK_FILE = ".epapr-lab.lock";
    /** Failures printed one by one; past these (a full disk fails every VM) they are only counted. */
    static final int WARNINGS_SHOWN = 10;

    private final Path dir;
    private final long limitBytes;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final PrintStream warnings;
    private final Map<String, Log> open = new HashMap<>();
    private final List<String> failures = new ArrayList<>();
    /** After {@link #close} (the run ends while VMs may still print): nothing more is written. */
    private boolean closed;

    private static final class Log {
        final OutputStream out;
        long written;
        long dropped;

        Log(OutputStream out) { this.out = out; }
    }

    private ConsoleLogs(Path dir, long limitBytes, FileChannel lockChannel, FileLock lock, PrintStream warnings) {
        this.dir = dir;
        this.limitBytes = limitBytes;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.warnings = warnings;
    }

    /**
     * Creates {@code dir} if needed and locks it for this run.
     *
     * @throws ReportPaths.Unusable with a one-line reason (not a directory, cannot be created or written, used by another run)
     */
    public static ConsoleLogs open(Path dir, long limitBytes, PrintStream warnings) throws ReportPaths.Unusable {
        ReportPaths.checkDirectory("--logs", dir);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException sameJvm) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new ReportPaths.Unusable("--logs " + dir + ": another epapr-lab run is writing its logs there (it holds "
                        + dir.resolve(LOCK_FILE) + "); give each run its own directory");
            }
            return new ConsoleLogs(dir, limitBytes, channel, lock, warnings);
        } catch (IOException e) {
            try {
                if (channel != null) channel.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw new ReportPaths.Unusable("--logs " + dir + ": cannot lock the directory: " + ReportPaths.reason(e));
        }
    }

    static String crashTrailer(VmResult r) {
        return "[epapr-lab: ended " + r.outcome().configName() + ": " + r.detail() + "]\n"
                + r.crash().map(c -> c.render() + "\n").orElse("");
    }

    static String cutMarker(long limit, long dropped) {
        return "[epapr-lab: console cut at " + limit + " bytes; " + dropped + " more bytes not kept]";
    }

    @Override
    public boolean wantsEveryTransition() {
        return false;           // console lines and ends only
    }

    @Override
    public synchronized void onEvent(LabEvent event) {
        if (closed) return;
        switch (event) {
            case LabEvent.OfVm(ConsoleLine c) -> line(c.vm(), c.line());
            case LabEvent.OfVm(VmFinished f) -> finish(f.vm(), f.result());
            default -> { }
        }
    }

    private void line(String vm, String text) {
        Log log = open.containsKey(vm) ? open.get(vm) : create(vm);
        if (log == null) return;                         // this VM's log failed: already reported
        byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
        if (log.dropped == 0 && log.written + bytes.length <= limitBytes) {
            try {
                log.out.write(bytes);                    // unbuffered: the line is in the file now
                log.written += bytes.length;
                return;
            } catch (IOException e) {
                fail(vm, e);
                return;
            }
        }
        log.dropped += bytes.length;                     // once cut, always cut: the log stays a prefix
    }

    private void finish(String vm, VmResult result) {
        if (!open.containsKey(vm)) create(vm);          // a VM that printed nothing gets an empty log
        Log log = open.remove(vm);
        if (log == null) return;
        try (OutputStream out = log.out) {
            if (log.dropped > 0) out.write((cutMarker(limitBytes, log.dropped) + "\n").getBytes(StandardCharsets.UTF_8));
            // the crash report is not guest output: it is written even past the size limit
            if (result.crash().isPresent()) out.write(crashTrailer(result).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            fail(vm, e);
            open.remove(vm);
        }
    }

    /** Opens a VM's log; on failure records it and remembers the VM as failed (a null entry). */
    private Log create(String vm) {
        Path file = dir.resolve(vm + ".log");
        try {
            Log log = new Log(Files.newOutputStream(file));
            open.put(vm, log);
            return log;
        } catch (IOException e) {
            open.put(vm, null);
            warn("cannot write " + file + ": " + ReportPaths.reason(e) + " (only this VM's log is lost)");
            failures.add(vm);
            return null;
        }
    }

    private void fail(String vm, IOException e) {
        Log log = open.put(vm, null);
        warn("writing " + dir.resolve(vm + ".log") + " failed: " + ReportPaths.reason(e)
                + " (the log holds the lines before this one)");
        failures.add(vm);
        try {
            if (log != null) log.out.close();
        } catch (IOException ignored) {
            // the failure is reported already
        }
    }

    private void warn(String what) {
        if (failures.size() < WARNINGS_SHOWN) {
            warnings.println("epapr-lab: --logs: " + what);
        } else if (failures.size() == WARNINGS_SHOWN) {
            warnings.println("epapr-lab: --logs: more VM logs cannot be written; they are counted at the end");
        }
    }

    /** VMs whose log could not be written whole, in the order they failed. */
    public synchronized List<String> failures() { return List.copyOf(failures); }

    /** The run has ended: closes every open log; nothing is written after this (VMs may still print after Ctrl-C). */
    public synchronized void finish() throws IOException {
        if (closed) return;
        closed = true;
        for (Log log : open.values()) {
            if (log != null) log.out.close();
        }
        open.clear();
    }

    /** {@link #finish}, then releases the directory for other runs. */
    @Override
    public synchronized void close() throws IOException {
        finish();
        if (lockChannel.isOpen()) {
            lock.release();
            lockChannel.close();
        }
    }
}
