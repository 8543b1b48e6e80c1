package epaprlab.orchestrator.vm;

import akka.actor.Cancellable;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.ActorContext;
import java.time.Duration;

/**
 * An actor's timers without {@code Behaviors.withTimers}, whose interceptor sits in the path of
 * every message the actor handles (a clone's start handles several, most of them in code a fresh
 * JVM has not compiled yet). A timer is a message the scheduler sends to the actor itself, stamped
 * with its key and generation; the actor's receive gives it to {@link #due} first, which answers
 * the message the timer was armed with, or null for one cancelled or replaced after it was sent
 * (so a stale timer is dropped, as Akka's timers drop theirs). One timer per key; every method is
 * called on the actor's own thread.
 *
 * @param <K> the timers' keys
 * @param <T> the actor's protocol
 */
final class SelfTimers<K extends Enum<K>, T> {

    /** Makes the message that tells the actor {@code key}'s timer of {@code generation} has fired. */
    @FunctionalInterface
    interface Stamp<K, T> {
        T fired(K key, long generation);
    }

    /** An armed timer: its message, its generation, its period ({@code null}: once) and the scheduler's task. */
    private record Armed<T>(T message, long generation, Duration every, Cancellable task) {}

    private final ActorContext<T> ctx;
    private final Stamp<K, T> stamp;
    /** By key ordinal; null until the first timer (most clones never arm one). */
    private Armed<T>[] armed;
    private final int keys;
    private long generations;

    SelfTimers(ActorContext<T> ctx, Class<K> keys, Stamp<K, T> stamp) {
        this.ctx = ctx;
        this.stamp = stamp;
        this.keys = keys.getEnumConstants().length;
    }

    /** {@code message} once after {@code delay}, replacing {@code key}'s timer if one is armed. */
    void startSingle(K key, T message, Duration delay) {
        start(key, message, delay, null);
    }

    /** {@code message} after {@code every}, then again {@code every} after each time it was handled. */
    void startFixedDelay(K key, T message, Duration every) {
        start(key, message, every, every);
    }

    @SuppressWarnings("unchecked")
    private void start(K key, T message, Duration delay, Duration every) {
        cancel(key);
        if (armed == null) armed = (Armed<T>[]) new Armed<?>[keys];
        long generation = ++generations;
        armed[key.ordinal()] = new Armed<>(message, generation, every, schedule(delay, stamp.fired(key, generation)));
    }

    /** {@code key}'s timer will not be handled (whether or not its message is on its way already). */
    void cancel(K key) {
        if (armed == null) return;
        Armed<T> a = armed[key.ordinal()];
        if (a == null) return;
        armed[key.ordinal()] = null;
        a.task().cancel();
    }

    void cancelAll() {
        if (armed == null) return;
        for (Armed<T> a : armed) {
            if (a != null) a.task().cancel();
        }
        armed = null;
    }

    /**
     * For a fired timer's stamp: the message it was armed with (a periodic one is armed again),
     * or null when that timer was cancelled or replaced since.
     */
    T due(K key, long generation) {
        if (armed == null) return null;
        Armed<T> a = armed[key.ordinal()];
        if (a == null || a.generation() != generation) return null;
        armed[key.ordinal()] = a.every() == null ? null
                : new Armed<>(a.message(), generation, a.every(), schedule(a.every(), stamp.fired(key, generation)));
        return a.message();
    }

    /**
     * {@code fired} told to the actor from the scheduler's own thread, as Akka's timers do
     * ({@code ActorContext.scheduleOnce} would first hop through the actor's dispatcher: a second
     * task and thread wake-up per timer, which 100,000 idle guests pay).
     */
    private Cancellable schedule(Duration delay, T fired) {
        ActorRef<T> self = ctx.getSelf();
        return ctx.getSystem().scheduler().scheduleOnce(delay, () -> self.tell(fired), akka.dispatch.ExecutionContexts$.MODULE$.parasitic());
    }
}
