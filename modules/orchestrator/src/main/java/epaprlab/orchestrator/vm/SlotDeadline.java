package epaprlab.orchestrator.vm;

/**
 * The wall-clock limits of the clones one actor runs one after another, watched through one armed
 * {@link WallDeadlines.Deadline} instead of one armed and cancelled per clone (a lock and a heap
 * insertion and removal in the timer's queue per start). The armed deadline is never later than
 * the watched clone's; when it fires before that clone is due (it was armed for a clone before,
 * with a shorter limit) it is armed again for the rest, so no clone's limit fires early or for
 * another clone. Called on the actor's thread, and on the timer thread when the deadline fires.
 */
final class SlotDeadline {
    private final WallDeadlines deadlines;
    /** Armed, or null; it fires at or before {@link #dueNanos} while a clone is watched. */
    private WallDeadlines.Deadline armed;
    /** What to do when the watched clone's limit has run out; null: no clone is watched. */
    private Runnable onDue;
    private long dueNanos;

    SlotDeadline(WallDeadlines deadlines) {
        this.deadlines = deadlines;
    }

    /** Watches one clone's limit, due at {@code dueNanos} ({@link System#nanoTime()}), instead of any watched before. */
    synchronized void watch(long dueNanos, Runnable onDue) {
        this.dueNanos = dueNanos;
        this.onDue = onDue;
        if (armed != null && armed.atNanos() <= dueNanos) return;     // fires first; then armed again for the rest
        deadlines.cancel(armed);
        armed = deadlines.arm(dueNanos, this::fired);
    }

    /** The watched clone no longer needs its limit (it ended, or a debugger holds it); the armed deadline stays. */
    synchronized void unwatch() {
        onDue = null;
    }

    /** No clone will be watched any more: the armed deadline is cancelled. */
    synchronized void close() {
        onDue = null;
        deadlines.cancel(armed);
        armed = null;
    }

    private void fired(WallDeadlines.Deadline d) {
        Runnable due;
        synchronized (this) {
            if (d != armed) return;             // replaced by an earlier one, or closed
            armed = null;
            if (onDue == null) return;          // no clone watched: the next one arms its own
            if (System.nanoTime() - dueNanos < 0) {
                armed = deadlines.arm(dueNanos, this::fired);
                return;
            }
            due = onDue;
            onDue = null;
        }
        due.run();
    }
}
