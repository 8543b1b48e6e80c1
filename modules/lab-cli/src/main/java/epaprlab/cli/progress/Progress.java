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
import java.util.function.LongSupplier;

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
    private final LongSupplier nanoClock;
    private final long startNanos;
    /** The display's timer thread; null when progress is off or the caller ticks ({@link #tick}). */
    private ScheduledExecutorService ticker;
    private final Set<String> started = new HashSet<>();
    private int running;
    private int passed;
    private int failed;
    private boolean statusShown;

    /** Progress shown by a timer thread: every 250 ms on a terminal, every {@code plainEvery} otherwise. */
    public Progress(Mode mode, PrintStream err, int total, Duration plainEvery) {
        this(mode, err, total, System::nanoTime);
        if (mode == Mode.OFF) return;
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "epapr-lab-progress");
            t.setDaemon(true);
            return t;
        });
        long every = mode == Mode.TERMINAL ? 250 : plainEvery.toMillis();
        ticker.scheduleAtFixedRate(this::tick, every, every, TimeUnit.MILLISECONDS);
    }

    /** Progress with no timer: the display changes only on {@link #tick}; time comes from {@code nanoClock}. */
    Progress(Mode mode, PrintStream err, int total, LongSupplier nanoClock) {
        this.mode = mode;
        this.err = err;
        this.total = total;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
    }

    @Override
    public boolean wantsEveryTransition() {
        return false;           // transitions into RUNNING and ends only
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

    /** Shows the status once (the timer's job; tests call it directly). Does nothing when off. */
    synchronized void tick() {
        if (mode == Mode.OFF) return;
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
        double elapsed = (nanoClock.getAsLong() - startNanos) / 1e9;
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
