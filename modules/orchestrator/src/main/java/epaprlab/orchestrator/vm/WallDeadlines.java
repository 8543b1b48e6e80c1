package epaprlab.orchestrator.vm;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Every VM's wall-clock limit on one timer thread for the whole JVM, instead of an actor timer
 * per VM. A VM's start arms one {@link Deadline} and its end cancels it, both under one lock and
 * without waking the thread unless the new deadline is the earliest of all; the thread sleeps
 * until the earliest deadline and then hands each due one to its {@code fire} action (which sends
 * the VM its timeout message). Deadlines are kept in a binary heap by time, and a cancelled one
 * leaves the heap at once, so a lab that starts and ends thousands of VMs a second keeps only its
 * running VMs' deadlines.
 */
public final class WallDeadlines {

    /** The JVM's deadlines: its timer thread starts with the first deadline armed. */
    public static final WallDeadlines SHARED = new WallDeadlines("epapr-lab-wall-deadlines");

    /** One armed limit; {@link #cancel} it when the VM no longer needs it. */
    public static final class Deadline {
        private final long atNanos;
        private final Consumer<Deadline> fire;
        /** Its place in the heap; -1 once fired or cancelled. */
        private int index = -1;

        private Deadline(long atNanos, Consumer<Deadline> fire) {
            this.atNanos = atNanos;
            this.fire = fire;
        }

        /** When it is due, in {@link System#nanoTime()}. */
        public long atNanos() { return atNanos; }
    }

    private final String threadName;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the earliest deadline changed to an earlier one (or the first is armed). */
    private final Condition earlier = lock.newCondition();
    private Deadline[] heap = new Deadline[64];
    private int size;
    private Thread thread;

    WallDeadlines(String threadName) {
        this.threadName = threadName;
    }

    /**
     * Calls {@code fire} once, on the timer thread, as soon as {@link System#nanoTime()} has
     * reached {@code atNanos}, unless the deadline is cancelled before.
     */
    public Deadline arm(long atNanos, Consumer<Deadline> fire) {
        Deadline d = new Deadline(atNanos, fire);
        lock.lock();
        try {
            if (thread == null) start();
            if (size == heap.length) heap = Arrays.copyOf(heap, size * 2);
            d.index = size++;
            heap[d.index] = d;
            siftUp(d.index);
            if (d.index == 0) earlier.signal();     // the earliest now: the thread sleeps until it
        } finally {
            lock.unlock();
        }
        return d;
    }

    /** {@code d} will not fire (if it has not yet; a no-op for one that has fired or is null). */
    public void cancel(Deadline d) {
        if (d == null) return;
        lock.lock();
        try {
            if (d.index >= 0) removeAt(d.index);
        } finally {
            lock.unlock();
        }
    }

    /** Deadlines armed and neither fired nor cancelled (for tests). */
    int pending() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    private void start() {
        thread = Thread.ofPlatform().name(threadName).daemon().start(this::run);
    }

    /** The timer thread: sleeps until the earliest deadline, then fires every due one (outside the lock). */
    private void run() {
        while (true) {
            Deadline due;
            lock.lock();
            try {
                while (true) {
                    if (size == 0) {
                        earlier.await();
                        continue;
                    }
                    long wait = heap[0].atNanos - System.nanoTime();
                    if (wait <= 0) break;
                    earlier.awaitNanos(wait);
                }
                due = heap[0];
                removeAt(0);
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            try {
                due.fire.accept(due);
            } catch (RuntimeException e) {        // one VM's action must not stop every other VM's limit
                System.err.println("epapr-lab: a wall-clock deadline's action failed: " + e);
            }
        }
    }

    private void removeAt(int i) {
        Deadline gone = heap[i];
        gone.index = -1;
        Deadline last = heap[--size];
        heap[size] = null;
        if (i == size) return;
        heap[i] = last;
        last.index = i;
        siftDown(i);
        siftUp(last.index);
    }

    private void siftUp(int i) {
        Deadline d = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Deadline p = heap[parent];
            if (p.atNanos - d.atNanos <= 0) break;
            heap[i] = p;
            p.index = i;
            i = parent;
        }
        heap[i] = d;
        d.index = i;
    }

    private void siftDown(int i) {
        Deadline d = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) break;
            if (child + 1 < size && heap[child + 1].atNanos - heap[child].atNanos < 0) child++;
            Deadline c = heap[child];
            if (d.atNanos - c.atNanos <= 0) break;
            heap[i] = c;
            c.index = i;
            i = child;
        }
        heap[i] = d;
        d.index = i;
    }
}
