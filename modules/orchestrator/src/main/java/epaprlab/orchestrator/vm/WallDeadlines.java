package epaprlab.orchestrator.vm;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Every VM's wall-clock limit on one timer thread for the whole JVM, instead of an actor timer
 * per VM. A VM's start arms one {@link Deadline} and its end cancels it; the JDK's scheduled
 * executor keeps them in a heap by time, and with its remove-on-cancel policy a cancelled one
 * leaves the heap at once, so a lab that starts and ends thousands of VMs a second keeps only its
 * running VMs' deadlines.
 */
public final class WallDeadlines {

    /** The JVM's deadlines: its timer thread starts with the first deadline armed. */
    public static final WallDeadlines SHARED = new WallDeadlines("epapr-lab-wall-deadlines");

    /** One armed limit; {@link #cancel} it when the VM no longer needs it. */
    public static final class Deadline {
        private final long atNanos;
        private ScheduledFuture<?> task;

        private Deadline(long atNanos) {
            this.atNanos = atNanos;
        }

        /** When it is due, in {@link System#nanoTime()}. */
        public long atNanos() { return atNanos; }
    }

    private final ScheduledThreadPoolExecutor timer;

    WallDeadlines(String threadName) {
        timer = new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().name(threadName).daemon().unstarted(r));
        timer.setRemoveOnCancelPolicy(true);
    }

    /**
     * Calls {@code fire} once, on the timer thread, as soon as {@link System#nanoTime()} has
     * reached {@code atNanos}, unless the deadline is cancelled before. (The executor measures the
     * delay from a reading taken after this one, so it never fires early.)
     */
    public Deadline arm(long atNanos, Consumer<Deadline> fire) {
        Deadline d = new Deadline(atNanos);
        d.task = timer.schedule(() -> {
            try {
                fire.accept(d);
            } catch (RuntimeException e) {        // the executor would keep it in the future, unseen
                System.err.println("epapr-lab: a wall-clock deadline's action failed: " + e);
            }
        }, atNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        return d;
    }

    /** {@code d} will not fire (if it has not yet; a no-op for one that has fired or is null). */
    public void cancel(Deadline d) {
        if (d != null) d.task.cancel(false);
    }

    /** Deadlines armed and neither fired nor cancelled (for tests). */
    int pending() {
        return timer.getQueue().size();
    }
}
