package epaprlab.cli.progress;

import epaprlab.orchestrator.lab.LabEvent;
import epaprlab.orchestrator.lab.LabObserver;
import epaprlab.orchestrator.vm.Lifecycle;
import epaprlab.orchestrator.vm.VmEvent.LifecycleChanged;
import epaprlab.orchestrator.vm.VmEvent.VmFinished;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Live progress of a lab on stderr: on a terminal one status line rewritten in place; otherwise a
 * plain line every {@code plainEvery}. Counts come from the lab's events (guardian thread); the
 * display runs on a timer thread; both, and any line printed through {@link #above}, share a lock.
 */
public final class Progress implements LabObserver, AutoCloseable {
    /** How progress is shown. */
    public enum Mode { TERMINAL, PLAIN, OFF }

    private final Mode mode;
    private final PrintStream err;
    private final int total;
    private final long startNanos = System.nanoTime();
    private final ScheduledExecutorService ticker;
    private final Set<String> started = new HashSet<>();
    private int running;
    private int passed;
    private int failed;
    private boolean statusShown;

    public Progress(Mode mode, PrintStream err, int total, Duration plainEvery) {
        this.mode = mode;
        this.err = err;
        this.total = total;
        if (mode == Mode.OFF) {
            ticker = null;
            return;
        }
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "epapr-lab-progress");
            t.setDaemon(true);
            return t;
        });
        long every = mode == Mode.TERMINAL ? 250 : plainEvery.toMillis();
        ticker.scheduleAtFixedRate(this::show, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void onEvent(LabEvent event) {
        switch (event) {
            case LabEvent.OfVm(LifecycleChanged l) -> {
                if (l.to() == Lifecycle.RUNNING && started.add(l.vm())) running++;
            }
            case LabEvent.OfVm(VmFinished f) -> {
                if (started.remove(f.vm())) running--;
                if (f.result().asExpected()) passed++; else failed++;
            }
            default -> { }
        }
    }

    /** Prints {@code line} to {@code out} without tearing the status line. */
    public synchronized void above(PrintStream out, String line) {
        clearStatus();
        out.println(line);
        out.flush();
    }

    private synchronized void show() {
        String status = status();
        if (mode == Mode.TERMINAL) {
            err.print("\r\033[K" + status);
            statusShown = true;
        } else {
            err.println("progress: " + status);
        }
        err.flush();
    }

    /** running / passed / failed / remaining, elapsed and rate. */
    public synchronized String status() {
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        int done = passed + failed;
        return String.format(Locale.ROOT, "running %d  as-expected %d  not %d  remaining %d  elapsed %.1f s  %.1f VMs/s",
                running, passed, failed, total - done, elapsed, elapsed > 0 ? done / elapsed : 0.0);
    }

    private void clearStatus() {
        if (statusShown) {
            err.print("\r\033[K");
            err.flush();
            statusShown = false;
        }
    }

    @Override
    public synchronized void close() {
        if (ticker != null) ticker.shutdownNow();
        clearStatus();
    }
}
